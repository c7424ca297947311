//! Policy: which findings are reported and which are suppressed, and why.
//!
//! [`Policy::judge`] is a pure function of a finding. Suppressed findings are kept with their
//! reason (reports count them) rather than dropped. Suppressions, in the order they are
//! checked:
//!
//! - a confidence below `--min-confidence` (default medium);
//! - an inline `keyhound:allow` comment on a line of the finding, or gitleaks' `gitleaks:allow`;
//! - the finding's fingerprint in `.keyhoundignore` (see [`ignore_file`]);
//! - its path and line in a `.gitleaksignore` (see [`gitleaks_ignore`]);
//! - a path allowlist glob from the configuration;
//! - a per-rule (or gitleaks global) allowlist from the configuration (see [`allowlist`]);
//! - the fingerprint in a baseline (`--baseline`, see [`baseline`]).

pub mod allowlist;
pub mod baseline;
pub mod gitleaks_ignore;
pub mod ignore_file;

use std::collections::HashSet;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::finding::Finding;
use crate::rules::Confidence;
use allowlist::Allowlist;
use gitleaks_ignore::GitleaksIgnore;
use ignore_file::IgnoreFile;

/// Why a finding is not reported as a leak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Suppression {
    /// Its confidence is below `--min-confidence`.
    BelowMinConfidence(Confidence),
    /// A `keyhound:allow` comment on its line.
    Inline,
    /// A `gitleaks:allow` comment on its line.
    GitleaksAllow,
    /// Its fingerprint is in `.keyhoundignore`.
    IgnoreFile,
    /// Its path and line are in `.gitleaksignore`.
    GitleaksIgnore,
    /// Its path matches a configured allowlist glob.
    PathAllowlist(String),
    /// A configured allowlist of its rule (or of every rule) allows it: which and what matched.
    RuleAllowlist(String),
    /// It is in the baseline given with `--baseline`.
    Baseline,
    /// Its verification result is not one `--results` / `--only-verified` asked for.
    VerificationResult(String),
}

impl Suppression {
    /// Short name for statistics.
    pub fn name(&self) -> &'static str {
        match self {
            Suppression::BelowMinConfidence(_) => "below_min_confidence",
            Suppression::Inline => "inline",
            Suppression::GitleaksAllow => "gitleaks_allow",
            Suppression::IgnoreFile => "ignore_file",
            Suppression::GitleaksIgnore => "gitleaksignore",
            Suppression::PathAllowlist(_) => "path_allowlist",
            Suppression::RuleAllowlist(_) => "rule_allowlist",
            Suppression::Baseline => "baseline",
            Suppression::VerificationResult(_) => "verification_result",
        }
    }
}

/// The decision on one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Report it.
    Keep,
    /// Do not report it as a leak.
    Suppressed(Suppression),
}

/// Compiled suppression settings.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    path_globs: Vec<String>,
    paths: GlobSet,
    ignore: IgnoreFile,
    gitleaks_ignore: GitleaksIgnore,
    min_confidence: Option<Confidence>,
    baseline: HashSet<String>,
    allowlists: Vec<Allowlist>,
}

/// The inline marker that allows a finding on its line.
pub const INLINE_ALLOW: &str = "keyhound:allow";

/// gitleaks' inline marker, honoured the same way.
pub const GITLEAKS_ALLOW: &str = "gitleaks:allow";

impl Policy {
    /// Builds a policy from path globs (relative to the scan root; `dir/**` style).
    pub fn new(path_globs: &[String]) -> Result<Self, String> {
        let mut b = GlobSetBuilder::new();
        for g in path_globs {
            b.add(Glob::new(g).map_err(|e| format!("invalid path glob `{g}`: {e}"))?);
        }
        let paths = b.build().map_err(|e| e.to_string())?;
        Ok(Policy {
            path_globs: path_globs.to_vec(),
            paths,
            ignore: IgnoreFile::default(),
            gitleaks_ignore: GitleaksIgnore::default(),
            min_confidence: None,
            baseline: HashSet::new(),
            allowlists: Vec::new(),
        })
    }

    /// Suppresses findings whose fingerprints are in a baseline.
    pub fn with_baseline(mut self, fingerprints: HashSet<String>) -> Self {
        self.baseline = fingerprints;
        self
    }

    /// Suppresses findings below this confidence.
    pub fn with_min_confidence(mut self, c: Confidence) -> Self {
        self.min_confidence = Some(c);
        self
    }

    /// Adds per-rule and global allowlists from the configuration.
    pub fn with_allowlists(mut self, allowlists: Vec<Allowlist>) -> Self {
        self.allowlists = allowlists;
        self
    }

    /// Adds `.keyhoundignore` entries.
    pub fn with_ignore_file(mut self, ignore: IgnoreFile) -> Self {
        self.ignore = ignore;
        self
    }

    /// Adds `.gitleaksignore` entries.
    pub fn with_gitleaks_ignore(mut self, ignore: GitleaksIgnore) -> Self {
        self.gitleaks_ignore = ignore;
        self
    }

    /// Judges a finding.
    pub fn judge(&self, f: &Finding) -> Verdict {
        if let Some(min) = self.min_confidence
            && f.confidence < min
        {
            return Verdict::Suppressed(Suppression::BelowMinConfidence(f.confidence));
        }
        match f.inline_allow {
            Some(GITLEAKS_ALLOW) => return Verdict::Suppressed(Suppression::GitleaksAllow),
            Some(_) => return Verdict::Suppressed(Suppression::Inline),
            None => {}
        }
        if self.ignore.ignores(f.fingerprint.as_str(), &f.path) {
            return Verdict::Suppressed(Suppression::IgnoreFile);
        }
        if self.gitleaks_ignore.ignores(f) {
            return Verdict::Suppressed(Suppression::GitleaksIgnore);
        }
        if let Some(i) = self.paths.matches(&f.path).first() {
            return Verdict::Suppressed(Suppression::PathAllowlist(self.path_globs[*i].clone()));
        }
        if let Some(what) = self.allowlists.iter().find_map(|a| a.allows(f)) {
            return Verdict::Suppressed(Suppression::RuleAllowlist(what));
        }
        if self.baseline.contains(f.fingerprint.as_str()) {
            return Verdict::Suppressed(Suppression::Baseline);
        }
        Verdict::Keep
    }
}
