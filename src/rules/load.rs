//! Loading rules: the embedded rule files, `--rules FILE|DIR`, and `[[rules]]` in a config.
//!
//! Every error names the file, the rule id when there is one, and the reason. Built-in rules
//! compile lazily (they are tested by `cargo test`); rules supplied by a user are compiled at
//! load time so a broken regex is reported before the scan starts, not in the middle of it.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::matcher::regex::LazyRegex;
use crate::rules::file::{RuleFile, RuleSyntax};
use crate::rules::{
    AssignMatch, Confidence, DEFAULT_WINDOW_AFTER, FileMatch, NAMED_WINDOW_AFTER, NAMED_WINDOW_BEFORE, Pair, Rule,
    RuleSet, WINDOW_BEFORE,
};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// A rule file problem: which file, which rule, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RuleError {
    /// File the rule came from.
    pub file: String,
    /// Rule id, when the problem is in one rule.
    pub rule_id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule_id {
            Some(id) => write!(f, "{}: rule `{}`: {}", self.file, id, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Rules as written, with the file they came from.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// File name or path shown in errors.
    pub file: String,
    /// Whether these rules ship with keyhound (compiled lazily).
    pub builtin: bool,
    /// The rules.
    pub rules: Vec<RuleSyntax>,
}

/// The rule files embedded in the binary, with their examples (for checks and tests).
pub fn builtin_sources() -> Result<Vec<RuleSource>, RuleError> {
    builtin::BUILTIN_RULE_FILES.iter().map(|(name, _, full)| parse_embedded(name, full)).collect()
}

/// The rule files embedded in the binary, without examples: what a scan needs, parsed faster.
pub fn builtin_sources_for_scan() -> Result<Vec<RuleSource>, RuleError> {
    builtin::BUILTIN_RULE_FILES.iter().map(|(name, lean, _)| parse_embedded(name, lean)).collect()
}

/// Parses an embedded rule file (converted from TOML to JSON by `build.rs`).
fn parse_embedded(name: &str, json: &str) -> Result<RuleSource, RuleError> {
    let file = format!("rules/{name}");
    let parsed: RuleFile = serde_json::from_str(json).map_err(|e| RuleError {
        file: file.clone(),
        rule_id: None,
        reason: format!("not a valid rule file: {e}"),
    })?;
    Ok(RuleSource { file, builtin: true, rules: parsed.rules })
}

/// Parses one rule file's text.
pub fn parse_text(file: &str, text: &str, builtin: bool) -> Result<RuleSource, RuleError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|e| RuleError {
        file: file.to_string(),
        rule_id: None,
        reason: format!("not a valid rule file: {}", e.to_string().trim().replace('\n', " ")),
    })?;
    Ok(RuleSource { file: file.to_string(), builtin, rules: parsed.rules })
}

/// Reads a rule file, or every `*.toml` file of a directory (sorted by name).
pub fn read_path(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let err = |reason: String| RuleError { file: path.display().to_string(), rule_id: None, reason };
    let meta = fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut v: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| err(format!("cannot list directory: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        v.sort();
        if v.is_empty() {
            return Err(err("directory has no *.toml rule files".to_string()));
        }
        v
    } else {
        vec![path.to_path_buf()]
    };
    files
        .iter()
        .map(|f| {
            let text = fs::read_to_string(f).map_err(|e| RuleError {
                file: f.display().to_string(),
                rule_id: None,
                reason: format!("cannot read: {e}"),
            })?;
            parse_text(&f.display().to_string(), &text, false)
        })
        .collect()
}

/// Validates and compiles rule sources into a [`RuleSet`].
///
/// A later source's rule replaces an earlier one with the same id (so a user can override a
/// built-in rule); the same id twice within one source group (built-in, or one user file) is
/// an error. All problems are returned, not only the first.
pub fn build(sources: Vec<RuleSource>, disabled: &[String]) -> Result<RuleSet, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut index: HashMap<String, (usize, bool, String)> = HashMap::new();
    for src in sources {
        for syn in src.rules {
            let id = syn.id.clone();
            match compile_rule(syn, &src.file, src.builtin) {
                Ok(rule) => match index.get(&id) {
                    Some((_, builtin, file)) if *builtin == src.builtin && (src.builtin || *file == src.file) => {
                        errors.push(RuleError {
                            file: src.file.clone(),
                            rule_id: Some(id.clone()),
                            reason: format!("duplicate id (also defined in {file})"),
                        });
                    }
                    Some((pos, _, _)) => {
                        let pos = *pos;
                        rules[pos] = rule;
                        index.insert(id, (pos, src.builtin, src.file.clone()));
                    }
                    None => {
                        index.insert(id, (rules.len(), src.builtin, src.file.clone()));
                        rules.push(rule);
                    }
                },
                Err(e) => errors.push(e),
            }
        }
    }
    for id in disabled {
        if !index.contains_key(id) {
            errors.push(RuleError {
                file: "configuration".to_string(),
                rule_id: Some(id.clone()),
                reason: "cannot disable: no rule has this id".to_string(),
            });
        }
    }
    rules.retain(|r| !disabled.contains(&r.id));
    if errors.is_empty() { Ok(RuleSet::new(rules)) } else { Err(errors) }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// Validates one rule; user rules have their regexes compiled now.
pub fn compile_rule(syn: RuleSyntax, file: &str, builtin: bool) -> Result<Rule, RuleError> {
    let fail = |reason: String| RuleError { file: file.to_string(), rule_id: Some(syn.id.clone()), reason };
    if !is_kebab(&syn.id) {
        return Err(fail("id must be kebab-case (a-z, 0-9, single dashes)".to_string()));
    }
    if syn.name.trim().is_empty() || syn.provider.trim().is_empty() {
        return Err(fail("`name` and `provider` must not be empty".to_string()));
    }
    if syn.keywords.iter().any(|k| k.is_empty()) {
        return Err(fail("empty keyword".to_string()));
    }
    if let Some(e) = syn.entropy
        && !(0.0..=8.0).contains(&e)
    {
        return Err(fail(format!("entropy {e} is outside 0..8 bits per character")));
    }
    if syn.regex.is_empty() && syn.assign.is_none() && syn.file.is_none() {
        return Err(fail("needs a `regex`, an `assign` table or a `file` table".to_string()));
    }
    for (table, spec, revocation) in [("verify", &syn.verify, false), ("revocation", &syn.revocation, true)] {
        if let Some(p) = spec.as_ref().and_then(|s| s.problems(revocation).into_iter().next()) {
            return Err(fail(format!("[rules.{table}]: {p}")));
        }
    }
    let file_match = syn.file.as_ref().map(|f| FileMatch {
        kind: f.kind,
        field: LazyRegex::plain(f.field.clone()),
        value: f.value.as_ref().map(|v| LazyRegex::plain(format!("\\A(?:{v})\\z"))),
    });
    let regex = (!syn.regex.is_empty()).then(|| LazyRegex::with_secret(syn.regex.clone()));
    let assign = syn.assign.as_ref().map(|a| AssignMatch {
        name: LazyRegex::plain(a.name.clone()),
        value: LazyRegex::plain(format!("\\A(?:{})\\z", a.value)),
        schemes: a.schemes.iter().map(|s| s.to_ascii_lowercase()).collect(),
        not_name: a.not_name.as_ref().map(|p| LazyRegex::plain(p.clone())),
    });
    // generic name-gated rules: every keyword is part of the names the rule accepts
    let narrow = syn.generic && syn.assign.is_some() && syn.regex.is_empty();
    let allow: Vec<LazyRegex> = syn.allow.iter().map(|p| LazyRegex::plain(p.clone())).collect();
    let pair = syn.pair.as_ref().map(|p| Pair {
        name: p.name.clone(),
        regex: LazyRegex::with_secret(p.regex.clone()),
        within_lines: p.within_lines,
    });
    let path = syn.path.as_ref().map(|p| LazyRegex::plain(p.clone()));
    if !builtin {
        if let Some(regex) = &regex {
            regex.get().map_err(|e| fail(e.to_string()))?;
        }
        if let Some(a) = &assign {
            a.name.get().map_err(|e| fail(format!("assign name regex: {e}")))?;
            a.value.get().map_err(|e| fail(format!("assign value regex: {e}")))?;
            if let Some(n) = &a.not_name {
                n.get().map_err(|e| fail(format!("assign not_name regex: {e}")))?;
            }
        }
        if let Some(f) = &file_match {
            f.field.get().map_err(|e| fail(format!("file field regex: {e}")))?;
            if let Some(v) = &f.value {
                v.get().map_err(|e| fail(format!("file value regex: {e}")))?;
            }
        }
        if let Some(p) = &path {
            p.get().map_err(|e| fail(format!("path regex: {e}")))?;
        }
        for a in &allow {
            a.get().map_err(|e| fail(format!("allow regex: {e}")))?;
        }
        if let Some(p) = &pair {
            p.regex.get().map_err(|e| fail(format!("pair regex: {e}")))?;
        }
    }
    Ok(Rule {
        id: syn.id.clone(),
        name: syn.name.clone(),
        provider: syn.provider.clone(),
        severity: syn.severity,
        confidence: syn.confidence.unwrap_or(if syn.generic { Confidence::Low } else { Confidence::High }),
        keywords: syn.keywords.clone(),
        regex,
        assign,
        file: file_match,
        min_entropy: syn.entropy,
        window: if narrow { NAMED_WINDOW_AFTER } else { syn.window.unwrap_or(DEFAULT_WINDOW_AFTER).max(16) },
        window_before: if narrow { NAMED_WINDOW_BEFORE } else { WINDOW_BEFORE },
        keyword_in_name: narrow,
        check: syn.check,
        placeholder_filter: syn.placeholder_filter,
        generic: syn.generic,
        allow,
        stopwords: syn.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
        pair,
        path,
        source: file.to_string(),
        syntax: syn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids() {
        assert!(is_kebab("openai-project-key"));
        assert!(is_kebab("aws2-key"));
        assert!(!is_kebab("OpenAI"));
        assert!(!is_kebab("a--b"));
        assert!(!is_kebab("-a"));
        assert!(!is_kebab(""));
    }
}
