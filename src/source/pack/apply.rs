//! Git's delta instructions (`gitformat-pack(5)`, "Deltified representation"): a base
//! size and a result size, then copy instructions (offset and size bytes chosen by flag bits,
//! a size of 0 meaning 0x10000) and insert instructions (1 to 127 literal bytes); applied
//! with every copy recorded, so the caller knows what a version shares with its base.

use super::MAX_OBJECT;

/// One copy instruction of a delta: `len` bytes of the base from `from` placed at `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copy {
    /// Offset in the base.
    pub from: usize,
    /// Offset in the rebuilt object.
    pub to: usize,
    /// Bytes copied.
    pub len: usize,
}

/// A size in a delta's header: 7-bit groups, least significant first.
fn delta_size(d: &[u8], at: &mut usize) -> Option<usize> {
    let mut size = 0usize;
    let mut shift = 0;
    loop {
        let c = *d.get(*at)?;
        *at += 1;
        if shift > 56 {
            return None;
        }
        size |= usize::from(c & 0x7F) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Some(size);
        }
    }
}

/// Applies a delta to its base: the result and its copy instructions.
pub fn apply(base: &[u8], delta: &[u8]) -> Result<(Vec<u8>, Vec<Copy>), String> {
    let bad = |what: &str| format!("bad delta: {what}");
    let mut at = 0;
    let base_len = delta_size(delta, &mut at).ok_or_else(|| bad("header"))?;
    let len = delta_size(delta, &mut at).ok_or_else(|| bad("header"))?;
    if base_len != base.len() {
        return Err(bad("base size differs"));
    }
    if len as u64 > MAX_OBJECT {
        return Err(bad("result too large"));
    }
    let mut out = Vec::with_capacity(len);
    let mut copies: Vec<Copy> = Vec::new();
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut field = |bits: u8, bytes: usize| -> Option<usize> {
                let mut v = 0usize;
                for k in 0..bytes {
                    if bits & (1 << k) != 0 {
                        v |= usize::from(*delta.get(at)?) << (8 * k);
                        at += 1;
                    }
                }
                Some(v)
            };
            let from = field(op & 15, 4).ok_or_else(|| bad("truncated copy"))?;
            let size = field((op >> 4) & 7, 3).ok_or_else(|| bad("truncated copy"))?;
            let size = if size == 0 { 0x10000 } else { size };
            let piece = base.get(from..from.saturating_add(size)).ok_or_else(|| bad("copy past the base"))?;
            if out.len() + size > len {
                return Err(bad("result longer than its size"));
            }
            match copies.last_mut() {
                Some(c) if c.to + c.len == out.len() && c.from + c.len == from => c.len += size,
                _ => copies.push(Copy { from, to: out.len(), len: size }),
            }
            out.extend_from_slice(piece);
        } else if op != 0 {
            let n = usize::from(op);
            let piece = delta.get(at..at + n).ok_or_else(|| bad("truncated insert"))?;
            if out.len() + n > len {
                return Err(bad("result longer than its size"));
            }
            out.extend_from_slice(piece);
            at += n;
        } else {
            return Err(bad("reserved instruction 0"));
        }
    }
    if out.len() != len {
        return Err(bad("result shorter than its size"));
    }
    Ok((out, copies))
}
