//! Where a scanned tree comes from, for reports: the repository's remote URL (credentials
//! stripped), the HEAD revision and the branch, when the scanned path is in a git repository.

use std::path::Path;

/// Version-control facts about a scanned tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// `origin`'s URL without any user name or password, if there is a remote.
    pub repository_uri: Option<String>,
    /// HEAD's commit id.
    pub revision: String,
    /// The checked-out branch (None for a detached HEAD).
    pub branch: Option<String>,
    /// The scanned path relative to the repository's root, `/`-separated and ending in `/`
    /// (empty: the root itself; None: not inside the work tree, e.g. a bare repository).
    pub root_in_repo: Option<String>,
}

/// Describes the repository containing `path`, if any.
pub fn describe(path: &Path) -> Option<Provenance> {
    let repo = git2::Repository::discover(path).ok()?;
    let head = repo.head().ok()?;
    let revision = head.peel_to_commit().ok()?.id().to_string();
    let branch = if head.is_branch() { head.shorthand().ok().map(str::to_string) } else { None };
    let repository_uri = repo.find_remote("origin").ok().and_then(|r| r.url().ok().map(strip_credentials));
    let root_in_repo = repo.workdir().and_then(|wd| {
        let rel = path.canonicalize().ok()?.strip_prefix(wd.canonicalize().ok()?).ok()?.to_path_buf();
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        Some(parts.iter().map(|p| format!("{p}/")).collect())
    });
    Some(Provenance { repository_uri, revision, branch, root_in_repo })
}

/// The remote as an absolute `https` URI, the form SARIF's `repositoryUri` and code scanning
/// expect: `git@host:org/repo.git`, `ssh://git@host:22/org/repo.git` and `git://host/org/repo`
/// become `https://host/org/repo.git`; `http(s)` URLs stay (without credentials); a local path
/// or `file://` remote has no such URI (None).
pub fn https_uri(url: &str) -> Option<String> {
    let url = strip_credentials(url.trim());
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        match scheme.to_ascii_lowercase().as_str() {
            "https" | "http" => return valid_host(rest.split('/').next()?).then(|| url.clone()),
            "ssh" | "git" | "git+ssh" | "ssh+git" => {
                let (authority, path) = rest.split_once('/')?;
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                // a port belongs to the ssh server, not to the https one
                let host = host.split_once(':').map_or(host, |(h, _)| h);
                (host.to_string(), path.to_string())
            }
            _ => return None,
        }
    } else {
        // scp-like syntax: `[user@]host:path`, where the host has no `/` (git's own rule)
        let (authority, path) = url.split_once(':')?;
        if authority.contains('/') || authority.len() < 2 {
            return None;
        }
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        (host.to_string(), path.trim_start_matches('/').to_string())
    };
    if !valid_host(&host) || path.is_empty() {
        return None;
    }
    Some(format!("https://{host}/{}", percent_encoding::utf8_percent_encode(&path, PATH_SET)))
}

/// What a URI path cannot hold as is (RFC 3986 `pchar` and `/` stay); SARIF's artifact
/// URIs use it too.
pub const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// A DNS name or IPv4 address (optionally with a port), as a URI's host may be.
fn valid_host(h: &str) -> bool {
    let name = h.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map_or(h, |(n, _)| n);
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Removes `user:password@` from a URL, so a token in a remote URL never reaches a report.
pub fn strip_credentials(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let host_end = rest.find('/').unwrap_or(rest.len());
            match rest[..host_end].rfind('@') {
                Some(at) => format!("{}{}", &url[..i + 3], &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_stripped() {
        assert_eq!(strip_credentials("https://x-access-token:tok@github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(strip_credentials("https://github.com/o/r"), "https://github.com/o/r");
        assert_eq!(strip_credentials("git@github.com:o/r.git"), "git@github.com:o/r.git");
    }

    #[test]
    fn remotes_become_https_uris_or_nothing() {
        for (remote, want) in [
            ("git@github.com:org/repo.git", Some("https://github.com/org/repo.git")),
            ("github.com:org/repo", Some("https://github.com/org/repo")),
            ("ssh://git@gitlab.example.org:2222/grp/sub/repo.git", Some("https://gitlab.example.org/grp/sub/repo.git")),
            ("git://git.kernel.org/pub/scm/git/git.git", Some("https://git.kernel.org/pub/scm/git/git.git")),
            ("https://tok:x@github.com/o/r.git", Some("https://github.com/o/r.git")),
            ("http://localhost:3000/o/r", Some("http://localhost:3000/o/r")),
            ("git@host:my repo.git", Some("https://host/my%20repo.git")),
            ("/srv/git/repo.git", None),
            ("../repo", None),
            ("file:///srv/git/repo.git", None),
            ("C:\\repos\\x", None),
            ("git@:x", None),
        ] {
            assert_eq!(https_uri(remote).as_deref(), want, "{remote}");
        }
    }
}
