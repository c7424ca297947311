//! `keyhound revoke`: scan, choose the secrets, ask, revoke, record. The work is in
//! [`crate::revoke`]; this only wires it to the terminal.

use std::io::{self, BufRead, Write};

use anyhow::{Context as _, Result, anyhow};

use super::Status;
use super::args::RevokeArgs;
use super::settings;
use crate::progress::Progress;
use crate::revoke::{self, Effect};
use crate::scan::{self, Hooks};
use crate::verify::net::{self, Http, Override};

/// Runs `keyhound revoke`.
pub fn cmd_revoke(a: &RevokeArgs) -> Result<Status> {
    let s = settings::scan_settings(&a.scan)?;
    let mut only = a.fingerprints.clone();
    if let Some(r) = &a.report {
        only.extend(revoke::fingerprints_in(r).map_err(|e| anyhow!(e))?);
    }
    let redirect = Override::from_env().map_err(|e| anyhow!(e))?;
    let progress = Progress::start(a.scan.quiet);
    let warn = |msg: &str| progress.warn(msg);
    let hooks = Hooks { warn: &warn, stream: None, progress: &progress };
    let result = scan::scan(&s.scan, &s.detector, &hooks);
    progress.finish();
    let outcome = result?;
    let rules = s.detector.rules().rules();
    let targets = revoke::targets(&outcome.findings, &only);
    for fp in &only {
        if !outcome.findings.iter().any(|f| f.fingerprint.as_str() == fp) {
            eprintln!("keyhound: fingerprint {fp}: not found by this scan (scan the place it was found, e.g. --git)");
        }
    }
    let mut answers = io::stdin().lock().lines();
    let mut chosen = Vec::new();
    let mut manual = Vec::new();
    for t in &targets {
        let f = t.finding;
        let Some(rev) = rules.get(f.rule_index).and_then(revoke::revoker_of) else {
            manual.push(f);
            continue;
        };
        let what = format!(
            "{} {} (fingerprint {}, {} place(s), first {}:{}) at {}",
            f.rule_id,
            f.secret.redacted(),
            f.fingerprint,
            t.places,
            f.path,
            f.location.line,
            rev.host()
        );
        if a.dry_run {
            println!("would revoke {what}");
            continue;
        }
        if !a.yes {
            eprint!("revoke {what}? [y/N] ");
            io::stderr().flush().ok();
            let yes = matches!(answers.next(), Some(Ok(l)) if matches!(l.trim(), "y" | "Y" | "yes" | "YES"));
            if !yes {
                println!("kept {} {}", f.rule_id, f.fingerprint);
                continue;
            }
        }
        chosen.push(f);
    }
    for f in &manual {
        let how = rules.get(f.rule_index).map_or("", |r| r.syntax.revoke.trim());
        println!("no revocation API for {} {} ({}): {how}", f.rule_id, f.fingerprint, f.provider);
    }
    if targets.is_empty() {
        eprintln!("keyhound: no secrets to revoke");
        return Ok(0);
    }
    if a.dry_run || chosen.is_empty() {
        return Ok(0);
    }
    let http = Http::new(net::Options::default(), redirect);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let records = revoke::revoke_all(&chosen, rules, &http, now);
    revoke::append(&a.record, &records)
        .with_context(|| format!("{}: cannot write the revocation record", a.record.display()))?;
    let mut n = [0usize; 3];
    for r in &records {
        n[r.outcome as usize] += 1;
        let status = r.http_status.map_or("no answer".to_string(), |s| format!("HTTP {s}"));
        let reason = r.reason.as_ref().map_or(String::new(), |x| format!(": {x}"));
        println!("{} {} {} at {} ({status}){reason}", r.outcome.as_str(), r.rule, r.fingerprint, r.host);
    }
    eprintln!(
        "keyhound: {} revoked, {} already invalid, {} failed; recorded in {}",
        n[Effect::Revoked as usize],
        n[Effect::AlreadyInvalid as usize],
        n[Effect::Failed as usize],
        a.record.display()
    );
    Ok(if n[Effect::Failed as usize] > 0 { 1 } else { 0 })
}
