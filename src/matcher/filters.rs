//! Filters that turn a regex match into "not a finding": placeholders, per-rule stopwords and
//! allow regexes, and the minimum entropy.
//!
//! The placeholder filter is global (a rule can opt out with `placeholder_filter = false`): it
//! knows what documentation, templates and configuration files put where a key should be.

use crate::matcher::entropy::shannon;
use crate::rules::Rule;

/// Words that mark a value as a placeholder, matched case-insensitively anywhere in a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "changeme",
    "change_me",
    "change-me",
    "xxxxx",
    "*****",
    "....",
    "\u{2026}",
    "<",
    ">",
    "${",
    "{{",
    "$(",
    "process.env",
    "getenv",
    "environ",
];

/// Short words that also mark placeholders, but occur by chance inside long random keys
/// (`fake` appears about once per million random base64url characters): they count only in
/// values shorter than [`WEAK_WORD_MAX_LEN`].
const WEAK_PLACEHOLDER_WORDS: &[&str] = &["fake", "dummy", "-here", "_here", "insert", "replace", "redacted"];

/// Longest value in which a weak placeholder word still marks a placeholder.
const WEAK_WORD_MAX_LEN: usize = 40;

/// Why a match was dropped (kept for `rules check` messages and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// Looks like a placeholder or template.
    Placeholder,
    /// Contains one of the rule's stopwords.
    Stopword,
    /// Matches one of the rule's allow regexes.
    Allowed,
    /// Entropy below the rule's minimum.
    LowEntropy,
    /// A built-in check rejected it.
    Check,
}

/// Applies a rule's filters to a secret; `None` means it stays a finding.
pub fn judge(rule: &Rule, secret: &[u8]) -> Option<Dropped> {
    if rule.placeholder_filter && is_placeholder(secret) {
        return Some(Dropped::Placeholder);
    }
    if !rule.stopwords.is_empty() {
        let lower = secret.to_ascii_lowercase();
        if rule.stopwords.iter().any(|w| contains(&lower, w.as_bytes())) {
            return Some(Dropped::Stopword);
        }
    }
    if rule.allow.iter().any(|a| a.is_match(secret)) {
        return Some(Dropped::Allowed);
    }
    if let Some(min) = rule.min_entropy
        && shannon(secret) < min
    {
        return Some(Dropped::LowEntropy);
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// True when a value looks like a placeholder, a template or a non-random filler.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| contains(&lower, w.as_bytes())) {
        return true;
    }
    if secret.len() < WEAK_WORD_MAX_LEN && WEAK_PLACEHOLDER_WORDS.iter().any(|w| contains(&lower, w.as_bytes())) {
        return true;
    }
    // `$VAR`, `$(cmd)`, `${VAR}`: a reference, not a value.
    if secret.len() > 1 && secret[0] == b'$' && (secret[1].is_ascii_alphabetic() || secret[1] == b'_') {
        return true;
    }
    has_run(secret, 6) || has_sequence(secret, 6) || distinct_bytes(secret) < 4 || interleaved_sequence(secret, 4)
}

/// True when `s` holds two counting sequences woven together, at least `n` steps each:
/// `a1b2c3d4e5f6`, `1a2b3c4d` (letters in alphabetical order, digits counting up, wrapping
/// from 9 to 0), the shape of a typed-in placeholder rather than a random value.
fn interleaved_sequence(s: &[u8], n: usize) -> bool {
    let (mut letters, mut digits) = (0usize, 0usize);
    let (mut last_letter, mut last_digit): (Option<u8>, Option<u8>) = (None, None);
    let mut best = 0;
    for &b in s {
        if b.is_ascii_alphabetic() {
            let l = b.to_ascii_lowercase();
            letters = if last_letter.is_some_and(|p| p + 1 == l) { letters + 1 } else { 1 };
            last_letter = Some(l);
        } else if b.is_ascii_digit() {
            digits = if last_digit.is_some_and(|p| (p - b'0' + 1) % 10 == b - b'0') { digits + 1 } else { 1 };
            last_digit = Some(b);
        } else {
            (letters, digits, last_letter, last_digit) = (0, 0, None, None);
        }
        best = best.max(letters.min(digits));
    }
    best >= n && s.windows(2).all(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit() || !w[0].is_ascii_alphanumeric())
}

/// Keyboard rows typed as filler (compared lower-cased, as a prefix of the value's run).
const KEYBOARD_ROWS: &[&[u8]] = &[b"qwertyuiop", b"asdfghjkl", b"zxcvbnm", b"1qaz2wsx3edc"];

/// True when the whole of `s` is one or two counting runs of 3 or more (`123456`, `abc`,
/// `abc123`, `1234567890abcdef…`, digits wrapping from 9 to 0, either direction) or the start of
/// a keyboard row (`qwerty`, `asdf`), or such a run repeated (`0123456789abcdef` twice, the
/// filler of a 32-byte key): what a test types into a password field as filler.
pub fn is_trivial_sequence(s: &[u8]) -> bool {
    if s.len() > 256 {
        return false;
    }
    if let Some(p) =
        (3..=s.len() / 2).find(|&p| s.len().is_multiple_of(p) && s.iter().enumerate().all(|(i, &b)| b == s[i % p]))
    {
        return is_trivial_run(&s[..p]);
    }
    is_trivial_run(s)
}

fn is_trivial_run(s: &[u8]) -> bool {
    let lower = s.to_ascii_lowercase();
    if lower.len() >= 4 && KEYBOARD_ROWS.iter().any(|row| row.starts_with(&lower)) {
        return true;
    }
    let step = |a: u8, b: u8| -> i8 {
        let next = |x: u8| if x == b'9' { b'0' } else { x + 1 };
        if !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()) || a.is_ascii_digit() != b.is_ascii_digit() {
            0
        } else if next(a) == b {
            1
        } else if next(b) == a {
            -1
        } else {
            0
        }
    };
    let mut runs = 0;
    let mut i = 0;
    while i < lower.len() {
        if !lower[i].is_ascii_alphanumeric() {
            return false;
        }
        let dir = lower.get(i + 1).map_or(0, |&b| step(lower[i], b));
        let mut j = i + 1;
        while dir != 0 && j < lower.len() && step(lower[j - 1], lower[j]) == dir {
            j += 1;
        }
        if j - i < 3 {
            return false;
        }
        runs += 1;
        i = j;
    }
    runs > 0 && runs <= 2
}

/// True when `s` has `n` identical bytes in a row.
fn has_run(s: &[u8], n: usize) -> bool {
    let mut run = 1;
    for w in s.windows(2) {
        run = if w[0] == w[1] { run + 1 } else { 1 };
        if run >= n {
            return true;
        }
    }
    false
}

/// True when `s` has `n` alphanumerics in ascending or descending order (`abcdef`, `654321`).
fn has_sequence(s: &[u8], n: usize) -> bool {
    let (mut up, mut down) = (1, 1);
    for w in s.windows(2) {
        let ok = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        up = if ok && w[1] == w[0].wrapping_add(1) { up + 1 } else { 1 };
        down = if ok && w[1].wrapping_add(1) == w[0] { down + 1 } else { 1 };
        if up >= n || down >= n {
            return true;
        }
    }
    false
}

fn distinct_bytes(s: &[u8]) -> usize {
    let mut seen = [false; 256];
    let mut n = 0;
    for &b in s {
        if !seen[b as usize] {
            seen[b as usize] = true;
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_sequences() {
        for v in [
            "123456",
            "123",
            "abc",
            "abc123",
            "1234567890",
            "1234567890abcdefghijklmnopqrstuvwxyz",
            "987654",
            "qwerty",
            "asdf",
            "0123456789abcdef0123456789abcdef",
            "abcabcabc",
        ] {
            assert!(is_trivial_sequence(v.as_bytes()), "{v}");
        }
        for v in ["pass1234", "1234abcd9", "12", "a1b2c3", "postgres", "x7!k2", "123abc456", "qwe", "x7kx7k"] {
            assert!(!is_trivial_sequence(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn interleaved_sequences_are_placeholders() {
        assert!(is_placeholder(b"a1b2c3d4e5f6g7h8"));
        assert!(is_placeholder(b"1a2b3c4d5e"));
        assert!(!is_placeholder(b"q8Zr1LmX0vT4kP9sWb2N"));
        assert!(!interleaved_sequence(b"a1b9c3d7", 4));
    }

    #[test]
    fn placeholders() {
        for p in [
            "sk-actual-key-here",
            "your_api_key",
            "xxxxxxxxxxxxxxxx",
            "<API_KEY>",
            "${OPENAI_API_KEY}",
            "$STRIPE_SECRET_KEY",
            "process.env.OPENAI_API_KEY",
            "os.getenv(\"KEY\")",
            "changeme",
            "AKIAIOSFODNN7EXAMPLE",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCD",
            "sk-proj-XXXXXXXX",
            "1234567890",
            "aaaaaaaabbbb",
            "{{ .Values.apiKey }}",
            "sk-\u{2026}",
            "ababababababab",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn weak_words_only_count_in_short_values() {
        assert!(is_placeholder(b"my-fake-token-value"));
        assert!(is_placeholder(b"sk-your-key-here"));
        let long = b"sk-ant-api03-CDv_hFAKEq8Zr1LmX0vT4kP9sWb2NcY7uH3jD5fG6aE1zQw8Tz";
        assert!(!is_placeholder(long), "a random key that happens to contain `fake`");
    }

    #[test]
    fn random_values_are_not_placeholders() {
        for v in ["q8Zr1LmX0vT4kP9sWb2N", "sk-proj-Tq3x9LmZ0a_Rk2Vb-7", "wP4n7Yc2", "3f9a1c7e0b2d4a6f"] {
            assert!(!is_placeholder(v.as_bytes()), "{v} is not a placeholder");
        }
    }
}
