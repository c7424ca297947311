//! Verifiers and revokers as data: the `[rules.verify]` and `[rules.revocation]` tables of a
//! rule file, how their requests are built from a found credential, and how a provider's
//! answer is read.
//!
//! ```toml
//! [rules.verify]
//! url = "https://api.openai.com/v1/models"          # fixed https host: never from the text
//! headers = { Authorization = "Bearer {secret}" }   # {secret}, {part}: the found values
//! active = [200]                                    # default [200]
//! inactive = [401, 403]                             # default [401, 403]
//! ok = { pointer = "/ok", equals = true }           # a 2xx is active only if this holds
//! details = { organization = "/data/0/owned_by" }   # JSON pointers reported when active
//! references = ["https://platform.openai.com/docs/api-reference/models/list"]
//! examples = [ { status = 200, body = '{"data":[]}', result = "active" },
//!              { status = 401, result = "inactive" } ]
//! ```
//!
//! A few providers need code (request signing, batches): `code = "aws-sts"` names it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Status;

/// HTTP methods a verifier may use. A verifier must not change anything at the provider:
/// `GET`, `HEAD` and read-only `POST` endpoints only; `DELETE` is for revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET (the default).
    #[default]
    Get,
    /// HEAD.
    Head,
    /// POST, to a read-only endpoint (`auth.test`) or a revocation endpoint.
    Post,
    /// DELETE: revocation only.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP request to a provider, as written in a rule file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSyntax {
    /// A verifier implemented in code (`aws-sts`, `github-revoke`) instead of a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The method.
    #[serde(default)]
    pub method: Method,
    /// An `https://` URL on a host fixed here; `{secret}` and `{part}` may appear in its path
    /// or query (percent-encoded), never in its host.
    #[serde(default)]
    pub url: String,
    /// Request headers; `{secret}` and `{part}` are replaced by the found values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// HTTP Basic credentials: `[user, password]` templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<[String; 2]>,
    /// A request body (templates replaced; `{secret:json}` is JSON-string-escaped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Statuses that mean the key works (verify) or was revoked (revocation) [default: 200].
    #[serde(default)]
    pub active: Vec<u16>,
    /// Statuses that mean the key does not work (revoked, expired, unknown) [default: 401,
    /// 403]. `[]` when the host cannot tell: a provider with several regions or self-managed
    /// instances answers 401 for a key that works elsewhere (see `elsewhere`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive: Option<Vec<u16>>,
    /// Where else a key refused here may work (`other Datadog sites (EU, US3, US5, AP1)`): a
    /// 401 or 403 not listed in `inactive` then reads `unknown` with that said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elsewhere: Option<String>,
    /// A JSON test on the body of an `active` status: if it fails the key is inactive
    /// (Slack answers 200 with `"ok": false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<JsonTest>,
    /// A JSON pointer to the provider's reason when the test fails or the key is inactive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the provider says about a working key: name → JSON pointer into the answer.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    /// The same from the answer's headers: name → header (`scopes = "x-oauth-scopes"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header_details: BTreeMap<String, String>,
    /// The provider's documentation of the endpoint.
    #[serde(default)]
    pub references: Vec<String>,
    /// Documented answers and what they mean; `keyhound rules check` and the tests run them.
    #[serde(default)]
    pub examples: Vec<ResponseExample>,
}

/// `ok = { pointer = "/ok", equals = true }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JsonTest {
    /// JSON pointer (RFC 6901).
    pub pointer: String,
    /// The value it must have.
    pub equals: serde_json::Value,
}

/// A documented answer and what it means.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseExample {
    /// HTTP status.
    pub status: u16,
    /// Body.
    #[serde(default)]
    pub body: String,
    /// What keyhound must conclude.
    pub result: Status,
}

/// The found values a template may use.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    /// The secret (first part).
    pub secret: &'a str,
    /// The second part, if the rule has a pair.
    pub part: Option<&'a str>,
}

/// Where a template is expanded: URLs percent-encode, JSON bodies escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Url,
    Raw,
}

/// What a found value keeps unencoded in a URL: RFC 3986 unreserved characters and `:` (legal
/// in a path segment and a query; Telegram's bot tokens hold one). Everything else, `/`, `?`,
/// `&`, `=`, `#`, `+` and `%` among them, is percent-encoded.
const URL_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b':');

fn expand(template: &str, v: Values<'_>, ctx: Context) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + v.secret.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            out.push_str(&rest[i..]);
            return Ok(out);
        };
        let name = &rest[i + 1..i + j];
        let (var, filter) = name.split_once(':').unwrap_or((name, ""));
        let value = match var {
            "secret" => Some(v.secret),
            "part" => Some(v.part.ok_or("the rule's verifier needs the second part, which was not found")?),
            _ => None,
        };
        match value {
            Some(val) => {
                let s = match (filter, ctx) {
                    ("json", _) => {
                        let q = serde_json::to_string(val).unwrap_or_default();
                        q[1..q.len() - 1].to_string()
                    }
                    (_, Context::Url) => percent_encoding::utf8_percent_encode(val, URL_VALUE).to_string(),
                    _ => val.to_string(),
                };
                out.push_str(&s);
            }
            None => {
                // not a variable (a JSON body's own brace): keep it and look further
                out.push('{');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A request ready to send; its `Debug` never prints header values or the body.
pub struct Request {
    /// Method.
    pub method: Method,
    /// Full URL (may carry the secret in its query: never print it).
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Request({} {})", self.method.as_str(), host_of(&self.url).unwrap_or_default())
    }
}

/// The host of an `https://` URL template or URL (lower-cased), if it has one.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

impl RequestSyntax {
    /// Problems with the spec (empty when it is usable): the URL must be `https://` on a fixed
    /// host, the method allowed for its use, the examples consistent.
    pub fn problems(&self, revocation: bool) -> Vec<String> {
        let mut p = Vec::new();
        if let Some(code) = &self.code {
            if !super::code::KNOWN.contains(&code.as_str()) {
                p.push(format!("unknown code verifier `{code}` (known: {})", super::code::KNOWN.join(", ")));
            }
            return p;
        }
        if !self.url.starts_with("https://") {
            p.push("url must start with https://".into());
        }
        match host_of(&self.url) {
            None => p.push("url has no host".into()),
            Some(h) if h.contains('{') => p.push("the url's host must be fixed, not taken from the secret".into()),
            Some(_) => {}
        }
        if self.method == Method::Delete && !revocation {
            p.push("a verifier must not use DELETE".into());
        }
        for (i, ex) in self.examples.iter().enumerate() {
            let got = self.interpret(ex.status, ex.body.as_bytes(), None);
            if got.status != ex.result {
                p.push(format!(
                    "response example {}: HTTP {} reads as {}, expected {}",
                    i + 1,
                    ex.status,
                    got.status.as_str(),
                    ex.result.as_str()
                ));
            }
        }
        p
    }

    /// The request for a credential; an error names what is missing.
    pub fn request(&self, v: Values<'_>) -> Result<Request, String> {
        let url = expand(&self.url, v, Context::Url)?;
        let mut headers = Vec::new();
        for (k, t) in &self.headers {
            headers.push((k.clone(), expand(t, v, Context::Raw)?));
        }
        if let Some([user, pass]) = &self.basic {
            use base64::Engine as _;
            let pair = format!("{}:{}", expand(user, v, Context::Raw)?, expand(pass, v, Context::Raw)?);
            headers.push((
                "Authorization".into(),
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)),
            ));
        }
        let body = match &self.body {
            Some(b) => Some(expand(b, v, Context::Raw)?.into_bytes()),
            None => None,
        };
        Ok(Request { method: self.method, url, headers, body })
    }

    /// Reads a provider's answer; `retry_after` is the answer's `Retry-After` in seconds.
    pub fn interpret(&self, status: u16, body: &[u8], retry_after: Option<u64>) -> Outcome {
        self.read(status, body, retry_after).with_status(status)
    }

    fn read(&self, status: u16, body: &[u8], retry_after: Option<u64>) -> Outcome {
        let active: &[u16] = if self.active.is_empty() { &[200] } else { &self.active };
        let inactive: &[u16] = self.inactive.as_deref().unwrap_or(&[401, 403]);
        let json = || serde_json::from_slice::<serde_json::Value>(body).ok();
        let reason_of = |j: Option<&serde_json::Value>| {
            let r = self.reason.as_ref().and_then(|p| j.and_then(|j| j.pointer(p)));
            match r {
                Some(serde_json::Value::String(s)) => format!("HTTP {status}: {s}"),
                Some(v) => format!("HTTP {status}: {v}"),
                None => format!("HTTP {status}"),
            }
        };
        if active.contains(&status) {
            let j = json();
            if let Some(t) = &self.ok
                && j.as_ref().and_then(|j| j.pointer(&t.pointer)) != Some(&t.equals)
            {
                return Outcome::new(Status::Inactive, Some(reason_of(j.as_ref())));
            }
            let mut details = BTreeMap::new();
            if let Some(j) = &j {
                for (name, ptr) in &self.details {
                    match j.pointer(ptr) {
                        Some(serde_json::Value::String(s)) => details.insert(name.clone(), s.clone()),
                        Some(serde_json::Value::Null) | None => None,
                        Some(v) => details.insert(name.clone(), v.to_string()),
                    };
                }
            }
            return Outcome { status: Status::Active, reason: None, details, http_status: None };
        }
        if inactive.contains(&status) {
            return Outcome::new(Status::Inactive, Some(reason_of(json().as_ref())));
        }
        let reason = match status {
            401 | 403 if self.elsewhere.is_some() => format!(
                "HTTP {status} here; the key may belong to {}, which is not checked",
                self.elsewhere.as_deref().unwrap_or_default()
            ),
            429 => match retry_after {
                Some(s) => format!("rate limited (HTTP 429, retry after {s} s)"),
                None => "rate limited (HTTP 429)".into(),
            },
            300..=399 => format!("redirected (HTTP {status}); redirects are not followed"),
            500..=599 => format!("provider error (HTTP {status})"),
            _ => format!("unexpected answer (HTTP {status})"),
        };
        Outcome::new(Status::Unknown, Some(reason))
    }
}

/// What an answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The status.
    pub status: Status,
    /// Why, when not active.
    pub reason: Option<String>,
    /// What the provider says about a working key.
    pub details: BTreeMap<String, String>,
    /// The HTTP status of the answer, if there was one.
    pub http_status: Option<u16>,
}

impl Outcome {
    /// An outcome without details.
    pub fn new(status: Status, reason: Option<String>) -> Self {
        Outcome { status, reason, details: BTreeMap::new(), http_status: None }
    }

    /// The same, with the answer's HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> RequestSyntax {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn templates_expand_per_context() {
        let s = spec(
            r#"url = "https://api.example.com/v1/check?key={secret}"
               headers = { Authorization = "Bearer {secret}", X-Id = "{part}" }
               body = '{"token":"{secret:json}"}'
               basic = ["{part}", "{secret}"]"#,
        );
        let r = s.request(Values { secret: "a b/\"c", part: Some("ID") }).unwrap();
        let t = spec(r#"url = "https://api.example.org/bot{secret}/getMe""#);
        let token = format!("123:{}", "AB-c_d.e~f+g");
        let url = t.request(Values { secret: &token, part: None }).unwrap().url;
        assert_eq!(url, "https://api.example.org/bot123:AB-c_d.e~f%2Bg/getMe");
        assert_eq!(r.url, "https://api.example.com/v1/check?key=a%20b%2F%22c");
        assert!(r.headers.contains(&("Authorization".into(), "Bearer a b/\"c".into())));
        assert!(r.headers.contains(&("X-Id".into(), "ID".into())));
        assert!(r.headers.iter().any(|(k, v)| k == "Authorization" && v == "Basic SUQ6YSBiLyJj"));
        assert_eq!(r.body.unwrap(), br#"{"token":"a b/\"c"}"#);
        assert!(!format!("{:?}", s.request(Values { secret: "SECRET", part: Some("x") }).unwrap()).contains("SECRET"));
        let e = s.request(Values { secret: "x", part: None }).unwrap_err();
        assert!(e.contains("second part"), "{e}");
    }

    #[test]
    fn answers_are_read() {
        let s = spec(
            r#"url = "https://slack.com/api/auth.test"
               method = "POST"
               ok = { pointer = "/ok", equals = true }
               reason = "/error"
               details = { team = "/team", user = "/user", n = "/n" }"#,
        );
        let a = s.interpret(200, br#"{"ok":true,"team":"Acme","user":"bob","n":3}"#, None);
        assert_eq!(a.status, Status::Active);
        assert_eq!(a.details.get("team").unwrap(), "Acme");
        assert_eq!(a.details.get("n").unwrap(), "3");
        let i = s.interpret(200, br#"{"ok":false,"error":"invalid_auth"}"#, None);
        assert_eq!((i.status, i.reason.as_deref()), (Status::Inactive, Some("HTTP 200: invalid_auth")));
        assert_eq!(s.interpret(200, b"not json", None).status, Status::Inactive);
        assert_eq!(s.interpret(401, b"", None).status, Status::Inactive);
        let r = s.interpret(429, b"", Some(30));
        assert_eq!(
            (r.status, r.reason.unwrap()),
            (Status::Unknown, "rate limited (HTTP 429, retry after 30 s)".into())
        );
        assert_eq!(s.interpret(503, b"", None).status, Status::Unknown);
        assert!(s.interpret(302, b"", None).reason.unwrap().contains("not followed"));
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(spec(r#"url = "http://api.example.com/""#).problems(false)[0].contains("https"));
        assert!(spec(r#"url = "https://{secret}.example.com/""#).problems(false)[0].contains("fixed"));
        assert!(spec(r#"url = "https://user@example.com/""#).problems(false)[0].contains("no host"));
        assert!(
            spec(
                r#"url = "https://x.example.com/"
                        method = "DELETE""#
            )
            .problems(false)[0]
                .contains("DELETE")
        );
        assert!(
            spec(
                r#"url = "https://x.example.com/"
                        method = "DELETE""#
            )
            .problems(true)
            .is_empty()
        );
        let regional = spec(
            r#"url = "https://api.example.com/v1/validate"
               inactive = []
               elsewhere = "the EU site""#,
        );
        let r = regional.interpret(403, b"", None);
        assert_eq!(r.status, Status::Unknown);
        assert_eq!(r.reason.unwrap(), "HTTP 403 here; the key may belong to the EU site, which is not checked");
        let p = spec(
            r#"url = "https://x.example.com/"
               examples = [{ status = 404, result = "inactive" }]"#,
        )
        .problems(false);
        assert!(p[0].contains("reads as unknown"), "{p:?}");
        assert!(spec(r#"code = "nope""#).problems(false)[0].contains("unknown code verifier"));
        assert_eq!(host_of("https://[::1]:8443/x").as_deref(), Some("::1"));
        assert_eq!(host_of("https://API.Example.com:443?x").as_deref(), Some("api.example.com"));
    }
}
