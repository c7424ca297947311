//! Files larger than a window: read in overlapping windows, found at their exact line and
//! column, counted once; sparse files, UTF-16 and standard input too.

use crate::common::{Fake, Tree, f, run_stdin, summary};

/// Filler text: numbered log lines of one length.
fn log_line(i: usize) -> String {
    format!("2026-12-06T10:00:00Z INFO request {i:>9} served in 12 ms from cache node a\n")
}

/// Log lines up to `bytes` long, and how many lines that is.
fn log_of(bytes: usize) -> (String, usize) {
    let mut text = String::with_capacity(bytes + 128);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&log_line(i));
        i += 1;
    }
    (text, i)
}

fn pem(fk: &mut Fake) -> String {
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let body: Vec<String> = (0..12).map(|_| fk.chars(64, b64)).collect();
    format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n", body.join("\n"))
}

/// A 12 MiB log scanned in 5 MiB windows: a token every 64 KiB and private keys every 7 KiB
/// around the first two window boundaries are each found once at their line and column.
#[test]
fn keys_across_window_boundaries_are_found_once_at_their_place() {
    let mut fk = Fake::new(1601);
    let mut text = String::new();
    let mut line = 1u64;
    let mut want = Vec::new();
    let mut next_token = 0usize;
    let mut next_pem = 3_700_000usize;
    while text.len() < 12 << 20 {
        if text.len() >= next_token {
            let key = fk.openai_project();
            text.push_str(&format!("auth header token {key}\n"));
            want.push(("openai-project-key".to_string(), "big.log".to_string(), line, 19));
            line += 1;
            next_token += 64 << 10;
        }
        let near = |n: usize| (3_700_000..4_400_000).contains(&n) || (7_600_000..8_400_000).contains(&n);
        if text.len() >= next_pem && near(text.len()) {
            text.push_str(&pem(&mut fk));
            want.push(("private-key-rsa".to_string(), "big.log".to_string(), line, 1));
            line += 14;
            next_pem += 7 << 10;
        } else if text.len() >= next_pem {
            next_pem += 7 << 10;
        }
        text.push_str(&log_line(line as usize));
        line += 1;
    }
    let t = Tree::new();
    t.write("big.log", &text);
    let r = t.run(&["scan", ".", "--format", "json", "--window-size", "5M"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    let mut got = summary(&j);
    got.sort();
    want.sort();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    assert_eq!(j["stats"]["files_scanned"], 1);
    assert_eq!(j["stats"]["bytes_scanned"], text.len() as u64);
}

/// Without `--max-file-size`, a file larger than the old 25 MiB default is scanned (default
/// 32 MiB windows): the key near its end is found; with the option it is counted as too large.
#[test]
fn a_big_file_is_scanned_by_default_and_capped_only_on_request() {
    let mut fk = Fake::new(1602);
    let t = Tree::new();
    let (mut text, i) = log_of(40 << 20);
    let key = fk.openai_project();
    text.push_str(&format!("token: {key}\n"));
    t.write("app.log", &text);
    let (code, got, j) = crate::common::found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![f("openai-project-key", "app.log", i as u64 + 1)]);
    assert_eq!(j["stats"]["bytes_scanned"], text.len() as u64);
    let r = t.run(&["scan", ".", "--format", "json", "--max-file-size", "25M"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["stats"]["skipped"]["too_large"]["files"], 1);
}

/// UTF-16 text larger than a window is decoded as it is read; lines are the decoded text's.
#[test]
fn a_big_utf16_file_is_decoded_in_windows() {
    let mut fk = Fake::new(1603);
    let key = fk.openai_project();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 3 << 20 {
        text.push_str(&format!("Einträge {i} — ok\r\n"));
        i += 1;
    }
    text.push_str(&format!("$token = \"{key}\"\r\n"));
    let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert!(bytes.len() > 5 << 20);
    let t = Tree::new();
    t.write("setup.ps1", &bytes);
    let r = t.run(&["scan", ".", "--format", "json", "--window-size", "5M"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(summary(&r.json()), vec![("openai-project-key".into(), "setup.ps1".into(), i as u64 + 1, 11)]);
}

/// Standard input larger than a window is read in windows too.
#[test]
fn big_standard_input_is_read_in_windows() {
    let mut fk = Fake::new(1604);
    let (mut text, i) = log_of(11 << 20);
    let key = fk.openai_project();
    text.push_str(&format!("x {key}\n"));
    let r = run_stdin(&["scan", "-", "--format", "json", "--window-size", "5M"], text.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(summary(&j), vec![("openai-project-key".into(), "-".into(), i as u64 + 1, 3)]);
    assert_eq!(j["stats"]["bytes_scanned"], text.len() as u64);
}

/// A window size below the minimum is refused with the reason.
#[test]
fn a_too_small_window_is_refused() {
    let t = Tree::new();
    t.write("a.txt", "x\n");
    let r = t.run(&["scan", ".", "--window-size", "1M"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--window-size: 1M is smaller than the minimum 5M"), "{}", r.stderr);
}

/// Minified code: one line of 10 KiB, and names with their values deep inside it. Generic
/// name-gated rules read only the bytes around their keyword in a long line; the values are
/// still found, at their exact columns, and nothing else is.
#[test]
fn names_deep_in_a_minified_line_are_found_at_their_columns() {
    let mut fk = Fake::new(1607);
    let key = fk.chars(24, crate::common::ALNUM);
    let password = format!("{}#{}!", fk.chars(6, crate::common::ALNUM), fk.chars(6, crate::common::ALNUM));
    let filler = |text: &mut String, upto: usize, tag: &str| {
        let mut n = text.len();
        while text.len() < upto {
            text.push_str(&format!("function {tag}{n}(a,b){{return a.map(function(x){{return x*{n}+b}})}};"));
            n += 1;
        }
    };
    let mut line = String::new();
    filler(&mut line, 5000, "f");
    let key_at = line.len() + "var cfg={apiKey:\"".len() + 1;
    line.push_str(&format!("var cfg={{apiKey:\"{key}\",url:\"/v1\"}};"));
    filler(&mut line, 9000, "g");
    let password_at = line.len() + "db.connect({user:\"svc\",password:\"".len() + 1;
    line.push_str(&format!("db.connect({{user:\"svc\",password:\"{password}\"}});"));
    filler(&mut line, 10_500, "h");
    line.push('\n');
    let t = Tree::new();
    t.write("dist/app.min.js", &line);
    let r = t.run(&["scan", ".", "--format", "json", "--show-secrets"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let want = vec![
        ("generic-api-key".to_string(), "dist/app.min.js".to_string(), 1, key_at as u64),
        ("password-assignment".to_string(), "dist/app.min.js".to_string(), 1, password_at as u64),
    ];
    assert_eq!(summary(&r.json()), want);
    let secrets: Vec<_> = r.json()["findings"].as_array().unwrap().iter().map(|f| f["secret"].clone()).collect();
    assert_eq!(secrets, [serde_json::json!(key), serde_json::json!(password)]);
}
