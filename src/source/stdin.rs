//! Standard input as one blob (`keyhound scan -`), or in windows when larger than one.

use crate::source::window::{self, StreamLimits};
use crate::source::{BlobSink, Origin};

/// Reads all of stdin (up to `lim.max` bytes) and hands it to the sink.
pub fn read(lim: &StreamLimits, sink: &mut impl BlobSink) {
    window::read_stream(std::io::stdin().lock(), &Origin::Stdin, None, lim, sink);
}
