//! `.gitleaksignore`, read so a repository moving from gitleaks keeps its decisions.
//!
//! gitleaks writes one finding per line as `commit:path:rule:line` (history scans) or
//! `path:rule:line` (directory scans); `#` starts a comment. keyhound honours an entry for
//! every finding at that path and line (the finding's first line or its secret's line), and,
//! when the entry names a commit, only in that commit (a prefix of at least 7 hex digits is
//! enough). The rule id is kept for messages but not compared: gitleaks' rule ids and
//! keyhound's differ, and the entry records a judgement about that line.
//!
//! ```text
//! # sample key in the API docs
//! docs/api.md:generic-api-key:42
//! 3f9a1c7e0b2d4a6f9e8d7c6b5a4f3e2d1c0b9a88:config/dev.env:aws-access-token:3
//! ```

use std::collections::HashMap;
use std::path::Path;

use crate::finding::Finding;

/// The file name looked for at the scan root.
pub const FILE_NAME: &str = ".gitleaksignore";

/// One entry: the commit it is limited to, if any.
#[derive(Debug, Clone)]
struct Entry {
    commit: Option<String>,
}

/// Parsed `.gitleaksignore` entries by path and line.
#[derive(Debug, Clone, Default)]
pub struct GitleaksIgnore {
    entries: HashMap<(String, usize), Vec<Entry>>,
}

impl GitleaksIgnore {
    /// Reads the file; errors name the file, the line and the reason.
    pub fn load(path: &Path) -> Result<GitleaksIgnore, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        GitleaksIgnore::parse(&text).map_err(|(line, reason)| format!("{}:{line}: {reason}", path.display()))
    }

    /// Parses the text; an error gives the 1-based line and the reason.
    pub fn parse(text: &str) -> Result<GitleaksIgnore, (usize, String)> {
        let mut entries: HashMap<(String, usize), Vec<Entry>> = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || (i + 1, format!("`{line}` is not a gitleaks fingerprint (`[commit:]path:rule:line`)"));
            // from the right: the line number, then the rule id; the path may hold colons
            let (rest, num) = line.rsplit_once(':').ok_or_else(bad)?;
            let num: usize = num.trim().parse().map_err(|_| bad())?;
            let (rest, rule) = rest.rsplit_once(':').ok_or_else(bad)?;
            if rule.is_empty() || rest.is_empty() {
                return Err(bad());
            }
            let (commit, path) = match rest.split_once(':') {
                Some((c, p)) if is_commit(c) && !p.is_empty() => (Some(c.to_ascii_lowercase()), p),
                _ => (None, rest),
            };
            entries.entry((path.to_string(), num)).or_default().push(Entry { commit });
        }
        Ok(GitleaksIgnore { entries })
    }

    /// Whether an entry covers this finding.
    pub fn ignores(&self, f: &Finding) -> bool {
        let lines = [f.location.line, f.secret_location.line];
        lines.iter().enumerate().any(|(i, &line)| {
            (i == 0 || line != lines[0])
                && self.entries.get(&(f.path.clone(), line)).is_some_and(|es| {
                    es.iter().any(|e| match (&e.commit, &f.commit) {
                        (None, _) => true,
                        (Some(c), Some(info)) => info.id.starts_with(c.as_str()),
                        (Some(_), None) => false,
                    })
                })
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A commit id or an abbreviation of one (7 to 40 hex digits).
fn is_commit(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_and_paths_with_colons() {
        let g = GitleaksIgnore::parse(
            "# c\ndocs/api.md:generic-api-key:42\n0123456789abcdef0123456789abcdef01234567:a/b:c.env:aws:3\n",
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert!(g.entries.contains_key(&("docs/api.md".to_string(), 42)));
        let e = &g.entries[&("a/b:c.env".to_string(), 3)];
        assert_eq!(e[0].commit.as_deref(), Some("0123456789abcdef0123456789abcdef01234567"));
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let err = GitleaksIgnore::parse("ok.txt:r:1\nnot a fingerprint\n").unwrap_err();
        assert_eq!(err.0, 2);
        assert!(GitleaksIgnore::parse("a:rule:x\n").is_err());
        assert!(GitleaksIgnore::parse(":rule:3\n").is_err());
    }
}
