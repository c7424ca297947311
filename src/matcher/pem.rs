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

/// Fewest distinct base64 characters a key body of [`FILLER_SAMPLE`] characters or more has:
/// a random body of 64 characters shows about 40; a filler (`privatekeyprivatekey…`,
/// `AAAA…`, `xxxx…`) a handful.
const MIN_DISTINCT: usize = 20;

/// Body length from which [`MIN_DISTINCT`] is required.
const FILLER_SAMPLE: usize = 64;

/// Shortest body of a PKCS#1 RSA key accepted without checking its DER structure.
const RSA_UNCHECKED: usize = 200;

/// Whether the block's body can be a key: not a filler of a few repeated characters, and, for
/// a PKCS#1 RSA body shorter than 200 characters (a toy key of a test suite, or a
/// documentation example cut after its first line), base64 of one whole DER `SEQUENCE`: the
/// length it declares is the length decoded, so a truncated body is no key.
pub fn plausible(block: &[u8]) -> bool {
    let body = body_base64(block);
    let mut seen = [false; 128];
    for &b in &body {
        seen[usize::from(b & 0x7f)] = true;
    }
    if body.len() >= FILLER_SAMPLE && seen.iter().filter(|&&s| s).count() < MIN_DISTINCT {
        return false;
    }
    if !block.starts_with(b"-----BEGIN RSA PRIVATE KEY-----") || body.len() >= RSA_UNCHECKED {
        return true;
    }
    let trimmed: Vec<u8> = body.iter().copied().filter(|&b| b != b'=').collect();
    STANDARD_NO_PAD.decode(&trimmed).is_ok_and(|der| der_sequence_whole(&der))
}

/// The base64 characters of a PEM block's body (after the BEGIN line, before the END line;
/// headers such as `Proc-Type:` and `\n` escapes skipped).
fn body_base64(block: &[u8]) -> Vec<u8> {
    let start = memchr::memmem::find(block, b"KEY-----").map_or(0, |i| i + 8);
    let end = memchr::memmem::rfind(block, b"-----END").unwrap_or(block.len()).max(start);
    let mut out = Vec::with_capacity(end - start);
    for line in block[start..end].split(|&b| b == b'\n') {
        if line.contains(&b':') {
            continue;
        }
        let mut i = 0;
        while i < line.len() {
            let c = line[i];
            if c == b'\\' && matches!(line.get(i + 1), Some(b'n' | b'r')) {
                i += 2;
                continue;
            }
            if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=') {
                out.push(c);
            }
            i += 1;
        }
    }
    out
}

/// `der` is one DER `SEQUENCE` (tag 0x30) whose length octets declare exactly the bytes that
/// follow them (ITU-T X.690 8.1.3: short form under 128, else 0x81/0x82 and one or two octets).
fn der_sequence_whole(der: &[u8]) -> bool {
    let (len, header) = match der {
        [0x30, l, ..] if *l < 0x80 => (usize::from(*l), 2),
        [0x30, 0x81, l, ..] => (usize::from(*l), 3),
        [0x30, 0x82, a, b, ..] => (usize::from(*a) << 8 | usize::from(*b), 4),
        _ => return false,
    };
    der.len() == header + len
}

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
    fn filler_and_truncated_bodies_are_no_keys() {
        let filler =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", "privatekey".repeat(30));
        assert!(!plausible(filler.as_bytes()));
        // a toy RSA key (a 128-bit modulus, as test suites use): a whole DER SEQUENCE
        let der: Vec<u8> = [0x30, 0x14, 0x02, 0x01, 0x00, 0x02, 0x0f].iter().copied().chain(1..=15u8).collect();
        let toy = format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", STANDARD.encode(&der));
        assert!(plausible(toy.as_bytes()));
        // the same body cut short, as documentation shows a key's first line
        let cut =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", STANDARD.encode(&der[..18]));
        assert!(!plausible(cut.as_bytes()));
        assert!(plausible(openssh("none", false).as_bytes()));
    }

    #[test]
    fn legacy_proc_type() {
        let block = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert!(encrypted(block.as_bytes()));
        assert!(!encrypted(b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"));
    }
}
