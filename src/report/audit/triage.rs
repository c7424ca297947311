//! Triage hints for the audit: does a secret look like a test key or a documentation
//! example rather than a live credential?
//!
//! Signals come from the places (`tests/`, `fixtures/`, `examples/`, `docs/`, `vendor/`, and
//! the file names those conventions use) and from the value or its line (test-mode keys such
//! as Stripe's `sk_test_`, values that say `example`/`sample`, URLs on the reserved
//! `example.com`/`.org`/`.net` hosts of RFC 2606). A hint is given when every place is in such
//! a path or the value itself says so; it is shown beside the action, never instead of it, and
//! the verdict is unchanged: a test key committed by mistake can be a live key.

use crate::report::audit::model::{LocationEntry, Triage};

/// Path components and file-name patterns, by signal.
const PATH_SIGNALS: &[(&str, &[&str])] = &[
    ("test", &["test", "tests", "__tests__", "spec", "specs", "testing", "e2e", "integration-tests"]),
    ("fixture", &["fixtures", "fixture", "testdata", "test-data", "test_data", "__fixtures__", "mocks", "__mocks__"]),
    ("example", &["example", "examples", "sample", "samples", "demo", "demos", "quickstart", "tutorial"]),
    ("docs", &["docs", "doc", "documentation", "site", "_site", "website", "wiki"]),
    ("vendored", &["vendor", "vendored", "node_modules", "third_party", "third-party", "bower_components"]),
];

/// Value prefixes of keys that only work against a provider's test mode or sandbox.
const TEST_MODE_PREFIXES: &[&str] =
    &["sk_test_", "pk_test_", "rk_test_", "whsec_test_", "sandbox-", "test_sk_", "sk-test-", "FLWSECK_TEST-"];

/// What a path says about the file.
fn path_signals(path: &str) -> Vec<&'static str> {
    let lower = path.to_ascii_lowercase();
    // an archive member or image layer path: judge the innermost file and its folders
    let lower = lower.rsplit('!').next().unwrap_or(&lower);
    let mut parts: Vec<&str> = lower.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    let mut out = Vec::new();
    for (signal, dirs) in PATH_SIGNALS {
        if parts.iter().any(|p| dirs.contains(p)) {
            out.push(*signal);
        }
    }
    let stem = file.split('.').next().unwrap_or_default();
    if stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || file.contains(".test.")
        || file.contains(".spec.")
        || stem.ends_with("test") && stem.len() > 4 && file.ends_with(".java")
    {
        push(&mut out, "test");
    }
    if file.ends_with(".example")
        || file.ends_with(".sample")
        || file.ends_with(".dist")
        || file.contains(".example.")
        || file.contains(".sample.")
    {
        push(&mut out, "example");
    }
    if [".md", ".rst", ".adoc", ".ipynb"].iter().any(|e| file.ends_with(e)) {
        push(&mut out, "docs");
    }
    out
}

fn push(v: &mut Vec<&'static str>, s: &'static str) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// The triage hint for a secret, if its value or every one of its places suggests it is not a
/// live credential. `secret` is the raw value (only its prefix and words are read; the hint
/// never quotes it).
pub fn judge(secret: &str, locations: &[LocationEntry]) -> Option<Triage> {
    let mut signals: Vec<&'static str> = Vec::new();
    let mut all_in_such_paths = !locations.is_empty();
    for l in locations {
        let s = path_signals(&l.path);
        all_in_such_paths &= !s.is_empty();
        for x in s {
            push(&mut signals, x);
        }
    }
    if !all_in_such_paths {
        signals.clear();
    }
    if TEST_MODE_PREFIXES.iter().any(|p| secret.starts_with(p)) {
        push(&mut signals, "test-mode-key");
    }
    let lower = secret.to_ascii_lowercase();
    if lower.contains("example") || lower.contains("sample") {
        push(&mut signals, "sample-value");
    }
    if !locations.is_empty() && locations.iter().all(|l| example_host(&l.snippet)) {
        push(&mut signals, "example-host");
    }
    if signals.is_empty() {
        return None;
    }
    let what = if signals.contains(&"test-mode-key") {
        "a test-mode key (it only works against the provider's sandbox)"
    } else if signals.iter().any(|s| matches!(*s, "docs" | "example" | "sample-value" | "example-host")) {
        "a documentation example"
    } else if signals.contains(&"vendored") {
        "part of vendored third-party code"
    } else {
        "a test key"
    };
    let hint = format!(
        "Likely {what}: confirm it is not a live credential, then suppress it (a `keyhound:allow` comment, \
         its fingerprint in .keyhoundignore, or a path allowlist); if it is live, revoke it as below."
    );
    Some(Triage { signals: signals.into_iter().map(str::to_string).collect(), hint })
}

/// The line names a host reserved for documentation (RFC 2606): `example.com`, `.org`, `.net`
/// or a subdomain of them.
fn example_host(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["example.com", "example.org", "example.net"].iter().any(|h| {
        lower.match_indices(h).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + h.len()..].chars().next();
            before.is_none_or(|c| matches!(c, '@' | '.' | '/' | ' ' | '"' | '\'' | '='))
                && after.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::model::LocationSource;

    fn at(path: &str, snippet: &str) -> LocationEntry {
        LocationEntry {
            source: LocationSource::History,
            path: path.to_string(),
            line: 1,
            column: 1,
            commit: None,
            blob: None,
            in_head: None,
            snippet: snippet.to_string(),
            suppressed: None,
        }
    }

    #[test]
    fn paths_say_test_fixture_example_docs_vendored() {
        assert_eq!(path_signals("tests/unit/test_client.py"), vec!["test"]);
        assert_eq!(path_signals("src/testdata/creds.json"), vec!["fixture"]);
        assert_eq!(path_signals("config/.env.example"), vec!["example"]);
        assert_eq!(path_signals("docs/api/auth.md"), vec!["docs"]);
        assert_eq!(path_signals("vendor/github.com/x/y/z.go"), vec!["vendored"]);
        assert_eq!(path_signals("web/src/Login.test.tsx"), vec!["test"]);
        assert!(path_signals("src/config/prod.yaml").is_empty());
        assert!(path_signals("latest/contest.py").is_empty());
        assert!(path_signals("notes.txt").is_empty());
    }

    #[test]
    fn a_hint_needs_every_place_or_the_value() {
        let t = judge("abcdef", &[at("tests/a.py", "x"), at("docs/b.md", "y")]).unwrap();
        assert_eq!(t.signals, vec!["test", "docs"]);
        assert!(t.hint.starts_with("Likely a documentation example"));
        assert!(judge("abcdef", &[at("tests/a.py", "x"), at("deploy/prod.env", "y")]).is_none());
        let t = judge("sk_test_abc", &[at("deploy/prod.env", "y")]).unwrap();
        assert_eq!(t.signals, vec!["test-mode-key"]);
        // a prefix longer than a redacted value keeps: the raw value is judged
        let t = judge("FLWSECK_TEST-abc123", &[at("deploy/prod.env", "y")]).unwrap();
        assert_eq!(t.signals, vec!["test-mode-key"]);
        let t = judge("pw", &[at("src/db.py", "url = \"postgres://u:p…@db.example.com/x\"")]).unwrap();
        assert_eq!(t.signals, vec!["example-host"]);
        assert!(judge("pw", &[at("src/db.py", "url = \"postgres://u:p…@myexample.com/x\"")]).is_none());
    }
}
