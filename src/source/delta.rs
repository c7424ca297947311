//! Incremental history scans: a new version of a file is matched only where it changed.
//!
//! A history holds many versions of each often-edited file (lock files, generated JSON,
//! translations, docs), and each version is a blob of its own; scanning each in full reads the
//! unchanged bytes again and again. When a blob is a new version of a path whose previous
//! version (its *base*) was scanned in this run, the two are compared line by line
//! ([`imara_diff`], histogram algorithm, on keyed 64-bit hashes of the lines), and:
//!
//! - the changed lines, widened by [`reach`] bytes on each side (the *owned* part), are matched
//!   in a [window](super::window) that keeps `reach` more bytes of context around them, so
//!   every rule sees what it would see in the whole blob (a name on the line before, the other
//!   half of a pair, a keyword's window);
//! - the base's findings that lie in unchanged lines outside the owned part are carried over,
//!   moved to their lines in the new version;
//! - a base finding that touches a changed line but lies outside the owned part, or a match
//!   found in a window that is longer than half the reach, cannot be trusted to be what a
//!   whole-blob scan gives: the blob is then scanned whole.
//!
//! First versions, renamed paths, blobs under [`MIN_BYTES`] (cheaper to match than to diff),
//! notebooks, credential files (parsed whole), Kubernetes Secret manifests (decoded by
//! document) and text with PEM blocks (matches longer than the reach) are scanned whole. The
//! findings are those of a whole-blob scan of every version; `--full-blobs` turns this off.
//!
//! The walk (one thread) names each blob's base; a worker waits for its base's record in the
//! [`Store`] (the base was queued earlier, so it is being or has been scanned, never behind
//! the waiting worker) and records its own for the next version. Records are dropped when no
//! path has them as last version and no queued blob uses them as base.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::{Arc, Condvar, Mutex};

use git2::Oid;
use imara_diff::intern::{InternedInput, TokenSource};
use imara_diff::{Algorithm, diff};

use crate::finding::{Finding, Location};
use crate::source::window::Window;

/// Blobs smaller than this are scanned whole: matching them costs less than comparing.
pub const MIN_BYTES: usize = 64 << 10;

/// What a scanned version leaves for the next one.
#[derive(Debug)]
pub struct Base {
    /// The path it was scanned at (rules and file kinds depend on the path).
    pub path: String,
    /// Keyed hash of each line (with its line break).
    pub hashes: Vec<u64>,
    /// Its findings before policy (as a whole-blob scan gives them).
    pub findings: Vec<Finding>,
}

#[derive(Debug)]
enum Slot {
    Pending,
    Ready(Arc<Base>),
    Unusable,
}

#[derive(Debug)]
struct Entry {
    slot: Slot,
    refs: usize,
}

/// The records of scanned versions that later versions may use as base.
#[derive(Debug, Default)]
pub struct Store {
    entries: Mutex<HashMap<Oid, Entry>>,
    ready: Condvar,
    /// Keyed per process (lines cannot be crafted to collide), and fast on short lines:
    /// hashing every line of every large version is most of what comparing costs.
    hasher: ahash::RandomState,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Oid, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The walk: `id` is queued for scanning and will be recorded.
    pub fn expect(&self, id: Oid) {
        self.lock().entry(id).or_insert(Entry { slot: Slot::Pending, refs: 0 });
    }

    /// Someone (a path whose last version it is, a queued blob using it as base) needs `id`.
    pub fn retain(&self, id: Oid) -> bool {
        match self.lock().get_mut(&id) {
            Some(e) => {
                e.refs += 1;
                true
            }
            None => false,
        }
    }

    /// One user of `id` is done with it; the record goes with the last.
    pub fn release(&self, id: Oid) {
        let mut map = self.lock();
        if let Some(e) = map.get_mut(&id) {
            e.refs = e.refs.saturating_sub(1);
            if e.refs == 0 && !matches!(e.slot, Slot::Pending) {
                map.remove(&id);
            }
        }
    }

    /// A worker: the record of `id` (None: it cannot serve as a base).
    pub fn put(&self, id: Oid, base: Option<Base>) {
        let mut map = self.lock();
        if let Some(e) = map.get_mut(&id) {
            if e.refs == 0 {
                map.remove(&id);
            } else {
                e.slot = base.map_or(Slot::Unusable, |b| Slot::Ready(Arc::new(b)));
            }
        }
        drop(map);
        self.ready.notify_all();
    }

    /// The record of `id`, waiting while it is being scanned.
    pub fn wait(&self, id: Oid) -> Option<Arc<Base>> {
        let mut map = self.lock();
        loop {
            match map.get(&id).map(|e| &e.slot) {
                Some(Slot::Pending) => map = self.ready.wait(map).unwrap_or_else(|e| e.into_inner()),
                Some(Slot::Ready(b)) => return Some(Arc::clone(b)),
                _ => return None,
            }
        }
    }

    /// Line starts and keyed line hashes of `bytes` (lines as findings count them: a break is
    /// `\n`, `\r\n` or a lone `\r`, and belongs to the line it ends).
    pub fn lines(&self, bytes: &[u8]) -> Lines {
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        let mut at = 0;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(at);
            at = i + 1;
        }
        if at < bytes.len() {
            starts.push(at);
        }
        let hashes = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| self.hasher.hash_one(&bytes[s..starts.get(i + 1).copied().unwrap_or(bytes.len())]))
            .collect();
        Lines { starts, hashes, len: bytes.len() }
    }
}

/// A blob's lines.
#[derive(Debug)]
pub struct Lines {
    starts: Vec<usize>,
    /// Keyed hash of each line.
    pub hashes: Vec<u64>,
    len: usize,
}

impl Lines {
    /// Byte offset where line `i` (0-based) starts; the blob's length past the last.
    fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.len)
    }

    /// The line holding byte `at` (0-based).
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }
}

/// What to match in a new version, and what its base already found.
#[derive(Debug)]
pub struct Plan {
    /// Parts of the blob to match (byte ranges), each owning its changed lines and their
    /// surroundings.
    pub windows: Vec<(Range<usize>, Window)>,
    /// The base's findings in unchanged lines, at their lines in the new version.
    pub carried: Vec<Finding>,
    /// How far around the changes the windows look: a match found in them that is longer
    /// than half of it cannot be trusted (see the module header).
    pub reach: usize,
}

impl Plan {
    /// Bytes the windows own (what is matched anew).
    pub fn owned_bytes(&self) -> usize {
        self.windows.iter().map(|(_, w)| w.own.len()).sum()
    }
}

struct Hashes<'a>(&'a [u64]);

impl<'a> TokenSource for Hashes<'a> {
    type Token = u64;
    type Tokenizer = std::iter::Copied<std::slice::Iter<'a, u64>>;
    fn tokenize(&self) -> Self::Tokenizer {
        self.0.iter().copied()
    }
    fn estimate_tokens(&self) -> u32 {
        self.0.len() as u32
    }
}

/// Plans the scan of a new version (`lines` of `bytes`) against its base, each window's owned
/// part `reach` bytes around the changes and its context `reach` more. None: scan it whole.
pub fn plan(base: &Base, lines: &Lines, reach: usize) -> Option<Plan> {
    let (a, b) = (&base.hashes, &lines.hashes);
    if a.len() >= i32::MAX as usize / 2 || b.len() >= i32::MAX as usize / 2 {
        return None;
    }
    // the common start and end are most of a version: compared here, they are not interned
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..].iter().rev().zip(b[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let input = InternedInput::new(Hashes(&a[pre..a.len() - suf]), Hashes(&b[pre..b.len() - suf]));
    let mut hunks: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    diff(Algorithm::Histogram, &input, |x: Range<u32>, y: Range<u32>| {
        let at = |r: Range<u32>| r.start as usize + pre..r.end as usize + pre;
        hunks.push((at(x), at(y)));
    });
    // owned and context line ranges of the new version, merged where contexts meet
    let mut parts: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (_, y) in &hunks {
        let (lo, hi) = (lines.start(y.start), lines.start(y.end));
        let own = lines.line_of(lo.saturating_sub(reach))..line_after(lines, hi + reach);
        let ctx = lines.line_of(lines.start(own.start).saturating_sub(reach))
            ..line_after(lines, lines.start(own.end) + reach);
        match parts.last_mut() {
            Some((o, c)) if ctx.start <= c.end => {
                o.end = o.end.max(own.end);
                c.end = c.end.max(ctx.end);
            }
            _ => parts.push((own, ctx)),
        }
    }
    let windows = parts
        .iter()
        .enumerate()
        .map(|(i, (own, ctx))| {
            let offset = lines.start(ctx.start);
            let w = Window {
                index: i + 1,
                lines_before: ctx.start,
                column_before: 0,
                cells_before: 0,
                offset: offset as u64,
                own: lines.start(own.start) - offset..lines.start(own.end) - offset,
                last: ctx.end >= b.len(),
            };
            (offset..lines.start(ctx.end), w)
        })
        .collect();
    let owned = |line: usize| parts.iter().any(|(o, _)| o.contains(&line));
    let mut carried = Vec::new();
    for f in &base.findings {
        let (lo, hi) = extent(f);
        // a change inside the finding's lines, or an insertion between two of them
        let touched = hunks
            .iter()
            .any(|(x, _)| if x.is_empty() { lo < x.start && x.start <= hi } else { x.start <= hi && lo < x.end });
        let (at, _) = map_line(&hunks, f.secret_location.line.saturating_sub(1));
        if owned(at) {
            // matched anew: found there again, changed, or gone
            continue;
        }
        if touched {
            // changed where the windows do not look from where it starts
            return None;
        }
        let mut g = f.clone();
        move_lines(&mut g, map_line(&hunks, lo).0 as isize - lo as isize);
        carried.push(g);
    }
    Some(Plan { windows, carried, reach })
}

/// The line of the new version that line `s` of the base became (0-based), and whether it
/// was changed (then: the first line of what replaced it).
fn map_line(hunks: &[(Range<usize>, Range<usize>)], s: usize) -> (usize, bool) {
    let mut shift: isize = 0;
    for (x, y) in hunks {
        if x.is_empty() {
            if x.start <= s {
                shift += y.len() as isize;
                continue;
            }
        } else if x.end <= s {
            shift += y.len() as isize - x.len() as isize;
            continue;
        } else if x.start <= s {
            return (y.start, true);
        }
        break;
    }
    ((s as isize + shift).max(0) as usize, false)
}

/// The line after the one holding byte `at` (exclusive end), at most the line count.
fn line_after(lines: &Lines, at: usize) -> usize {
    if at >= lines.len { lines.starts.len() } else { lines.line_of(at) + 1 }
}

/// A finding's first and last line, 0-based, over all its parts.
fn extent(f: &Finding) -> (usize, usize) {
    let mut lo = f.location.line.min(f.secret_location.line);
    let mut hi = f.location.end_line.max(f.secret_location.end_line);
    for p in &f.parts {
        lo = lo.min(p.location.line);
        hi = hi.max(p.location.end_line);
    }
    (lo.saturating_sub(1), hi.saturating_sub(1))
}

fn move_lines(f: &mut Finding, by: isize) {
    let mv = |l: &mut Location| {
        l.line = (l.line as isize + by) as usize;
        l.end_line = (l.end_line as isize + by) as usize;
    };
    mv(&mut f.location);
    mv(&mut f.secret_location);
    for p in &mut f.parts {
        mv(&mut p.location);
    }
}

/// Whether a version of `path` can be matched by parts: not a notebook (cells are counted
/// from the start), not a credential file (parsed whole), not a Kubernetes Secret manifest
/// (decoded by document), no PEM block (a match longer than the reach).
pub fn eligible(path: &str, bytes: &[u8]) -> bool {
    use memchr::memmem::find;
    !path.to_ascii_lowercase().ends_with(".ipynb")
        && crate::credfile::kind_of(path, bytes).is_none()
        && find(bytes, b"kind: Secret").is_none()
        && find(bytes, b"-----BEGIN").is_none()
}
