//! History scans, staged scans and the pre-commit hook, on throwaway repositories made with
//! the real `git` in temporary directories.

use std::path::Path;
use std::process::Command;

use crate::common::{Fake, Tree, program, summary};

/// Runs git in `dir` with a fixed identity and dates; returns trimmed stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    git_as(dir, "Alice Author", "alice@example.org", args)
}

pub(crate) fn git_as(dir: &Path, name: &str, email: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_AUTHOR_DATE", "2026-03-01T12:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2026-03-01T12:00:00+00:00")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub(crate) fn repo() -> Tree {
    let t = Tree::new();
    git(t.path(), &["init", "-q", "-b", "main"]);
    git(t.path(), &["config", "commit.gpgsign", "false"]);
    t
}

pub(crate) fn commit_all(t: &Tree, msg: &str) -> String {
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "--allow-empty", "-m", msg]);
    git(t.path(), &["rev-parse", "HEAD"])
}

fn f(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

#[test]
fn a_secret_added_then_removed_is_found_in_history_with_its_commit() {
    let t = repo();
    let key = Fake::new(30).generic();
    t.write("README.md", "hello\n");
    commit_all(&t, "initial");
    t.write("config/.env", format!("DEBUG=1\nAPI_KEY={key}\n"));
    git_as(t.path(), "Mallory Leak", "mallory@example.org", &["add", "-A"]);
    git_as(t.path(), "Mallory Leak", "mallory@example.org", &["commit", "-q", "-m", "add config"]);
    let added = git(t.path(), &["rev-parse", "HEAD"]);
    std::fs::remove_file(t.path().join("config/.env")).unwrap();
    commit_all(&t, "remove config");

    // the working tree is clean
    assert_eq!(t.run(&["scan", "."]).code, 0);
    let r = t.run(&["scan", "--git", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "config/.env", 2, 9)]);
    let fnd = &j["findings"][0];
    assert_eq!(fnd["commit"]["id"], added.as_str());
    assert_eq!(fnd["commit"]["author"], "Mallory Leak");
    assert_eq!(fnd["commit"]["email"], "mallory@example.org");
    assert_eq!(fnd["commit"]["date"], "2026-03-01T12:00:00+00:00");
    assert_eq!(fnd["commit"]["summary"], "add config");
    assert_eq!(fnd["present_at_head"], false);
    assert_eq!(j["stats"]["commits"], 3);
    // text output shows the commit beside the path
    let text = t.run(&["scan", "--git", "."]).stdout;
    assert!(text.starts_with(&format!("config/.env @ {} Mallory Leak", &added[..12])), "{text}");
}

#[test]
fn the_same_key_in_two_files_and_two_branches_shares_one_fingerprint() {
    let t = repo();
    let key = Fake::new(31).generic();
    t.write("a.env", format!("SECRET_KEY={key}\n"));
    commit_all(&t, "a");
    git(t.path(), &["checkout", "-q", "-b", "feature"]);
    t.write("svc/b.yaml", format!("app:\n  secret_key: {key}\n"));
    commit_all(&t, "b");
    git(t.path(), &["checkout", "-q", "main"]);
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "a.env", 1, 12), f("generic-api-key", "svc/b.yaml", 2, 15)]);
    assert_eq!(j["findings"][0]["fingerprint"], j["findings"][1]["fingerprint"]);
    assert_eq!(j["findings"][0]["present_at_head"], true);
    assert_eq!(j["findings"][1]["present_at_head"], true, "the same secret is still in HEAD (a.env)");
    // --ref limits the walk
    let j = t.run(&["scan", "--git", ".", "--ref", "main", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "a.env", 1, 12)]);
}

/// The history scan reads a blob the moment the walk first meets it; a path where the same
/// blob shows up later (a copy in a later commit) must still get its finding, with the later
/// commit, and the blob's bytes must be counted once.
#[test]
fn a_blob_met_again_under_a_later_path_is_reported_there_and_counted_once() {
    let t = repo();
    let key = Fake::new(35).generic();
    let content = format!("API_SECRET={key}\n");
    t.write("one.env", &content);
    let first = commit_all(&t, "one");
    t.write("clean.txt", "nothing to see\n");
    commit_all(&t, "clean");
    t.write("copy/two.env", &content);
    let later = commit_all(&t, "copy");
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "copy/two.env", 1, 12), f("generic-api-key", "one.env", 1, 12)]);
    assert_eq!(j["findings"][0]["commit"]["id"], later.as_str());
    assert_eq!(j["findings"][1]["commit"]["id"], first.as_str());
    assert_eq!(j["findings"][0]["fingerprint"], j["findings"][1]["fingerprint"]);
    assert_eq!(j["stats"]["files_scanned"], 2, "two unique blobs: the key file once, clean.txt");
    assert_eq!(j["stats"]["bytes_scanned"], (content.len() + "nothing to see\n".len()) as u64);
}

/// A key that stays put while the rest of its file is edited lives in a new blob each commit;
/// it is reported once, blamed on the commit that added it, until its line moves.
#[test]
fn an_unchanged_secret_in_an_edited_file_is_reported_once_with_the_commit_that_added_it() {
    let t = repo();
    let key = Fake::new(36).generic();
    t.write("app.env", format!("APP_SECRET={key}\nDEBUG=1\n"));
    let added = commit_all(&t, "add key");
    t.write("app.env", format!("APP_SECRET={key}\nDEBUG=0\n"));
    commit_all(&t, "edit debug");
    t.write("app.env", format!("APP_SECRET={key}\nDEBUG=0\nLOG=info\n"));
    commit_all(&t, "add log");
    t.write("app.env", format!("# settings\nAPP_SECRET={key}\nDEBUG=0\nLOG=info\n"));
    let moved = commit_all(&t, "header");
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "app.env", 1, 12), f("generic-api-key", "app.env", 2, 12)]);
    assert_eq!(j["findings"][0]["commit"]["id"], added.as_str());
    assert_eq!(j["findings"][1]["commit"]["id"], moved.as_str());
    assert_eq!(j["stats"]["findings"], 2);
    assert_eq!(j["stats"]["files_scanned"], 4, "four blobs were read");
}

#[test]
fn tag_only_commits_merges_and_renames_are_covered() {
    let t = repo();
    let mut fk = Fake::new(32);
    let (k1, k2, k3) = (fk.generic(), fk.generic(), fk.generic());
    t.write("base.txt", "base\n");
    commit_all(&t, "base");
    // a commit reachable only from a tag
    git(t.path(), &["checkout", "-q", "-b", "tmp"]);
    t.write("tagged.env", format!("TOKEN={k1}\n"));
    commit_all(&t, "tagged");
    git(t.path(), &["tag", "v1"]);
    git(t.path(), &["checkout", "-q", "main"]);
    git(t.path(), &["branch", "-q", "-D", "tmp"]);
    // a merge of a branch that adds a key
    git(t.path(), &["checkout", "-q", "-b", "topic"]);
    t.write("topic.env", format!("APP_SECRET={k2}\n"));
    let topic = commit_all(&t, "topic");
    git(t.path(), &["checkout", "-q", "main"]);
    t.write("other.txt", "other\n");
    commit_all(&t, "other");
    git(t.path(), &["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    // a rename
    t.write("old.env", format!("AUTH_TOKEN={k3}\n"));
    commit_all(&t, "old");
    git(t.path(), &["mv", "old.env", "new.env"]);
    commit_all(&t, "rename");
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(
        summary(&j),
        vec![
            f("generic-api-key", "new.env", 1, 12),
            f("generic-api-key", "old.env", 1, 12),
            f("generic-api-key", "tagged.env", 1, 7),
            f("generic-api-key", "topic.env", 1, 12),
        ]
    );
    let topic_finding = j["findings"].as_array().unwrap().iter().find(|x| x["path"] == "topic.env").unwrap();
    assert_eq!(topic_finding["commit"]["id"], topic.as_str(), "attributed to the commit that added it, not the merge");
    let tagged = j["findings"].as_array().unwrap().iter().find(|x| x["path"] == "tagged.env").unwrap();
    assert_eq!(tagged["present_at_head"], false);
    let (n, o) = (&j["findings"][0], &j["findings"][1]);
    assert_eq!(n["fingerprint"], o["fingerprint"]);
    assert_eq!(n["blob"], o["blob"], "one blob, scanned once, reported at both paths");
    assert_eq!(j["stats"]["files_scanned"].as_u64().unwrap(), 5, "each unique blob once");
}

#[test]
fn binary_blobs_are_counted_and_ranges_and_since_limit_the_commits() {
    let t = repo();
    let mut fk = Fake::new(33);
    let (k1, k2) = (fk.generic(), fk.generic());
    t.write("bin.dat", [b"\x00\x01\x02".as_slice(), format!("api_key={k1}").as_bytes()].concat());
    t.write("one.env", format!("API_KEY={k1}\n"));
    let first = commit_all(&t, "one");
    t.write("two.env", format!("API_KEY={k2}\n"));
    commit_all(&t, "two");
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(j["stats"]["skipped"]["binary"]["files"], 1);
    assert_eq!(j["findings"].as_array().unwrap().len(), 2);
    let range = format!("{first}..HEAD");
    let j = t.run(&["scan", "--git", ".", "--log-opts", &range, "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "two.env", 1, 9)]);
    assert_eq!(j["stats"]["commits"], 1);
    let j = t.run(&["scan", "--git", ".", "--since", "2027-01-01", "--format", "json"]).json();
    assert_eq!(j["stats"]["commits"].as_u64().unwrap_or(0), 0);
    let r = t.run(&["scan", "--git", ".", "--log-opts", "nope..HEAD"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad revision range `nope..HEAD`"), "{}", r.stderr);
}

#[test]
fn empty_repositories_and_non_repositories_are_reported_clearly() {
    let t = repo();
    let r = t.run(&["scan", "--git", ".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("the repository has no commits"), "{}", r.stderr);
    let plain = Tree::new();
    let r = plain.run(&["scan", "--git", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(": not a git repository"), "{}", r.stderr);
}

#[test]
fn a_corrupt_object_is_counted_and_the_rest_is_scanned() {
    let t = repo();
    let mut fk = Fake::new(34);
    t.write("good.env", format!("API_KEY={}\n", fk.generic()));
    t.write("bad.env", format!("API_KEY={}\n", fk.generic()));
    commit_all(&t, "two files");
    let bad = git(t.path(), &["rev-parse", "HEAD:bad.env"]);
    let obj = t.path().join(".git/objects").join(&bad[..2]).join(&bad[2..]);
    std::fs::write(&obj, b"this is not a zlib stream").unwrap();
    let r = t.run(&["scan", "--git", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "good.env", 1, 9)]);
    assert_eq!(j["stats"]["skipped"]["git_object_error"]["files"], 1);
    assert!(r.stderr.contains(&format!("bad.env (blob {bad})")), "{}", r.stderr);
}

#[test]
fn a_shallow_clone_is_scanned_and_flagged() {
    let src = repo();
    let mut fk = Fake::new(35);
    src.write("a.env", format!("API_KEY={}\n", fk.generic()));
    commit_all(&src, "one");
    src.write("b.env", format!("API_KEY={}\n", fk.generic()));
    commit_all(&src, "two");
    let dst = Tree::new();
    let url = format!("file://{}", src.path().display());
    git(dst.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let r = crate::common::run_in(&dst.path().join("c"), &["scan", "--git", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(j["stats"]["shallow"], true);
    assert_eq!(j["stats"]["commits"], 1);
    assert!(r.stderr.contains("shallow clone"), "{}", r.stderr);
    assert_eq!(j["findings"].as_array().unwrap().len(), 2, "both files are in the one commit's tree");
}

#[test]
fn staged_scans_report_only_added_lines() {
    let t = repo();
    let mut fk = Fake::new(36);
    let (old, new, moved) = (fk.generic(), fk.generic(), fk.generic());
    t.write("app.env", format!("A=1\nAPI_KEY={old}\nB=2\n"));
    t.write("gone.env", format!("TOKEN={}\n", fk.generic()));
    t.write("rename-me.env", format!("SECRET_KEY={moved}\n"));
    commit_all(&t, "base with an old secret");
    // nothing staged: clean
    assert_eq!(t.run(&["scan", "--staged"]).code, 0);
    // modify: a new line with a new secret; the old secret stays on its line
    t.write("app.env", format!("A=1\nAPI_KEY={old}\nB=2\nAUTH_TOKEN={new}\n"));
    std::fs::remove_file(t.path().join("gone.env")).unwrap();
    git(t.path(), &["mv", "rename-me.env", "renamed.env"]);
    t.write("added/new.py", format!("x = 1\n\nclient_secret = \"{}\"\n", fk.generic()));
    git(t.path(), &["add", "-A"]);
    let r = t.run(&["scan", "--staged", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        summary(&r.json()),
        vec![f("generic-api-key", "added/new.py", 3, 18), f("generic-api-key", "app.env", 4, 12)]
    );
    let text = t.run(&["scan", "--staged"]);
    assert!(text.stderr.contains("keyhound blocked this commit"), "{}", text.stderr);
    assert!(text.stderr.contains("keyhound:allow") && text.stderr.contains("--no-verify"));
}

#[test]
fn staged_scans_work_before_the_first_commit() {
    let t = repo();
    t.write("first.env", format!("API_KEY={}\n", Fake::new(37).generic()));
    git(t.path(), &["add", "-A"]);
    let j = t.run(&["scan", "--staged", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "first.env", 1, 9)]);
}

#[test]
fn the_hook_blocks_a_commit_until_the_secret_is_removed_or_allowed() {
    let t = repo();
    let key = Fake::new(38).generic();
    t.write("README.md", "x\n");
    commit_all(&t, "init");
    let r = t.run(&["install-hook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("installed keyhound's pre-commit hook:"), "{}", r.stdout);
    assert_eq!(t.run(&["install-hook"]).code, 0, "installing twice is fine");

    let commit = |msg: &str| {
        Command::new("git")
            .args(["commit", "-q", "-m", msg])
            .current_dir(t.path())
            .env("KEYHOUND_BIN", program())
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.org")
            .env("GIT_COMMITTER_NAME", "A")
            .env("GIT_COMMITTER_EMAIL", "a@example.org")
            .output()
            .unwrap()
    };
    t.write("settings.env", format!("API_KEY={key}\n"));
    git(t.path(), &["add", "-A"]);
    let out = commit("leak");
    assert!(!out.status.success(), "the commit must be blocked");
    // git sends a hook's standard output to its standard error
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("settings.env\n") && all.contains("1:9") && all.contains("generic-api-key"), "{all}");
    assert!(!all.contains(&key), "the hook must not print the secret");
    assert!(all.contains("keyhound blocked this commit"), "{all}");

    // allowed inline: the commit goes through
    t.write("settings.env", format!("API_KEY={key}  # keyhound:allow test value\n"));
    git(t.path(), &["add", "-A"]);
    let out = commit("allowed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // removed: fine too
    t.write("settings.env", "API_KEY=${API_KEY}\n");
    git(t.path(), &["add", "-A"]);
    assert!(commit("removed").status.success());
}

#[test]
fn install_hook_respects_existing_hooks_and_core_hookspath() {
    let t = repo();
    std::fs::create_dir_all(t.path().join(".git/hooks")).unwrap();
    std::fs::write(t.path().join(".git/hooks/pre-commit"), "#!/bin/sh\necho mine\n").unwrap();
    let r = t.run(&["install-hook"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a different pre-commit hook is already installed"), "{}", r.stderr);
    let r = t.run(&["install-hook", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(t.path().join(".git/hooks/pre-commit.keyhound-backup")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    assert!(std::fs::read_to_string(t.path().join(".git/hooks/pre-commit")).unwrap().contains("scan --staged"));
    // `--force --no-chain` over the chained hook stops running the old one; `--force` chains it again
    let r = t.run(&["install-hook", "--force", "--no-chain"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("pre-commit.keyhound-saved, not run"), "{}", r.stdout);
    assert!(!t.path().join(".git/hooks/pre-commit.keyhound-backup").exists());
    assert_eq!(
        std::fs::read_to_string(t.path().join(".git/hooks/pre-commit.keyhound-saved")).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    let r = t.run(&["install-hook", "--force"]);
    assert!(r.stdout.contains("pre-commit.keyhound-backup and runs first"), "{}", r.stdout);
    assert!(t.path().join(".git/hooks/pre-commit.keyhound-backup").is_file());

    git(t.path(), &["config", "core.hooksPath", "githooks"]);
    let r = t.run(&["install-hook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(t.path().join("githooks/pre-commit").is_file());
}

#[test]
fn the_hook_fails_clearly_when_keyhound_is_missing() {
    let t = repo();
    assert_eq!(t.run(&["install-hook"]).code, 0);
    let out = Command::new("sh")
        .arg(t.path().join(".git/hooks/pre-commit"))
        .current_dir(t.path())
        .env("KEYHOUND_BIN", "/nonexistent/keyhound")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not installed or not on PATH"));
}

#[test]
fn pre_push_scans_only_the_commits_being_pushed() {
    let t = repo();
    let mut fk = Fake::new(39);
    let (pushed_key, new_key) = (fk.generic(), fk.generic());
    t.write("old.env", format!("API_KEY={pushed_key}\n"));
    let base = commit_all(&t, "already pushed");
    t.write("new.env", format!("API_KEY={new_key}\n"));
    let head = commit_all(&t, "not yet pushed");
    let line = format!("refs/heads/main {head} refs/heads/main {base}\n");
    let r = crate::common::run_stdin_in(t.path(), &["scan", "--pre-push", ".", "--format", "json"], line.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "new.env", 1, 9)]);
    // a new branch: everything not on a remote-tracking ref (here: both commits)
    let zero = "0".repeat(40);
    let line = format!("refs/heads/topic {head} refs/heads/topic {zero}\n");
    let r = crate::common::run_stdin_in(t.path(), &["scan", "--pre-push", ".", "--format", "json"], line.as_bytes());
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "new.env", 1, 9), f("generic-api-key", "old.env", 1, 9)]);
    // the pre-commit framework: empty stdin, the range in its environment
    let framework = |env: &[(&str, &str)]| {
        let out = Command::new(crate::common::program())
            .args(["scan", "--pre-push", ".", "--format", "json"])
            .current_dir(t.path())
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = framework(&[("PRE_COMMIT_FROM_REF", &base), ("PRE_COMMIT_TO_REF", &head)]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(summary(&serde_json::from_str(&out).unwrap()), vec![f("generic-api-key", "new.env", 1, 9)]);
    let (code, _, _) = framework(&[("PRE_COMMIT_FROM_REF", &head), ("PRE_COMMIT_TO_REF", &head)]);
    assert_eq!(code, Some(0), "nothing new: a clean push passes");
    let (code, _, err) = framework(&[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no refs on stdin"), "{err}");
}

#[test]
fn worktrees_and_submodule_entries_are_handled() {
    let t = repo();
    let key = Fake::new(40).generic();
    t.write("a.env", format!("API_KEY={key}\n"));
    commit_all(&t, "a");
    // a gitlink (submodule entry) in the tree is counted, not followed
    let sub = git(t.path(), &["rev-parse", "HEAD"]);
    git(t.path(), &["update-index", "--add", "--cacheinfo", &format!("160000,{sub},vendor/lib")]);
    git(t.path(), &["commit", "-q", "-m", "add submodule entry"]);
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    assert_eq!(j["stats"]["skipped"]["submodule"]["files"], 1);
    assert_eq!(summary(&j), vec![f("generic-api-key", "a.env", 1, 9)]);
    // a linked worktree scans the same history and stages its own changes
    let wt = t.path().join("wt");
    git(t.path(), &["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    let r = crate::common::run_in(&wt, &["scan", "--git", ".", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "a.env", 1, 9)]);
    std::fs::write(wt.join("b.env"), format!("TOKEN={}\n", Fake::new(41).generic())).unwrap();
    git(&wt, &["add", "b.env"]);
    let r = crate::common::run_in(&wt, &["scan", "--staged", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "b.env", 1, 7)]);
}
