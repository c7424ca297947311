//! The secret value of a finding, redacted everywhere unless explicitly exposed.
//!
//! [`Secret`]'s `Debug` and `Display` print the redacted form, so a log line, an error or a
//! panic message can never carry a raw key; the only way to the raw bytes is
//! [`Secret::expose`], which the reports call only under `--show-secrets`.

use std::fmt;

/// A raw credential value. Printing it shows only a short prefix.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(Box<[u8]>);

impl Secret {
    /// Wraps raw bytes.
    pub fn new(bytes: &[u8]) -> Self {
        Secret(bytes.into())
    }

    /// The raw value. Call only where the user asked for raw secrets (`--show-secrets`), or to
    /// hash it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The raw value as (lossy) UTF-8. Same caveat as [`Secret::expose`].
    pub fn expose_str(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// The redacted form: a short prefix, then `…`.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Redacts a value: at most 8 characters and at most a quarter of it stay visible, then `…`.
///
/// A PEM block keeps its `-----BEGIN … -----` header, which is not secret and says what kind
/// of key it is.
pub fn redact(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.starts_with("-----BEGIN")
        && let Some(end) = text[10..].find("-----")
    {
        return format!("{}…", &text[..10 + end + 5]);
    }
    if let Some(url) = redact_url(&text) {
        return url;
    }
    let n = text.chars().count();
    let keep = (n / 4).min(8);
    let prefix: String = text.chars().take(keep).collect();
    format!("{prefix}…")
}

/// A URL keeps what names the service, which is not secret: the scheme, the user name and
/// the host (`https://hooks.slack.com/…`, `postgres://app:…@db.internal/…`); the password and
/// the path, where webhook URLs keep their secret, are hidden.
fn redact_url(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')) {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // `user:password@`: the user name stays; a lone `TOKEN@` is the secret itself
    let (user, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo.split_once(':').map_or("", |(u, _)| u)), host),
        None => (None, authority),
    };
    if host.is_empty() {
        return None;
    }
    let mut out = format!("{scheme}://");
    match user {
        Some("") => out.push_str("…@"),
        Some(u) => out.push_str(&format!("{u}:…@")),
        None => {}
    }
    out.push_str(host);
    if !tail.is_empty() {
        out.push_str(&tail[..1]);
        out.push('…');
    } else if user.is_none() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_a_short_prefix() {
        assert_eq!(redact(b"sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"), "sk-proj-…");
        assert_eq!(redact(b"hunter2hunter2xx"), "hunt…");
        assert_eq!(redact(b"abc"), "…");
        assert_eq!(redact(b"-----BEGIN RSA PRIVATE KEY-----\nMIIEow"), "-----BEGIN RSA PRIVATE KEY-----…");
        let s = Secret::new(b"ghp_0123456789abcdefghijklmnopqrstuvwxyz");
        assert_eq!(format!("{s:?}"), "Secret(ghp_0123…)");
        assert_eq!(s.to_string(), "ghp_0123…");
    }

    #[test]
    fn urls_keep_scheme_user_and_host() {
        assert_eq!(redact(b"https://hooks.slack.com/services/T00/B00/XXXXXXXX"), "https://hooks.slack.com/…");
        let url = concat!("postgres://app:", "Zr8tq", "Lw2@db.internal:5432/app");
        assert_eq!(redact(url.as_bytes()), "postgres://app:…@db.internal:5432/…");
        assert_eq!(redact(b"amqp://guest:pw@rabbit"), "amqp://guest:…@rabbit");
        assert_eq!(redact(b"https://tok@github.com"), "https://…@github.com");
        assert_eq!(redact(b"://nothing"), ":/…", "no scheme: not a URL");
    }
}
