//! Orchestration: sources → per-thread matcher → findings → policy → outcome.
//!
//! Each worker thread owns a [`Matcher`], its own statistics and its own findings; they are
//! merged when the workers finish, and the findings are sorted (path, line, column, rule) so
//! reports are deterministic whatever the thread interleaving. The input is a set of paths
//! (and stdin), a repository's history, or the staged changes of a repository.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use crate::archive;
use crate::decode;
use crate::finding::{self, Finding};
use crate::matcher::{Detector, Matcher};
use crate::policy::{Policy, Suppression, Verdict};
use crate::progress::Progress;
use crate::source::fs::{self, WalkOptions};
use crate::source::git_history::{self, GitError, HistoryOptions};
use crate::source::{Blob, BlobSink, Origin, SkipReason, Versioned, delta, pushed, staged, stdin, window};
use crate::stats::ScanStats;

/// What to read.
#[derive(Debug, Clone)]
pub enum Input {
    /// Files and directories, and optionally standard input.
    Paths {
        /// Files and directories to walk.
        roots: Vec<PathBuf>,
        /// Also read standard input as one blob.
        stdin: bool,
    },
    /// The history of a repository.
    History {
        /// The repository (bare or with a work tree).
        repo: PathBuf,
        /// Refs, ranges, since.
        options: HistoryOptions,
    },
    /// The staged changes of the repository containing a path.
    Staged {
        /// A path inside the repository.
        repo: PathBuf,
    },
    /// What a push adds, in a server's pre-receive hook.
    PreReceive {
        /// The receiving repository (opened from git's hook environment when set).
        repo: PathBuf,
        /// The hook's ref updates.
        updates: Vec<pushed::RefUpdate>,
        /// Time budget: scanning stops between commits when it runs out.
        timeout: Option<std::time::Duration>,
    },
    /// The layers of a container image (`docker save` tarball, OCI layout).
    Image {
        /// The tarball or directory.
        path: PathBuf,
    },
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// The input.
    pub input: Input,
    /// Walk settings (size limit and threads apply to every input).
    pub walk: WalkOptions,
    /// Suppression policy.
    pub policy: Policy,
    /// Decoding of encoded text (depth 0: off).
    pub decode: decode::Options,
    /// Archive expansion (depth 0: archives are counted as binary, not opened).
    pub archives: archive::Limits,
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
    /// For pre-receive scans: what the push held.
    pub push: Option<pushed::Push>,
    /// For many-repository scans: each repository's result.
    pub coverage: Option<crate::repos::Coverage>,
}

/// Hooks the caller gives a scan: warnings, and findings as they are found (for streaming).
pub struct Hooks<'a> {
    /// Called for each file that could not be read or walked.
    pub warn: &'a (dyn Fn(&str) + Sync),
    /// Called for each reported finding as soon as it is found (not for history scans, whose
    /// findings are complete only when every blob is scanned). Streamed findings are not kept:
    /// the outcome's `findings` and `suppressed` stay empty, and its stats count them (with
    /// `stats.streamed` for the summary), so memory stays bounded however many there are.
    pub stream: Option<&'a (dyn Fn(&Finding) + Sync)>,
    /// Progress counters.
    pub progress: &'a Progress,
}

#[derive(Default)]
struct Collected {
    stats: ScanStats,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
}

struct Worker<'a> {
    matcher: Matcher<'a>,
    policy: &'a Policy,
    decode: decode::Options,
    archives: archive::Limits,
    geometry: window::Geometry,
    hooks: &'a Hooks<'a>,
    stream: bool,
    local: Collected,
    sink: &'a Mutex<Vec<Collected>>,
}

/// Whether a finding touches one of the staged file's added lines.
fn on_added_line(f: &Finding, origin: &Origin) -> bool {
    match origin {
        Origin::Staged { added, .. } => {
            added.iter().any(|r| *r.start() <= f.location.end_line && f.location.line <= *r.end())
        }
        _ => true,
    }
}

impl Worker<'_> {
    /// Adds to `found` the findings in what the blob's encoded spans decode to. A generic
    /// decoded finding whose encoded span overlaps a provider rule's match as written is
    /// dropped (the token was found); one overlapping only generic matches replaces them
    /// (`password: cGFzc3dvcmQ=` is the password, not a random-looking value).
    ///
    /// Returns the number of encoded spans left undecoded for the blob's budget of decoded
    /// bytes (nothing decoded is added then: the caller warns, or scans the whole blob).
    fn decoded(
        &mut self,
        blob: &Blob<'_>,
        paths: &[&str],
        raw: &[crate::matcher::RawMatch],
        found: &mut Vec<Finding>,
    ) -> usize {
        if self.decode.max_depth == 0 || blob.repeat {
            return 0;
        }
        let mut ex = decode::expand(blob.bytes, &self.decode);
        if let Some(w) = blob.window {
            ex.layers.retain(|l| w.own.contains(&l.span.start));
        }
        let over = ex.over_budget;
        self.local.stats.decoded_spans += ex.layers.len() as u64;
        self.local.stats.decoded_bytes += ex.layers.iter().map(|l| l.decoded.len() as u64).sum::<u64>();
        let rules = self.matcher.detector().rules().rules();
        let mut replaced: Vec<std::ops::Range<usize>> = Vec::new();
        let mut extra: Vec<Finding> = Vec::new();
        for layer in &ex.layers {
            let mut inner: Vec<_> = self.matcher.scan_at(&layer.bytes, paths);
            inner.retain(|m| {
                let within = |r: &std::ops::Range<usize>| r.start >= layer.decoded.start && r.end <= layer.decoded.end;
                within(&m.secret) && m.pair.as_ref().is_none_or(within)
            });
            if inner.is_empty() {
                continue;
            }
            let over = |r: &std::ops::Range<usize>| r.start < layer.span.end && layer.span.start < r.end;
            let overlapping: Vec<&crate::matcher::RawMatch> =
                raw.iter().filter(|m| over(&m.secret) || m.pair.as_ref().is_some_and(over)).collect();
            // a provider's token as written wins over generic values decoded from it; a
            // provider's token decoded from a container (Docker's `auth`, a Basic header, a
            // Kubernetes value) is reported beside it: it is what must be revoked
            if overlapping.iter().any(|m| !rules[m.rule].generic) {
                inner.retain(|m| !rules[m.rule].generic);
                if inner.is_empty() {
                    continue;
                }
            }
            if !overlapping.is_empty() && inner.iter().all(|m| rules[m.rule].generic) && layer.chain.len() == 1 {
                // generic as written and generic decoded: keep the decoded value only when the
                // written one lies inside the encoded span (a value that is itself encoded)
                if !overlapping.iter().all(|m| m.secret.start >= layer.span.start && m.secret.end <= layer.span.end) {
                    continue;
                }
            }
            let mut got = finding::build(&layer.bytes, &blob.origin, &inner, rules);
            // the same secret found as written in this blob is that finding; then nothing as
            // written is replaced (a token written plainly inside escaped JSON was lost: its
            // decoded copy was dropped as the same secret and the written one as replaced)
            got.retain(|g| !found.iter().any(|f| f.fingerprint == g.fingerprint));
            if got.is_empty() {
                continue;
            }
            replaced.extend(overlapping.iter().map(|m| m.secret.clone()));
            finding::relocate(&mut got, blob.bytes, &layer.span, &layer.chain);
            extra.extend(got);
        }
        if extra.is_empty() {
            return over;
        }
        if !replaced.is_empty() {
            let gone: Vec<finding::Location> = raw
                .iter()
                .zip(found.iter())
                .filter(|(m, _)| replaced.contains(&m.secret))
                .map(|(_, f)| f.secret_location)
                .collect();
            found.retain(|f| !gone.contains(&f.secret_location));
        }
        // one finding per rule, secret and place (a span decoded by two chains)
        extra.sort_by(|a, b| {
            (&a.fingerprint, a.location, a.decoded.len()).cmp(&(&b.fingerprint, b.location, b.decoded.len()))
        });
        extra.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.location == b.location);
        found.extend(extra);
        found.sort_by_key(|f| (f.location, f.rule_index));
        over
    }
}

impl Worker<'_> {
    /// Matches a blob (or a window of one) and builds its findings before policy: the
    /// matches it owns and what its encoded spans decode to, at their place in the file.
    /// With `within`, returns None when an owned match reaches out of that range of the
    /// bytes, or the decoding budget runs out (a window of a new version: scan it whole).
    fn find(&mut self, blob: &Blob<'_>, within: Option<std::ops::Range<usize>>) -> Option<Vec<Finding>> {
        let paths: Vec<&str> = std::iter::once(&blob.origin).chain(blob.also).map(Origin::path).collect();
        let mut raw = self.matcher.scan_at(blob.bytes, &paths);
        if let Some(w) = blob.window {
            raw.retain(|m| w.own.contains(&m.secret.start));
        }
        if let Some(keep) = &within {
            let inside = |m: &crate::matcher::RawMatch| {
                let lo = m.span.start.min(m.secret.start).min(m.pair.as_ref().map_or(usize::MAX, |p| p.start));
                let hi = m.span.end.max(m.secret.end).max(m.pair.as_ref().map_or(0, |p| p.end));
                keep.start <= lo && hi <= keep.end
            };
            if !raw.iter().all(inside) {
                return None;
            }
        }
        let mut found = finding::build(blob.bytes, &blob.origin, &raw, self.matcher.detector().rules().rules());
        let over = self.decoded(blob, &paths, &raw, &mut found);
        if over > 0 {
            if within.is_some() {
                return None;
            }
            self.local.stats.skip(SkipReason::DecodeLimit, 0);
            let what = blob.origin.path();
            (self.hooks.warn)(&format!(
                "{what}: {over} encoded spans not decoded: over {} decoded bytes ({})",
                self.decode.max_bytes,
                SkipReason::DecodeLimit
            ));
        }
        if let Some(w) = blob.window {
            found.iter_mut().for_each(|f| f.shift(w));
        }
        Some(found)
    }

    /// Judges a blob's findings (before policy): keeps those on added lines, copies them to
    /// the blob's other places, and files each as reported or suppressed. Returns whether
    /// there were any.
    fn judge(&mut self, blob: &Blob<'_>, mut found: Vec<Finding>) -> bool {
        let matched = !found.is_empty();
        found.retain(|f| on_added_line(f, &blob.origin));
        let copies: Vec<Finding> =
            blob.also.iter().flat_map(|o| found.iter().map(|f| f.at(o)).collect::<Vec<_>>()).collect();
        found.extend(copies);
        // A blob under several paths ran the rules in scope at any of them; drop findings at
        // the places a rule does not cover.
        let rules = self.matcher.detector().rules();
        found.retain(|f| rules.get(f.rule_index).applies_to_path(&f.path));
        let mut kept = 0;
        // Streamed findings go to the hook and are only counted here, so a streamed scan holds
        // no finding in memory however many there are (suppressed ones are only counted too:
        // the streamed format does not list them).
        let streaming = if self.stream { self.hooks.stream } else { None };
        for f in found {
            match self.policy.judge(&f) {
                Verdict::Keep => {
                    kept += 1;
                    self.hooks.progress.finding(place_hash(&f));
                    match streaming {
                        Some(stream) => {
                            stream(&f);
                            *self.local.stats.streamed.by_severity.entry(f.severity).or_default() += 1;
                        }
                        None => self.local.findings.push(f),
                    }
                }
                Verdict::Suppressed(reason) => {
                    *self.local.stats.suppressed.entry(reason.name().to_string()).or_default() += 1;
                    if streaming.is_none() {
                        self.local.suppressed.push(Suppressed { finding: f, reason });
                    }
                }
            }
        }
        self.local.stats.findings += kept;
        if streaming.is_some() && kept > 0 {
            self.local.stats.streamed.files += 1;
        }
        matched
    }
}

impl BlobSink for Worker<'_> {
    fn blob(&mut self, blob: Blob<'_>) -> bool {
        if blob.window.is_none() && blob.bytes.len() > self.geometry.size {
            // a blob read whole (git object, archive member) is matched a window at a time too
            let mut matched = false;
            let g = self.geometry;
            window::for_each_slice(blob.bytes, &g, |bytes, w| {
                matched |= self.blob(Blob { bytes, origin: blob.origin.clone(), window: Some(w), ..blob });
            });
            return matched;
        }
        let found = self.find(&blob, None).unwrap_or_default();
        let matched = self.judge(&blob, found);
        let (first, bytes) = blob.window.map_or((true, blob.bytes.len()), |w| (w.index == 0, w.own.len()));
        if blob.repeat {
            if first {
                self.hooks.progress.blob(0);
            }
        } else {
            self.local.stats.files_scanned += u64::from(first);
            self.local.stats.bytes_scanned += bytes as u64;
            if first {
                self.hooks.progress.blob(bytes as u64);
            } else {
                self.hooks.progress.bytes(bytes as u64);
            }
        }
        matched
    }

    fn reach(&self) -> delta::Reach {
        self.matcher.detector().reach()
    }

    fn alike(&self, a: &str, b: &str) -> bool {
        self.matcher.detector().treats_alike(a, b)
    }

    fn version(&mut self, blob: Blob<'_>, plan: Option<&delta::Plan>) -> Versioned {
        if blob.window.is_some() || blob.repeat || !blob.also.is_empty() || blob.bytes.len() > self.geometry.size {
            return Versioned::Scanned { matched: self.blob(blob), findings: None };
        }
        let Some(plan) = plan else {
            let found = self.find(&blob, None).unwrap_or_default();
            let record = found.clone();
            let matched = self.judge(&blob, found);
            let len = blob.bytes.len() as u64;
            self.local.stats.files_scanned += 1;
            self.local.stats.bytes_scanned += len;
            self.hooks.progress.blob(len);
            return Versioned::Scanned { matched, findings: Some(record) };
        };
        let mut found = Vec::new();
        for (range, w) in &plan.windows {
            let part = Blob { bytes: &blob.bytes[range.clone()], origin: blob.origin.clone(), window: Some(w), ..blob };
            match self.find(&part, Some(plan.trusted(range, blob.bytes.len()))) {
                Some(f) => found.extend(f),
                None => return Versioned::Retry,
            }
        }
        self.hooks.progress.blob(blob.bytes.len() as u64);
        Versioned::Parts(found)
    }

    fn settle(&mut self, version: &delta::Partial, found: Vec<Finding>) -> bool {
        let blob = Blob { bytes: &[], origin: version.origin.clone(), also: &[], repeat: false, window: None };
        let matched = self.judge(&blob, found);
        let s = &mut self.local.stats;
        s.files_scanned += 1;
        s.bytes_scanned += version.len as u64;
        s.versions_incremental += 1;
        s.bytes_unchanged += (version.len - version.plan.owned_bytes()) as u64;
        matched
    }

    fn archive(&mut self, blob: Blob<'_>) -> bool {
        if self.archives.max_depth == 0 {
            self.skipped(blob.origin.path(), SkipReason::Binary, blob.bytes.len() as u64, "");
            return false;
        }
        if !blob.repeat {
            self.local.stats.archives += 1;
        }
        let mut matched = false;
        let limits = self.archives;
        let max = limits.max_member;
        archive::expand(blob.origin.path(), blob.bytes, &limits, &mut |ev| match ev {
            archive::Event::File { path, bytes } => {
                let origin = blob.origin.inner(&path);
                let also: Vec<Origin> = blob.also.iter().map(|o| o.inner(&path)).collect();
                match crate::source::classify(bytes, max) {
                    crate::source::Content::Text(text) => {
                        matched |=
                            self.blob(Blob { bytes: &text, origin, also: &also, repeat: blob.repeat, window: None });
                    }
                    // nested archives are walked by `expand`; one here is past its depth
                    crate::source::Content::Archive(_) => {}
                    crate::source::Content::Skip(reason, n) => {
                        if !blob.repeat {
                            self.skipped(origin.path(), reason, n, "");
                        }
                    }
                }
            }
            archive::Event::Skip { path, reason, bytes, detail } => {
                if !blob.repeat {
                    let at = format!("{}{}", blob.origin.path(), path.trim_end_matches('!'));
                    self.skipped(&at, reason, bytes, &detail);
                }
            }
        });
        matched
    }

    fn skipped(&mut self, path: &str, reason: SkipReason, bytes: u64, detail: &str) {
        self.local.stats.skip(reason, bytes);
        if reason.is_error() {
            let what = if path.is_empty() { String::new() } else { format!("{path}: ") };
            (self.hooks.warn)(&format!("{what}{detail} ({reason})"));
        }
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        self.sink.lock().unwrap_or_else(|e| e.into_inner()).push(local);
    }
}

/// Runs a scan; errors are about the input as a whole (not a repository, bad range).
pub fn scan(cfg: &ScanConfig, det: &Detector, hooks: &Hooks<'_>) -> Result<ScanOutcome, GitError> {
    let started = Instant::now();
    let sink: Mutex<Vec<Collected>> = Mutex::new(Vec::new());
    let stream = !matches!(cfg.input, Input::History { .. });
    let new_worker = || Worker {
        matcher: det.matcher(),
        policy: &cfg.policy,
        decode: cfg.decode,
        archives: cfg.archives,
        geometry: window::Geometry::new(cfg.walk.window),
        hooks,
        stream,
        local: Collected::default(),
        sink: &sink,
    };
    let mut extra = ScanStats::default();
    let mut history = None;
    let mut push = None;
    match &cfg.input {
        Input::Paths { roots, stdin: read_stdin } => {
            if *read_stdin {
                let mut w = new_worker();
                stdin::read(&cfg.walk.stream_limits(), &mut w);
            }
            if !roots.is_empty() {
                fs::walk(roots, &cfg.walk, new_worker);
            }
        }
        Input::History { repo, options } => {
            git_history::tune_libgit2();
            let r = git_history::open(repo)?;
            let mut opts = options.clone();
            opts.max_file_size = cfg.walk.max_blob_size;
            opts.threads = cfg.walk.threads;
            let en = git_history::scan(&r, repo, &opts, hooks.warn, new_worker)?;
            for m in &en.missing {
                (hooks.warn)(&format!("{}: {m} (git_object_error)", repo.display()));
                extra.skip(SkipReason::GitObjectError, 0);
            }
            for _ in 0..en.submodules {
                extra.skip(SkipReason::Submodule, 0);
            }
            extra.commits = en.commits;
            extra.shallow = en.shallow;
            history = Some(en);
        }
        Input::Staged { repo } => {
            let r = staged::discover(repo)?;
            let mut w = new_worker();
            staged::scan(&r, cfg.walk.max_blob_size, &mut w)?;
        }
        Input::PreReceive { repo, updates, timeout } => {
            let r = pushed::open(repo)?;
            let deadline = timeout.map(|t| started + t);
            let mut w = new_worker();
            let p = pushed::scan(&r, updates, cfg.walk.max_blob_size, deadline, &mut w)?;
            drop(w);
            extra.commits = p.commits;
            push = Some(p);
        }
        Input::Image { path } => {
            let mut w = new_worker();
            crate::source::image::scan(path, cfg.walk.max_blob_size, &mut w).map_err(|e| GitError {
                repo: path.display().to_string(),
                what: "not a readable container image".into(),
                source: git2::Error::from_str(&e.to_string()),
            })?;
        }
    }
    let mut out = ScanOutcome { push, ..ScanOutcome::default() };
    out.stats.merge(&extra);
    for c in sink.into_inner().unwrap_or_else(|e| e.into_inner()) {
        out.stats.merge(&c.stats);
        out.findings.extend(c.findings);
        out.suppressed.extend(c.suppressed);
    }
    if let Some(en) = &history {
        mark_present_at_head(&mut out, en);
        once_per_location(&mut out, en);
    }
    let key = |f: &Finding| (f.path.clone(), f.location, f.rule_id.clone(), f.commit.as_ref().map(|c| c.id.clone()));
    out.findings.sort_by_key(key);
    out.suppressed.sort_by_key(|s| key(&s.finding));
    out.stats.rules = det.rules().len();
    out.stats.duration_ms = started.elapsed().as_millis() as u64;
    Ok(out)
}

/// A hash of a finding's place, as [`once_per_location`] identifies it, for live counts.
fn place_hash(f: &Finding) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    place(f).hash(&mut h);
    h.finish()
}

/// What makes a history finding one place: rule, secret, path and position.
fn place(f: &Finding) -> (&str, &str, &str, usize, usize, usize, usize) {
    let l = f.location;
    (f.fingerprint.as_str(), &f.rule_id, &f.path, l.line, l.column, l.end_line, l.end_column)
}

/// Keeps one history finding per location (rule, secret, path, line, column): the one from
/// the earliest commit. A file edited elsewhere gets a new blob in each commit, and each of
/// those blobs holds the unchanged secret; without this, a key that sat in a file through 70
/// edits was reported 70 times, each time blamed on an edit that did not add it.
fn once_per_location(out: &mut ScanOutcome, en: &git_history::Enumeration) {
    let when = |f: &Finding| f.commit.as_ref().map_or(u32::MAX, |c| en.commit_position(&c.id));
    let order = |a: &Finding, b: &Finding| place(a).cmp(&place(b)).then_with(|| when(a).cmp(&when(b)));
    out.findings.sort_by(|a, b| order(a, b));
    out.findings.dedup_by(|a, b| place(a) == place(b));
    out.suppressed.sort_by(|a, b| order(&a.finding, &b.finding));
    out.suppressed.dedup_by(|a, b| place(&a.finding) == place(&b.finding));
    out.stats.findings = out.findings.len() as u64;
    out.stats.suppressed.clear();
    for s in &out.suppressed {
        *out.stats.suppressed.entry(s.reason.name().to_string()).or_default() += 1;
    }
}

/// Sets `present_at_head` on history findings: true when a blob of HEAD's tree holds the
/// same secret (same fingerprint).
fn mark_present_at_head(out: &mut ScanOutcome, en: &git_history::Enumeration) {
    let all = out.findings.iter().chain(out.suppressed.iter().map(|s| &s.finding));
    let at_head: HashSet<String> =
        all.filter(|f| f.blob.as_deref().is_some_and(|b| en.in_head(b))).map(|f| f.fingerprint.to_string()).collect();
    for f in out.findings.iter_mut().chain(out.suppressed.iter_mut().map(|s| &mut s.finding)) {
        f.present_at_head = Some(at_head.contains(f.fingerprint.as_str()));
    }
}
