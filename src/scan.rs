//! Orchestration: sources → per-thread matcher → findings → policy → outcome.
//!
//! Each worker thread owns a [`Matcher`], its own statistics and its own findings; they are
//! merged when the workers finish, and the findings are sorted (path, line, column, rule) so
//! reports are deterministic whatever the thread interleaving.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use crate::finding::{self, Finding};
use crate::matcher::{Detector, Matcher};
use crate::policy::{Policy, Suppression, Verdict};
use crate::progress::Progress;
use crate::source::fs::{self, WalkOptions};
use crate::source::{Blob, BlobSink, SkipReason, stdin};
use crate::stats::ScanStats;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Files and directories to walk.
    pub roots: Vec<PathBuf>,
    /// Also read standard input as one blob.
    pub stdin: bool,
    /// Walk settings.
    pub walk: WalkOptions,
    /// Suppression policy.
    pub policy: Policy,
}

/// A finding that the policy suppressed, with the reason.
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// Why it is suppressed.
    pub reason: Suppression,
}

/// Everything a report needs.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Reported findings, sorted.
    pub findings: Vec<Finding>,
    /// Suppressed findings, sorted.
    pub suppressed: Vec<Suppressed>,
    /// Statistics.
    pub stats: ScanStats,
}

/// Hooks the caller gives a scan: warnings, and findings as they are found (for streaming).
pub struct Hooks<'a> {
    /// Called for each file that could not be read or walked.
    pub warn: &'a (dyn Fn(&str) + Sync),
    /// Called for each reported finding as soon as it is found.
    pub stream: Option<&'a (dyn Fn(&Finding) + Sync)>,
    /// Progress counters.
    pub progress: &'a Progress,
}

struct Collected {
    stats: ScanStats,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
}

struct Worker<'a> {
    matcher: Matcher<'a>,
    policy: &'a Policy,
    hooks: &'a Hooks<'a>,
    local: Collected,
    sink: &'a Mutex<Vec<Collected>>,
}

impl BlobSink for Worker<'_> {
    fn blob(&mut self, blob: Blob<'_>) {
        let raw = self.matcher.scan(blob.bytes);
        let found = finding::build(blob.bytes, blob.origin.path(), &raw, self.matcher.detector().rules().rules());
        let mut kept = 0;
        for f in found {
            match self.policy.judge(&f) {
                Verdict::Keep => {
                    if let Some(stream) = self.hooks.stream {
                        stream(&f);
                    }
                    kept += 1;
                    self.local.findings.push(f);
                }
                Verdict::Suppressed(reason) => {
                    *self.local.stats.suppressed.entry(reason.name().to_string()).or_default() += 1;
                    self.local.suppressed.push(Suppressed { finding: f, reason });
                }
            }
        }
        self.local.stats.files_scanned += 1;
        self.local.stats.bytes_scanned += blob.bytes.len() as u64;
        self.local.stats.findings += kept;
        self.hooks.progress.blob(blob.bytes.len() as u64, kept);
    }

    fn skipped(&mut self, path: &str, reason: SkipReason, bytes: u64, detail: &str) {
        self.local.stats.skip(reason, bytes);
        if reason.is_error() {
            let what = if path.is_empty() { String::new() } else { format!("{path}: ") };
            (self.hooks.warn)(&format!("{what}{} ({})", detail, reason));
        }
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::replace(
            &mut self.local,
            Collected { stats: ScanStats::default(), findings: Vec::new(), suppressed: Vec::new() },
        );
        self.sink.lock().unwrap_or_else(|e| e.into_inner()).push(local);
    }
}

/// Runs a scan.
pub fn scan(cfg: &ScanConfig, det: &Detector, hooks: &Hooks<'_>) -> ScanOutcome {
    let started = Instant::now();
    let sink: Mutex<Vec<Collected>> = Mutex::new(Vec::new());
    let new_worker = || Worker {
        matcher: det.matcher(),
        policy: &cfg.policy,
        hooks,
        local: Collected { stats: ScanStats::default(), findings: Vec::new(), suppressed: Vec::new() },
        sink: &sink,
    };
    if cfg.stdin {
        let mut w = new_worker();
        stdin::read(cfg.walk.max_file_size, &mut w);
    }
    if !cfg.roots.is_empty() {
        fs::walk(&cfg.roots, &cfg.walk, new_worker);
    }
    let mut out = ScanOutcome::default();
    for c in sink.into_inner().unwrap_or_else(|e| e.into_inner()) {
        out.stats.merge(&c.stats);
        out.findings.extend(c.findings);
        out.suppressed.extend(c.suppressed);
    }
    let key = |f: &Finding| (f.path.clone(), f.location, f.rule_id.clone());
    out.findings.sort_by_key(key);
    out.suppressed.sort_by_key(|s| key(&s.finding));
    out.stats.rules = det.rules().len();
    out.stats.duration_ms = started.elapsed().as_millis() as u64;
    out
}
