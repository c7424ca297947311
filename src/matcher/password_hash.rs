//! Password hashes: the formats `crypt(3)`, Apache, LDAP and web frameworks store passwords
//! in. A leaked hash is not the password, but weak passwords fall to offline cracking, so
//! keyhound reports hashes as their own low-severity kind (`check = "password-hash"`).
//!
//! Recognised: modular crypt `$id$…` (bcrypt `$2a$`/`$2b$`/`$2x$`/`$2y$`, md5-crypt `$1$`,
//! Apache `$apr1$`, sha256/512-crypt `$5$`/`$6$` with optional `rounds=`, yescrypt `$y$`,
//! scrypt `$7$`), Argon2 (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), LDAP/Apache `{SHA}`,
//! `{SSHA}`, `{SSHA512}`…, Django `pbkdf2_sha256$iterations$salt$hash`, traditional DES crypt
//! (13 characters of `./0-9A-Za-z`) and `.htdigest`'s 32 hex digits. A locked account's
//! hash (`!$6$…`) is still a hash.

/// The crypt(3) alphabet.
fn crypt64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

fn b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// Whether `v` is a password hash in one of the formats above.
pub fn is_password_hash(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"!").unwrap_or(v);
    if let Some(rest) = v.strip_prefix(b"$") {
        return modular(rest);
    }
    if v.starts_with(b"{") {
        return ldap(v);
    }
    if let Some(rest) = v.strip_prefix(b"pbkdf2_sha256$").or_else(|| v.strip_prefix(b"pbkdf2_sha1$")) {
        let parts: Vec<&[u8]> = rest.split(|&b| b == b'$').collect();
        return parts.len() == 3
            && parts[0].iter().all(u8::is_ascii_digit)
            && !parts[1].is_empty()
            && parts[2].len() >= 20
            && parts[2].iter().all(|&b| b64(b));
    }
    (v.len() == 13 && v.iter().all(|&b| crypt64(b)) && mixed(v))
        || (v.len() == 32 && v.iter().all(u8::is_ascii_hexdigit))
}

/// Upper case, lower case and digits mixed: a DES crypt string, not a word.
fn mixed(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_digit) && v.iter().any(u8::is_ascii_lowercase) && v.iter().any(u8::is_ascii_uppercase)
}

/// `$id$…` after the first `$`.
fn modular(rest: &[u8]) -> bool {
    let parts: Vec<&[u8]> = rest.split(|&b| b == b'$').collect();
    let all_crypt = |p: &[u8]| !p.is_empty() && p.iter().all(|&b| crypt64(b));
    match parts.as_slice() {
        // bcrypt: cost, then 22 characters of salt and 31 of hash
        [id, cost, body] if matches!(*id, b"2a" | b"2b" | b"2x" | b"2y") => {
            cost.len() == 2 && cost.iter().all(u8::is_ascii_digit) && body.len() == 53 && all_crypt(body)
        }
        [b"1" | b"apr1", salt, hash] => salt.len() <= 8 && all_crypt(salt) && hash.len() == 22 && all_crypt(hash),
        [b"5" | b"6", rounds, salt, hash] if rounds.starts_with(b"rounds=") => sha_crypt(salt, hash),
        [b"5" | b"6", salt, hash] => sha_crypt(salt, hash),
        [b"y" | b"7" | b"gy", .., hash] => hash.len() >= 22 && all_crypt(hash),
        [id, ..] if id.starts_with(b"argon2") => {
            let hash: &[u8] = parts.last().copied().unwrap_or_default();
            parts.len() >= 4 && hash.len() >= 16 && hash.iter().all(|&b| b64(b))
        }
        _ => false,
    }
}

fn sha_crypt(salt: &[u8], hash: &[u8]) -> bool {
    !salt.is_empty()
        && salt.len() <= 16
        && matches!(hash.len(), 43 | 86)
        && salt.iter().all(|&b| b != b'$' && !b.is_ascii_whitespace())
        && hash.iter().all(|&b| crypt64(b))
}

/// `{SCHEME}base64`.
fn ldap(v: &[u8]) -> bool {
    let Some(close) = memchr::memchr(b'}', v) else { return false };
    let scheme = v[1..close].to_ascii_uppercase();
    let body = &v[close + 1..];
    let known = matches!(
        scheme.as_slice(),
        b"SHA" | b"SSHA" | b"SHA256" | b"SSHA256" | b"SHA512" | b"SSHA512" | b"MD5" | b"SMD5" | b"CRYPT"
    );
    known && body.len() >= 13 && body.iter().all(|&b| b64(b) || crypt64(b) || b == b'$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const HASHES: &[(&str, bool)] = &[
        ("$2y$10$N9qo8uLOickgx2ZMRZoMy{!}eIjZAgcfl7p92ldGxad68LJZdL17lhWy", true),
        ("$2b$12$KIXQJxq0nI6fN2V0k{!}L0qQe6JHnA6r0f4ZtZ1n8nN9s3l0n2W2b7yK", true),
        ("$apr1$r31.{!}....$HqJZimcKQFAMYayBlzkrA/", true),
        ("$1$saltsalt$qjXMvbEw8{!}oaL.CzflDugX/", true),
        ("$6$rounds=5000$saltstring$svn8UoSVapNtMuq1ukKS{!}4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", true),
        ("!$6$saltstring$svn8UoSVapNtMuq1ukKS{!}4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", true),
        ("$argon2id$v=19$m=65536,t=3,p=4$c29tZX{!}NhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", true),
        ("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", true),
        ("pbkdf2_sha256$260000$abc123$3n9Wq8YxWcQ1n5l7{!}T3JzU0xj0Yw6r4v2pQ8kL0s9c1E=", true),
        ("rOuSWtT7Ssq9E", true),
        ("5d41402abc4b2a76b9719d911017c592", true),
        ("$2y$10$short", false),
        ("*", false),
        ("x", false),
        ("!!", false),
        ("password", false),
        ("{{ hash }}", false),
        ("abcdefghijklm", false),
        ("$6$salt$tooshort", false),
    ];

    #[test]
    fn formats() {
        // `{!}` keeps this table out of keyhound's scan of its own source
        for (v, want) in HASHES {
            let v = v.replace("{!}", "");
            assert_eq!(is_password_hash(v.as_bytes()), *want, "{v}");
        }
    }
}
