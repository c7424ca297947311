//! Git pack files read directly: every blob of a pack rebuilt once, in the order of its
//! delta chains, on all cores, with what each delta copied from its base.
//!
//! A pack stores most versions of a file as a *delta* against another object (usually another
//! version of the same file): instructions that copy byte ranges of the base and insert new
//! bytes. Reading objects one by one by id (libgit2, `git cat-file`) rebuilds each chain from
//! its start again and again; here each object is inflated once and each delta applied once,
//! a base before the deltas made from it, and the copy instructions are handed over with the
//! object: they say which bytes a version shares with its base, so the caller can match only
//! the rest ([`super::packed_history`]).
//!
//! Formats from Git's own documentation (`gitformat-pack(5)`): the pack index version 2 (fan-out
//! table, sorted object ids, CRCs, 31-bit offsets with a table of 64-bit ones), the pack entry
//! header (type and size in 7-bit groups), `OFS_DELTA` (a base at a relative offset) and
//! `REF_DELTA` (a base named by id, here only one in the same pack), zlib streams, and the
//! delta instructions (copy: offset and size bytes chosen by flag bits, a size of 0 meaning
//! 0x10000; insert: 1 to 127 literal bytes). Written here rather than taken from `gix-pack`
//! because keyhound needs the copy instructions themselves, which object readers apply and
//! drop, and because the rest of keyhound's git access is libgit2 (`git2`), which has no
//! pack-order iteration.
//!
//! Work is a shared last-in-first-out list of entries whose base is rebuilt: a worker takes
//! one, rebuilds it, hands it to the caller, and puts the deltas made from it on the list; so
//! memory holds, per worker, the chain from a root to the entry being rebuilt (bases are
//! dropped with their last delta), and objects larger than [`MAX_OBJECT`] are left to the
//! caller's other reader. Anything that cannot be read (a corrupt stream, a base in another
//! pack, a bad instruction) ends that chain: its blobs are not visited, and the caller reads
//! them some other way (and reports the error then).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use git2::Oid;

/// Objects larger than this are not rebuilt here (left to the caller's other reader).
pub const MAX_OBJECT: u64 = 512 << 20;

/// Bytes read at a time while reading entry headers in pack order.
const HEADER_CHUNK: usize = 1 << 20;

const OBJ_TREE: u8 = 2;
const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;

/// Why a pack cannot be used.
#[derive(Debug)]
pub struct PackError {
    /// The index or pack file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// One entry of a pack.
#[derive(Debug, Clone)]
struct Entry {
    id: Oid,
    /// Where the next entry starts (the compressed data ends before).
    end: u64,
    /// Where the compressed data starts.
    data: u64,
    /// Type as stored (1–4, or a delta type).
    stored: u8,
    /// Size of the object, or of the delta data.
    size: u64,
    /// The base entry of a delta (None: a whole object, or a base not in this pack).
    base: Option<u32>,
}

/// A pack file and its index.
#[derive(Debug)]
pub struct Pack {
    file: File,
    /// Entries in pack order.
    entries: Vec<Entry>,
    /// The type of each entry (a delta's: that of its chain's start), found once at open.
    kind: Vec<u8>,
}

/// A rebuilt blob handed to the caller.
#[derive(Debug)]
pub struct Object<'a> {
    /// Its id.
    pub id: Oid,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// For a delta: its base's bytes and what it copied from them, in order of `to` (the
    /// base is the object whose visit returned the state the caller gets beside this).
    pub delta: Option<(&'a [u8], &'a [Copy])>,
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Pack {
    /// Opens `idx` (a version 2 pack index) and the `.pack` beside it, and reads every entry
    /// header.
    pub fn open(idx: &Path) -> Result<Pack, PackError> {
        let err = |p: &Path, reason: String| PackError { path: p.to_path_buf(), reason };
        let index = std::fs::read(idx).map_err(|e| err(idx, format!("cannot read: {e}")))?;
        let objects = parse_index(&index).map_err(|r| err(idx, r))?;
        let path = idx.with_extension("pack");
        let file = File::open(&path).map_err(|e| err(&path, format!("cannot open: {e}")))?;
        let len = file.metadata().map_err(|e| err(&path, format!("cannot read: {e}")))?.len();
        let mut head = [0u8; 12];
        file.read_exact_at(&mut head, 0).map_err(|e| err(&path, format!("cannot read: {e}")))?;
        if &head[..4] != b"PACK" || !matches!(be32(&head, 4), 2 | 3) {
            return Err(err(&path, "not a version 2 or 3 pack".into()));
        }
        if be32(&head, 8) as usize != objects.len() {
            return Err(err(&path, "the index does not list the pack's objects".into()));
        }
        let entries = read_entries(&file, len, objects).map_err(|r| err(&path, r))?;
        let kind = kinds(&entries);
        Ok(Pack { file, entries, kind })
    }

    /// Rebuilds, on `threads` workers, every blob of the pack that `wanted` or a blob
    /// rebuilt from it wants, and calls `visit` with each wanted one, a state made by `make`
    /// once per worker, and the state `visit` returned for the blob it is a delta of (if it
    /// was wanted and returned one); a worker's state goes to `finish` when it is done (on
    /// its own thread). Returns the number of entries that could not be rebuilt (their
    /// chains were left).
    pub fn for_each_blob<W, R>(
        &self,
        threads: usize,
        wanted: &(dyn Fn(Oid) -> bool + Sync),
        make: &(dyn Fn() -> W + Sync),
        visit: &Visit<'_, W, R>,
        finish: &(dyn Fn(W) + Sync),
    ) -> usize
    where
        R: Send + Sync,
    {
        self.for_each(OBJ_BLOB, threads, wanted, make, visit, finish)
    }

    /// Every tree of the pack, rebuilt on `threads` workers, while their bytes total at most
    /// `budget`; None when they are more.
    pub fn trees(&self, threads: usize, budget: u64) -> Option<super::OidMap<Vec<u8>>> {
        let kind = &self.kind;
        let total: u64 = self
            .entries
            .iter()
            .zip(kind)
            .filter(|&(e, &k)| k == OBJ_TREE && !matches!(e.stored, OBJ_OFS_DELTA | OBJ_REF_DELTA))
            .map(|(e, _)| e.size)
            .sum();
        // whole trees are a fraction of all; the rest is checked as they come
        if total > budget {
            return None;
        }
        let out = Mutex::new((super::OidMap::default(), 0u64));
        let visit = |_: &mut (), o: Object<'_>, _: Option<&()>| {
            let mut m = out.lock().unwrap_or_else(|e| e.into_inner());
            m.1 += o.bytes.len() as u64;
            if m.1 <= budget {
                m.0.insert(o.id, o.bytes.to_vec());
            }
            Some(())
        };
        self.for_each(OBJ_TREE, threads, &|_| true, &|| (), &visit, &|_| ());
        let (map, bytes) = out.into_inner().unwrap_or_else(|e| e.into_inner());
        (bytes <= budget).then_some(map)
    }

    /// [`Pack::for_each_blob`] for objects of type `kind`.
    fn for_each<W, R>(
        &self,
        kind: u8,
        threads: usize,
        wanted: &(dyn Fn(Oid) -> bool + Sync),
        make: &(dyn Fn() -> W + Sync),
        visit: &Visit<'_, W, R>,
        finish: &(dyn Fn(W) + Sync),
    ) -> usize
    where
        R: Send + Sync,
    {
        let n = self.entries.len();
        let blob: Vec<bool> = self.kind.iter().map(|&k| k == kind).collect();
        let want: Vec<bool> = self.entries.iter().zip(&blob).map(|(e, &b)| b && wanted(e.id)).collect();
        // needed: wanted, or the base of a needed entry
        let mut needed = want.clone();
        for i in 0..n {
            let mut at = i;
            while needed[at] {
                match self.entries[at].base {
                    Some(b) if !needed[b as usize] => {
                        needed[b as usize] = true;
                        at = b as usize;
                    }
                    _ => break,
                }
            }
        }
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !needed[i] || !blob[i] {
                continue;
            }
            match (e.stored, e.base) {
                (t, _) if t == kind => roots.push(Task { entry: i as u32, parent: None }),
                (OBJ_OFS_DELTA | OBJ_REF_DELTA, Some(b)) => children[b as usize].push(i as u32),
                _ => {}
            }
        }
        roots.reverse();
        let queue = Queue { state: Mutex::new((roots, 0)), wake: Condvar::new() };
        let failed = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| {
                    let mut w = make();
                    let mut buf = Vec::new();
                    while let Some(task) = queue.take() {
                        // marks the task done however this iteration ends (a panic in `visit`
                        // too, so the other workers do not wait for it forever)
                        let _done = Done(&queue);
                        let i = task.entry as usize;
                        match self.rebuild(i, task.parent.as_deref().map(|p| &p.bytes[..]), &mut buf) {
                            Ok((bytes, copies)) => {
                                let parent_state = task.parent.as_deref().and_then(|p| p.state.as_ref());
                                let state = if want[i] {
                                    let delta = task.parent.as_deref().map(|p| (&p.bytes[..], &copies[..]));
                                    let id = self.entries[i].id;
                                    visit(&mut w, Object { id, bytes: &bytes, delta }, parent_state)
                                } else {
                                    None
                                };
                                drop(task);
                                let kids: Vec<u32> =
                                    children[i].iter().copied().filter(|&c| needed[c as usize]).collect();
                                if !kids.is_empty() {
                                    let node = Arc::new(Node { bytes, state });
                                    queue.put(kids.into_iter().map(|c| Task { entry: c, parent: Some(node.clone()) }));
                                }
                            }
                            Err(_) => {
                                failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                        }
                    }
                    finish(w);
                });
            }
        });
        failed.into_inner()
    }

    /// Inflates entry `i` and, for a delta, applies it to `base`: the object's bytes and the
    /// delta's copies.
    fn rebuild(&self, i: usize, base: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<(Vec<u8>, Vec<Copy>), String> {
        let e = &self.entries[i];
        if e.size > MAX_OBJECT {
            return Err("too large".into());
        }
        let stored = usize::try_from(e.end - e.data).map_err(|_| "entry too large")?;
        buf.resize(stored, 0);
        self.file.read_exact_at(buf, e.data).map_err(|err| err.to_string())?;
        let raw = inflate(buf, e.size as usize)?;
        match (e.stored, base) {
            (OBJ_OFS_DELTA | OBJ_REF_DELTA, Some(base)) => apply(base, &raw),
            (OBJ_OFS_DELTA | OBJ_REF_DELTA, None) => Err("delta without its base".into()),
            _ => Ok((raw, Vec::new())),
        }
    }
}

/// What [`Pack::for_each_blob`] calls with each wanted object: the worker's state, the
/// object, and the state returned for its base; returns the state for its deltas.
pub type Visit<'a, W, R> = dyn Fn(&mut W, Object<'_>, Option<&R>) -> Option<R> + Sync + 'a;

/// A rebuilt base, kept while deltas made from it wait.
struct Node<R> {
    bytes: Vec<u8>,
    state: Option<R>,
}

struct Task<R> {
    entry: u32,
    parent: Option<Arc<Node<R>>>,
}

/// Marks a task taken from the queue as done when dropped.
struct Done<'q, R>(&'q Queue<R>);

impl<R> Drop for Done<'_, R> {
    fn drop(&mut self) {
        self.0.done();
    }
}

/// The shared work list: tasks, and how many are being worked on.
struct Queue<R> {
    state: Mutex<(Vec<Task<R>>, usize)>,
    wake: Condvar,
}

impl<R> Queue<R> {
    /// The next task; None when there is none and no worker can make more.
    fn take(&self) -> Option<Task<R>> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(t) = s.0.pop() {
                s.1 += 1;
                return Some(t);
            }
            if s.1 == 0 {
                self.wake.notify_all();
                return None;
            }
            s = self.wake.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn put(&self, tasks: impl Iterator<Item = Task<R>>) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0.extend(tasks);
        self.wake.notify_all();
    }

    /// A task taken is finished (after its deltas were put).
    fn done(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.1 -= 1;
        if s.1 == 0 && s.0.is_empty() {
            self.wake.notify_all();
        }
    }
}

/// Inflates a zlib stream that must give exactly `size` bytes.
fn inflate(input: &[u8], size: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(size);
    let mut z = flate2::Decompress::new(true);
    match z.decompress_vec(input, &mut out, flate2::FlushDecompress::Finish) {
        Ok(flate2::Status::StreamEnd) if out.len() == size => Ok(out),
        Ok(_) => Err("object data does not inflate to its size".into()),
        Err(e) => Err(format!("corrupt object data: {e}")),
    }
}

mod apply;
mod index;

pub use apply::{Copy, apply};
pub use index::indexes;
#[cfg(test)]
use index::{entry_header, ofs_distance};
use index::{kinds, parse_index, read_entries};

#[cfg(test)]
mod tests;
