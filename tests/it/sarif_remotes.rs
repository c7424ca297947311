//! SARIF for every kind of remote (issue 17, item 3): `repositoryUri` is an absolute https URI
//! (SSH and scp-like remotes rewritten, credentials dropped) or left out (a local path),
//! `%SRCROOT%` is mapped to the scanned directory inside the repository, and every rule has a
//! `helpUri`. When Microsoft's SARIF multitool is installed (`.ci/run` installs it from npm and
//! sets `KEYHOUND_SARIF_MULTITOOL`), each log must pass its SARIF and GitHub (`Ghas`) rules
//! with no error and no warning.

use std::path::Path;
use std::process::Command;

use crate::common::{Fake, Tree};
use crate::git::{commit_all, git, repo};

/// The multitool, if installed; a panic when CI requires it and it is missing.
fn multitool() -> Option<String> {
    match std::env::var("KEYHOUND_SARIF_MULTITOOL") {
        Ok(p) if Path::new(&p).is_file() => Some(p),
        _ if std::env::var("KEYHOUND_REQUIRE_SARIF_MULTITOOL").is_ok_and(|v| v == "1") => {
            panic!("KEYHOUND_REQUIRE_SARIF_MULTITOOL=1 but KEYHOUND_SARIF_MULTITOOL names no file")
        }
        _ => None,
    }
}

/// The multitool's errors and warnings for a log (notes are advice: message ids, snippets).
fn complaints(tool: &str, log: &Path) -> Vec<String> {
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new(tool)
        .args(["validate", "--rule-kind", "Sarif;Ghas", "--level", "Error;Warning", "-o"])
        .arg(out_dir.path().join("v.sarif"))
        .arg(log)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("the SARIF multitool runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("Analyzing"), "the multitool did not analyse {}: {text}", log.display());
    text.lines().filter(|l| l.contains(": error ") || l.contains(": warning ")).map(str::to_string).collect()
}

fn leaky_repo(remote: &str) -> Tree {
    let t = repo();
    let mut fk = Fake::new(1703);
    t.write("config/app.env", format!("API_KEY={}\n", fk.generic()));
    t.write("svc/api/.env", format!("SECRET_TOKEN={}\n", fk.generic()));
    commit_all(&t, "leak");
    git(t.path(), &["remote", "add", "origin", remote]);
    t
}

#[test]
fn repository_uris_are_https_or_absent_and_logs_pass_githubs_rules() {
    let tool = multitool();
    if tool.is_none() {
        eprintln!("the SARIF multitool is not installed: checking the logs' shape only");
    }
    for (remote, want) in [
        ("git@github.com:acme/api.git", Some("https://github.com/acme/api.git")),
        ("ssh://git@gitlab.example.org:2222/grp/api.git", Some("https://gitlab.example.org/grp/api.git")),
        ("https://ci:tok@github.com/acme/api.git", Some("https://github.com/acme/api.git")),
        ("/srv/git/api.git", None),
    ] {
        let t = leaky_repo(remote);
        for (dir, args, base) in
            [(".", vec!["scan", "."], ""), ("svc", vec!["scan", "."], "svc/"), (".", vec!["scan", "--git", "."], "")]
        {
            let cwd = t.path().join(dir);
            let log = cwd.join("out.sarif");
            let mut a = args.clone();
            a.extend(["--format", "sarif", "-o", "out.sarif"]);
            let r = crate::common::run_in(&cwd, &a);
            assert_eq!(r.code, 1, "{remote} {args:?}: {}", r.stderr);
            let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
            let run = &j["runs"][0];
            let vcp = &run["versionControlProvenance"];
            match want {
                Some(uri) => {
                    assert_eq!(vcp[0]["repositoryUri"], uri, "{remote}");
                    assert_eq!(vcp[0]["branch"], "main");
                    if base.is_empty() {
                        assert_eq!(vcp[0]["mappedTo"]["uriBaseId"], "%SRCROOT%");
                    } else {
                        assert_eq!(vcp[0]["mappedTo"]["uriBaseId"], "REPOROOT");
                        assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], base);
                        assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uriBaseId"], "REPOROOT");
                    }
                }
                None => assert!(vcp.is_null(), "{remote}: {vcp}"),
            }
            for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
                assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"), "{rule}");
                let name = rule["name"].as_str().unwrap();
                assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()) && name != rule["id"].as_str().unwrap());
            }
            if let Some(tool) = &tool {
                assert_eq!(complaints(tool, &log), Vec::<String>::new(), "{remote} {args:?}");
            }
            std::fs::remove_file(&log).unwrap();
        }
    }
}
