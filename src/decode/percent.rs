//! Percent-encoding (RFC 3986): a stretch of URL characters holding at least [`MIN_ESCAPES`]
//! `%XX` escapes, decoded with the `percent-encoding` crate.

use std::ops::Range;

use super::{Decoder, Text};

/// Fewest escapes in a candidate.
pub const MIN_ESCAPES: usize = 2;
/// Longest candidate.
const MAX_SPAN: usize = 1 << 16;

/// The percent-encoding decoder.
#[derive(Debug)]
pub struct Percent;

fn url_char(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\')
}

fn escape_at(hay: &[u8], i: usize) -> bool {
    hay.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && hay.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
}

/// Candidates of an escape-based encoding: the stretch of `allowed` bytes around each escape
/// (`is_escape` at a `marker` byte), kept when it holds at least `min` escapes.
pub fn clusters(
    hay: &[u8],
    region: Range<usize>,
    marker: u8,
    is_escape: impl Fn(&[u8], usize) -> bool,
    allowed: impl Fn(u8) -> bool,
    min: usize,
    out: &mut Vec<Range<usize>>,
) {
    let mut from = region.start;
    for k in memchr::memchr_iter(marker, &hay[region.clone()]) {
        let i = region.start + k;
        if i < from || !is_escape(hay, i) {
            continue;
        }
        let mut s = i;
        while s > region.start && i - s < MAX_SPAN && allowed(hay[s - 1]) {
            s -= 1;
        }
        let mut e = i + 2;
        let mut n = 1;
        while e < region.end && e - s < MAX_SPAN && (allowed(hay[e]) || hay[e] == marker) {
            if hay[e] == marker && is_escape(hay, e) {
                n += 1;
                // the escaped character is part of the escape, whatever it is
                e += 1;
            }
            e += 1;
        }
        let e = e.min(region.end);
        if n >= min {
            out.push(s..e);
        }
        from = e.max(i + 1);
    }
}

impl Decoder for Percent {
    fn name(&self) -> &'static str {
        "percent"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        clusters(text.hay, text.region.clone(), b'%', escape_at, url_char, MIN_ESCAPES, out);
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        out.extend(percent_encoding::percent_decode(span));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_decodes_escaped_stretches() {
        let hay = "see https://h/?q=%7B%22api_key%22%3A%22abc%22%7D and 100% sure";
        let mut c = Vec::new();
        Percent.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        assert_eq!(c.len(), 1);
        let mut out = Vec::new();
        assert!(Percent.decode(&hay.as_bytes()[c[0].clone()], &mut out));
        assert_eq!(String::from_utf8(out).unwrap(), "https://h/?q={\"api_key\":\"abc\"}");
    }
}
