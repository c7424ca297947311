//! Multi-keyword search by gram fingerprint: every occurrence of every keyword, ASCII
//! case-insensitive, overlapping.
//!
//! Why not only Aho-Corasick: with ~560 case-insensitive keywords, `aho-corasick` can use no
//! SIMD prefilter, and its DFA walks one dependent table load per byte, about 300–500 MB/s per
//! core here; it was 37 % of a full-history scan (perf, rust-lang/cargo). This search indexes
//! each keyword by one of its three-byte grams, the one least common in source text, in a
//! hashed table of 2¹⁵ one-byte slots (32 KiB, resident in L1). The scan loads eight bytes at a
//! time, folds their case in a register, and tests the grams at six positions with independent
//! loads and one branch; only where a slot is taken, and holds the tag of the gram's hash, does
//! it compare the keywords of that slot. Its output is identical to an overlapping
//! Aho-Corasick search (a test checks it on random text built from keywords).
//!
//! Keywords shorter than three bytes cannot be indexed this way; [`Prefilter`] runs them
//! through a small `aho-corasick` automaton.
//!
//! [`Prefilter`]: super::prefilter::Prefilter

use std::collections::HashMap;

/// Slots in the fingerprint table (a power of two; one byte each, so 32 KiB: it stays in L1;
/// a byte load beat a 2¹⁸-bit table, whose variable shift per position cost more than the
/// collisions it saved).
const SLOTS: usize = 1 << 15;
const HASH_SHIFT: u32 = 32 - SLOTS.trailing_zeros();
type Slots = [u8; SLOTS];

/// The 4,000 most common three-byte grams of lowercased source text, most common first, one
/// per line (measured on 45 MB of git blobs of rust-lang/cargo and pallets/flask). A keyword
/// is indexed by its gram that comes latest in this list or is absent from it.
const COMMON_TRIGRAMS: &str = include_str!("common_trigrams.txt");

fn hash(gram: u32) -> u32 {
    gram.wrapping_mul(0x9E37_79B1)
}

fn slot(h: u32) -> usize {
    (h >> HASH_SHIFT) as usize
}

/// A slot holds a tag of the hash bits below the slot's (never 0, which marks an empty slot):
/// a gram whose tag differs cannot be a keyword's, so the keywords are compared only where
/// the tags agree. Hashing alone sent two of every three checks to a slot whose keywords
/// shared only the hash (24 M checks for 1.5 M hits on the 1 GiB benchmark tree).
fn tag(h: u32) -> u8 {
    (h >> (HASH_SHIFT - 8)) as u8 | 1
}

/// The tag of a slot whose keywords have different tags: always compared.
const SHARED: u8 = 0xFF;

/// Whether a gram hashing to `h` may be a keyword of a slot holding `held` (0, an empty
/// slot, never agrees: tags are odd).
#[inline(always)]
fn agrees(held: u8, h: u32) -> bool {
    held == tag(h) || held == SHARED
}

/// Folds ASCII case by clearing bit 5 of every byte (`a`→`A`). Other bytes pair up with one
/// they were not (`-` with CR, space with NUL): a few more slots to check, never a miss,
/// and one instruction for eight bytes instead of a true lowercase.
const FOLD: u64 = 0xDFDF_DFDF_DFDF_DFDF;

/// The gram starting at `bytes[0]` as the scan sees it: three bytes, little-endian, folded.
fn gram(bytes: &[u8]) -> u32 {
    bytes[..3].iter().rev().fold(0, |w, &b| w << 8 | u32::from(b)) & FOLD as u32
}

/// One keyword: compare it when its gram is seen at some position.
#[derive(Debug)]
struct Entry {
    id: u32,
    /// Lowercased.
    keyword: Box<[u8]>,
    /// Where the gram starts in the keyword.
    gram_at: usize,
}

/// Keywords of three bytes or more, each indexed by its least common three-byte gram.
#[derive(Debug)]
pub struct GramSearcher {
    /// The [`tag`] of the keywords whose gram hashes to the slot ([`SHARED`] if they differ),
    /// 0 where none does.
    taken: Box<Slots>,
    /// `entries[first[s]..first[s + 1]]` are the keywords whose gram hashes to slot `s`.
    first: Vec<u32>,
    entries: Vec<Entry>,
}

impl GramSearcher {
    /// Shortest keyword this searcher takes.
    pub const MIN_LEN: usize = 3;

    /// Builds the index of `(id, keyword)` pairs; keywords shorter than [`Self::MIN_LEN`] are
    /// ignored (the caller searches those another way).
    pub fn new(keywords: &[(u32, &[u8])]) -> Self {
        let common: HashMap<&[u8], usize> =
            COMMON_TRIGRAMS.lines().map(str::as_bytes).filter(|g| g.len() == 3).zip(0..).collect();
        // Absent grams are rarer than any listed one; among them, prefer bytes other than
        // lowercase letters and spaces.
        let rarity = |g: &[u8]| match common.get(g) {
            Some(&rank) => rank,
            None => common.len() + g.iter().filter(|b| !b.is_ascii_lowercase() && **b != b' ').count(),
        };
        let mut buckets: Vec<Vec<Entry>> = std::iter::repeat_with(Vec::new).take(SLOTS).collect();
        let mut taken: Box<Slots> = Box::new([0u8; SLOTS]);
        for &(id, k) in keywords.iter().filter(|(_, k)| k.len() >= Self::MIN_LEN) {
            let keyword = k.to_ascii_lowercase().into_boxed_slice();
            let at = (0..=keyword.len() - 3)
                .max_by_key(|&at| (rarity(&keyword[at..at + 3]), std::cmp::Reverse(at)))
                .unwrap_or(0);
            let h = hash(gram(&keyword[at..]));
            let s = slot(h);
            taken[s] = match taken[s] {
                0 => tag(h),
                t if t == tag(h) => t,
                _ => SHARED,
            };
            buckets[s].push(Entry { id, keyword, gram_at: at });
        }
        let mut first = Vec::with_capacity(SLOTS + 1);
        let mut entries = Vec::new();
        for b in buckets {
            first.push(entries.len() as u32);
            entries.extend(b);
        }
        first.push(entries.len() as u32);
        GramSearcher { taken, first, entries }
    }

    /// Whether no keyword was long enough to index.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Calls `hit(keyword_id, start, end)` for every occurrence (in no particular order).
    pub fn for_each_match(&self, hay: &[u8], mut hit: impl FnMut(u32, usize, usize)) {
        let taken: &Slots = &self.taken;
        let mut p = 0;
        // Grams at six positions come out of each eight bytes loaded.
        while let Some(chunk) = hay.get(p..p + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) & FOLD;
            let hashes: [u32; 6] = std::array::from_fn(|j| hash((x >> (8 * j)) as u32 & 0x00FF_FFFF));
            // one branch for the six slots; the tags only where one is taken
            if hashes.iter().fold(0, |any, &h| any | taken[slot(h)]) != 0 {
                for (j, h) in hashes.into_iter().enumerate() {
                    if agrees(taken[slot(h)], h) {
                        self.verify(hay, p + j, slot(h), &mut hit);
                    }
                }
            }
            p += 6;
        }
        // The last few positions, where eight bytes cannot be loaded.
        for at in p..hay.len().saturating_sub(2) {
            let h = hash(gram(&hay[at..]));
            if agrees(taken[slot(h)], h) {
                self.verify(hay, at, slot(h), &mut hit);
            }
        }
    }

    /// Compares the keywords of slot `s` whose gram starts at `at`.
    #[cold]
    #[inline(never)]
    fn verify(&self, hay: &[u8], at: usize, s: usize, hit: &mut impl FnMut(u32, usize, usize)) {
        for e in &self.entries[self.first[s] as usize..self.first[s + 1] as usize] {
            if let Some(start) = at.checked_sub(e.gram_at)
                && let Some(window) = hay.get(start..start + e.keyword.len())
                && window.eq_ignore_ascii_case(&e.keyword)
            {
                hit(e.id, start, start + e.keyword.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    fn searcher(kws: &[&[u8]]) -> GramSearcher {
        let pairs: Vec<(u32, &[u8])> = kws.iter().enumerate().map(|(i, k)| (i as u32, *k)).collect();
        GramSearcher::new(&pairs)
    }

    fn all_matches(ts: &GramSearcher, hay: &[u8]) -> Vec<(u32, usize, usize)> {
        let mut v = Vec::new();
        ts.for_each_match(hay, |k, s, e| v.push((k, s, e)));
        v.sort();
        v
    }

    fn oracle(kws: &[&[u8]], hay: &[u8]) -> Vec<(u32, usize, usize)> {
        let ac =
            AhoCorasick::builder().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(kws).unwrap();
        let mut v: Vec<_> = ac.find_overlapping_iter(hay).map(|m| (m.pattern().as_u32(), m.start(), m.end())).collect();
        v.sort();
        v
    }

    #[test]
    fn finds_overlapping_case_insensitive_occurrences() {
        let kws: &[&[u8]] = &[b"sk-", b"sk-ant-", b"ant", b"KEY", b"api_key"];
        let ts = searcher(kws);
        let hay = b"x SK-ANT-api03 API_KEY=1 sk-";
        assert_eq!(all_matches(&ts, hay), vec![(0, 2, 5), (0, 25, 28), (1, 2, 9), (2, 5, 8), (3, 19, 22), (4, 15, 22)]);
        assert_eq!(all_matches(&ts, hay), oracle(kws, hay));
        assert!(all_matches(&ts, b"").is_empty());
        assert!(all_matches(&ts, b"sk").is_empty());
        assert_eq!(all_matches(&ts, b"sk-"), vec![(0, 0, 3)]);
    }

    #[test]
    fn agrees_with_aho_corasick_on_random_text_made_of_keyword_pieces() {
        let kws: &[&[u8]] = &[
            b"sk-",
            b"sk-proj-",
            b"ghp_",
            b"gho_",
            b"aiza",
            b"key",
            b"secret",
            b"token",
            b"xoxb-",
            b"xox",
            b"eyj",
            b"-----begin",
            b"password",
            b"pwd",
            b"AKIA",
            b"://",
            b"\xc3\xa9t\xc3\xa9",
        ];
        let ts = searcher(kws);
        // A small deterministic generator (xorshift) so a failure reproduces.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..300 {
            let mut hay = Vec::new();
            let pieces = next() % 40;
            for _ in 0..pieces {
                let k = kws[(next() % kws.len() as u64) as usize];
                let cut = (next() % (k.len() as u64 + 1)) as usize;
                let piece = if next() % 2 == 0 { &k[..cut] } else { &k[cut..] };
                for &b in piece {
                    hay.push(if next() % 3 == 0 { b.to_ascii_uppercase() } else { b });
                }
                if next() % 4 == 0 {
                    hay.push(b" _=-\"\xff"[(next() % 6) as usize]);
                }
            }
            assert_eq!(all_matches(&ts, &hay), oracle(kws, &hay), "hay {:?}", String::from_utf8_lossy(&hay));
        }
    }
}
