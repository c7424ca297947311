//! Verifiers that need code rather than data: AWS's signed `GetCallerIdentity`.
//!
//! Signing uses the `aws-sigv4` crate (AWS's own implementation of Signature Version 4), not a
//! hand-written HMAC chain.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::net::Http;
use super::spec::{Method, Outcome, Request, Values};
use super::{Status, Verifier};

/// Names `code = "…"` may take in `[rules.verify]` and `[rules.revocation]`.
pub const KNOWN: &[&str] = &["aws-sts", "github-revoke"];

/// The code verifier called `name`, if there is one (revokers are in [`crate::revoke`]).
pub fn verifier(name: &str) -> Option<Box<dyn Verifier>> {
    match name {
        "aws-sts" => Some(Box::new(AwsSts)),
        _ => None,
    }
}

/// AWS STS `GetCallerIdentity`: works for any valid access key whatever its permissions, and
/// changes nothing. The first part is the access key id, the second the secret access key.
#[derive(Debug)]
pub struct AwsSts;

const STS_URL: &str = "https://sts.amazonaws.com/";
const STS_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// The text between `<tag>` and `</tag>` in an XML answer.
fn xml_field<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(xml[start..end].trim())
}

/// The signed request for an access key pair, at `time`.
pub fn sts_request(id: &str, secret: &str, time: SystemTime) -> Result<Request, String> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let creds = aws_credential_types::Credentials::new(id, secret, None, None, "keyhound-finding");
    let identity = creds.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot sign the request: {e}"))?
        .into();
    let headers = [("content-type", "application/x-www-form-urlencoded; charset=utf-8"), ("host", "sts.amazonaws.com")];
    let signable =
        SignableRequest::new("POST", STS_URL, headers.iter().copied(), SignableBody::Bytes(STS_BODY.as_bytes()))
            .map_err(|e| format!("cannot sign the request: {e}"))?;
    let (instructions, _) = sign(signable, &params).map_err(|e| format!("cannot sign the request: {e}"))?.into_parts();
    let mut out: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (k, v) in instructions.headers() {
        out.push((k.to_string(), v.to_string()));
    }
    Ok(Request { method: Method::Post, url: STS_URL.into(), headers: out, body: Some(STS_BODY.as_bytes().to_vec()) })
}

/// Reads STS's answer.
pub fn sts_outcome(status: u16, body: &[u8]) -> Outcome {
    let xml = String::from_utf8_lossy(body);
    match status {
        200 => {
            let mut details = BTreeMap::new();
            for (tag, name) in [("Account", "account"), ("Arn", "arn"), ("UserId", "user_id")] {
                if let Some(v) = xml_field(&xml, tag) {
                    details.insert(name.to_string(), v.to_string());
                }
            }
            Outcome { status: Status::Active, reason: None, details, http_status: Some(200) }
        }
        400 | 403 => {
            let code = xml_field(&xml, "Code").unwrap_or("");
            match code {
                "Throttling" | "RequestLimitExceeded" => {
                    Outcome::new(Status::Unknown, Some(format!("rate limited (HTTP {status}: {code})")))
                }
                "" => Outcome::new(Status::Inactive, Some(format!("HTTP {status}"))),
                c => Outcome::new(Status::Inactive, Some(format!("HTTP {status}: {c}"))),
            }
        }
        _ => super::spec::RequestSyntax::default().interpret(status, body, None),
    }
}

impl Verifier for AwsSts {
    fn host(&self) -> String {
        "sts.amazonaws.com".into()
    }

    fn verify(&self, v: Values<'_>, http: &Http) -> Outcome {
        let Some(secret) = v.part else {
            return Outcome::new(
                Status::Error,
                Some("the secret access key was not found beside the key id; an id alone cannot be verified".into()),
            );
        };
        let req = match sts_request(v.secret, secret, SystemTime::now()) {
            Ok(r) => r,
            Err(e) => return Outcome::new(Status::Error, Some(e)),
        };
        match http.send(&req) {
            Ok(r) => sts_outcome(r.status, &r.body).with_status(r.status),
            Err(e) => super::net_outcome(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_requests_are_signed() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let r = sts_request("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", t).unwrap();
        let auth = r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).unwrap();
        assert!(auth.1.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sts/aws4_request"));
        assert!(auth.1.contains("Signature="));
        assert!(!auth.1.contains("wJalrXUtnFEMI"));
        assert!(r.headers.iter().any(|(k, v)| k == "x-amz-date" && v == "20231114T221320Z"));
    }

    #[test]
    fn sts_answers_are_read() {
        let ok = sts_outcome(
            200,
            b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
        );
        assert_eq!(ok.status, Status::Active);
        assert_eq!(ok.details["account"], "123456789012");
        let bad = sts_outcome(403, b"<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>");
        assert_eq!((bad.status, bad.reason.unwrap()), (Status::Inactive, "HTTP 403: InvalidClientTokenId".into()));
        assert_eq!(sts_outcome(400, b"<Error><Code>Throttling</Code></Error>").status, Status::Unknown);
        assert_eq!(sts_outcome(503, b"").status, Status::Unknown);
    }
}
