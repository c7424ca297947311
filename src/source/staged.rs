//! Staged changes: what `git commit` would record, against HEAD.
//!
//! Each added, modified, renamed or copied file is read whole from the index (so multi-line
//! keys are still recognised) together with the line ranges the commit adds; the scan keeps
//! only findings that touch an added line, so a secret already in history does not block an
//! unrelated commit. Works before the first commit (everything staged is new). Deleted files
//! need no scan; submodule entries and binary files are counted and skipped; UTF-16 files are decoded first.

use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::Arc;

use git2::{Delta, DiffFindOptions, DiffOptions, Patch, Repository};

use crate::source::git_history::GitError;
use crate::source::{Blob, BlobSink, Content, Origin, SkipReason, classify};

/// Opens the repository containing `path` (searching upwards, like git).
pub fn discover(path: &Path) -> Result<Repository, GitError> {
    Repository::discover(path).map_err(|e| GitError {
        repo: path.display().to_string(),
        what: "not inside a git repository".into(),
        source: e,
    })
}

/// Scans the index against HEAD; returns the number of staged files considered.
pub fn scan(repo: &Repository, max: u64, sink: &mut impl BlobSink) -> Result<u64, GitError> {
    let repo_path = repo.workdir().unwrap_or_else(|| repo.path()).display().to_string();
    let gerr = |what: &str, e: git2::Error| GitError { repo: repo_path.clone(), what: what.to_string(), source: e };
    let head_tree = match repo.head() {
        Ok(h) => Some(h.peel_to_tree().map_err(|e| gerr("cannot read HEAD's tree", e))?),
        Err(_) => None, // unborn branch: no commits yet, everything staged is added
    };
    let index = repo.index().map_err(|e| gerr("cannot read the index", e))?;
    let mut opts = DiffOptions::new();
    opts.context_lines(0).ignore_submodules(false);
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))
        .map_err(|e| gerr("cannot diff the index", e))?;
    let mut find = DiffFindOptions::new();
    find.renames(true).copies(true);
    diff.find_similar(Some(&mut find)).map_err(|e| gerr("cannot detect renames", e))?;
    let mut files = 0;
    for (i, d) in diff.deltas().enumerate() {
        if matches!(d.status(), Delta::Deleted | Delta::Unmodified | Delta::Ignored | Delta::Untracked) {
            continue;
        }
        let nf = d.new_file();
        let path = nf.path_bytes().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default();
        files += 1;
        match u32::from(nf.mode()) {
            0o160000 => {
                sink.skipped(&path, SkipReason::Submodule, 0, "");
                continue;
            }
            0o120000 => {
                sink.skipped(&path, SkipReason::Symlink, 0, "");
                continue;
            }
            _ => {}
        }
        let blob = match repo.find_blob(nf.id()) {
            Ok(b) => b,
            Err(e) => {
                sink.skipped(&path, SkipReason::GitObjectError, 0, e.message());
                continue;
            }
        };
        let bytes = match classify(blob.content(), max) {
            Content::Text(text) => text,
            Content::Archive(bytes) => {
                // a staged archive is new or changed as a whole: every member counts as added
                let origin = Origin::Staged { path, added: Arc::new(vec![1..=usize::MAX]), commit: None };
                sink.archive(Blob { bytes, origin, also: &[], repeat: false, window: None });
                continue;
            }
            Content::Skip(reason, n) => {
                sink.skipped(&path, reason, n, "");
                continue;
            }
        };
        let added = added_lines(&diff, i, &bytes);
        if added.is_empty() {
            continue; // a pure rename or a mode change adds no line
        }
        let origin = Origin::Staged { path, added: Arc::new(added), commit: None };
        sink.blob(Blob { bytes: &bytes, origin, also: &[], repeat: false, window: None });
    }
    Ok(files)
}

/// The staged file's added lines, from the delta's zero-context patch.
fn added_lines(diff: &git2::Diff<'_>, idx: usize, bytes: &[u8]) -> Vec<RangeInclusive<usize>> {
    ranges_of(Patch::from_diff(diff, idx).ok().flatten().as_ref(), bytes)
}

/// The lines of `new` that a zero-context diff from `old` adds (1-based, inclusive ranges), as
/// a staged scan computes them; for tests and fuzzing without a repository.
pub fn added_lines_between(old: &[u8], new: &[u8]) -> Vec<RangeInclusive<usize>> {
    let mut opts = DiffOptions::new();
    opts.context_lines(0);
    let patch = Patch::from_buffers(old, None, new, None, Some(&mut opts)).ok();
    ranges_of(patch.as_ref(), new)
}

/// The added line ranges of a patch; without a textual patch (libgit2 judged the file
/// binary), every line of `bytes` counts as added.
pub(crate) fn ranges_of(patch: Option<&Patch<'_>>, bytes: &[u8]) -> Vec<RangeInclusive<usize>> {
    let mut out = Vec::new();
    match patch {
        Some(patch) if !patch.delta().flags().is_binary() => {
            for h in 0..patch.num_hunks() {
                if let Ok((hunk, _)) = patch.hunk(h)
                    && hunk.new_lines() > 0
                {
                    let start = hunk.new_start() as usize;
                    out.push(start..=start + hunk.new_lines() as usize - 1);
                }
            }
        }
        _ => {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            out.push(1..=lines);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_of_buffers() {
        assert_eq!(added_lines_between(b"a\nb\nc\n", b"a\nB\nc\nd\n"), vec![2..=2, 4..=4]);
        assert_eq!(added_lines_between(b"", b"x\ny\n"), vec![1..=2]);
        assert!(added_lines_between(b"same\n", b"same\n").is_empty());
        assert!(added_lines_between(b"a\nb\n", b"a\n").is_empty());
    }
}
