//! Standard input as one blob (`keyhound scan -`).

use std::io::Read;

use crate::source::{Blob, BlobSink, Origin, SkipReason, looks_binary};

/// Reads all of stdin (up to `max_size` bytes) and hands it to the sink.
pub fn read(max_size: u64, sink: &mut dyn BlobSink) {
    let mut buf = Vec::new();
    let mut handle = std::io::stdin().lock().take(max_size + 1);
    if let Err(e) = handle.read_to_end(&mut buf) {
        sink.skipped("-", SkipReason::Unreadable, 0, &e.to_string());
        return;
    }
    if buf.len() as u64 > max_size {
        sink.skipped("-", SkipReason::TooLarge, buf.len() as u64, "standard input exceeds --max-file-size");
    } else if looks_binary(&buf) {
        sink.skipped("-", SkipReason::Binary, buf.len() as u64, "");
    } else {
        sink.blob(Blob { bytes: &buf, origin: Origin::Stdin, also: &[] });
    }
}
