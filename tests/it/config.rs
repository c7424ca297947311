//! The configuration file: per-rule allowlists and settings, entropy overrides, the default
//! format, `keyhound config check`, and gitleaks configuration import.

use crate::common::{Fake, Tree, repo, summary};

fn f(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

#[test]
fn per_rule_allow_regex_and_stopwords_suppress_and_are_counted() {
    let t = Tree::new();
    let mut fk = Fake::new(31);
    t.write(".keyhound.toml", "[rule.\"generic-api-key\"]\nallow = ['''^test_''']\nstopwords = [\"sandbox\"]\n");
    t.write("a.env", format!("API_KEY=test_{}\n", fk.generic()));
    t.write(
        "b.env",
        format!("API_KEY={}sandbox{}\n", fk.chars(20, crate::common::ALNUM), fk.chars(20, crate::common::ALNUM)),
    );
    t.write("c.env", format!("API_KEY={}\n", fk.generic()));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "c.env", 1, 9)]);
    assert_eq!(j["stats"]["suppressed"]["rule_allowlist"], 2, "{}", j["stats"]);
    let details: Vec<&str> =
        j["suppressed"].as_array().unwrap().iter().map(|s| s["suppression"]["detail"].as_str().unwrap()).collect();
    assert_eq!(
        details,
        vec!["rule `generic-api-key`: allow regex `^test_`", "rule `generic-api-key`: stopword `sandbox`"]
    );
    assert!(j["suppressed"].as_array().unwrap().iter().all(|s| s["suppression"]["kind"] == "rule_allowlist"));
    // SARIF carries them as suppressed results, like path allowlist suppressions
    let s = t.run(&["scan", ".", "--format", "sarif"]).json();
    let suppressed: Vec<&serde_json::Value> =
        s["runs"][0]["results"].as_array().unwrap().iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 2);
    assert!(suppressed[0]["suppressions"][0]["justification"].as_str().unwrap().contains("allow regex `^test_`"));
}

#[test]
fn per_rule_path_allowlist_applies_to_that_rule_only() {
    let t = Tree::new();
    let mut fk = Fake::new(32);
    t.write(".keyhound.toml", "[rule.\"generic-api-key\"]\npaths = [\"docs/**\"]\n");
    t.write("docs/setup.md", format!("API_KEY={}\nOPENAI_API_KEY={}\n", fk.generic(), fk.openai_project()));
    t.write("app.env", format!("API_KEY={}\n", fk.generic()));
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    assert_eq!(
        summary(&j),
        vec![f("generic-api-key", "app.env", 1, 9), f("openai-project-key", "docs/setup.md", 2, 16)]
    );
    assert_eq!(j["stats"]["suppressed"]["rule_allowlist"], 1);
    assert_eq!(j["suppressed"][0]["suppression"]["detail"], "rule `generic-api-key`: path `docs/**`");
}

#[test]
fn entropy_overrides_decide_whether_a_generic_value_is_reported() {
    let t = Tree::new();
    t.write("app.env", format!("API_KEY={}\n", Fake::new(33).generic()));
    let found = |cfg: &str| {
        t.write(".keyhound.toml", cfg);
        t.run(&["scan", ".", "--format", "json"]).json()["findings"].as_array().unwrap().len()
    };
    assert_eq!(found(""), 1);
    // 40 characters have at most log2(40) = 5.32 bits of Shannon entropy per character
    assert_eq!(found("[entropy]\ngeneric = 5.5\n"), 0);
    assert_eq!(found("[rule.\"generic-api-key\"]\nentropy = 5.5\n"), 0);
    // the per-rule value wins over [entropy] generic
    assert_eq!(found("[entropy]\ngeneric = 5.5\n[rule.\"generic-api-key\"]\nentropy = 3.0\n"), 1);
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    t.write(".keyhound.toml", "[entropy]\ngeneric = 9\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".keyhound.toml: key `entropy.generic`: 9 is outside 0..8"), "{}", r.stderr);
}

#[test]
fn default_format_applies_when_format_is_not_given() {
    let t = Tree::new();
    t.write(".keyhound.toml", "default-format = \"json\"\n");
    t.write("app.env", format!("API_KEY={}\n", Fake::new(34).generic()));
    let r = t.run(&["scan", "."]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "app.env", 1, 9)]);
    let r = t.run(&["scan", ".", "--format", "csv"]);
    assert!(r.stdout.starts_with("rule,") || !r.stdout.trim_start().starts_with('{'), "{}", r.stdout);
    t.write(".keyhound.toml", "default-format = \"yaml\"\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("key `default-format`: `yaml` is not a format"), "{}", r.stderr);
}

const CUSTOM_RULE: &str = r#"
disabled-rules = ["jwt"]

[rule."generic-api-key"]
stopwords = ["sandbox"]
severity = "high"

[[rules]]
id = "acme-api-key"
name = "ACME API key"
provider = "ACME"
severity = "high"
keywords = ["acme_live_"]
regex = '''(?P<secret>acme_live_[A-Za-z0-9]{32})'''
"#;

#[test]
fn config_check_prints_the_effective_rules() {
    let t = Tree::new();
    t.write(".keyhound.toml", CUSTOM_RULE);
    let r = t.run(&["config", "check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    assert!(out.contains(".keyhound.toml (keyhound format): valid"), "{out}");
    assert!(out.contains("disabled: jwt"), "{out}");
    assert!(out.contains("1 from the configuration, 1 with settings, 1 with extra allowlists"), "{out}");
    let line =
        |id: &str| out.lines().find(|l| l.starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{id}:\n{out}"));
    let acme: Vec<&str> = line("acme-api-key").split_whitespace().collect();
    assert_eq!(acme[..5], ["acme-api-key", "ACME", "high", "high", "config"]);
    let generic = line("generic-api-key");
    assert!(generic.contains("built-in") && generic.contains("severity set; allowlist: 1 stopword(s)"), "{generic}");
    assert!(!out.lines().any(|l| l.starts_with("jwt ")), "{out}");
    // the same file given with --config, from elsewhere
    let cfg = t.path().join(".keyhound.toml");
    let r = crate::common::run(&["config", "check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn config_check_fails_naming_file_and_key() {
    let t = Tree::new();
    t.write(".keyhound.toml", "max-file-size = \"1M\"\nallow-list = 3\n");
    let r = t.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".keyhound.toml") && r.stderr.contains("unknown field `allow-list`"), "{}", r.stderr);
    t.write(".keyhound.toml", "[rule.\"generic-api-key\"]\nstopword = [\"x\"]\n");
    let r = t.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown field `stopword`"), "{}", r.stderr);
}

#[test]
fn invalid_regex_and_unknown_rule_ids_are_errors_naming_the_rule() {
    let t = Tree::new();
    t.write(".keyhound.toml", "[rule.\"generic-api-key\"]\nallow = ['''(unclosed''']\n");
    let r = t.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            ".keyhound.toml: rule `generic-api-key`: key `rule.\"generic-api-key\".allow`: invalid regex `(unclosed`"
        ),
        "{}",
        r.stderr
    );
    t.write(".keyhound.toml", "[rule.\"no-such-rule\"]\nentropy = 3.0\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(".keyhound.toml: key `rule.\"no-such-rule\"`: no rule has the id `no-such-rule`"),
        "{}",
        r.stderr
    );
    t.write(".keyhound.toml", CUSTOM_RULE.replace("{32}", "{32"));
    let r = t.run(&["config", "check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("rule `acme-api-key`"), "{}", r.stderr);
}

#[test]
fn a_gitleaks_configuration_is_translated() {
    let t = Tree::new();
    let mut fk = Fake::new(35);
    let lower = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let live = format!("zph_live_{}", fk.chars(32, lower));
    let test = format!("zph_test_{}", fk.chars(32, lower));
    let deploy = fk.chars(24, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    let sandbox = format!("SANDBOX{}", fk.chars(17, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
    t.write("src/client.py", format!("# setup\nZEPHYR = \"{live}\"\nZEPHYR_TEST = \"{test}\"\n"));
    t.write("testdata/sample.py", format!("ZEPHYR = \"{live}\"\n"));
    t.write("deploy/prod.yaml", format!("env:\n  zephyr_deploy_key: {deploy}\n  zephyr_deploy_key: {sandbox}\n"));
    t.write("notes/prod.txt", format!("zephyr_deploy_key: {deploy}\n"));
    let cfg = repo().join("fixtures/gitleaks/custom.gitleaks.toml");
    let r = t.run(&["scan", ".", "--format", "json", "--config", cfg.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    // notes/prod.txt is outside zephyr-deploy-key's `path`: that rule does not run there, so it
    // cannot hide the generic detector's finding on the same value
    assert_eq!(
        summary(&j),
        vec![
            f("zephyr-deploy-key", "deploy/prod.yaml", 2, 22),
            f("generic-api-key", "notes/prod.txt", 1, 20),
            f("zephyr-api-token", "src/client.py", 2, 11)
        ]
    );
    assert_eq!(j["findings"][2]["provider"], "Custom (gitleaks configuration)");
    assert_eq!(j["findings"][2]["rule_name"], "Zephyrcloud API token");
    // the test token (rule allowlist), testdata/ (global path allowlist), the sandbox key (stopword)
    assert_eq!(j["stats"]["suppressed"]["rule_allowlist"], 3, "{}", j["stats"]);
    // [extend] useDefault = true keeps keyhound's built-in rules
    assert!(j["stats"]["rules"].as_u64().unwrap() > 100);
    let w = &r.stderr;
    for needle in [
        "custom.gitleaks.toml: [extend]: `path` ignored",
        "rule `zephyr-api-token`: [[rules.allowlists]] #2: `regexes` with `regexTarget = \"line\"`",
        "gitleaks id `zephyr_deploy_key` is reported as `zephyr-deploy-key`",
        "rule `zephyr-legacy-secret`: regex not supported by keyhound's regex engine, rule skipped",
        "[allowlist]: `commits`",
    ] {
        assert!(w.contains(needle), "warning `{needle}` missing:\n{w}");
    }
    let r = t.run(&["config", "check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("(gitleaks format, translated): valid"), "{}", r.stdout);
}

#[test]
fn a_gitleaks_configuration_without_use_default_replaces_the_built_in_rules() {
    let t = Tree::new();
    t.write("g.toml", "[[rules]]\nid = \"zephyr\"\nregex = '''zph_([a-z0-9]{32})'''\nkeywords = [\"zph_\"]\n");
    t.write(
        "app.env",
        format!(
            "API_KEY={}\nZ=zph_{}\n",
            Fake::new(36).generic(),
            Fake::new(37).chars(32, b"abcdefghijklmnopqrstuvwxyz0123456789")
        ),
    );
    let r = t.run(&["scan", "app.env", "--format", "json", "--config", "g.toml"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("zephyr", "app.env", 2, 7)]);
    assert_eq!(j["stats"]["rules"], 1);
    t.write("g.toml", "[[rules]]\nid = \"zephyr\"\nregex = '''zph_([a-z0-9]{32})'''\nsecretGroup = 2\n");
    let r = t.run(&["scan", "app.env", "--config", "g.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("g.toml: rule `zephyr`: `secretGroup = 2` but the regex has 1 capture group(s)"),
        "{}",
        r.stderr
    );
}
