//! Byte offsets to 1-based line and column numbers.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r` (old Mac files), so CRLF and CR files get the
//! same line numbers an editor shows. Columns count Unicode code points (each invalid UTF-8
//! byte counts as one), matching SARIF's `unicodeCodePoints` column kind; for ASCII text they
//! equal byte columns.

/// Line starts of one blob, built only for blobs that have findings.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
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

impl LineIndex {
    /// Indexes the line starts of `hay`.
    pub fn new(hay: &[u8]) -> Self {
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', hay) {
            match hay[i] {
                b'\n' => starts.push(i + 1),
                _ if hay.get(i + 1) == Some(&b'\n') => {}
                _ => starts.push(i + 1),
            }
        }
        LineIndex { starts, last: std::cell::Cell::new((0, 0, 1)) }
    }

    /// The 0-based line number containing `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Line and column of a byte offset.
    pub fn locate(&self, hay: &[u8], offset: usize) -> LineCol {
        let l = self.line_of(offset);
        let (last_line, last_offset, last_column) = self.last.get();
        let (from, base) =
            if last_line == l && last_offset <= offset { (last_offset, last_column) } else { (self.starts[l], 1) };
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
        let l = self.line_of(offset);
        let start = self.starts[l];
        let mut end = self.starts.get(l + 1).copied().unwrap_or(hay.len());
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
        let idx = LineIndex::new(hay);
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

    #[test]
    fn columns_count_code_points() {
        let hay = "é=KEY".as_bytes();
        let idx = LineIndex::new(hay);
        assert_eq!(idx.locate(hay, 3), LineCol { line: 1, column: 3 });
    }
}
