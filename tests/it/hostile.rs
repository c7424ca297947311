//! Hostile input and faults: odd files, paths and devices, huge and deep inputs, broken rules
//! and configuration, output that cannot be written, interruption, and redaction everywhere.
//!
//! Big cases run at a size that keeps the suite fast; `KEYHOUND_BIG_TESTS=1` runs them at full
//! size (a 200 MB line, a 50,000-file commit).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Fake, Tree, program, summary};

fn f(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

/// Whether the full-size variants of the big cases run.
pub(crate) fn big() -> bool {
    std::env::var_os("KEYHOUND_BIG_TESTS").is_some_and(|v| v == "1")
}

/// Whether the tests run as root (who can read files whatever their mode).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs keyhound in `cwd`; kills it and fails if it takes longer than `limit`.
fn run_limited(cwd: &Path, args: &[&str], limit: Duration) -> crate::common::Run {
    let mut child = Command::new(program())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("keyhound {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn empty_and_nul_padded_files_are_scanned() {
    let t = Tree::new();
    let mut fk = Fake::new(200);
    let (a, b, c) = (fk.generic(), fk.generic(), fk.generic());
    t.write("empty.txt", "");
    // preallocated / crash-padded: text, then NULs to the end
    t.write("padded.log", [format!("API_KEY={a}\n").into_bytes(), vec![0; 4096]].concat());
    // truncated under a writer that keeps its offset (copytruncate): a NUL hole, then text
    t.write("holed.log", [vec![0; 20_000], format!("\nAPI_KEY={b}\n").into_bytes()].concat());
    // a NUL inside the text is binary
    t.write("mixed.bin", [b"x\0y\n".to_vec(), format!("API_KEY={c}\n").into_bytes()].concat());
    t.write("zeros.bin", vec![0; 100]);
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "holed.log", 2, 9), f("generic-api-key", "padded.log", 1, 9)]);
    assert_eq!(j["stats"]["files_scanned"], 3, "{}", j["stats"]);
    assert_eq!(j["stats"]["skipped"]["binary"]["files"], 2);
}

#[test]
fn a_secret_at_the_end_of_a_huge_single_line_is_found_at_its_column() {
    let n: usize = if big() { 200_000_000 } else { 20_000_000 };
    let t = Tree::new();
    let key = Fake::new(201).generic();
    let unit = b"var a=1;function f(b){return b+1};";
    let mut body = Vec::with_capacity(n + 64);
    while body.len() < n {
        body.extend_from_slice(unit);
    }
    body.truncate(n);
    body.extend_from_slice(format!("var API_KEY=\"{key}\";").as_bytes());
    std::fs::write(t.path().join("app.min.js"), &body).unwrap();
    drop(body);
    let r = t.run(&["scan", ".", "--format", "json", "--max-file-size", "1G"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    let col = (n + "var API_KEY=\"".len() + 1) as u64;
    assert_eq!(summary(&j), vec![f("generic-api-key", "app.min.js", 1, col)]);
    // the snippet is cut around the secret, not the whole line
    assert!(j["findings"][0]["snippet"].as_str().unwrap().len() < 400);
}

/// A sparse file of 10 GiB (a hole, no data) is not read to its end: its first window is all
/// NULs, so it is counted as binary; over `--max-file-size` it is not opened at all.
#[test]
fn a_sparse_file_is_not_read_to_its_end() {
    let t = Tree::new();
    // sparse: 10 GiB that costs no disk and would take minutes to read
    let big = std::fs::File::create(t.path().join("huge.log")).unwrap();
    big.set_len(10 << 30).unwrap();
    t.write("small.env", format!("API_KEY={}\n", Fake::new(202).generic()));
    for (args, reason) in [(&[][..], "binary"), (&["--max-file-size", "1G"][..], "too_large")] {
        let started = Instant::now();
        let r = t.run(&[&["scan", ".", "--format", "json"][..], args].concat());
        assert!(started.elapsed() < Duration::from_secs(10));
        let j = r.json();
        assert_eq!(summary(&j), vec![f("generic-api-key", "small.env", 1, 9)]);
        assert_eq!(j["stats"]["skipped"][reason]["files"], 1, "{}", j["stats"]);
        assert_eq!(j["stats"]["skipped"][reason]["bytes"], 10u64 << 30);
        assert!(r.stderr.contains(&format!("1 {reason}")), "{}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_counted_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    let mut fk = Fake::new(203);
    t.write("ok.env", format!("API_KEY={}\n", fk.generic()));
    t.write("locked.env", format!("API_KEY={}\n", fk.generic()));
    t.write("closed/inner.env", format!("API_KEY={}\n", fk.generic()));
    let mode =
        |p: &str, m: u32| std::fs::set_permissions(t.path().join(p), std::fs::Permissions::from_mode(m)).unwrap();
    mode("locked.env", 0o000);
    mode("closed", 0o000);
    let r = t.run(&["scan", ".", "--format", "json"]);
    mode("closed", 0o755);
    mode("locked.env", 0o644);
    if is_root() {
        eprintln!("running as root, who reads files whatever their mode: skipping the assertions");
        return;
    }
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "ok.env", 1, 9)]);
    assert_eq!(j["stats"]["skipped"]["unreadable"]["files"], 1, "{}", j["stats"]);
    assert_eq!(j["stats"]["skipped"]["walk_error"]["files"], 1, "{}", j["stats"]);
    assert!(r.stderr.contains("locked.env") && r.stderr.contains("(unreadable)"), "{}", r.stderr);
    assert!(r.stderr.contains("closed") && r.stderr.contains("(walk_error)"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn device_files_given_as_paths_are_skipped_without_reading() {
    let t = Tree::new();
    // /dev/zero never ends and /dev/null is empty: neither is opened, each is a special file
    let r = run_limited(t.path(), &["scan", "/dev/zero", "/dev/null", "--format", "json"], Duration::from_secs(20));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["stats"]["files_scanned"], 0);
    assert_eq!(j["stats"]["skipped"]["special_file"]["files"], 2);
    assert!(r.stderr.contains("skipped 2 special_file"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_with_a_walk_error() {
    let t = Tree::new();
    t.write("a/real.env", format!("API_KEY={}\n", Fake::new(204).generic()));
    std::os::unix::fs::symlink("..", t.path().join("a/up")).unwrap();
    std::os::unix::fs::symlink("self", t.path().join("self")).unwrap();
    let r = run_limited(t.path(), &["scan", ".", "--format", "json", "--follow"], Duration::from_secs(20));
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "a/real.env", 1, 9)]);
    assert_eq!(j["stats"]["skipped"]["walk_error"]["files"], 2, "{}", j["stats"]);
    assert!(r.stderr.contains("a/up") && r.stderr.contains("self"), "{}", r.stderr);
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    assert_eq!(j["stats"]["skipped"]["symlink"]["files"], 2);
}

#[test]
fn a_300_level_deep_tree_is_walked() {
    let t = Tree::new();
    let deep: String = (0..300).map(|i| format!("d{}/", i % 10)).collect();
    t.write(&format!("{deep}deep.env"), format!("API_KEY={}\n", Fake::new(205).generic()));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", &format!("{deep}deep.env"), 1, 9)]);
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_utf8_are_scanned_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(t.path().join(name), format!("API_KEY={}\n", Fake::new(206).generic())).unwrap();
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "caf\u{FFFD}.env", 1, 9)]);
    for fmt in ["text", "sarif", "csv", "junit", "github", "gitlab", "jsonl"] {
        let r = t.run(&["scan", ".", "--format", fmt]);
        assert_eq!(r.code, 1, "{fmt}: {}", r.stderr);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_naming_the_output() {
    let t = Tree::new();
    t.write("a.env", format!("API_KEY={}\n", Fake::new(207).generic()));
    for fmt in ["text", "json", "jsonl", "sarif", "csv"] {
        let r = t.run(&["scan", ".", "--format", fmt, "-o", "/dev/full"]);
        assert_eq!(r.code, 2, "{fmt}: {}", r.stderr);
        assert!(r.stderr.contains("keyhound: error: /dev/full: cannot write report: No space left"), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        let out = Command::new(program())
            .args(["scan", ".", "--format", fmt])
            .current_dir(t.path())
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{fmt}: {err}");
        assert!(err.contains("keyhound: error: standard output: cannot write report: No space left"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_pipe_closed_after_the_first_line_ends_quietly() {
    let t = Tree::new();
    let mut fk = Fake::new(208);
    // enough findings that the text report overflows the pipe buffer after `head` has gone
    let body: String = (0..3000).map(|_| format!("API_KEY={}\n", fk.generic())).collect();
    t.write("many.env", body);
    for fmt in ["text", "json", "sarif"] {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{}' scan . --format {fmt} | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
                program().display()
            ))
            .current_dir(t.path())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{fmt}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("error"), "{fmt}: {err}");
    }
}

/// keyhound has no signal handler: SIGINT's default action ends it at once (status: killed by
/// signal 2), whatever it is doing. The report is written only after the scan, so `-o FILE`
/// is left empty, never a report that looks complete.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_long_scan_promptly_without_a_complete_looking_report() {
    use std::os::unix::process::ExitStatusExt;
    let t = Tree::new();
    // a credential-like name on every line: the assignment recogniser reads each of them
    let line = "const api_key_label = 'lorem ipsum dolor sit amet, consectetur adipiscing elit';\n";
    // 12 × 10 MB: long enough, one thread, to be running after 300 ms on a fast machine
    for i in 0..12 {
        t.write(&format!("src/f{i}.js"), line.repeat(120_000));
    }
    let interrupt = |args: &[&str], stdin: Stdio| {
        // a job started in the background by a non-interactive shell inherits SIGINT ignored
        // (POSIX), and the ignored disposition would survive into keyhound: `env
        // --default-signal=INT` restores the default action Ctrl-C has in a terminal
        let mut child = Command::new("env")
            .arg("--default-signal=INT")
            .arg(program())
            .args(args)
            .current_dir(t.path())
            .stdin(stdin)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(child.try_wait().unwrap().is_none(), "{args:?} ended before the interrupt");
        let sent = Instant::now();
        assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
        loop {
            if let Some(st) = child.try_wait().unwrap() {
                assert_eq!(st.signal(), Some(2), "{st:?}");
                break;
            }
            assert!(sent.elapsed() < Duration::from_secs(2), "{args:?} still running 2 s after SIGINT");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    interrupt(
        &["scan", ".", "-j", "1", "--max-file-size", "100M", "--format", "json", "-o", "report.json"],
        Stdio::null(),
    );
    let report = std::fs::read(t.path().join("report.json")).unwrap_or_default();
    assert!(serde_json::from_slice::<serde_json::Value>(&report).is_err(), "an interrupted scan left a report");
    // blocked reading a standard input that never ends
    interrupt(&["scan", "-"], Stdio::piped());
}

fn rule(id: &str, keywords: &str, regex: &str) -> String {
    format!(
        "[[rules]]\nid = \"{id}\"\nname = \"n\"\nprovider = \"p\"\nseverity = \"high\"\nkeywords = {keywords}\nregex = '''{regex}'''\n\n"
    )
}

#[test]
fn broken_rules_and_configuration_are_clear_errors() {
    let t = Tree::new();
    t.write("src/a.txt", "nothing\n");
    let check = |args: &[&str], needles: &[&str]| {
        let r = run_limited(t.path(), args, Duration::from_secs(60));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("keyhound: error: "), "{args:?}: {}", r.stderr);
        for n in needles {
            assert!(r.stderr.contains(n), "{args:?}: no `{n}` in {}", r.stderr);
        }
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    };
    // a regex whose automaton would be huge: the size limit, not a hang
    t.write("blowup.toml", rule("blow-up", "[\"zz\"]", r"(?P<secret>zz\w{1000}{1000})"));
    check(&["scan", "src", "--rules", "blowup.toml"], &["blowup.toml: rule `blow-up`: regex too large"]);
    t.write("invalid.toml", rule("bad-regex", "[\"zz\"]", r"(?P<secret>zz[a-"));
    check(&["scan", "src", "--rules", "invalid.toml"], &["invalid.toml: rule `bad-regex`: invalid regex"]);
    t.write(
        "dup.toml",
        rule("twice", "[\"zz\"]", "(?P<secret>zz[0-9]{8})") + &rule("twice", "[\"yy\"]", "(?P<secret>yy[0-9]{8})"),
    );
    check(&["scan", "src", "--rules", "dup.toml"], &["dup.toml: rule `twice`: duplicate id"]);
    std::fs::create_dir(t.path().join("empty-rules")).unwrap();
    check(&["scan", "src", "--rules", "empty-rules"], &["empty-rules: directory has no *.toml rule files"]);
    t.write("notrules.toml", "\u{0}\u{1}binary junk [[[\n");
    check(&["scan", "src", "--rules", "notrules.toml"], &["notrules.toml: not a valid rule file"]);
    t.write("bad-config.toml", "this is { not toml\n");
    check(&["scan", "src", "--config", "bad-config.toml"], &["bad-config.toml"]);
    t.write("cfg-rule.toml", rule("cfg-bad", "[\"zz\"]", r"(?P<secret>zz("));
    check(&["scan", "src", "--config", "cfg-rule.toml"], &["cfg-rule.toml", "cfg-bad"]);
    check(&["rules", "check", "blowup.toml"], &["blow-up", "regex too large"]);
}

#[test]
fn a_rule_without_keywords_runs_on_every_blob() {
    let t = Tree::new();
    t.write("any.toml", rule("no-keywords", "[]", r"(?:^|[^0-9])(?P<secret>7[0-9]{15})(?:[^0-9]|$)"));
    t.write("src/a.txt", "first line\nid 7310945826174903 end\n");
    let r = t.run(&["scan", "src", "--rules", "any.toml", "--no-default-rules", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("no-keywords", "a.txt", 2, 4)]);
}

/// Every raw secret value (and second part) of the fixture tree, from `--show-secrets`.
fn fixture_secrets() -> Vec<String> {
    let r =
        crate::common::run(&["scan", "fixtures/tree", "--max-file-size", "64K", "--format", "json", "--show-secrets"]);
    let j = r.json();
    let mut out = Vec::new();
    for fnd in j["findings"].as_array().unwrap() {
        let mut values = vec![fnd["secret"].as_str().unwrap().to_string()];
        for p in fnd["parts"].as_array().into_iter().flatten() {
            values.push(p["secret"].as_str().unwrap().to_string());
        }
        for v in values {
            // multi-line keys: each body line on its own (JSON escapes the line breaks)
            out.extend(v.split(['\n', '\r']).filter(|l| l.len() >= 16 && !l.contains("-----")).map(str::to_string));
        }
    }
    assert!(out.len() >= 40, "{out:?}");
    out
}

#[test]
fn no_output_format_nor_stderr_prints_a_raw_secret() {
    let secrets = fixture_secrets();
    let leaks = |what: &str, text: &str| {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{what} prints the raw secret {}…", &s[..6]);
        }
    };
    let t = Tree::new();
    for fmt in ["text", "json", "jsonl", "sarif", "csv", "junit", "github", "gitlab"] {
        let r = crate::common::run(&["scan", "fixtures/tree", "--max-file-size", "64K", "--format", fmt]);
        assert_eq!(r.code, 1, "{fmt}: {}", r.stderr);
        leaks(&format!("{fmt} (stdout)"), &r.stdout);
        leaks(&format!("{fmt} (stderr)"), &r.stderr);
        let out = t.path().join(format!("report.{fmt}"));
        let r = crate::common::run(&["scan", "fixtures/tree", "--format", fmt, "-o", out.to_str().unwrap()]);
        leaks(&format!("{fmt} (-o)"), &std::fs::read_to_string(&out).unwrap());
        leaks(&format!("{fmt} (-o stderr)"), &r.stderr);
    }
    // --show-secrets is the one way to print them
    let r =
        crate::common::run(&["scan", "fixtures/tree", "--max-file-size", "64K", "--format", "csv", "--show-secrets"]);
    assert!(r.stdout.contains(secrets[0].as_str()), "--show-secrets shows the secret");
    // the audit report of a history holding the same files, and a baseline
    let g = crate::git::repo();
    copy_tree(&crate::common::repo().join("fixtures/tree"), g.path());
    crate::git::commit_all(&g, "fixtures");
    let r = g.run(&["audit", ".", "--report", "evidence", "--max-file-size", "64K"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    leaks("audit (stderr)", &r.stderr);
    for name in ["audit.html", "audit.md", "audit.json"] {
        leaks(name, &std::fs::read_to_string(g.path().join("evidence").join(name)).unwrap());
    }
    let r = g.run(&["scan", "--git", ".", "--format", "sarif", "--max-file-size", "64K"]);
    leaks("history sarif", &r.stdout);
    let r = g.run(&["baseline", "create", "."]);
    leaks("baseline", &(r.stdout + &r.stderr));
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

mod git {
    //! Hostile repositories: missing objects, huge blobs, many refs, huge commits, detached
    //! and unborn HEADs (shallow clones, corrupt objects, submodules and worktrees: `git.rs`).

    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::{big, f};
    use crate::common::{Fake, Tree, summary};
    use crate::git::{commit_all, git, repo};

    #[test]
    fn a_missing_object_is_counted_and_the_rest_is_scanned() {
        let t = repo();
        let mut fk = Fake::new(220);
        t.write("good.env", format!("API_KEY={}\n", fk.generic()));
        t.write("gone.env", format!("API_KEY={}\n", fk.generic()));
        commit_all(&t, "two files");
        let gone = git(t.path(), &["rev-parse", "HEAD:gone.env"]);
        std::fs::remove_file(t.path().join(".git/objects").join(&gone[..2]).join(&gone[2..])).unwrap();
        let r = t.run(&["scan", "--git", ".", "--format", "json"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let j = r.json();
        assert_eq!(summary(&j), vec![f("generic-api-key", "good.env", 1, 9)]);
        assert_eq!(j["stats"]["skipped"]["git_object_error"]["files"], 1);
        assert!(r.stderr.contains(&format!("gone.env (blob {gone})")), "{}", r.stderr);
    }

    #[test]
    fn a_blob_over_the_size_limit_is_too_large_and_not_read() {
        let t = repo();
        let key = Fake::new(221).generic();
        t.write("big.log", format!("{}API_KEY={key}\n", "log line\n".repeat(1000)));
        t.write("small.env", format!("API_KEY={key}\n"));
        commit_all(&t, "big and small");
        let j = t.run(&["scan", "--git", ".", "--format", "json", "--max-file-size", "4K"]).json();
        assert_eq!(summary(&j), vec![f("generic-api-key", "small.env", 1, 9)]);
        assert_eq!(j["stats"]["skipped"]["too_large"]["files"], 1);
        assert_eq!(j["stats"]["skipped"]["too_large"]["bytes"], 9000 + 9 + 40);
    }

    #[test]
    fn a_hundred_thousand_refs() {
        let t = repo();
        t.write("README.md", "clean\n");
        let clean = commit_all(&t, "clean");
        git(t.path(), &["checkout", "-q", "-b", "leak"]);
        t.write("leak.env", format!("API_KEY={}\n", Fake::new(222).generic()));
        commit_all(&t, "leak");
        git(t.path(), &["checkout", "-q", "main"]);
        // in bulk: 100,000 tags on the clean commit in packed-refs (sorted), the leak on one ref
        let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
        for i in 0..100_000 {
            packed.push_str(&format!("{clean} refs/tags/t{i:06}\n"));
        }
        std::fs::write(t.path().join(".git/packed-refs"), packed).unwrap();
        assert_eq!(git(t.path(), &["for-each-ref", "--format=x"]).lines().count(), 100_002);
        let r = super::run_limited(
            t.path(),
            &["scan", "--git", ".", "--format", "json"],
            std::time::Duration::from_secs(120),
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        let j = r.json();
        assert_eq!(summary(&j), vec![f("generic-api-key", "leak.env", 1, 9)]);
        assert_eq!(j["stats"]["commits"], 2);
    }

    #[test]
    fn a_commit_that_changes_thousands_of_files() {
        let n = if big() { 50_000 } else { 5_000 };
        let t = repo();
        let key = Fake::new(223).generic();
        // fast-import: one commit with n distinct small files, one of them holding a secret
        let mut stream =
            String::from("commit refs/heads/main\ncommitter A <a@example.org> 1767268800 +0000\ndata 4\nbulk\n");
        for i in 0..n {
            let body = if i == n / 2 { format!("API_KEY={key}\n") } else { format!("value = {i}\n") };
            stream.push_str(&format!("M 100644 inline d{}/f{i}.txt\ndata {}\n{body}\n", i % 100, body.len()));
        }
        let mut child = Command::new("git")
            .args(["fast-import", "--quiet"])
            .current_dir(t.path())
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success());
        let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
        let path = format!("d{}/f{}.txt", (n / 2) % 100, n / 2);
        assert_eq!(summary(&j), vec![f("generic-api-key", &path, 1, 9)]);
        assert_eq!(j["stats"]["files_scanned"], n);
        // and as a pull-request range from the empty tree's side: the same single commit
        let j = t.run(&["scan", "--git", ".", "--ref", "main", "--format", "json"]).json();
        assert_eq!(j["stats"]["files_scanned"], n);
    }

    #[test]
    fn a_detached_head_and_an_unborn_branch() {
        let t = repo();
        let mut fk = Fake::new(224);
        t.write("a.env", format!("API_KEY={}\n", fk.generic()));
        commit_all(&t, "a");
        // a commit on a detached HEAD is reachable from no branch, only from HEAD
        git(t.path(), &["checkout", "-q", "--detach"]);
        t.write("detached.env", format!("API_KEY={}\n", fk.generic()));
        commit_all(&t, "detached");
        let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
        assert_eq!(summary(&j), vec![f("generic-api-key", "a.env", 1, 9), f("generic-api-key", "detached.env", 1, 9)]);
        // HEAD on a branch that has no commit yet, while other refs have history
        let detached = git(t.path(), &["rev-parse", "HEAD"]);
        git(t.path(), &["branch", "keep", &detached]);
        git(t.path(), &["checkout", "-q", "--orphan", "fresh"]);
        let r = t.run(&["scan", "--git", ".", "--format", "json"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(summary(&r.json()).len(), 2);
        // the staged scan of the unborn branch: everything in the index is added
        let r = t.run(&["scan", "--staged", "--format", "json"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(summary(&r.json()).len(), 2);
        // an empty repository on an unborn branch with no ref at all
        let e = Tree::new();
        git(e.path(), &["init", "-q", "-b", "nothing-yet"]);
        let r = e.run(&["scan", "--git", ".", "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}
