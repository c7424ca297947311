//! The fixture tree (`fixtures/tree`, written by `fixtures/make_tree.py`): every planted fake
//! secret is found by the expected rule at its exact line and column, nothing else is, and
//! the statistics count every skipped file, in every format.

use std::collections::BTreeSet;

use crate::common::{repo, run};

type Key = (String, u64, u64, String);

fn expected() -> BTreeSet<Key> {
    let text = std::fs::read_to_string(repo().join("fixtures/expected/tree.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_string(), c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].to_string())
        })
        .collect()
}

fn key(f: &serde_json::Value) -> Key {
    (
        f["path"].as_str().unwrap().to_string(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
        f["rule"].as_str().unwrap().to_string(),
    )
}

const ARGS: [&str; 4] = ["scan", "fixtures/tree", "--max-file-size", "64K"];

#[test]
fn json_finds_exactly_the_planted_secrets() {
    let r = run(&[&ARGS[..], &["--format", "json"]].concat());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    let got: Vec<Key> = j["findings"].as_array().unwrap().iter().map(key).collect();
    let got_set: BTreeSet<Key> = got.iter().cloned().collect();
    let want = expected();
    let missing: Vec<_> = want.difference(&got_set).collect();
    let extra: Vec<_> = got_set.difference(&want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    assert_eq!(got.len(), want.len(), "no duplicates");
    let stats = &j["stats"];
    assert_eq!(stats["files_scanned"], 11);
    assert_eq!(stats["findings"], 44);
    assert_eq!(stats["skipped"]["binary"]["files"], 1);
    assert_eq!(stats["skipped"]["too_large"]["files"], 1);
    assert_eq!(stats["skipped"].as_object().unwrap().len(), 2);
    assert_eq!(stats["rules"].as_u64().unwrap() as usize, crate::common::builtin_rule_count());
}

#[test]
fn the_aws_key_is_reported_with_its_secret_access_key() {
    let j = run(&[&ARGS[..], &["--format", "json"]].concat()).json();
    let aws: Vec<&serde_json::Value> =
        j["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "aws-access-key-id").collect();
    assert_eq!(aws.len(), 1);
    let f = aws[0];
    assert_eq!((f["line"].as_u64(), f["end_line"].as_u64()), (Some(3), Some(4)));
    let part = &f["parts"][0];
    assert_eq!(part["name"], "secret access key");
    assert_eq!(
        (part["line"].as_u64(), part["column"].as_u64(), part["end_column"].as_u64()),
        (Some(4), Some(26), Some(66))
    );
    assert!(part["secret"].as_str().unwrap().ends_with('…'));
}

#[test]
fn checksum_valid_github_and_npm_tokens_are_high_confidence() {
    let j = run(&[&ARGS[..], &["--format", "json"]].concat()).json();
    for f in j["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        if ["github-pat-classic", "github-oauth-token", "github-app-installation-token", "npm-access-token"]
            .contains(&rule)
        {
            assert_eq!(f["confidence"], "high", "{rule}");
        }
    }
}

#[test]
fn jsonl_has_the_same_findings() {
    let r = run(&[&ARGS[..], &["--format", "jsonl"]].concat());
    assert_eq!(r.code, 1);
    let got: BTreeSet<Key> = r.stdout.lines().map(|l| key(&serde_json::from_str(l).unwrap())).collect();
    assert_eq!(got, expected());
    assert!(
        r.stderr.starts_with("keyhound: 44 findings (17 critical, 22 high, 5 medium) in 9 files; scanned 11 files")
    );
    assert!(r.stderr.contains("; skipped 1 binary, 1 too_large"), "{}", r.stderr);
}

#[test]
fn sarif_has_one_result_per_finding_and_a_rule_per_used_rule() {
    let r = run(&[&ARGS[..], &["--format", "sarif"]].concat());
    assert_eq!(r.code, 1);
    let s = r.json();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let got: BTreeSet<Key> = results
        .iter()
        .map(|x| {
            let loc = &x["locations"][0]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"].as_str().unwrap().replace("caf%C3%A9", "café"),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
                x["ruleId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected());
    let rules: BTreeSet<String> = expected().into_iter().map(|k| k.3).collect();
    assert_eq!(s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), rules.len());
    for x in results {
        let idx = x["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(s["runs"][0]["tool"]["driver"]["rules"][idx]["id"], x["ruleId"]);
    }
}

#[test]
fn text_lists_each_file_once_with_its_findings() {
    let r = run(&ARGS);
    assert_eq!(r.code, 1);
    let headers: Vec<&str> = r.stdout.lines().filter(|l| !l.starts_with(' ') && !l.is_empty()).collect();
    assert_eq!(
        headers[..headers.len() - 1],
        [
            ".env",
            "config/settings.yaml",
            "deploy/service-account.json",
            "keys/deploy_rsa.pem",
            "keys/id_ed25519",
            "legacy/café.properties",
            "legacy/windows.ini",
            "src/clients.py",
            "web/static/app.min.js"
        ]
    );
    assert!(r.stdout.contains("      2:16  high     openai-project-key  OpenAI project API key\n"), "{}", r.stdout);
    assert!(r.stdout.contains("secret -----BEGIN RSA PRIVATE KEY-----…"));
}

#[test]
fn the_default_size_limit_scans_the_big_log() {
    let r = run(&["scan", "fixtures/tree/logs", "--format", "json"]);
    assert_eq!(r.code, 1);
    let j = r.json();
    assert_eq!(j["findings"][0]["rule"], "github-pat-classic");
    assert_eq!(j["findings"][0]["path"], "huge.log");
    assert_eq!(j["findings"][0]["line"], 1801);
}

#[test]
fn the_repository_scan_is_clean_with_only_fixtures_allowlisted() {
    let r = run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 0, "self-scan found: {}", r.stdout);
    let j = r.json();
    assert!(j["stats"]["suppressed"]["path_allowlist"].as_u64().unwrap() >= 44);
    // outside fixtures/, only low-confidence matches (test samples of weak values) are held back
    for s in j["suppressed"].as_array().unwrap() {
        let in_fixtures = s["path"].as_str().unwrap().starts_with("fixtures/");
        assert!(in_fixtures || s["suppression"]["kind"] == "below_min_confidence", "{}", s["path"]);
    }
}
