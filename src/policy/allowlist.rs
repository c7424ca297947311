//! Allowlists from the configuration that apply to some rules (or to all): regexes and
//! stopwords on the secret, path globs and path regexes.
//!
//! `[rule."id"]` tables of `.keyhound.toml` and the `[[rules.allowlists]]`, `[allowlist]` and
//! `[[allowlists]]` tables of a gitleaks configuration become [`Allowlist`]s. A finding they
//! match is suppressed with [`Suppression::RuleAllowlist`](crate::policy::Suppression) and
//! counted, like every other suppression.

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex_automata::meta::Regex;

use crate::finding::Finding;

/// How an allowlist's criteria combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Condition {
    /// Any one criterion suppresses (the default).
    #[default]
    Any,
    /// Every kind of criterion given (regexes, stopwords, paths) must match.
    All,
}

/// A compiled allowlist.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    /// Rule ids it applies to; empty: every rule.
    pub rules: Vec<String>,
    /// Regexes on the secret (pattern, compiled).
    regexes: Vec<(String, Regex)>,
    /// Lower-cased words; a secret containing one is allowed.
    stopwords: Vec<String>,
    /// Path globs (relative to the scan root).
    glob_patterns: Vec<String>,
    globs: GlobSet,
    /// Path regexes (gitleaks `paths`).
    path_regexes: Vec<(String, Regex)>,
    /// How the criteria combine.
    pub condition: Condition,
}

impl Allowlist {
    /// An empty allowlist for these rules (empty: every rule).
    pub fn new(rules: Vec<String>) -> Self {
        Allowlist { rules, ..Default::default() }
    }

    /// Adds a regex on the secret; the error is the regex compiler's reason.
    pub fn regex(&mut self, pattern: &str) -> Result<(), String> {
        let re = Regex::new(pattern).map_err(|e| format!("invalid regex `{pattern}`: {e}"))?;
        self.regexes.push((pattern.to_string(), re));
        Ok(())
    }

    /// Adds a stopword (matched case-insensitively anywhere in the secret).
    pub fn stopword(&mut self, word: &str) -> Result<(), String> {
        if word.is_empty() {
            return Err("empty stopword".to_string());
        }
        self.stopwords.push(word.to_lowercase());
        Ok(())
    }

    /// Adds path globs (`docs/**`).
    pub fn globs(&mut self, globs: &[String]) -> Result<(), String> {
        let mut b = GlobSetBuilder::new();
        for g in self.glob_patterns.iter().chain(globs) {
            b.add(Glob::new(g).map_err(|e| format!("invalid path glob `{g}`: {e}"))?);
        }
        self.globs = b.build().map_err(|e| e.to_string())?;
        self.glob_patterns.extend(globs.iter().cloned());
        Ok(())
    }

    /// Adds a path regex (matched anywhere in the `/`-separated relative path).
    pub fn path_regex(&mut self, pattern: &str) -> Result<(), String> {
        let re = Regex::new(pattern).map_err(|e| format!("invalid path regex `{pattern}`: {e}"))?;
        self.path_regexes.push((pattern.to_string(), re));
        Ok(())
    }

    /// True when it has no criterion at all.
    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
            && self.stopwords.is_empty()
            && self.glob_patterns.is_empty()
            && self.path_regexes.is_empty()
    }

    /// Whether it applies to this rule id.
    pub fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }

    /// What in this allowlist allows the finding (`None`: it does not).
    pub fn allows(&self, f: &Finding) -> Option<String> {
        if !self.applies_to(&f.rule_id) || self.is_empty() {
            return None;
        }
        let secret = f.secret.expose();
        let regex =
            || self.regexes.iter().find(|(_, re)| re.is_match(secret)).map(|(p, _)| format!("allow regex `{p}`"));
        let stopword = || {
            let lower = String::from_utf8_lossy(secret).to_lowercase();
            self.stopwords.iter().find(|w| lower.contains(w.as_str())).map(|w| format!("stopword `{w}`"))
        };
        let path = || {
            if let Some(i) = self.globs.matches(&f.path).first() {
                return Some(format!("path `{}`", self.glob_patterns[*i]));
            }
            self.path_regexes.iter().find(|(_, re)| re.is_match(f.path.as_bytes())).map(|(p, _)| format!("path `{p}`"))
        };
        let criteria: [(bool, &dyn Fn() -> Option<String>); 3] = [
            (!self.regexes.is_empty(), &regex),
            (!self.stopwords.is_empty(), &stopword),
            (!self.glob_patterns.is_empty() || !self.path_regexes.is_empty(), &path),
        ];
        let scope = if self.rules.is_empty() { "every rule".to_string() } else { format!("rule `{}`", f.rule_id) };
        match self.condition {
            Condition::Any => {
                criteria.iter().filter(|(on, _)| *on).find_map(|(_, c)| c()).map(|w| format!("{scope}: {w}"))
            }
            Condition::All => {
                let mut what = Vec::new();
                for (_, c) in criteria.iter().filter(|(on, _)| *on) {
                    what.push(c()?);
                }
                Some(format!("{scope}: {}", what.join(" and ")))
            }
        }
    }

    /// A one-line description of its criteria (for `config check`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.regexes.is_empty() {
            parts.push(format!("{} allow regex(es)", self.regexes.len()));
        }
        if !self.stopwords.is_empty() {
            parts.push(format!("{} stopword(s)", self.stopwords.len()));
        }
        let paths = self.glob_patterns.len() + self.path_regexes.len();
        if paths > 0 {
            parts.push(format!("{paths} path pattern(s)"));
        }
        let joined = parts.join(if self.condition == Condition::All { " and " } else { ", " });
        if self.condition == Condition::All { format!("{joined} (all must match)") } else { joined }
    }
}
