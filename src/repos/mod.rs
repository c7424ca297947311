//! Many repositories in one run (`--repos FILE`, `--github-org`, `--gitlab-group`): mirror each
//! with the system `git` into a cache, scan its history, and name the repository in every
//! finding.
//!
//! Clones run ahead of the scan on `clone_jobs` threads through a bounded queue, so disk in use
//! without `--cache` is at most `clone_jobs + 1` mirrors (each is deleted once scanned). With a
//! cache kept between runs, a repository scanned before is fetched and only commits new since
//! the recorded tips are scanned. A repository that fails (not found, auth, timeout, corrupt)
//! is reported with its reason and the others go on.

pub mod forge;
pub mod list;
pub mod mirror;
pub mod shard;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::matcher::Detector;
use crate::scan::{self, Hooks, Input, ScanConfig, ScanOutcome};
pub use list::RepoSpec;
use mirror::{Scanned, State};

/// How the repositories are fetched.
#[derive(Debug, Clone)]
pub struct Options {
    /// Keep mirrors and scanned tips here between runs (incremental); None: a temporary
    /// directory, removed at the end.
    pub cache: Option<PathBuf>,
    /// Clones and fetches running at once.
    pub clone_jobs: usize,
    /// Longest a clone or fetch may take.
    pub timeout: Duration,
}

/// What happened to one repository.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RepoResult {
    /// The repository as reports name it (no credentials).
    pub repository: String,
    /// `scanned` or `failed`.
    pub status: RepoStatus,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Only commits new since the last scan were scanned.
    pub incremental: bool,
    /// Commits walked.
    pub commits: u64,
    /// Findings reported.
    pub findings: u64,
    /// The ref tips scanned.
    pub tips: Vec<String>,
}

/// A repository's outcome.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RepoStatus {
    /// Mirrored and scanned.
    Scanned,
    /// Could not be mirrored or scanned.
    Failed,
}

/// Every repository's result, and the repositories left to other shards.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// One per repository of this run (of this shard).
    pub repositories: Vec<RepoResult>,
    /// Repositories of the list that belong to other shards.
    pub other_shards: usize,
    /// `INDEX/COUNT` when sharded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

impl Coverage {
    /// `scanned N, failed M` counts.
    pub fn counts(&self) -> (usize, usize) {
        let failed = self.repositories.iter().filter(|r| r.status == RepoStatus::Failed).count();
        (self.repositories.len() - failed, failed)
    }
}

/// Mirrors and scans `repos` (already sharded) with `base`'s settings (its input is replaced
/// by each mirror); returns one outcome for all of them, findings naming their repository.
pub fn run(
    repos: &[RepoSpec],
    base: &ScanConfig,
    det: &Detector,
    hooks: &Hooks<'_>,
    opts: &Options,
) -> Result<(ScanOutcome, Vec<RepoResult>), String> {
    let (cache, temporary) = match &opts.cache {
        Some(c) => {
            std::fs::create_dir_all(c).map_err(|e| format!("{}: cannot create the cache: {e}", c.display()))?;
            (c.clone(), false)
        }
        None => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let d = std::env::temp_dir().join(format!("keyhound-repos-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&d).map_err(|e| format!("{}: cannot create: {e}", d.display()))?;
            (d, true)
        }
    };
    let started = std::time::Instant::now();
    let mut state = if temporary { State::default() } else { State::load(&cache)? };
    let rules_sha = det.rules().digest();
    let queue = Mutex::new(repos.iter().cloned().collect::<VecDeque<_>>());
    let (tx, rx) = std::sync::mpsc::sync_channel::<(RepoSpec, Result<PathBuf, String>)>(opts.clone_jobs.max(1));
    let mut outcome = ScanOutcome::default();
    let mut results = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..opts.clone_jobs.max(1) {
            let tx = tx.clone();
            let (queue, cache) = (&queue, &cache);
            s.spawn(move || {
                loop {
                    let Some(spec) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else { break };
                    let dest = mirror::mirror_path(cache, &spec);
                    let r = mirror::update(&spec, &dest, opts.timeout).map(|_| dest);
                    if tx.send((spec, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (spec, mirrored) in rx {
            let result = match mirrored {
                Err(reason) => failed(&spec, reason, hooks),
                Ok(path) => {
                    let r = scan_one(&spec, &path, base, det, hooks, &mut state, &rules_sha, &mut outcome);
                    if temporary {
                        let _ = std::fs::remove_dir_all(&path);
                    } else if r.status == RepoStatus::Scanned
                        && let Err(e) = state.save(&cache)
                    {
                        (hooks.warn)(&e);
                    }
                    r
                }
            };
            results.push(result);
        }
    });
    if temporary {
        let _ = std::fs::remove_dir_all(&cache);
    }
    // the list's order, not the order clones happened to finish in
    let pos = |name: &str| repos.iter().position(|r| r.display == name).unwrap_or(usize::MAX);
    results.sort_by_key(|r: &RepoResult| pos(&r.repository));
    outcome.stats.findings = outcome.findings.len() as u64;
    outcome.stats.duration_ms = started.elapsed().as_millis() as u64;
    outcome.findings.sort_by(|a, b| (&a.repository, &a.path, a.location).cmp(&(&b.repository, &b.path, b.location)));
    Ok((outcome, results))
}

fn failed(spec: &RepoSpec, reason: String, hooks: &Hooks<'_>) -> RepoResult {
    (hooks.warn)(&format!("{}: skipped: {reason}", spec.display));
    RepoResult {
        repository: spec.display.clone(),
        status: RepoStatus::Failed,
        reason: Some(reason),
        incremental: false,
        commits: 0,
        findings: 0,
        tips: Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn scan_one(
    spec: &RepoSpec,
    path: &std::path::Path,
    base: &ScanConfig,
    det: &Detector,
    hooks: &Hooks<'_>,
    state: &mut State,
    rules_sha: &str,
    outcome: &mut ScanOutcome,
) -> RepoResult {
    let tips = match mirror::tips(path) {
        Ok(t) => t,
        Err(e) => return failed(spec, e, hooks),
    };
    let mut cfg = base.clone();
    let mut options = match &base.input {
        Input::History { options, .. } => options.clone(),
        _ => Default::default(),
    };
    let before = state.repos.get(&spec.key).filter(|s| s.rules_sha256 == rules_sha);
    let incremental = before.is_some();
    if let Some(b) = before {
        options.hide = b.tips.clone();
    }
    cfg.input = Input::History { repo: path.to_path_buf(), options };
    let one = match scan::scan(&cfg, det, hooks) {
        Ok(o) => o,
        Err(e) => return failed(spec, e.to_string().replace(&path.display().to_string(), &spec.display), hooks),
    };
    let name: Arc<str> = Arc::from(spec.display.as_str());
    let n = one.findings.len() as u64;
    outcome.stats.merge(&one.stats);
    for mut f in one.findings {
        f.repository = Some(name.clone());
        outcome.findings.push(f);
    }
    for mut s in one.suppressed {
        s.finding.repository = Some(name.clone());
        outcome.suppressed.push(s);
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    state.repos.insert(
        spec.key.clone(),
        Scanned {
            url: spec.display.clone(),
            tips: tips.clone(),
            rules_sha256: rules_sha.to_string(),
            scanned_at: crate::source::git_history::rfc3339(now, 0),
        },
    );
    RepoResult {
        repository: spec.display.clone(),
        status: RepoStatus::Scanned,
        reason: None,
        incremental,
        commits: one.stats.commits,
        findings: n,
        tips,
    }
}
