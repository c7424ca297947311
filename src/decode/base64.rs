//! Base64, standard (`+/`) and URL-safe (`-_`), padded or not, also wrapped over several
//! lines (PEM, MIME, YAML block scalars: every line but the last as long as the first).
//!
//! Candidates are runs of the alphabet of at least [`MIN_RUN`] characters (12 decoded bytes);
//! the segments of a JWT (`eyJ….eyJ….sig`) are not candidates (the JWT rule reads them).
//! Decoding uses the `base64` crate; the first 16 characters are decoded first and a
//! run whose start is not text is dropped without decoding the rest.

use std::ops::Range;

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use super::{Class, Decoder, Text, printable};

/// Fewest characters in a candidate run.
pub const MIN_RUN: usize = 16;
/// Shortest first line of a wrapped block.
const MIN_WRAP: usize = 40;
/// Characters decoded first to tell text from binary.
const PROBE: usize = 16;

/// The alphabet, both forms.
pub const CLASS: Class = {
    let mut c = [false; 256];
    let mut b = 0;
    while b < 256 {
        c[b] = (b as u8).is_ascii_alphanumeric() || matches!(b as u8, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    c
};

/// The bytes of a block in [`CLASS`], as a bit mask ([`super::runs_masked`]): sixteen bytes
/// compared at once with SIMD instructions through the `wide` crate (safe, portable; SSE2 on
/// every x86-64; its 0.7 line, as 1.x needs a newer Rust than our `rust-version`), measured
/// 1.35× faster than a table load per byte on the benchmark tree's text. (Bytes of 0x80 and
/// above are negative as `i8` and in no range.)
pub fn mask(block: &[u8; super::BLOCK]) -> u32 {
    use wide::{CmpEq, CmpGt, CmpLt, i8x16};
    let b = i8x16::new(block.map(|x| x as i8));
    let folded = b | i8x16::splat(0x20);
    let letter = folded.cmp_gt(i8x16::splat(b'a' as i8 - 1)) & folded.cmp_lt(i8x16::splat(b'z' as i8 + 1));
    // `/` sits just below `0`: one range for both
    let digit = b.cmp_gt(i8x16::splat(b'/' as i8 - 1)) & b.cmp_lt(i8x16::splat(b'9' as i8 + 1));
    let symbol =
        b.cmp_eq(i8x16::splat(b'+' as i8)) | b.cmp_eq(i8x16::splat(b'-' as i8)) | b.cmp_eq(i8x16::splat(b'_' as i8));
    // sixteen lanes: the mask's upper bits are zero, so the cast keeps it as it is
    (letter | digit | symbol).move_mask() as u32
}

/// Characters a candidate may start with: the first decoded byte (the character's six bits and
/// two more) must be able to start text. Not when it is a control character (values 0, 1 and
/// 4 to 7: bytes 0x00 to 0x07 and 0x10 to 0x1F), a UTF-8 continuation byte (32 to 47: 0x80 to
/// 0xBF) or no UTF-8 byte at all (62, 63: 0xF8 to 0xFF); such a span always fails
/// [`super::is_text`], and most identifiers start with one of `g` to `v` (32 to 47).
const LEAD: Class = {
    let mut c = [false; 256];
    let mut b = 0;
    while b < 256 {
        c[b] = CLASS[b] && matches!(VALUE[b], 2 | 3 | 8..=31 | 48..=61);
        b += 1;
    }
    c
};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// The base64 decoder.
#[derive(Debug)]
pub struct Base64;

impl Decoder for Base64 {
    fn name(&self) -> &'static str {
        "base64"
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        let (hay, end) = (text.hay, text.region.end);
        let mut skip_until = 0;
        for r in text.word_runs() {
            if r.start < skip_until {
                continue;
            }
            // a JWT: its dotted segments are not candidates
            if hay[r.start..].starts_with(b"eyJ") && hay.get(r.end) == Some(&b'.') {
                let mut e = r.end;
                while e < end && (CLASS[hay[e] as usize] || hay[e] == b'.') {
                    e += 1;
                }
                skip_until = e;
                continue;
            }
            let wrapped = wrap(hay, r.clone(), end);
            skip_until = wrapped.end;
            out.push(wrapped);
        }
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        let has = |s: &[u8], x: u8, y: u8| s.iter().any(|&b| b == x || b == y);
        // the first characters, decoded by hand without allocating, tell text from binary;
        // asked before the whole span is read, as most candidates (identifiers, paths) fail
        // it. The two alphabets' symbols decode alike here (a span mixing them is refused
        // below).
        if !span.first().is_some_and(|&c| LEAD[c as usize]) {
            return false;
        }
        if let Some(probe) = span.get(..PROBE)
            && probe.iter().all(|&b| CLASS[b as usize])
            && !text_start(&decode_head(probe))
        {
            return false;
        }
        let url = has(span, b'-', b'_');
        if url && has(span, b'+', b'/') {
            return false;
        }
        let engine = if url { &URL_SAFE } else { &STANDARD };
        let mut clean: Vec<u8> = span.iter().copied().filter(|b| CLASS[*b as usize]).collect();
        if clean.len() % 4 == 1 {
            clean.pop();
        }
        engine.decode_vec(&clean, out).is_ok() && text_start(&out[..out.len().min(PROBE)])
    }
}

/// Six-bit value of each character of both alphabets (`+` and `-` are 62, `/` and `_` 63).
const VALUE: [u8; 256] = {
    let mut v = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        v[b] = match b as u8 {
            x @ b'A'..=b'Z' => x - b'A',
            x @ b'a'..=b'z' => x - b'a' + 26,
            x @ b'0'..=b'9' => x - b'0' + 52,
            b'+' | b'-' => 62,
            _ => 63,
        };
        b += 1;
    }
    v
};

/// The bytes the first [`PROBE`] characters (all in [`CLASS`]) decode to: what the `base64`
/// crate gives for them, in a tenth of its time (measured per candidate on the benchmark
/// tree), as most candidates are dropped after these.
fn decode_head(probe: &[u8]) -> [u8; PROBE / 4 * 3] {
    let mut head = [0u8; PROBE / 4 * 3];
    for (q, out) in probe.chunks_exact(4).zip(head.chunks_exact_mut(3)) {
        let n = q.iter().fold(0u32, |n, &c| n << 6 | u32::from(VALUE[c as usize]));
        out.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    head
}

/// Whether the first decoded bytes look like text: no control characters, few high bytes.
pub fn text_start(b: &[u8]) -> bool {
    b.iter().all(|&c| printable(c) || c >= 0x80) && b.iter().filter(|&&c| c >= 0x80).count() * 4 <= b.len()
}

/// The run `r`, plus `=` padding, plus the following lines when `r` is the first line of a
/// block wrapped at a fixed width (each further line indented as the first, as long as it,
/// the last one shorter).
fn wrap(hay: &[u8], r: Range<usize>, end: usize) -> Range<usize> {
    let pad = |mut e: usize| {
        while e < end && e < r.end + 2 && hay[e] == b'=' {
            e += 1;
        }
        e
    };
    let width = r.len();
    if width < MIN_WRAP {
        return r.start..pad(r.end);
    }
    // the run must be all its line holds after the indentation
    let mut line_start = r.start;
    while line_start > 0 && matches!(hay[line_start - 1], b' ' | b'\t') {
        line_start -= 1;
    }
    if line_start > 0 && hay[line_start - 1] != b'\n' {
        return r.start..pad(r.end);
    }
    let indent = &hay[line_start..r.start];
    let mut e = r.end;
    loop {
        // the line must end right after the run
        let mut n = e;
        if hay.get(n) == Some(&b'\r') {
            n += 1;
        }
        if hay.get(n) != Some(&b'\n') || !hay[n + 1..].starts_with(indent) {
            break;
        }
        let s = n + 1 + indent.len();
        let mut k = s;
        while k < end && CLASS[hay[k] as usize] {
            k += 1;
        }
        if k == s || k - s > width {
            break;
        }
        e = k;
        if k - s < width {
            break;
        }
    }
    let mut p = e;
    while p < end && p < e + 2 && hay[p] == b'=' {
        p += 1;
    }
    r.start..p
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose;

    #[test]
    fn the_vector_mask_agrees_with_the_table_for_every_byte() {
        for b in 0..=255u8 {
            for k in 0..super::super::BLOCK {
                let mut block = [b'.'; super::super::BLOCK];
                block[k] = b;
                assert_eq!(mask(&block), u32::from(CLASS[b as usize]) << k, "byte {b:#x} at {k}");
            }
        }
    }

    #[test]
    fn a_rejected_first_character_never_starts_text() {
        // every first character with every second: where LEAD says no, the first decoded bytes
        // fail the probe (`text_start`) or the whole fails `is_text` (the rest is plain text)
        let rest = STANDARD.encode("ordinary text after it, long enough");
        for &a in base64::alphabet::STANDARD.as_str().as_bytes() {
            for &b in base64::alphabet::STANDARD.as_str().as_bytes() {
                let span = format!("{}{}{}", a as char, b as char, &rest[2..]);
                let mut out = Vec::new();
                let decodes = STANDARD.decode_vec(&span, &mut out).is_ok()
                    && text_start(&out[..PROBE / 4 * 3])
                    && super::super::is_text(&out, 8);
                if !LEAD[a as usize] {
                    assert!(!decodes, "{span} decodes to text {:?}", String::from_utf8_lossy(&out));
                    assert!(!Base64.decode(span.as_bytes(), &mut Vec::new()));
                }
            }
            let ok = LEAD[a as usize];
            assert!(ok == (b"CDIJKLMNOPQRSTUVWXYZabcdefwxyz0123456789".contains(&a)), "{}", a as char);
        }
        assert!(LEAD[b'_' as usize] == LEAD[b'/' as usize] && LEAD[b'-' as usize] == LEAD[b'+' as usize]);
    }

    #[test]
    fn the_head_decodes_as_the_crate_does() {
        let mut seed = 7u64;
        for _ in 0..2000 {
            let probe: Vec<u8> = (0..PROBE)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    base64::alphabet::STANDARD.as_str().as_bytes()[(seed >> 58) as usize]
                })
                .collect();
            assert_eq!(decode_head(&probe).to_vec(), STANDARD.decode(&probe).unwrap());
            let url: Vec<u8> = probe
                .iter()
                .map(|&b| {
                    if b == b'+' {
                        b'-'
                    } else if b == b'/' {
                        b'_'
                    } else {
                        b
                    }
                })
                .collect();
            assert_eq!(decode_head(&url).to_vec(), URL_SAFE.decode(&url).unwrap());
        }
    }

    fn cands(hay: &str) -> Vec<String> {
        let mut out = Vec::new();
        Base64.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut out);
        out.into_iter().map(|r| hay[r].to_string()).collect()
    }

    fn dec(s: &str) -> Option<String> {
        let mut out = Vec::new();
        Base64.decode(s.as_bytes(), &mut out).then(|| String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn candidates_padding_and_jwts() {
        let enc = concat!("dXNlcjpzM2NyZX", "QtcGFzc3dvcmQ=");
        assert_eq!(cands(&format!("auth: {enc} # x")), [enc]);
        assert!(cands("short: dXNlcjpw").is_empty());
        let jwt = concat!("eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl");
        assert!(cands(&format!("t = {jwt}")).is_empty());
    }

    #[test]
    fn wrapped_blocks_are_one_candidate() {
        let text = "line one of a long configuration file with a token in it: abc123 and more text";
        let enc = general_purpose::STANDARD.encode(text);
        let (a, b) = enc.split_at(64);
        let hay = format!("data: |\n    {a}\n    {b}\nnext: 1\n");
        let c = cands(&hay);
        assert_eq!(c, [format!("{a}\n    {b}")]);
        assert_eq!(dec(&c[0]).unwrap(), text);
    }

    #[test]
    fn decodes_both_alphabets_and_drops_binary() {
        assert_eq!(dec("dXNlcjpzM2NyZXQtcGFzc3dvcmQ").unwrap(), "user:s3cret-password");
        let url = general_purpose::URL_SAFE_NO_PAD.encode("??>>??>>??>>??>>");
        assert!(url.contains('_') || url.contains('-'));
        assert_eq!(dec(&url).unwrap(), "??>>??>>??>>??>>");
        assert!(dec("AbstractSingletonProxyFactoryBean").is_none());
        assert!(dec(&general_purpose::STANDARD.encode([0u8, 1, 2, 3, 200, 201, 202, 5, 6, 7, 8, 9, 10, 11])).is_none());
    }
}
