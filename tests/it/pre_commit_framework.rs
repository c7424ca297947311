//! keyhound under the real pre-commit framework (from PyPI; `.ci/run` installs it and sets
//! `KEYHOUND_PRE_COMMIT`): `language: system` hooks at the commit and push stages, a real
//! `git push` to a local bare repository. A clean commit and a clean push pass (issue 17,
//! item 2: the framework's empty stdin used to refuse every push); a commit adding a key is
//! blocked, and a push carrying one is refused, naming the file and rule. The manifest
//! `.pre-commit-hooks.yaml` is validated by the framework too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Fake, program, repo as source_root};
use crate::git::{commit_all, git, repo};

fn framework() -> Option<PathBuf> {
    match std::env::var_os("KEYHOUND_PRE_COMMIT") {
        Some(p) if Path::new(&p).is_file() => Some(PathBuf::from(p)),
        _ if std::env::var("KEYHOUND_REQUIRE_PRE_COMMIT").is_ok_and(|v| v == "1") => {
            panic!("KEYHOUND_REQUIRE_PRE_COMMIT=1 but KEYHOUND_PRE_COMMIT names no file")
        }
        _ => None,
    }
}

const CONFIG: &str = "repos:
  - repo: local
    hooks:
      - id: keyhound
        name: keyhound (staged)
        entry: keyhound scan --staged
        language: system
        pass_filenames: false
        always_run: true
        stages: [pre-commit]
      - id: keyhound-pre-push
        name: keyhound (pre-push)
        entry: keyhound scan --pre-push
        language: system
        pass_filenames: false
        always_run: true
        stages: [pre-push]
";

/// Runs a command in `dir` with keyhound first on PATH and the framework's cache in `home`.
fn run(dir: &Path, home: &Path, cmd: &Path, args: &[&str]) -> (i32, String) {
    let bin_dir = program().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("cache"))
        .env("GIT_AUTHOR_NAME", "Pat")
        .env("GIT_AUTHOR_EMAIL", "pat@example.org")
        .env("GIT_COMMITTER_NAME", "Pat")
        .env("GIT_COMMITTER_EMAIL", "pat@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_real_framework_lets_clean_work_through_and_stops_keys() {
    let Some(pc) = framework() else {
        eprintln!("skipping: the pre-commit framework is not installed (KEYHOUND_PRE_COMMIT)");
        return;
    };
    let (code, out) = run(&source_root(), Path::new("/tmp"), &pc, &["validate-manifest", ".pre-commit-hooks.yaml"]);
    assert_eq!(code, 0, "keyhound's hook manifest: {out}");

    let home = tempfile::tempdir().unwrap();
    let bare = tempfile::tempdir().unwrap();
    git(bare.path(), &["init", "-q", "--bare", "-b", "main"]);
    let t = repo();
    t.write("README.md", "app\n");
    t.write(".pre-commit-config.yaml", CONFIG);
    commit_all(&t, "init");
    git(t.path(), &["remote", "add", "origin", &bare.path().display().to_string()]);
    let gitbin = PathBuf::from("git");
    let (code, out) = run(t.path(), home.path(), &gitbin, &["push", "-q", "origin", "main"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(t.path(), home.path(), &pc, &["install", "-t", "pre-commit", "-t", "pre-push"]);
    assert_eq!(code, 0, "{out}");

    // clean work goes through both hooks
    t.write("app.py", "print('hello')\n");
    git(t.path(), &["add", "app.py"]);
    let (code, out) = run(t.path(), home.path(), &gitbin, &["commit", "-q", "-m", "clean"]);
    assert_eq!(code, 0, "a clean commit passes: {out}");
    let (code, out) = run(t.path(), home.path(), &gitbin, &["push", "-q", "origin", "main"]);
    assert_eq!(code, 0, "a clean push passes: {out}");

    // a key: the commit is blocked; committed anyway, the push is refused
    let key = Fake::new(1702).generic();
    t.write("config/.env", format!("API_KEY={key}\n"));
    git(t.path(), &["add", "config/.env"]);
    let (code, out) = run(t.path(), home.path(), &gitbin, &["commit", "-q", "-m", "leak"]);
    assert_ne!(code, 0, "the commit must be blocked: {out}");
    assert!(out.contains("config/.env") && out.contains("generic-api-key"), "{out}");
    assert!(!out.contains(&key), "the secret is redacted: {out}");
    let (code, out) = run(t.path(), home.path(), &gitbin, &["commit", "-q", "--no-verify", "-m", "leak"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(t.path(), home.path(), &gitbin, &["push", "-q", "origin", "main"]);
    assert_ne!(code, 0, "the push must be refused: {out}");
    assert!(out.contains("config/.env") && out.contains("generic-api-key"), "{out}");
    let remote_head = git(bare.path(), &["rev-parse", "main"]);
    assert_ne!(remote_head, git(t.path(), &["rev-parse", "HEAD"]), "nothing was pushed");
}
