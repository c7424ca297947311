//! The audit report's data: what was covered, the verdict, the summary tables and the
//! inventory of distinct secrets. Every renderer (JSON, Markdown, HTML) prints this and only
//! this; secret values in it are already redacted unless `--show-secrets` was given.
//!
//! The JSON form is documented by `fixtures/schema/keyhound-audit.schema.json`; change both
//! together and bump [`AUDIT_FORMAT_VERSION`] on incompatible changes.

use serde::Serialize;

use crate::rules::{Confidence, Severity};
use crate::source::CommitInfo;
use crate::source::presence::RefTip;

/// Version of the audit report layout.
pub const AUDIT_FORMAT_VERSION: u32 = 2;

/// The whole audit report.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Layout version ([`AUDIT_FORMAT_VERSION`]).
    pub version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// What was covered.
    pub scope: Scope,
    /// The verdict and totals.
    pub result: Verdict,
    /// Distinct secrets by severity and by provider.
    pub summary: Summary,
    /// Distinct unsuppressed secrets, most severe first.
    pub inventory: Vec<SecretEntry>,
    /// Distinct secrets whose every finding is suppressed, with the reasons.
    pub suppressed: Vec<SecretEntry>,
    /// Whether raw secret values are printed (`--show-secrets`).
    pub secrets_shown: bool,
}

/// keyhound's name and version.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `keyhound`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// What the audit covered.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    /// The repository path as given.
    pub repository: String,
    /// `origin`'s URL without credentials, if there is one.
    pub remote_url: Option<String>,
    /// HEAD's commit id, if HEAD points to a commit.
    pub head: Option<String>,
    /// The checked-out branch (None for a detached HEAD or no HEAD).
    pub branch: Option<String>,
    /// Refs the history walk started from (and HEAD).
    pub refs: Vec<RefTip>,
    /// The refs counted by kind (branches, tags, pull requests, …), most first.
    pub ref_kinds: Vec<RefKindCount>,
    /// The oldest and newest commit walked, by commit time.
    pub commit_range: Option<CommitRange>,
    /// Commits walked.
    pub commits: u64,
    /// The repository is a shallow clone: history before its boundary is missing.
    pub shallow: bool,
    /// The history scan: unique blobs.
    pub history: Coverage,
    /// The working-tree scan (None for a bare repository).
    pub working_tree: Option<Coverage>,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// The rules used.
    pub rules: RuleSetInfo,
    /// Findings below this confidence are suppressed.
    pub min_confidence: Confidence,
    /// When the audit started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// How many refs of one kind were walked.
#[derive(Debug, Clone, Serialize)]
pub struct RefKindCount {
    /// `branches`, `remote-tracking branches`, `tags`, `pull requests`, `merge requests`,
    /// `stash`, `notes` or `other refs`.
    pub kind: String,
    /// How many.
    pub count: usize,
}

/// The first and last commit of a walk.
#[derive(Debug, Clone, Serialize)]
pub struct CommitRange {
    /// The oldest commit, by commit time.
    pub first: CommitInfo,
    /// The newest commit, by commit time.
    pub last: CommitInfo,
}

/// What one scan read and skipped.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Blobs (history: unique blobs; working tree: files) scanned.
    pub scanned: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Not scanned, by reason.
    pub skipped: Vec<Skipped>,
}

/// Files skipped for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Reason code (`binary`, `too_large`, `symlink`, …).
    pub reason: String,
    /// What it means.
    pub why: String,
    /// Files.
    pub files: u64,
    /// Their bytes, where known.
    pub bytes: u64,
}

/// The effective rule set.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSetInfo {
    /// Number of rules.
    pub count: usize,
    /// SHA-256 of the rules as written, ordered by id.
    pub sha256: String,
}

/// Pass or fail, and the totals behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// `pass` when nothing unsuppressed was found, else `fail`.
    pub verdict: Outcome,
    /// Distinct unsuppressed secrets.
    pub secrets: usize,
    /// Of those, still in HEAD's tree or in the working tree.
    pub still_present: usize,
    /// Unsuppressed findings (places).
    pub findings: u64,
    /// Distinct secrets whose every finding is suppressed.
    pub suppressed_secrets: usize,
    /// Suppressed findings (places).
    pub suppressed_findings: u64,
    /// Which secrets still work and which were revoked (with `--verify` or revocation
    /// records).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Liveness>,
}

/// What verification and revocation say about the inventory's distinct secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Liveness {
    /// Whether `--verify` ran.
    pub verified: bool,
    /// Still work.
    pub active: usize,
    /// Do not work any more.
    pub inactive: usize,
    /// No clear answer (or an error on this side).
    pub unknown: usize,
    /// Not checked (no verifier, or `--verify` not given).
    pub not_checked: usize,
    /// With a revocation record.
    pub revoked: usize,
}

impl Liveness {
    /// The headline: `3 of 22 leaked secrets still work: revoke them first.`
    pub fn sentence(&self, secrets: usize) -> String {
        let mut s = if !self.verified {
            "Not verified (run with --verify to learn which secrets still work).".to_string()
        } else if self.active > 0 {
            format!("{} of {secrets} leaked secrets still work: revoke them first.", self.active)
        } else {
            format!(
                "None of the {} leaked secrets that could be checked still works.",
                self.active + self.inactive + self.unknown
            )
        };
        if self.verified && (self.unknown > 0 || self.not_checked > 0) {
            s.push_str(&format!(" {} gave no clear answer, {} could not be checked.", self.unknown, self.not_checked));
        }
        if self.revoked > 0 {
            s.push_str(&format!(" {} revoked with keyhound revoke.", self.revoked));
        }
        s
    }
}

impl SecretEntry {
    /// The live/dead column: `ACTIVE`, `inactive`, `unknown`, `error` or `not checked`, and
    /// `revoked` when a record says so.
    pub fn live_label(&self) -> String {
        let v = self.verification.as_ref().map_or("not checked", |v| match v.status {
            crate::verify::Status::Active => "ACTIVE",
            s => s.as_str(),
        });
        match &self.revocation {
            Some(r) => format!("{v}; {} {}", r.outcome.as_str().replace('_', " "), r.time),
            None => v.to_string(),
        }
    }
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Nothing unsuppressed found.
    Pass,
    /// At least one unsuppressed secret.
    Fail,
}

impl Outcome {
    /// `PASS` or `FAIL`.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
        }
    }
}

/// The summary tables.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// One row per severity, most severe first (all four, zeros included).
    pub by_severity: Vec<SeverityRow>,
    /// One row per provider with secrets, most secrets first.
    pub by_provider: Vec<ProviderRow>,
}

/// Distinct secrets of one severity.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityRow {
    /// The severity.
    pub severity: Severity,
    /// Distinct secrets.
    pub secrets: usize,
    /// Of those, still present (HEAD or working tree).
    pub still_present: usize,
}

/// Distinct secrets of one provider.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderRow {
    /// The provider.
    pub provider: String,
    /// Distinct secrets.
    pub secrets: usize,
    /// Of those, still present (HEAD or working tree).
    pub still_present: usize,
    /// The highest severity among them.
    pub highest_severity: Severity,
}

/// One distinct secret (one fingerprint) and everything known about it.
#[derive(Debug, Clone, Serialize)]
pub struct SecretEntry {
    /// What the provider said about it (`--verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::verify::Verification>,
    /// Its latest revocation record (`keyhound revoke`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<crate::revoke::Record>,
    /// The fingerprint (rule + secret; stable, not reversible).
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Rule name.
    pub rule_name: String,
    /// Provider.
    pub provider: String,
    /// Severity.
    pub severity: Severity,
    /// Highest confidence among its findings.
    pub confidence: Confidence,
    /// The value, redacted unless `secrets_shown`.
    pub secret: String,
    /// The commit that brought it in first (of the commits holding it while no ancestor did,
    /// the earliest by commit time); None if never committed.
    pub first_commit: Option<CommitInfo>,
    /// The newest commit (by commit time) whose tree holds it.
    pub last_commit: Option<CommitInfo>,
    /// Number of commits whose tree holds it.
    pub commits_present: u64,
    /// Refs whose history holds it (a holding commit is reachable from the ref).
    pub refs: Vec<String>,
    /// Refs whose tip commit still holds it.
    pub ref_tips: Vec<String>,
    /// This secret is still in HEAD's tree (at one of its places or another).
    pub in_head: bool,
    /// In the working tree (committed or not).
    pub in_working_tree: bool,
    /// Its places grouped by file: one row per source and path.
    pub places: Vec<PlaceGroup>,
    /// Every place it was found.
    pub locations: Vec<LocationEntry>,
    /// What its places and value suggest (test files, documentation, a test-mode key); the
    /// verdict does not change.
    pub triage: Option<Triage>,
    /// Suppression reasons (entries of the `suppressed` list; empty in the inventory).
    pub suppression: Vec<String>,
    /// What to do about it.
    pub action: String,
    /// The rule's guidance on revoking and rotating this kind of credential.
    pub revoke: String,
    /// The rule's references (format documentation).
    pub references: Vec<String>,
}

/// A triage hint: why the secret may not be a live credential, and what to do.
#[derive(Debug, Clone, Serialize)]
pub struct Triage {
    /// What was seen: `test`, `fixture`, `example`, `docs`, `vendored` (paths),
    /// `test-mode-key`, `sample-value`, `example-host` (the value or its line).
    pub signals: Vec<String>,
    /// The hint shown beside the action.
    pub hint: String,
}

/// A secret's places in one file.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceGroup {
    /// `history` or `working_tree`.
    pub source: LocationSource,
    /// Path relative to the repository root.
    pub path: String,
    /// How many places (history: versions of the file, positions) it has in this file.
    pub places: usize,
    /// Distinct commits that introduced those places.
    pub commits: usize,
    /// The first place's line and column.
    pub line: usize,
    /// The first place's column.
    pub column: usize,
    /// History: one of these places is in HEAD's tree (this file in HEAD holds it).
    pub in_head: Option<bool>,
    /// Why every place here is suppressed, if all are for one reason.
    pub suppressed: Option<String>,
}

/// Where a secret was found.
#[derive(Debug, Clone, Serialize)]
pub struct LocationEntry {
    /// `history` or `working_tree`.
    pub source: LocationSource,
    /// Path relative to the repository root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (code points).
    pub column: usize,
    /// History: the commit that introduced this blob at this path.
    pub commit: Option<String>,
    /// History: the blob id.
    pub blob: Option<String>,
    /// History: HEAD's tree has this blob at this path (this place is in HEAD).
    pub in_head: Option<bool>,
    /// The line, with secrets redacted unless `secrets_shown`.
    pub snippet: String,
    /// Why this place is suppressed, if it is.
    pub suppressed: Option<String>,
}

/// Which scan found a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationSource {
    /// A blob of git history.
    History,
    /// A file of the working tree.
    WorkingTree,
}

impl LocationSource {
    /// `history` or `working tree`.
    pub fn label(self) -> &'static str {
        match self {
            LocationSource::History => "history",
            LocationSource::WorkingTree => "working tree",
        }
    }
}
