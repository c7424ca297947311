//! The organisation-wide evidence report of `keyhound merge --report`: per-repository coverage
//! (scanned or failed and why, commits, tips), the rules used, and the inventory of distinct
//! secrets with the repositories holding each; Markdown or one self-contained HTML page,
//! rendered from the merged JSON.

use std::io::{self, Write};

use serde_json::Value;

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('\n', " ")
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        v => v.to_string(),
    }
}

struct Row(Vec<String>);

fn coverage_rows(doc: &Value) -> Vec<Row> {
    doc.pointer("/coverage/repositories")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            Row(vec![
                text(&r["repository"]),
                text(&r["status"]),
                if r["incremental"].as_bool() == Some(true) { "new commits only".into() } else { "full".into() },
                text(&r["commits"]),
                text(&r["findings"]),
                r["tips"].as_array().map_or(0, Vec::len).to_string(),
                r["reason"].as_str().unwrap_or("").to_string(),
            ])
        })
        .collect()
}

fn inventory_rows(doc: &Value) -> Vec<Row> {
    doc["inventory"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let repos: Vec<String> = e["repositories"].as_array().into_iter().flatten().map(text).collect();
            Row(vec![
                text(&e["severity"]),
                text(&e["provider"]),
                text(&e["rule"]),
                text(&e["secret"]),
                text(&e["fingerprint"]),
                repos.join(", "),
                text(&e["places"]),
            ])
        })
        .collect()
}

const COVERAGE: [&str; 7] = ["repository", "status", "scan", "commits", "findings", "ref tips", "reason"];
const INVENTORY: [&str; 7] = ["severity", "provider", "rule", "secret", "fingerprint", "repositories", "places"];

fn headline(doc: &Value) -> (String, Vec<String>) {
    let rows = coverage_rows(doc);
    let failed = rows.iter().filter(|r| r.0[1] == "failed").count();
    let secrets = doc["inventory"].as_array().map_or(0, Vec::len);
    let repos_with: std::collections::BTreeSet<String> = doc["inventory"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["repositories"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let head = format!(
        "{} distinct secret(s) in {} of {} repositories scanned; {} failed.",
        secrets,
        repos_with.len(),
        rows.len() - failed,
        failed
    );
    let mut notes = vec![format!(
        "Rules: SHA-256 {} (every shard used the same). keyhound {}. Merged from {}.",
        text(&doc["tool"]["rules_sha256"]),
        text(&doc["tool"]["version"]),
        doc["merged_from"].as_array().map_or(0, Vec::len)
    )];
    if let Some(m) = doc.pointer("/coverage/missing_shards").and_then(Value::as_array).filter(|m| !m.is_empty()) {
        let m: Vec<String> = m.iter().map(text).collect();
        notes.push(format!("Missing shards: {}: their repositories are not in this report.", m.join(", ")));
    }
    (head, notes)
}

/// Writes the Markdown form.
pub fn write_markdown(out: &mut dyn Write, doc: &Value) -> io::Result<()> {
    let (head, notes) = headline(doc);
    writeln!(out, "# keyhound: organisation-wide secret inventory\n\n**{head}**\n")?;
    for n in notes {
        writeln!(out, "{}\n", md(&n))?;
    }
    for (title, cols, rows) in
        [("Coverage", COVERAGE, coverage_rows(doc)), ("Inventory of distinct secrets", INVENTORY, inventory_rows(doc))]
    {
        writeln!(out, "## {title}\n")?;
        if rows.is_empty() {
            writeln!(out, "None.\n")?;
            continue;
        }
        writeln!(out, "| {} |\n|{}", cols.join(" | "), "---|".repeat(cols.len()))?;
        for r in rows {
            let cells: Vec<String> = r.0.iter().map(|c| md(c)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Writes the HTML form (no scripts, no external assets).
pub fn write_html(out: &mut dyn Write, doc: &Value) -> io::Result<()> {
    let (head, notes) = headline(doc);
    writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>keyhound: organisation-wide secret inventory</title>\n<style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}</style></head><body>"
    )?;
    writeln!(out, "<h1>keyhound: organisation-wide secret inventory</h1>\n<p><strong>{}</strong></p>", html(&head))?;
    for n in notes {
        writeln!(out, "<p>{}</p>", html(&n))?;
    }
    for (id, title, cols, rows) in [
        ("coverage", "Coverage", COVERAGE, coverage_rows(doc)),
        ("inventory", "Inventory of distinct secrets", INVENTORY, inventory_rows(doc)),
    ] {
        writeln!(out, "<section id=\"{id}\"><h2>{title}</h2>")?;
        if rows.is_empty() {
            writeln!(out, "<p>None.</p></section>")?;
            continue;
        }
        let th: String = cols.iter().map(|c| format!("<th>{c}</th>")).collect();
        writeln!(out, "<table><thead><tr>{th}</tr></thead><tbody>")?;
        for r in rows {
            let td: String = r.0.iter().map(|c| format!("<td>{}</td>", html(c))).collect();
            writeln!(out, "<tr>{td}</tr>")?;
        }
        writeln!(out, "</tbody></table></section>")?;
    }
    writeln!(out, "</body></html>")
}
