//! Zip containers (jar, war, ear, apk, aar, whl, nupkg, vsix, docx, xlsx, …) with the `zip`
//! crate, from memory. Stored and deflated members are read; encrypted members and other
//! compression methods are reported as skipped with the reason.

use std::io::{self, Cursor, Read};

use super::{Flow, Member, MemberContent, Reader};
use crate::source::SkipReason;

/// Signature of the end of central directory record (APPNOTE 4.3.16), which every zip has.
const END_RECORD: &[u8] = b"PK\x05\x06";

/// A zip archive held in memory.
pub struct Zip<'a> {
    bytes: &'a [u8],
}

impl<'a> Zip<'a> {
    /// Checks that `bytes` hold a readable central directory.
    pub fn new(bytes: &'a [u8]) -> io::Result<Self> {
        // The zip crate looks for the end record from the end back to the start through `Read`
        // and `Seek`, a few bytes at a time (it allows garbage after the comment): for a file
        // that only starts like a zip (1,124 in the benchmark tree) one SIMD search says the
        // same at once (forward: `memmem`'s reverse search has no vector prefilter and cost
        // four times as much there).
        if memchr::memmem::find(bytes, END_RECORD).is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "invalid Zip archive: no end of central directory record (truncated, or not a zip)",
            ));
        }
        ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Zip { bytes })
    }
}

impl Reader for Zip<'_> {
    fn members(&self, _input: &mut dyn Read, f: &mut dyn FnMut(Member<'_>) -> Flow) -> io::Result<()> {
        let mut z = ::zip::ZipArchive::new(Cursor::new(self.bytes))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        for i in 0..z.len() {
            let listed = z.name_for_index(i).map_or_else(|| format!("#{i}"), str::to_string);
            let flow = match z.by_index(i) {
                Ok(mut file) => {
                    if file.is_dir() {
                        continue;
                    }
                    let name = file.name().to_string();
                    if file.is_symlink() {
                        f(Member {
                            name,
                            content: MemberContent::Unreadable(SkipReason::Symlink, String::new()),
                            compressed: None,
                        })
                    } else if file.encrypted() {
                        let why = "encrypted zip member".to_string();
                        f(Member {
                            name,
                            content: MemberContent::Unreadable(SkipReason::Encrypted, why),
                            compressed: None,
                        })
                    } else {
                        let compressed = Some(file.compressed_size());
                        f(Member { name, content: MemberContent::Data(&mut file), compressed })
                    }
                }
                Err(e) => {
                    let name = listed;
                    let reason = match &e {
                        ::zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                            SkipReason::Encrypted
                        }
                        _ => SkipReason::ArchiveError,
                    };
                    f(Member { name, content: MemberContent::Unreadable(reason, e.to_string()), compressed: None })
                }
            };
            if flow == Flow::Stop {
                break;
            }
        }
        Ok(())
    }
}
