//! JUnit XML for CI systems that show test reports: one failing test case per finding, or a
//! single passing case when nothing was found.

use std::io::{self, Write};

use crate::report::Context;
use crate::report::text::summary;
use crate::scan::ScanOutcome;

/// Escapes text for XML attributes and content.
pub fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Writes the JUnit report.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    let n = outcome.findings.len();
    let secs = outcome.stats.duration_ms as f64 / 1000.0;
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<testsuites name=\"keyhound\" tests=\"{}\" failures=\"{n}\" time=\"{secs:.3}\">", n.max(1))?;
    writeln!(
        out,
        "  <testsuite name=\"keyhound secret scan\" tests=\"{}\" failures=\"{n}\" time=\"{secs:.3}\">",
        n.max(1)
    )?;
    if n == 0 {
        writeln!(out, "    <testcase classname=\"keyhound\" name=\"no leaked credentials\"/>")?;
    }
    for f in &outcome.findings {
        let at = match &f.commit {
            Some(c) => format!("{}:{} @ {}", f.path, f.location.line, &c.id[..c.id.len().min(12)]),
            None => format!("{}:{}", f.path, f.location.line),
        };
        // many-repository scans: the repository is the class, so runs group by it
        let class = match &f.repository {
            Some(r) => format!("{r}/{}", f.path),
            None => f.path.clone(),
        };
        writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml(&class),
            xml(&format!("{} at {at}", f.rule_id))
        )?;
        writeln!(
            out,
            "      <failure type=\"{}\" message=\"{}\">{}</failure>",
            xml(f.severity.as_str()),
            xml(&format!("{} ({}) found: {}", f.rule_name, f.severity, ctx.secret(&f.secret))),
            xml(&format!(
                "{at} column {}: {}\nfingerprint {}\nRevoke and rotate: {}",
                f.location.column,
                ctx.snippet(f),
                f.fingerprint,
                ctx.rules.get(f.rule_index).syntax.revoke
            ))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "    <system-out>{}</system-out>", xml(&summary(&outcome.findings, &outcome.stats)))?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
