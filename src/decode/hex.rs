//! Hex-encoded text: runs of at least [`MIN_RUN`] hex digits (16 decoded bytes). A hex key or
//! hash decodes to bytes that are not text and is dropped after its first bytes.

use std::ops::Range;

use super::{Class, Decoder, Text, runs};

/// Fewest hex digits in a candidate.
pub const MIN_RUN: usize = 32;
/// Digits decoded first to tell text from binary.
const PROBE: usize = 16;

const CLASS: Class = {
    let mut c = [false; 256];
    let mut b = 0;
    while b < 256 {
        c[b] = (b as u8).is_ascii_hexdigit();
        b += 1;
    }
    c
};

/// The hex decoder.
#[derive(Debug)]
pub struct Hex;

fn nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

impl Decoder for Hex {
    fn name(&self) -> &'static str {
        "hex"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        // hex digits are in the base64 alphabet: hex runs lie inside its runs
        for r in text.word_runs().iter().filter(|r| r.len() >= MIN_RUN) {
            runs(text.hay, r.clone(), &CLASS, MIN_RUN, |h| {
                // an odd digit out is not part of the text (a prefix such as `0x` was cut before)
                out.push(h.start..h.end - h.len() % 2);
            });
        }
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        // any span, not only a candidate: a byte that is not a digit is not hex (`nibble` would
        // overflow on it; found by the `decoder` fuzz target's replay in a debug build)
        if !span.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        let upper = span.iter().any(u8::is_ascii_uppercase);
        if upper && span.iter().any(u8::is_ascii_lowercase) {
            return false;
        }
        let mut pairs = span.chunks_exact(2).map(|p| (nibble(p[0]) << 4) | nibble(p[1]));
        let head: Vec<u8> = pairs.by_ref().take(PROBE / 2).collect();
        if !super::base64::text_start(&head) {
            return false;
        }
        out.extend_from_slice(&head);
        out.extend(pairs);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_hex_text_and_drops_hashes() {
        let text = ["password=", "hunter2hunter2"].concat();
        let enc: String = text.bytes().map(|b| format!("{b:02x}")).collect();
        let hay = format!("x = 0x{enc};");
        let mut c = Vec::new();
        Hex.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        assert_eq!(c, vec![6..6 + enc.len()]);
        let mut out = Vec::new();
        assert!(Hex.decode(enc.as_bytes(), &mut out));
        assert_eq!(out, text.as_bytes());
        out.clear();
        assert!(!Hex.decode(b"d41d8cd98f00b204e9800998ecf8427e", &mut out), "an MD5 is not text");
        assert!(!Hex.decode(b"70617373776f72643d!!", &mut out), "not hex");
    }
}
