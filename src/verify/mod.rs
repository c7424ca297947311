//! Is it live? Opt-in verification of found secrets against their providers (`--verify`).
//!
//! Each distinct secret (by fingerprint) whose rule has a verifier is checked once, by one
//! request without side effects to the provider's documented endpoint, on the host fixed in the
//! rule (never one taken from the scanned text). A [`Verifier`] is either data (the rule's
//! `[rules.verify]` table, see [`spec`]) or code for the few that need it ([`code`]: AWS
//! SigV4). All traffic goes through [`net::Http`], which refuses private addresses, does not
//! follow redirects, limits requests per host and honours `Retry-After`.

pub mod code;
pub mod net;
pub mod spec;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rules::Rule;
use net::{Http, NetError};
use spec::{Outcome, RequestSyntax, Values};

/// What the provider said about a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It works: revoke it first.
    Active,
    /// Revoked, expired or unknown to the provider.
    Inactive,
    /// No answer that says either (rate limited, network down, provider error).
    Unknown,
    /// Not checked because of a problem on this side (missing second part, refused address).
    Error,
}

impl Status {
    /// Lower-case name, as in reports and `--results`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Unknown => "unknown",
            Status::Error => "error",
        }
    }
}

/// The result of verifying one secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The status.
    pub status: Status,
    /// Why, when not active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the provider says about the key (account, scopes, expiry), secrets removed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
    /// The host asked.
    pub host: String,
}

/// A way to check a credential with its provider.
pub trait Verifier: Send + Sync {
    /// The host the secret is sent to.
    fn host(&self) -> String;
    /// Checks the credential: at most one request.
    fn verify(&self, v: Values<'_>, http: &Http) -> Outcome;
}

/// A verifier written as data.
#[derive(Debug)]
pub struct HttpVerifier<'a>(pub &'a RequestSyntax);

impl Verifier for HttpVerifier<'_> {
    fn host(&self) -> String {
        spec::host_of(&self.0.url).unwrap_or_default()
    }

    fn verify(&self, v: Values<'_>, http: &Http) -> Outcome {
        let req = match self.0.request(v) {
            Ok(r) => r,
            Err(e) => return Outcome::new(Status::Error, Some(e)),
        };
        match http.send(&req) {
            Ok(r) => {
                let mut o = self.0.interpret(r.status, &r.body, r.retry_after);
                if o.status == Status::Active {
                    for (name, header) in &self.0.header_details {
                        let h = header.to_ascii_lowercase();
                        if let Some((_, v)) = r.headers.iter().find(|(k, _)| *k == h) {
                            o.details.insert(name.clone(), v.clone());
                        }
                    }
                }
                o
            }
            Err(e) => net_outcome(e),
        }
    }
}

/// The outcome of a request that got no answer.
pub fn net_outcome(e: NetError) -> Outcome {
    match e {
        NetError::Refused(m) => Outcome::new(Status::Error, Some(m)),
        NetError::Failed(m) | NetError::Deferred(m) => Outcome::new(Status::Unknown, Some(m)),
    }
}

/// The rule's verifier, if it has one.
pub fn verifier_of(rule: &Rule) -> Option<Box<dyn Verifier + '_>> {
    let s = rule.syntax.verify.as_ref()?;
    match &s.code {
        Some(c) => code::verifier(c),
        None => Some(Box::new(HttpVerifier(s))),
    }
}

/// Removes every found value from a provider's text (an error or a detail may echo the key).
fn scrub(text: &str, v: Values<'_>) -> String {
    let mut t = text.to_string();
    for s in std::iter::once(v.secret).chain(v.part) {
        if s.len() >= 4 {
            t = t.replace(s, "[REDACTED]");
        }
    }
    t
}

/// Verification settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Network settings.
    pub net: net::Options,
    /// Requests in flight in all.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { net: net::Options::default(), threads: 8 }
    }
}

/// What a verification run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Distinct secrets checked.
    pub secrets: usize,
    /// Requests sent.
    pub requests: usize,
    /// Distinct secrets by status.
    pub by_status: BTreeMap<Status, usize>,
    /// Distinct secrets whose rule has no verifier.
    pub unverifiable: usize,
}

impl Summary {
    /// One line for the end of a scan: `3 of 22 distinct secrets still work: revoke them first`.
    pub fn line(&self) -> String {
        let n = |s| self.by_status.get(&s).copied().unwrap_or(0);
        let mut s = format!(
            "verified {} distinct secret(s) with {} request(s): {} active, {} inactive, {} unknown, {} error",
            self.secrets,
            self.requests,
            n(Status::Active),
            n(Status::Inactive),
            n(Status::Unknown),
            n(Status::Error)
        );
        if self.unverifiable > 0 {
            s.push_str(&format!("; {} without a verifier", self.unverifiable));
        }
        if n(Status::Active) > 0 {
            s.push_str(&format!(". {} still work: revoke them first", n(Status::Active)));
        }
        s
    }
}

struct Job<'r> {
    fingerprint: String,
    verifier: Box<dyn Verifier + 'r>,
    secret: String,
    part: Option<String>,
}

/// Verifies the distinct secrets of `findings` (each fingerprint once) and sets their
/// `verification`. `rules` is the scan's rule set (indexed by `rule_index`).
pub fn run(findings: &mut [&mut Finding], rules: &[Rule], http: &Http, opts: &Options) -> Summary {
    let mut jobs: VecDeque<Job<'_>> = VecDeque::new();
    let mut seen: HashMap<String, bool> = HashMap::new();
    let mut summary = Summary::default();
    for f in findings.iter() {
        let fp = f.fingerprint.to_string();
        if seen.contains_key(&fp) {
            continue;
        }
        let v = rules.get(f.rule_index).and_then(verifier_of);
        seen.insert(fp.clone(), v.is_some());
        let Some(verifier) = v else {
            summary.unverifiable += 1;
            continue;
        };
        jobs.push_back(Job {
            fingerprint: fp,
            verifier,
            secret: f.secret.expose_str(),
            part: f.parts.first().map(|p| p.secret.expose_str()),
        });
    }
    summary.secrets = jobs.len();
    let before = http.sent();
    let queue = Mutex::new(jobs);
    let results: Mutex<HashMap<String, Arc<Verification>>> = Mutex::new(HashMap::new());
    let workers = opts.threads.clamp(1, 64).min(summary.secrets.max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let Some(job) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else {
                        break;
                    };
                    let v = Values { secret: &job.secret, part: job.part.as_deref() };
                    let o = job.verifier.verify(v, http);
                    let ver = Verification {
                        status: o.status,
                        reason: o.reason.map(|r| scrub(&r, v)),
                        details: o.details.into_iter().map(|(k, d)| (k, scrub(&d, v))).collect(),
                        host: job.verifier.host(),
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner()).insert(job.fingerprint, Arc::new(ver));
                }
            });
        }
    });
    summary.requests = http.sent() - before;
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    for v in results.values() {
        *summary.by_status.entry(v.status).or_default() += 1;
    }
    for f in findings.iter_mut() {
        f.verification = results.get(f.fingerprint.as_str()).cloned();
    }
    summary
}

/// Verifies the reported findings of finished scans (each distinct secret once across all of
/// them), then keeps only those whose result `filters` admits (all when empty; the others are
/// counted as suppressed). The summary is also put in each outcome's `stats.verification`.
pub fn apply(
    outcomes: &mut [&mut crate::scan::ScanOutcome],
    rules: &[Rule],
    opts: &Options,
    filters: &[ResultFilter],
) -> Result<Summary, String> {
    let http = Http::new(opts.net.clone(), net::Override::from_env()?);
    let mut refs: Vec<&mut Finding> = outcomes.iter_mut().flat_map(|o| o.findings.iter_mut()).collect();
    let summary = run(&mut refs, rules, &http, opts);
    for outcome in outcomes.iter_mut() {
        if !filters.is_empty() {
            let all = std::mem::take(&mut outcome.findings);
            for f in all {
                if filters.iter().any(|r| r.admits(f.verification.as_deref())) {
                    outcome.findings.push(f);
                } else {
                    let label = f.verification.as_ref().map_or("unverified", |v| v.status.as_str()).to_string();
                    let reason = crate::policy::Suppression::VerificationResult(label);
                    *outcome.stats.suppressed.entry(reason.name().to_string()).or_default() += 1;
                    outcome.suppressed.push(crate::scan::Suppressed { finding: f, reason });
                }
            }
            outcome.stats.findings = outcome.findings.len() as u64;
        }
        outcome.stats.verification = Some(summary.clone());
    }
    Ok(summary)
}

/// A `--results` value: a status, or `unverified` for secrets whose rule has no verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResultFilter {
    /// It works.
    Active,
    /// It does not.
    Inactive,
    /// No clear answer.
    Unknown,
    /// Not checked: a problem on this side.
    Error,
    /// The rule has no verifier.
    Unverified,
}

impl ResultFilter {
    /// Whether a finding with this verification passes the filter.
    pub fn admits(self, v: Option<&Verification>) -> bool {
        match (self, v) {
            (ResultFilter::Unverified, None) => true,
            (ResultFilter::Active, Some(v)) => v.status == Status::Active,
            (ResultFilter::Inactive, Some(v)) => v.status == Status::Inactive,
            (ResultFilter::Unknown, Some(v)) => v.status == Status::Unknown,
            (ResultFilter::Error, Some(v)) => v.status == Status::Error,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_found_values() {
        let found = format!("sk-{}", "abcdef");
        let v = Values { secret: &found, part: Some("PARTVALUE") };
        assert_eq!(scrub("bad key sk-abcdef for PARTVALUE", v), "bad key [REDACTED] for [REDACTED]");
    }

    #[test]
    fn summary_line_says_what_to_do() {
        let mut s = Summary { secrets: 22, requests: 22, ..Default::default() };
        s.by_status.insert(Status::Active, 3);
        s.by_status.insert(Status::Inactive, 19);
        assert!(s.line().ends_with("3 still work: revoke them first"), "{}", s.line());
    }
}
