//! The GitHub Action's shell steps (`action/*.sh`), run locally on a throwaway repository.

use std::process::Command;

use crate::common::{Fake, Tree, program, repo};

fn git(dir: &std::path::Path, args: &[&str]) {
    let st = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "a")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "a")
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
}

#[test]
fn the_scan_step_gates_a_pull_request_on_its_own_commits() {
    let t = Tree::new();
    let mut fk = Fake::new(70);
    git(t.path(), &["init", "-q", "-b", "main"]);
    t.write("old.env", format!("API_KEY={}\n", fk.generic()));
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "old secret on main"]);
    git(t.path(), &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    git(t.path(), &["checkout", "-q", "-b", "pr"]);
    t.write("docs.md", "no secrets\n");
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "clean change"]);
    let step = |out: &str| {
        Command::new("bash")
            .arg(repo().join("action/scan.sh"))
            .current_dir(t.path())
            .env("KEYHOUND_BIN", program())
            .env("EVENT_NAME", "pull_request")
            .env("BASE_REF", "main")
            .env("KEYHOUND_SARIF", out)
            .env_remove("KEYHOUND_ARGS")
            .output()
            .unwrap()
    };
    // the old secret on main does not fail the pull request
    let out = step("a.sarif");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // a commit that adds a key does
    t.write("new.env", format!("SECRET_KEY={}\n", fk.generic()));
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "leak"]);
    let out = step("b.sarif");
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("b.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "new.env");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::warning file=new.env,line=1"), "{stdout}");
}

#[test]
fn the_install_step_uses_a_keyhound_already_on_path() {
    let dir = program().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash").arg(repo().join("action/install.sh")).env("PATH", path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("keyhound: using "));
}
