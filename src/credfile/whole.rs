//! Files that are one secret:
//!
//! - Rails' `config/master.key` (and the per-environment `config/credentials/*.key`): the 32
//!   hexadecimal characters that decrypt `credentials.yml.enc` (`SecureRandom.hex(16)`);
//! - Jenkins' `secrets/master.key`: the hex key that decrypts every stored credential of the
//!   controller (with `secrets/hudson.util.Secret`);
//! - NATS `*.nk` files: one nkey seed (`S` + the key type + base32, 58 characters);
//! - shared-secret key files (MongoDB's `keyFile` for replica-set and sharded-cluster members,
//!   a file called `keyfile` or `secret`): one token of 16 to 1,024 base64 characters.

use super::{Field, Parser};

/// A file whose trimmed content is one secret of a known shape.
#[derive(Debug)]
pub struct Whole {
    /// Key of the field.
    key: &'static str,
    /// Whether the trimmed content is the secret.
    shape: fn(&[u8]) -> bool,
}

/// Rails `master.key`.
pub static RAILS_MASTER_KEY: Whole = Whole { key: "master_key", shape: |v| v.len() == 32 && is_hex(v) };
/// Jenkins `secrets/master.key`.
pub static JENKINS_MASTER_KEY: Whole = Whole { key: "master_key", shape: |v| v.len() >= 64 && is_hex(v) };
/// A shared-secret key file: one token of the base64 alphabet, possibly wrapped over lines
/// (MongoDB allows 6 to 1,024 characters and ignores whitespace; fewer than 16 is not worth a
/// finding). The field is the first line, where the key starts; whether it looks random is
/// the rule's check.
#[derive(Debug)]
pub struct KeyFile;

/// [`KeyFile`]'s only instance.
pub static KEY_FILE: KeyFile = KeyFile;

impl Parser for KeyFile {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let v = hay.trim_ascii();
        let start = hay.len() - hay.trim_ascii_start().len();
        let chars = v.iter().filter(|b| !b.is_ascii_whitespace()).count();
        let lines = v.iter().filter(|&&b| b == b'\n').count() + 1;
        if (16..=1024).contains(&chars)
            && lines <= 32
            && v.iter().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b) || b.is_ascii_whitespace())
        {
            let first = v.iter().position(u8::is_ascii_whitespace).unwrap_or(v.len());
            out.push(Field { key: "key".to_string(), value: start..start + first });
        }
    }
}
/// NATS `.nk` seed file.
pub static NKEY_SEED: Whole = Whole { key: "seed", shape: is_nkey_seed };

fn is_hex(v: &[u8]) -> bool {
    v.iter().all(u8::is_ascii_hexdigit)
}

/// An nkey seed: `S`, the key type (`U`ser, `A`ccount, `O`perator, `N` server, `C`luster,
/// `X` curve), then base32 (RFC 4648, no padding) to 58 characters. The encoding puts `A` third.
pub fn is_nkey_seed(v: &[u8]) -> bool {
    v.len() == 58
        && v[0] == b'S'
        && matches!(v[1], b'U' | b'A' | b'O' | b'N' | b'C' | b'X')
        && v[2] == b'A'
        && v.iter().all(|&b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

impl Parser for Whole {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let start = hay.len() - hay.trim_ascii_start().len();
        let v = hay.trim_ascii();
        if (self.shape)(v) {
            out.push(Field { key: self.key.to_string(), value: start..start + v.len() });
        }
    }
}
