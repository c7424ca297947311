//! The secret-key judge: a literal under a name that says "the key a person chose"
//! (`SECRET_KEY`, `secret_access_key`, `ENCRYPTION_KEY`, `signingKey`, `JWT_SECRET_KEY`).
//!
//! Provider rules find keys by their format; the generic detector wants 16 random-looking
//! characters. Neither sees the keys people type: a three-letter Flask or Django
//! `SECRET_KEY`, the root password of an S3-compatible store given as `AWS_SECRET_ACCESS_KEY`
//! or `--secret_key`, a dictionary word as an application's `ENCRYPTION_KEY`. Such a value
//! signs sessions, decrypts data or opens a bucket, however weak it is. The name must be a secret key's, not a reference to one
//! (`secret_key_ref`, `secretKeyName`, `SECRET_KEY_FILE`), and the value is judged by the
//! [password judge](super::password::value_ok) (placeholders, references, expressions, file
//! names, identifiers are not keys), plus algorithm names (`HS256`, `aes-256-gcm`), which
//! describe a key instead of being one.

use super::password::{self, Context};
use crate::rules::Confidence;

/// Words that, before `key` or `secret`, make a name a secret key's.
/// (`master` is left out: a master key is as often a KMS key's name or LiteLLM's documented
/// default as a secret typed into the file.)
const KEY_KINDS: &[&str] =
    &["secret", "encryption", "encrypt", "signing", "sign", "hmac", "cipher", "crypto", "aes", "jwt"];

/// Words that may follow a secret key's name without changing what it holds
/// (`SECRET_KEY_BASE`, `aws_secret_access_key_value`).
const TRAILING: &[&str] = &["base", "value", "string", "str"];

/// Whether `name` names a secret key: a `KEY_KINDS` word followed by `key` (with `access`
/// allowed between: `secret_access_key`), as its last words or before a `TRAILING` one.
/// (Names ending in `secret`, `JWT_SECRET`, are the password judge's.)
pub fn is_secret_key_name(name: &[u8]) -> bool {
    let mut w = password::words(name);
    // the key's name inside an existing Kubernetes Secret: `existingSecretKey`,
    // `passwordSecretKey`, `secretKeyRef`
    if w.iter().any(|x| matches!(x.as_str(), "existing" | "ref" | "password" | "username" | "user" | "from")) {
        return false;
    }
    while w.len() > 2 && TRAILING.contains(&w[w.len() - 1].as_str()) {
        w.pop();
    }
    let n = w.len();
    if n == 1 {
        // glued: `SECRETKEY`, `secretaccesskey`
        return matches!(w[0].as_str(), "secretkey" | "secretaccesskey" | "encryptionkey" | "signingkey");
    }
    if n < 2 || w[n - 1] != "key" {
        return false;
    }
    let before = w[n - 2].as_str();
    KEY_KINDS.contains(&before) || before == "access" && n >= 3 && w[n - 3] == "secret"
}

/// Values that name an algorithm, a key type or an encoding, not a key (lower-cased, `-`
/// and `_` removed).
const ALGORITHMS: &[&str] = &[
    "aes",
    "aes128",
    "aes192",
    "aes256",
    "aes128gcm",
    "aes256gcm",
    "aes256cbc",
    "aes128cbc",
    "rsa",
    "ecdsa",
    "ed25519",
    "hs256",
    "hs384",
    "hs512",
    "rs256",
    "rs384",
    "rs512",
    "es256",
    "es384",
    "es512",
    "ps256",
    "hmac",
    "hmacsha256",
    "sha1",
    "sha256",
    "sha512",
    "base64",
    "hex",
    "utf8",
    "symmetric",
    "asymmetric",
    "kms",
    "none",
];

/// The confidence of `value` as a secret key under `name`, or `None` if it is not one.
pub fn judge(name: &[u8], value: &[u8], ctx: Context) -> Option<Confidence> {
    if !is_secret_key_name(name) || !password::value_ok(value, ctx) {
        return None;
    }
    let squashed: String =
        value.iter().filter(|b| !matches!(b, b'-' | b'_')).map(|b| b.to_ascii_lowercase() as char).collect();
    if ALGORITHMS.contains(&squashed.as_str()) {
        return None;
    }
    // the name as its own value (`secret_key: secretkey`, `SECRET_KEY=secret`), a word that
    // describes the key (`aws_secret_access_key = valid`), and the name of a key inside a
    // Kubernetes Secret (`passwordSecretKey: password`)
    let words = password::words(value);
    if words.iter().all(|w| {
        matches!(
            w.as_str(),
            "secret" | "key" | "secretkey" | "encryption" | "signing" | "password" | "username" | "user"
        ) || password::DESCRIPTIVE_WORDS.contains(&w.as_str())
    }) {
        return None;
    }
    Some(Confidence::Medium)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: Context = Context { quoted: false, code: false, followed: false };
    const QUOTED: Context = Context { quoted: true, code: true, followed: false };

    #[test]
    fn names() {
        for n in [
            "SECRET_KEY",
            "app.secret_key",
            "aws_secret_access_key",
            "AWS_SECRET_ACCESS_KEY",
            "SecretAccessKey",
            "secretKey",
            "MINIO_SECRET_KEY",
            "--secret_key",
            "ENCRYPTION_KEY",
            "jwtSigningKey",
            "JWT_SECRET_KEY",
            "SECRET_KEY_BASE",
            "hmac-key",
        ] {
            assert!(is_secret_key_name(n.as_bytes()), "{n}");
        }
        for n in [
            "secret",
            "key",
            "api_key",
            "secret_key_ref",
            "secretKeyName",
            "SECRET_KEY_FILE",
            "secret_key_id",
            "access_key",
            "public_key",
            "client_secret",
            "secret_name",
            "JWT_SECRET",
            "existingUserSecretKey",
            "existingPasswordSecretKey",
            "passwordSecretKey",
        ] {
            assert!(!is_secret_key_name(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn values() {
        for (n, v) in
            [("SECRET_KEY", "vul{!}hub"), ("aws_secret_access_key", "test{!}ing"), ("ENCRYPTION_KEY", "Paint{!}brush")]
        {
            let v = v.replace("{!}", "");
            assert_eq!(judge(n.as_bytes(), v.as_bytes(), QUOTED), Some(Confidence::Medium), "{n}={v}");
        }
        for (n, v) in [
            ("SECRET_KEY", "${SECRET_KEY}"),
            ("secret_key", "secret"),
            ("SECRET_KEY", "secret-key"),
            ("ENCRYPTION_KEY", "AES-256"),
            ("jwt_signing_key", "HS256"),
            ("secret_key", "changeme"),
            ("secret_key", "your-secret-key"),
            ("aws_secret_access_key", "valid"),
        ] {
            assert_eq!(judge(n.as_bytes(), v.as_bytes(), CONFIG), None, "{n}={v}");
        }
        // in code an unquoted value is an expression (the same word quoted is a key)
        let code = Context { quoted: false, code: true, followed: false };
        assert_eq!(judge(b"SECRET_KEY", b"derived", code), None);
        assert_eq!(judge(b"SECRET_KEY", b"derived", QUOTED), Some(Confidence::Medium));
    }
}
