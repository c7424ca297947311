//! Where known secrets are present across history, for audits.
//!
//! A history scan reads each unique blob once and attributes it to the commit that first had
//! it at a path; it does not know how long the blob stayed. [`walk`] answers that afterwards:
//! it walks the same commits as the scan (every ref and HEAD, oldest first, topologically)
//! and, for each `(path, blob)` known to hold a secret, looks the path up in each commit's
//! tree. A secret's span is the first and last commit (in that order) whose tree holds it at
//! one of its places, and the number of such commits. The walk also records the refs it
//! started from and the first and last commit of the whole range.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use git2::{Oid, Sort};
use serde::Serialize;

use crate::source::CommitInfo;
use crate::source::git_history::{self, GitError};

/// A ref the walk started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefTip {
    /// Full ref name (`refs/heads/main`, `refs/tags/v1`, `refs/stash`).
    pub name: String,
    /// The commit it points to.
    pub commit: String,
}

/// Where one secret is present in history.
#[derive(Debug, Clone)]
pub struct Span {
    /// The first commit (topological order) whose tree holds it.
    pub first: Arc<CommitInfo>,
    /// The last commit (topological order) whose tree holds it.
    pub last: Arc<CommitInfo>,
    /// How many commits hold it.
    pub commits: u64,
}

/// The result of [`walk`].
#[derive(Debug, Default)]
pub struct Presence {
    /// Refs walked from, sorted by name (HEAD is walked too).
    pub refs: Vec<RefTip>,
    /// Commits walked.
    pub commits: u64,
    /// The first commit walked (a root commit).
    pub first: Option<Arc<CommitInfo>>,
    /// The last commit walked.
    pub last: Option<Arc<CommitInfo>>,
    /// Span of each key given to [`walk`] that was found.
    pub spans: HashMap<String, Span>,
}

/// Walks every commit reachable from all refs and HEAD; `holders` maps `(path, blob id)` to
/// the keys (fingerprints) of the secrets that blob holds at that path.
pub fn walk(path: &Path, holders: &HashMap<(String, String), Vec<String>>) -> Result<Presence, GitError> {
    let gerr =
        |what: &str, e: git2::Error| GitError { repo: path.display().to_string(), what: what.to_string(), source: e };
    let repo = git_history::open(path)?;
    // A scan turns the object cache off (it reads each object once); here the same trees are
    // read for every commit, so the cache pays.
    git2::opts::enable_caching(true);
    let mut by_path: HashMap<&str, HashMap<Oid, Vec<usize>>> = HashMap::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut key_index: HashMap<&str, usize> = HashMap::new();
    for ((p, blob), fps) in holders {
        let Ok(oid) = Oid::from_str(blob) else { continue };
        let slot = by_path.entry(p.as_str()).or_default().entry(oid).or_default();
        for fp in fps {
            let i = *key_index.entry(fp.as_str()).or_insert_with(|| {
                keys.push(fp.as_str());
                keys.len() - 1
            });
            if !slot.contains(&i) {
                slot.push(i);
            }
        }
    }
    let mut out = Presence::default();
    let mut walker = repo.revwalk().map_err(|e| gerr("cannot walk history", e))?;
    walker.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(|e| gerr("cannot sort history", e))?;
    for r in repo.references().map_err(|e| gerr("cannot list refs", e))?.flatten() {
        if let Ok(c) = r.peel_to_commit() {
            let name = String::from_utf8_lossy(r.name_bytes()).into_owned();
            out.refs.push(RefTip { name, commit: c.id().to_string() });
            walker.push(c.id()).map_err(|e| gerr("cannot walk history", e))?;
        }
    }
    out.refs.sort_by(|a, b| a.name.cmp(&b.name));
    match repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(h) => walker.push(h.id()).map_err(|e| gerr("cannot walk history", e))?,
        Err(_) if out.refs.is_empty() => return Ok(out),
        Err(_) => {}
    }
    // per key: its span so far and the number of the last commit counted in it
    let mut found: Vec<Option<(Span, u64)>> = vec![None; keys.len()];
    let mut last_oid = None;
    for oid in walker.flatten() {
        let Ok(commit) = repo.find_commit(oid) else { continue };
        out.commits += 1;
        let mut cached: Option<Arc<CommitInfo>> = None;
        let mut info = || Arc::clone(cached.get_or_insert_with(|| Arc::new(CommitInfo::from_commit(&commit))));
        if out.first.is_none() {
            out.first = Some(info());
        }
        last_oid = Some(oid);
        if by_path.is_empty() {
            continue;
        }
        let Ok(tree) = commit.tree() else { continue };
        for (p, blobs) in &by_path {
            let Ok(entry) = tree.get_path(Path::new(p)) else { continue };
            for &k in blobs.get(&entry.id()).into_iter().flatten() {
                match &mut found[k] {
                    Some((span, seen)) => {
                        if *seen != out.commits {
                            span.last = info();
                            span.commits += 1;
                            *seen = out.commits;
                        }
                    }
                    slot @ None => *slot = Some((Span { first: info(), last: info(), commits: 1 }, out.commits)),
                }
            }
        }
    }
    out.last = last_oid.and_then(|o| repo.find_commit(o).ok()).map(|c| Arc::new(CommitInfo::from_commit(&c)));
    for (k, f) in found.into_iter().enumerate() {
        if let Some((span, _)) = f {
            out.spans.insert(keys[k].to_string(), span);
        }
    }
    Ok(out)
}
