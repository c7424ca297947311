//! Incremental history scans: a new version of a file is matched only where it changed.
//!
//! A history holds many versions of each often-edited file (lock files, generated JSON,
//! translations, docs), and each version is a blob of its own; scanning each in full reads the
//! unchanged bytes again and again. When a blob is a new version of a path whose previous
//! version (its *base*) was read in this run, the two are compared line by line
//! ([`imara_diff`], histogram algorithm, on keyed 64-bit hashes of the lines), and:
//!
//! - the changed lines, widened by the matcher's [`Reach`] (the bytes a rule may look at
//!   before its keyword, the lines to a pair's second part), form the *owned* part of a
//!   [window](super::window) that holds as much again before and after, so every rule sees
//!   there what it sees in the whole blob; windows less than 8 KiB apart are merged;
//! - the base's findings that lie in unchanged lines outside the owned parts are carried over,
//!   moved to their lines in the new version;
//! - a base finding that touches a changed line outside the owned parts, or a match in a
//!   window that reaches its edge (it could start earlier or go on), cannot be trusted to be
//!   what a whole-blob scan gives: the version is then scanned whole.
//!
//! First versions, renamed paths, blobs under [`MIN_BYTES`] (cheaper to match than to diff),
//! notebooks, credential files (parsed whole), Kubernetes Secret manifests (decoded by
//! document) and text with PEM blocks (matches of many lines) are scanned whole. The findings
//! are those of a whole-blob scan of every version (a test compares the two on generated
//! histories); `--full-blobs` turns this off.
//!
//! No worker waits for another: the walk (one thread) names each blob's base; a worker
//! compares a version with its base's line hashes (recorded by the worker that read the base,
//! or computed from the base's bytes if that worker is not there yet) and matches the changed
//! parts; after the walk, the versions matched by parts are settled in walk order, each base
//! before its later versions: carried findings added, all judged like any blob's findings.
//! Line hashes are dropped when no path has the blob as last version and no queued version
//! uses it as base; findings (before policy) stay until the versions are settled.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use git2::Oid;
use imara_diff::intern::{InternedInput, TokenSource};
use imara_diff::{Algorithm, diff};

use crate::finding::{Finding, Location};
use crate::source::window::Window;

/// Bytes at the end of a window where a match is not trusted (it could go on past the end).
const TAIL: usize = 256;

/// Windows closer than this are matched as one: each window costs a call of the matcher (its
/// keyword search setup, the decoders), more than matching a few KiB of text between two.
const MERGE_GAP: usize = 8 << 10;

/// Blobs smaller than this are scanned whole: matching them costs less than comparing.
pub const MIN_BYTES: usize = 16 << 10;

/// A version matched by parts, waiting for its base's findings ([`Store::settle_all`]).
#[derive(Debug)]
pub struct Partial {
    /// The base.
    pub base: Oid,
    /// Where it is.
    pub origin: super::Origin,
    /// Its length in bytes.
    pub len: usize,
    /// The plan it was matched by.
    pub plan: Plan,
    /// What the windows found (before policy).
    pub found: Vec<Finding>,
}

#[derive(Debug)]
enum State {
    /// Queued, not yet read.
    Pending,
    /// Matched by parts; settled after the walk.
    Partial(Box<Partial>),
    /// Every finding before policy.
    Done(Arc<Vec<Finding>>),
    /// Not recorded (not text, too small, not eligible): later versions are scanned whole.
    Unusable,
}

#[derive(Debug)]
struct Entry {
    /// The path it was queued under.
    path: String,
    /// Position in the walk.
    seq: u64,
    /// Paths whose last version it is, and later versions that use it as base.
    refs: usize,
    hashes: Option<Arc<Vec<u64>>>,
    state: State,
}

/// The records of versions that later versions use as base.
#[derive(Debug, Default)]
pub struct Store {
    entries: Mutex<super::OidMap<Entry>>,
    next: std::sync::atomic::AtomicU64,
    /// Keyed per process (lines cannot be crafted to collide), and fast on short lines:
    /// hashing every line of every large version is most of what comparing costs.
    hasher: ahash::RandomState,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, super::OidMap<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The walk: `id` is queued for scanning at `path` and will be recorded.
    pub fn expect(&self, id: Oid, path: &str) {
        let seq = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().entry(id).or_insert(Entry {
            path: path.to_string(),
            seq,
            refs: 0,
            hashes: None,
            state: State::Pending,
        });
    }

    /// Someone (a path whose last version it is, a later version using it as base) needs
    /// `id`; false when it is not recorded.
    pub fn retain(&self, id: Oid) -> bool {
        match self.lock().get_mut(&id) {
            Some(e) => {
                e.refs += 1;
                true
            }
            None => false,
        }
    }

    /// One user of `id` is done with it: with the last, its line hashes go (its findings
    /// stay until the versions matched by parts are settled, [`Store::settle_all`]).
    pub fn release(&self, id: Oid) {
        if let Some(e) = self.lock().get_mut(&id) {
            e.refs = e.refs.saturating_sub(1);
            if e.refs == 0 {
                e.hashes = None;
            }
        }
    }

    /// The path a blob was queued under and its line hashes, if its worker recorded them.
    pub fn base(&self, id: Oid) -> Option<(String, Option<Arc<Vec<u64>>>)> {
        let map = self.lock();
        let e = map.get(&id)?;
        match e.state {
            State::Unusable => None,
            _ => Some((e.path.clone(), e.hashes.clone())),
        }
    }

    /// A worker: the line hashes of `id`, as soon as they are known.
    pub fn hashes(&self, id: Oid, hashes: Arc<Vec<u64>>) {
        if let Some(e) = self.lock().get_mut(&id)
            && e.refs > 0
        {
            e.hashes = Some(hashes);
        }
    }

    /// A worker: `id` was scanned whole (its findings before policy), or could not be
    /// recorded (None).
    pub fn done(&self, id: Oid, findings: Option<Vec<Finding>>) {
        if let Some(e) = self.lock().get_mut(&id) {
            e.state = findings.map_or(State::Unusable, |f| State::Done(Arc::new(f)));
            if matches!(e.state, State::Unusable) {
                e.hashes = None;
            }
        }
    }

    /// A worker: `id` was matched by parts.
    pub fn partial(&self, id: Oid, partial: Partial) {
        if let Some(e) = self.lock().get_mut(&id) {
            e.state = State::Partial(Box::new(partial));
        }
    }

    /// After the walk: settles every version matched by parts, in walk order (a base before
    /// its later versions). `settle` gets the version's id, what was found (its windows'
    /// findings and the carried ones), or None when carrying cannot stand (then it scans the
    /// version whole and returns the findings, None if it cannot); it returns the findings
    /// to record.
    pub fn settle_all(&self, mut settle: impl FnMut(Oid, &Partial, Option<Vec<Finding>>) -> Option<Vec<Finding>>) {
        let mut order: Vec<(u64, Oid)> = self
            .lock()
            .iter()
            .filter(|(_, e)| matches!(e.state, State::Partial(_)))
            .map(|(id, e)| (e.seq, *id))
            .collect();
        order.sort_unstable();
        for (_, id) in order {
            let p = {
                let mut map = self.lock();
                let Some(e) = map.get_mut(&id) else { continue };
                match std::mem::replace(&mut e.state, State::Pending) {
                    State::Partial(p) => p,
                    other => {
                        e.state = other;
                        continue;
                    }
                }
            };
            let base = match self.lock().get(&p.base).map(|e| &e.state) {
                Some(State::Done(f)) => Some(Arc::clone(f)),
                _ => None,
            };
            let found = base.and_then(|b| complete(&b, &p));
            let record = settle(id, &p, found);
            if let Some(e) = self.lock().get_mut(&id) {
                e.state = record.map_or(State::Unusable, |f| State::Done(Arc::new(f)));
            }
        }
    }

    /// Line starts and keyed line hashes of `bytes` (lines as findings count them: a break is
    /// `\n`, `\r\n` or a lone `\r`, and belongs to the line it ends).
    pub fn lines(&self, bytes: &[u8]) -> Lines {
        let mut lines = Lines::starts(bytes);
        let starts = &lines.starts;
        let hashes = starts
            .iter()
            .enumerate()
            .map(|(i, &s)| self.hasher.hash_one(&bytes[s..starts.get(i + 1).copied().unwrap_or(bytes.len())]))
            .collect();
        lines.hashes = Arc::new(hashes);
        lines
    }
}

/// Every finding of a version matched by parts: its windows' and those carried from its
/// base's findings (`base`), at the version's place; None when carrying cannot stand.
pub fn complete(base: &[Finding], p: &Partial) -> Option<Vec<Finding>> {
    let mut carried = carry(base, &p.plan)?;
    let id = match &p.origin {
        super::Origin::Git { blob, .. } => Some(blob.clone()),
        _ => None,
    };
    for f in &mut carried {
        *f = f.at(&p.origin);
        f.blob.clone_from(&id);
    }
    carried.extend(p.found.iter().cloned());
    // a secret found as written in the blob is not reported again decoded from it
    let plain: std::collections::HashSet<String> =
        carried.iter().filter(|f| f.decoded.is_empty()).map(|f| f.fingerprint.to_string()).collect();
    carried.retain(|f| f.decoded.is_empty() || !plain.contains(f.fingerprint.as_str()));
    carried.sort_by_key(|f| (f.location, f.rule_index));
    Some(carried)
}

/// A blob's lines.
#[derive(Debug)]
pub struct Lines {
    starts: Vec<usize>,
    /// Keyed hash of each line.
    pub hashes: Arc<Vec<u64>>,
    len: usize,
}

impl Lines {
    /// Line starts of `bytes`, without hashes (lines as findings count them: a break is
    /// `\n`, `\r\n` or a lone `\r`, and belongs to the line it ends).
    pub fn starts(bytes: &[u8]) -> Lines {
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
        Lines { starts, hashes: Arc::new(Vec::new()), len: bytes.len() }
    }

    /// Number of lines.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where line `i` (0-based) starts; the blob's length past the last.
    fn start(&self, i: usize) -> usize {
        self.starts.get(i).copied().unwrap_or(self.len)
    }
}

/// What to match in a new version, and what its base already found.
#[derive(Debug)]
pub struct Plan {
    /// Parts of the blob to match (byte ranges), each owning its changed lines and their
    /// surroundings.
    pub windows: Vec<(Range<usize>, Window)>,
    /// Changed lines: (base, new version), 0-based.
    hunks: Vec<(Range<usize>, Range<usize>)>,
    /// Lines of the new version the windows own.
    owned: Vec<Range<usize>>,
    /// How far around the changes the windows look.
    reach: Reach,
}

/// How far around a match the rules look ([`crate::matcher::Detector::reach`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// Bytes before a keyword (and so before a match) that a rule may look at.
    pub bytes: usize,
    /// Lines around a match that a rule may look at (a pair's second part)…
    pub lines: usize,
    /// …but no further than this many bytes.
    pub far: usize,
}

impl Reach {
    /// Whether the rules can be matched by parts at all.
    pub fn is_some(&self) -> bool {
        *self != Reach::default()
    }

    /// The first line of the text this reach needs before line `from`.
    fn back(&self, lines: &Lines, from: usize) -> usize {
        let end = lines.start(from);
        let mut l = from;
        while l > 0 {
            let (n, b) = (from - l, end - lines.start(l));
            if (n >= self.lines || b >= self.far) && b >= self.bytes {
                break;
            }
            l -= 1;
        }
        l
    }

    /// The line after the text this reach needs from line `to` (exclusive) on.
    fn forward(&self, lines: &Lines, to: usize) -> usize {
        let start = lines.start(to);
        let mut l = to;
        let n = lines.starts.len();
        while l < n {
            let (k, b) = (l - to, lines.start(l) - start);
            if (k >= self.lines || b >= self.far) && b >= self.bytes {
                break;
            }
            l += 1;
        }
        l
    }
}

impl Plan {
    /// Bytes the windows own (what is matched anew).
    pub fn owned_bytes(&self) -> usize {
        self.windows.iter().map(|(_, w)| w.own.len()).sum()
    }

    /// Where in the window over `range` (of a blob of `len` bytes) a match must lie to be
    /// what a whole-blob scan finds: not in the reach before the window's start, where the
    /// regex could have started earlier, and not at its end, where it could go on.
    pub fn trusted(&self, range: &Range<usize>, len: usize) -> Range<usize> {
        let size = range.len();
        let lo = if range.start == 0 { 0 } else { self.reach.bytes.min(size) };
        let hi = if range.end >= len { size } else { size.saturating_sub(TAIL) };
        lo..hi.max(lo)
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

/// Plans the scan of a new version (`lines`) against its base's line hashes, each window's
/// owned part `reach` bytes around the changes and its context `reach` more. None: scan it
/// whole.
pub fn plan(a: &[u64], lines: &Lines, reach: Reach) -> Option<Plan> {
    let b = &lines.hashes[..];
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
    Some(plan_hunks(hunks, lines, reach))
}

/// Plans the scan of a new version (`lines`) from its changed lines (`hunks`: base lines,
/// new lines, 0-based, in order), each window's owned part `reach` bytes around the changes
/// and its context `reach` more.
pub fn plan_hunks(hunks: Vec<(Range<usize>, Range<usize>)>, lines: &Lines, reach: Reach) -> Plan {
    let count = lines.count();
    // owned and context line ranges of the new version, merged where contexts meet
    let mut parts: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (_, y) in &hunks {
        let own = reach.back(lines, y.start)..reach.forward(lines, y.end).max(y.start + 1).min(count);
        let ctx = reach.back(lines, own.start)..reach.forward(lines, own.end);
        match parts.last_mut() {
            Some((o, c)) if lines.start(ctx.start) <= lines.start(c.end) + MERGE_GAP => {
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
                last: ctx.end >= count,
            };
            (offset..lines.start(ctx.end), w)
        })
        .collect();
    let owned = parts.into_iter().map(|(o, _)| o).collect();
    Plan { windows, hunks, owned, reach }
}

/// The changed lines of a version rebuilt from a git delta ([`super::pack`]), as [`plan`]
/// makes them from a line diff. A line of the new version that lies within one copied range
/// and was a whole line of the base there too (same start, same end) is a candidate pair;
/// the longest run of pairs in order on both sides is kept (a delta may copy a repeated line,
/// `]` or `}`, from any place it occurs, and such a pair out of order must not cut the
/// alignment); between two kept pairs, equal lines at the start and end of the gap are
/// paired too, and what is left is a hunk. `base` and `new` are each version's bytes and
/// lines.
pub fn hunks_from_copies(
    base: (&[u8], &Lines),
    new: (&[u8], &Lines),
    copies: &[super::pack::Copy],
) -> Vec<(Range<usize>, Range<usize>)> {
    let ((a, la), (b, lb)) = (base, new);
    // candidate pairs (base line, new line), in new-line order
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let (mut c, mut hint) = (0, 0);
    for j in 0..lb.count() {
        let (s, e) = (lb.start(j), lb.start(j + 1));
        while c < copies.len() && copies[c].to + copies[c].len <= s {
            c += 1;
        }
        let Some(cp) = copies.get(c).filter(|cp| cp.to <= s && e <= cp.to + cp.len) else { continue };
        let from = cp.from + (s - cp.to);
        // within a copied range, the next line of the base is the next line's
        let at = if la.starts.get(hint) == Some(&from) { Ok(hint) } else { la.starts.binary_search(&from) };
        if let Ok(i) = at
            && la.start(i + 1) - from == e - s
        {
            pairs.push((i, j));
            hint = i + 1;
        }
    }
    let kept = increasing(&pairs);
    let line = |l: &Lines, k: usize| l.start(k)..l.start(k + 1);
    let same = |i: usize, j: usize| a[line(la, i)] == b[line(lb, j)];
    let mut hunks = Vec::new();
    let (mut next_a, mut next_b) = (0usize, 0usize);
    for (i, j) in kept.into_iter().chain(std::iter::once((la.count(), lb.count()))) {
        // equal lines at both ends of the gap are unchanged
        while next_a < i && next_b < j && same(next_a, next_b) {
            (next_a, next_b) = (next_a + 1, next_b + 1);
        }
        let (mut end_a, mut end_b) = (i, j);
        while end_a > next_a && end_b > next_b && same(end_a - 1, end_b - 1) {
            (end_a, end_b) = (end_a - 1, end_b - 1);
        }
        if end_a > next_a || end_b > next_b {
            hunks.push((next_a..end_a, next_b..end_b));
        }
        (next_a, next_b) = (i + 1, j + 1);
    }
    hunks
}

/// The longest subsequence of `pairs` (in order of their second part) whose first parts
/// increase strictly too (patience sorting, O(n log n)).
fn increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // tails[k]: index of the smallest last base line of an increasing run of length k + 1
    let mut tails: Vec<usize> = Vec::new();
    // the base line of each tail, side by side for the search
    let mut ends: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = vec![usize::MAX; pairs.len()];
    for (n, &(i, _)) in pairs.iter().enumerate() {
        // most pairs go on the longest run: no search for them
        let k = if ends.last().is_none_or(|&e| e < i) { ends.len() } else { ends.partition_point(|&e| e < i) };
        if k > 0 {
            prev[n] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(n);
            ends.push(i);
        } else {
            tails[k] = n;
            ends[k] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied().unwrap_or(usize::MAX);
    while at != usize::MAX {
        out.push(pairs[at]);
        at = prev[at];
    }
    out.reverse();
    out
}

/// The base's findings (before policy) in unchanged lines outside the windows, moved to their
/// lines in the new version; None when one touches a change outside the windows (what it
/// became is not known: scan the version whole).
pub fn carry(base: &[Finding], plan: &Plan) -> Option<Vec<Finding>> {
    let hunks = &plan.hunks;
    let owned = |line: usize| plan.owned.iter().any(|o| o.contains(&line));
    let mut carried = Vec::new();
    for f in base {
        let (lo, hi) = extent(f);
        // a change inside the finding's lines, or an insertion between two of them
        let touched = hunks
            .iter()
            .any(|(x, _)| if x.is_empty() { lo < x.start && x.start <= hi } else { x.start <= hi && lo < x.end });
        let (at, _) = map_line(hunks, f.secret_location.line.saturating_sub(1));
        if owned(at) {
            // matched anew: found there again, changed, or gone
            continue;
        }
        if touched {
            return None;
        }
        let mut g = f.clone();
        move_lines(&mut g, map_line(hunks, lo).0 as isize - lo as isize);
        carried.push(g);
    }
    Some(carried)
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
    static PEM: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"-----BEGIN"));
    let notebook = path.len() >= 6 && path[path.len() - 6..].eq_ignore_ascii_case(".ipynb");
    !notebook
        && crate::credfile::kind_of(path, bytes).is_none()
        && !crate::decode::kubernetes::is_secret_manifest(bytes)
        && PEM.find(bytes).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[String]) -> Vec<u8> {
        let mut t = lines.join("\n").into_bytes();
        t.push(b'\n');
        t
    }

    /// The plan for changing `lines` of base text `a` into `b`.
    fn plan_of(a: &[String], b: &[String], reach: Reach) -> (Plan, Lines) {
        let s = Store::default();
        let lb = s.lines(&text(b));
        (plan(&s.lines(&text(a)).hashes, &lb, reach).expect("a plan"), lb)
    }

    #[test]
    fn lines_break_where_findings_count_them() {
        let l = Store::default().lines(b"a\r\nb\rc\nd");
        assert_eq!(l.starts, vec![0, 3, 5, 7]);
        assert_eq!(l.hashes.len(), 4);
    }

    #[test]
    fn a_changed_line_is_owned_with_its_reach_and_context_around() {
        let a: Vec<String> = (0..100).map(|i| format!("line {i:02}")).collect();
        let mut b = a.clone();
        b[50] = "changed".into();
        let (p, lb) = plan_of(&a, &b, Reach { bytes: 10, lines: 3, far: 4096 });
        // three lines (and at least 10 bytes) before and after the changed line 50
        assert_eq!(p.owned, vec![47..54]);
        assert_eq!(p.hunks, vec![(50..51, 50..51)]);
        let (range, w) = &p.windows[0];
        // as much again around: lines 44..57, each "line NN\n" (8 bytes)
        assert_eq!(range.clone(), 44 * 8..57 * 8);
        assert_eq!(w.lines_before, 44);
        assert_eq!(w.own, 3 * 8..10 * 8);
        assert_eq!(p.owned_bytes(), 7 * 8);
        // a match may not start in the reach before the window, nor end in its last bytes
        assert_eq!(p.trusted(range, lb.len), 10..range.len().saturating_sub(TAIL).max(10));
    }

    #[test]
    fn changes_far_apart_get_windows_of_their_own_and_near_ones_share_one() {
        let a: Vec<String> = (0..5000).map(|i| format!("entry {i:05} of a long generated file")).collect();
        let mut b = a.clone();
        b[100] = "x".into();
        b[110] = "y".into();
        b[4000] = "z".into();
        let (p, _) = plan_of(&a, &b, Reach { bytes: 100, lines: 3, far: 4096 });
        assert_eq!(p.windows.len(), 2, "{:?}", p.owned);
        assert!(p.owned[0].contains(&100) && p.owned[0].contains(&110) && p.owned[1].contains(&4000));
        assert!(p.owned_bytes() < 5000 * 37 / 10);
    }

    #[test]
    fn a_repeated_line_copied_from_far_away_does_not_cut_the_alignment() {
        use super::super::pack::Copy;
        let base = b"a\n}\nb\nc\nd\n}\n";
        let new = b"a\nx\n}\nb\nc\nd\n}\n";
        let (la, lb) = (Lines::starts(base), Lines::starts(new));
        // "a\n" copied, "x\n" inserted, then "}\n" copied from the base's last line (as a
        // delta may), then "b\nc\nd\n}\n" copied in place
        let copies =
            [Copy { from: 0, to: 0, len: 2 }, Copy { from: 10, to: 4, len: 2 }, Copy { from: 4, to: 6, len: 8 }];
        assert_eq!(hunks_from_copies((base, &la), (new, &lb), &copies), vec![(1..1, 1..2)]);
        // nothing copied: equal lines at both ends still pair up
        assert_eq!(hunks_from_copies((base, &la), (new, &lb), &[]), vec![(1..1, 1..2)]);
        assert_eq!(increasing(&[(5, 0), (1, 1), (2, 2), (9, 3), (3, 4)]), vec![(1, 1), (2, 2), (3, 4)]);
    }

    #[test]
    fn lines_move_past_insertions_and_deletions() {
        // two lines inserted before base line 5
        let ins = [(5..5, 5..7)];
        assert_eq!(map_line(&ins, 4), (4, false));
        assert_eq!(map_line(&ins, 5), (7, false));
        // base line 5 deleted
        let del = [(5..6, 5..5)];
        assert_eq!(map_line(&del, 5), (5, true));
        assert_eq!(map_line(&del, 9), (8, false));
        // base lines 2..4 replaced by one line, then an insertion later
        let both = [(2..4, 2..3), (10..10, 9..12)];
        assert_eq!(map_line(&both, 3), (2, true));
        assert_eq!(map_line(&both, 6), (5, false));
        assert_eq!(map_line(&both, 10), (12, false));
    }
}
