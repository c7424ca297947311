//! History blobs read as versions of their paths: the glue between the history walk
//! ([`super::git_history`]) and incremental matching ([`delta`]).
//!
//! A worker reads a blob; a large text version of a path with a recorded previous version is
//! compared with it and matched by parts, anything else is matched whole and recorded for its
//! next version. After the walk, `settle` completes the versions matched by parts.

use std::collections::HashSet;
use std::sync::Arc;

use git2::{Oid, Repository};

use super::delta::{self, Store};
use super::git_history::{deliver, read};
use super::{Blob, BlobSink, Content, Origin, Versioned, classify};

/// Reads a blob as a version of its path ([`delta`]): compares it with `base` (the previous
/// version at the same path, if recorded) and has the sink match what changed (settled after
/// the walk), or the whole blob; records it for its next version. Returns whether anything
/// matched in a blob scanned whole.
pub(super) fn read_version(
    repo: Option<&Repository>,
    id: Oid,
    places: &[Origin],
    base: Option<Oid>,
    max: u64,
    store: &Store,
    sink: &mut impl BlobSink,
) -> bool {
    let first = &places[0];
    let blob = read(repo, id, places, max, sink);
    let content = blob.as_ref().map(|b| classify(b.content(), max));
    let text = match content {
        Some(Content::Text(text)) if text.len() >= delta::MIN_BYTES && delta::eligible(first.path(), &text) => text,
        other => {
            if let Some(b) = base {
                store.release(b);
            }
            store.done(id, None);
            return other.is_some_and(|c| deliver(c, id, places, false, sink));
        }
    };
    let reach = sink.reach();
    let lines = store.lines(&text);
    store.hashes(id, Arc::clone(&lines.hashes));
    let prior = base.and_then(|b| {
        let (at, hashes) = store.base(b)?;
        if at != first.path() {
            return None;
        }
        hashes.or_else(|| hashes_of(repo, b, &at, max, store))
    });
    if let Some(b) = base {
        store.release(b);
    }
    let whole = || Blob { bytes: &text, origin: first.clone(), also: &places[1..], repeat: false, window: None };
    let plan = prior.filter(|_| reach.is_some()).and_then(|a| delta::plan(&a, &lines, reach));
    if let (Some(b), Some(plan)) = (base, plan)
        && let Versioned::Parts(found) = sink.version(whole(), Some(&plan))
    {
        store.partial(id, delta::Partial { base: b, origin: first.clone(), len: text.len(), plan, found });
        return false;
    }
    match sink.version(whole(), None) {
        Versioned::Scanned { matched, findings } => {
            store.done(id, findings.filter(|_| reach.is_some()));
            matched
        }
        _ => {
            store.done(id, None);
            false
        }
    }
}

/// The line hashes of a base whose worker has not recorded them yet (read here rather than
/// waited for); None when it is not a version that can be compared.
fn hashes_of(repo: Option<&Repository>, id: Oid, path: &str, max: u64, store: &Store) -> Option<Arc<Vec<u64>>> {
    let blob = repo?.find_blob(id).ok()?;
    match classify(blob.content(), max) {
        Content::Text(text) if text.len() >= delta::MIN_BYTES && delta::eligible(path, &text) => {
            Some(store.lines(&text).hashes)
        }
        _ => None,
    }
}

/// After the walk: settles the versions matched by parts ([`Store::settle_all`]), scanning
/// whole those whose carried findings cannot stand. Adds to `hits` those with findings.
pub(super) fn settle(
    store: &Store,
    repo: Option<&Repository>,
    max: u64,
    sink: &mut impl BlobSink,
    hits: &mut HashSet<Oid>,
) {
    store.settle_all(|id, p, found| {
        if let Some(found) = found {
            let record = found.clone();
            if sink.settle(p, found) {
                hits.insert(id);
            }
            return Some(record);
        }
        let places = std::slice::from_ref(&p.origin);
        let blob = read(repo, id, places, max, sink)?;
        match classify(blob.content(), max) {
            Content::Text(text) => {
                let whole = Blob { bytes: &text, origin: p.origin.clone(), also: &[], repeat: false, window: None };
                match sink.version(whole, None) {
                    Versioned::Scanned { matched, findings } => {
                        if matched {
                            hits.insert(id);
                        }
                        findings
                    }
                    _ => None,
                }
            }
            other => {
                if deliver(other, id, places, false, sink) {
                    hits.insert(id);
                }
                None
            }
        }
    });
}
