//! `keyhound revoke`: revoke found secrets at providers that document a way to, and keep a
//! record of it (time, fingerprint, provider, HTTP status, outcome: never the secret) that
//! `keyhound audit` includes.
//!
//! A [`Revoker`] is data (a rule's `[rules.revocation]` table, read like a verifier: an
//! `active` status means revoked, an `inactive` one that the key was already invalid) or code
//! for batched endpoints: GitHub's credential-revocation API takes up to 1,000 tokens per
//! request, unauthenticated, 60 requests per hour.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rules::Rule;
use crate::verify::net::Http;
use crate::verify::spec::{Method, Outcome, Request, RequestSyntax, Values};
use crate::verify::{Status, net_outcome};

/// Default file of revocation records.
pub const DEFAULT_RECORD: &str = "keyhound-revocations.jsonl";

/// What happened to one secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The provider revoked it.
    Revoked,
    /// The provider says the key was already invalid.
    AlreadyInvalid,
    /// The request failed or the answer says neither.
    Failed,
}

impl Effect {
    /// Name in records and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Revoked => "revoked",
            Effect::AlreadyInvalid => "already_invalid",
            Effect::Failed => "failed",
        }
    }
}

/// One line of the revocation record (JSONL).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Record {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The secret's fingerprint.
    pub fingerprint: String,
    /// Its rule.
    pub rule: String,
    /// The provider.
    pub provider: String,
    /// The host asked.
    pub host: String,
    /// The answer's HTTP status, if there was an answer.
    pub http_status: Option<u16>,
    /// The outcome.
    pub outcome: Effect,
    /// Why, when not revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A way to revoke credentials at a provider.
pub trait Revoker: Send + Sync {
    /// The host the secrets are sent to.
    fn host(&self) -> String;
    /// Secrets per request (1: one request each).
    fn batch(&self) -> usize {
        1
    }
    /// Revokes a batch (at most [`Revoker::batch`] secrets); one outcome per secret.
    fn revoke(&self, batch: &[Values<'_>], http: &Http) -> Vec<Outcome>;
}

/// A revoker written as data.
#[derive(Debug)]
pub struct HttpRevoker<'a>(pub &'a RequestSyntax);

impl Revoker for HttpRevoker<'_> {
    fn host(&self) -> String {
        crate::verify::spec::host_of(&self.0.url).unwrap_or_default()
    }

    fn revoke(&self, batch: &[Values<'_>], http: &Http) -> Vec<Outcome> {
        batch
            .iter()
            .map(|v| match self.0.request(*v) {
                Err(e) => Outcome::new(Status::Error, Some(e)),
                Ok(req) => match http.send(&req) {
                    Ok(r) => self.0.interpret(r.status, &r.body, r.retry_after),
                    Err(e) => net_outcome(e),
                },
            })
            .collect()
    }
}

/// GitHub's credential-revocation API (`POST /credentials/revoke`): classic and fine-grained
/// personal access tokens, OAuth, user-to-server and refresh tokens.
#[derive(Debug)]
pub struct GithubRevoker;

impl Revoker for GithubRevoker {
    fn host(&self) -> String {
        "api.github.com".into()
    }

    fn batch(&self) -> usize {
        1000
    }

    fn revoke(&self, batch: &[Values<'_>], http: &Http) -> Vec<Outcome> {
        let body = serde_json::json!({ "credentials": batch.iter().map(|v| v.secret).collect::<Vec<_>>() });
        let req = Request {
            method: Method::Post,
            url: "https://api.github.com/credentials/revoke".into(),
            headers: vec![
                ("Accept".into(), "application/vnd.github+json".into()),
                ("X-GitHub-Api-Version".into(), "2022-11-28".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Some(body.to_string().into_bytes()),
        };
        // 202: accepted for revocation (GitHub does not say which were valid)
        let spec = RequestSyntax {
            active: vec![202],
            inactive: Some(vec![]),
            reason: Some("/message".into()),
            ..Default::default()
        };
        let o = match http.send(&req) {
            Ok(r) => spec.interpret(r.status, &r.body, r.retry_after),
            Err(e) => net_outcome(e),
        };
        vec![o; batch.len()]
    }
}

/// The rule's revoker, if it has one.
pub fn revoker_of(rule: &Rule) -> Option<Box<dyn Revoker + '_>> {
    let s = rule.syntax.revocation.as_ref()?;
    match s.code.as_deref() {
        Some("github-revoke") => Some(Box::new(GithubRevoker)),
        Some(_) => None,
        None => Some(Box::new(HttpRevoker(s))),
    }
}

/// Fingerprints listed in a report (JSON, JSONL, SARIF-less baseline): every `fingerprint`
/// field of `findings[]`, or of each line.
pub fn fingerprints_in(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut take = |v: &serde_json::Value| {
        if let Some(f) = v.get("fingerprint").and_then(|f| f.as_str()) {
            out.push(f.to_string());
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(doc) => match doc.get("findings").and_then(|f| f.as_array()) {
            Some(list) => list.iter().for_each(&mut take),
            None => take(&doc),
        },
        Err(_) => {
            for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|e| format!("{}:{}: not a JSON or JSONL report: {e}", path.display(), i + 1))?;
                take(&v);
            }
        }
    }
    if out.is_empty() {
        return Err(format!("{}: no findings with a fingerprint", path.display()));
    }
    Ok(out)
}

/// One distinct secret to revoke.
#[derive(Debug)]
pub struct Target<'f> {
    /// A finding of it (the first).
    pub finding: &'f Finding,
    /// Places it was found.
    pub places: usize,
}

/// The distinct secrets of `findings` (by fingerprint, in order), restricted to `only` when
/// it is not empty.
pub fn targets<'f>(findings: &'f [Finding], only: &[String]) -> Vec<Target<'f>> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Target<'f>> = Vec::new();
    for f in findings {
        if !only.is_empty() && !only.iter().any(|o| o == f.fingerprint.as_str()) {
            continue;
        }
        match seen.get(f.fingerprint.as_str()) {
            Some(&i) => out[i].places += 1,
            None => {
                seen.insert(f.fingerprint.as_str(), out.len());
                out.push(Target { finding: f, places: 1 });
            }
        }
    }
    out
}

/// Revokes `chosen` (all with a revoker), batching per revoker; returns one record each.
pub fn revoke_all(chosen: &[&Finding], rules: &[Rule], http: &Http, now_secs: i64) -> Vec<Record> {
    // group by rule: one revoker per rule, batched
    let mut groups: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for f in chosen {
        groups.entry(f.rule_index).or_default().push(f);
    }
    let time = crate::source::git_history::rfc3339(now_secs, 0);
    let mut records = Vec::new();
    for (ri, fs) in groups {
        let Some(rule) = rules.get(ri) else { continue };
        let Some(rev) = revoker_of(rule) else { continue };
        for chunk in fs.chunks(rev.batch().max(1)) {
            let secrets: Vec<(String, Option<String>)> =
                chunk.iter().map(|f| (f.secret.expose_str(), f.parts.first().map(|p| p.secret.expose_str()))).collect();
            let values: Vec<Values<'_>> =
                secrets.iter().map(|(s, p)| Values { secret: s, part: p.as_deref() }).collect();
            let outcomes = rev.revoke(&values, http);
            for (f, o) in chunk.iter().zip(outcomes) {
                let outcome = match o.status {
                    Status::Active => Effect::Revoked,
                    Status::Inactive => Effect::AlreadyInvalid,
                    Status::Unknown | Status::Error => Effect::Failed,
                };
                let mut reason = o.reason;
                if let Some(r) = &mut reason {
                    *r = r.replace(&f.secret.expose_str(), "[REDACTED]");
                }
                records.push(Record {
                    time: time.clone(),
                    fingerprint: f.fingerprint.to_string(),
                    rule: f.rule_id.clone(),
                    provider: f.provider.clone(),
                    host: rev.host(),
                    http_status: o.http_status,
                    outcome,
                    reason,
                });
            }
        }
    }
    records
}

/// Appends records to the record file (created if missing).
pub fn append(path: &Path, records: &[Record]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    f.write_all(text.as_bytes())?;
    f.flush()
}

/// Reads a record file; the latest record of each fingerprint wins.
pub fn read(path: &Path) -> Result<BTreeMap<String, Record>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let r: Record = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: not a revocation record: {e}", path.display(), i + 1))?;
        out.insert(r.fingerprint.clone(), r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.jsonl");
        let rec = |fp: &str, o| Record {
            time: "2026-12-06T12:00:00Z".into(),
            fingerprint: fp.into(),
            rule: "github-pat-classic".into(),
            provider: "GitHub".into(),
            host: "api.github.com".into(),
            http_status: Some(202),
            outcome: o,
            reason: None,
        };
        append(&p, &[rec("a", Effect::Failed)]).unwrap();
        append(&p, &[rec("a", Effect::Revoked), rec("b", Effect::AlreadyInvalid)]).unwrap();
        let all = read(&p).unwrap();
        assert_eq!(all["a"].outcome, Effect::Revoked);
        assert_eq!(all["b"].outcome, Effect::AlreadyInvalid);
        std::fs::write(&p, "{nope\n").unwrap();
        assert!(read(&p).unwrap_err().contains("r.jsonl:1"));
    }
}
