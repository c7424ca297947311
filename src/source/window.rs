//! Files of any size in bounded memory: text larger than a window is scanned in overlapping
//! windows, with line, column and notebook-cell counting carried from one window to the next.
//!
//! Window *k* holds bytes `[s_k, s_k + size)`; window *k+1* starts at `s_{k+1}`, a line start
//! (or, on a line longer than the [context](Geometry::context), a character boundary) at least
//! [`Geometry::overlap`] bytes before window *k*'s end. Each window *owns* the matches whose
//! secret starts in its [`Window::own`] range; the ranges partition the file, so every match is
//! reported once. Window *k* owns up to `s_{k+1} + context`: a match it owns ends inside it
//! when it is at most [`Geometry::max_match`] long (the matcher's own bound on how far a match
//! is extended, [`crate::matcher::MAX_EXTENSION`]), and a match window *k+1* owns has at least
//! `context` bytes of text before it (an assignment's name on the line before, the first half
//! of a pair) in the same window.
//!
//! Both a stream (a file, standard input: [`for_each_read`], which holds one window) and bytes
//! already in memory (a git blob: [`for_each_slice`], which copies nothing) are cut the same
//! way.

use std::io::{self, Read};
use std::ops::Range;

use crate::source::{Blob, BlobSink, Content, Origin, SkipReason, classify};

/// Default window size: files up to this size are read whole.
pub const DEFAULT_WINDOW: usize = 32 << 20;
/// Text kept before a window's owned part for the matches it owns.
pub const CONTEXT: usize = 256 << 10;
/// The smallest window `--window-size` accepts: room for a longest match and its context twice.
pub const MIN_WINDOW: usize = 4 * (crate::matcher::MAX_EXTENSION + CONTEXT);

/// How a big input is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Bytes per window.
    pub size: usize,
    /// Text kept before each window's owned part.
    pub context: usize,
    /// Longest match any rule can make.
    pub max_match: usize,
}

impl Geometry {
    /// Windows of `size` bytes (at least [`MIN_WINDOW`]) for the built-in matcher.
    pub fn new(size: usize) -> Self {
        Geometry { size: size.max(MIN_WINDOW), context: CONTEXT, max_match: crate::matcher::MAX_EXTENSION }
    }

    /// Bytes two neighbouring windows share, at least.
    pub fn overlap(&self) -> usize {
        self.max_match + self.context
    }

    /// Whether the numbers make windows that cover every match (tests use tiny ones).
    fn is_valid(&self) -> bool {
        self.size > 2 * self.overlap()
    }
}

impl Default for Geometry {
    fn default() -> Self {
        Geometry::new(DEFAULT_WINDOW)
    }
}

/// One window's place in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// 0-based index.
    pub index: usize,
    /// Line breaks before the window's first byte.
    pub lines_before: usize,
    /// Code points between the last line break before the window and its first byte (0 when
    /// the window starts a line).
    pub column_before: usize,
    /// Jupyter cells opened before the window's first byte.
    pub cells_before: usize,
    /// Byte offset of the window's first byte in the file.
    pub offset: u64,
    /// The secrets starting in this range (window offsets) are reported by this window.
    pub own: Range<usize>,
    /// The file's last window.
    pub last: bool,
}

/// The counts carried from window to window.
#[derive(Debug, Default)]
struct Cursor {
    index: usize,
    lines: usize,
    column: usize,
    cells: usize,
    offset: u64,
    own_start: usize,
}

impl Cursor {
    fn window(&self, own_end: usize, last: bool) -> Window {
        Window {
            index: self.index,
            lines_before: self.lines,
            column_before: self.column,
            cells_before: self.cells,
            offset: self.offset,
            own: self.own_start..own_end,
            last,
        }
    }

    /// Moves the cursor past `buf[..next]`, the part of this window the next one does not hold.
    fn advance(&mut self, buf: &[u8], next: usize, g: &Geometry) {
        let head = &buf[..next];
        // line breaks as `finding::lines` counts them: `\n`, `\r\n`, a lone `\r`
        let mut last_break = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', head) {
            if head[i] == b'\r' && buf.get(i + 1) == Some(&b'\n') {
                continue;
            }
            self.lines += 1;
            last_break = Some(i);
        }
        let tail = &head[last_break.map_or(0, |i| i + 1)..];
        let points = tail.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        self.column = if last_break.is_some() { points } else { self.column + points };
        // a `"cell_type"` that starts before `next` and ends after it is counted here
        let probe = &buf[..(next + CELL_MARK.len() - 1).min(buf.len())];
        self.cells += memchr::memmem::find_iter(probe, CELL_MARK).filter(|&i| i < next).count();
        self.offset += next as u64;
        self.index += 1;
        self.own_start = g.context;
    }
}

/// What opens a Jupyter cell (see `finding::notebook_cell`).
const CELL_MARK: &[u8] = b"\"cell_type\"";

/// Where the window after the full window `buf` starts: after the last line break in the
/// `context` bytes before `buf.len() - overlap`, or on a line that long, at a character
/// boundary there.
fn next_start(buf: &[u8], g: &Geometry) -> usize {
    let target = buf.len() - g.overlap();
    let lo = target.saturating_sub(g.context);
    if let Some(i) = memchr::memrchr(b'\n', &buf[lo..target]) {
        return lo + i + 1;
    }
    let mut s = target;
    while s > lo && (buf[s] & 0xC0) == 0x80 {
        s -= 1;
    }
    s
}

/// Cuts bytes in memory into windows (sub-slices) and calls `f` on each.
pub fn for_each_slice(bytes: &[u8], g: &Geometry, mut f: impl FnMut(&[u8], &Window)) {
    assert!(g.is_valid(), "window geometry {g:?}");
    let mut cur = Cursor::default();
    let mut at = 0;
    while bytes.len() - at > g.size {
        let buf = &bytes[at..at + g.size];
        let next = next_start(buf, g);
        f(buf, &cur.window(next + g.context, false));
        cur.advance(buf, next, g);
        at += next;
    }
    let buf = &bytes[at..];
    f(buf, &cur.window(buf.len(), true));
}

/// Reads a stream in windows and calls `f` on each; `first` holds bytes already read from
/// it. Memory: one window. A read error after some windows were scanned is returned with the
/// number of bytes read before it.
pub fn for_each_read(
    mut r: impl Read,
    first: Vec<u8>,
    g: &Geometry,
    mut f: impl FnMut(&[u8], &Window),
) -> Result<u64, (io::Error, u64)> {
    assert!(g.is_valid(), "window geometry {g:?}");
    let mut buf = first;
    buf.reserve((g.size + 1).saturating_sub(buf.len()));
    let mut cur = Cursor::default();
    loop {
        // one byte past the window says whether another window follows, so a stream is cut
        // exactly as the same bytes in memory
        fill(&mut r, &mut buf, g.size + 1).map_err(|e| (e, cur.offset + buf.len() as u64))?;
        if buf.len() <= g.size {
            f(&buf, &cur.window(buf.len(), true));
            return Ok(cur.offset + buf.len() as u64);
        }
        let win = &buf[..g.size];
        let next = next_start(win, g);
        f(win, &cur.window(next + g.context, false));
        cur.advance(win, next, g);
        buf.drain(..next);
    }
}

/// Reads into `buf` until it holds `size` bytes; true when the stream ended first.
fn fill(r: &mut impl Read, buf: &mut Vec<u8>, size: usize) -> io::Result<bool> {
    while buf.len() < size {
        let room = size - buf.len();
        let old = buf.len();
        buf.resize(size, 0);
        match r.read(&mut buf[old..old + room]) {
            Ok(0) => {
                buf.truncate(old);
                return Ok(true);
            }
            Ok(n) => buf.truncate(old + n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(old),
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
    Ok(false)
}

/// Limits for [`read_stream`].
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    /// Read no more than this (`--max-file-size`; `u64::MAX`: no limit).
    pub max: u64,
    /// Archives are opened in memory: larger ones are counted, not opened.
    pub max_archive: u64,
    /// How text larger than one window is cut.
    pub geometry: Geometry,
}

/// Reads a stream (a file, standard input) and hands it to the sink: whole when it fits in
/// one window (as [`classify`] decides), else in windows (text, and UTF-16 text decoded as it
/// is read). The first window decides what the stream is: an archive is read whole up to
/// `max_archive` and opened, encrypted or binary content is counted. `len` is the size when
/// known (a file's), for the skip counts.
pub fn read_stream(r: impl Read, origin: &Origin, len: Option<u64>, lim: &StreamLimits, sink: &mut impl BlobSink) {
    let path = origin.path();
    let g = &lim.geometry;
    let mut r = r.take(lim.max.saturating_add(1));
    // sized from the file's length when known: `read_to_end` through `Take` gets no size hint,
    // and growing from nothing cost a dozen reads and reallocations per file (4 % of a
    // directory scan in `read` and `memmove`); one byte more to see the end in one read
    let mut first = Vec::with_capacity(len.map_or(0, |n| n.min(g.size as u64) as usize + 1));
    if let Err(e) = (&mut r).take(g.size as u64 + 1).read_to_end(&mut first) {
        return sink.skipped(path, SkipReason::Unreadable, 0, &e.to_string());
    }
    if first.len() <= g.size {
        let blob = |bytes| Blob { bytes, origin: origin.clone(), also: &[], repeat: false, window: None };
        return match classify(&first, lim.max) {
            Content::Text(text) => {
                sink.blob(blob(&text));
            }
            Content::Archive(bytes) => {
                sink.archive(blob(bytes));
            }
            Content::Skip(SkipReason::TooLarge, n) => {
                sink.skipped(path, SkipReason::TooLarge, n, "grew past the size limit while being read")
            }
            Content::Skip(reason, n) => sink.skipped(path, reason, n, ""),
        };
    }
    let size = len.unwrap_or(first.len() as u64);
    let utf16 = match first.as_slice() {
        [0xFF, 0xFE, ..] => Some((2, true)),
        [0xFE, 0xFF, ..] => Some((2, false)),
        _ => super::utf16_without_bom(&first).map(|little| (0, little)),
    };
    let mut scan = |w: &[u8], win: &Window| {
        sink.blob(Blob { bytes: w, origin: origin.clone(), also: &[], repeat: false, window: Some(win) });
    };
    let read = if let Some((bom, little)) = utf16 {
        let mut head = io::Cursor::new(first);
        head.set_position(bom);
        for_each_read(Utf16Reader::new(head.chain(r), little), Vec::new(), g, &mut scan)
    } else if crate::archive::format_of(&first).is_some() {
        if size > lim.max_archive {
            let detail =
                format!("an archive of {size} bytes is larger than the {} bytes opened in memory", lim.max_archive);
            return sink.skipped(path, SkipReason::ArchiveLimit, size, &detail);
        }
        let mut all = first;
        if let Err(e) = r.take(lim.max_archive + 1 - all.len() as u64).read_to_end(&mut all) {
            return sink.skipped(path, SkipReason::Unreadable, 0, &e.to_string());
        }
        if all.len() as u64 > lim.max_archive {
            let detail = format!("an archive larger than the {} bytes opened in memory", lim.max_archive);
            return sink.skipped(path, SkipReason::ArchiveLimit, all.len() as u64, &detail);
        }
        sink.archive(Blob { bytes: &all, origin: origin.clone(), also: &[], repeat: false, window: None });
        return;
    } else if let Some(_kind) = super::encrypted::kind_of(&first) {
        return sink.skipped(path, SkipReason::Encrypted, size, "");
    } else if super::looks_binary(&first) {
        return sink.skipped(path, SkipReason::Binary, size, "");
    } else {
        for_each_read(&mut r, first, g, &mut scan)
    };
    match read {
        Ok(n) if n > lim.max => sink.skipped(
            path,
            SkipReason::TooLarge,
            n,
            &format!("grew past the size limit while being read: only its first {} bytes were scanned", lim.max),
        ),
        Ok(_) => {}
        Err((e, n)) => sink.skipped(path, SkipReason::Unreadable, n, &format!("read error after {n} bytes: {e}")),
    }
}

/// UTF-16 text (either byte order) as a stream of UTF-8, for files too large to decode at
/// once ([`super::decode_utf16`] decodes whole blobs). A code unit or surrogate pair split
/// between two reads is carried over; an unpaired surrogate becomes U+FFFD, as there.
pub struct Utf16Reader<R> {
    inner: R,
    little: bool,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_at: usize,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// Decodes `inner` (positioned after any byte-order mark).
    pub fn new(inner: R, little: bool) -> Self {
        Utf16Reader { inner, little, raw: Vec::new(), out: Vec::new(), out_at: 0, eof: false }
    }

    /// Decodes the next chunk into `out`.
    fn refill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 64 << 10];
        let n = loop {
            match self.inner.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.eof = n == 0;
        self.raw.extend_from_slice(&chunk[..n]);
        let mut units: Vec<u16> = self
            .raw
            .chunks_exact(2)
            .map(|c| if self.little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        let mut keep = self.raw.len() % 2;
        // a high surrogate at the end waits for its pair
        if !self.eof && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            units.pop();
            keep += 2;
        }
        if self.eof && keep == 1 {
            units.push(0xFFFD); // a dangling odd byte
            keep = 0;
        }
        let text: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
        self.out.clear();
        self.out.extend_from_slice(text.as_bytes());
        self.out_at = 0;
        self.raw.drain(..self.raw.len() - keep);
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_at == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
