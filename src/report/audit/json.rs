//! The audit report as JSON: the [`AuditReport`] model as is, pretty-printed. Its layout is
//! documented by the JSON Schema in `fixtures/schema/keyhound-audit.schema.json`, which the
//! tests validate every report against.

use std::io::{self, Write};

use crate::report::audit::AuditReport;

/// Writes the JSON report.
pub fn write(out: &mut dyn Write, report: &AuditReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
