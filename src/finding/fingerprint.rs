//! Stable fingerprints: the same secret found by the same rule has the same fingerprint on
//! every run, machine, file and line.
//!
//! A fingerprint is the first 128 bits of SHA-256 over a version tag, the rule id and the
//! secret (and its second part, for multi-part credentials), in hex. The location is kept
//! beside it, never in it, so moving a secret does not change it, and the raw value cannot be
//! read back from it.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// A hex fingerprint of a finding's rule and secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Computes the fingerprint of `rule_id` + `secret` (+ `pair`).
    pub fn new(rule_id: &str, secret: &[u8], pair: Option<&[u8]>) -> Self {
        let mut h = Sha256::new();
        h.update(b"keyhound-fingerprint-v1\0");
        h.update(rule_id.as_bytes());
        h.update(b"\0");
        h.update(secret);
        if let Some(p) = pair {
            h.update(b"\0");
            h.update(p);
        }
        let digest = h.finalize();
        let mut s = String::with_capacity(32);
        for b in &digest[..16] {
            s.push_str(&format!("{b:02x}"));
        }
        Fingerprint(s)
    }

    /// The hex string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_rule_specific() {
        let a = Fingerprint::new("r", b"secret-value", None);
        assert_eq!(a, Fingerprint::new("r", b"secret-value", None));
        assert_ne!(a, Fingerprint::new("s", b"secret-value", None));
        assert_ne!(a, Fingerprint::new("r", b"secret-value", Some(b"x")));
        assert_eq!(a.as_str().len(), 32);
        // Pinned: fingerprints must not change between releases (baselines depend on them).
        assert_eq!(a.as_str(), "ba540ac9e82b18d764f1def32e482886");
    }
}
