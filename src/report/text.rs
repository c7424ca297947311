//! Human-readable report: findings grouped by file, then a one-line summary.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::finding::Finding;
use crate::report::Context;
use crate::rules::Severity;
use crate::scan::ScanOutcome;
use crate::stats::ScanStats;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
        };
        self.wrap(code, &format!("{:<8}", s.as_str()))
    }
}

/// Writes the text report.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    let p = Paint(ctx.color);
    let mut last: Option<(&str, Option<&str>)> = None;
    let mut last_repo: Option<&str> = None;
    for f in &outcome.findings {
        let here = (f.path.as_str(), f.commit.as_ref().map(|c| c.id.as_str()));
        if last != Some(here) || f.repository.as_deref() != last_repo {
            if last.is_some() {
                writeln!(out)?;
            }
            if f.repository.as_deref() != last_repo {
                if let Some(r) = &f.repository {
                    writeln!(out, "{}", p.wrap("1;36", &format!("== {r}")))?;
                }
                last_repo = f.repository.as_deref();
            }
            match &f.commit {
                Some(c) => writeln!(
                    out,
                    "{} {}",
                    p.wrap("1;35", &f.path),
                    p.wrap(
                        "33",
                        &format!(
                            "@ {} {} <{}> {} {}",
                            &c.id[..c.id.len().min(12)],
                            c.author,
                            c.email,
                            c.date,
                            c.summary
                        )
                    )
                )?,
                None => writeln!(out, "{}", p.wrap("1;35", &f.path))?,
            }
            last = Some(here);
        }
        write_finding(out, f, ctx, &p)?;
    }
    if !outcome.findings.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(&outcome.findings, &outcome.stats))
}

fn write_finding(out: &mut dyn Write, f: &Finding, ctx: &Context<'_>, p: &Paint) -> io::Result<()> {
    let pos = format!("{}:{}", f.location.line, f.location.column);
    writeln!(out, "  {:>8}  {} {}  {}", pos, p.severity(f.severity), p.wrap("1", &f.rule_id), f.rule_name)?;
    let head = match f.present_at_head {
        Some(true) => "  still in HEAD",
        Some(false) => "  not in HEAD",
        None => "",
    };
    let decoded =
        if f.decoded.is_empty() { String::new() } else { format!("  decoded from {}", f.decoded.join(" → ")) };
    // a short value redacts to one or two characters: its length helps tell it from others
    let shown = ctx.secret(&f.secret);
    let len =
        if ctx.show_secrets { String::new() } else { format!(" ({} chars)", f.secret.expose_str().chars().count()) };
    writeln!(out, "            secret {shown}{len}  fingerprint {}{head}{decoded}", f.fingerprint)?;
    if let Some(c) = f.cell {
        writeln!(out, "            notebook cell {c}")?;
    }
    if let Some(l) = &f.layer {
        writeln!(out, "            layer {} {}  created by {}", l.index, l.digest, l.created_by)?;
    }
    if let Some(v) = &f.verification {
        let what = match v.status {
            crate::verify::Status::Active => p.wrap("1;41;97", " ACTIVE "),
            s => s.as_str().to_string(),
        };
        let mut line = format!("            verified {what} at {}", v.host);
        if !v.details.is_empty() {
            let d: Vec<String> = v.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
            line.push_str(&format!("  ({})", d.join(", ")));
        }
        if let Some(r) = &v.reason {
            line.push_str(&format!(": {r}"));
        }
        writeln!(out, "{line}")?;
    }
    for part in &f.parts {
        writeln!(
            out,
            "            {} {} at {}:{}",
            part.name,
            ctx.secret(&part.secret),
            part.location.line,
            part.location.column
        )?;
    }
    writeln!(out, "            {}", p.wrap("2", &ctx.snippet(f)))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The one-line summary (also printed on stderr for machine formats).
pub fn summary(findings: &[Finding], stats: &ScanStats) -> String {
    let mut by_sev: BTreeMap<std::cmp::Reverse<Severity>, u64> = BTreeMap::new();
    let mut files = std::collections::HashSet::new();
    for f in findings {
        *by_sev.entry(std::cmp::Reverse(f.severity)).or_default() += 1;
        files.insert((f.repository.as_deref(), f.path.as_str()));
    }
    // findings that were streamed (JSONL) are not in `findings`, only counted in the stats
    for (sev, n) in &stats.streamed.by_severity {
        *by_sev.entry(std::cmp::Reverse(*sev)).or_default() += n;
    }
    let total = findings.len() as u64 + stats.streamed.by_severity.values().sum::<u64>();
    let mut s = if total == 0 {
        "no leaks found".to_string()
    } else {
        let sev: Vec<String> = by_sev.iter().map(|(k, v)| format!("{v} {}", k.0)).collect();
        format!(
            "{} ({}) in {}",
            plural(total, "finding", "findings"),
            sev.join(", "),
            plural(files.len() as u64 + stats.streamed.files, "file", "files")
        )
    };
    if stats.commits > 0 {
        s.push_str(&format!("; {} walked", plural(stats.commits, "commit", "commits")));
    }
    s.push_str(&format!(
        "; scanned {} ({}) in {:.2} s with {} rules",
        plural(stats.files_scanned, "file", "files"),
        mib(stats.bytes_scanned),
        stats.duration_ms as f64 / 1000.0,
        stats.rules
    ));
    if !stats.skipped.is_empty() {
        let sk: Vec<String> = stats.skipped.iter().map(|(k, v)| format!("{} {}", v.files, k)).collect();
        s.push_str(&format!("; skipped {}", sk.join(", ")));
    }
    if !stats.suppressed.is_empty() {
        let sp: Vec<String> = stats.suppressed.iter().map(|(k, v)| format!("{v} {k}")).collect();
        s.push_str(&format!("; suppressed {}", sp.join(", ")));
    }
    s
}
