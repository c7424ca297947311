//! JSON report, format version 1.
//!
//! ```text
//! {
//!   "version": 1,
//!   "tool": { "name": "keyhound", "version": "0.1.0" },
//!   "findings": [ Finding… ],
//!   "suppressed": [ Finding + { "suppression": { "kind": "path_allowlist", "detail": "fixtures/**" } } ],
//!   "stats": { "files_scanned", "bytes_scanned", "skipped": { reason: { "files", "bytes" } },
//!              "findings", "suppressed": { reason: count }, "rules", "duration_ms" }
//! }
//! ```
//!
//! A finding: `rule`, `rule_name`, `provider`, `severity`, `confidence`, `path`, `line`,
//! `column`, `end_line`, `end_column` (1-based; end column exclusive, SARIF style; the span of
//! all parts), `secret` (redacted unless `--show-secrets`), `secret_redacted` (bool),
//! `snippet`, `entropy`, `fingerprint`, and `parts` (`name`, `secret`, `line`, `column`,
//! `end_line`, `end_column`) for multi-part credentials. History scans add `commit` (`id`,
//! `author`, `email`, `date`, `summary`: the commit that introduced the blob at this path),
//! `blob` (its id) and `present_at_head` (the same secret is still in HEAD's tree). A secret
//! found in decoded text adds `decoded` (the decoders applied, outermost first, e.g.
//! `["base64"]`); its location is the encoded span's. Image scans add `layer` (`index`,
//! `digest`, `created_by`); findings in Jupyter notebooks add `notebook_cell` (1-based). With
//! `--verify`, a finding whose rule has a verifier adds `verification` (`status`: active,
//! inactive, unknown or error; `reason`; `details`; `host`) and `stats.verification` sums them.
//! Many-repository scans add `repository` (its URL without credentials) to each finding and a
//! top-level `coverage` (`repositories`: each one's `status` scanned or failed, `reason`,
//! `incremental`, `commits`, `findings`, `tips`; `other_shards`; `shard`). `tool.rules_sha256`
//! identifies the rule set (`keyhound merge` refuses reports made with different rules).
//! JSONL lines are the same objects.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::finding::{Finding, Location};
use crate::report::{Context, JSON_FORMAT_VERSION};
use crate::scan::ScanOutcome;

fn loc(l: &Location) -> [(&'static str, Value); 4] {
    [
        ("line", json!(l.line)),
        ("column", json!(l.column)),
        ("end_line", json!(l.end_line)),
        ("end_column", json!(l.end_column)),
    ]
}

/// The JSON object of one finding.
pub fn finding_value(f: &Finding, ctx: &Context<'_>) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("rule".into(), json!(f.rule_id));
    m.insert("rule_name".into(), json!(f.rule_name));
    m.insert("provider".into(), json!(f.provider));
    m.insert("severity".into(), json!(f.severity));
    m.insert("confidence".into(), json!(f.confidence));
    if let Some(r) = &f.repository {
        m.insert("repository".into(), json!(r.as_ref()));
    }
    m.insert("path".into(), json!(f.path));
    for (k, v) in loc(&f.location) {
        m.insert(k.into(), v);
    }
    m.insert("secret".into(), json!(ctx.secret(&f.secret)));
    m.insert("secret_redacted".into(), json!(!ctx.show_secrets));
    m.insert("snippet".into(), json!(ctx.snippet(f)));
    m.insert("entropy".into(), json!(f.entropy));
    m.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(c) = &f.commit {
        m.insert("commit".into(), json!(c.as_ref()));
    }
    if let Some(b) = &f.blob {
        m.insert("blob".into(), json!(b));
    }
    if let Some(p) = f.present_at_head {
        m.insert("present_at_head".into(), json!(p));
    }
    if !f.decoded.is_empty() {
        m.insert("decoded".into(), json!(f.decoded));
    }
    if let Some(l) = &f.layer {
        m.insert("layer".into(), json!(l.as_ref()));
    }
    if let Some(c) = f.cell {
        m.insert("notebook_cell".into(), json!(c));
    }
    if let Some(v) = &f.verification {
        m.insert("verification".into(), json!(v.as_ref()));
    }
    if !f.parts.is_empty() {
        let parts: Vec<Value> = f
            .parts
            .iter()
            .map(|p| {
                let mut pm = serde_json::Map::new();
                pm.insert("name".into(), json!(p.name));
                pm.insert("secret".into(), json!(ctx.secret(&p.secret)));
                for (k, v) in loc(&p.location) {
                    pm.insert(k.into(), v);
                }
                Value::Object(pm)
            })
            .collect();
        m.insert("parts".into(), Value::Array(parts));
    }
    Value::Object(m)
}

/// Writes the whole report.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    let findings: Vec<Value> = outcome.findings.iter().map(|f| finding_value(f, ctx)).collect();
    let suppressed: Vec<Value> = outcome
        .suppressed
        .iter()
        .map(|s| {
            let mut v = finding_value(&s.finding, ctx);
            v["suppression"] = json!(s.reason);
            v
        })
        .collect();
    let mut doc = json!({
        "version": JSON_FORMAT_VERSION,
        "tool": { "name": "keyhound", "version": env!("CARGO_PKG_VERSION"), "rules_sha256": ctx.rules.digest() },
        "findings": findings,
        "suppressed": suppressed,
        "stats": outcome.stats,
    });
    if let Some(c) = &outcome.coverage {
        doc["coverage"] = json!(c);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
