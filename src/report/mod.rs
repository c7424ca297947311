//! Reports: a finished [`ScanOutcome`] to bytes.
//!
//! Writers are pure functions of the outcome (except [`jsonl`], which streams findings as the
//! scan finds them). No writer prints a raw secret unless the context says `show_secrets`.
//!
//! [`ScanOutcome`]: crate::scan::ScanOutcome

pub mod audit;
pub mod config;
pub mod csv;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod org;
pub mod rules;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::finding::{Finding, Secret};
use crate::rules::RuleSet;
use crate::scan::ScanOutcome;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by file.
    Text,
    /// One JSON object: `version`, `tool`, `findings`, `suppressed`, `stats`.
    Json,
    /// One JSON object per finding per line, streamed as found.
    Jsonl,
    /// SARIF 2.1.0 for GitHub code scanning and other viewers.
    Sarif,
    /// JUnit XML: a failing test case per finding.
    Junit,
    /// CSV, one row per finding.
    Csv,
    /// GitHub Actions `::error` annotations, one per finding.
    Github,
    /// GitLab's secret-detection report (`gl-secret-detection-report.json`).
    Gitlab,
}

/// What a writer needs besides the outcome.
#[derive(Debug)]
pub struct Context<'a> {
    /// Print raw secrets instead of redacted ones.
    pub show_secrets: bool,
    /// Use ANSI colours (text format).
    pub color: bool,
    /// The rules of the scan (SARIF rule metadata).
    pub rules: &'a RuleSet,
    /// The repository the scanned tree belongs to, if known (SARIF `versionControlProvenance`).
    pub provenance: Option<crate::source::provenance::Provenance>,
    /// What was scanned, for SARIF `automationDetails.id` (`keyhound/dir/`, `keyhound/git/`…).
    pub automation_id: String,
}

impl Context<'_> {
    /// The secret as reports show it.
    pub fn secret(&self, s: &Secret) -> String {
        if self.show_secrets { s.expose_str() } else { s.redacted() }
    }

    /// The snippet as reports show it: redacted, or the raw line under `--show-secrets`.
    pub fn snippet(&self, f: &Finding) -> String {
        if self.show_secrets {
            f.snippet.replacen(&f.secret.redacted(), &f.secret.expose_str(), 1)
        } else {
            f.snippet.clone()
        }
    }
}

/// A sentence on a finding's verification for prose reports (` It still works (verified at
/// api.example.com): revoke it first.`), empty when it was not verified.
pub fn verification_note(f: &Finding) -> String {
    use crate::verify::Status;
    match &f.verification {
        None => String::new(),
        Some(v) => match v.status {
            Status::Active => format!(" It still works (verified at {}): revoke it first.", v.host),
            Status::Inactive => format!(" {} says it no longer works.", v.host),
            Status::Unknown | Status::Error => format!(
                " Verification at {} was inconclusive ({}).",
                v.host,
                v.reason.as_deref().unwrap_or(v.status.as_str())
            ),
        },
    }
}

/// Version of the JSON and JSONL report layout; bumped on incompatible changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Writes a finished outcome in `format` (JSONL writes whatever was not streamed).
pub fn write(out: &mut dyn Write, format: Format, outcome: &ScanOutcome, ctx: &Context<'_>) -> io::Result<()> {
    match format {
        Format::Text => text::write(out, outcome, ctx),
        Format::Json => json::write(out, outcome, ctx),
        Format::Jsonl => Ok(()),
        Format::Sarif => sarif::write(out, outcome, ctx),
        Format::Junit => junit::write(out, outcome, ctx),
        Format::Csv => csv::write(out, outcome, ctx),
        Format::Github => github::write(out, outcome, ctx),
        Format::Gitlab => gitlab::write(out, outcome, ctx),
    }
}

/// A report destination that names itself in write errors (`/dev/full: cannot write report: No
/// space left on device`) and keeps the error's kind, so a closed pipe is still recognised as
/// one and ends quietly.
#[derive(Debug)]
pub struct NamedOutput<W> {
    inner: W,
    name: String,
}

impl<W: Write> NamedOutput<W> {
    /// Wraps `inner`; `name` is the file name or `standard output`.
    pub fn new(inner: W, name: impl Into<String>) -> Self {
        NamedOutput { inner, name: name.into() }
    }

    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: cannot write report: {e}", self.name))
    }
}

impl<W: Write> Write for NamedOutput<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}
