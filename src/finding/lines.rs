//! Byte offsets to 1-based line and column numbers.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r` (old Mac files), so CRLF and CR files get the
//! same line numbers an editor shows. Columns count Unicode code points (each invalid UTF-8
//! byte counts as one), matching SARIF's `unicodeCodePoints` column kind; for ASCII text they
//! equal byte columns.

/// Line starts of one blob, built only for blobs that have findings, and only as far as they
/// are asked for: findings are located in order, and one near the top of a large file (or of
/// each decoded layer's original blob) no longer indexes every line after it (building whole
/// indexes was 5 % of a directory scan).
#[derive(Debug)]
pub struct LineIndex {
    /// Line starts found so far: every one at or before `scanned`.
    starts: std::cell::RefCell<Vec<usize>>,
    /// Bytes searched for line breaks so far.
    scanned: std::cell::Cell<usize>,
    /// The last position located: (line, byte offset, column). Findings are located in
    /// order, so the next column on the same line is counted from here, not from the line's
    /// start (a one-line minified file with thousands of matches would otherwise be counted
    /// from its first byte for each).
    last: std::cell::Cell<(usize, usize, usize)>,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in code points.
    pub column: usize,
}

impl Default for LineIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl LineIndex {
    /// An empty index, filled from the text that [`LineIndex::locate`] and
    /// [`LineIndex::line_range`] are given as positions are asked for.
    pub fn new() -> Self {
        LineIndex {
            starts: std::cell::RefCell::new(vec![0]),
            scanned: std::cell::Cell::new(0),
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// Indexes line starts past `offset`, and with `next`, until the line holding it has an
    /// end (a start after it, or the end of `hay`).
    fn ensure(&self, hay: &[u8], offset: usize, next: bool) {
        let mut starts = self.starts.borrow_mut();
        let mut at = self.scanned.get();
        while at < hay.len() && (at <= offset || next && starts.last().is_some_and(|&s| s <= offset)) {
            let Some(i) = memchr::memchr2(b'\n', b'\r', &hay[at..]) else {
                at = hay.len();
                break;
            };
            let i = at + i;
            // CRLF is one break, at its LF; a lone CR is one
            if hay[i] == b'\n' || hay.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
            at = i + 1;
        }
        self.scanned.set(at);
    }

    /// The 0-based line number containing `offset`, and its start.
    fn line_of(&self, hay: &[u8], offset: usize) -> (usize, usize) {
        self.ensure(hay, offset, false);
        let starts = self.starts.borrow();
        let l = starts.partition_point(|&s| s <= offset) - 1;
        (l, starts[l])
    }

    /// Line and column of a byte offset.
    pub fn locate(&self, hay: &[u8], offset: usize) -> LineCol {
        let (l, start) = self.line_of(hay, offset);
        let (last_line, last_offset, last_column) = self.last.get();
        let (from, base) =
            if last_line == l && last_offset <= offset { (last_offset, last_column) } else { (start, 1) };
        let column = base + hay[from..offset].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        self.last.set((l, offset, column));
        LineCol { line: l + 1, column }
    }

    /// Line and column of the last byte of a non-empty span ending at `end` (exclusive), as an
    /// inclusive end position; SARIF's `endColumn` is exclusive, so callers add one.
    pub fn locate_end(&self, hay: &[u8], end: usize) -> LineCol {
        self.locate(hay, end.saturating_sub(1))
    }

    /// Byte range of the line containing `offset`, without its line break.
    pub fn line_range(&self, hay: &[u8], offset: usize) -> std::ops::Range<usize> {
        self.ensure(hay, offset, true);
        let (l, start) = self.line_of(hay, offset);
        let mut end = self.starts.borrow().get(l + 1).copied().unwrap_or(hay.len());
        while end > start && matches!(hay[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_cr() {
        let hay = b"a\r\nbb\rccc\ndd";
        let idx = LineIndex::new();
        assert_eq!(idx.locate(hay, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.locate(hay, 4), LineCol { line: 2, column: 2 });
        assert_eq!(idx.locate(hay, 8), LineCol { line: 3, column: 3 });
        assert_eq!(idx.locate(hay, 11), LineCol { line: 4, column: 2 });
        assert_eq!(idx.line_range(hay, 4), 3..5);
        // out of order, and again: the cache of the last position never changes an answer
        assert_eq!(idx.locate(hay, 4), LineCol { line: 2, column: 2 });
        assert_eq!(idx.locate(hay, 3), LineCol { line: 2, column: 1 });
        assert_eq!(idx.locate(hay, 0), LineCol { line: 1, column: 1 });
    }

    /// The lazy index answers as a whole index would, whatever order it is asked in.
    #[test]
    fn lazy_index_agrees_with_a_whole_one() {
        let mut seed = 99u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..200 {
            let hay: Vec<u8> = (0..next() % 60).map(|_| b"ab\r\n\xc3"[next() % 5]).collect();
            // the whole index: line starts after LF, and after CR not followed by LF
            let mut starts = vec![0];
            for (i, &b) in hay.iter().enumerate() {
                if b == b'\n' || b == b'\r' && hay.get(i + 1) != Some(&b'\n') {
                    starts.push(i + 1);
                }
            }
            let idx = LineIndex::new();
            for _ in 0..10 {
                let off = next() % (hay.len() + 1);
                let l = starts.partition_point(|&s| s <= off) - 1;
                let column = 1 + hay[starts[l]..off].iter().filter(|&&b| (b & 0xC0) != 0x80).count();
                assert_eq!(idx.locate(&hay, off), LineCol { line: l + 1, column }, "{hay:?} at {off}");
                if off < hay.len() {
                    let mut end = starts.get(l + 1).copied().unwrap_or(hay.len());
                    while end > starts[l] && matches!(hay[end - 1], b'\n' | b'\r') {
                        end -= 1;
                    }
                    assert_eq!(idx.line_range(&hay, off), starts[l]..end, "{hay:?} at {off}");
                }
            }
        }
    }

    #[test]
    fn columns_count_code_points() {
        let hay = "é=KEY".as_bytes();
        let idx = LineIndex::new();
        assert_eq!(idx.locate(hay, 3), LineCol { line: 1, column: 3 });
    }
}
