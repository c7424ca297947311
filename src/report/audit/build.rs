//! From an [`AuditRun`] to the [`AuditReport`] model: findings grouped into distinct secrets
//! by fingerprint, each with its history span, every location and the action required; the
//! verdict; the summary tables; the scope.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::AuditRun;
use crate::finding::Finding;
use crate::policy::Suppression;
use crate::report::Context;
use crate::report::audit::model::*;
use crate::rules::{Confidence, Severity};
use crate::source::{CommitInfo, SkipReason};
use crate::stats::ScanStats;

/// Settings of the audit that the report states and the scan results do not carry.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--min-confidence`.
    pub min_confidence: Confidence,
    /// `--max-file-size` in bytes.
    pub max_file_size: u64,
    /// Whether `--verify` ran.
    pub verified: bool,
    /// Revocation records by fingerprint.
    pub revocations: BTreeMap<String, crate::revoke::Record>,
}

/// Why a finding is suppressed, in words.
pub fn describe_suppression(s: &Suppression) -> String {
    match s {
        Suppression::BelowMinConfidence(c) => format!("confidence {c} is below --min-confidence"),
        Suppression::Inline => "inline `keyhound:allow` comment".to_string(),
        Suppression::GitleaksAllow => "inline `gitleaks:allow` comment".to_string(),
        Suppression::GitleaksIgnore => "path and line listed in .gitleaksignore".to_string(),
        Suppression::IgnoreFile => "fingerprint listed in .keyhoundignore".to_string(),
        Suppression::PathAllowlist(g) => format!("path allowlist `{g}`"),
        Suppression::RuleAllowlist(w) => format!("configured allowlist ({w})"),
        Suppression::Baseline => "recorded in the baseline (--baseline)".to_string(),
        Suppression::VerificationResult(r) => format!("verification result {r} not asked for (--results)"),
    }
}

/// What a skip reason means.
fn why(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Binary => "binary (a NUL byte in the first 8 KiB)",
        SkipReason::TooLarge => "larger than the size limit",
        SkipReason::Unreadable => "could not be read",
        SkipReason::Symlink => "symbolic link (not followed)",
        SkipReason::SpecialFile => "FIFO, socket or device file",
        SkipReason::WalkError => "the directory walk failed on the entry",
        SkipReason::Submodule => "git submodule entry (its own repository is not scanned)",
        SkipReason::GitObjectError => "missing or corrupt git object",
        SkipReason::ArchiveLimit => "archive member not read: nested too deep or past the archive's bounds",
        SkipReason::ArchiveError => "truncated, corrupt or unsupported archive",
        SkipReason::Encrypted => "encrypted content",
        SkipReason::DecodeLimit => "encoded text left undecoded: the per-file budget of decoded bytes was spent",
    }
}

fn coverage(stats: &ScanStats) -> Coverage {
    Coverage {
        scanned: stats.files_scanned,
        bytes: stats.bytes_scanned,
        skipped: stats
            .skipped
            .iter()
            .map(|(r, c)| Skipped {
                reason: r.as_str().to_string(),
                why: why(*r).to_string(),
                files: c.files,
                bytes: c.bytes,
            })
            .collect(),
    }
}

/// What to do about a secret, from the rule's revoke guidance and where the secret still is.
fn action(revoke: &str, committed: bool, in_head: bool, in_working_tree: bool) -> String {
    let revoke = revoke.trim();
    let first = format!("Revoke and rotate it now: {revoke}");
    let then = if !committed {
        "It was never committed: after rotating, remove it from the file and load the new value from a secret \
         store or the environment before anything is committed."
    } else if in_head || in_working_tree {
        "Rotate before removing: the value is in the git history, so deleting it from the code does not \
         un-leak it. Then remove it from the code and load the new value from a secret store or the environment."
    } else {
        "It is no longer in HEAD, but it stays readable in the history and in every clone: rotation is \
         required; rewriting history does not make the old value safe."
    };
    format!("{first} {then}")
}

/// A secret's locations grouped by source and path, in order of first appearance.
fn places(locations: &[LocationEntry]) -> Vec<PlaceGroup> {
    let mut out: Vec<PlaceGroup> = Vec::new();
    let mut commits: Vec<BTreeSet<&str>> = Vec::new();
    let mut reasons: Vec<BTreeSet<Option<&str>>> = Vec::new();
    for l in locations {
        let i = match out.iter().position(|g| g.source == l.source && g.path == l.path) {
            Some(i) => i,
            None => {
                out.push(PlaceGroup {
                    source: l.source,
                    path: l.path.clone(),
                    places: 0,
                    commits: 0,
                    line: l.line,
                    column: l.column,
                    in_head: l.in_head.map(|_| false),
                    suppressed: None,
                });
                commits.push(BTreeSet::new());
                reasons.push(BTreeSet::new());
                out.len() - 1
            }
        };
        let g = &mut out[i];
        g.places += 1;
        if let Some(h) = l.in_head {
            g.in_head = Some(g.in_head.unwrap_or(false) || h);
        }
        if let Some(c) = &l.commit {
            commits[i].insert(c.as_str());
        }
        reasons[i].insert(l.suppressed.as_deref());
    }
    for (i, g) in out.iter_mut().enumerate() {
        g.commits = commits[i].len();
        if let [Some(r)] = reasons[i].iter().collect::<Vec<_>>().as_slice() {
            g.suppressed = Some(r.to_string());
        }
    }
    out
}

/// The walked refs counted by kind, most first.
fn ref_kinds(refs: &[crate::source::presence::RefTip]) -> Vec<RefKindCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in refs {
        *counts.entry(super::ref_kind(&r.name)).or_default() += 1;
    }
    let mut out: Vec<RefKindCount> =
        counts.into_iter().map(|(k, c)| RefKindCount { kind: k.to_string(), count: c }).collect();
    out.sort_by_key(|k| std::cmp::Reverse(k.count));
    out
}

#[derive(Default)]
struct Group<'a> {
    first: Option<&'a Finding>,
    kept: u64,
    reasons: BTreeSet<String>,
    in_head: bool,
    in_working_tree: bool,
    committed: bool,
    /// The commit of the first history location (the span's fallback).
    introduced: Option<&'a CommitInfo>,
    confidence: Option<Confidence>,
    locations: Vec<LocationEntry>,
    verification: Option<crate::verify::Verification>,
}

fn liveness(inventory: &[SecretEntry], verified: bool) -> Liveness {
    use crate::verify::Status;
    let mut l = Liveness { verified, ..Default::default() };
    for e in inventory {
        match e.verification.as_ref().map(|v| v.status) {
            Some(Status::Active) => l.active += 1,
            Some(Status::Inactive) => l.inactive += 1,
            Some(Status::Unknown | Status::Error) => l.unknown += 1,
            None => l.not_checked += 1,
        }
        l.revoked += usize::from(e.revocation.as_ref().is_some_and(|r| r.outcome != crate::revoke::Effect::Failed));
    }
    l
}

/// Builds the report model.
pub fn build(run: &AuditRun, ctx: &Context<'_>, opts: Options) -> AuditReport {
    let mut groups: BTreeMap<String, Group<'_>> = BTreeMap::new();
    let mut scans = vec![(LocationSource::History, &run.history)];
    if let Some(w) = &run.working_tree {
        scans.push((LocationSource::WorkingTree, w));
    }
    for (source, outcome) in &scans {
        let kept = outcome.findings.iter().map(|f| (f, None));
        let suppressed = outcome.suppressed.iter().map(|s| (&s.finding, Some(&s.reason)));
        for (f, reason) in kept.chain(suppressed) {
            let g = groups.entry(f.fingerprint.to_string()).or_default();
            g.first.get_or_insert(f);
            match reason {
                Some(r) => {
                    g.reasons.insert(describe_suppression(r));
                }
                None => g.kept += 1,
            }
            g.in_head |= f.present_at_head == Some(true);
            g.in_working_tree |= *source == LocationSource::WorkingTree;
            g.committed |= *source == LocationSource::History;
            if g.introduced.is_none() {
                g.introduced = f.commit.as_deref();
            }
            g.confidence = g.confidence.max(Some(f.confidence));
            if g.verification.is_none() {
                g.verification = f.verification.as_deref().cloned();
            }
            g.locations.push(LocationEntry {
                source: *source,
                path: f.path.clone(),
                line: f.location.line,
                column: f.location.column,
                commit: f.commit.as_ref().map(|c| c.id.clone()),
                blob: f.blob.clone(),
                in_head: f.blob.as_ref().map(|b| run.presence.in_head.contains(&(f.path.clone(), b.clone()))),
                snippet: ctx.snippet(f),
                suppressed: reason.map(describe_suppression),
            });
        }
    }
    let mut inventory = Vec::new();
    let mut suppressed = Vec::new();
    for (fp, g) in groups {
        let Some(f) = g.first else { continue };
        let rule = ctx.rules.get(f.rule_index);
        let span = run.presence.spans.get(&fp);
        let secret = ctx.secret(&f.secret);
        let triage = super::triage::judge(&f.secret.expose_str(), &g.locations);
        let revocation = opts.revocations.get(&fp).cloned();
        let entry = SecretEntry {
            verification: g.verification,
            revocation,
            fingerprint: fp,
            rule: f.rule_id.clone(),
            rule_name: f.rule_name.clone(),
            provider: f.provider.clone(),
            severity: f.severity,
            confidence: g.confidence.unwrap_or(f.confidence),
            secret,
            // without a span (a path the tree lookup cannot resolve), the commit that
            // introduced its first location is still known
            first_commit: span.map_or_else(|| g.introduced.cloned(), |s| Some(s.first.as_ref().clone())),
            last_commit: span.map(|s| s.last.as_ref().clone()),
            commits_present: span.map_or(0, |s| s.commits),
            refs: span.map(|s| s.refs.clone()).unwrap_or_default(),
            ref_tips: span.map(|s| s.ref_tips.clone()).unwrap_or_default(),
            triage,
            in_head: g.in_head,
            in_working_tree: g.in_working_tree,
            action: {
                let a = action(&rule.syntax.revoke, g.committed, g.in_head, g.in_working_tree);
                if g.kept > 0 {
                    a
                } else {
                    format!("None if the suppression is right. If it is a real credential: {a}")
                }
            },
            revoke: rule.syntax.revoke.trim().to_string(),
            references: rule.syntax.references.clone(),
            places: places(&g.locations),
            locations: g.locations,
            suppression: if g.kept > 0 { Vec::new() } else { g.reasons.into_iter().collect() },
        };
        if g.kept > 0 { inventory.push(entry) } else { suppressed.push(entry) }
    }
    let order = |e: &SecretEntry| {
        (std::cmp::Reverse(e.severity), !(e.in_head || e.in_working_tree), e.provider.clone(), e.rule.clone())
    };
    inventory.sort_by_key(order);
    suppressed.sort_by_key(order);
    let findings = run.history.findings.len() + run.working_tree.as_ref().map_or(0, |w| w.findings.len());
    let suppressed_findings =
        run.history.suppressed.len() + run.working_tree.as_ref().map_or(0, |w| w.suppressed.len());
    let present = |e: &&SecretEntry| e.in_head || e.in_working_tree;
    let result = Verdict {
        verdict: if inventory.is_empty() { Outcome::Pass } else { Outcome::Fail },
        secrets: inventory.len(),
        still_present: inventory.iter().filter(present).count(),
        findings: findings as u64,
        suppressed_secrets: suppressed.len(),
        suppressed_findings: suppressed_findings as u64,
        liveness: (opts.verified || !opts.revocations.is_empty()).then(|| liveness(&inventory, opts.verified)),
    };
    let by_severity = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .map(|s| {
            let of: Vec<&SecretEntry> = inventory.iter().filter(|e| e.severity == s).collect();
            SeverityRow { severity: s, secrets: of.len(), still_present: of.iter().filter(|e| present(e)).count() }
        })
        .collect();
    let mut providers: BTreeMap<&str, ProviderRow> = BTreeMap::new();
    for e in &inventory {
        let row = providers.entry(e.provider.as_str()).or_insert_with(|| ProviderRow {
            provider: e.provider.clone(),
            secrets: 0,
            still_present: 0,
            highest_severity: e.severity,
        });
        row.secrets += 1;
        row.still_present += usize::from(e.in_head || e.in_working_tree);
        row.highest_severity = row.highest_severity.max(e.severity);
    }
    let mut by_provider: Vec<ProviderRow> = providers.into_values().collect();
    by_provider.sort_by_key(|r| (std::cmp::Reverse(r.secrets), std::cmp::Reverse(r.highest_severity)));
    let p = &run.presence;
    let scope = Scope {
        repository: run.repo.canonicalize().unwrap_or_else(|_| run.repo.clone()).display().to_string(),
        remote_url: run.provenance.as_ref().and_then(|p| p.repository_uri.clone()),
        head: run.provenance.as_ref().map(|p| p.revision.clone()),
        branch: run.provenance.as_ref().and_then(|p| p.branch.clone()),
        refs: p.refs.clone(),
        ref_kinds: ref_kinds(&p.refs),
        commit_range: match (&p.first, &p.last) {
            (Some(a), Some(b)) => Some(CommitRange { first: a.as_ref().clone(), last: b.as_ref().clone() }),
            _ => None,
        },
        commits: run.history.stats.commits,
        shallow: run.history.stats.shallow,
        history: coverage(&run.history.stats),
        working_tree: run.working_tree.as_ref().map(|w| coverage(&w.stats)),
        max_file_size: opts.max_file_size,
        rules: RuleSetInfo { count: ctx.rules.len(), sha256: ctx.rules.digest() },
        min_confidence: opts.min_confidence,
        started_at: run.started_at.clone(),
        duration_ms: run.duration_ms,
    };
    AuditReport {
        version: AUDIT_FORMAT_VERSION,
        tool: Tool { name: "keyhound".to_string(), version: env!("CARGO_PKG_VERSION").to_string() },
        scope,
        result,
        summary: Summary { by_severity, by_provider },
        inventory,
        suppressed,
        secrets_shown: ctx.show_secrets,
    }
}
