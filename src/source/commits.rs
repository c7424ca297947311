//! The commits of a history walk, read on a thread of their own.
//!
//! A history walk has two halves that need not wait for each other: finding the commits
//! (libgit2's revision walk, oldest first, and reading each commit) and reading their trees to
//! list the blobs ([`super::git_history`]). Each half took about as long as the other on
//! rust-lang/cargo, so the first runs here, on its own `git2::Repository` (which is not
//! `Sync`), and hands the commits over through a bounded queue.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use git2::{Oid, Repository, Sort};

use super::CommitInfo;
use super::git_history::{GitError, HistoryOptions};

/// What the commit thread says, in order.
pub(super) enum Msg {
    /// The walk is set up: how many starting points were pushed and how many commits hidden;
    /// or why it cannot be.
    Started(Result<(usize, usize), GitError>),
    /// A commit that could not be read.
    Missing(String),
    /// The next commit: its id, what reports say about it, its tree.
    Commit(Oid, Arc<CommitInfo>, Oid),
}

/// Sets up the walk of the history at `path` for `opts` and sends every commit, oldest first
/// (topological order, reversed); stops when the receiver is gone.
pub(super) fn produce(path: &Path, opts: &HistoryOptions, tx: SyncSender<Msg>) {
    let repo = match Repository::open(path) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Msg::Started(Err(GitError {
                repo: path.display().to_string(),
                what: "not a git repository (or not readable)".into(),
                source: e,
            })));
            return;
        }
    };
    let mut walk = match start(&repo, path, opts) {
        Ok((walk, pushed, hidden)) => {
            if tx.send(Msg::Started(Ok((pushed, hidden)))).is_err() || pushed == 0 {
                return;
            }
            walk
        }
        Err(e) => {
            let _ = tx.send(Msg::Started(Err(e)));
            return;
        }
    };
    for oid in &mut walk {
        let msg = match oid {
            Err(e) => Msg::Missing(format!("history walk: {}", e.message())),
            Ok(o) => match repo.find_commit(o) {
                Err(e) => Msg::Missing(format!("commit {o}: {}", e.message())),
                Ok(commit) => {
                    if let Some(since) = opts.since
                        && commit.author().when().seconds().max(commit.time().seconds()) < since
                    {
                        continue;
                    }
                    Msg::Commit(o, Arc::new(CommitInfo::from_commit(&commit)), commit.tree_id())
                }
            },
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// The revision walk for `opts`, the starting points pushed and the commits hidden.
fn start<'r>(
    repo: &'r Repository,
    path: &Path,
    opts: &HistoryOptions,
) -> Result<(git2::Revwalk<'r>, usize, usize), GitError> {
    let gerr =
        |what: &str, e: git2::Error| GitError { repo: path.display().to_string(), what: what.to_string(), source: e };
    let mut walk = repo.revwalk().map_err(|e| gerr("cannot walk history", e))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(|e| gerr("cannot sort history", e))?;
    let mut pushed = 0;
    for r in &opts.ranges {
        walk.push_range(r).map_err(|e| gerr(&format!("bad revision range `{r}`"), e))?;
        pushed += 1;
    }
    for r in &opts.refs {
        let obj = repo.revparse_single(r).map_err(|e| gerr(&format!("unknown ref `{r}`"), e))?;
        let c = obj.peel_to_commit().map_err(|e| gerr(&format!("`{r}` is not a commit"), e))?;
        walk.push(c.id()).map_err(|e| gerr("cannot walk history", e))?;
        pushed += 1;
    }
    if opts.hide_remotes {
        walk.hide_glob("refs/remotes/*").map_err(|e| gerr("cannot exclude remote-tracking refs", e))?;
    }
    let mut hidden = 0;
    for h in &opts.hide {
        if let Ok(oid) = Oid::from_str(h)
            && repo.find_commit(oid).is_ok()
        {
            walk.hide(oid).map_err(|e| gerr("cannot walk history", e))?;
            hidden += 1;
        }
    }
    if opts.ranges.is_empty() && opts.refs.is_empty() {
        let refs = repo.references().map_err(|e| gerr("cannot list refs", e))?;
        for r in refs.flatten() {
            if let Ok(c) = r.peel_to_commit() {
                walk.push(c.id()).map_err(|e| gerr("cannot walk history", e))?;
                pushed += 1;
            }
        }
        if let Ok(h) = repo.head().and_then(|h| h.peel_to_commit()) {
            walk.push(h.id()).map_err(|e| gerr("cannot walk history", e))?;
            pushed += 1;
        }
    }
    Ok((walk, pushed, hidden))
}
