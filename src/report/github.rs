//! GitHub Actions workflow commands: one `::error file=…,line=…::` annotation per finding, so
//! findings show on the pull request's diff, then the summary.

use std::io::{self, Write};

use crate::report::Context;
use crate::report::text::summary;
use crate::rules::Severity;
use crate::scan::ScanOutcome;

/// Escapes a workflow-command property value (`%`, CR, LF, `:` and `,`).
fn prop(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A").replace(':', "%3A").replace(',', "%2C")
}

/// Escapes a workflow-command message (`%`, CR, LF).
fn msg(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Writes the annotations.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    for f in &outcome.findings {
        let level = if f.severity >= Severity::High { "error" } else { "warning" };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&f.path),
            f.location.line,
            f.location.column,
            f.location.end_line,
            f.location.end_column,
            prop(&format!("keyhound {}", f.rule_id)),
            msg(&format!(
                "{}{} found ({}): {}. Revoke and rotate it: {} Fingerprint {}.",
                f.repository.as_deref().map_or(String::new(), |r| format!("{r}: ")),
                f.rule_name,
                f.severity,
                ctx.secret(&f.secret),
                ctx.rules.get(f.rule_index).syntax.revoke,
                f.fingerprint
            ))
        )?;
    }
    writeln!(out, "keyhound: {}", summary(&outcome.findings, &outcome.stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(prop("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(msg("x\ny"), "x%0Ay");
    }
}
