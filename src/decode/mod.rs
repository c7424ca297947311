//! Decoding: secrets that are not in the text as written (base64, hex, percent-encoding,
//! escapes, HTML entities, quoted-printable).
//!
//! Each [`Decoder`] finds candidate spans cheaply (a run of its alphabet long enough to hold a
//! key, a cluster of escapes) and decodes them; [`expand`] runs every decoder over a blob and
//! over what earlier decoders produced, to a depth, within a budget of decoded bytes per blob.
//! Only decoded text is kept (at least [`MIN_PRINTABLE`] printable): base64 of an image or a
//! hash decoded to bytes is not text and is dropped after its first few bytes.
//!
//! A [`Layer`] holds the decoded text spliced into the line it came from (up to
//! [`CONTEXT_BEFORE`] bytes before, [`CONTEXT_AFTER`] after), so `password: cGFzc3dvcmQ=`
//! becomes `password: password` and the assignment recogniser sees the name; the caller keeps
//! only matches inside the decoded part and reports them at the encoded span of the original
//! blob, with the chain of decoders that led there.

pub mod base64;
pub mod escape;
pub mod hex;
pub mod html;
pub mod kubernetes;
pub mod percent;
pub mod quoted;

use std::ops::Range;

/// Text to find candidates in: `hay[region]`, with the runs of the base64 alphabet (which
/// holds the hex one) found once for every decoder that needs them.
#[derive(Debug)]
pub struct Text<'a> {
    /// The bytes (offsets are into these).
    pub hay: &'a [u8],
    /// Where to look.
    pub region: Range<usize>,
    runs: std::cell::OnceCell<Vec<Range<usize>>>,
}

impl<'a> Text<'a> {
    /// `hay[region]`.
    pub fn new(hay: &'a [u8], region: Range<usize>) -> Self {
        Text { hay, region, runs: std::cell::OnceCell::new() }
    }

    /// Runs of at least [`base64::MIN_RUN`] characters of the base64 alphabet (both forms).
    pub fn word_runs(&self) -> &[Range<usize>] {
        self.runs.get_or_init(|| {
            let mut v = Vec::new();
            runs_masked(self.hay, self.region.clone(), &base64::CLASS, base64::mask, base64::MIN_RUN, |r| v.push(r));
            v
        })
    }
}

/// One encoding: how to find candidates and how to decode one.
pub trait Decoder: Sync {
    /// Name in reports (`"base64"`).
    fn name(&self) -> &'static str;
    /// Appends to `out` the candidate spans of the text (offsets into `text.hay`).
    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>);
    /// Decodes `span` into `out` (empty on entry); false when it is not valid in this
    /// encoding. Decoders may stop early once the first bytes are not text.
    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool;
    /// Fewest decoded bytes worth scanning.
    fn min_decoded(&self) -> usize {
        MIN_DECODED
    }
}

/// Every decoder, in the order they run.
pub fn decoders() -> &'static [&'static dyn Decoder] {
    &[
        &base64::Base64,
        &kubernetes::SecretData,
        &hex::Hex,
        &percent::Percent,
        &escape::Escapes,
        &html::Entities,
        &quoted::QuotedPrintable,
    ]
}

/// Limits of one blob's decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Decoding nested in decoding, at most this deep (0: no decoding).
    pub max_depth: usize,
    /// Decoded bytes per blob, at most (beyond it, candidates are counted, not decoded).
    pub max_bytes: usize,
}

/// Default `--max-decode-depth`.
pub const DEFAULT_MAX_DEPTH: usize = 3;
/// Default bound on decoded bytes per blob: 16 MiB.
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

impl Default for Options {
    fn default() -> Self {
        Options { max_depth: DEFAULT_MAX_DEPTH, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// Bytes of the original line kept before a decoded span (the name it is assigned to).
pub const CONTEXT_BEFORE: usize = 160;
/// Bytes of the original line kept after a decoded span.
pub const CONTEXT_AFTER: usize = 80;
/// Share of decoded characters that must be printable text.
pub const MIN_PRINTABLE: f64 = 0.95;
/// Fewest decoded bytes worth scanning.
pub const MIN_DECODED: usize = 8;

/// Decoded text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The decoded text with its line context around it.
    pub bytes: Vec<u8>,
    /// Where the decoded text is in `bytes` (the rest is context).
    pub decoded: Range<usize>,
    /// The encoded span in the original blob (for nested layers, the outermost one).
    pub span: Range<usize>,
    /// The decoders applied, outermost first.
    pub chain: Vec<&'static str>,
}

/// What [`expand`] produced.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The layers, outermost first.
    pub layers: Vec<Layer>,
    /// Candidates not decoded because the blob's budget was spent.
    pub over_budget: usize,
}

/// Decodes every candidate of every decoder in `hay`, and in what they decode to, down to
/// `opts.max_depth`.
pub fn expand(hay: &[u8], opts: &Options) -> Expansion {
    let mut out = Expansion::default();
    if opts.max_depth == 0 {
        return out;
    }
    let mut spent = 0usize;
    let mut cands = Vec::new();
    let mut buf = Vec::new();
    // (text, region to search, span in the original, chain) per source at the current depth
    let mut from = 0;
    for depth in 0..opts.max_depth {
        let sources: Vec<Option<usize>> =
            if depth == 0 { vec![None] } else { (from..out.layers.len()).map(Some).collect() };
        if sources.is_empty() {
            break;
        }
        from = out.layers.len();
        for src in sources {
            let (text, region) = match src {
                None => (hay, 0..hay.len()),
                Some(i) => (&out.layers[i].bytes[..], out.layers[i].decoded.clone()),
            };
            let mut new = Vec::new();
            let view = Text::new(text, region);
            for d in decoders() {
                cands.clear();
                d.candidates(&view, &mut cands);
                for c in &cands {
                    if spent >= opts.max_bytes {
                        out.over_budget += 1;
                        continue;
                    }
                    buf.clear();
                    if !d.decode(&text[c.clone()], &mut buf)
                        || !is_text(&buf, d.min_decoded())
                        || buf[..] == text[c.clone()]
                    {
                        continue;
                    }
                    spent += buf.len();
                    let (bytes, decoded) = splice(text, c.clone(), &buf);
                    let (span, chain) = match src {
                        None => (c.clone(), vec![d.name()]),
                        Some(i) => {
                            let p = &out.layers[i];
                            (p.span.clone(), p.chain.iter().copied().chain([d.name()]).collect())
                        }
                    };
                    new.push(Layer { bytes, decoded, span, chain });
                }
            }
            out.layers.extend(new);
        }
    }
    out
}

/// `decoded` in place of `text[span]`, with the line around it (bounded).
fn splice(text: &[u8], span: Range<usize>, decoded: &[u8]) -> (Vec<u8>, Range<usize>) {
    let floor = span.start.saturating_sub(CONTEXT_BEFORE);
    let start = memchr::memrchr(b'\n', &text[floor..span.start]).map_or(floor, |i| floor + i + 1);
    let ceil = (span.end + CONTEXT_AFTER).min(text.len());
    let end = memchr::memchr(b'\n', &text[span.end..ceil]).map_or(ceil, |i| span.end + i);
    let mut bytes = Vec::with_capacity(end - start - span.len() + decoded.len());
    bytes.extend_from_slice(&text[start..span.start]);
    let d = bytes.len()..bytes.len() + decoded.len();
    bytes.extend_from_slice(decoded);
    bytes.extend_from_slice(&text[span.end..end]);
    (bytes, d)
}

/// Whether a byte is printable ASCII or common whitespace.
#[inline]
pub fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t')
}

/// Whether decoded bytes are text worth scanning: long enough, UTF-8 (a cut character at the
/// end aside), at least `min` bytes, and at least [`MIN_PRINTABLE`] printable.
pub fn is_text(b: &[u8], min: usize) -> bool {
    if b.len() < min {
        return false;
    }
    let valid = match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > b.len(),
    };
    if !valid {
        return false;
    }
    let (mut good, mut bad, mut ascii) = (0usize, 0usize, 0usize);
    for &c in b {
        if printable(c) {
            good += 1;
            ascii += 1;
        } else if c >= 0xC0 {
            good += 1;
        } else if c < 0x80 {
            bad += 1;
        }
    }
    good as f64 >= MIN_PRINTABLE * (good + bad) as f64 && ascii * 2 >= b.len()
}

/// A byte class table: `t[b]` says whether `b` belongs to the alphabet.
pub type Class = [bool; 256];

/// Finds runs of `class` bytes at least `min` long in `hay[region]`, calling `f` on each, in
/// order. For `min` of [`BLOCK`] or more it classifies a block of bytes at a time into a bit
/// mask without branching (a byte-at-a-time walk mispredicts at the end of every word, which
/// made it cost 14 % of a scan): a block of nothing but the class extends the current run, and
/// any other block can only end a run or start one (a run inside it is too short to count).
pub fn runs(hay: &[u8], region: Range<usize>, class: &Class, min: usize, f: impl FnMut(Range<usize>)) {
    let table = |block: &[u8; BLOCK]| {
        let mut m: u32 = 0;
        for (k, &b) in block.iter().enumerate() {
            m |= u32::from(class[b as usize]) << k;
        }
        m
    };
    runs_masked(hay, region, class, table, min, f);
}

/// [`runs`] with the block classifier given: `mask` sets bit `k` for each byte `k` of the
/// block in `class` (an alphabet with a vector classifier, [`base64::mask`], is classified a
/// block at a time in a few instructions instead of one table load per byte).
pub fn runs_masked(
    hay: &[u8],
    region: Range<usize>,
    class: &Class,
    mask: impl Fn(&[u8; BLOCK]) -> u32,
    min: usize,
    mut f: impl FnMut(Range<usize>),
) {
    let end = region.end;
    let mut i = region.start;
    // class bytes just before i
    let mut len = 0usize;
    if min >= BLOCK {
        while i + BLOCK <= end {
            let m = mask(hay[i..i + BLOCK].try_into().unwrap_or(&[0; BLOCK]));
            if m == FULL {
                len += BLOCK;
            } else {
                let lead = (!m).trailing_zeros() as usize;
                if len + lead >= min {
                    f(i - len..i + lead);
                }
                len = (m << (32 - BLOCK)).leading_ones() as usize;
            }
            i += BLOCK;
        }
    }
    for (k, &b) in hay[i..end].iter().enumerate() {
        if class[b as usize] {
            len += 1;
        } else {
            if len >= min {
                f(i + k - len..i + k);
            }
            len = 0;
        }
    }
    if len >= min {
        f(end - len..end);
    }
}

/// Bytes classified at once by [`runs`].
pub const BLOCK: usize = 16;
const FULL: u32 = (1 << BLOCK) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(chars: &[u8]) -> Class {
        let mut c = [false; 256];
        for &b in chars {
            c[b as usize] = true;
        }
        c
    }

    #[test]
    fn runs_finds_every_long_run_and_nothing_else() {
        let class = class_of(b"abcdefghijklmnopqrstuvwxyz");
        let hay = b"ab abcdef abcdefgh, x abcdefghijklm.abcdefg";
        let mut got = Vec::new();
        let long = b"0123456789abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyzabcdef";
        runs(long, 3..long.len() - 2, &class, 16, |r| got.push(r));
        assert_eq!(got, [10..36, 37..long.len() - 2]);
        let mut got = Vec::new();
        runs(hay, 0..hay.len(), &class, 7, |r| got.push(String::from_utf8_lossy(&hay[r]).into_owned()));
        assert_eq!(got, ["abcdefgh", "abcdefghijklm", "abcdefg"]);
        // brute force agreement on many shapes
        let mut seed = 12345u64;
        for _ in 0..300 {
            // runs of random lengths up to 60, separated by one or two spaces
            let mut hay = Vec::new();
            while hay.len() < 300 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                hay.extend(std::iter::repeat_n(b'a', (seed >> 33) as usize % 61));
                hay.extend(std::iter::repeat_n(b' ', 1 + (seed >> 20) as usize % 2));
            }
            let cut = (seed >> 40) as usize % 20;
            hay.truncate(hay.len() - cut);
            for min in [1, 2, 5, 8, 15, 16, 17, 31, 32, 33, 40] {
                let mut fast = Vec::new();
                runs(&hay, 0..hay.len(), &class, min, |r| fast.push(r));
                let mut slow = Vec::new();
                let mut s = None;
                for (k, &b) in hay.iter().chain([b' '].iter()).enumerate() {
                    match (class[b as usize], s) {
                        (true, None) => s = Some(k),
                        (false, Some(st)) => {
                            if k - st >= min {
                                slow.push(st..k);
                            }
                            s = None;
                        }
                        _ => {}
                    }
                }
                assert_eq!(fast, slow, "min {min} hay {}", String::from_utf8_lossy(&hay));
            }
        }
    }

    #[test]
    fn nested_base64_is_unwrapped_to_the_depth_with_its_chain() {
        use ::base64::Engine;
        let inner = "api_key = \"plain-text-secret-value\"";
        let once = ::base64::engine::general_purpose::STANDARD.encode(inner);
        let twice = ::base64::engine::general_purpose::STANDARD.encode(&once);
        let hay = format!("data: {twice}\n");
        let e = expand(hay.as_bytes(), &Options::default());
        let last = e.layers.iter().find(|l| l.chain == ["base64", "base64"]).expect("two levels");
        assert_eq!(&last.bytes[last.decoded.clone()], inner.as_bytes());
        assert_eq!(last.span, 6..6 + twice.len());
        assert_eq!(&last.bytes[..last.decoded.start], b"data: ");
        let shallow = expand(hay.as_bytes(), &Options { max_depth: 1, ..Options::default() });
        assert!(shallow.layers.iter().all(|l| l.chain.len() == 1));
        let none = expand(hay.as_bytes(), &Options { max_depth: 1, max_bytes: 0 });
        assert!(none.layers.is_empty());
        assert_eq!(none.over_budget, 1);
    }

    #[test]
    fn text_test() {
        assert!(is_text(b"hello world", MIN_DECODED));
        assert!(is_text("clé secrète: überall".as_bytes(), MIN_DECODED));
        assert!(!is_text(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08", MIN_DECODED));
        assert!(!is_text(b"short", MIN_DECODED));
        assert!(is_text(b"short", 1));
        assert!(!is_text(&[0xE9; 12], MIN_DECODED));
    }
}
