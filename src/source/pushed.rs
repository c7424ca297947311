//! What a push adds, for a server-side `pre-receive` hook (`keyhound scan --pre-receive`).
//!
//! git runs the hook in the receiving repository, before any ref moves, with one
//! `<old> <new> <ref>` line per updated ref on stdin and the pushed objects still in a
//! quarantine directory (`GIT_OBJECT_DIRECTORY`, with the repository's own objects as
//! `GIT_ALTERNATE_OBJECT_DIRECTORIES`). The repository is opened from that environment, so the
//! quarantined objects are read. The new commits are those reachable from a pushed tip and
//! from no existing ref (each counted for the first ref that brings it); each is diffed
//! against its parents and only the lines it adds are reported, as the staged scan does: a
//! line counts as added by a merge only when no parent has it. A tag or ref that points at a
//! tree or a blob has all of it scanned. Missing or corrupt objects are listed, never skipped
//! quietly: the caller rejects such a push.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, Patch, Repository, Sort};

use crate::source::git_history::GitError;
use crate::source::staged::ranges_of;
use crate::source::{Blob, BlobSink, CommitInfo, Content, Origin, SkipReason, classify};

/// One line of the hook's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The ref's value before the push (zero: a new ref).
    pub old: Oid,
    /// Its value after (zero: the ref is deleted).
    pub new: Oid,
    /// Full ref name (`refs/heads/main`).
    pub name: String,
}

/// Parses the hook's stdin: one `<old> <new> <ref>` per line (SHA-1 or SHA-256 ids).
pub fn parse_updates(text: &str) -> Result<Vec<RefUpdate>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| format!("line {}: {why}: {:?}", i + 1, line.chars().take(120).collect::<String>());
        let mut parts = line.split(' ');
        let (Some(old), Some(new), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected `<old-id> <new-id> <ref>`"));
        };
        let id = |s: &str| {
            if (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                Oid::from_str(s).map_err(|_| bad("not an object id"))
            } else {
                Err(bad("not an object id"))
            }
        };
        let (old, new) = (id(old)?, id(new)?);
        if !name.starts_with("refs/") && name != "HEAD" {
            return Err(bad("not a ref name"));
        }
        out.push(RefUpdate { old, new, name: name.to_string() });
    }
    if out.is_empty() {
        return Err("no ref updates on stdin (run it from a pre-receive hook)".into());
    }
    Ok(out)
}

/// Opens the receiving repository: from git's hook environment when it is set (`GIT_DIR`,
/// and the quarantine's object directories), else at `path`.
pub fn open(path: &Path) -> Result<Repository, GitError> {
    let from_env = std::env::var_os("GIT_DIR").is_some();
    let r = if from_env { Repository::open_from_env() } else { Repository::open(path) };
    r.map_err(|e| GitError {
        repo: path.display().to_string(),
        what: "not a git repository (run --pre-receive in the receiving repository, from its pre-receive hook)".into(),
        source: e,
    })
}

/// What the push held, for the verdict and the per-ref message.
#[derive(Debug, Default)]
pub struct Push {
    /// The updates, in input order.
    pub updates: Vec<RefUpdate>,
    /// Commit id → the ref whose update brings it.
    pub commit_ref: HashMap<String, String>,
    /// New commits scanned.
    pub commits: u64,
    /// Refs deleted (nothing to scan).
    pub deleted: Vec<String>,
    /// Objects that could not be read, with the ref: the push cannot be judged.
    pub missing: Vec<String>,
    /// The time budget ran out before every commit was scanned.
    pub timed_out: bool,
}

/// Scans what the push adds; `deadline` stops the scan between commits.
pub fn scan(
    repo: &Repository,
    updates: &[RefUpdate],
    max: u64,
    deadline: Option<Instant>,
    sink: &mut impl BlobSink,
) -> Result<Push, GitError> {
    let repo_path = repo.path().display().to_string();
    let gerr = |what: String, e: git2::Error| GitError { repo: repo_path.clone(), what, source: e };
    let mut push = Push { updates: updates.to_vec(), ..Push::default() };
    // every ref as it is before the push (refs move only after the hook accepts)
    let mut existing: Vec<Oid> = Vec::new();
    for r in repo.references().map_err(|e| gerr("cannot list refs".into(), e))?.flatten() {
        if let Ok(c) = r.peel_to_commit() {
            existing.push(c.id());
        }
    }
    let mut earlier: Vec<Oid> = Vec::new();
    for u in updates {
        if u.new.is_zero() {
            push.deleted.push(u.name.clone());
            continue;
        }
        let obj = match repo.find_object(u.new, None) {
            Ok(o) => o,
            Err(e) => {
                push.missing.push(format!("{}: {} cannot be read: {}", u.name, u.new, e.message()));
                continue;
            }
        };
        let tip = match obj.peel(ObjectType::Commit) {
            Ok(c) => c.id(),
            Err(_) => {
                whole_object(repo, &obj, &u.name, max, sink, &mut push);
                continue;
            }
        };
        let mut walk = repo.revwalk().map_err(|e| gerr("cannot walk history".into(), e))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(|e| gerr("cannot walk history".into(), e))?;
        walk.push(tip).map_err(|e| gerr(format!("{}: cannot walk from {tip}", u.name), e))?;
        for h in existing.iter().chain(&earlier) {
            // a ref to a commit whose history is incomplete cannot hide anything; go on
            let _ = walk.hide(*h);
        }
        earlier.push(tip);
        for id in walk {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                push.timed_out = true;
                return Ok(push);
            }
            let id = match id {
                Ok(id) => id,
                Err(e) => {
                    push.missing.push(format!("{}: history cannot be walked: {}", u.name, e.message()));
                    break;
                }
            };
            push.commit_ref.entry(id.to_string()).or_insert_with(|| u.name.clone());
            push.commits += 1;
            if let Err(e) = commit(repo, id, max, sink) {
                push.missing.push(format!("{}: commit {id}: {}", u.name, e.message()));
            }
        }
    }
    Ok(push)
}

/// Scans the lines one commit adds.
fn commit(repo: &Repository, id: Oid, max: u64, sink: &mut impl BlobSink) -> Result<(), git2::Error> {
    let c = repo.find_commit(id)?;
    let info = Arc::new(CommitInfo::from_commit(&c));
    let tree = c.tree()?;
    let parents: Vec<git2::Tree<'_>> = c.parents().map(|p| p.tree()).collect::<Result<_, _>>()?;
    let mut opts = DiffOptions::new();
    opts.context_lines(0).ignore_submodules(false);
    let mut diff = repo.diff_tree_to_tree(parents.first(), Some(&tree), Some(&mut opts))?;
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(true);
    diff.find_similar(Some(&mut find))?;
    for (i, d) in diff.deltas().enumerate() {
        if matches!(d.status(), Delta::Deleted | Delta::Unmodified | Delta::Ignored | Delta::Untracked) {
            continue;
        }
        let nf = d.new_file();
        let path = nf.path_bytes().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default();
        match u32::from(nf.mode()) {
            0o160000 => {
                sink.skipped(&path, SkipReason::Submodule, 0, "");
                continue;
            }
            0o120000 => continue, // a symlink's target is a path, not content
            _ => {}
        }
        let blob = match repo.find_blob(nf.id()) {
            Ok(b) => b,
            Err(e) => return Err(git2::Error::from_str(&format!("{path}: blob {}: {}", nf.id(), e.message()))),
        };
        let origin = |added: Vec<RangeInclusive<usize>>| Origin::Staged {
            path: path.clone(),
            added: Arc::new(added),
            commit: Some(info.clone()),
        };
        let bytes = match classify(blob.content(), max) {
            Content::Text(text) => text,
            Content::Archive(bytes) => {
                if parents.iter().all(|p| at_path(p, &path) != Some(nf.id())) {
                    let o = origin(vec![1..=usize::MAX]);
                    sink.archive(Blob { bytes, origin: o, also: &[], repeat: false, window: None });
                }
                continue;
            }
            Content::Skip(reason, n) => {
                sink.skipped(&path, reason, n, "");
                continue;
            }
        };
        let mut added = ranges_of(Patch::from_diff(&diff, i).ok().flatten().as_ref(), &bytes);
        // a merge adds only what none of its other parents has either
        for p in parents.iter().skip(1) {
            if added.is_empty() {
                break;
            }
            added = match at_path(p, &path).and_then(|old| repo.find_blob(old).ok()) {
                Some(old) if old.id() == nf.id() => Vec::new(),
                Some(old) => {
                    let mut o = DiffOptions::new();
                    o.context_lines(0);
                    let patch = Patch::from_blobs(&old, None, &blob, None, Some(&mut o)).ok();
                    intersect(&added, &ranges_of(patch.as_ref(), &bytes))
                }
                None => added,
            };
        }
        if added.is_empty() {
            continue;
        }
        sink.blob(Blob { bytes: &bytes, origin: origin(added), also: &[], repeat: false, window: None });
    }
    Ok(())
}

/// The blob at `path` in `tree`, if any.
fn at_path(tree: &git2::Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().filter(|e| e.kind() == Some(ObjectType::Blob)).map(|e| e.id())
}

/// Line ranges in both lists.
fn intersect(a: &[RangeInclusive<usize>], b: &[RangeInclusive<usize>]) -> Vec<RangeInclusive<usize>> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let (s, e) = ((*x.start()).max(*y.start()), (*x.end()).min(*y.end()));
            if s <= e {
                out.push(s..=e);
            }
        }
    }
    out
}

/// A ref or tag pointing at a tree or a blob: all of it is new.
fn whole_object(
    repo: &Repository,
    obj: &git2::Object<'_>,
    name: &str,
    max: u64,
    sink: &mut impl BlobSink,
    push: &mut Push,
) {
    let mut blobs: Vec<(String, Oid)> = Vec::new();
    match obj.peel(ObjectType::Tree) {
        Ok(t) => {
            if let Some(tree) = t.as_tree() {
                let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
                    if e.kind() == Some(ObjectType::Blob) && e.filemode() != 0o120000 {
                        blobs.push((format!("{dir}{}", e.name().unwrap_or("?")), e.id()));
                    }
                    git2::TreeWalkResult::Ok
                });
            }
        }
        Err(_) => match obj.peel(ObjectType::Blob) {
            Ok(b) => blobs.push((name.to_string(), b.id())),
            Err(e) => push.missing.push(format!("{name}: {} cannot be read: {}", obj.id(), e.message())),
        },
    }
    let mut seen = HashSet::new();
    for (path, id) in blobs {
        if !seen.insert((path.clone(), id)) {
            continue;
        }
        let Ok(blob) = repo.find_blob(id) else {
            push.missing.push(format!("{name}: {path}: blob {id} cannot be read"));
            continue;
        };
        let origin = Origin::Staged { path: path.clone(), added: Arc::new(vec![1..=usize::MAX]), commit: None };
        match classify(blob.content(), max) {
            Content::Text(t) => {
                sink.blob(Blob { bytes: &t, origin, also: &[], repeat: false, window: None });
            }
            Content::Archive(b) => {
                sink.archive(Blob { bytes: b, origin, also: &[], repeat: false, window: None });
            }
            Content::Skip(reason, n) => sink.skipped(&path, reason, n, ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_lines_are_parsed_and_bad_ones_named() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let u = parse_updates(&format!("{z} {a} refs/heads/new\n{a} {z} refs/tags/v1\n\n")).unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[0].old.is_zero() && !u[0].new.is_zero() && u[1].new.is_zero());
        assert_eq!(u[1].name, "refs/tags/v1");
        for bad in [
            format!("{z} {a}"),
            format!("{z} {a} refs/heads/x extra"),
            format!("{z} xyz refs/heads/x"),
            format!("{z} {a} main"),
            format!("{z}  {a} refs/heads/x"),
        ] {
            let e = parse_updates(&bad).unwrap_err();
            assert!(e.starts_with("line 1: "), "{e}");
        }
        assert!(parse_updates("").unwrap_err().contains("no ref updates"));
    }

    #[test]
    fn ranges_intersect() {
        assert_eq!(intersect(&[1..=5, 9..=12], &[4..=10]), vec![4..=5, 9..=10]);
        assert!(intersect(&[1..=2], &[3..=4]).is_empty());
    }
}
