//! An audit of a repository: its whole history and its working tree, scanned with the usual
//! pipeline ([`crate::scan::scan`]), plus the facts an evidence report needs and a scan does
//! not keep.
//!
//! [`run`] scans the history (every ref and HEAD, each unique blob once), then the working tree
//! when the repository has one, then walks history once more ([`crate::source::presence`]) to
//! learn, for each secret found, the first and last commit that held it. The report model is
//! built from the result by [`crate::report::audit`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::matcher::Detector;
use crate::policy::Policy;
use crate::scan::{self, Hooks, Input, ScanConfig, ScanOutcome};
use crate::source::fs::WalkOptions;
use crate::source::git_history::{self, GitError, HistoryOptions};
use crate::source::presence::{self, Presence};
use crate::source::provenance::{self, Provenance};

/// What an audit scans.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The repository as given (bare or with a work tree).
    pub repo: PathBuf,
    /// The history scan.
    pub history: ScanConfig,
    /// The working-tree scan, when the repository has a work tree.
    pub working_tree: Option<ScanConfig>,
}

impl AuditConfig {
    /// Scans all of `repo`'s history and, if it has one, its work tree, with the same walk
    /// settings and policy.
    pub fn new(
        repo: &Path,
        walk: WalkOptions,
        policy: Policy,
        decode: crate::decode::Options,
        archives: crate::archive::Limits,
    ) -> Result<Self, GitError> {
        let r = git_history::open(repo)?;
        let working_tree = r.workdir().map(|wd| {
            // keep the path as given when it is the work tree, so finding paths stay relative
            let same = repo.canonicalize().ok() == wd.canonicalize().ok();
            let root = if same { repo.to_path_buf() } else { wd.to_path_buf() };
            ScanConfig {
                input: Input::Paths { roots: vec![root], stdin: false },
                walk: walk.clone(),
                policy: policy.clone(),
                decode,
                archives,
            }
        });
        let history = ScanConfig {
            input: Input::History { repo: repo.to_path_buf(), options: HistoryOptions::default() },
            walk,
            policy,
            decode,
            archives,
        };
        Ok(AuditConfig { repo: repo.to_path_buf(), history, working_tree })
    }
}

/// Everything an audit found and covered.
#[derive(Debug)]
pub struct AuditRun {
    /// The repository as given.
    pub repo: PathBuf,
    /// The history scan.
    pub history: ScanOutcome,
    /// The working-tree scan, if the repository has a work tree.
    pub working_tree: Option<ScanOutcome>,
    /// Refs, commit range, and where each secret (by fingerprint) is present in history.
    pub presence: Presence,
    /// Remote URL (credentials stripped), HEAD and branch.
    pub provenance: Option<Provenance>,
    /// Start time, RFC 3339 (UTC).
    pub started_at: String,
    /// Wall time of the whole audit in milliseconds.
    pub duration_ms: u64,
}

impl AuditRun {
    /// True when nothing unsuppressed was found, in history or in the working tree.
    pub fn passed(&self) -> bool {
        self.history.findings.is_empty() && self.working_tree.as_ref().is_none_or(|w| w.findings.is_empty())
    }
}

/// Runs an audit.
pub fn run(cfg: &AuditConfig, det: &Detector, hooks: &Hooks<'_>) -> Result<AuditRun, GitError> {
    let started = Instant::now();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let history = scan::scan(&cfg.history, det, hooks)?;
    let working_tree = match &cfg.working_tree {
        Some(w) => Some(scan::scan(w, det, hooks)?),
        None => None,
    };
    let mut holders: HashMap<(String, String), Vec<String>> = HashMap::new();
    for f in history.findings.iter().chain(history.suppressed.iter().map(|s| &s.finding)) {
        if let Some(blob) = &f.blob {
            let fps = holders.entry((f.path.clone(), blob.clone())).or_default();
            if !fps.iter().any(|x| x == f.fingerprint.as_str()) {
                fps.push(f.fingerprint.to_string());
            }
        }
    }
    let presence = presence::walk(&cfg.repo, &holders)?;
    Ok(AuditRun {
        repo: cfg.repo.clone(),
        history,
        working_tree,
        presence,
        provenance: provenance::describe(&cfg.repo),
        started_at: git_history::rfc3339(now, 0),
        duration_ms: started.elapsed().as_millis() as u64,
    })
}
