//! Escape sequences of string literals: `\xHH`, `\uHHHH` (with surrogate pairs), `\u{H…}`,
//! octal `\NNN`, and the one-letter escapes beside them. A candidate is the stretch of a line
//! (quotes excluded) holding at least [`MIN_ESCAPES`] numeric escapes or escaped quotes (JSON
//! inside a JSON string: `"{\"password\":\"…\"}"`).

use std::ops::Range;

use super::percent::clusters;
use super::{Decoder, Text};

/// Fewest numeric escapes in a candidate.
pub const MIN_ESCAPES: usize = 4;

/// The escape-sequence decoder.
#[derive(Debug)]
pub struct Escapes;

fn hex_digits(hay: &[u8], from: usize, n: usize) -> Option<u32> {
    let d = hay.get(from..from + n)?;
    if !d.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(d).ok()?, 16).ok()
}

/// A numeric escape at `i` (a backslash): its length and code.
fn numeric(hay: &[u8], i: usize) -> Option<(usize, u32)> {
    match hay.get(i + 1)? {
        b'x' => hex_digits(hay, i + 2, 2).map(|c| (4, c)),
        b'u' if hay.get(i + 2) == Some(&b'{') => {
            let close = hay[i + 3..].iter().take(7).position(|&b| b == b'}')?;
            hex_digits(hay, i + 3, close).map(|c| (close + 4, c))
        }
        b'u' => hex_digits(hay, i + 2, 4).map(|c| (6, c)),
        b'0'..=b'3' => {
            let d = hay.get(i + 1..i + 4)?;
            d.iter()
                .all(|b| (b'0'..=b'7').contains(b))
                .then(|| (4, d.iter().fold(0, |a, b| a * 8 + u32::from(b - b'0'))))
        }
        _ => None,
    }
}

fn allowed(b: u8) -> bool {
    (b.is_ascii_graphic() || b == b' ') && !matches!(b, b'"' | b'\'' | b'`')
}

impl Decoder for Escapes {
    fn name(&self) -> &'static str {
        "escape"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        let escape = |h: &[u8], i: usize| h.get(i + 1) == Some(&b'"') || numeric(h, i).is_some();
        clusters(text.hay, text.region.clone(), b'\\', escape, allowed, MIN_ESCAPES, out);
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        let mut i = 0;
        let mut pending_high: Option<u32> = None;
        while i < span.len() {
            if span[i] != b'\\' {
                out.push(span[i]);
                i += 1;
                continue;
            }
            if let Some((len, code)) = numeric(span, i) {
                let ch = match (pending_high.take(), code) {
                    (Some(hi), 0xDC00..=0xDFFF) => char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (code - 0xDC00)),
                    (_, 0xD800..=0xDBFF) if span[i + 1] == b'u' => {
                        pending_high = Some(code);
                        i += len;
                        continue;
                    }
                    // `\xHH` and octal are bytes, `\u` code points
                    (_, c) if span[i + 1] != b'u' && c < 0x100 => {
                        out.push(c as u8);
                        i += len;
                        continue;
                    }
                    (_, c) => char::from_u32(c),
                };
                let mut buf = [0; 4];
                out.extend_from_slice(ch.unwrap_or(char::REPLACEMENT_CHARACTER).encode_utf8(&mut buf).as_bytes());
                i += len;
                continue;
            }
            let simple = match span.get(i + 1) {
                Some(b'n') => b'\n',
                Some(b't') => b'\t',
                Some(b'r') => b'\r',
                Some(b'0') => 0,
                Some(&c) => c,
                None => b'\\',
            };
            out.push(simple);
            i += 2;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> String {
        let mut out = Vec::new();
        assert!(Escapes.decode(s.as_bytes(), &mut out));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decodes_each_form() {
        assert_eq!(dec(r"\x73\x6b\x2d\x31"), "sk-1");
        assert_eq!(dec(r"\u0073\u006b-\u{1F600}\ud83d\ude00"), "sk-\u{1F600}\u{1F600}");
        assert_eq!(dec(r"\163\153\055"), "sk-");
        assert_eq!(dec(r"a\nb\\c\/d"), "a\nb\\c/d");
    }

    #[test]
    fn candidates_need_several_numeric_escapes() {
        let hay = r#"k = "\x73\x6b\x2d\x70\x72\x6f\x6a"; s = "a\nb\tc\nd\ne""#;
        let mut c = Vec::new();
        Escapes.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        assert_eq!(c, vec![5..5 + 7 * 4]);
        let json = concat!(r#"{"config": "{\"db_"#, r#"password\":\"Xk9v\"}"}"#);
        c.clear();
        Escapes.candidates(&Text::new(json.as_bytes(), 0..json.len()), &mut c);
        assert_eq!(c.len(), 1);
        assert_eq!(dec(&json[c[0].clone()]), concat!(r#"{"db_password":"X"#, r#"k9v"}"#));
    }
}
