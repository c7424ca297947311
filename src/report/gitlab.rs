//! GitLab's secret-detection report (`gl-secret-detection-report.json`), so merge requests
//! show findings in GitLab's security widget. Layout of GitLab's security report schema
//! version 15: `version`, `vulnerabilities` (id, name, description, severity, location with
//! file, lines and commit, identifiers) and `scan` (analyzer, scanner, type, times, status).
//! Secrets are never included, only their redacted form and fingerprint.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::report::Context;
use crate::rules::Severity;
use crate::scan::ScanOutcome;
use crate::source::git_history::rfc3339;

/// Schema version written.
pub const SCHEMA_VERSION: &str = "15.0.7";

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

fn gitlab_time(unix: u64) -> String {
    // GitLab wants `YYYY-MM-DDTHH:MM:SS` without a zone
    rfc3339(unix as i64, 0)[..19].to_string()
}

/// Writes the report.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let start = now.saturating_sub(outcome.stats.duration_ms / 1000);
    let scanner = json!({ "id": "keyhound", "name": "keyhound" });
    let vulns: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "file": f.path,
                "start_line": f.location.line,
                "end_line": f.location.end_line,
            });
            if let Some(c) = &f.commit {
                location["commit"] = json!({ "sha": c.id, "author": c.author, "date": c.date, "message": c.summary });
            }
            json!({
                "id": format!("{}-{}-{}", f.fingerprint, f.location.line, f.commit.as_ref().map_or("", |c| c.id.as_str())),
                "category": "secret_detection",
                "name": f.rule_name,
                "description": format!(
                    "{}{} found: {}.{} {}",
                    f.repository.as_deref().map_or(String::new(), |r| format!("{r}: ")),
                    f.rule_name,
                    ctx.secret(&f.secret),
                    crate::report::verification_note(f),
                    ctx.rules.get(f.rule_index).syntax.revoke
                ),
                "severity": if f.verification.as_ref().is_some_and(|v| v.status == crate::verify::Status::Active) {
                    "Critical"
                } else {
                    severity(f.severity)
                },
                "confidence": match f.confidence {
                    crate::rules::Confidence::High => "High",
                    crate::rules::Confidence::Medium => "Medium",
                    crate::rules::Confidence::Low => "Low",
                },
                "scanner": scanner,
                "location": location,
                "identifiers": [{
                    "type": "keyhound_rule_id",
                    "name": format!("keyhound rule {}", f.rule_id),
                    "value": f.rule_id,
                }],
                "raw_source_code_extract": ctx.snippet(f),
            })
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "vulnerabilities": vulns,
        "scan": {
            "analyzer": { "id": "keyhound", "name": "keyhound", "version": env!("CARGO_PKG_VERSION"),
                          "vendor": { "name": "keyhound" } },
            "scanner": { "id": "keyhound", "name": "keyhound", "version": env!("CARGO_PKG_VERSION"),
                         "vendor": { "name": "keyhound" } },
            "type": "secret_detection",
            "start_time": gitlab_time(start),
            "end_time": gitlab_time(now),
            "status": "success",
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
