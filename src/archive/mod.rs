//! Archives: zip (jar, war, apk, whl, nupkg, …), tar, and gzip / bzip2 / xz / zstd streams
//! (a compressed tar is read as a tar), opened in memory and never written to disk.
//!
//! [`expand`] walks an archive depth-first and hands each member to a callback as an
//! [`Event`]: a file's bytes under its inner path (`outer.zip!dir/file.env`, nested
//! `a.zip!b.tar.gz!c.env`), or a member that was not read and why. Members are read one at a
//! time, each at most [`Limits::max_member`] bytes, so memory stays bounded whatever the
//! archive claims. Every bound ([`Limits`]: depth, total bytes, expansion ratio, entry count)
//! ends in a counted [`Event::Skip`] naming the member, never in silence.
//!
//! Formats are told by their magic bytes, not their names. One [`Reader`] per container
//! format (zip, tar); compressed streams are [`compressed`] readers with one member.

pub mod compressed;
pub mod tar;
pub mod zip;

use std::io::{self, Read};

use crate::source::SkipReason;

/// A container or compression format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Zip and its relatives (jar, war, apk, whl, nupkg, docx, …).
    Zip,
    /// POSIX / GNU tar.
    Tar,
    /// gzip.
    Gzip,
    /// bzip2.
    Bzip2,
    /// xz.
    Xz,
    /// Zstandard.
    Zstd,
}

/// The archive format of `bytes`, by magic bytes.
pub fn format_of(bytes: &[u8]) -> Option<Format> {
    match bytes {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some(Format::Zip),
        [0x1f, 0x8b, ..] => Some(Format::Gzip),
        [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Format::Bzip2),
        [0xFD, b'7', b'z', b'X', b'Z', 0, ..] => Some(Format::Xz),
        [0x28, 0xB5, 0x2F, 0xFD, ..] => Some(Format::Zstd),
        _ if is_tar(bytes) => Some(Format::Tar),
        _ => None,
    }
}

/// Whether `bytes` start with a tar header (`ustar` magic and a valid checksum).
pub fn is_tar(bytes: &[u8]) -> bool {
    if bytes.len() < 512 || &bytes[257..262] != b"ustar" {
        return false;
    }
    let stored = std::str::from_utf8(&bytes[148..156])
        .ok()
        .and_then(|s| u32::from_str_radix(s.trim_matches(|c: char| c == '\0' || c == ' '), 8).ok());
    let sum: u32 =
        bytes[..512].iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) }).sum();
    stored == Some(sum)
}

/// Bounds of one archive's expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Archives nested in archives, at most this deep (1: members of the archive itself).
    pub max_depth: usize,
    /// Decompressed bytes read from one top-level archive, at most.
    pub max_total: u64,
    /// A member may decompress to at most this many times its compressed size (beyond
    /// [`RATIO_FLOOR`] bytes): a zip bomb stops here.
    pub max_ratio: u64,
    /// Members of one top-level archive, at most.
    pub max_entries: usize,
    /// Bytes of one member, at most (the scan's file size limit).
    pub max_member: u64,
}

/// Default `--max-archive-depth`.
pub const DEFAULT_MAX_DEPTH: usize = 2;
/// Default bound on decompressed bytes per archive: 256 MiB.
pub const DEFAULT_MAX_TOTAL: u64 = 256 << 20;
/// Default bound on the expansion ratio.
pub const DEFAULT_MAX_RATIO: u64 = 1000;
/// Default bound on members per archive.
pub const DEFAULT_MAX_ENTRIES: usize = 100_000;
/// Decompressed bytes any member may reach whatever its ratio.
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Limits {
    /// The defaults, with `max_member` the scan's file size limit.
    pub fn new(max_member: u64) -> Self {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_total: DEFAULT_MAX_TOTAL,
            max_ratio: DEFAULT_MAX_RATIO,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_member,
        }
    }
}

/// What [`expand`] reports.
#[derive(Debug)]
pub enum Event<'a> {
    /// A member's bytes; `path` is the inner path from the top archive (`!dir/f.env`,
    /// `!b.tar.gz!c.env`).
    File {
        /// Inner path, starting with `!`.
        path: String,
        /// Decompressed content.
        bytes: &'a [u8],
    },
    /// Something not read, or not read to its end.
    Skip {
        /// Inner path (`!` alone: the archive itself).
        path: String,
        /// Why.
        reason: SkipReason,
        /// Bytes concerned, if known.
        bytes: u64,
        /// What happened, for the warning.
        detail: String,
    },
}

/// One container format's member listing.
pub trait Reader {
    /// Reads `input` (the container's decompressed bytes, streamed) and calls `f` with each
    /// member's name and a reader of its content, bounded by the caller; a regular file only.
    /// Errors end the listing and are reported by the caller.
    fn members(&self, input: &mut dyn Read, f: &mut dyn FnMut(Member<'_>) -> Flow) -> io::Result<()>;
}

/// One member of a container as a [`Reader`] hands it over.
pub struct Member<'r> {
    /// Its name in the container.
    pub name: String,
    /// Its content.
    pub content: MemberContent<'r>,
    /// Compressed size, when the container says (for the ratio bound).
    pub compressed: Option<u64>,
}

/// A member's content or why it cannot be read.
pub enum MemberContent<'r> {
    /// Readable.
    Data(&'r mut dyn Read),
    /// Not readable: the reason and a detail.
    Unreadable(SkipReason, String),
}

/// Whether a listing goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Next member.
    Continue,
    /// Stop (a bound of the whole archive was reached).
    Stop,
}

/// Expansion state shared by the nested walks of one top-level archive.
struct State<'f> {
    limits: Limits,
    total: u64,
    entries: usize,
    f: &'f mut dyn for<'x> FnMut(Event<'x>),
}

impl State<'_> {
    fn skip(&mut self, path: String, reason: SkipReason, bytes: u64, detail: impl Into<String>) {
        (self.f)(Event::Skip { path, reason, bytes, detail: detail.into() });
    }
}

/// Walks the archive `bytes` (named `name`, for the names of compressed single files) and
/// reports every member through `f`.
pub fn expand(name: &str, bytes: &[u8], limits: &Limits, f: &mut dyn for<'x> FnMut(Event<'x>)) {
    let mut st = State { limits: *limits, total: 0, entries: 0, f };
    walk(&mut st, "", name, bytes, 1);
}

/// The name of the one member of a compressed file: its name without the compression suffix
/// (`app.log.gz` → `app.log`, `x.tgz` → `x.tar`).
pub fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '!']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    for (ext, to) in [(".tgz", ".tar"), (".tbz2", ".tar"), (".tbz", ".tar"), (".txz", ".tar"), (".tzst", ".tar")] {
        if lower.ends_with(ext) {
            return format!("{}{to}", &base[..base.len() - ext.len()]);
        }
    }
    for ext in [".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd"] {
        if lower.ends_with(ext) {
            return base[..base.len() - ext.len()].to_string();
        }
    }
    base.to_string()
}

fn walk(st: &mut State<'_>, prefix: &str, name: &str, bytes: &[u8], depth: usize) {
    let Some(format) = format_of(bytes) else { return };
    let here = if prefix.is_empty() && depth == 1 { String::new() } else { prefix.to_string() };
    let result = match format {
        Format::Zip => zip::Zip::new(bytes).and_then(|z| list(st, &here, &mut io::empty(), &z, depth)),
        Format::Tar => list(st, &here, &mut &bytes[..], &tar::Tar, depth),
        _ => {
            let compressed_len = bytes.len() as u64;
            let mut probe = [0u8; 512];
            let n = compressed::open(format, bytes).and_then(|mut r| read_up_to(&mut r, &mut probe));
            match n {
                Ok(n) if is_tar(&probe[..n]) => {
                    let cap = st.limits.max_total.saturating_sub(st.total);
                    match compressed::open(format, bytes) {
                        Ok(r) => {
                            let mut m = Meter::new(r, cap.min(ratio_cap(&st.limits, compressed_len)));
                            let res = list(st, &here, &mut m, &tar::Tar, depth);
                            st.total += m.read;
                            res.map_err(|e| if m.hit { limit_error(&st.limits) } else { e })
                        }
                        Err(e) => Err(e),
                    }
                }
                Ok(_) => {
                    let member = stem(name);
                    match compressed::open(format, bytes) {
                        Ok(mut r) => {
                            one(st, &here, &member, &mut r, Some(compressed_len), depth);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            }
        }
    };
    if let Err(e) = result {
        let reason =
            if e.kind() == io::ErrorKind::QuotaExceeded { SkipReason::ArchiveLimit } else { SkipReason::ArchiveError };
        let path = if here.is_empty() { "!".to_string() } else { here.clone() };
        st.skip(path, reason, 0, e.to_string());
    }
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn ratio_cap(l: &Limits, compressed: u64) -> u64 {
    compressed.saturating_mul(l.max_ratio).max(RATIO_FLOOR)
}

fn limit_error(l: &Limits) -> io::Error {
    io::Error::new(
        io::ErrorKind::QuotaExceeded,
        format!("expands past the archive bounds (ratio {}:1, {} bytes in all)", l.max_ratio, l.max_total),
    )
}

fn list(st: &mut State<'_>, here: &str, input: &mut dyn Read, reader: &dyn Reader, depth: usize) -> io::Result<()> {
    reader.members(input, &mut |m| {
        st.entries += 1;
        if st.entries > st.limits.max_entries {
            let msg = format!("more than {} members: the rest is not read", st.limits.max_entries);
            st.skip(format!("{here}!{}", m.name), SkipReason::ArchiveLimit, 0, msg);
            return Flow::Stop;
        }
        match m.content {
            MemberContent::Unreadable(reason, detail) => {
                st.skip(format!("{here}!{}", m.name), reason, 0, detail);
                Flow::Continue
            }
            MemberContent::Data(r) => one(st, here, &m.name, r, m.compressed, depth),
        }
    })
}

/// Reads one member (bounded) and reports it, or walks it when it is an archive itself.
fn one(st: &mut State<'_>, here: &str, name: &str, r: &mut dyn Read, compressed: Option<u64>, depth: usize) -> Flow {
    let path = format!("{here}!{name}");
    let left = st.limits.max_total.saturating_sub(st.total);
    let by_ratio = compressed.map_or(u64::MAX, |c| ratio_cap(&st.limits, c));
    let cap = left.min(by_ratio).min(st.limits.max_member.saturating_add(1));
    let mut buf = Vec::new();
    let res = r.take(cap).read_to_end(&mut buf);
    st.total += buf.len() as u64;
    if let Err(e) = res {
        // past a bound of the stream the whole archive is read: stop
        if e.kind() == io::ErrorKind::QuotaExceeded {
            st.skip(path, SkipReason::ArchiveLimit, buf.len() as u64, limit_error(&st.limits).to_string());
            return Flow::Stop;
        }
        st.skip(path, SkipReason::ArchiveError, buf.len() as u64, e.to_string());
        return Flow::Continue;
    }
    if buf.len() as u64 == cap && cap <= st.limits.max_member {
        // stopped by the ratio or total bound, not by the size limit
        let detail = if cap == left {
            format!("the archive expands past {} bytes in all: the rest is not read", st.limits.max_total)
        } else {
            format!("expands more than {}:1: the rest is not read", st.limits.max_ratio)
        };
        st.skip(path, SkipReason::ArchiveLimit, buf.len() as u64, detail);
        return if cap == left { Flow::Stop } else { Flow::Continue };
    }
    if buf.len() as u64 > st.limits.max_member {
        st.skip(path, SkipReason::TooLarge, buf.len() as u64, "");
        return Flow::Continue;
    }
    if format_of(&buf).is_some() {
        if depth >= st.limits.max_depth {
            let detail = format!("an archive nested deeper than --max-archive-depth {}", st.limits.max_depth);
            st.skip(path, SkipReason::ArchiveLimit, buf.len() as u64, detail);
        } else {
            walk(st, &path, name, &buf, depth + 1);
        }
        return Flow::Continue;
    }
    (st.f)(Event::File { path, bytes: &buf });
    Flow::Continue
}

/// A reader that counts what it reads and fails once past a cap.
pub struct Meter<R> {
    inner: R,
    cap: u64,
    /// Bytes read so far.
    pub read: u64,
    /// The cap was reached.
    pub hit: bool,
}

impl<R: Read> Meter<R> {
    /// `inner`, failing past `cap` bytes.
    pub fn new(inner: R, cap: u64) -> Self {
        Meter { inner, cap, read: 0, hit: false }
    }
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= self.cap {
            self.hit = true;
            return Err(io::Error::new(io::ErrorKind::QuotaExceeded, "archive bound reached"));
        }
        let room = (self.cap - self.read).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
