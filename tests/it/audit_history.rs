//! `keyhound audit` on a repository shaped like real ones (issue 17, items 1, 4 and 5): two
//! roots (an orphan `gh-pages`), a release branch older than HEAD, a pull-request ref, a
//! one-line search index rebuilt many times, a Stripe test key in the tests. Dates follow
//! ancestry and commit time, not walk order; refs that reach each secret are named; places
//! are grouped by file, each saying whether that file in HEAD holds it; hints say "likely a
//! test key" without changing the verdict.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{ALNUM, Fake, Tree};
use crate::git::{git, repo};

/// Commits everything in `t` at `date` (author and committer), returns the commit id.
fn commit_at(t: &Tree, date: &str, msg: &str) -> String {
    run_git(t.path(), date, &["add", "-A"]);
    run_git(t.path(), date, &["commit", "-q", "--allow-empty", "-m", msg]);
    git(t.path(), &["rev-parse", "HEAD"])
}

fn run_git(dir: &Path, date: &str, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Dana Dev")
        .env("GIT_AUTHOR_EMAIL", "dana@example.org")
        .env("GIT_COMMITTER_NAME", "Dana Dev")
        .env("GIT_COMMITTER_EMAIL", "dana@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn by_path<'a>(j: &'a Value, path: &str) -> &'a Value {
    j["inventory"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["locations"].as_array().unwrap().iter().any(|l| l["path"] == path))
        .unwrap_or_else(|| panic!("no inventory entry at {path}"))
}

#[test]
fn dates_follow_history_refs_are_named_places_grouped_and_test_keys_hinted() {
    let t = repo();
    let mut fk = Fake::new(1701);
    let (key, pr_key, index_key) = (fk.generic(), fk.generic(), fk.generic());
    let stripe_test = format!("sk_test_{}", fk.chars(24, ALNUM));

    // the orphan gh-pages root is created first, so a walk may meet it before main's root
    run_git(t.path(), "2013-11-17T10:00:00+00:00", &["checkout", "-q", "--orphan", "gh-pages"]);
    t.write("index.html", format!("<pre>SECRET_KEY={key}</pre>\n"));
    let pages_root = commit_at(&t, "2013-11-17T10:00:00+00:00", "pages");
    // a one-line search index rebuilt four times: the key moves along the line each time
    for i in 0..4 {
        let pad = "x".repeat(10 * i);
        t.write(
            "site/search/search_index.json",
            format!("{{\"docs\":\"{pad}\",\"config\":{{\"api_key\":\"{index_key}\"}}}}\n"),
        );
        commit_at(&t, &format!("2014-0{}-01T10:00:00+00:00", i + 1), &format!("rebuild {i}"));
    }

    run_git(t.path(), "2012-01-01T10:00:00+00:00", &["checkout", "-q", "--orphan", "main"]);
    run_git(t.path(), "2012-01-01T10:00:00+00:00", &["rm", "-rq", "--cached", "."]);
    for f in ["index.html", "site/search/search_index.json"] {
        std::fs::remove_file(t.path().join(f)).unwrap();
    }
    t.write("settings.py", format!("SECRET_KEY = \"{key}\"\n"));
    t.write("tests/conftest.py", format!("STRIPE_KEY = \"{stripe_test}\"\n"));
    let main_root = commit_at(&t, "2012-01-01T10:00:00+00:00", "start");
    t.write("README.md", "app\n");
    let c2 = commit_at(&t, "2014-01-01T10:00:00+00:00", "readme");
    // a release branch, its tip older than HEAD
    run_git(t.path(), "2014-06-01T10:00:00+00:00", &["checkout", "-q", "-b", "release-1.x"]);
    t.write("CHANGES", "1.0\n");
    let release_tip = commit_at(&t, "2014-06-01T10:00:00+00:00", "release");
    run_git(t.path(), "2015-01-01T10:00:00+00:00", &["checkout", "-q", "main"]);
    t.write("app.py", "print()\n");
    let head = commit_at(&t, "2015-01-01T10:00:00+00:00", "app");
    // a pull request's head, fetched as refs/pull/7/head, adds a key only there
    run_git(t.path(), "2016-01-01T10:00:00+00:00", &["checkout", "-q", "-b", "tmp-pr"]);
    t.write("deploy.env", format!("API_TOKEN={pr_key}\n"));
    let pr_tip = commit_at(&t, "2016-01-01T10:00:00+00:00", "pr");
    run_git(t.path(), "2016-01-01T10:00:00+00:00", &["checkout", "-q", "main"]);
    git(t.path(), &["update-ref", "refs/pull/7/head", &pr_tip]);
    git(t.path(), &["branch", "-q", "-D", "tmp-pr"]);

    let r = t.run(&["audit", ".", "--report", "out"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j: Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("out/audit.json")).unwrap()).unwrap();
    let md = std::fs::read_to_string(t.path().join("out/audit.md")).unwrap();
    let html = std::fs::read_to_string(t.path().join("out/audit.html")).unwrap();

    // scope: oldest and newest commit by time; refs counted by kind
    assert_eq!(j["scope"]["commit_range"]["first"]["id"], main_root.as_str());
    assert_eq!(j["scope"]["commit_range"]["last"]["id"], pr_tip.as_str());
    assert_eq!(
        j["scope"]["ref_kinds"],
        serde_json::json!([{"kind": "branches", "count": 3}, {"kind": "pull requests", "count": 1}])
    );
    assert!(md.contains("| refs covered | all refs and HEAD: 3 branches, 1 pull requests "), "{md}");
    assert!(!md.contains("refs/heads/gh-pages `"), "refs are counted, not listed, in Markdown");

    // the key of main and gh-pages: in since main's 2012 root, not gh-pages' 2013 root; last
    // present in the newest commit holding it (the pull request, on top of HEAD), not in the
    // release tip (2014) that an oldest-first walk happens to visit last among main's lines
    let k = by_path(&j, "settings.py");
    assert_eq!(k["first_commit"]["id"], main_root.as_str());
    assert_eq!(k["last_commit"]["id"], pr_tip.as_str());
    assert_ne!(k["last_commit"]["id"], release_tip.as_str());
    assert_ne!(k["first_commit"]["id"], pages_root.as_str());
    assert_eq!(k["commits_present"], 10, "5 on gh-pages, 3 on main, the release tip and the pull request: {k}");
    assert_eq!(
        k["refs"],
        serde_json::json!(["refs/heads/gh-pages", "refs/heads/main", "refs/heads/release-1.x", "refs/pull/7/head"])
    );
    assert_eq!(k["ref_tips"], k["refs"]);
    assert_eq!(k["in_head"], true);
    let places: Vec<(String, Value)> = k["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["path"].as_str().unwrap().to_string(), g["in_head"].clone()))
        .collect();
    assert!(places.contains(&("settings.py".to_string(), Value::Bool(true))), "{places:?}");
    assert!(places.contains(&("index.html".to_string(), Value::Bool(false))), "gh-pages' copy is not in HEAD");
    assert!(k["triage"].is_null(), "settings.py is no test file: {}", k["triage"]);
    let _ = (c2, head);

    // the pull request's key: only refs/pull/7/head reaches it
    let pr = by_path(&j, "deploy.env");
    assert_eq!(pr["first_commit"]["id"], pr_tip.as_str());
    assert_eq!(pr["refs"], serde_json::json!(["refs/pull/7/head"]));
    assert_eq!(pr["in_head"], false);
    assert!(md.contains("- Reached from refs: refs/pull/7/head"), "{md}");

    // the search index: one file, four versions, one row
    let idx = by_path(&j, "site/search/search_index.json");
    assert_eq!(idx["locations"].as_array().unwrap().len(), 4);
    assert_eq!(idx["places"].as_array().unwrap().len(), 1);
    assert_eq!(idx["places"][0]["places"], 4);
    assert_eq!(idx["places"][0]["commits"], 4);
    assert_eq!(idx["places"][0]["in_head"], false);
    assert_eq!(idx["in_head"], false);
    assert_eq!(idx["refs"], serde_json::json!(["refs/heads/gh-pages"]));
    assert_eq!(idx["triage"]["signals"], serde_json::json!(["docs"]));
    assert!(md.contains("| history | site/search/search\\_index.json | 4 | 4 | 1:"), "{md}");
    assert!(md.contains("| no |"), "{md}");
    assert!(!md.contains("Still in HEAD: yes; in the working tree: no"), "{md}");

    // the Stripe test key in tests/: hinted, still reported, the verdict unchanged
    let st = by_path(&j, "tests/conftest.py");
    assert_eq!(st["triage"]["signals"], serde_json::json!(["test", "test-mode-key"]));
    assert!(st["triage"]["hint"].as_str().unwrap().starts_with("Likely a test-mode key"));
    assert!(st["action"].as_str().unwrap().starts_with("Revoke and rotate it now"));
    assert_eq!(j["result"]["verdict"], "fail");
    assert!(md.contains("- Triage hint (test, test-mode-key): Likely a test-mode key"), "{md}");
    assert!(html.contains("class=\"triage\""), "the HTML shows the hint");
    // printed, a URL is shown once (the link text is the URL)
    assert!(!html.contains("attr(href)"));
}
