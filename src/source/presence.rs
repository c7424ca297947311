//! Where known secrets are present across history, for audits.
//!
//! A history scan reads each unique blob once and attributes it to the commit that first had
//! it at a path; it does not know how long the blob stayed. [`walk`] answers that afterwards:
//! it walks the same commits as the scan (every ref and HEAD, parents before children) and,
//! for each `(path, blob)` known to hold a secret, looks the path up in each commit's tree.
//!
//! Dates follow history, not walk order: a repository with several roots (an orphan
//! `gh-pages`), many refs and merged branches visits commits in an order that says nothing
//! about time. A secret's first commit is, among the commits that hold it while none of their
//! ancestors did (where it came in, on each line of history), the earliest by commit time;
//! its last commit is the newest holder by commit time. The refs whose history reaches a
//! holder, and the refs whose tip still holds it, are listed, so a leak on `main` is told from
//! one only on `refs/pull/9737/head`. The scope's first and last commit are the oldest and
//! newest walked, by commit time.

use std::collections::{HashMap, HashSet};
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
    /// The commit that brought it in first: of the commits whose tree holds it and whose
    /// ancestors' trees do not, the earliest by commit time.
    pub first: Arc<CommitInfo>,
    /// The newest commit (by commit time) whose tree holds it.
    pub last: Arc<CommitInfo>,
    /// How many commits hold it.
    pub commits: u64,
    /// Refs whose history holds it (some commit reachable from the ref holds it), by name.
    pub refs: Vec<String>,
    /// Refs whose tip commit's tree still holds it, by name.
    pub ref_tips: Vec<String>,
}

/// The result of [`walk`].
#[derive(Debug, Default)]
pub struct Presence {
    /// Refs walked from, sorted by name (HEAD is walked too).
    pub refs: Vec<RefTip>,
    /// Commits walked.
    pub commits: u64,
    /// The oldest commit walked (by commit time).
    pub first: Option<Arc<CommitInfo>>,
    /// The newest commit walked (by commit time).
    pub last: Option<Arc<CommitInfo>>,
    /// Span of each key given to [`walk`] that was found.
    pub spans: HashMap<String, Span>,
    /// The `(path, blob id)` places given to [`walk`] that HEAD's tree holds.
    pub in_head: HashSet<(String, String)>,
}

/// A set of key indices, shared between commits whose ancestors hold the same keys.
type Keys = Arc<Vec<u64>>;

fn has(set: &[u64], k: usize) -> bool {
    set.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0)
}

/// A candidate for a span's first or last commit: commit time, walk position, commit.
type Pick = (i64, u64, Arc<CommitInfo>);

/// Walks every commit reachable from all refs and HEAD; `holders` maps `(path, blob id)` to
/// the keys (fingerprints) of the secrets that blob holds at that path.
///
/// Commits are visited parents first. For each, the keys its tree holds (a tree lookup per
/// known path) and the keys any of its ancestors held (the union over its parents, shared
/// when unchanged) give each key's introducing commits, its newest holder, and, at the ref
/// tips, which refs reach it and which still hold it.
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
    let words = keys.len().div_ceil(64);
    let mut out = Presence::default();
    let mut walker = repo.revwalk().map_err(|e| gerr("cannot walk history", e))?;
    walker.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(|e| gerr("cannot sort history", e))?;
    let mut tips: HashMap<Oid, Vec<String>> = HashMap::new();
    for r in repo.references().map_err(|e| gerr("cannot list refs", e))?.flatten() {
        if let Ok(c) = r.peel_to_commit() {
            let name = String::from_utf8_lossy(r.name_bytes()).into_owned();
            out.refs.push(RefTip { name: name.clone(), commit: c.id().to_string() });
            tips.entry(c.id()).or_default().push(name);
            walker.push(c.id()).map_err(|e| gerr("cannot walk history", e))?;
        }
    }
    out.refs.sort_by(|a, b| a.name.cmp(&b.name));
    let head = match repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(h) => {
            walker.push(h.id()).map_err(|e| gerr("cannot walk history", e))?;
            Some(h)
        }
        Err(_) if out.refs.is_empty() => return Ok(out),
        Err(_) => None,
    };
    if let Some(tree) = head.as_ref().and_then(|h| h.tree().ok()) {
        for (p, blobs) in &by_path {
            if let Ok(entry) = tree.get_path(Path::new(p))
                && blobs.contains_key(&entry.id())
            {
                out.in_head.insert((p.to_string(), entry.id().to_string()));
            }
        }
    }
    let empty: Keys = Arc::new(vec![0; words]);
    // keys held by each commit or an ancestor: commits that add none share their parent's set,
    // so a long line of history costs one pointer per commit
    let mut reach: HashMap<Oid, Keys> = HashMap::new();
    let mut firsts: Vec<Option<Pick>> = vec![None; keys.len()];
    let mut lasts: Vec<Option<Pick>> = vec![None; keys.len()];
    let mut counts: Vec<u64> = vec![0; keys.len()];
    let mut ref_sets: Vec<(Vec<String>, Vec<String>)> = vec![(Vec::new(), Vec::new()); keys.len()];
    let (mut oldest, mut newest): (Option<Pick>, Option<Pick>) = (None, None);
    for oid in walker.flatten() {
        let Ok(commit) = repo.find_commit(oid) else { continue };
        out.commits += 1;
        let pos = out.commits;
        let time = commit.time().seconds();
        let mut cached: Option<Arc<CommitInfo>> = None;
        let mut info = || Arc::clone(cached.get_or_insert_with(|| Arc::new(CommitInfo::from_commit(&commit))));
        if oldest.as_ref().is_none_or(|o| time < o.0) {
            oldest = Some((time, pos, info()));
        }
        if newest.as_ref().is_none_or(|n| time >= n.0) {
            newest = Some((time, pos, info()));
        }
        if by_path.is_empty() {
            continue;
        }
        // what the ancestors held
        let parents: Vec<&Keys> = commit.parent_ids().filter_map(|p| reach.get(&p)).collect();
        let inherited: Keys = match parents.as_slice() {
            [] => Arc::clone(&empty),
            [one] => Arc::clone(one),
            many => Arc::new((0..words).map(|w| many.iter().fold(0, |acc, s| acc | s[w])).collect()),
        };
        // what this commit's tree holds
        let mut held: Vec<usize> = Vec::new();
        if let Ok(tree) = commit.tree() {
            for (p, blobs) in &by_path {
                let Ok(entry) = tree.get_path(Path::new(p)) else { continue };
                for &k in blobs.get(&entry.id()).into_iter().flatten() {
                    if !held.contains(&k) {
                        held.push(k);
                    }
                }
            }
        }
        for &k in &held {
            counts[k] += 1;
            if !has(&inherited, k) && firsts[k].as_ref().is_none_or(|f| time < f.0) {
                firsts[k] = Some((time, pos, info()));
            }
            if lasts[k].as_ref().is_none_or(|l| time >= l.0) {
                lasts[k] = Some((time, pos, info()));
            }
        }
        let all: Keys = if held.iter().all(|&k| has(&inherited, k)) {
            inherited
        } else {
            let mut v = inherited.as_ref().clone();
            for &k in &held {
                v[k / 64] |= 1 << (k % 64);
            }
            Arc::new(v)
        };
        if let Some(names) = tips.get(&oid) {
            for (k, sets) in ref_sets.iter_mut().enumerate() {
                if has(&all, k) {
                    sets.0.extend(names.iter().cloned());
                }
            }
            for &k in &held {
                ref_sets[k].1.extend(names.iter().cloned());
            }
        }
        reach.insert(oid, all);
    }
    out.first = oldest.map(|o| o.2);
    out.last = newest.map(|n| n.2);
    for (k, key) in keys.iter().enumerate() {
        let (Some(first), Some(last)) = (firsts[k].take(), lasts[k].take()) else { continue };
        let (mut refs, mut ref_tips) = std::mem::take(&mut ref_sets[k]);
        refs.sort();
        ref_tips.sort();
        out.spans.insert(key.to_string(), Span { first: first.2, last: last.2, commits: counts[k], refs, ref_tips });
    }
    Ok(out)
}
