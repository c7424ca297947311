//! Report formats: SARIF validated against the official 2.1.0 schema, JSONL, text.

use crate::common::{Fake, Tree, repo};

fn tree_with_two_findings() -> (Tree, String, String) {
    let mut fk = Fake::new(20);
    let (a, b) = (fk.generic(), fk.generic());
    let t = Tree::new();
    t.write("config/app.env", format!("# app\nAPI_KEY={a}\n"));
    t.write("src/client.js", format!("const x = 1;\nconst apiKey = \"{b}\";\n"));
    (t, a, b)
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let (t, _, _) = tree_with_two_findings();
    t.write(".keyhound.toml", "[allowlist]\npaths = [\"src/**\"]\n");
    let r = t.run(&["scan", ".", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif = r.json();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("fixtures/schema/sarif-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));

    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "keyhound");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rule = &driver["rules"][0];
    assert_eq!(rule["id"], "generic-api-key");
    assert!(rule["help"]["markdown"].as_str().unwrap().contains("Revoke and rotate"));
    assert!(rule["properties"]["tags"].as_array().unwrap().contains(&serde_json::json!("security")));
    assert_eq!(rule["properties"]["security-severity"], "5.5");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let res = &results[0];
    assert_eq!(res["ruleId"], "generic-api-key");
    assert_eq!(res["ruleIndex"], 0);
    assert_eq!(res["level"], "warning");
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "config/app.env");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 9);
    assert_eq!(loc["region"]["endLine"], 2);
    assert_eq!(loc["region"]["endColumn"], 49);
    assert_eq!(res["partialFingerprints"]["keyhound/v1"].as_str().unwrap().len(), 32);
    assert!(res.get("suppressions").is_none());
    // the allowlisted file is a result with an external suppression, not dropped
    assert_eq!(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/client.js");
    assert_eq!(results[1]["suppressions"][0]["kind"], "external");
}

#[test]
fn fingerprints_survive_moving_the_secret() {
    let key = Fake::new(21).generic();
    let t = Tree::new();
    t.write("a.env", format!("API_KEY={key}\n"));
    let before = t.run(&["scan", ".", "--format", "json"]).json();
    let sarif_before = t.run(&["scan", ".", "--format", "sarif"]).json();
    std::fs::remove_file(t.path().join("a.env")).unwrap();
    t.write("moved/b.env", format!("\n\n# moved\nAPI_KEY={key}\n"));
    let after = t.run(&["scan", ".", "--format", "json"]).json();
    let sarif_after = t.run(&["scan", ".", "--format", "sarif"]).json();
    assert_eq!(before["findings"][0]["fingerprint"], after["findings"][0]["fingerprint"]);
    assert_eq!(after["findings"][0]["line"], 4);
    // code scanning tracks the alert by partialFingerprints: the same after the move
    let pf = |s: &serde_json::Value| s["runs"][0]["results"][0]["partialFingerprints"].clone();
    assert!(pf(&sarif_before).as_object().is_some_and(|o| !o.is_empty()), "{}", pf(&sarif_before));
    assert_eq!(pf(&sarif_before), pf(&sarif_after));
    assert_eq!(sarif_after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let (t, _, _) = tree_with_two_findings();
    let r = t.run(&["scan", ".", "--format", "jsonl"]);
    assert_eq!(r.code, 1);
    let mut paths: Vec<String> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON")["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["config/app.env", "src/client.js"]);
    assert!(r.stderr.starts_with("keyhound: 2 findings (2 medium) in 2 files; scanned 2 files"), "{}", r.stderr);
}

#[test]
fn text_groups_findings_by_file_and_summarises() {
    let (t, a, _) = tree_with_two_findings();
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "config/app.env");
    assert_eq!(lines[1], "       2:9  medium   generic-api-key  Generic API key or secret assignment");
    assert!(
        lines[2].starts_with(&format!("            secret {}… ({} chars)  fingerprint ", &a[..8], a.chars().count())),
        "{}",
        lines[2]
    );
    assert_eq!(lines[4], "");
    assert_eq!(lines[5], "src/client.js");
    assert!(
        r.stdout.trim_end().lines().last().unwrap().starts_with("2 findings (2 medium) in 2 files; scanned 2 files")
    );
}

#[test]
fn output_file_gets_the_report_and_stderr_the_summary() {
    let (t, _, _) = tree_with_two_findings();
    let r = t.run(&["scan", ".", "--format", "json", "-o", "out.json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(j["version"], 1);
    assert_eq!(j["findings"].as_array().unwrap().len(), 2);
}
