//! The audit report as Markdown (GitHub-flavoured tables): the verdict, the summary tables,
//! the inventory (a table, then each secret with its commits, locations and action), the
//! suppressed secrets, and the scope.
//!
//! Every text that comes from the repository (paths, names, snippets, commit messages) is
//! escaped, so it cannot break a table or inject links or HTML.

use std::io::{self, Write};

use crate::report::audit::model::{AuditReport, Coverage, SecretEntry};
use crate::report::audit::{human_bytes, human_duration, short, yes_no};
use crate::source::CommitInfo;

/// Escapes text for Markdown: backslash-escapes Markdown punctuation, turns `<`, `>` and `&`
/// into entities and line breaks into spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn commit(c: Option<&CommitInfo>) -> String {
    match c {
        Some(c) => format!("`{}` {} ({})", short(&c.id), escape(&c.author), escape(&c.date)),
        None => "—".to_string(),
    }
}

fn coverage(out: &mut dyn Write, what: &str, unit: &str, c: &Coverage) -> io::Result<()> {
    writeln!(out, "| {what} | {} {unit}, {} |", c.scanned, human_bytes(c.bytes))?;
    for s in &c.skipped {
        writeln!(
            out,
            "| {what}: skipped `{}` | {} ({}): {} |",
            s.reason,
            s.files,
            human_bytes(s.bytes),
            escape(&s.why)
        )?;
    }
    Ok(())
}

fn entry(out: &mut dyn Write, n: usize, e: &SecretEntry, bare: bool) -> io::Result<()> {
    writeln!(out, "### {n}. {} — {} ({})\n", escape(&e.rule_name), escape(&e.provider), e.severity)?;
    writeln!(out, "- Fingerprint: `{}`", e.fingerprint)?;
    writeln!(out, "- Rule: {} (confidence {})", escape(&e.rule), e.confidence)?;
    writeln!(out, "- Secret: {}", escape(&e.secret))?;
    if let Some(v) = &e.verification {
        let details: Vec<String> = v.details.iter().map(|(k, d)| format!("{k} {d}")).collect();
        writeln!(
            out,
            "- Verified at {}: **{}**{}{}",
            escape(&v.host),
            if v.status == crate::verify::Status::Active { "ACTIVE" } else { v.status.as_str() },
            v.reason.as_deref().map_or_else(String::new, |r| format!(" ({})", escape(r))),
            if details.is_empty() { String::new() } else { format!("; {}", escape(&details.join(", "))) }
        )?;
    }
    if let Some(r) = &e.revocation {
        writeln!(
            out,
            "- Revocation: {} at {} on {}{}",
            r.outcome.as_str().replace('_', " "),
            escape(&r.host),
            escape(&r.time),
            r.http_status.map_or_else(String::new, |h| format!(" (HTTP {h})"))
        )?;
    }
    writeln!(out, "- First commit: {}", commit(e.first_commit.as_ref()))?;
    writeln!(
        out,
        "- Last commit present: {} (in {})",
        commit(e.last_commit.as_ref()),
        super::plural(e.commits_present, "commit")
    )?;
    if e.first_commit.is_some() {
        writeln!(out, "- Reached from refs: {}", escape(&super::refs_summary(&e.refs)))?;
        if !e.ref_tips.is_empty() {
            writeln!(out, "- Still held by the tip of: {}", escape(&super::refs_summary(&e.ref_tips)))?;
        }
    }
    if bare {
        writeln!(out, "- This secret is still in HEAD: {} (bare repository: no working tree)", yes_no(e.in_head))?;
    } else {
        writeln!(
            out,
            "- This secret is still in HEAD: {}; in the working tree: {}",
            yes_no(e.in_head),
            yes_no(e.in_working_tree)
        )?;
    }
    if !e.suppression.is_empty() {
        let reasons: Vec<String> = e.suppression.iter().map(|r| escape(r)).collect();
        writeln!(out, "- Suppressed: {}", reasons.join("; "))?;
    }
    if let Some(t) = &e.triage {
        writeln!(out, "- Triage hint ({}): {}", escape(&t.signals.join(", ")), escape(&t.hint))?;
    }
    writeln!(out, "- Action required: {}", escape(&e.action))?;
    if !e.references.is_empty() {
        let refs: Vec<String> = e.references.iter().map(|r| escape(r)).collect();
        writeln!(out, "- References: {}", refs.join(", "))?;
    }
    writeln!(out, "\n| where | path | places | commits | first line:col | this file in HEAD | suppressed |")?;
    writeln!(out, "|---|---|---:|---:|---|---|---|")?;
    for g in &e.places {
        writeln!(
            out,
            "| {} | {} | {} | {} | {}:{} | {} | {} |",
            g.source.label(),
            escape(&g.path),
            g.places,
            g.commits,
            g.line,
            g.column,
            g.in_head.map_or("—", yes_no),
            g.suppressed.as_deref().map_or_else(String::new, escape)
        )?;
    }
    writeln!(out, "\nEvery place (path, line, commit and snippet) is in the JSON report.\n")
}

/// Writes the Markdown report.
pub fn write(out: &mut dyn Write, r: &AuditReport) -> io::Result<()> {
    let s = &r.scope;
    writeln!(out, "# keyhound audit: {}\n", escape(super::repo_name(&s.repository)))?;
    let res = &r.result;
    writeln!(
        out,
        "**Result: {}** — {} distinct secret(s) found ({} still present in HEAD or the working tree), {} finding(s); {} suppressed secret(s).\n",
        res.verdict.label(),
        res.secrets,
        res.still_present,
        res.findings,
        res.suppressed_secrets
    )?;
    if let Some(l) = &res.liveness {
        writeln!(out, "**{}**\n", escape(&l.sentence(res.secrets)))?;
    }
    writeln!(
        out,
        "Repository {}{}, HEAD {}, {} commits, audited {} with keyhound {}.\n",
        escape(&s.repository),
        s.remote_url.as_deref().map_or_else(String::new, |u| format!(" ({})", escape(u))),
        s.head.as_deref().map_or_else(|| "—".to_string(), |h| format!("`{}`", short(h))),
        s.commits,
        escape(&s.started_at),
        escape(&r.tool.version)
    )?;
    if !r.secrets_shown {
        writeln!(out, "Secret values are redacted; fingerprints identify them.\n")?;
    } else {
        writeln!(out, "**This report contains raw secret values (--show-secrets). Handle it as a secret.**\n")?;
    }

    writeln!(out, "## Summary\n\n### By severity\n")?;
    writeln!(out, "| severity | secrets | still present |\n|---|---:|---:|")?;
    for row in &r.summary.by_severity {
        writeln!(out, "| {} | {} | {} |", row.severity, row.secrets, row.still_present)?;
    }
    writeln!(out, "\n### By provider\n")?;
    if r.summary.by_provider.is_empty() {
        writeln!(out, "No secrets found.\n")?;
    } else {
        writeln!(out, "| provider | secrets | still present | highest severity |\n|---|---:|---:|---|")?;
        for row in &r.summary.by_provider {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&row.provider),
                row.secrets,
                row.still_present,
                row.highest_severity
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "## Inventory\n")?;
    if r.inventory.is_empty() {
        writeln!(out, "No unsuppressed secrets.\n")?;
    } else {
        let live = res.liveness.is_some();
        writeln!(
            out,
            "| # | severity | provider | rule | secret | fingerprint | first commit | last commit present | still in HEAD | places |{}",
            if live { " live |" } else { "" }
        )?;
        writeln!(out, "|---:|---|---|---|---|---|---|---|---|---:|{}", if live { "---|" } else { "" })?;
        for (i, e) in r.inventory.iter().enumerate() {
            write!(
                out,
                "| {} | {} | {} | {} | {} | `{}` | {} | {} | {} | {} |",
                i + 1,
                e.severity,
                escape(&e.provider),
                escape(&e.rule),
                escape(&e.secret),
                e.fingerprint,
                commit(e.first_commit.as_ref()),
                commit(e.last_commit.as_ref()),
                yes_no(e.in_head),
                e.locations.len()
            )?;
            if live {
                write!(out, " {} |", escape(&e.live_label()))?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
        for (i, e) in r.inventory.iter().enumerate() {
            entry(out, i + 1, e, s.working_tree.is_none())?;
        }
    }

    writeln!(out, "## Suppressed\n")?;
    if r.suppressed.is_empty() {
        writeln!(out, "Nothing was suppressed.\n")?;
    } else {
        writeln!(out, "| rule | provider | secret | fingerprint | reason | locations |\n|---|---|---|---|---|---|")?;
        for e in &r.suppressed {
            let places: Vec<String> = e
                .places
                .iter()
                .map(|g| {
                    let more = if g.places > 1 { format!(" (×{})", g.places) } else { String::new() };
                    format!("{}:{}{more}", escape(&g.path), g.line)
                })
                .collect();
            let reasons: Vec<String> = e.suppression.iter().map(|x| escape(x)).collect();
            writeln!(
                out,
                "| {} | {} | {} | `{}` | {} | {} |",
                escape(&e.rule),
                escape(&e.provider),
                escape(&e.secret),
                e.fingerprint,
                reasons.join("; "),
                places.join(", ")
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "## Scope\n\n| | |\n|---|---|")?;
    writeln!(out, "| repository | {} |", escape(&s.repository))?;
    writeln!(out, "| remote URL | {} |", s.remote_url.as_deref().map_or_else(|| "—".to_string(), escape))?;
    writeln!(out, "| HEAD | {} |", s.head.as_deref().map_or_else(|| "—".to_string(), |h| format!("`{h}`")))?;
    writeln!(out, "| branch | {} |", s.branch.as_deref().map_or_else(|| "—".to_string(), escape))?;
    // thousands of pull-request refs would fill pages: counts here, the list in the JSON report
    let kinds: Vec<String> = s.ref_kinds.iter().map(|k| format!("{} {}", k.count, k.kind)).collect();
    writeln!(
        out,
        "| refs covered | all refs and HEAD: {} (each ref is listed in the JSON report) |",
        if kinds.is_empty() { "none".into() } else { kinds.join(", ") }
    )?;
    match &s.commit_range {
        Some(cr) => writeln!(
            out,
            "| commit range | oldest {} … newest {} (by commit time) |",
            commit(Some(&cr.first)),
            commit(Some(&cr.last))
        )?,
        None => writeln!(out, "| commit range | no commits |")?,
    }
    writeln!(
        out,
        "| commits | {}{} |",
        s.commits,
        if s.shallow { " (shallow clone: older history missing)" } else { "" }
    )?;
    coverage(out, "history", "unique blobs", &s.history)?;
    match &s.working_tree {
        Some(w) => coverage(out, "working tree", "files", w)?,
        None => writeln!(out, "| working tree | no working tree (bare repository) |")?,
    }
    writeln!(out, "| size limit | {} |", human_bytes(s.max_file_size))?;
    writeln!(out, "| rules | {} (SHA-256 `{}`) |", s.rules.count, s.rules.sha256)?;
    writeln!(out, "| minimum confidence | {} |", s.min_confidence)?;
    writeln!(out, "| keyhound | {} |", escape(&r.tool.version))?;
    writeln!(out, "| started | {} |", escape(&s.started_at))?;
    writeln!(out, "| duration | {} |", human_duration(s.duration_ms))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(escape("a|b [x](y) <img> *z*\nq"), "a\\|b \\[x\\]\\(y\\) &lt;img&gt; \\*z\\* q");
    }
}
