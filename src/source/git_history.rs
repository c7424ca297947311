//! Git history: every blob reachable from the chosen refs, each read and scanned once.
//!
//! Enumeration walks commits oldest first (topological, reversed) and their trees, skipping
//! trees already seen, so each unique tree is visited once and each blob is attributed to the
//! first commit (and path) where it appears; a blob under several paths keeps every path. With
//! a revision range or `--since`, only blobs that the selected commits add or change (against
//! their first parent) are taken.
//!
//! Scanning overlaps the walk: each blob goes to the scanning workers (each with its own
//! `git2::Repository`, which is not `Sync`) the moment it is first met, through a bounded
//! queue, so the single-threaded walk no longer delays the parallel part. A blob met again
//! later under another path gets that path recorded; when the walk is over, the few blobs
//! that had a match and gained paths are matched once more for the new paths only (their
//! bytes are not counted twice). Memory holds the blob list and one blob per worker.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Oid, Repository, Tree};

use crate::source::delta::Store;
use crate::source::{Blob, BlobSink, Content, OidMap, OidSet, Origin, SkipReason, classify};
use crate::source::{commits, packed_history, versions};

/// What part of history to scan.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Refs to start from (empty: all refs, and HEAD).
    pub refs: Vec<String>,
    /// Revision ranges such as `main..feature` (take commits of the range only).
    pub ranges: Vec<String>,
    /// Only commits with an author or committer time at or after this (unix seconds).
    pub since: Option<i64>,
    /// Leave out commits reachable from remote-tracking refs (what a push would add).
    pub hide_remotes: bool,
    /// Leave out commits reachable from these (the tips an earlier scan recorded, for
    /// incremental scans); ids no longer in the repository are ignored.
    pub hide: Vec<String>,
    /// Blobs larger than this are skipped.
    pub max_file_size: u64,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Scan every blob whole, never only what changed since the previous version of its
    /// path (`--full-blobs`).
    pub full_blobs: bool,
}

/// A git error with the repository path and what was being done.
///
/// Shown once, with libgit2's message and without its internal class and code
/// (`class=Repository (6); code=NotFound (-3)`): it is not chained as a source, which would
/// print the message a second time.
#[derive(Debug)]
pub struct GitError {
    /// Repository path.
    pub repo: String,
    /// What keyhound was doing.
    pub what: String,
    /// libgit2's message.
    pub source: git2::Error,
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.repo, self.what, self.source.message())
    }
}

impl std::error::Error for GitError {}

/// One unique blob and every place it first appeared.
#[derive(Debug)]
struct BlobRef {
    id: Oid,
    origins: Vec<Origin>,
}

/// The result of enumerating history.
#[derive(Debug, Default)]
pub struct Enumeration {
    blobs: Vec<BlobRef>,
    /// Commits walked.
    pub commits: u64,
    /// Submodule entries met (not scanned).
    pub submodules: u64,
    /// Objects that could not be read while walking.
    pub missing: Vec<String>,
    /// Blob ids present in HEAD's tree.
    pub head_blobs: HashSet<Oid>,
    /// The repository is a shallow clone.
    pub shallow: bool,
    /// Position of each commit walked, oldest first (topological).
    commit_order: HashMap<Oid, u32>,
}

impl Enumeration {
    /// Position of a commit (hex id) in the walk, oldest first; unknown commits come last.
    pub fn commit_position(&self, commit_hex: &str) -> u32 {
        Oid::from_str(commit_hex).ok().and_then(|o| self.commit_order.get(&o).copied()).unwrap_or(u32::MAX)
    }

    /// Whether a blob (hex id) is part of HEAD's tree.
    pub fn in_head(&self, blob_hex: &str) -> bool {
        Oid::from_str(blob_hex).is_ok_and(|o| self.head_blobs.contains(&o))
    }
}

/// Sets libgit2's process-wide options for reading every object once.
///
/// - Object hashes are not re-verified on read: SHA-1 with collision detection took over a
///   quarter of a full-history scan (perf, rust-lang/cargo); a corrupt object still fails to
///   inflate and is counted as a `git_object_error`.
/// - The object cache is off: every tree and blob is read once, so caching only costs memory.
pub fn tune_libgit2() {
    git2::opts::strict_hash_verification(false);
    git2::opts::enable_caching(false);
}

/// Opens a repository (bare or with a work tree) at exactly `path`.
pub fn open(path: &Path) -> Result<Repository, GitError> {
    Repository::open(path).map_err(|e| GitError {
        repo: path.display().to_string(),
        what: "not a git repository (or not readable)".into(),
        source: e,
    })
}

/// Formats unix seconds with a UTC offset in minutes as RFC 3339.
pub fn rfc3339(secs: i64, offset_min: i32) -> String {
    let local = secs + i64::from(offset_min) * 60;
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let sign = if offset_min < 0 { '-' } else { '+' };
    let off = offset_min.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        off / 60,
        off % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `--since`: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ`, or unix seconds.
pub fn parse_since(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let bad = || format!("`{s}` is not a date (use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or unix seconds)");
    let (date, time) = t.split_once(['T', ' ']).unwrap_or((t, ""));
    let p: Vec<&str> = date.split('-').collect();
    if p.len() != 3 {
        return Err(bad());
    }
    let (y, m, d) = (
        p[0].parse::<i64>().map_err(|_| bad())?,
        p[1].parse::<u32>().map_err(|_| bad())?,
        p[2].parse::<u32>().map_err(|_| bad())?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let time = time.trim_end_matches('Z');
    if !time.is_empty() {
        let hms: Vec<&str> = time.split(':').collect();
        let part = |i: usize| hms.get(i).map_or(Ok(0), |x| x.parse::<i64>().map_err(|_| bad()));
        secs += part(0)? * 3600 + part(1)? * 60 + part(2)?;
    }
    Ok(secs)
}

/// Walks history and lists the blobs to scan, with where each first appeared, calling
/// `on_new` for each blob the moment it is first met.
fn walk(
    repo: &Repository,
    path: &Path,
    opts: &HistoryOptions,
    warn: &dyn Fn(&str),
    store: Option<&Store>,
    trees: Option<&OidMap<Vec<u8>>>,
    on_new: &mut dyn FnMut(Oid, &Origin, Option<Oid>),
) -> Result<Enumeration, GitError> {
    let en = Enumeration { shallow: repo.is_shallow(), ..Default::default() };
    if en.shallow {
        warn(&format!(
            "{}: shallow clone: commits before the shallow boundary are not in the repository and are not scanned",
            path.display()
        ));
    }
    // the commits come from a thread of their own ([`commits`]); this one reads the trees
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(1024);
        scope.spawn(move || commits::produce(path, opts, tx));
        let (pushed, hidden) = match rx.recv() {
            Ok(commits::Msg::Started(r)) => r?,
            _ => (0, 0),
        };
        walk_trees(repo, path, opts, warn, store, trees, on_new, en, (pushed, hidden), rx)
    })
}

/// The tree half of [`walk`]: the commits come through `rx`.
#[allow(clippy::too_many_arguments)]
fn walk_trees(
    repo: &Repository,
    path: &Path,
    opts: &HistoryOptions,
    warn: &dyn Fn(&str),
    store: Option<&Store>,
    trees: Option<&OidMap<Vec<u8>>>,
    on_new: &mut dyn FnMut(Oid, &Origin, Option<Oid>),
    mut en: Enumeration,
    (pushed, hidden): (usize, usize),
    rx: std::sync::mpsc::Receiver<commits::Msg>,
) -> Result<Enumeration, GitError> {
    if pushed == 0 {
        warn(&format!("{}: the repository has no commits", path.display()));
        return Ok(en);
    }
    if let Ok(tree) = repo.head().and_then(|h| h.peel_to_tree()) {
        collect_all_blobs(&tree, &mut en.head_blobs);
    }
    let diff_mode = !opts.ranges.is_empty() || opts.since.is_some() || opts.hide_remotes || hidden > 0;
    let mut index: OidMap<usize> = OidMap::default();
    // the last version of each path met so far (the base of its next version)
    let mut last: HashMap<String, Oid> = HashMap::new();
    let mut seen_trees = OidSet::default();
    let path_hasher = ahash::RandomState::new();
    let mut places: HashSet<(Oid, u64), ahash::RandomState> = HashSet::default();
    for msg in rx {
        let (oid, info, tree_id) = match msg {
            commits::Msg::Commit(oid, info, tree) => (oid, info, tree),
            commits::Msg::Missing(m) => {
                en.missing.push(m);
                continue;
            }
            commits::Msg::Started(_) => continue,
        };
        en.commit_order.insert(oid, en.commits as u32);
        en.commits += 1;
        // Called for every blob entry of every new tree, most of them blobs seen before at the
        // same path: compare the path in pieces and allocate only for a new blob or path.
        // A set of (blob, keyed 64-bit hash of the path) answers that with one lookup, and the
        // origins are compared only for a pair it has not seen. Two paths of one blob with the
        // same hash would be taken for one (odds of 2^-64 a pair; the key is drawn per process,
        // so paths cannot be made to collide).
        let mut add = |id: Oid, prefix: &str, name: &[u8], en: &mut Enumeration| {
            let key = (id, path_hasher.hash_one((prefix, name)));
            if places.contains(&key) {
                return;
            }
            let name = String::from_utf8_lossy(name);
            let same_path = |o: &Origin| {
                let p = o.path();
                if prefix.is_empty() {
                    p == name
                } else {
                    p.len() == prefix.len() + 1 + name.len()
                        && p.starts_with(prefix)
                        && p.as_bytes()[prefix.len()] == b'/'
                        && p.ends_with(name.as_ref())
                }
            };
            let slot = match index.get(&id) {
                Some(&i) if en.blobs[i].origins.iter().any(same_path) => return,
                Some(&i) => Some(i),
                None => None,
            };
            places.insert(key);
            let path = if prefix.is_empty() { name.into_owned() } else { format!("{prefix}/{name}") };
            let mut base = None;
            if let Some(store) = store {
                if slot.is_none() {
                    store.expect(id, &path);
                }
                store.retain(id);
                match last.insert(path.clone(), id) {
                    Some(old) if slot.is_none() && store.retain(old) => {
                        // the job holds the old version until it is compared; the path no more
                        base = Some(old);
                        store.release(old);
                    }
                    Some(old) => store.release(old),
                    None => {}
                }
            }
            let origin = Origin::Git { path, commit: Arc::clone(&info), blob: id.to_string() };
            match slot {
                Some(i) => en.blobs[i].origins.push(origin),
                None => {
                    on_new(id, &origin, base);
                    index.insert(id, en.blobs.len());
                    en.blobs.push(BlobRef { id, origins: vec![origin] });
                }
            }
        };
        if diff_mode {
            // the commit is read once here for its tree and its first parent's
            let trees = repo.find_commit(oid).and_then(|c| {
                let parent = c.parent(0).ok().and_then(|p| p.tree().ok());
                c.tree().map(|t| (t, parent))
            });
            let (tree, parent_tree) = match trees {
                Ok(t) => t,
                Err(e) => {
                    en.missing.push(format!("tree of commit {oid}: {}", e.message()));
                    continue;
                }
            };
            match repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None) {
                Ok(diff) => {
                    for d in diff.deltas() {
                        let f = d.new_file();
                        if f.id().is_zero() {
                            continue;
                        }
                        match u32::from(f.mode()) {
                            0o160000 => en.submodules += 1,
                            0o120000 => {}
                            _ => add(f.id(), "", f.path_bytes().unwrap_or_default(), &mut en),
                        }
                    }
                }
                Err(e) => en.missing.push(format!("diff of commit {oid}: {}", e.message())),
            }
        } else {
            let mut stack: Vec<(TreeData<'_>, String)> = Vec::new();
            if seen_trees.insert(tree_id) {
                match TreeData::get(repo, trees, tree_id) {
                    Ok(t) => stack.push((t, String::new())),
                    Err(e) => en.missing.push(format!("tree of commit {oid}: {}", e.message())),
                }
            }
            while let Some((t, prefix)) = stack.pop() {
                t.for_each(|mode, id, name| match mode {
                    0o160000 => en.submodules += 1,
                    0o120000 => {}
                    0o040000 if seen_trees.insert(id) => {
                        let name = String::from_utf8_lossy(name);
                        let p = if prefix.is_empty() { name.into_owned() } else { format!("{prefix}/{name}") };
                        match TreeData::get(repo, trees, id) {
                            Ok(sub) => stack.push((sub, p)),
                            Err(err) => en.missing.push(format!("tree {id} ({p}): {}", err.message())),
                        }
                    }
                    0o040000 => {}
                    _ => add(id, &prefix, name, &mut en),
                });
            }
        }
    }
    Ok(en)
}

/// A tree read by libgit2, or rebuilt from a pack ([`super::pack::Pack::trees`]).
enum TreeData<'r> {
    Git(Tree<'r>),
    Raw(&'r [u8]),
}

impl<'r> TreeData<'r> {
    fn get(repo: &'r Repository, trees: Option<&'r OidMap<Vec<u8>>>, id: Oid) -> Result<Self, git2::Error> {
        match trees.and_then(|t| t.get(&id)) {
            Some(raw) => Ok(TreeData::Raw(raw)),
            None => repo.find_tree(id).map(TreeData::Git),
        }
    }

    /// Calls `f` with each entry's mode, id and name (a raw tree: `MODE NAME\0` and 20 bytes
    /// of id per entry, as `gitformat-tree` has it; parsing stops at a malformed entry).
    fn for_each(&self, mut f: impl FnMut(u32, Oid, &[u8])) {
        match self {
            TreeData::Git(t) => {
                for e in t.iter() {
                    let mode = match e.kind() {
                        Some(ObjectType::Tree) => 0o040000,
                        _ => e.filemode() as u32,
                    };
                    f(mode, e.id(), e.name_bytes());
                }
            }
            &TreeData::Raw(mut b) => {
                // a mode is at most 6 octal digits; a name is short
                while let Some(sp) = b.iter().take(8).position(|&c| c == b' ') {
                    let Some(nul) = b[sp..].iter().position(|&c| c == 0).map(|n| sp + n) else { break };
                    let Some(raw) = b.get(nul + 1..nul + 21) else { break };
                    let Ok(id) = Oid::from_bytes(raw) else { break };
                    let mode = b[..sp].iter().try_fold(0u32, |m, &c| match c {
                        b'0'..=b'7' => Some(m * 8 + u32::from(c - b'0')),
                        _ => None,
                    });
                    let Some(mode) = mode else { break };
                    // a tree's mode is written `40000`; a blob's is 100644, 100755 or 100664
                    f(mode, id, &b[sp + 1..nul]);
                    b = &b[nul + 21..];
                }
            }
        }
    }
}

fn collect_all_blobs(tree: &Tree<'_>, out: &mut HashSet<Oid>) {
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |_, e| {
        if e.kind() == Some(ObjectType::Blob) {
            out.insert(e.id());
        }
        git2::TreeWalkResult::Ok
    });
}

/// Walks history and scans every blob it finds, `threads` workers (0: one per core) reading
/// and scanning while the walk goes on; `make_sink` is called once per worker.
pub fn scan<S, F>(
    repo: &Repository,
    path: &Path,
    opts: &HistoryOptions,
    warn: &dyn Fn(&str),
    make_sink: F,
) -> Result<Enumeration, GitError>
where
    S: BlobSink,
    F: Fn() -> S + Sync,
{
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let max = opts.max_file_size;
    // Blobs go in batches (one message per blob woke a worker per blob: 6 % of the CPU time
    // went to context switches); bounded, so the walk runs at most 64 batches ahead.
    const BATCH: usize = 32;
    let (tx, rx) = sync_channel::<Vec<(Oid, Origin, Option<Oid>)>>(64);
    let rx = Mutex::new(rx);
    let matched: Mutex<HashSet<Oid>> = Mutex::new(HashSet::new());
    let store = (!opts.full_blobs).then(Store::default);
    let en = std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let repo = Repository::open(path).ok();
                let mut sink = make_sink();
                let mut mine = Vec::new();
                loop {
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(batch) = next else { break };
                    for (id, origin, base) in batch {
                        let places = std::slice::from_ref(&origin);
                        let hit = match &store {
                            Some(store) => {
                                versions::read_version(repo.as_ref(), id, places, base, max, store, &mut sink)
                            }
                            None => read_one(repo.as_ref(), id, places, max, false, &mut sink),
                        };
                        if hit {
                            mine.push(id);
                        }
                    }
                }
                matched.lock().unwrap_or_else(|e| e.into_inner()).extend(mine);
            });
        }
        // The workers only stop when `tx` is dropped, so a send cannot fail.
        let mut batch = Vec::with_capacity(BATCH);
        let mut send = |job: (Oid, Origin, Option<Oid>)| {
            batch.push(job);
            if batch.len() == BATCH {
                let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        };
        let en = match store.as_ref().filter(|_| whole_history(opts)) {
            // the whole history: walk first, then the blobs in packs in pack order, then the rest
            Some(store) => {
                let mut jobs = Vec::new();
                let packs = packed_history::packs(repo.commondir());
                let trees = packed_history::trees(&packs, threads);
                let en = walk(repo, path, opts, warn, Some(store), trees.as_ref(), &mut |id, origin, base| {
                    jobs.push((id, origin.clone(), base));
                });
                drop(trees);
                let firsts: Vec<(Oid, Origin)> = jobs.iter().map(|(id, o, _)| (*id, o.clone())).collect();
                let (taken, hits) = packed_history::scan(&packs, &firsts, max, threads, store, &make_sink);
                drop(firsts);
                matched.lock().unwrap_or_else(|e| e.into_inner()).extend(hits);
                let taken: OidSet = taken.into_iter().collect();
                for job in jobs {
                    if !taken.contains(&job.0) {
                        send(job);
                    } else if let Some(b) = job.2 {
                        store.release(b);
                    }
                }
                en
            }
            None => walk(repo, path, opts, warn, store.as_ref(), None, &mut |id, origin, base| {
                send((id, origin.clone(), base));
            }),
        };
        let _ = tx.send(batch);
        drop(tx);
        en
    })?;
    let mut matched = matched.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(store) = &store {
        let repo = Repository::open(path).ok();
        let mut sink = make_sink();
        versions::settle(store, repo.as_ref(), max, &mut sink, &mut matched);
    }
    // Blobs with a match that gained paths after they were scanned: report the new paths.
    let again: Vec<&BlobRef> = en.blobs.iter().filter(|b| b.origins.len() > 1 && matched.contains(&b.id)).collect();
    if !again.is_empty() {
        let repo = Repository::open(path).ok();
        let mut sink = make_sink();
        for b in again {
            read_one(repo.as_ref(), b.id, &b.origins[1..], max, true, &mut sink);
        }
    }
    Ok(en)
}

/// Whether the options select the whole history (no range, date or hidden commits): then the
/// blobs are read from the packs in pack order ([`packed_history`]).
fn whole_history(opts: &HistoryOptions) -> bool {
    opts.ranges.is_empty() && opts.since.is_none() && !opts.hide_remotes && opts.hide.is_empty()
}

/// Reads one blob and hands it to the sink for `places` (non-empty). `repeat`: its bytes were
/// scanned and counted before, for other places (a blob that did match, so it reads and
/// classifies as text again). Returns whether anything matched.
fn read_one(
    repo: Option<&Repository>,
    id: Oid,
    places: &[Origin],
    max: u64,
    repeat: bool,
    sink: &mut impl BlobSink,
) -> bool {
    match read(repo, id, places, max, sink) {
        Some(blob) => deliver(classify(blob.content(), max), id, places, repeat, sink),
        None => false,
    }
}

/// Reads a blob, or tells the sink why not (too large, unreadable).
pub(super) fn read<'r>(
    repo: Option<&'r Repository>,
    id: Oid,
    places: &[Origin],
    max: u64,
    sink: &mut impl BlobSink,
) -> Option<git2::Blob<'r>> {
    let first = &places[0];
    let Some(repo) = repo else {
        sink.skipped(first.path(), SkipReason::GitObjectError, 0, "cannot open the repository");
        return None;
    };
    let what = || format!("{} (blob {id})", first.path());
    if let Ok(odb) = repo.odb()
        && let Ok((size, _)) = odb.read_header(id)
        && size as u64 > max
    {
        sink.skipped(&what(), SkipReason::TooLarge, size as u64, "");
        return None;
    }
    match repo.find_blob(id) {
        Ok(blob) => Some(blob),
        Err(e) => {
            sink.skipped(&what(), SkipReason::GitObjectError, 0, e.message());
            None
        }
    }
}

/// Hands a read blob's content to the sink.
pub(super) fn deliver(
    content: Content<'_>,
    id: Oid,
    places: &[Origin],
    repeat: bool,
    sink: &mut impl BlobSink,
) -> bool {
    let first = &places[0];
    match content {
        Content::Text(text) => {
            sink.blob(Blob { bytes: &text, origin: first.clone(), also: &places[1..], repeat, window: None })
        }
        Content::Archive(bytes) => {
            sink.archive(Blob { bytes, origin: first.clone(), also: &places[1..], repeat, window: None })
        }
        Content::Skip(reason, n) => {
            sink.skipped(&format!("{} (blob {id})", first.path()), reason, n, "");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_767_225_600, 60), "2026-01-01T01:00:00+01:00");
        assert_eq!(rfc3339(1_767_225_600, -330), "2025-12-31T18:30:00-05:30");
        assert_eq!(parse_since("2026-01-01"), Ok(1_767_225_600));
        assert_eq!(parse_since("2026-01-01T01:02:03Z"), Ok(1_767_225_600 + 3723));
        assert_eq!(parse_since("1700000000"), Ok(1_700_000_000));
        assert!(parse_since("last week").is_err());
    }
}
