//! Working-tree walk: `ignore`'s parallel walker, then each regular file read whole.
//!
//! Honours `.gitignore` (also outside a git repository), `.ignore` and git's global excludes;
//! hidden files such as `.env` are scanned; `.git/` directories are never walked as files;
//! symlinks are not followed unless asked. Every file is either handed on as a blob or counted
//! with a [`SkipReason`].

use std::fs::File;
use std::path::{Path, PathBuf};

use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::source::window::{self, StreamLimits};
use crate::source::{BlobSink, Origin, SkipReason};

/// Walk settings.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan files that ignore files exclude.
    pub no_ignore: bool,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Files larger than this are skipped (`u64::MAX`: none; larger files are read in windows).
    pub max_file_size: u64,
    /// Blobs read whole into memory (git objects, archive members, whole archives) larger than
    /// this are skipped.
    pub max_blob_size: u64,
    /// Files larger than this are read in windows of this size.
    pub window: usize,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

impl WalkOptions {
    /// The limits for reading one file or stream.
    pub fn stream_limits(&self) -> StreamLimits {
        StreamLimits {
            max: self.max_file_size,
            max_archive: self.max_blob_size,
            geometry: window::Geometry::new(self.window),
        }
    }
}

/// Walks `roots` in parallel; `make_sink` is called once per worker thread.
pub fn walk<'s, S, F>(roots: &[PathBuf], opts: &WalkOptions, make_sink: F)
where
    S: BlobSink + Send + 's,
    F: Fn() -> S + Sync + 's,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut b = WalkBuilder::new(first);
    for r in rest {
        b.add(r);
    }
    b.hidden(false)
        .parents(true)
        .ignore(!opts.no_ignore)
        .git_ignore(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .require_git(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads)
        .filter_entry(|e| !(e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir())));
    let multi = roots.len() > 1;
    let roots: Vec<PathBuf> = roots.to_vec();
    b.build_parallel().run(|| {
        let mut sink = make_sink();
        let roots = roots.clone();
        let lim = opts.stream_limits();
        Box::new(move |entry| {
            visit(entry, &roots, multi, &lim, &mut sink);
            WalkState::Continue
        })
    });
}

/// The path shown for a file: relative to its root, or as given when several roots are walked.
pub fn display_path(path: &Path, roots: &[PathBuf], multi: bool) -> String {
    let rel = if multi {
        path
    } else {
        roots.iter().find_map(|r| path.strip_prefix(r).ok()).filter(|p| !p.as_os_str().is_empty()).unwrap_or(path)
    };
    let s = rel.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '/' { s.to_string() } else { s.replace(std::path::MAIN_SEPARATOR, "/") }
}

fn visit(
    entry: Result<DirEntry, ignore::Error>,
    roots: &[PathBuf],
    multi: bool,
    lim: &StreamLimits,
    sink: &mut impl BlobSink,
) {
    let entry = match entry {
        Ok(e) => e,
        Err(err) => {
            let path = err_path(&err).map(|p| display_path(p, roots, multi)).unwrap_or_default();
            sink.skipped(&path, SkipReason::WalkError, 0, &err.to_string());
            return;
        }
    };
    let Some(ft) = entry.file_type() else {
        return; // stdin entry; not produced by our walk
    };
    if ft.is_dir() {
        return;
    }
    let path = display_path(entry.path(), roots, multi);
    if ft.is_symlink() {
        sink.skipped(&path, SkipReason::Symlink, 0, "");
        return;
    }
    if !ft.is_file() {
        sink.skipped(&path, SkipReason::SpecialFile, 0, "");
        return;
    }
    read_file(entry.path(), &path, lim, sink);
}

fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err),
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Reads one file and hands it on (whole, or in windows when larger than one), or reports
/// why not.
pub fn read_file(fs_path: &Path, path: &str, lim: &StreamLimits, sink: &mut impl BlobSink) {
    let f = match File::open(fs_path) {
        Ok(f) => f,
        Err(e) => return sink.skipped(path, SkipReason::Unreadable, 0, &e.to_string()),
    };
    let len = match f.metadata() {
        Ok(m) if !m.is_file() => return sink.skipped(path, SkipReason::SpecialFile, 0, ""),
        Ok(m) => m.len(),
        Err(e) => return sink.skipped(path, SkipReason::Unreadable, 0, &e.to_string()),
    };
    if len > lim.max {
        return sink.skipped(path, SkipReason::TooLarge, len, "");
    }
    window::read_stream(f, &Origin::File { path: path.to_string() }, Some(len), lim, sink);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Blob;

    fn limits(max: u64) -> StreamLimits {
        StreamLimits { max, max_archive: max, geometry: window::Geometry::default() }
    }

    /// Records what a source hands on.
    #[derive(Default)]
    struct Record {
        blobs: Vec<String>,
        skips: Vec<(String, SkipReason, String)>,
    }

    impl BlobSink for Record {
        fn blob(&mut self, blob: Blob<'_>) -> bool {
            self.blobs.push(blob.origin.path().to_string());
            false
        }
        fn skipped(&mut self, path: &str, reason: SkipReason, _bytes: u64, detail: &str) {
            self.skips.push((path.to_string(), reason, detail.to_string()));
        }
    }

    /// A file that fails while it is read (here `/proc/self/mem`, a regular file whose first
    /// page cannot be read: EIO, as a disk error or a file truncated under a mapped read would
    /// give) is counted as unreadable with the reason, never a panic.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_read_error_is_counted_as_unreadable() {
        let mut rec = Record::default();
        read_file(Path::new("/proc/self/mem"), "mem", &limits(1 << 20), &mut rec);
        assert!(rec.blobs.is_empty());
        assert_eq!(rec.skips.len(), 1, "{:?}", rec.skips);
        assert_eq!(rec.skips[0].1, SkipReason::Unreadable);
        assert!(!rec.skips[0].2.is_empty());
    }

    /// A file deleted between the walk listing it and its read is unreadable, not a panic.
    #[test]
    fn a_vanished_file_is_counted_as_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let mut rec = Record::default();
        read_file(&dir.path().join("gone.env"), "gone.env", &limits(1 << 20), &mut rec);
        assert_eq!(rec.skips.len(), 1);
        assert_eq!((rec.skips[0].0.as_str(), rec.skips[0].1), ("gone.env", SkipReason::Unreadable));
    }

    /// A file that grows past the limit between `stat` and the read is cut at the limit and
    /// counted as too large; one that shrinks is scanned as it is now.
    #[test]
    fn a_file_changing_size_while_read_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        let mut rec = Record::default();
        read_file(&p, "f", &limits(50), &mut rec);
        assert_eq!(rec.skips[0].1, SkipReason::TooLarge);
        std::fs::write(&p, b"").unwrap();
        let mut rec = Record::default();
        read_file(&p, "f", &limits(50), &mut rec);
        assert_eq!(rec.blobs, vec!["f"]);
    }

    #[test]
    fn display_paths() {
        let roots = vec![PathBuf::from("/tmp/x")];
        assert_eq!(display_path(Path::new("/tmp/x/a/b.txt"), &roots, false), "a/b.txt");
        assert_eq!(display_path(Path::new("/tmp/x"), &roots, false), "/tmp/x");
        let roots = vec![PathBuf::from("./a"), PathBuf::from("b")];
        assert_eq!(display_path(Path::new("./a/f"), &roots, true), "a/f");
    }
}
