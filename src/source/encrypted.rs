//! Files that are encrypted as a whole: Ansible Vault, age, SOPS (YAML, JSON, dotenv and INI
//! forms), OpenPGP ASCII-armoured messages. Their ciphertext is random-looking text that
//! generic rules would report; they are counted as `encrypted` instead of scanned.

use memchr::memmem;

/// How far into a file the SOPS value marker is looked for.
const HEAD: usize = 64 << 10;

/// The kind of encrypted file `bytes` hold, by their own markers.
pub fn kind_of(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(64)];
    if head.starts_with(b"$ANSIBLE_VAULT;") {
        return Some("Ansible Vault");
    }
    if head.starts_with(b"age-encryption.org/v1\n") || head.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
        return Some("age");
    }
    if head.starts_with(b"-----BEGIN PGP MESSAGE-----") {
        return Some("OpenPGP message");
    }
    // SOPS keeps its metadata (and the MAC of the encrypted values) in the file itself, as a
    // top-level `sops` entry; one pass over the file for the value marker first
    static ENC: std::sync::LazyLock<memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memmem::Finder::new(b"ENC[AES256_GCM,data:"));
    // the first encrypted value of a SOPS file is near its top: every file pays for 64 KiB
    let enc = ENC.find(&bytes[..bytes.len().min(HEAD)])?;
    let valued = enc > 0 && matches!(bytes[enc - 1], b' ' | b'=' | b'"' | b'\t');
    let sops_meta = [&b"\nsops:\n"[..], b"\nsops:\r\n", b"\"sops\": {", b"\"sops\":{", b"\nsops_version=", b"\n[sops]"]
        .iter()
        .any(|m| memmem::find(bytes, m).is_some());
    let sops_meta = valued && sops_meta;
    sops_meta.then_some("SOPS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(kind_of(b"$ANSIBLE_VAULT;1.1;AES256\n6231..."), Some("Ansible Vault"));
        assert_eq!(kind_of(b"age-encryption.org/v1\n-> X25519 abc\n"), Some("age"));
        let sops =
            b"db_password: ENC[AES256_GCM,data:q83k,iv:x,tag:y,type:str]\nsops:\n    mac: ENC[AES256_GCM,data:z]\n";
        assert_eq!(kind_of(sops), Some("SOPS"));
        assert_eq!(kind_of(b"password: hunter2\nsops: is a word here\n"), None);
        assert_eq!(kind_of(b"plain text"), None);
        // code that names the markers is not encrypted
        assert_eq!(kind_of(b"let m = b\"ENC[AES256_GCM,data:\";\nlet s = b\"sops:\";\n"), None);
    }
}
