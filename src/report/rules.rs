//! `keyhound rules list` and `keyhound rules show`: the rules in effect, as a table or JSON,
//! and one rule in full (what it finds, how to revoke and rotate such a credential).

use std::io::{self, Write};

use std::collections::BTreeMap;

use serde_json::json;

use crate::rules::file::Family;
use crate::rules::{Rule, RuleSet};

/// Writes one rule: identity, what it matches, revoke guidance, references.
pub fn write_show(out: &mut dyn Write, r: &Rule, as_json: bool) -> io::Result<()> {
    if as_json {
        let v = json!({
            "id": r.id, "name": r.name, "provider": r.provider, "family": r.syntax.family, "severity": r.severity,
            "confidence": r.confidence, "keywords": r.keywords, "regex": r.regex.as_ref().map(|x| x.pattern()),
            "check": r.check.map(|c| format!("{c:?}")), "entropy": r.min_entropy, "generic": r.generic,
            "references": r.syntax.references, "revoke": r.syntax.revoke, "source": r.source,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        return out.write_all(b"\n");
    }
    writeln!(out, "{} — {} ({})", r.id, r.name, r.provider)?;
    writeln!(
        out,
        "  severity {}, confidence {}{}",
        r.severity,
        r.confidence,
        if r.generic { ", generic" } else { "" }
    )?;
    if let Some(re) = &r.regex {
        writeln!(out, "  matches    {}", re.pattern())?;
    }
    if !r.keywords.is_empty() {
        writeln!(out, "  keywords   {}", r.keywords.join(", "))?;
    }
    writeln!(out, "  defined in {}", r.source)?;
    writeln!(out, "\nRevoke and rotate:\n  {}", r.syntax.revoke.trim())?;
    writeln!(
        out,
        "  Rotate before removing: the value is exposed to anyone who saw the code or its history. Then \
         load the new value from a secret store or the environment."
    )?;
    if !r.syntax.references.is_empty() {
        writeln!(out, "\nReferences:")?;
        for u in &r.syntax.references {
            writeln!(out, "  {u}")?;
        }
    }
    Ok(())
}

/// Writes the rule list.
pub fn write_list(out: &mut dyn Write, rules: &RuleSet, as_json: bool) -> io::Result<()> {
    if as_json {
        let v: Vec<serde_json::Value> = rules
            .rules()
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "name": r.name, "provider": r.provider, "family": r.syntax.family, "severity": r.severity,
                    "confidence": r.confidence, "keywords": r.keywords, "regex": r.regex.as_ref().map(|x| x.pattern()), "assign": r.syntax.assign, "file": r.syntax.file,
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
    writeln!(out, "\nProviders by family:")?;
    let mut by_family: BTreeMap<Option<Family>, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in rules.rules() {
        *by_family.entry(r.syntax.family).or_default().entry(r.provider.as_str()).or_default() += 1;
    }
    for (family, providers) in &by_family {
        let title = family.map_or("Other (no family set)", Family::title);
        let n: usize = providers.values().sum();
        let names: Vec<&str> = providers.keys().copied().collect();
        writeln!(out, "  {title} ({n} rules): {}", names.join(", "))?;
    }
    let providers: usize = by_family.values().map(BTreeMap::len).sum();
    writeln!(out, "\n{} rules, {} providers", rules.len(), providers)
}
