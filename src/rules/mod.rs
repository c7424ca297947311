//! Rules: what a credential looks like, compiled from data.
//!
//! [`RuleSyntax`] is the TOML as written; [`Rule`] is the validated form the
//! matcher uses; [`RuleSet`] is the immutable, `Sync` collection shared by every worker thread.
//! Regexes inside a [`Rule`] compile lazily on first use, so start-up stays in milliseconds.

pub mod check;
pub mod file;
pub mod load;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::matcher::regex::LazyRegex;
pub use file::{CheckKind, FileSyntax, RuleSyntax};
pub use load::{RuleError, RuleSource};

/// How bad a leak of this credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Narrow scope.
    Low,
    /// Limited scope or hard to abuse.
    Medium,
    /// A working API key for a paid or private service.
    High,
    /// Broad account, cloud, payment or signing access.
    Critical,
}

impl Severity {
    /// Lower-case name, as in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub code scanning's `security-severity` score for this level.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure keyhound is that a match is a real credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Generic, entropy-based.
    Low,
    /// Needs a nearby keyword.
    Medium,
    /// Anchored on a provider prefix or checksum.
    High,
}

impl Confidence {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bytes before a keyword hit where a match may start.
pub const WINDOW_BEFORE: usize = 256;
/// Bytes before a keyword hit where the name holding a generic name-gated rule's keyword may
/// start (a name is at most [`crate::assign::MAX_NAME`] bytes).
pub const NAMED_WINDOW_BEFORE: usize = crate::assign::MAX_NAME;
/// Bytes after the keyword hit of a generic name-gated rule: the name holds the keyword, so the
/// recogniser needs only the line of the hit (line alignment adds the rest of it).
pub const NAMED_WINDOW_AFTER: usize = 16;
/// Default bytes after a keyword hit that a match may reach.
pub const DEFAULT_WINDOW_AFTER: usize = 512;

/// The second part of a multi-part credential, compiled.
#[derive(Debug)]
pub struct Pair {
    /// Name of the part.
    pub name: String,
    /// Lazily compiled regex with a `secret` group.
    pub regex: LazyRegex,
    /// Maximum distance in lines from the first part.
    pub within_lines: usize,
}

/// A name-gated rule's test of an assignment (see [`crate::assign`]).
#[derive(Debug)]
pub struct AssignMatch {
    /// Searched in the name.
    pub name: LazyRegex,
    /// Must match the whole value (compiled as `\A(?:…)\z`); its `secret` group, if any, is
    /// what is reported.
    pub value: LazyRegex,
    /// Lower-cased auth schemes the value must come with; empty: any.
    pub schemes: Vec<String>,
    /// A name this matches is not a finding.
    pub not_name: Option<LazyRegex>,
}

/// A credential-file rule's field test (see [`crate::credfile`]).
#[derive(Debug)]
pub struct FileMatch {
    /// The file kind.
    pub kind: crate::credfile::Kind,
    /// Searched in the field's lower-cased key.
    pub field: LazyRegex,
    /// Must match the whole value (compiled as `\A(?:…)\z`), if given.
    pub value: Option<LazyRegex>,
}

/// A validated rule, ready for the matcher.
#[derive(Debug)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Issuer.
    pub provider: String,
    /// Severity.
    pub severity: Severity,
    /// Confidence of a match.
    pub confidence: Confidence,
    /// Prefilter literals.
    pub keywords: Vec<String>,
    /// Lazily compiled regex (none for a rule that only has `assign`).
    pub regex: Option<LazyRegex>,
    /// What a name-gated rule asks of an assignment.
    pub assign: Option<AssignMatch>,
    /// What a credential-file rule reports.
    pub file: Option<FileMatch>,
    /// Minimum entropy of the secret.
    pub min_entropy: Option<f64>,
    /// Bytes after a keyword hit that a match may reach.
    pub window: usize,
    /// Bytes before a keyword hit where a match may start: [`WINDOW_BEFORE`], or
    /// [`NAMED_WINDOW_BEFORE`] for a generic name-gated rule, whose keywords are part of the
    /// name (`key` in `API_KEY`), so only the name's own line needs reading.
    pub window_before: usize,
    /// A generic name-gated rule whose keywords are part of the name (`key` in `API_KEY`):
    /// the recogniser reads only [`crate::matcher::named::NEAR_REACH`] bytes around a hit in a
    /// long line, not the whole line.
    pub keyword_in_name: bool,
    /// Built-in validator.
    pub check: Option<CheckKind>,
    /// Whether the placeholder filter applies.
    pub placeholder_filter: bool,
    /// Generic rules lose to provider rules.
    pub generic: bool,
    /// Allow regexes on the secret.
    pub allow: Vec<LazyRegex>,
    /// Lower-cased stopwords.
    pub stopwords: Vec<String>,
    /// Second part, if any.
    pub pair: Option<Pair>,
    /// Only files whose path matches this regex are in the rule's scope.
    pub path: Option<LazyRegex>,
    /// Where the rule came from (file name or path).
    pub source: String,
    /// The rule as written (examples, references, revoke guidance).
    pub syntax: RuleSyntax,
}

impl Rule {
    /// Whether a finding at this path is in the rule's scope (its `path` regex, if any).
    pub fn applies_to_path(&self, path: &str) -> bool {
        self.path.as_ref().is_none_or(|re| re.is_match(path.as_bytes()))
    }
}

/// The immutable set of rules of a scan.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// Wraps validated rules.
    pub fn new(rules: Vec<Rule>) -> Self {
        RuleSet { rules }
    }

    /// All rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// All rules, mutable (configuration overrides are applied before a scan starts).
    pub fn rules_mut(&mut self) -> &mut [Rule] {
        &mut self.rules
    }

    /// The rule at an index.
    pub fn get(&self, idx: usize) -> &Rule {
        &self.rules[idx]
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Index of a rule by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// SHA-256 (hex) of the effective rules as written, ordered by id: two scans with the same
    /// digest used the same rules, whatever files they were loaded from.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut sorted: Vec<&RuleSyntax> = self.rules.iter().map(|r| &r.syntax).collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let mut h = Sha256::new();
        for r in sorted {
            h.update(serde_json::to_vec(r).unwrap_or_default());
            h.update(b"\n");
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}
