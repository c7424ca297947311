//! Whether a PEM private key block is encrypted with a passphrase.
//!
//! An encrypted key still has to be rotated once leaked (passphrases are guessed offline), but
//! it is not usable as it stands, so keyhound reports it as its own, lower-severity kind
//! instead of as a plain private key. Recognised:
//!
//! - OpenSSL's legacy encryption of PKCS#1 / SEC1 / DSA keys: a `Proc-Type: 4,ENCRYPTED`
//!   header (RFC 1421, section 4.6.1.1) before the body;
//! - OpenSSH's format (`PROTOCOL.key`): the body is base64 of `openssh-key-v1\0` followed by
//!   the cipher name as an SSH string; any cipher other than `none` means a passphrase.
//!
//! PKCS#8 `ENCRYPTED PRIVATE KEY` blocks have a header of their own and a rule of their own.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// Whether the PEM block `block` (BEGIN line to END line) holds an encrypted key.
pub fn encrypted(block: &[u8]) -> bool {
    if memchr::memmem::find(block, b"4,ENCRYPTED").is_some() {
        return true;
    }
    openssh_cipher(block).is_some_and(|c| c != b"none")
}

/// The cipher name of an OpenSSH private key block, if the block is one.
fn openssh_cipher(block: &[u8]) -> Option<Vec<u8>> {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    let begin = memchr::memmem::find(block, b"OPENSSH PRIVATE KEY-----")? + b"OPENSSH PRIVATE KEY-----".len();
    // The body's base64 characters, skipping line breaks, indentation and `\n` escapes (a key
    // pasted into JSON or a .env value); 64 characters decode to 48 bytes, enough for the magic,
    // the length and the longest cipher name.
    let mut b64 = Vec::with_capacity(64);
    let mut i = begin;
    while i < block.len() && b64.len() < 64 {
        let c = block[i];
        if c == b'\\' && matches!(block.get(i + 1), Some(b'n' | b'r')) {
            i += 2;
            continue;
        }
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' {
            b64.push(c);
        } else if c == b'-' || c == b'=' {
            break;
        }
        i += 1;
    }
    b64.truncate(b64.len() / 4 * 4);
    let bytes = STANDARD_NO_PAD.decode(&b64).ok()?;
    let rest = bytes.strip_prefix(MAGIC)?;
    let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let name = rest.get(4..4 + len.min(rest.len().saturating_sub(4)))?;
    Some(name.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn openssh(cipher: &str, escaped: bool) -> String {
        let mut blob = b"openssh-key-v1\0".to_vec();
        blob.extend((cipher.len() as u32).to_be_bytes());
        blob.extend(cipher.as_bytes());
        blob.extend([0u8; 40]);
        let body = STANDARD.encode(blob);
        let (a, b) = body.split_at(30);
        let nl = if escaped { "\\n" } else { "\n" };
        format!("-----BEGIN OPENSSH PRIVATE KEY-----{nl}{a}{nl}{b}{nl}-----END OPENSSH PRIVATE KEY-----")
    }

    #[test]
    fn openssh_cipher_decides() {
        assert!(!encrypted(openssh("none", false).as_bytes()));
        assert!(encrypted(openssh("aes256-ctr", false).as_bytes()));
        assert!(encrypted(openssh("chacha20-poly1305@openssh.com", true).as_bytes()));
        assert!(!encrypted(openssh("none", true).as_bytes()));
    }

    #[test]
    fn legacy_proc_type() {
        let block = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert!(encrypted(block.as_bytes()));
        assert!(!encrypted(b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"));
    }
}
