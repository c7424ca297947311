//! `keyhound rules list` and `keyhound rules show`: the rules in effect, as a table or JSON,
//! and one rule in full (what it finds, how to revoke and rotate such a credential).

use std::io::{self, Write};

use std::collections::BTreeMap;

use serde_json::json;

use crate::rules::file::Family;
use crate::rules::{Rule, RuleSet};

/// What a verifier or revoker sends where, in one line: `GET https://api.openai.com/v1/models,
/// the secret in the Authorization header`.
pub fn what_is_sent(v: &crate::verify::spec::RequestSyntax) -> String {
    match v.code.as_deref() {
        Some("aws-sts") => {
            "POST https://sts.amazonaws.com/ GetCallerIdentity, signed with the key pair (SigV4: the secret key itself is not sent)".to_string()
        }
        Some("github-revoke") => {
            "POST https://api.github.com/credentials/revoke, the token in the JSON body (unauthenticated, batched)".to_string()
        }
        Some(c) => format!("code `{c}`"),
        None => {
            let mut places = Vec::new();
            if v.url.contains("{secret") || v.url.contains("{part") {
                places.push("the URL".to_string());
            }
            for (k, t) in &v.headers {
                if t.contains("{secret") || t.contains("{part") {
                    places.push(format!("the {k} header"));
                }
            }
            if v.basic.is_some() {
                places.push("HTTP Basic auth".to_string());
            }
            if v.body.as_deref().is_some_and(|b| b.contains("{secret") || b.contains("{part")) {
                places.push("the body".to_string());
            }
            format!("{} {}, the secret in {}", v.method.as_str(), v.url.split('?').next().unwrap_or(""), places.join(" and "))
        }
    }
}

/// Writes one rule: identity, what it matches, revoke guidance, references.
pub fn write_show(out: &mut dyn Write, r: &Rule, as_json: bool) -> io::Result<()> {
    if as_json {
        let v = json!({
            "id": r.id, "name": r.name, "provider": r.provider, "family": r.syntax.family, "severity": r.severity,
            "confidence": r.confidence, "keywords": r.keywords, "regex": r.regex.as_ref().map(|x| x.pattern()),
            "check": r.check.map(|c| format!("{c:?}")), "entropy": r.min_entropy, "generic": r.generic,
            "references": r.syntax.references, "revoke": r.syntax.revoke, "source": r.source,
            "verify": r.syntax.verify.as_ref().map(what_is_sent),
            "revocation": r.syntax.revocation.as_ref().map(what_is_sent),
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
    if let Some(v) = &r.syntax.verify {
        writeln!(out, "  --verify   {}", what_is_sent(v))?;
    }
    if let Some(v) = &r.syntax.revocation {
        writeln!(out, "  revoke     {} (keyhound revoke)", what_is_sent(v))?;
    }
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
                    "verify": r.syntax.verify.as_ref().map(what_is_sent),
                    "revocation": r.syntax.revocation.as_ref().map(what_is_sent),
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
