//! A generic value that is base64 of readable text is judged by that text.
//!
//! A random key's base64 decodes to random bytes; base64 that decodes to printable text is an
//! encoding of something a person wrote. When that text is prose (`Not a real signature`, a
//! sample OAuth signature in an RFC) or a `user:password` pair whose password the
//! [Basic judge](super::basic_auth) rejects (`dXNlcm5hbWU6cGFzc3dvcmQ=` is
//! `username:password`), the value is a sample, not a key. Any other text (a base64-wrapped
//! password, a token) is left to the usual judges: encoding a secret does not make it less of one.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::checks::Outcome;
use crate::rules::Confidence;

const CONFIG: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);

/// Shortest value worth decoding (12 characters are 9 bytes of text).
const MIN_LEN: usize = 12;

/// The printable ASCII text `v` is base64 (standard or URL-safe, padded or not) of, if it is.
pub fn decoded_text(v: &[u8]) -> Option<String> {
    if v.len() < MIN_LEN {
        return None;
    }
    let body = v.strip_suffix(b"==").or_else(|| v.strip_suffix(b"=")).unwrap_or(v);
    if !body.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')) {
        return None;
    }
    let mut bytes = STANDARD.decode(v).or_else(|_| URL_SAFE.decode(v)).ok()?;
    // (`echo 'text' | base64` encodes the line break too)
    while bytes.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        bytes.pop();
    }
    if bytes.is_empty() || !bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// Whether `v` is base64 of prose (words between spaces, or joined by `-`/`_` as in `my-secret-key-which-should-be-changed`), or of a `user:password` pair the Basic
/// judge drops.
pub fn is_encoded_sample(v: &[u8]) -> bool {
    // (a short prefix before the base64, as a product puts on its tokens: `DMS_YWNjZXNz…`)
    let tail = v[..v.len().min(9)].iter().position(|&b| b == b'_').map(|i| &v[i + 1..]);
    let Some(text) = decoded_text(v).or_else(|| tail.and_then(decoded_text)) else { return false };
    // the name of a credential as its value: `access_token`, `my-api-key`
    if text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        && text.split(['_', '-']).any(|w| matches!(w, "token" | "secret" | "password" | "passwd" | "key" | "apikey"))
    {
        return true;
    }
    let spaces = text.bytes().filter(|&b| b == b' ').count();
    let letters = text.bytes().filter(u8::is_ascii_alphabetic).count();
    if spaces >= 2 && letters * 10 >= (text.len() - spaces) * 6 {
        return true;
    }
    // a sentence written as an identifier: `my-secret-key-which-should-be-changed-in-production`
    let words: Vec<&str> = text.split(['-', '_']).collect();
    if spaces == 0
        && words.len() >= 5
        && words.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric()))
        && words.iter().filter(|w| w.bytes().all(|b| b.is_ascii_alphabetic())).count() + 1 >= words.len()
    {
        return true;
    }
    // (the Basic judge keeps a weak pair such as `postman:password` at low confidence: as a
    // generic value that is a sample)
    text.contains(':')
        && spaces == 0
        && match super::basic_auth::judge(v) {
            Outcome::Drop => true,
            Outcome::Keep(c) => c.is_some_and(|c| c <= Confidence::Low),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        STANDARD.encode(s.replace("{!}", "")).into_bytes()
    }

    #[test]
    fn prose_and_sample_pairs_are_samples() {
        assert!(is_encoded_sample(&b64("Not a real signature")));
        assert!(is_encoded_sample(&b64("I'm a little tea pot.")));
        assert!(is_encoded_sample(&b64("username:password")));
        assert!(is_encoded_sample(format!("DMS_{}", String::from_utf8(b64("access_token")).unwrap()).as_bytes()));
        assert!(is_encoded_sample(&b64("my-secret-key-which-should-be-changed-in-production\n")));
        assert!(is_encoded_sample(URL_SAFE.encode("Hello there, world").trim_end_matches('=').as_bytes()));
    }

    #[test]
    fn encoded_secrets_and_random_bytes_are_not() {
        assert!(!is_encoded_sample(&b64("deploy:yoDqG8_m{!}QDYnp!lc")));
        assert!(!is_encoded_sample(&b64("Xk9$mQ2{!}!pLw7#Tz")));
        assert!(!is_encoded_sample(&b64("monkeybusiness")));
        assert!(!is_encoded_sample(b"q8Zr1LmX0vT4kP9sWb2NcY7uH3jD5fG6"));
        let random = STANDARD.encode([0x9fu8, 0x10, 0xee, 0x42, 0x07, 0xc3, 0x88, 0x61, 0x5a, 0xd0, 0x3b, 0x77]);
        assert!(!is_encoded_sample(random.as_bytes()));
        assert_eq!(decoded_text(b"short"), None);
    }
}
