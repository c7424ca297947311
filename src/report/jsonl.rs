//! JSON Lines: one finding object (as in [`json`](super::json)) per line, written as soon as
//! a worker finds it, through one lock so lines never interleave. Order follows the scan, not
//! the file order; the summary goes to stderr. Nothing is kept after a line is written (the
//! scan keeps no streamed finding either; see [`crate::scan::Hooks::stream`]), so memory stays
//! bounded whatever the number of findings.

use std::io::Write;
use std::sync::Mutex;

use crate::finding::Finding;
use crate::report::Context;
use crate::report::json::finding_value;

/// A thread-safe line writer for streamed findings.
pub struct Stream<'a> {
    out: Mutex<(Box<dyn Write + Send + 'a>, Option<std::io::Error>)>,
    ctx: &'a Context<'a>,
}

impl<'a> Stream<'a> {
    /// Wraps an output.
    pub fn new(out: Box<dyn Write + Send + 'a>, ctx: &'a Context<'a>) -> Self {
        Stream { out: Mutex::new((out, None)), ctx }
    }

    /// Writes one finding as a line; the first write error is kept and later writes skipped.
    pub fn emit(&self, f: &Finding) {
        let line = finding_value(f, self.ctx).to_string();
        let mut g = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if g.1.is_some() {
            return;
        }
        let r = g.0.write_all(line.as_bytes()).and_then(|_| g.0.write_all(b"\n"));
        if let Err(e) = r {
            g.1 = Some(e);
        }
    }

    /// Flushes and returns the first write error, if any.
    pub fn finish(self) -> std::io::Result<()> {
        let (mut out, err) = self.out.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = err {
            return Err(e);
        }
        out.flush()
    }
}
