//! Decoding: keys that are base64-, hex-, percent-, escape- or entity-encoded, Kubernetes
//! Secret data, nested encodings; found at the encoded span with the decode chain and the same
//! fingerprint as the key written plain, in directory, stdin, staged and history scans.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::common::{Fake, Tree, run_stdin_in};
use crate::git::git;

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

/// `(rule, path, line, column, decoded chain, fingerprint)` of every finding.
fn findings(j: &serde_json::Value) -> Vec<(String, String, u64, u64, Vec<String>, String)> {
    let mut v: Vec<_> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let chain = f["decoded"]
                .as_array()
                .map_or_else(Vec::new, |a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect());
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                chain,
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn jwt(fake: &mut Fake) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"4242","name":"Jane Roe","iat":1716239022}"#);
    format!("{header}.{payload}.{}", fake.chars(43, crate::common::URLSAFE))
}

#[test]
fn every_encoding_is_found_at_its_span_with_the_plain_fingerprint() {
    let mut fake = Fake::new(0xdec0de);
    let key = fake.openai_project();
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    let escaped: String = key.bytes().map(|b| format!("\\x{b:02x}")).collect();
    let percent = format!("%7B%22key%22%3A%22{key}%22%7D");
    let html: String = key.bytes().map(|b| format!("&#{b};")).collect();
    let t = Tree::new();
    t.write("plain.env", format!("OPENAI_API_KEY={key}\n"))
        .write("ci.yml", format!("env:\n  WRAPPED: {}\n", b64(&key)))
        .write("hex.txt", format!("# dump\nblob = {hex}\n"))
        .write("k.js", format!("const k = \"{escaped}\";\n"))
        .write("cb.txt", format!("\n\nhttps://app.test/cb?state={percent}\n"))
        .write("p.html", format!("<code>{html}</code>\n"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got = findings(&r.json());
    let fp = got.iter().find(|f| f.1 == "plain.env").expect("plain key").5.clone();
    let want = [
        ("cb.txt", 3, 1, "percent"),
        ("ci.yml", 2, 12, "base64"),
        ("hex.txt", 2, 8, "hex"),
        ("k.js", 1, 12, "escape"),
        ("p.html", 1, 7, "html"),
        ("plain.env", 1, 16, ""),
    ];
    let got_short: Vec<(&str, u64, u64, String)> =
        got.iter().map(|f| (f.1.as_str(), f.2, f.3, f.4.join(","))).collect();
    let want_short: Vec<(&str, u64, u64, String)> = want.iter().map(|w| (w.0, w.1, w.2, w.3.to_string())).collect();
    assert_eq!(got_short, want_short);
    assert!(got.iter().all(|f| f.0 == "openai-project-key" && f.5 == fp), "{got:?}");
    // the text report says where it was decoded from, and never shows the key
    let text = t.run(&["scan", "ci.yml"]);
    assert!(text.stdout.contains("decoded from base64"), "{}", text.stdout);
    assert!(!text.stdout.contains(&key));
    // off: only the plain key
    let off = t.run(&["scan", ".", "--format", "json", "--no-decode"]);
    assert_eq!(findings(&off.json()).len(), 1);
}

#[test]
fn wrapped_jwts_nested_encodings_and_the_depth_limit() {
    let mut fake = Fake::new(7);
    let token = jwt(&mut fake);
    let once = b64(&token);
    let twice = b64(&format!("TOKEN={token}"));
    let thrice = b64(&b64(&format!("TOKEN={token}")));
    let wrapped: Vec<String> =
        once.as_bytes().chunks(64).map(|c| format!("  {}\n", String::from_utf8_lossy(c))).collect();
    assert!(wrapped.len() >= 3);
    let t = Tree::new();
    t.write("once.yaml", format!("auth: {once}\n"))
        .write("wrapped.yaml", format!("blob: |\n{}next: 1\n", wrapped.concat()))
        .write("twice.txt", format!("x\nV={twice}\n"))
        .write("thrice.txt", format!("V={thrice}\n"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    let got: Vec<(String, String, u64, u64, String)> =
        findings(&r.json()).into_iter().map(|f| (f.0, f.1, f.2, f.3, f.4.join(","))).collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (s("jwt"), s("once.yaml"), 1, 7, s("base64")),
            (s("jwt"), s("thrice.txt"), 1, 3, s("base64,base64")),
            (s("jwt"), s("twice.txt"), 2, 3, s("base64")),
            (s("jwt"), s("wrapped.yaml"), 2, 3, s("base64")),
        ]
    );
    // depth 1: the doubly encoded one is out of reach
    let r = t.run(&["scan", "thrice.txt", "--format", "json", "--max-decode-depth", "1"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn kubernetes_secret_data_short_values_are_decoded() {
    let pw = Fake::new(11).chars(12, crate::common::ALNUM);
    let t = Tree::new();
    t.write(
        "secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: {}\n  password: {}\n",
            b64("admin"),
            b64(&pw)
        ),
    )
    .write("plain.yaml", format!("password: {pw}\n"));
    let r = t.run(&["scan", ".", "--format", "json"]);
    let got = findings(&r.json());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[1].1.as_str(), got[1].2, got[1].3, got[1].4.join(",")), ("secret.yaml", 8, 13, "base64".into()));
    assert_eq!(got[0].5, got[1].5, "decoded and plain password are one secret");
}

#[test]
fn stdin_staged_and_history_scans_decode() {
    let key = Fake::new(99).openai_project();
    let line = format!("value: {}\n", b64(&key));
    let t = Tree::new();
    let r = run_stdin_in(t.path(), &["scan", "-", "--format", "json"], line.as_bytes());
    let got = findings(&r.json());
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.as_str(), got[0].2, got[0].4.join(",")), ("openai-project-key", 1, "base64".into()));

    git(t.path(), &["init", "-q", "-b", "main"]);
    t.write("a.txt", "first\n");
    git(t.path(), &["add", "a.txt"]);
    git(t.path(), &["commit", "-qm", "first"]);
    t.write("a.txt", format!("first\n{line}"));
    git(t.path(), &["add", "a.txt"]);
    let staged = t.run(&["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    let got = findings(&staged.json());
    assert_eq!((got[0].1.as_str(), got[0].2, got[0].4.join(",")), ("a.txt", 2, "base64".into()));
    git(t.path(), &["commit", "-qm", "second"]);
    let hist = t.run(&["scan", "--git", ".", "--format", "json"]);
    let got = findings(&hist.json());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].1.as_str(), got[0].2, got[0].4.join(",")), ("a.txt", 2, "base64".into()));
    assert_eq!(hist.json()["stats"]["decoded_spans"].as_u64().map(|n| n >= 1), Some(true));
}

#[test]
fn encrypted_files_are_counted_not_reported_and_bomless_utf16_is_read() {
    let mut fake = Fake::new(5);
    let key = fake.openai_project();
    let cipher = fake.chars(64, crate::common::HEX);
    let t = Tree::new();
    t.write("group_vars/vault.yml", format!("$ANSIBLE_VAULT;1.1;AES256\n{cipher}\n{cipher}\n"))
        .write(
            "secrets.enc.yaml",
            format!(
                "api_token: ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]\nsops:\n    mac: ENC[AES256_GCM,data:{}]\n    version: 3.9.0\n",
                fake.chars(40, crate::common::ALNUM),
                fake.chars(22, crate::common::ALNUM),
                fake.chars(22, crate::common::ALNUM),
                fake.chars(40, crate::common::ALNUM)
            ),
        )
        .write("conf.ini", format!("[a]\r\nkey={key}\r\n").encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>());
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    let got = findings(&j);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str(), got[0].2, got[0].3), ("openai-project-key", "conf.ini", 2, 5));
    assert_eq!(j["stats"]["skipped"]["encrypted"]["files"], 2, "{}", j["stats"]);
}

#[test]
fn notebook_findings_name_their_cell_in_sources_and_outputs() {
    let mut fake = Fake::new(17);
    let (a, b) = (fake.openai_project(), fake.openai_project());
    let nb = format!(
        r##"{{
 "cells": [
  {{
   "cell_type": "markdown",
   "metadata": {{}},
   "source": ["# Setup\n"]
  }},
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [],
   "source": ["import os\n", "os.environ[\"OPENAI_API_KEY\"] = \"{a}\"\n"]
  }},
  {{
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {{}},
   "outputs": [{{"name": "stdout", "output_type": "stream", "text": ["key loaded: {b}\n"]}}],
   "source": ["print(key)\n"]
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"##
    );
    let t = Tree::new();
    t.write("analysis.ipynb", nb);
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    let cells: Vec<(u64, u64)> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["notebook_cell"].as_u64().unwrap()))
        .collect();
    assert_eq!(cells, [(13, 2), (19, 3)]);
}

/// A provider token written plainly inside escaped JSON (`"{\"token\":\"ghp_…\"}"`) is also in
/// what the escapes decode to; decoding must not lose it: the plain finding stays, once, with
/// no decode chain (the decoded copy is the same secret).
#[test]
fn a_token_written_plainly_inside_escaped_json_is_reported_once_as_written() {
    let mut fake = Fake::new(0x150e);
    let pat = fake.github("ghp_");
    let t = Tree::new();
    t.write(
        "events.json",
        format!("[\n  {{\"id\": 2, \"payload\": \"{{\\\"token\\\":\\\"{pat}\\\",\\\"user\\\":\\\"ci\\\"}}\"}}\n]\n"),
    );
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got: Vec<(String, String, u64, Vec<String>)> =
        findings(&r.json()).into_iter().map(|f| (f.0, f.1, f.2, f.4)).collect();
    assert_eq!(got, [("github-pat-classic".to_string(), "events.json".to_string(), 2, Vec::<String>::new())]);
}

/// A mail whose body is quoted-printable, under a header capitalised as mail clients write it
/// (`Quoted-Printable`), with the key cut by a soft line break and its `=` escaped: the key is
/// found whole, decoded, and reported at the line it starts on; without decoding only a
/// fragment of it would be seen.
#[test]
fn a_quoted_printable_mail_body_is_decoded_whatever_the_header_case() {
    let mut fake = Fake::new(0x9e1);
    let key = fake.openai_project();
    let (head, tail) = key.split_at(60);
    let mail = format!(
        "From: ops@mail.test\nSubject: keys\nContent-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: Quoted-Printable\n\nHere is the new key:\n\
         OPENAI_API_KEY=3D{head}=\n{tail}\nBye\n"
    );
    let t = Tree::new();
    t.write("mail.eml", &mail);
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got: Vec<(String, String, u64, Vec<String>)> =
        findings(&r.json()).into_iter().map(|f| (f.0, f.1, f.2, f.4)).collect();
    assert_eq!(
        got,
        [("openai-project-key".to_string(), "mail.eml".to_string(), 7, vec!["quoted-printable".to_string()])]
    );
}
