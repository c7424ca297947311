//! `keyhound rules list`: the rules in effect, as a table or JSON.

use std::io::{self, Write};

use serde_json::json;

use crate::rules::RuleSet;

/// Writes the rule list.
pub fn write_list(out: &mut dyn Write, rules: &RuleSet, as_json: bool) -> io::Result<()> {
    if as_json {
        let v: Vec<serde_json::Value> = rules
            .rules()
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "name": r.name, "provider": r.provider, "severity": r.severity,
                    "confidence": r.confidence, "keywords": r.keywords, "regex": r.regex.pattern(),
                    "entropy": r.min_entropy, "references": r.syntax.references, "revoke": r.syntax.revoke,
                    "source": r.source,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        return out.write_all(b"\n");
    }
    let w = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    writeln!(out, "{:<w$}  {:<8}  {:<6}  {:<20}  NAME", "ID", "SEVERITY", "CONF", "PROVIDER")?;
    for r in rules.rules() {
        writeln!(
            out,
            "{:<w$}  {:<8}  {:<6}  {:<20}  {}",
            r.id,
            r.severity.as_str(),
            r.confidence.as_str(),
            r.provider,
            r.name
        )?;
    }
    let mut providers: Vec<&str> = rules.rules().iter().map(|r| r.provider.as_str()).collect();
    providers.sort_unstable();
    providers.dedup();
    writeln!(out, "\n{} rules, {} providers", rules.len(), providers.len())
}
