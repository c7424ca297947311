//! Tar containers with the `tar` crate, streamed: one member in memory at a time, nothing
//! unpacked to disk (absolute and `..` names are only labels here). Regular files are read;
//! directories, devices and FIFOs have no content; links are counted as symlinks.

use std::io::{self, Read};

use ::tar::EntryType;

use super::{Flow, Member, MemberContent, Reader};
use crate::source::SkipReason;

/// The tar reader.
#[derive(Debug)]
pub struct Tar;

impl Reader for Tar {
    fn members(&self, input: &mut dyn Read, f: &mut dyn FnMut(Member<'_>) -> Flow) -> io::Result<()> {
        let mut archive = ::tar::Archive::new(input);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let kind = entry.header().entry_type();
            let name = String::from_utf8_lossy(&entry.path_bytes()).trim_start_matches("./").to_string();
            let flow = match kind {
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                    f(Member { name, content: MemberContent::Data(&mut entry), compressed: None })
                }
                EntryType::Symlink | EntryType::Link => f(Member {
                    name,
                    content: MemberContent::Unreadable(SkipReason::Symlink, String::new()),
                    compressed: None,
                }),
                _ => Flow::Continue,
            };
            if flow == Flow::Stop {
                break;
            }
        }
        Ok(())
    }
}
