//! `keyhound scan DIR|FILE|-` on temporary trees: exact findings, statistics and exit codes.

use crate::common::{Fake, Tree, run_stdin, summary};

fn f(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

#[test]
fn finds_a_generic_secret_at_its_exact_place() {
    let key = Fake::new(1).generic();
    let t = Tree::new();
    t.write(".env", format!("# settings\nAPI_KEY={key}\nDEBUG=true\n"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", ".env", 2, 9)]);
    let fnd = &j["findings"][0];
    assert_eq!(fnd["end_line"], 2);
    assert_eq!(fnd["end_column"], 9 + 40);
    assert_eq!(fnd["secret"], format!("{}…", &key[..8]));
    assert_eq!(fnd["snippet"], format!("API_KEY={}…", &key[..8]));
    assert_eq!(j["stats"]["files_scanned"], 1);
    assert_eq!(j["stats"]["findings"], 1);
}

#[test]
fn a_clean_tree_exits_zero() {
    let t = Tree::new();
    t.write("src/main.py", "print('hello')\napi_key = os.environ['API_KEY']\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("no leaks found; scanned 1 file"), "{}", r.stdout);
}

#[test]
fn exit_code_can_be_changed() {
    let t = Tree::new();
    t.write("a.env", format!("SECRET_KEY={}\n", Fake::new(2).generic()));
    assert_eq!(t.run(&["scan", "--exit-code", "42", "."]).code, 42);
}

#[test]
fn gitignore_is_honoured_and_hidden_files_are_scanned() {
    let t = Tree::new();
    let mut fk = Fake::new(3);
    t.write(".gitignore", "ignored/\n");
    t.write("ignored/creds.env", format!("TOKEN={}\n", fk.generic()));
    t.write(".env.production", format!("APP_SECRET={}\n", fk.generic()));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", ".env.production", 1, 12)]);
    let r = t.run(&["scan", ".", "--format", "json", "--no-ignore"]);
    assert_eq!(
        summary(&r.json()),
        vec![f("generic-api-key", ".env.production", 1, 12), f("generic-api-key", "ignored/creds.env", 1, 7)]
    );
}

#[test]
fn git_directories_are_never_walked() {
    let t = Tree::new();
    t.write(".git/config", format!("token = {}\n", Fake::new(4).generic()));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["stats"]["files_scanned"], 0);
}

#[test]
fn binary_oversized_and_text_files_are_counted() {
    let t = Tree::new();
    let mut fk = Fake::new(5);
    t.write("bin/blob.so", [b"\x7fELF\x00\x00".as_slice(), format!("api_key={}", fk.generic()).as_bytes()].concat());
    t.write("big.txt", format!("{}\nauth_token = \"{}\"\n", "x = 1\n".repeat(400), fk.generic()));
    t.write("small.txt", "nothing here\n");
    let r = t.run(&["scan", ".", "--format", "json", "--max-file-size", "1K"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = &r.json()["stats"];
    assert_eq!(s["files_scanned"], 1);
    assert_eq!(s["bytes_scanned"], 13);
    assert_eq!(s["skipped"]["binary"]["files"], 1);
    assert_eq!(s["skipped"]["too_large"]["files"], 1);
    assert_eq!(s["skipped"]["too_large"]["bytes"], 2400 + 1 + 14 + 40 + 2);
}

#[test]
fn invalid_utf8_crlf_and_cr_files_keep_exact_lines() {
    let t = Tree::new();
    let mut fk = Fake::new(6);
    let (a, b, c) = (fk.generic(), fk.generic(), fk.generic());
    t.write("latin1.txt", [b"caf\xe9 \xff\xfe\n".as_slice(), format!("secret = \"{a}\"\n").as_bytes()].concat());
    t.write("crlf.ini", format!("[x]\r\nname=1\r\npassword={b}\r\n"));
    t.write("cr.cfg", format!("a=1\rb=2\rc=3\rtoken: {c}\r"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(
        summary(&r.json()),
        vec![
            f("generic-api-key", "cr.cfg", 4, 8),
            f("generic-api-key", "crlf.ini", 3, 10),
            f("generic-api-key", "latin1.txt", 2, 11),
        ]
    );
}

#[test]
fn stdin_is_scanned_as_one_blob() {
    let key = Fake::new(7).generic();
    let r = run_stdin(&["scan", "-", "--format", "json"], format!("one\nclient_secret: {key}\n").as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "-", 2, 16)]);
}

#[test]
fn a_single_file_path_is_reported_as_given() {
    let t = Tree::new();
    t.write("conf/app.yaml", format!("db:\n  password: {}\n", Fake::new(8).generic()));
    let r = t.run(&["scan", "conf/app.yaml", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("generic-api-key", "conf/app.yaml", 2, 13)]);
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let t = Tree::new();
    let r = t.run(&["scan", "does-not-exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("keyhound: error: does-not-exist: cannot scan:"), "{}", r.stderr);
}

#[test]
fn config_allowlist_suppresses_and_counts() {
    let t = Tree::new();
    let mut fk = Fake::new(9);
    t.write(".keyhound.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n");
    t.write("fixtures/sample.env", format!("API_KEY={}\n", fk.generic()));
    t.write("app.env", format!("API_KEY={}\n", fk.generic()));
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "app.env", 1, 9)]);
    assert_eq!(j["suppressed"][0]["path"], "fixtures/sample.env");
    assert_eq!(j["suppressed"][0]["suppression"]["kind"], "path_allowlist");
    assert_eq!(j["stats"]["suppressed"]["path_allowlist"], 1);
}

#[test]
fn a_config_with_an_unknown_key_is_an_error_naming_file_and_key() {
    let t = Tree::new();
    t.write(".keyhound.toml", "[allowlist]\npath = [\"x\"]\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".keyhound.toml") && r.stderr.contains("unknown field `path`"), "{}", r.stderr);
}

#[test]
fn user_rules_extend_the_builtin_set() {
    let t = Tree::new();
    t.write(
        "acme.toml",
        r#"[[rules]]
id = "acme-key"
name = "ACME key"
provider = "ACME"
severity = "high"
keywords = ["acme_"]
regex = '(?:^|[^a-z0-9_])(?P<secret>acme_[a-z0-9]{12})(?:[^a-z0-9_]|$)'
"#,
    );
    t.write("src/x.txt", "k = acme_q8zr1lmx0vt4 ;\n");
    let r = t.run(&["scan", "src", "--rules", "acme.toml", "--format", "json"]);
    assert_eq!(summary(&r.json()), vec![f("acme-key", "x.txt", 1, 5)]);
    let r = t.run(&["scan", "src", "--format", "json"]);
    assert_eq!(r.code, 0);
}

#[test]
fn a_broken_user_rule_stops_the_scan_with_file_and_rule() {
    let t = Tree::new();
    t.write("bad.toml", "[[rules]]\nid = \"bad\"\nname = \"b\"\nprovider = \"p\"\nseverity = \"high\"\nkeywords = [\"x\"]\nregex = '(?P<secret>x['\n");
    let r = t.run(&["scan", ".", "--rules", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.toml: rule `bad`: invalid regex"), "{}", r.stderr);
}

#[test]
fn raw_secrets_never_appear_without_show_secrets() {
    let key = Fake::new(10).generic();
    let t = Tree::new();
    t.write("a.env", format!("API_KEY={key}\n"));
    for fmt in ["text", "json", "jsonl", "sarif"] {
        let r = t.run(&["scan", ".", "--format", fmt]);
        assert_eq!(r.code, 1);
        assert!(!r.stdout.contains(&key) && !r.stderr.contains(&key), "{fmt} leaks the secret");
        assert!(!r.stdout.contains(&key[..12]), "{fmt} shows too much of the secret");
    }
    let r = t.run(&["scan", ".", "--format", "json", "--show-secrets"]);
    assert_eq!(r.json()["findings"][0]["secret"], key.as_str());
    assert_eq!(r.json()["findings"][0]["snippet"], format!("API_KEY={key}"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let t = Tree::new();
    let mut fk = Fake::new(11);
    for i in 0..200 {
        t.write(&format!("f{i}.env"), format!("API_KEY={}\n", fk.generic()));
    }
    let prog = crate::common::program();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("'{}' scan . --format jsonl | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"", prog.display()))
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn inline_allow_and_ignore_file_suppress_with_their_reason() {
    let t = Tree::new();
    let mut fk = Fake::new(12);
    let (a, b, c) = (fk.generic(), fk.generic(), fk.generic());
    t.write("a.py", format!("api_key = \"{a}\"  # keyhound:allow test fixture\nsecret = \"{b}\"\ntoken = \"{c}\"\n"));
    let all = t.run(&["scan", ".", "--format", "json"]).json();
    assert_eq!(summary(&all), vec![f("generic-api-key", "a.py", 2, 11), f("generic-api-key", "a.py", 3, 10)]);
    let fp_b = all["findings"][0]["fingerprint"].as_str().unwrap().to_string();
    let fp_c = all["findings"][1]["fingerprint"].as_str().unwrap().to_string();
    t.write(".keyhoundignore", format!("# reviewed\n{fp_b}\n{fp_c} other/path.py\n"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "a.py", 3, 10)]);
    assert_eq!(j["stats"]["suppressed"]["inline"], 1);
    assert_eq!(j["stats"]["suppressed"]["ignore_file"], 1);
    t.write(".keyhoundignore", "not-a-fingerprint\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".keyhoundignore:1: `not-a-fingerprint` is not a fingerprint"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlinks_fifos_and_dangling_links_are_counted_never_followed_silently() {
    let t = Tree::new();
    t.write("real.env", format!("API_KEY={}\n", Fake::new(13).generic()));
    std::os::unix::fs::symlink("real.env", t.path().join("link.env")).unwrap();
    std::os::unix::fs::symlink("missing.env", t.path().join("dangling.env")).unwrap();
    let fifo = t.path().join("pipe");
    let st = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success());
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "real.env", 1, 9)]);
    assert_eq!(j["stats"]["skipped"]["symlink"]["files"], 2);
    assert_eq!(j["stats"]["skipped"]["special_file"]["files"], 1);
    // following links: the live one is scanned, the dangling one is a walk error with a warning
    let r = t.run(&["scan", ".", "--format", "json", "--follow"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "link.env", 1, 9), f("generic-api-key", "real.env", 1, 9)]);
    assert_eq!(j["stats"]["skipped"]["walk_error"]["files"], 1);
    assert!(r.stderr.contains("keyhound: warning:") && r.stderr.contains("dangling.env"), "{}", r.stderr);
}

#[test]
fn github_tokens_with_a_bad_checksum_are_low_confidence() {
    let t = Tree::new();
    // 30 random characters and a checksum that does not match them
    t.write("ci.env", "GH_TOKEN=ghp_q8Zr1LmX0vT4kP9sWb2NcY7uH3jD5fAAAAAB\n");
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["stats"]["suppressed"]["below_min_confidence"], 1);
    let r = t.run(&["scan", ".", "--format", "json", "--min-confidence", "low"]);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("github-pat-classic", "ci.env", 1, 10)]);
    assert_eq!(j["findings"][0]["confidence"], "low");
}

#[test]
fn utf16_files_with_a_bom_are_decoded_and_scanned() {
    let key = Fake::new(14).generic();
    let text = format!("# windows config\r\n$ApiKey = \"{key}\"\r\n");
    let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    let t = Tree::new();
    t.write("le.ps1", le);
    t.write("be.ps1", be);
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "be.ps1", 2, 12), f("generic-api-key", "le.ps1", 2, 12)]);
    assert!(j["stats"]["skipped"].get("binary").is_none());
}
