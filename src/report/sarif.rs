//! SARIF 2.1.0, built with `serde-sarif`'s types, in the shape GitHub code scanning accepts.
//!
//! `tool.driver.rules` lists every rule that has a result (with help text saying how to revoke
//! and rotate the credential and a `security-severity`); each result has `ruleId`,
//! `ruleIndex`, `level`, a message without the raw secret, a physical location relative to
//! `%SRCROOT%`, and `partialFingerprints` derived from the rule and the secret, so an alert is
//! tracked when the secret moves. Suppressed findings are results with `suppressions`.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde_json::json;
use serde_sarif::sarif::{
    ArtifactContent, ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, RunAutomationDetails,
    Sarif, Suppression, Tool, ToolComponent, VersionControlDetails,
};

use crate::finding::Finding;
use crate::report::Context;
use crate::rules::{Rule, Severity};
use crate::scan::ScanOutcome;

/// Where the official schema lives (also kept in `fixtures/schema/`).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub code scanning's limit of results per run.
pub const MAX_RESULTS: usize = 25_000;
/// The `uriBaseId` of the repository's root when the scan root is a directory inside it.
const REPO_ROOT: &str = "REPOROOT";
/// keyhound's home page.
pub const INFORMATION_URI: &str = "https://github.com/keyhound/keyhound";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let refs = rule.syntax.references.join(", ");
    let help_text = format!(
        "{} ({}). To fix: {} Then remove it from the code and history, and load it from a secret store or environment variable. References: {}",
        rule.name, rule.provider, rule.syntax.revoke, refs
    );
    let mut md = format!(
        "**{}** ({}) was found in the code.\n\n**Revoke and rotate:** {}\n\nRotate before removing: the key is already exposed to anyone with the history. Then load the new key from a secret store or an environment variable.\n",
        rule.name, rule.provider, rule.syntax.revoke
    );
    if !rule.syntax.references.is_empty() {
        md.push_str("\n**Format documentation:**\n");
        for r in &rule.syntax.references {
            md.push_str(&format!("- <{r}>\n"));
        }
    }
    let mut props = BTreeMap::new();
    props.insert("security-severity".to_string(), json!(rule.severity.security_severity()));
    props.insert(
        "precision".to_string(),
        json!(match rule.confidence {
            crate::rules::Confidence::High => "very-high",
            crate::rules::Confidence::Medium => "high",
            crate::rules::Confidence::Low => "medium",
        }),
    );
    props.insert("provider".to_string(), json!(rule.provider));
    let mut d = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(sarif_name(rule))
        .short_description(text(format!("{} ({})", rule.name, rule.provider)))
        .full_description(text(format!(
            "A {} credential issued by {}. Severity {}, confidence {}.",
            rule.name, rule.provider, rule.severity, rule.confidence
        )))
        .help(MultiformatMessageString::builder().text(help_text).markdown(md).build())
        .default_configuration(ReportingConfiguration::builder().level(json!(level(rule.severity))).build())
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    "security".to_string(),
                    "secret".to_string(),
                    format!("external/provider/{}", rule.provider),
                ])
                .additional_properties(props)
                .build(),
        )
        .build();
    d.help_uri = rule.syntax.references.first().cloned();
    d
}

/// A rule's name as the Pascal-case identifier SARIF's `name` should be, distinct from its id
/// (`JSON Web Token` -> `JsonWebToken`, `PKCS#8 private key (PEM)` -> `Pkcs8PrivateKeyPem`);
/// the human-readable name is the short description.
fn sarif_name(rule: &Rule) -> String {
    let mut name: String = rule
        .name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut cs = lower.chars();
            cs.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(cs).collect::<String>()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Secret");
    }
    if name.eq_ignore_ascii_case(&rule.id) {
        name.push_str("Credential");
    }
    name
}

fn result(f: &Finding, rule_index: usize, suppression: Option<Suppression>, ctx: &Context<'_>) -> SarifResult {
    let region = Region::builder()
        .start_line(f.location.line as i64)
        .start_column(f.location.column as i64)
        .end_line(f.location.end_line as i64)
        .end_column(f.location.end_column as i64)
        // the line as the text report shows it: secrets redacted unless --show-secrets
        .snippet(ArtifactContent::builder().text(ctx.snippet(f)).build())
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(&f.path)).uri_base_id("%SRCROOT%".to_string()).build())
        .region(region)
        .build();
    let mut fp = BTreeMap::new();
    fp.insert("keyhound/v1".to_string(), f.fingerprint.to_string());
    let mut props = BTreeMap::new();
    props.insert("severity".to_string(), json!(f.severity));
    props.insert("confidence".to_string(), json!(f.confidence));
    props.insert("fingerprint".to_string(), json!(f.fingerprint));
    props.insert("secret".to_string(), json!(ctx.secret(&f.secret)));
    props.insert("entropy".to_string(), json!(f.entropy));
    if let Some(c) = &f.commit {
        props.insert("commit".to_string(), json!(c.as_ref()));
        fp.insert("keyhound/commit".to_string(), c.id.clone());
    }
    if let Some(h) = f.present_at_head {
        props.insert("presentAtHead".to_string(), json!(h));
    }
    if !f.decoded.is_empty() {
        props.insert("decoded".to_string(), json!(f.decoded));
    }
    if let Some(l) = &f.layer {
        props.insert("layer".to_string(), json!(l.as_ref()));
    }
    if let Some(c) = f.cell {
        props.insert("notebookCell".to_string(), json!(c));
    }
    if let Some(v) = &f.verification {
        props.insert("verification".to_string(), json!(v.as_ref()));
    }
    if let Some(r) = &f.repository {
        props.insert("repository".to_string(), json!(r.as_ref()));
        fp.insert("keyhound/repository".to_string(), r.to_string());
    }
    let active = f.verification.as_ref().is_some_and(|v| v.status == crate::verify::Status::Active);
    let msg = format!(
        "{} found: {} (fingerprint {}).{} Revoke and rotate it, then remove it from the code.",
        f.rule_name,
        f.secret.redacted(),
        f.fingerprint,
        crate::report::verification_note(f)
    );
    let b = SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .rule_index(rule_index as i64)
        .level(if active { ResultLevel::Error } else { level(f.severity) })
        .message(Message::builder().text(msg).build())
        .locations(vec![Location::builder().physical_location(physical).build()])
        .partial_fingerprints(fp)
        .properties(PropertyBag::builder().additional_properties(props).build());
    match suppression {
        Some(s) => b.suppressions(vec![s]).build(),
        None => b.build(),
    }
}

/// Percent-encodes what a relative URI reference cannot hold as is.
fn uri(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, crate::source::provenance::PATH_SET).to_string()
}

/// Writes the SARIF log.
pub fn write(out: &mut dyn Write, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    let mut index: HashMap<usize, usize> = HashMap::new();
    let mut rules = Vec::new();
    let all = outcome.findings.iter().chain(outcome.suppressed.iter().map(|s| &s.finding));
    for f in all {
        index.entry(f.rule_index).or_insert_with(|| {
            rules.push(descriptor(ctx.rules.get(f.rule_index)));
            rules.len() - 1
        });
    }
    let mut results: Vec<SarifResult> =
        outcome.findings.iter().map(|f| result(f, index[&f.rule_index], None, ctx)).collect();
    for s in &outcome.suppressed {
        let kind = match s.reason {
            crate::policy::Suppression::Inline | crate::policy::Suppression::GitleaksAllow => "inSource",
            _ => "external",
        };
        let justification = match &s.reason {
            crate::policy::Suppression::PathAllowlist(glob) => format!("path allowlist `{glob}`"),
            crate::policy::Suppression::RuleAllowlist(what) => format!("configured allowlist ({what})"),
            other => other.name().replace('_', " "),
        };
        let sup = Suppression::builder().kind(json!(kind)).justification(justification).build();
        results.push(result(&s.finding, index[&s.finding.rule_index], Some(sup), ctx));
    }
    let mut run_props = BTreeMap::new();
    // which rules made it: `keyhound merge` refuses to join runs made with different rules
    run_props.insert("rulesSha256".to_string(), json!(ctx.rules.digest()));
    if results.len() > MAX_RESULTS {
        // code scanning rejects runs with more results; unsuppressed results come first
        run_props.insert("truncated".to_string(), json!(true));
        run_props.insert("totalResults".to_string(), json!(results.len()));
        eprintln!(
            "keyhound: warning: {} results exceed code scanning's limit of {MAX_RESULTS} per run; \
             the SARIF file keeps the first {MAX_RESULTS} (use --format json for all)",
            results.len()
        );
        results.truncate(MAX_RESULTS);
    }
    let driver = ToolComponent::builder()
        .name("keyhound".to_string())
        .version(env!("CARGO_PKG_VERSION").to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .information_uri(INFORMATION_URI.to_string())
        .rules(rules)
        .build();
    // the repository, as an https URI (left out when the remote has none: a local path), with
    // `%SRCROOT%` mapped to the scanned directory inside it so code scanning can place results
    let mut base_ids = BTreeMap::new();
    let vcp: Vec<VersionControlDetails> = ctx
        .provenance
        .iter()
        .filter_map(|p| {
            let repo_uri = crate::source::provenance::https_uri(p.repository_uri.as_deref()?)?;
            let mut d =
                VersionControlDetails::builder().repository_uri(repo_uri).revision_id(p.revision.clone()).build();
            d.branch = p.branch.clone();
            match p.root_in_repo.as_deref() {
                Some("") => {
                    d.mapped_to = Some(ArtifactLocation::builder().uri_base_id("%SRCROOT%".to_string()).build())
                }
                Some(sub) => {
                    d.mapped_to = Some(ArtifactLocation::builder().uri_base_id(REPO_ROOT.to_string()).build());
                    base_ids.insert(
                        "%SRCROOT%".to_string(),
                        ArtifactLocation::builder().uri(uri(sub)).uri_base_id(REPO_ROOT.to_string()).build(),
                    );
                }
                None => {}
            }
            Some(d)
        })
        .collect();
    let automation = RunAutomationDetails::builder().id(ctx.automation_id.clone()).build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .automation_details(automation)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    if !vcp.is_empty() {
        run.version_control_provenance = Some(vcp);
    }
    if !base_ids.is_empty() {
        run.original_uri_base_ids = Some(base_ids);
    }
    if !run_props.is_empty() {
        run.properties = Some(PropertyBag::builder().additional_properties(run_props).build());
    }
    let log = Sarif::builder().schema(SCHEMA.to_string()).version(json!("2.1.0")).runs(vec![run]).build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_escaped() {
        assert_eq!(uri("src/a b#c.txt"), "src/a%20b%23c.txt");
        assert_eq!(uri("é"), "%C3%A9");
    }
}
