//! HTTP Basic credentials (RFC 7617): the value after `Basic` is base64 of `user:password`.
//!
//! Decoding it tells a credential from a sample: `dXNlcjpwYXNzd2Q=` is `user:passwd`, a
//! placeholder; the password half goes through the same [password judge](super::password)
//! as a `password = …` assignment. A token used as the user name with an empty password
//! (Stripe, Twilio keys) must look random. A value that is not base64 of `user:password` is
//! kept at low confidence (some services put a bare key after `Basic`).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::checks::{Outcome, generic_value_ok};
use super::password;
use crate::rules::Confidence;

const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Whether `b64` is base64 of UTF-8 `user:password`.
pub fn is_user_password(b64: &[u8]) -> bool {
    B64.decode(b64).ok().and_then(|d| String::from_utf8(d).ok()).is_some_and(|t| t.contains(':'))
}

/// Judges the base64 text of a Basic credential.
pub fn judge(b64: &[u8]) -> Outcome {
    let Ok(decoded) = B64.decode(b64) else { return Outcome::Keep(Some(Confidence::Low)) };
    let Ok(text) = std::str::from_utf8(&decoded) else { return Outcome::Keep(Some(Confidence::Low)) };
    let Some((user, pass)) = text.split_once(':') else { return Outcome::Keep(Some(Confidence::Low)) };
    if text.chars().any(char::is_control) {
        return Outcome::Drop;
    }
    if pass.is_empty() {
        return if generic_value_ok(user.as_bytes()) { Outcome::Keep(None) } else { Outcome::Drop };
    }
    match password::judge_literal(pass.as_bytes()) {
        None => Outcome::Drop,
        // (the same word twice, `amritase:amritase`, is a real weak credential)
        Some(_) if user != pass && host_words(user) && host_words(pass) => Outcome::Keep(Some(Confidence::Low)),
        Some(c) => Outcome::Keep(Some(c.min(Confidence::Medium))),
    }
}

/// A short lower-case word or host-name fragment (`local`, `host-5000`, `docker.io`, `30.45`):
/// test data spells `user:password` out of the registry or host it is for (`example:org`).
fn host_words(s: &str) -> bool {
    s.len() <= 12
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && (s.bytes().all(|b| b.is_ascii_lowercase())
            || s.contains('.')
            || s.rsplit_once('-').is_some_and(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        B64.encode(s.replace("{!}", "")).into_bytes()
    }

    #[test]
    fn decodes_and_judges_the_password() {
        assert_eq!(judge(&b64("deploy:yoDqG8_m{!}QDYnp!lc")), Outcome::Keep(Some(Confidence::Medium)));
        assert_eq!(judge(&b64("user:passwd")), Outcome::Drop);
        assert_eq!(judge(&b64("username:<password>")), Outcome::Drop);
        assert_eq!(judge(&b64("postman:password")), Outcome::Keep(Some(Confidence::Low)));
        assert_eq!(judge(&b64("sk_test_xyz:")), Outcome::Drop);
        assert_eq!(judge(&b64("rk_live_8fJq2Lx{!}Vn3Tb9WcPz0aYd:")), Outcome::Keep(None));
        assert_eq!(judge(b"not base64 at all!"), Outcome::Keep(Some(Confidence::Low)));
        // spelled out of a host name: test data
        assert_eq!(judge(&b64("local:host-5000")), Outcome::Keep(Some(Confidence::Low)));
        assert_eq!(judge(&b64("top:level")), Outcome::Keep(Some(Confidence::Low)));
        assert_eq!(judge(&b64("deploy:tr1cky-Pass")), Outcome::Keep(Some(Confidence::Medium)));
    }
}
