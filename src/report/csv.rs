//! CSV for spreadsheets: one row per finding, RFC 4180 quoting.
//!
//! Quoting is the four lines in [`field`]; a CSV crate would add a dependency for that alone.

use std::io::{self, Write};

use crate::report::Context;
use crate::scan::ScanOutcome;

/// Quotes a field when it holds a comma, quote or line break (RFC 4180); a leading `=`, `+`,
/// `-` or `@` gets a `'` so a spreadsheet does not run it as a formula.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// Writes the CSV report.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    // the verification columns only when --verify ran, so the layout of other runs is unchanged
    let verified = outcome.stats.verification.is_some();
    let repos = outcome.coverage.is_some();
    writeln!(
        out,
        "rule,name,provider,severity,confidence,path,line,column,end_line,end_column,commit,author,date,secret,fingerprint{}{}",
        if verified { ",verification,verification_reason" } else { "" },
        if repos { ",repository" } else { "" }
    )?;
    for f in &outcome.findings {
        let c = f.commit.as_deref();
        let row = [
            f.rule_id.clone(),
            f.rule_name.clone(),
            f.provider.clone(),
            f.severity.to_string(),
            f.confidence.to_string(),
            f.path.clone(),
            f.location.line.to_string(),
            f.location.column.to_string(),
            f.location.end_line.to_string(),
            f.location.end_column.to_string(),
            c.map_or(String::new(), |c| c.id.clone()),
            c.map_or(String::new(), |c| format!("{} <{}>", c.author, c.email)),
            c.map_or(String::new(), |c| c.date.clone()),
            ctx.secret(&f.secret),
            f.fingerprint.to_string(),
        ];
        let mut cells: Vec<String> = row.iter().map(|x| field(x)).collect();
        if verified {
            let v = f.verification.as_deref();
            cells.push(v.map_or("unverified".to_string(), |v| v.status.as_str().to_string()));
            cells.push(field(v.and_then(|v| v.reason.as_deref()).unwrap_or("")));
        }
        if repos {
            cells.push(field(f.repository.as_deref().unwrap_or("")));
        }
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
    }
}
