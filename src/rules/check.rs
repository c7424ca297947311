//! Runs rules' examples and negative examples through the whole matcher.
//!
//! Used by `cargo test` for the built-in rules and by `keyhound rules check` for a user's rule
//! files, so both exercise exactly what a scan runs: prefilter, lazily compiled regex, entropy,
//! placeholder filter, stopwords, allow regexes and checks.

use crate::matcher::Detector;
use crate::rules::load::{RuleError, compile_rule};
use crate::rules::{Confidence, RuleSet, RuleSource};

/// The marker removed from example text so rule files do not match themselves.
pub const EXAMPLE_MARKER: &str = "{!}";

/// Removes the self-scan marker from example text.
pub fn unmark(s: &str) -> String {
    s.replace(EXAMPLE_MARKER, "")
}

/// What the rules of the given sources must also have to ship with keyhound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Examples, negative examples, references and revoke guidance are required.
    Builtin,
    /// Only what is present is checked.
    User,
}

/// Checks every rule of every source; returns all problems (empty when all pass).
pub fn check_sources(sources: &[RuleSource], strictness: Strictness) -> Vec<RuleError> {
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for src in sources {
        for syn in &src.rules {
            let fail = |reason: String| RuleError { file: src.file.clone(), rule_id: Some(syn.id.clone()), reason };
            if let Some(other) = seen.insert(syn.id.clone(), src.file.clone()) {
                errors.push(fail(format!("duplicate id (also defined in {other})")));
            }
            if strictness == Strictness::Builtin {
                if syn.examples.is_empty() {
                    errors.push(fail("no examples".into()));
                }
                if syn.negative_examples.is_empty() {
                    errors.push(fail("no negative_examples".into()));
                }
                if syn.references.is_empty() {
                    errors.push(fail("no references".into()));
                }
                if syn.revoke.trim().is_empty() {
                    errors.push(fail("no revoke guidance".into()));
                }
                if syn.family.is_none() {
                    errors.push(fail("no family".into()));
                }
            }
            // Compile eagerly here, whatever the source, so regex errors are reported.
            let rule = match compile_rule(syn.clone(), &src.file, false) {
                Ok(r) => r,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let has_pair = rule.pair.is_some();
            // a credential-file rule's examples are files of its kind
            let sample_path = rule.file.as_ref().map(|f| f.kind.sample_path());
            let paths: Vec<&str> = sample_path.into_iter().collect();
            let det = match Detector::new(RuleSet::new(vec![rule])) {
                Ok(d) => d,
                Err(e) => {
                    errors.push(fail(e));
                    continue;
                }
            };
            let mut m = det.matcher();
            for (i, ex) in syn.examples.iter().enumerate() {
                let text = unmark(&ex.text);
                let want = unmark(&ex.secret);
                let got = m.scan_at(text.as_bytes(), &paths);
                let hit = got.iter().find(|g| text.as_bytes()[g.secret.clone()] == *want.as_bytes());
                match hit {
                    None => {
                        let seen: Vec<String> = got
                            .iter()
                            .map(|g| crate::finding::secret::redact(&text.as_bytes()[g.secret.clone()]))
                            .collect();
                        errors.push(fail(format!(
                            "example {} does not yield its secret (found {})",
                            i + 1,
                            if seen.is_empty() { "nothing".to_string() } else { seen.join(", ") }
                        )));
                    }
                    Some(g) if g.confidence == Confidence::Low => errors.push(fail(format!(
                        "example {} comes out at low confidence, which a default scan does not report \
                         (a failed checksum or a weak generic value)",
                        i + 1
                    ))),
                    Some(g) => {
                        if let Some(want_pair) = &ex.pair {
                            let got_pair = g.pair.clone().map(|p| &text.as_bytes()[p]);
                            if got_pair != Some(unmark(want_pair).as_bytes()) {
                                errors.push(fail(format!("example {} does not yield its pair", i + 1)));
                            }
                        } else if has_pair && strictness == Strictness::Builtin && g.pair.is_some() {
                            errors.push(fail(format!("example {} yields a pair but does not state it", i + 1)));
                        }
                    }
                }
            }
            for (i, neg) in syn.negative_examples.iter().enumerate() {
                let text = unmark(neg);
                if !m.scan_at(text.as_bytes(), &paths).is_empty() {
                    errors.push(fail(format!("negative example {} matches", i + 1)));
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::builtin_sources;

    /// Every built-in rule's examples and negative examples pass through the whole matcher.
    #[test]
    fn builtin_rules_pass_their_examples() {
        let sources = builtin_sources().expect("built-in rule files parse");
        let errors = check_sources(&sources, Strictness::Builtin);
        let msg: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{} rule problems:\n{}", errors.len(), msg.join("\n"));
    }

    #[test]
    fn builtin_rule_count() {
        let n: usize = builtin_sources().unwrap().iter().map(|s| s.rules.len()).sum();
        assert!(n >= 60, "only {n} built-in rules");
    }

    #[test]
    fn broken_rules_are_reported_with_file_and_id() {
        let text = r#"
[[rules]]
id = "no-group"
name = "n"
provider = "p"
severity = "low"
keywords = ["abc"]
regex = 'abc[0-9]+'

[[rules]]
id = "bad-regex"
name = "n"
provider = "p"
severity = "low"
keywords = ["abc"]
regex = '(?P<secret>abc['

[[rules]]
id = "fails-example"
name = "n"
provider = "p"
severity = "low"
keywords = ["abc"]
regex = '(?P<secret>abc[0-9]{4})'
examples = [{ text = "ab{!}cd", secret = "ab{!}cd" }]
negative_examples = ["abc1234"]

[[rules]]
id = "bad-checksum"
name = "n"
provider = "p"
severity = "low"
keywords = ["tok_"]
regex = '(?P<secret>tok_[A-Za-z0-9]{36})'
check = "crc32-base62"
examples = [{ text = "tok_q8Zr1LmX0vT4{!}kP9sWb2NcY7uH3jD5fZq81Xa", secret = "tok_q8Zr1LmX0vT4{!}kP9sWb2NcY7uH3jD5fZq81Xa" }]
negative_examples = ["tok_short"]

[[rules]]
id = "no-group"
name = "dup"
provider = "p"
severity = "low"
keywords = ["abc"]
regex = '(?P<secret>abc)'
"#;
        let src = crate::rules::load::parse_text("user.toml", text, false).unwrap();
        let errs: Vec<String> = check_sources(&[src], Strictness::User).iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errs,
            vec![
                "user.toml: rule `no-group`: regex has no named group `secret`",
                errs[1].as_str(),
                "user.toml: rule `fails-example`: example 1 does not yield its secret (found nothing)",
                "user.toml: rule `fails-example`: negative example 1 matches",
                "user.toml: rule `bad-checksum`: example 1 comes out at low confidence, which a default scan does not \
                 report (a failed checksum or a weak generic value)",
                "user.toml: rule `no-group`: duplicate id (also defined in user.toml)",
            ]
        );
        assert!(errs[1].starts_with("user.toml: rule `bad-regex`: invalid regex:"), "{}", errs[1]);
    }
}
