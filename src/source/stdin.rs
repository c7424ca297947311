//! Standard input as one blob (`keyhound scan -`).

use std::io::Read;

use crate::source::{Blob, BlobSink, Content, Origin, SkipReason, classify};

/// Reads all of stdin (up to `max_size` bytes) and hands it to the sink.
pub fn read(max_size: u64, sink: &mut dyn BlobSink) {
    let mut buf = Vec::new();
    let mut handle = std::io::stdin().lock().take(max_size + 1);
    if let Err(e) = handle.read_to_end(&mut buf) {
        sink.skipped("-", SkipReason::Unreadable, 0, &e.to_string());
        return;
    }
    match classify(&buf, max_size) {
        Content::Text(text) => {
            sink.blob(Blob { bytes: &text, origin: Origin::Stdin, also: &[], repeat: false });
        }
        Content::Archive(bytes) => {
            sink.archive(Blob { bytes, origin: Origin::Stdin, also: &[], repeat: false });
        }
        Content::Skip(SkipReason::TooLarge, n) => {
            sink.skipped("-", SkipReason::TooLarge, n, "standard input exceeds --max-file-size")
        }
        Content::Skip(reason, n) => sink.skipped("-", reason, n, ""),
    }
}
