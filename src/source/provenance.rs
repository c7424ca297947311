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
}

/// Describes the repository containing `path`, if any.
pub fn describe(path: &Path) -> Option<Provenance> {
    let repo = git2::Repository::discover(path).ok()?;
    let head = repo.head().ok()?;
    let revision = head.peel_to_commit().ok()?.id().to_string();
    let branch = if head.is_branch() { head.shorthand().ok().map(str::to_string) } else { None };
    let repository_uri = repo.find_remote("origin").ok().and_then(|r| r.url().ok().map(strip_credentials));
    Some(Provenance { repository_uri, revision, branch })
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
}
