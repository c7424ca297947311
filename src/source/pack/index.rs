//! The pack index (version 2: fan-out table, sorted object ids, CRCs, 31-bit offsets with a
//! table of 64-bit ones) and the pack entry headers (type and size in 7-bit groups, the
//! `OFS_DELTA` distance, the `REF_DELTA` base id), as `gitformat-pack(5)` describes them.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use git2::Oid;

use super::{Entry, HEADER_CHUNK, OBJ_OFS_DELTA, OBJ_REF_DELTA, be32};

/// (id, offset) of every object in a version 2 index, in index order.
pub(super) fn parse_index(b: &[u8]) -> Result<Vec<(Oid, u64)>, String> {
    if b.len() < 8 + 1024 || b[..4] != [0xFF, b't', b'O', b'c'] || be32(b, 4) != 2 {
        return Err("not a version 2 pack index".into());
    }
    let n = be32(b, 8 + 255 * 4) as usize;
    let ids = 8 + 1024;
    let offsets = ids + n * 24;
    let large = offsets + n * 4;
    if b.len() < large + 40 {
        return Err("pack index is truncated (or not SHA-1)".into());
    }
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let id = Oid::from_bytes(&b[ids + k * 20..ids + k * 20 + 20]).map_err(|e| e.message().to_string())?;
        let o = be32(b, offsets + k * 4);
        let off = if o & 0x8000_0000 == 0 {
            u64::from(o)
        } else {
            let at = large + (o & 0x7FFF_FFFF) as usize * 8;
            if b.len() < at + 8 + 40 {
                return Err("pack index is truncated".into());
            }
            u64::from_be_bytes(b[at..at + 8].try_into().unwrap_or_default())
        };
        out.push((id, off));
    }
    Ok(out)
}

/// Reads every entry header, in pack order.
pub(super) fn read_entries(file: &File, len: u64, mut objects: Vec<(Oid, u64)>) -> Result<Vec<Entry>, String> {
    objects.sort_unstable_by_key(|&(_, o)| o);
    let end_of_data = len.checked_sub(20).ok_or("pack is truncated")?;
    let mut chunk = Vec::new();
    let mut chunk_at = 0u64;
    let mut entries = Vec::with_capacity(objects.len());
    for (k, &(id, offset)) in objects.iter().enumerate() {
        let end = objects.get(k + 1).map_or(end_of_data, |&(_, o)| o);
        if offset < 12 || end <= offset || end > end_of_data {
            return Err(format!("entry {id} has a bad offset {offset}"));
        }
        if offset < chunk_at || offset + 32 > chunk_at + chunk.len() as u64 {
            chunk_at = offset;
            let want = (HEADER_CHUNK as u64).min(end_of_data - offset) as usize;
            chunk.resize(want, 0);
            file.read_exact_at(&mut chunk, offset).map_err(|e| e.to_string())?;
        }
        let h = &chunk[(offset - chunk_at) as usize..];
        let (stored, size, mut used) = entry_header(h).ok_or_else(|| format!("entry {id}: bad header"))?;
        let mut base_offset = None;
        let mut base_id = None;
        match stored {
            OBJ_OFS_DELTA => {
                let (back, n) = ofs_distance(&h[used..]).ok_or_else(|| format!("entry {id}: bad delta offset"))?;
                used += n;
                base_offset = Some(offset.checked_sub(back).ok_or_else(|| format!("entry {id}: bad delta offset"))?);
            }
            OBJ_REF_DELTA => {
                let raw = h.get(used..used + 20).ok_or_else(|| format!("entry {id}: bad header"))?;
                base_id = Some(Oid::from_bytes(raw).map_err(|e| e.message().to_string())?);
                used += 20;
            }
            1..=4 => {}
            t => return Err(format!("entry {id}: unknown type {t}")),
        }
        let data = offset + used as u64;
        if data > end {
            return Err(format!("entry {id}: bad header"));
        }
        entries.push((Entry { id, end, data, stored, size, base: None }, base_offset, base_id));
    }
    // ids are looked up only for REF_DELTA bases, rare outside thin packs
    let by_id: crate::source::OidMap<u32> = if entries.iter().any(|(_, _, bi)| bi.is_some()) {
        entries.iter().enumerate().map(|(i, (e, _, _))| (e.id, i as u32)).collect()
    } else {
        Default::default()
    };
    Ok(entries
        .into_iter()
        .map(|(mut e, bo, bi)| {
            e.base = bo
                .and_then(|o| objects.binary_search_by_key(&o, |&(_, off)| off).ok().map(|i| i as u32))
                .or_else(|| bi.and_then(|i| by_id.get(&i).copied()));
            e
        })
        .collect())
}

/// Type, size and header length of an entry.
pub(super) fn entry_header(h: &[u8]) -> Option<(u8, u64, usize)> {
    let first = *h.first()?;
    let kind = (first >> 4) & 7;
    let mut size = u64::from(first & 15);
    let mut shift = 4;
    let mut used = 1;
    let mut c = first;
    while c & 0x80 != 0 {
        c = *h.get(used)?;
        used += 1;
        if shift > 57 {
            return None;
        }
        size |= u64::from(c & 0x7F) << shift;
        shift += 7;
    }
    Some((kind, size, used))
}

/// The distance back to an `OFS_DELTA`'s base, and its length in bytes.
pub(super) fn ofs_distance(h: &[u8]) -> Option<(u64, usize)> {
    let mut c = *h.first()?;
    let mut d = u64::from(c & 0x7F);
    let mut used = 1;
    while c & 0x80 != 0 {
        c = *h.get(used)?;
        used += 1;
        if used > 10 {
            return None;
        }
        d = ((d + 1) << 7) | u64::from(c & 0x7F);
    }
    Some((d, used))
}

/// The type of each entry (a delta: that of the object its chain starts at; 0 when the chain
/// cannot be followed).
pub(super) fn kinds(entries: &[Entry]) -> Vec<u8> {
    let mut kind: Vec<Option<u8>> = entries
        .iter()
        .map(|e| match e.stored {
            OBJ_OFS_DELTA | OBJ_REF_DELTA => None,
            t => Some(t),
        })
        .collect();
    for i in 0..entries.len() {
        let mut chain = Vec::new();
        let mut at = i;
        let found = loop {
            if let Some(k) = kind[at] {
                break k;
            }
            chain.push(at);
            match entries[at].base {
                // a longer chain than entries is a loop
                Some(b) if chain.len() <= entries.len() => at = b as usize,
                _ => break 0,
            }
        };
        for c in chain {
            kind[c] = Some(found);
        }
    }
    kind.into_iter().map(|k| k.unwrap_or(0)).collect()
}

/// The index files of a repository's packs (`objects/pack/*.idx` under its common directory).
pub fn indexes(git_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(git_dir.join("objects").join("pack"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "idx") && p.with_extension("pack").is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
