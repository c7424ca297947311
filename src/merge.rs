//! `keyhound merge`: joins the reports of shards (or of separate runs) into one.
//!
//! JSON reports: findings and suppressed findings de-duplicated (same repository, fingerprint,
//! path, line, column and commit), statistics summed, per-repository coverage joined, and an
//! organisation-wide inventory of distinct secrets with the repositories holding each. SARIF:
//! one run with every result, de-duplicated. Every input must have been made with the same
//! rules (`rules_sha256`), or merge refuses and names the files that differ.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// What kind of report a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// keyhound's JSON report.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// `keyhound audit`'s JSON report (one repository each).
    Audit,
}

/// A report read from a file.
#[derive(Debug)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Its kind.
    pub kind: Kind,
    /// Its rules' digest.
    pub rules_sha256: String,
    /// The document.
    pub doc: Value,
}

/// Reads a report and says what it is.
pub fn read(path: &Path) -> Result<Input, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let (kind, sha) = if doc.get("runs").is_some() {
        (Kind::Sarif, doc.pointer("/runs/0/properties/rulesSha256").and_then(Value::as_str))
    } else if doc.get("inventory").is_some() && doc.get("scope").is_some() {
        (Kind::Audit, doc.pointer("/scope/rules/sha256").and_then(Value::as_str))
    } else if doc.get("findings").is_some() && doc.pointer("/tool/name") == Some(&json!("keyhound")) {
        (Kind::Json, doc.pointer("/tool/rules_sha256").and_then(Value::as_str))
    } else {
        return Err(format!("{}: neither a keyhound JSON report nor SARIF", path.display()));
    };
    let sha = sha.ok_or_else(|| {
        format!("{}: the report does not say which rules made it (written by an older keyhound?)", path.display())
    })?;
    Ok(Input { path: path.to_path_buf(), kind, rules_sha256: sha.to_string(), doc })
}

/// Checks that every input is of one kind and was made with the same rules.
pub fn check(inputs: &[Input]) -> Result<Kind, String> {
    let first = inputs.first().ok_or("nothing to merge")?;
    for i in &inputs[1..] {
        if i.kind != first.kind {
            return Err(format!(
                "{} is {:?} but {} is {:?}: merge reports of one format",
                i.path.display(),
                i.kind,
                first.path.display(),
                first.kind
            ));
        }
    }
    let by_rules: BTreeMap<&str, Vec<String>> = inputs.iter().fold(BTreeMap::new(), |mut m, i| {
        m.entry(i.rules_sha256.as_str()).or_default().push(i.path.display().to_string());
        m
    });
    if by_rules.len() > 1 {
        let groups: Vec<String> = by_rules
            .iter()
            .map(|(sha, files)| format!("rules {} in {}", &sha[..sha.len().min(12)], files.join(", ")))
            .collect();
        return Err(format!(
            "the reports were made with different rules, so they cannot be merged: {}",
            groups.join("; ")
        ));
    }
    Ok(first.kind)
}

fn finding_key(f: &Value) -> String {
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        f["repository"].as_str().unwrap_or(""),
        f["fingerprint"].as_str().unwrap_or(""),
        f["path"].as_str().unwrap_or(""),
        f["line"],
        f["column"],
        f.pointer("/commit/id").and_then(Value::as_str).unwrap_or(""),
        f["rule"].as_str().unwrap_or("")
    )
}

fn add_numbers(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(x) => add_numbers(x, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (a @ Value::Number(_), Value::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
                *a = json!(x + y);
            }
        }
        (a @ Value::Bool(_), Value::Bool(b)) => *a = json!(a.as_bool().unwrap_or(false) || *b),
        _ => {}
    }
}

/// Merges keyhound JSON reports.
pub fn merge_json(inputs: &[Input]) -> Value {
    let mut seen = BTreeSet::new();
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut seen_sup = BTreeSet::new();
    let mut stats = json!({});
    let mut repositories: Vec<Value> = Vec::new();
    let mut shards: BTreeSet<String> = BTreeSet::new();
    let mut listed = 0u64;
    for i in inputs {
        for f in i.doc["findings"].as_array().into_iter().flatten() {
            if seen.insert(finding_key(f)) {
                findings.push(f.clone());
            }
        }
        for f in i.doc["suppressed"].as_array().into_iter().flatten() {
            if seen_sup.insert(finding_key(f)) {
                suppressed.push(f.clone());
            }
        }
        add_numbers(&mut stats, &i.doc["stats"]);
        if let Some(c) = i.doc.get("coverage") {
            let repos = c["repositories"].as_array().cloned().unwrap_or_default();
            listed = listed.max(repos.len() as u64 + c["other_shards"].as_u64().unwrap_or(0));
            for r in repos {
                if !repositories.iter().any(|x| x["repository"] == r["repository"]) {
                    repositories.push(r);
                }
            }
            if let Some(s) = c["shard"].as_str() {
                shards.insert(s.to_string());
            }
        }
    }
    let order = |f: &Value| {
        (
            f["repository"].as_str().unwrap_or("").to_string(),
            f["path"].as_str().unwrap_or("").to_string(),
            f["line"].as_u64().unwrap_or(0),
            f["column"].as_u64().unwrap_or(0),
        )
    };
    findings.sort_by_key(order);
    suppressed.sort_by_key(order);
    repositories.sort_by(|a, b| a["repository"].as_str().cmp(&b["repository"].as_str()));
    stats["findings"] = json!(findings.len());
    // an inventory of distinct secrets across repositories
    let mut inv: BTreeMap<String, (Value, BTreeSet<String>, u64)> = BTreeMap::new();
    for f in &findings {
        let fp = f["fingerprint"].as_str().unwrap_or("").to_string();
        let e = inv.entry(fp).or_insert_with(|| (f.clone(), BTreeSet::new(), 0));
        if let Some(r) = f["repository"].as_str() {
            e.1.insert(r.to_string());
        }
        e.2 += 1;
    }
    let mut inventory: Vec<Value> = inv
        .into_iter()
        .map(|(fp, (f, repos, places))| {
            json!({
                "fingerprint": fp, "rule": f["rule"], "provider": f["provider"], "severity": f["severity"],
                "secret": f["secret"], "repositories": repos, "places": places,
            })
        })
        .collect();
    let sev = |v: &Value| match v["severity"].as_str() {
        Some("critical") => 0,
        Some("high") => 1,
        Some("medium") => 2,
        _ => 3,
    };
    inventory.sort_by_key(|e| (sev(e), std::cmp::Reverse(e["repositories"].as_array().map_or(0, Vec::len))));
    let mut doc = json!({
        "version": inputs[0].doc["version"],
        "tool": inputs[0].doc["tool"],
        "merged_from": inputs.iter().map(|i| i.path.display().to_string()).collect::<Vec<_>>(),
        "findings": findings,
        "suppressed": suppressed,
        "stats": stats,
        "inventory": inventory,
    });
    if !repositories.is_empty() || !shards.is_empty() {
        let missing = missing_shards(&shards);
        doc["coverage"] = json!({
            "repositories": repositories,
            "other_shards": listed.saturating_sub(repositories.len() as u64),
            "shards": shards,
            "missing_shards": missing,
        });
    }
    doc
}

/// Merges audit reports (one repository each) into the organisation-wide model: each
/// repository's coverage (commits, ref tips, rules) and the distinct secrets across them, with
/// the repositories and places of each.
pub fn merge_audits(inputs: &[Input]) -> Value {
    let mut repositories = Vec::new();
    let mut inv: BTreeMap<String, (Value, BTreeSet<String>, u64)> = BTreeMap::new();
    let mut findings = 0u64;
    for i in inputs {
        let scope = &i.doc["scope"];
        let name = scope["remote_url"].as_str().or(scope["repository"].as_str()).unwrap_or("").to_string();
        let tips: Vec<Value> = scope["refs"].as_array().into_iter().flatten().map(|r| r["commit"].clone()).collect();
        findings += i.doc.pointer("/result/findings").and_then(Value::as_u64).unwrap_or(0);
        repositories.push(json!({
            "repository": name, "status": "scanned", "incremental": false, "commits": scope["commits"],
            "findings": i.doc.pointer("/result/findings"), "tips": tips, "head": scope["head"],
            "verdict": i.doc.pointer("/result/verdict"),
        }));
        for e in i.doc["inventory"].as_array().into_iter().flatten() {
            let fp = e["fingerprint"].as_str().unwrap_or("").to_string();
            let entry = inv.entry(fp).or_insert_with(|| (e.clone(), BTreeSet::new(), 0));
            entry.1.insert(name.clone());
            entry.2 += e["locations"].as_array().map_or(0, |l| l.len() as u64);
        }
    }
    repositories.sort_by(|a, b| a["repository"].as_str().cmp(&b["repository"].as_str()));
    let inventory: Vec<Value> = inv
        .into_iter()
        .map(|(fp, (e, repos, places))| {
            json!({
                "fingerprint": fp, "rule": e["rule"], "provider": e["provider"], "severity": e["severity"],
                "secret": e["secret"], "repositories": repos, "places": places,
                "still_present": e["in_head"], "first_commit": e["first_commit"],
            })
        })
        .collect();
    json!({
        "version": 1,
        "tool": { "name": "keyhound", "version": inputs[0].doc.pointer("/tool/version"), "rules_sha256": inputs[0].rules_sha256 },
        "merged_from": inputs.iter().map(|i| i.path.display().to_string()).collect::<Vec<_>>(),
        "findings": [],
        "stats": { "findings": findings },
        "inventory": inventory,
        "coverage": { "repositories": repositories, "other_shards": 0, "shards": [], "missing_shards": [] },
    })
}

/// Shards of `i/n` that none of the inputs covered.
pub fn missing_shards(shards: &BTreeSet<String>) -> Vec<String> {
    let parsed: Vec<(usize, usize)> = shards
        .iter()
        .filter_map(|s| s.split_once('/').and_then(|(i, n)| Some((i.parse().ok()?, n.parse().ok()?))))
        .collect();
    let Some(&(_, n)) = parsed.first() else { return Vec::new() };
    (0..n).filter(|i| !parsed.contains(&(*i, n))).map(|i| format!("{i}/{n}")).collect()
}

/// Merges SARIF logs into one run.
pub fn merge_sarif(inputs: &[Input]) -> Value {
    let mut doc = inputs[0].doc.clone();
    let mut seen = BTreeSet::new();
    let mut results = Vec::new();
    for i in inputs {
        for r in i.doc.pointer("/runs/0/results").and_then(Value::as_array).into_iter().flatten() {
            let key = format!(
                "{}\u{0}{}\u{0}{}\u{0}{}",
                r["partialFingerprints"],
                r.pointer("/locations/0/physicalLocation/artifactLocation/uri").unwrap_or(&Value::Null),
                r.pointer("/locations/0/physicalLocation/region/startLine").unwrap_or(&Value::Null),
                r.pointer("/locations/0/physicalLocation/region/startColumn").unwrap_or(&Value::Null)
            );
            if seen.insert(key) {
                results.push(r.clone());
            }
        }
    }
    doc["runs"][0]["results"] = Value::Array(results);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, doc: Value) -> Input {
        let sha = doc.pointer("/tool/rules_sha256").and_then(Value::as_str).unwrap_or("").to_string();
        Input { path: name.into(), kind: Kind::Json, rules_sha256: sha, doc }
    }

    fn report(shard: &str, repo: &str, fp: &str, sha: &str) -> Value {
        json!({
            "version": 1, "tool": {"name": "keyhound", "version": "0", "rules_sha256": sha},
            "findings": [{"repository": repo, "fingerprint": fp, "path": ".env", "line": 1, "column": 5, "rule": "r", "severity": "high"}],
            "suppressed": [], "stats": {"files_scanned": 3, "findings": 1, "skipped": {"binary": {"files": 1, "bytes": 9}}},
            "coverage": {"repositories": [{"repository": repo, "status": "scanned"}], "other_shards": 3, "shard": shard},
        })
    }

    #[test]
    fn shards_join_into_one_report() {
        let a = input("a.json", report("0/4", "https://h/a", "f1", "s"));
        let b = input("b.json", report("1/4", "https://h/b", "f1", "s"));
        let c = input("c.json", report("1/4", "https://h/b", "f1", "s"));
        let all = [a, b, c];
        assert_eq!(check(&all).unwrap(), Kind::Json);
        let m = merge_json(&all);
        assert_eq!(m["findings"].as_array().unwrap().len(), 2, "the same place twice is kept once");
        assert_eq!(m["stats"]["files_scanned"], 9);
        assert_eq!(m["stats"]["skipped"]["binary"]["bytes"], 27);
        assert_eq!(m["inventory"][0]["repositories"], json!(["https://h/a", "https://h/b"]));
        assert_eq!(m["coverage"]["missing_shards"], json!(["2/4", "3/4"]));
        assert_eq!(m["coverage"]["other_shards"], 2);
    }

    #[test]
    fn audits_join_into_an_organisation_inventory() {
        let audit = |repo: &str, fp: &str| Input {
            path: format!("{repo}.json").into(),
            kind: Kind::Audit,
            rules_sha256: "s".into(),
            doc: json!({
                "tool": {"name": "keyhound", "version": "0"},
                "scope": {"repository": repo, "remote_url": null, "commits": 3, "refs": [{"name": "refs/heads/main", "commit": "c1"}], "rules": {"sha256": "s"}},
                "result": {"findings": 2, "verdict": "fail"},
                "inventory": [{"fingerprint": fp, "rule": "r", "severity": "high", "locations": [{}, {}], "in_head": true}],
            }),
        };
        let m = merge_audits(&[audit("/srv/a", "f1"), audit("/srv/b", "f1"), audit("/srv/c", "f2")]);
        assert_eq!(m["coverage"]["repositories"].as_array().unwrap().len(), 3);
        assert_eq!(m["inventory"].as_array().unwrap().len(), 2);
        let f1 = m["inventory"].as_array().unwrap().iter().find(|e| e["fingerprint"] == "f1").unwrap().clone();
        assert_eq!(f1["repositories"], json!(["/srv/a", "/srv/b"]));
        assert_eq!(f1["places"], 4);
        assert_eq!(m["stats"]["findings"], 6);
    }

    #[test]
    fn different_rules_are_refused() {
        let a = input("a.json", report("0/2", "r1", "f", "s1"));
        let b = input("b.json", report("1/2", "r2", "f", "s2"));
        let e = check(&[a, b]).unwrap_err();
        assert!(e.contains("different rules") && e.contains("a.json") && e.contains("b.json"), "{e}");
    }
}
