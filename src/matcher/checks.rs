//! Built-in validators that a rule names with `check = "…"`: structure a regex cannot express.
//!
//! - `jwt`: a JSON Web Token's header must decode (base64url) to a JSON object with `alg`, and
//!   its payload to a JSON object.
//! - `generic`: a generic `name = value` assignment must not name a public or identifying value
//!   (`public_key`, `token_url`, `key_id`) and its value must look random rather than be a
//!   reference, path or identifier (`config.apiKey`, `./keys/app.pem`, `SOME_CONSTANT`).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::matcher::randomness::looks_random;
use crate::rules::{CheckKind, Confidence};

const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How far before a value the name of a generic assignment is looked for.
const NAME_REACH: usize = 96;

/// What a check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not a credential: drop the match.
    Drop,
    /// Keep it, with this confidence instead of the rule's (None: the rule's).
    Keep(Option<Confidence>),
}

/// Runs a check on a match: `hay` is the blob, `secret` the span of the `secret` group.
///
/// The generic check reads the assignment's name from the text before the value, which may
/// begin before the regex match (the regex starts at its keyword, in the middle of
/// `public_key`).
pub fn judge(kind: CheckKind, hay: &[u8], secret: std::ops::Range<usize>) -> Outcome {
    let keep_if = |ok: bool| if ok { Outcome::Keep(None) } else { Outcome::Drop };
    match kind {
        CheckKind::Jwt => keep_if(jwt(&hay[secret])),
        CheckKind::Generic => {
            let from = secret.start.saturating_sub(NAME_REACH);
            let value = &hay[secret.clone()];
            if !(generic_name_ok(&hay[from..secret.start]) && generic_value_ok(value)) {
                return Outcome::Drop;
            }
            Outcome::Keep(Some(if generic_value_strong(value) { Confidence::Medium } else { Confidence::Low }))
        }
        CheckKind::Crc32Base62 => {
            Outcome::Keep(Some(if crc32_base62_valid(&hay[secret]) { Confidence::High } else { Confidence::Low }))
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix_` + 30 random characters + 6 characters of base62 CRC32 over those 30 (left-padded
/// with `0`), as GitHub documents for its tokens and npm uses for `npm_` tokens.
pub fn crc32_base62_valid(token: &[u8]) -> bool {
    let Some(us) = token.iter().rposition(|&b| b == b'_') else { return false };
    let body = &token[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    let mut crc = crc32fast::hash(random);
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = BASE62[(crc % 62) as usize];
        crc /= 62;
    }
    crc == 0 && enc == check
}

/// A random-looking generic value long enough to be reported at medium confidence (shorter
/// ones, such as typical passwords, are low).
pub fn generic_value_strong(v: &[u8]) -> bool {
    v.len() >= 20
}

fn decode_json_object(part: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = B64URL.decode(part).ok()?;
    match serde_json::from_slice::<serde_json::Value>(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A JWT: `header.payload.signature`, header JSON with a string `alg`, payload a JSON object.
pub fn jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Some(header) = decode_json_object(h) else {
        return false;
    };
    header.get("alg").is_some_and(|a| a.is_string()) && decode_json_object(p).is_some()
}

/// Name suffixes that say the value identifies or describes a secret rather than being one.
const NAME_SUFFIXES: &[&str] = &[
    "id", "ids", "name", "names", "url", "uri", "path", "file", "dir", "type", "size", "length", "len", "prefix",
    "format", "field", "header", "count", "version", "ttl", "expiry", "expires", "timeout", "env", "var", "hint",
];

/// The assignment's name (the text before the value) is one that holds a secret.
pub fn generic_name_ok(prefix: &[u8]) -> bool {
    let trimmed = prefix.iter().rposition(|b| b.is_ascii_alphanumeric()).map(|i| &prefix[..=i]).unwrap_or_default();
    let start = trimmed
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.'))
        .map_or(0, |i| i + 1);
    let name = trimmed[start..].to_ascii_lowercase();
    let name = String::from_utf8_lossy(&name);
    if name.contains("public") || name.contains("publishable") {
        return false;
    }
    let last = name.rsplit(['_', '-', '.']).next().unwrap_or_default();
    let camel_tail = camel_tail(&trimmed[start..]);
    !NAME_SUFFIXES.iter().any(|s| last == *s || camel_tail.as_deref() == Some(*s))
}

/// The last camelCase word of an identifier, lower-cased (`apiKeyId` -> `id`).
fn camel_tail(ident: &[u8]) -> Option<String> {
    let pos = ident.iter().rposition(|b| b.is_ascii_uppercase())?;
    if pos == 0 {
        return None;
    }
    Some(String::from_utf8_lossy(&ident[pos..]).to_ascii_lowercase())
}

/// The value looks like a random credential, not a reference, path, identifier or word.
///
/// A light structural gate (a letter present; not a path, not `a.b.c` member access), then the
/// [excess surprisal](crate::matcher::randomness) of the value decides; placeholders were
/// already dropped by the global filter.
pub fn generic_value_ok(v: &[u8]) -> bool {
    if !v.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"../") || v.starts_with(b"~/") {
        return false;
    }
    if is_dotted_identifier(v) || is_path_with_extension(v) {
        return false;
    }
    looks_random(v)
}

fn is_ident(s: &[u8]) -> bool {
    !s.is_empty() && !s[0].is_ascii_digit() && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
}

/// `config.apiKey`, `self.settings.token`: member access, not a value.
fn is_dotted_identifier(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| is_ident(p) && !p.iter().all(u8::is_ascii_digit))
        && parts.iter().skip(1).all(|p| p[0].is_ascii_alphabetic() || p[0] == b'_')
        && parts.iter().all(|p| p.len() < 40)
}

/// `keys/prod.json`, `certs/app.pem`: a path to a file, not a value.
fn is_path_with_extension(v: &[u8]) -> bool {
    if !v.contains(&b'/') {
        return false;
    }
    match v.iter().rposition(|&b| b == b'.') {
        Some(dot) => {
            let ext = &v[dot + 1..];
            (2..=5).contains(&ext.len()) && ext.iter().all(u8::is_ascii_lowercase)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_header_must_be_json_with_alg() {
        let enc = |s: &str| B64URL.encode(s);
        let good = format!("{}.{}.c2lnbmF0dXJl", enc(r#"{"alg":"HS256","typ":"JWT"}"#), enc(r#"{"sub":"1"}"#));
        assert!(jwt(good.as_bytes()));
        let no_alg = format!("{}.{}.c2ln", enc(r#"{"typ":"JWT"}"#), enc(r#"{"sub":"1"}"#));
        assert!(!jwt(no_alg.as_bytes()));
        assert!(!jwt(b"eyJub3Rqc29u.eyJhIjoxfQ.sig"));
    }

    #[test]
    fn crc32_checksums() {
        // GitHub's documented layout: 30 random characters, then their CRC32 in base62
        let body = "q8Zr1LmX0vT4kP9sWb2NcY7uH3jD5f";
        let mut crc = crc32fast::hash(body.as_bytes());
        let mut cs = String::new();
        for _ in 0..6 {
            cs.insert(0, BASE62[(crc % 62) as usize] as char);
            crc /= 62;
        }
        let good = format!("ghp_{body}{cs}");
        assert!(crc32_base62_valid(good.as_bytes()));
        assert!(crc32_base62_valid(format!("npm_{body}{cs}").as_bytes()));
        let mut bad = good.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!crc32_base62_valid(&bad));
        assert!(!crc32_base62_valid(b"ghp_short"));
        assert_eq!(judge(CheckKind::Crc32Base62, &bad, 0..bad.len()), Outcome::Keep(Some(Confidence::Low)));
    }

    #[test]
    fn generic_names() {
        for ok in ["api_key = \"", "SECRET_KEY=", "\"apiKey\": \"", "self.auth_token = '", "password: "] {
            assert!(generic_name_ok(ok.as_bytes()), "{ok}");
        }
        for bad in
            ["public_key = \"", "apiKeyId: \"", "token_url=", "secretName: ", "KEY_ID=", "stripePublishableKey: '"]
        {
            assert!(!generic_name_ok(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn generic_values() {
        for ok in ["q8Zr1LmX0vT4kP9sWb2N", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz", "3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d"] {
            assert!(generic_value_ok(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "response.data.accessToken",
            "getAccessTokenFromEnvironment",
            "SOME_CONSTANT_NAME_HERE",
            "/etc/ssl/private/server",
            "config/secrets/production.json",
            "my-super-secret-value",
            "1234567890123456",
            "manifest.html#the-authors-field-optional",
            "target.x86_64-unknown-linux-gnu",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
            "libssh2_NB_state_created",
        ] {
            assert!(!generic_value_ok(bad.as_bytes()), "{bad}");
        }
    }
}
