//! HTML and XML character references (`&#115;`, `&#x73;`, `&quot;`): a stretch of a line
//! holding at least [`MIN_ENTITIES`] of them, decoded with the `html-escape` crate.

use std::ops::Range;

use super::percent::clusters;
use super::{Decoder, Text};

/// Fewest references in a candidate.
pub const MIN_ENTITIES: usize = 2;

/// The HTML-entity decoder.
#[derive(Debug)]
pub struct Entities;

/// Whether a character reference starts at `i` (an ampersand).
fn entity(hay: &[u8], i: usize) -> bool {
    let rest = &hay[i + 1..hay.len().min(i + 12)];
    let body = match rest.first() {
        Some(b'#') => match rest.get(1) {
            Some(b'x' | b'X') => rest[2..].iter().take_while(|b| b.is_ascii_hexdigit()).count() + 2,
            _ => rest[1..].iter().take_while(|b| b.is_ascii_digit()).count() + 1,
        },
        _ => rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count(),
    };
    body > 1 && rest.get(body) == Some(&b';') && !matches!(&rest[..body], b"#x" | b"#X")
}

fn allowed(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\'')
}

impl Decoder for Entities {
    fn name(&self) -> &'static str {
        "html"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        clusters(text.hay, text.region.clone(), b'&', entity, allowed, MIN_ENTITIES, out);
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        let Ok(s) = std::str::from_utf8(span) else {
            return false;
        };
        out.extend_from_slice(html_escape::decode_html_entities(s).as_bytes());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_references() {
        let hay = "<p>token=&#x73;&#107;&#x2d;live&quot;x</p> a &amp b";
        let mut c = Vec::new();
        Entities.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        assert_eq!(c.len(), 1);
        let mut out = Vec::new();
        assert!(Entities.decode(&hay.as_bytes()[c[0].clone()], &mut out));
        assert_eq!(String::from_utf8(out).unwrap(), "token=sk-live\"x");
    }
}
