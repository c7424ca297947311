//! `keyhound rules list` and `keyhound rules check`.

use crate::common::{Tree, run};

#[test]
fn list_json_has_every_builtin_rule_once() {
    let r = run(&["rules", "list", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rules = r.json();
    let ids: Vec<&str> = rules.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert!(ids.len() >= 60, "{} rules", ids.len());
    let mut uniq = ids.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), ids.len());
    for x in rules.as_array().unwrap() {
        assert!(!x["references"].as_array().unwrap().is_empty(), "{} has no references", x["id"]);
        assert!(!x["revoke"].as_str().unwrap().is_empty(), "{} has no revoke guidance", x["id"]);
    }
}

#[test]
fn check_passes_on_the_builtin_rules_directory() {
    let r = run(&["rules", "check", "rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("all examples and negative examples pass"));
}

#[test]
fn check_names_file_rule_and_reason() {
    let t = Tree::new();
    t.write(
        "r/a.toml",
        r#"[[rules]]
id = "missing-group"
name = "x"
provider = "p"
severity = "low"
keywords = ["zz"]
regex = 'zz[0-9]+'

[[rules]]
id = "wrong-example"
name = "x"
provider = "p"
severity = "low"
keywords = ["zz"]
regex = '(?P<secret>zz[0-9]{4})'
examples = [{ text = "zz1{!}2", secret = "zz1{!}2" }]
"#,
    );
    t.write("r/b.toml", "[[rules]]\nid = \"missing-group\"\nname = \"x\"\nprovider = \"p\"\nseverity = \"low\"\nregex = '(?P<secret>q)'\n");
    let r = t.run(&["rules", "check", "r"]);
    assert_eq!(r.code, 2);
    let errs: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        errs,
        vec![
            "r/a.toml: rule `missing-group`: regex has no named group `secret`",
            "r/a.toml: rule `wrong-example`: example 1 does not yield its secret (found nothing)",
            "r/b.toml: rule `missing-group`: duplicate id (also defined in r/a.toml)",
            "keyhound: error: 3 problem(s) in 3 rules",
        ]
    );
}

#[test]
fn a_rule_file_that_is_not_toml_is_reported() {
    let t = Tree::new();
    t.write("x.toml", "this is not = = toml\n");
    let r = t.run(&["rules", "check", "x.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("keyhound: error: x.toml: not a valid rule file:"), "{}", r.stderr);
}

#[test]
fn help_has_examples_and_exit_codes() {
    let r = run(&["scan", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("Exit codes: 0 no leaks, 1 leaks found"));
}

#[test]
fn a_usage_error_exits_two() {
    let r = run(&["scan", "--format", "xml"]);
    assert_eq!(r.code, 2);
}

#[test]
fn readme_lists_every_provider_and_the_rule_count() {
    let readme = std::fs::read_to_string(crate::common::repo().join("README.md")).unwrap();
    let start = readme.find("<!-- providers:start").expect("README has the providers section");
    let end = readme.find("<!-- providers:end -->").unwrap();
    let section = &readme[start..end];
    let rules = run(&["rules", "list", "--format", "json"]).json();
    let rules = rules.as_array().unwrap();
    assert!(section.contains(&format!("{} rules for", rules.len())), "README's rule count is stale");
    for r in rules {
        let p = r["provider"].as_str().unwrap();
        assert!(section.contains(p), "README does not list provider {p}");
    }
}

#[test]
fn readme_lists_every_provider_that_verifies_or_revokes() {
    let readme = std::fs::read_to_string(crate::common::repo().join("README.md")).unwrap();
    let start = readme.find("<!-- verifiers:start").expect("README has the verifiers section");
    let end = readme.find("<!-- verifiers:end -->").unwrap();
    let section = &readme[start..end];
    let rules = run(&["rules", "list", "--format", "json"]).json();
    let mut verify = std::collections::BTreeSet::new();
    let mut revoke = std::collections::BTreeSet::new();
    for r in rules.as_array().unwrap() {
        let p = r["provider"].as_str().unwrap();
        if !r["verify"].is_null() {
            verify.insert(p);
        }
        if !r["revocation"].is_null() {
            revoke.insert(p);
        }
    }
    assert!(verify.len() >= 50, "only {} providers verify", verify.len());
    assert!(
        section.contains(&format!("{} providers verify, {} revoke", verify.len(), revoke.len())),
        "README's verifier count is stale: {} verify, {} revoke",
        verify.len(),
        revoke.len()
    );
    for p in verify.iter().chain(&revoke) {
        assert!(section.contains(*p), "README does not list verifier of {p}");
    }
}
