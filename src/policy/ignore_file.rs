//! `.keyhoundignore`: fingerprints of findings that are not leaks.
//!
//! One entry per line: a fingerprint, optionally followed by whitespace and a path (then only
//! that path's finding is ignored). `#` starts a comment. Example:
//!
//! ```text
//! # test key of the sandbox account, revoked 2026-03-01
//! 3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d
//! 0a1b2c3d4e5f60718293a4b5c6d7e8f9  tests/data/sample.env
//! ```

use std::collections::HashMap;
use std::path::Path;

/// The file name looked for at the scan root.
pub const FILE_NAME: &str = ".keyhoundignore";

/// Parsed ignore entries: fingerprint → paths (empty: every path).
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    entries: HashMap<String, Vec<String>>,
}

impl IgnoreFile {
    /// Reads an ignore file; errors name the file, the line and the reason.
    pub fn load(path: &Path) -> Result<IgnoreFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        IgnoreFile::parse(&text).map_err(|(line, reason)| format!("{}:{line}: {reason}", path.display()))
    }

    /// Parses the text of an ignore file; an error gives the 1-based line and the reason.
    pub fn parse(text: &str) -> Result<IgnoreFile, (usize, String)> {
        let mut entries: HashMap<String, Vec<String>> = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut it = line.splitn(2, char::is_whitespace);
            let fp = it.next().unwrap_or_default();
            if fp.len() != 32 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err((i + 1, format!("`{fp}` is not a fingerprint (32 hex digits, as in reports)")));
            }
            let paths = entries.entry(fp.to_ascii_lowercase()).or_default();
            if let Some(p) = it.next().map(str::trim).filter(|p| !p.is_empty()) {
                paths.push(p.to_string());
            } else {
                paths.clear();
                paths.push(String::new());
            }
        }
        Ok(IgnoreFile { entries })
    }

    /// Whether a finding with this fingerprint at this path is ignored.
    pub fn ignores(&self, fingerprint: &str, path: &str) -> bool {
        self.entries.get(fingerprint).is_some_and(|paths| paths.iter().any(|p| p.is_empty() || p == path))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_and_without_paths() {
        let f = IgnoreFile::parse(
            "# c\n3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d\n0a1b2c3d4e5f60718293a4b5c6d7e8f9  tests/a.env # why\n",
        )
        .unwrap();
        assert!(f.ignores("3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d", "any/where"));
        assert!(f.ignores("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "tests/a.env"));
        assert!(!f.ignores("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "src/a.env"));
        assert_eq!(IgnoreFile::parse("\n\nnot-a-fingerprint\n").unwrap_err().0, 3);
    }
}
