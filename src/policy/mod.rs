//! Policy: which findings are reported and which are suppressed, and why.
//!
//! [`Policy::judge`] is a pure function of a finding. Suppressed findings are kept with their
//! reason (reports count them) rather than dropped.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::finding::Finding;

/// Why a finding is not reported as a leak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Suppression {
    /// Its path matches a configured allowlist glob.
    PathAllowlist(String),
}

impl Suppression {
    /// Short name for statistics.
    pub fn name(&self) -> &'static str {
        match self {
            Suppression::PathAllowlist(_) => "path_allowlist",
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
}

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
        })
    }

    /// Judges a finding.
    pub fn judge(&self, f: &Finding) -> Verdict {
        if let Some(i) = self.paths.matches(&f.path).first() {
            return Verdict::Suppressed(Suppression::PathAllowlist(self.path_globs[*i].clone()));
        }
        Verdict::Keep
    }
}
