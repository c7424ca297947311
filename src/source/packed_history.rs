//! Whole-history scans read from the pack files: each blob rebuilt once in the order of its
//! delta chains ([`super::pack`]), and a version stored as a delta of another version of the
//! same path matched only where the delta did not copy whole lines of it ([`delta`]).
//!
//! After the history walk has named every blob with its first path, the blobs in packs are
//! rebuilt on all cores, each base before the versions made from it; the base's findings
//! (before policy) and its line starts wait for those versions. A version is matched by parts
//! when it and its base are text of [`delta::MIN_BYTES`] or more, eligible for it
//! ([`delta::eligible`]) and first met at the same path: its changed lines come from the
//! delta's copy instructions ([`delta::hunks_from_copies`]) instead of a line diff, the
//! windows around them are matched, and the base's other findings are carried over
//! ([`delta::complete`]); where that cannot stand, the version is matched whole. Blobs that
//! are not in a pack (loose objects) or whose chain could not be rebuilt are left to the
//! caller, which reads them through libgit2 as before.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use git2::Oid;

use super::delta::{self, Lines, Store};
use super::git_history::deliver;
use super::pack::{self, Pack};
use super::{Blob, BlobSink, Content, OidMap, Origin, SkipReason, Versioned, classify};
use crate::finding::Finding;

/// What a blob matched whole or by parts leaves for the versions made from it.
struct Record {
    id: Oid,
    path: String,
    findings: Arc<Vec<Finding>>,
    lines: Lines,
}

/// A blob to scan: where it was first met, and whether a worker took it.
struct Job<'a> {
    origin: &'a Origin,
    taken: AtomicBool,
}

/// Per worker: its sink and the blobs in which something matched.
struct Worker<S> {
    sink: S,
    matched: Vec<Oid>,
}

/// The packs of the repository whose common directory is `git_dir` that can be read (one
/// that cannot is left to libgit2, which reports what is wrong with the objects it needs).
pub(super) fn packs(git_dir: &Path) -> Vec<Pack> {
    pack::indexes(git_dir).iter().filter_map(|idx| Pack::open(idx).ok()).collect()
}

/// Every tree in `packs`, rebuilt on `threads` workers for the history walk, while they hold
/// at most [`TREE_BUDGET`] bytes; None when they are more (the walk then reads them through
/// libgit2).
pub(super) fn trees(packs: &[Pack], threads: usize) -> Option<OidMap<Vec<u8>>> {
    let mut all: OidMap<Vec<u8>> = OidMap::default();
    let mut bytes = 0u64;
    for p in packs {
        let more = p.trees(threads, TREE_BUDGET - bytes)?;
        bytes += more.values().map(|t| t.len() as u64).sum::<u64>();
        all.extend(more);
    }
    Some(all)
}

/// The most tree bytes held for the history walk.
pub const TREE_BUDGET: u64 = 256 << 20;

/// Scans the blobs of `jobs` (id, first place) found in `packs`, on `threads` workers with a sink each from `make_sink`;
/// blobs of `max` bytes or more are skipped. Records each blob's findings in `store` for
/// versions read later. Returns the blobs scanned and those in which something matched.
pub(super) fn scan<S, F>(
    packs: &[Pack],
    jobs: &[(Oid, Origin)],
    max: u64,
    threads: usize,
    store: &Store,
    make_sink: &F,
) -> (Vec<Oid>, Vec<Oid>)
where
    S: BlobSink,
    F: Fn() -> S + Sync,
{
    let jobs: OidMap<Job<'_>> =
        jobs.iter().map(|(id, origin)| (*id, Job { origin, taken: AtomicBool::new(false) })).collect();
    let matched = std::sync::Mutex::new(Vec::new());
    for p in packs {
        let wanted = |id: Oid| jobs.get(&id).is_some_and(|j| !j.taken.load(Ordering::Relaxed));
        let make = || Worker { sink: make_sink(), matched: Vec::new() };
        let visit = |w: &mut Worker<S>, obj: pack::Object<'_>, base: Option<&Record>| {
            let job = jobs.get(&obj.id)?;
            if job.taken.swap(true, Ordering::Relaxed) {
                return None;
            }
            one(w, obj, job.origin, base, max, store)
        };
        let finish = |w: Worker<S>| matched.lock().unwrap_or_else(|e| e.into_inner()).extend(w.matched);
        p.for_each_blob(threads, &wanted, &make, &visit, &finish);
    }
    let taken = jobs.iter().filter(|(_, j)| j.taken.load(Ordering::Relaxed)).map(|(id, _)| *id).collect();
    (taken, matched.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Scans one rebuilt blob; what it leaves for versions made from it.
fn one<S: BlobSink>(
    w: &mut Worker<S>,
    obj: pack::Object<'_>,
    origin: &Origin,
    base: Option<&Record>,
    max: u64,
    store: &Store,
) -> Option<Record> {
    let (id, path) = (obj.id, origin.path());
    let sink = &mut w.sink;
    if obj.bytes.len() as u64 > max {
        sink.skipped(&format!("{path} (blob {id})"), SkipReason::TooLarge, obj.bytes.len() as u64, "");
        store.done(id, None);
        return None;
    }
    let reach = sink.reach();
    let text = match classify(obj.bytes, max) {
        Content::Text(std::borrow::Cow::Borrowed(t))
            if reach.is_some() && t.len() >= delta::MIN_BYTES && delta::eligible(path, t) =>
        {
            t
        }
        other => {
            store.done(id, None);
            if deliver(other, id, std::slice::from_ref(origin), false, sink) {
                w.matched.push(id);
            }
            return None;
        }
    };
    let lines = Lines::starts(text);
    let whole = || Blob { bytes: text, origin: origin.clone(), also: &[], repeat: false, window: None };
    if let (Some(b), Some((base_bytes, copies))) = (base, obj.delta)
        && sink.alike(&b.path, path)
    {
        let hunks = delta::hunks_from_copies((base_bytes, &b.lines), (text, &lines), copies);
        let plan = delta::plan_hunks(hunks, &lines, reach);
        if let Versioned::Parts(found) = sink.version(whole(), Some(&plan)) {
            let part = delta::Partial { base: b.id, origin: origin.clone(), len: text.len(), plan, found };
            if let Some(all) = delta::complete(&b.findings, &part) {
                if sink.settle(&part, all.clone()) {
                    w.matched.push(id);
                }
                let findings = Arc::new(all);
                store.done(id, Some(findings.to_vec()));
                return Some(Record { id, path: path.to_string(), findings, lines });
            }
        }
    }
    match sink.version(whole(), None) {
        Versioned::Scanned { matched, findings } => {
            if matched {
                w.matched.push(id);
            }
            store.done(id, findings.clone());
            let findings = Arc::new(findings?);
            Some(Record { id, path: path.to_string(), findings, lines })
        }
        _ => {
            store.done(id, None);
            None
        }
    }
}
