//! Repository lists: `--repos FILE` lines, normalised so the same repository written as an
//! https, ssh or scp-style URL is one entry, shown without credentials.

use std::path::Path;

/// One repository to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    /// What git is given (as written: may hold credentials; never printed).
    pub url: String,
    /// How reports name it: the URL without user name and password, or the local path.
    pub display: String,
    /// The normalised form: `host/path` (lower-case host, no `.git`, no trailing `/`), or
    /// `file://` + absolute path. Deduplication and sharding use it.
    pub key: String,
}

impl RepoSpec {
    /// A repository from a URL or a local path (a path is made absolute).
    pub fn parse(line: &str) -> Result<RepoSpec, String> {
        let s = line.trim();
        if s.is_empty() {
            return Err("empty repository".into());
        }
        if let Some((scheme, rest)) = s.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            if scheme == "file" {
                return Ok(local(s, rest));
            }
            if !matches!(scheme.as_str(), "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git") {
                return Err(format!("{}: unsupported URL scheme `{scheme}`", redact(s)));
            }
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host_port = authority.rsplit('@').next().unwrap_or(authority);
            if host_port.is_empty() {
                return Err(format!("{}: no host", redact(s)));
            }
            let display = match scheme.as_str() {
                // user names of ssh URLs (`git@`) are not secrets; https userinfo may be a token
                "ssh" | "git+ssh" | "ssh+git" => s.to_string(),
                _ => format!("{scheme}://{host_port}{path}"),
            };
            let host = host_port.split(':').next().unwrap_or(host_port).to_ascii_lowercase();
            if host.is_empty() {
                return Err(format!("{}: no host", redact(s)));
            }
            return Ok(RepoSpec { url: s.to_string(), display, key: key_of(&host, path) });
        }
        // scp-like: [user@]host:path (a colon before any slash, and not a Windows drive)
        if let Some(colon) = s.find(':') {
            let before = &s[..colon];
            let host = before.rsplit('@').next().unwrap_or(before).to_ascii_lowercase();
            if !before.contains('/') && before.len() > 1 && !host.is_empty() {
                let path = format!("/{}", s[colon + 1..].trim_start_matches('/'));
                return Ok(RepoSpec { url: s.to_string(), display: s.to_string(), key: key_of(&host, &path) });
            }
        }
        Ok(local(s, s))
    }
}

fn local(as_written: &str, path: &str) -> RepoSpec {
    let p = Path::new(path);
    let abs = p.canonicalize().unwrap_or_else(|_| std::env::current_dir().map(|d| d.join(p)).unwrap_or(p.into()));
    let abs = abs.display().to_string();
    let trimmed = abs.trim_end_matches('/').trim_end_matches(".git").trim_end_matches('/');
    RepoSpec { url: abs.clone(), display: as_written.to_string(), key: format!("file://{trimmed}") }
}

fn key_of(host: &str, path: &str) -> String {
    let p = path.trim_end_matches('/');
    let p = p.strip_suffix(".git").unwrap_or(p).trim_end_matches('/');
    format!("{host}{p}")
}

/// A URL with any `user:password@` removed (for messages).
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

/// Reads a repository list: one URL or path per line; blank lines and `#` comments ignored;
/// duplicates (by normalised form) kept once.
pub fn read(path: &Path) -> Result<Vec<RepoSpec>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let spec = RepoSpec::parse(l).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
        push_unique(&mut out, spec);
    }
    Ok(out)
}

/// Adds a repository unless one with the same normalised form is already listed.
pub fn push_unique(list: &mut Vec<RepoSpec>, spec: RepoSpec) {
    if !list.iter().any(|r| r.key == spec.key) {
        list.push(spec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_repository_is_one_entry_whatever_its_url() {
        let forms = [
            "https://github.com/Acme/api.git",
            "https://GitHub.com/Acme/api",
            "https://x-access-token:tok@github.com/Acme/api/",
            "ssh://git@github.com/Acme/api.git",
            "git@github.com:Acme/api.git",
        ];
        for f in forms {
            assert_eq!(RepoSpec::parse(f).unwrap().key, "github.com/Acme/api", "{f}");
        }
        let t = RepoSpec::parse("https://x-access-token:tok@github.com/Acme/api").unwrap();
        assert_eq!(t.display, "https://github.com/Acme/api");
        assert!(t.url.contains("tok"));
        assert_eq!(redact("https://u:p@h.example/x"), "https://h.example/x");
        assert!(RepoSpec::parse("ftp://h/x").unwrap_err().contains("unsupported"));
        // found by fuzzing: a port without a host made every such URL one empty key
        assert!(RepoSpec::parse("https://up@:8443/acme").unwrap_err().contains("no host"));
        assert!(RepoSpec::parse("git@:").unwrap().key.starts_with("file://"), "no host: a local path");
        let l = RepoSpec::parse("/srv/git/app.git/").unwrap();
        assert_eq!(l.key, "file:///srv/git/app");
        assert_eq!(RepoSpec::parse("file:///srv/git/app.git").unwrap().key, "file:///srv/git/app");
    }

    #[test]
    fn lists_skip_comments_and_duplicates_and_name_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("repos.txt");
        std::fs::write(&p, "# org\nhttps://h.example/a.git\n\nhttps://h.example/a\nssh://git@h.example/b\n").unwrap();
        let l = read(&p).unwrap();
        assert_eq!(l.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["h.example/a", "h.example/b"]);
        std::fs::write(&p, "https://h.example/a\nftp://nope/x\n").unwrap();
        assert!(read(&p).unwrap_err().contains("repos.txt:2: ftp://nope/x: unsupported URL scheme"));
    }
}
