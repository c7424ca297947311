//! The server-side hook: real `git push` to a local bare repository with keyhound's
//! pre-receive hook installed (and over `git daemon` on 127.0.0.1): pushes that add a secret
//! are refused with a message per ref, everything else goes in.

use std::path::Path;
use std::process::Command;

use crate::common::{Fake, Tree, program, run_in, run_stdin_in};
use crate::git::{commit_all, git, repo};

/// A bare server repository with the hook, and a clone to push from.
struct Server {
    tree: Tree,
}

impl Server {
    fn new() -> Self {
        let tree = Tree::new();
        let p = tree.path();
        git(p, &["init", "-q", "--bare", "-b", "main", "server.git"]);
        let r = run_in(p, &["install-hook", "--pre-receive", "server.git"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("installed keyhound's pre-receive hook"), "{}", r.stdout);
        git(p, &["clone", "-q", "server.git", "work"]);
        git(&p.join("work"), &["config", "commit.gpgsign", "false"]);
        Server { tree }
    }

    fn work(&self) -> std::path::PathBuf {
        self.tree.path().join("work")
    }

    fn bare(&self) -> std::path::PathBuf {
        self.tree.path().join("server.git")
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.work().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, msg: &str) -> String {
        git(&self.work(), &["add", "-A"]);
        git(&self.work(), &["commit", "-q", "--allow-empty", "-m", msg]);
        git(&self.work(), &["rev-parse", "HEAD"])
    }

    /// `git push ARGS` from the clone: (accepted, stderr).
    fn push(&self, args: &[&str]) -> (bool, String) {
        push_in(&self.work(), args)
    }

    fn server_ref(&self, name: &str) -> Option<String> {
        let out =
            Command::new("git").args(["rev-parse", "--verify", "-q", name]).current_dir(self.bare()).output().unwrap();
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

fn push_in(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .arg("push")
        .args(args)
        .current_dir(dir)
        .env("KEYHOUND_BIN", program())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Alice Author")
        .env("GIT_AUTHOR_EMAIL", "alice@example.org")
        .env("GIT_COMMITTER_NAME", "Alice Author")
        .env("GIT_COMMITTER_EMAIL", "alice@example.org")
        .output()
        .expect("git push runs");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn key(fk: &mut Fake) -> String {
    fk.openai_project()
}

/// Clean pushes go in; a push adding a key is refused naming ref, file, line, rule and commit,
/// and the ref does not move; the quarantined objects were read.
#[test]
fn a_push_that_adds_a_key_is_refused_with_a_message_per_ref() {
    let s = Server::new();
    let mut fk = Fake::new(1701);
    s.write("README.md", "hello\n");
    let first = s.commit("init");
    assert!(s.push(&["-q", "origin", "HEAD:main"]).0);
    assert_eq!(s.server_ref("main").as_deref(), Some(first.as_str()));
    s.write("conf/.env", &format!("# settings\nOPENAI_API_KEY={}\n", key(&mut fk)));
    let bad = s.commit("add settings");
    s.write("README.md", "hello\nworld\n");
    s.commit("docs");
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(!ok, "{err}");
    assert!(err.contains("keyhound: push rejected: 1 secret(s) added by the pushed commits of 1 ref(s)"), "{err}");
    assert!(err.contains("remote: refs/heads/main"), "{err}");
    assert!(err.contains("conf/.env:2:16  openai-project-key  sk-proj-…"), "{err}");
    assert!(err.contains(&format!("in commit {} \"add settings\"", &bad[..12])), "{err}");
    assert!(err.contains("pre-receive hook declined"), "{err}");
    assert!(!err.contains(&key(&mut Fake::new(1701))[12..]), "the raw key is never shown");
    assert_eq!(s.server_ref("main").as_deref(), Some(first.as_str()), "the ref did not move");
    // removing it from the commits lets the push in
    git(&s.work(), &["reset", "-q", "--hard", &first]);
    s.write("conf/.env", "# settings\nOPENAI_API_KEY=${OPENAI_API_KEY}\n");
    let good = s.commit("add settings");
    assert!(s.push(&["-q", "origin", "HEAD:main"]).0);
    assert_eq!(s.server_ref("main"), Some(good));
}

/// Only added lines count: a key already on the server (pushed before the hook, here with the
/// hook bypassed by pushing to the bare repository's own path without it) does not block a
/// later edit of the same file; new branches, tags, deletions and force pushes are judged by
/// what they add.
#[test]
fn branches_tags_deletions_force_pushes_and_merges() {
    let s = Server::new();
    let mut fk = Fake::new(1702);
    let old_key = key(&mut fk);
    s.write("app.env", &format!("OPENAI_API_KEY={old_key}\n"));
    let base = s.commit("legacy");
    // the key predates the hook: put it on the server without the hook
    let hook = s.bare().join("hooks/pre-receive");
    std::fs::rename(&hook, s.bare().join("hooks/off")).unwrap();
    assert!(s.push(&["-q", "origin", "HEAD:main"]).0);
    std::fs::rename(s.bare().join("hooks/off"), &hook).unwrap();
    // an edit of the file elsewhere adds no secret
    std::fs::write(s.work().join("app.env"), format!("DEBUG=1\nOPENAI_API_KEY={old_key}\n")).unwrap();
    s.commit("debug on");
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(ok, "{err}");
    // a new branch adding a key is refused; a new branch without one goes in
    git(&s.work(), &["checkout", "-q", "-b", "topic"]);
    s.write("topic.txt", "work in progress\n");
    s.commit("wip");
    assert!(s.push(&["-q", "origin", "topic"]).0);
    s.write("deploy/secret.yaml", &format!("api_key: {}\n", key(&mut fk)));
    let leak = s.commit("deploy");
    let (ok, err) = s.push(&["origin", "topic"]);
    assert!(!ok && err.contains("deploy/secret.yaml:1:10"), "{err}");
    // an annotated tag on the leaking commit is refused, a lightweight tag on a pushed one is not
    git(&s.work(), &["tag", "-a", "-m", "release", "v1", &leak]);
    let (ok, err) = s.push(&["origin", "v1"]);
    assert!(!ok && err.contains("remote: refs/tags/v1"), "{err}");
    git(&s.work(), &["tag", "v0", &base]);
    assert!(s.push(&["-q", "origin", "v0"]).0);
    // a force push that rewrites the branch without the key goes in
    git(&s.work(), &["reset", "-q", "--hard", "HEAD~1"]);
    s.write("deploy/secret.yaml", "api_key: ${API_KEY}\n");
    s.commit("deploy");
    let (ok, err) = s.push(&["--force", "origin", "topic"]);
    assert!(ok, "{err}");
    // a merge of branches already on the server adds nothing new
    git(&s.work(), &["checkout", "-q", "main"]);
    git(&s.work(), &["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    let (ok, err) = s.push(&["origin", "main"]);
    assert!(ok, "{err}");
    // deleting a branch and a tag goes in
    let (ok, err) = s.push(&["origin", "--delete", "topic", "v0"]);
    assert!(ok, "{err}");
    assert_eq!(s.server_ref("refs/heads/topic"), None);
}

/// A push of 10,000 commits (made with fast-import) is scanned; a key in commit 7,000 is found.
#[test]
fn a_push_of_ten_thousand_commits() {
    let s = Server::new();
    let mut fk = Fake::new(1703);
    let k = key(&mut fk);
    let mut stream = String::new();
    for i in 1..=10_000 {
        let body = if i == 7_000 { format!("n = {i}\nOPENAI_API_KEY={k}\n") } else { format!("n = {i}\n") };
        let parent = if i == 1 { String::new() } else { format!("from :{}\n", i - 1) };
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{i}\ncommitter A <a@example.org> {} +0000\ndata 5\nc{:04}\n{parent}M 100644 inline counter.env\ndata {}\n{body}\n",
            1_700_000_000 + i,
            i % 10_000,
            body.len()
        ));
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(s.work())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    git(&s.work(), &["reset", "-q", "--hard", "main"]);
    let (ok, err) = s.push(&["origin", "main"]);
    assert!(!ok, "{err}");
    assert!(err.contains("counter.env:2:16  openai-project-key"), "{err}");
    assert_eq!(err.matches("openai-project-key  sk-proj").count(), 1, "{err}");
    // without the key in the pushed commits, all 10,000 go in
    git(&s.work(), &["checkout", "-q", "-b", "clean", "main~3001"]);
    let (ok, err) = s.push(&["origin", "clean"]);
    assert!(ok, "{err}");
}

/// `git push -o keyhound.skip` is honoured only when the server's `.keyhound.toml` allows it,
/// and then logged; a time budget fails closed unless the server says otherwise.
#[test]
fn the_bypass_and_the_time_budget_are_the_admins() {
    let s = Server::new();
    git(&s.bare(), &["config", "receive.advertisePushOptions", "true"]);
    let mut fk = Fake::new(1704);
    s.write("k.env", &format!("OPENAI_API_KEY={}\n", key(&mut fk)));
    s.commit("key");
    let (ok, err) = s.push(&["-o", "keyhound.skip", "origin", "HEAD:main"]);
    assert!(!ok, "{err}");
    assert!(err.contains("push option keyhound.skip is not enabled on this server"), "{err}");
    std::fs::write(s.bare().join(".keyhound.toml"), "[pre-receive]\nallow-skip = true\n").unwrap();
    let (ok, err) = s.push(&["-o", "keyhound.skip", "origin", "HEAD:main"]);
    assert!(ok, "{err}");
    assert!(err.contains("keyhound: push option keyhound.skip: scan skipped"), "{err}");
    let log = std::fs::read_to_string(s.bare().join("keyhound-bypass.log")).unwrap();
    let line: serde_json::Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(line["refs"][0], "refs/heads/main");
    assert_eq!(line["event"], "pre-receive-bypass");
    // a budget of 0 s runs out at once: refused by default, accepted when the admin says so
    s.write("b.txt", "nothing\n");
    s.commit("clean");
    std::fs::write(s.bare().join(".keyhound.toml"), "[pre-receive]\ntimeout = 0\n").unwrap();
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(!ok && err.contains("push rejected: the scan ran past its 0 s budget"), "{err}");
    std::fs::write(s.bare().join(".keyhound.toml"), "[pre-receive]\ntimeout = 0\non-timeout = \"accept\"\n").unwrap();
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(ok && err.contains("push accepted unchecked: the scan ran past its 0 s budget"), "{err}");
}

/// Bad hook input, missing objects and a run outside a repository are clear errors that
/// refuse the push (a nonzero exit), never an accepted push.
#[test]
fn bad_input_refuses_the_push() {
    let t = repo();
    t.write("a.txt", "a\n");
    let head = commit_all(&t, "a");
    let zero = "0".repeat(40);
    for (input, want) in [
        ("garbage\n".to_string(), "--pre-receive: stdin: line 1: expected `<old-id> <new-id> <ref>`"),
        (format!("{zero} {head}\n"), "line 1: expected"),
        (format!("{zero} nothex refs/heads/x\n"), "not an object id"),
        (String::new(), "no ref updates on stdin"),
    ] {
        let r = run_stdin_in(t.path(), &["scan", "--pre-receive", "."], input.as_bytes());
        assert_eq!(r.code, 2, "{input:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{input:?}: {}", r.stderr);
    }
    let missing = "1234567890abcdef1234567890abcdef12345678";
    let r =
        run_stdin_in(t.path(), &["scan", "--pre-receive", "."], format!("{zero} {missing} refs/heads/x\n").as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("pushed objects cannot be read") && r.stdout.contains(missing), "{}", r.stdout);
    let elsewhere = Tree::new();
    let r = run_stdin_in(
        elsewhere.path(),
        &["scan", "--pre-receive", "."],
        format!("{zero} {head} refs/heads/x\n").as_bytes(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
    // JSON for the server's logs: the findings, and the verdict on stderr
    let mut fk = Fake::new(1705);
    t.write("s.env", format!("OPENAI_API_KEY={}\n", key(&mut fk)));
    let new = commit_all(&t, "s");
    // the push is of a commit no ref holds yet
    git(t.path(), &["reset", "-q", "--hard", &head]);
    let r = run_stdin_in(
        t.path(),
        &["scan", "--pre-receive", ".", "--format", "json"],
        format!("{head} {new} refs/heads/main\n").as_bytes(),
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["findings"][0]["path"], "s.env");
    assert!(r.stderr.contains("push rejected"), "{}", r.stderr);
}

/// Over `git daemon` on 127.0.0.1 (receive-pack enabled), the hook refuses the push the same.
#[cfg(unix)]
#[test]
fn a_push_over_git_daemon_is_refused_too() {
    let s = Server::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // git-daemon itself (not the `git daemon` wrapper, whose child would outlive a kill)
    let exec_path = git(s.tree.path(), &["--exec-path"]);
    let mut daemon = Command::new(Path::new(&exec_path).join("git-daemon"))
        .args([
            "--reuseaddr",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            "--export-all",
            "--enable=receive-pack",
            &format!("--base-path={}", s.tree.path().display()),
        ])
        .arg(s.tree.path())
        .env("KEYHOUND_BIN", program())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .spawn()
        .expect("git daemon starts");
    let url = format!("git://127.0.0.1:{port}/server.git");
    // wait until it listens
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut fk = Fake::new(1706);
    s.write("ok.txt", "fine\n");
    s.commit("fine");
    let (ok, err) = s.push(&[&url, "HEAD:main"]);
    assert!(ok, "{err}");
    s.write("prod.env", &format!("OPENAI_API_KEY={}\n", key(&mut fk)));
    s.commit("prod");
    let (ok, err) = s.push(&[&url, "HEAD:main"]);
    daemon.kill().ok();
    daemon.wait().ok();
    assert!(!ok, "{err}");
    assert!(err.contains("prod.env:1:16  openai-project-key"), "{err}");
}

/// A pre-receive hook that was there before is kept (`--force`) and runs first with the same
/// input; keyhound still refuses a leaking push after it.
#[test]
fn a_previous_pre_receive_hook_runs_first() {
    let s = Server::new();
    let hook = s.bare().join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho \"old hook saw $(cat | wc -l) update(s)\" >&2\n").unwrap();
    let r = run_in(s.tree.path(), &["install-hook", "--pre-receive", "server.git"]);
    assert_eq!(r.code, 2, "a different hook is not replaced without --force: {}", r.stdout);
    let r = run_in(s.tree.path(), &["install-hook", "--pre-receive", "--force", "server.git"]);
    assert!(r.stdout.contains("pre-receive.keyhound-backup and runs first"), "{}", r.stdout);
    s.write("a.txt", "a\n");
    s.commit("a");
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(ok && err.contains("old hook saw 1 update(s)"), "{err}");
    s.write("k.env", &format!("OPENAI_API_KEY={}\n", key(&mut Fake::new(1707))));
    s.commit("k");
    let (ok, err) = s.push(&["origin", "HEAD:main"]);
    assert!(!ok && err.contains("old hook saw 1 update(s)") && err.contains("k.env:1:16"), "{err}");
}
