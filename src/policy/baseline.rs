//! Baselines: the findings a repository already had when it adopted keyhound.
//!
//! `keyhound baseline create -o .keyhound-baseline.json` records every current finding's
//! fingerprint with its rule and location (never the secret); `--baseline FILE` then reports
//! only findings whose fingerprint is not in it. Fingerprints do not depend on the location, so
//! a baselined secret whose line moved, or whose file was renamed, is still recognised.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// Version of the baseline file layout.
pub const BASELINE_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Fingerprint (rule + secret hash).
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Path where it was found.
    pub path: String,
    /// Line where it was found.
    pub line: usize,
    /// Commit, for history scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    /// Layout version.
    pub version: u32,
    /// keyhound version that wrote it.
    pub tool_version: String,
    /// The recorded findings.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// A baseline of these findings.
    pub fn from_findings(findings: &[Finding]) -> Self {
        Baseline {
            version: BASELINE_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            findings: findings
                .iter()
                .map(|f| Entry {
                    fingerprint: f.fingerprint.to_string(),
                    rule: f.rule_id.clone(),
                    path: f.path.clone(),
                    line: f.location.line,
                    commit: f.commit.as_ref().map(|c| c.id.clone()),
                })
                .collect(),
        }
    }

    /// Reads a baseline; errors name the file and the reason.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!("{}: not a keyhound baseline (create one with `keyhound baseline create`): {e}", path.display())
        })?;
        if b.version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// The set of fingerprints.
    pub fn fingerprints(&self) -> HashSet<String> {
        self.findings.iter().map(|e| e.fingerprint.clone()).collect()
    }
}
