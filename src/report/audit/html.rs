//! The audit report as one self-contained HTML page: inline CSS, no scripts, no external
//! assets (a Content-Security-Policy forbids loading any), readable on screen and on paper
//! (print CSS: no page breaks inside a row or a secret, link targets spelled out, colours kept).
//!
//! Every text printed is escaped with [`escape`]; links are made only for `http(s)` rule
//! references.

use std::io::{self, Write};

use crate::report::audit::model::{AuditReport, Coverage, Outcome, SecretEntry};
use crate::report::audit::{human_bytes, human_duration, short, yes_no};
use crate::source::CommitInfo;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 0 0 .5rem; font-size: 1.1rem; }
.meta { color: #555; margin-top: 0; }
.verdict { padding: .8rem 1rem; border-radius: 6px; font-size: 1.15rem; margin: 1rem 0; }
.verdict strong { font-size: 1.4rem; margin-right: .5rem; }
.pass { background: #e7f5ea; border: 2px solid #1e7e34; }
.fail { background: #fdecec; border: 2px solid #b00020; }
.warning { background: #fff4d6; border: 1px solid #b38600; padding: .5rem 1rem; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 90%; overflow-wrap: anywhere; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 85%; }
.sev-critical { color: #8b0000; } .sev-high { color: #b00020; } .sev-medium { color: #8a5a00; } .sev-low { color: #2f5f8a; }
.secret { border: 1px solid #ccc; border-left: 6px solid #b00020; border-radius: 6px; padding: .6rem 1rem; margin: 1rem 0; }
.secret.suppressed { border-left-color: #888; }
.secret dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
.secret dt { font-weight: 600; color: #444; }
.secret dd { margin: 0; }
.action { background: #fff4d6; padding: .4rem .6rem; border-radius: 4px; }
.muted { color: #666; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .verdict, .pass, .fail, th, .action, .warning, .secret { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, .secret, .verdict { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  thead { display: table-header-group; }
}
"#;

fn commit(c: Option<&CommitInfo>) -> String {
    match c {
        Some(c) => format!(
            "<code title=\"{}\">{}</code> {} &lt;{}&gt;, {} — {}",
            escape(&c.id),
            escape(short(&c.id)),
            escape(&c.author),
            escape(&c.email),
            escape(&c.date),
            escape(&c.summary)
        ),
        None => "<span class=\"muted\">never committed</span>".to_string(),
    }
}

fn sev(s: crate::rules::Severity) -> String {
    format!("<span class=\"sev sev-{s}\">{s}</span>")
}

fn link(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{0}\">{0}</a>", escape(url))
    } else {
        escape(url)
    }
}

fn coverage(out: &mut dyn Write, what: &str, unit: &str, c: &Coverage) -> io::Result<()> {
    writeln!(out, "<tr><th>{what}</th><td>{} {unit}, {}", c.scanned, escape(&human_bytes(c.bytes)))?;
    if !c.skipped.is_empty() {
        write!(out, "; skipped: <ul>")?;
        for s in &c.skipped {
            write!(
                out,
                "<li><code>{}</code>: {} files ({}) — {}</li>",
                escape(&s.reason),
                s.files,
                escape(&human_bytes(s.bytes)),
                escape(&s.why)
            )?;
        }
        write!(out, "</ul>")?;
    }
    writeln!(out, "</td></tr>")
}

fn entry(out: &mut dyn Write, n: usize, e: &SecretEntry, suppressed: bool, bare: bool) -> io::Result<()> {
    let class = if suppressed { "secret suppressed" } else { "secret" };
    writeln!(out, "<article class=\"{class}\" id=\"secret-{}\">", escape(&e.fingerprint))?;
    writeln!(out, "<h3>{n}. {} — {} {}</h3>", escape(&e.rule_name), escape(&e.provider), sev(e.severity))?;
    writeln!(out, "<dl>")?;
    writeln!(out, "<dt>Fingerprint</dt><dd><code>{}</code></dd>", escape(&e.fingerprint))?;
    writeln!(out, "<dt>Rule</dt><dd><code>{}</code> (confidence {})</dd>", escape(&e.rule), e.confidence)?;
    writeln!(out, "<dt>Secret</dt><dd><code class=\"value\">{}</code></dd>", escape(&e.secret))?;
    writeln!(out, "<dt>First commit</dt><dd class=\"first-commit\">{}</dd>", commit(e.first_commit.as_ref()))?;
    writeln!(
        out,
        "<dt>Last commit present</dt><dd class=\"last-commit\">{} (in {})</dd>",
        commit(e.last_commit.as_ref()),
        super::plural(e.commits_present, "commit")
    )?;
    if e.first_commit.is_some() {
        writeln!(out, "<dt>Reached from refs</dt><dd class=\"refs\">{}</dd>", escape(&super::refs_summary(&e.refs)))?;
        if !e.ref_tips.is_empty() {
            writeln!(
                out,
                "<dt>Still held by the tip of</dt><dd class=\"ref-tips\">{}</dd>",
                escape(&super::refs_summary(&e.ref_tips))
            )?;
        }
    }
    writeln!(out, "<dt>This secret is still in HEAD</dt><dd class=\"in-head\">{}</dd>", yes_no(e.in_head))?;
    if bare {
        writeln!(out, "<dt>Working tree</dt><dd>none (bare repository)</dd>")?;
    } else {
        writeln!(out, "<dt>In the working tree</dt><dd>{}</dd>", yes_no(e.in_working_tree))?;
    }
    if !e.suppression.is_empty() {
        let reasons: Vec<String> = e.suppression.iter().map(|r| escape(r)).collect();
        writeln!(out, "<dt>Suppressed</dt><dd class=\"reason\">{}</dd>", reasons.join("; "))?;
    }
    if let Some(t) = &e.triage {
        writeln!(
            out,
            "<dt>Triage hint</dt><dd class=\"triage\">{} <span class=\"muted\">({})</span></dd>",
            escape(&t.hint),
            escape(&t.signals.join(", "))
        )?;
    }
    writeln!(out, "<dt>Action required</dt><dd class=\"action\">{}</dd>", escape(&e.action))?;
    if !e.references.is_empty() {
        let refs: Vec<String> = e.references.iter().map(|r| link(r)).collect();
        writeln!(out, "<dt>References</dt><dd>{}</dd>", refs.join("<br>"))?;
    }
    writeln!(out, "</dl>")?;
    writeln!(
        out,
        "<table class=\"places\"><thead><tr><th>where</th><th>path</th><th class=\"num\">places</th><th class=\"num\">commits</th><th class=\"num\">first line:col</th><th>this file in HEAD</th><th>suppressed</th></tr></thead><tbody>"
    )?;
    for g in &e.places {
        writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}:{}</td><td>{}</td><td>{}</td></tr>",
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
    writeln!(out, "</tbody></table>")?;
    let first = e.locations.first().map(|l| escape(&l.snippet)).unwrap_or_default();
    writeln!(out, "<p class=\"muted\">First place: <code>{first}</code>. Every place is in the JSON report.</p>")?;
    writeln!(out, "</article>")
}

/// Writes the HTML report.
pub fn write(out: &mut dyn Write, r: &AuditReport) -> io::Result<()> {
    let s = &r.scope;
    let res = &r.result;
    let title = format!("keyhound audit: {}", super::repo_name(&s.repository));
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(out, "<meta name=\"generator\" content=\"keyhound {}\">", escape(&r.tool.version))?;
    writeln!(out, "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>", escape(&title))?;
    writeln!(out, "<header>\n<h1>{}</h1>", escape(&title))?;
    writeln!(
        out,
        "<p class=\"meta\">{}{} · HEAD {} · {} commits · audited {} · keyhound {}</p>\n</header>",
        escape(&s.repository),
        s.remote_url.as_deref().map_or_else(String::new, |u| format!(" ({})", escape(u))),
        s.head.as_deref().map_or_else(|| "—".to_string(), |h| format!("<code>{}</code>", escape(short(h)))),
        s.commits,
        escape(&s.started_at),
        escape(&r.tool.version)
    )?;
    let class = if res.verdict == Outcome::Pass { "pass" } else { "fail" };
    writeln!(
        out,
        "<section class=\"verdict {class}\" id=\"verdict\"><strong>{}</strong> {} distinct secret(s) found, {} still present in HEAD or the working tree; {} finding(s); {} suppressed secret(s).</section>",
        res.verdict.label(),
        res.secrets,
        res.still_present,
        res.findings,
        res.suppressed_secrets
    )?;
    if let Some(l) = &res.liveness {
        let class = if l.active > 0 { "fail" } else { "pass" };
        writeln!(
            out,
            "<section class=\"verdict {class}\" id=\"liveness\">{}</section>",
            escape(&l.sentence(res.secrets))
        )?;
    }
    if r.secrets_shown {
        writeln!(
            out,
            "<p class=\"warning\"><strong>This report contains raw secret values (--show-secrets). Handle it as a secret.</strong></p>"
        )?;
    } else {
        writeln!(out, "<p class=\"muted\">Secret values are redacted; fingerprints identify them.</p>")?;
    }

    writeln!(out, "<section id=\"summary\">\n<h2>Summary</h2>\n<h3>By severity</h3>")?;
    writeln!(
        out,
        "<table id=\"by-severity\"><thead><tr><th>severity</th><th class=\"num\">secrets</th><th class=\"num\">still present</th></tr></thead><tbody>"
    )?;
    for row in &r.summary.by_severity {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            sev(row.severity),
            row.secrets,
            row.still_present
        )?;
    }
    writeln!(out, "</tbody></table>\n<h3>By provider</h3>")?;
    if r.summary.by_provider.is_empty() {
        writeln!(out, "<p id=\"by-provider\">No secrets found.</p>")?;
    } else {
        writeln!(
            out,
            "<table id=\"by-provider\"><thead><tr><th>provider</th><th class=\"num\">secrets</th><th class=\"num\">still present</th><th>highest severity</th></tr></thead><tbody>"
        )?;
        for row in &r.summary.by_provider {
            writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&row.provider),
                row.secrets,
                row.still_present,
                sev(row.highest_severity)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    writeln!(out, "</section>")?;

    writeln!(out, "<section id=\"inventory\">\n<h2>Inventory</h2>")?;
    if r.inventory.is_empty() {
        writeln!(out, "<p>No unsuppressed secrets.</p>")?;
    } else {
        writeln!(
            out,
            "<table id=\"inventory-table\"><thead><tr><th class=\"num\">#</th><th>severity</th><th>provider</th><th>rule</th><th>secret</th><th>first commit</th><th>last commit present</th><th>in HEAD</th><th class=\"num\">locations</th>{}</tr></thead><tbody>",
            if res.liveness.is_some() { "<th>live</th>" } else { "" }
        )?;
        for (i, e) in r.inventory.iter().enumerate() {
            let fc = e.first_commit.as_ref().map_or("—", |c| short(&c.id));
            let lc = e.last_commit.as_ref().map_or("—", |c| short(&c.id));
            writeln!(
                out,
                "<tr><td class=\"num\"><a href=\"#secret-{}\">{}</a></td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>{}</tr>",
                escape(&e.fingerprint),
                i + 1,
                sev(e.severity),
                escape(&e.provider),
                escape(&e.rule),
                escape(&e.secret),
                escape(fc),
                escape(lc),
                yes_no(e.in_head),
                e.locations.len(),
                if res.liveness.is_some() { format!("<td>{}</td>", escape(&e.live_label())) } else { String::new() }
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        for (i, e) in r.inventory.iter().enumerate() {
            entry(out, i + 1, e, false, s.working_tree.is_none())?;
        }
    }
    writeln!(out, "</section>")?;

    writeln!(out, "<section id=\"suppressed\">\n<h2>Suppressed</h2>")?;
    if r.suppressed.is_empty() {
        writeln!(out, "<p>Nothing was suppressed.</p>")?;
    } else {
        for (i, e) in r.suppressed.iter().enumerate() {
            entry(out, i + 1, e, true, s.working_tree.is_none())?;
        }
    }
    writeln!(out, "</section>")?;

    writeln!(out, "<section id=\"scope\">\n<h2>Scope</h2>\n<table><tbody>")?;
    let dash = || "—".to_string();
    writeln!(out, "<tr><th>repository</th><td><code>{}</code></td></tr>", escape(&s.repository))?;
    writeln!(out, "<tr><th>remote URL</th><td>{}</td></tr>", s.remote_url.as_deref().map_or_else(dash, escape))?;
    writeln!(out, "<tr><th>HEAD</th><td><code>{}</code></td></tr>", s.head.as_deref().map_or_else(dash, escape))?;
    writeln!(out, "<tr><th>branch</th><td>{}</td></tr>", s.branch.as_deref().map_or_else(dash, escape))?;
    let kinds: Vec<String> = s.ref_kinds.iter().map(|k| format!("{} {}", k.count, escape(&k.kind))).collect();
    writeln!(
        out,
        "<tr><th>refs covered</th><td>all refs and HEAD: {} <span class=\"muted\">(each ref is listed in the JSON report)</span></td></tr>",
        if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") }
    )?;
    match &s.commit_range {
        Some(cr) => writeln!(
            out,
            "<tr><th>commit range</th><td>oldest: {}<br>newest: {} <span class=\"muted\">(by commit time)</span></td></tr>",
            commit(Some(&cr.first)),
            commit(Some(&cr.last))
        )?,
        None => writeln!(out, "<tr><th>commit range</th><td>no commits</td></tr>")?,
    }
    writeln!(
        out,
        "<tr><th>commits</th><td>{}{}</td></tr>",
        s.commits,
        if s.shallow { " (shallow clone: older history is missing)" } else { "" }
    )?;
    coverage(out, "history", "unique blobs", &s.history)?;
    match &s.working_tree {
        Some(w) => coverage(out, "working tree", "files", w)?,
        None => writeln!(out, "<tr><th>working tree</th><td>no working tree (bare repository)</td></tr>")?,
    }
    writeln!(out, "<tr><th>size limit</th><td>{}</td></tr>", escape(&human_bytes(s.max_file_size)))?;
    writeln!(
        out,
        "<tr><th>rules</th><td>{} (SHA-256 <code>{}</code>)</td></tr>",
        s.rules.count,
        escape(&s.rules.sha256)
    )?;
    writeln!(out, "<tr><th>minimum confidence</th><td>{}</td></tr>", s.min_confidence)?;
    writeln!(out, "<tr><th>keyhound</th><td>{}</td></tr>", escape(&r.tool.version))?;
    writeln!(out, "<tr><th>started</th><td>{}</td></tr>", escape(&s.started_at))?;
    writeln!(out, "<tr><th>duration</th><td>{}</td></tr>", escape(&human_duration(s.duration_ms)))?;
    writeln!(out, "</tbody></table>\n</section>\n</body>\n</html>")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x&'y")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;"
        );
    }
}
