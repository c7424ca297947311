//! `keyhound audit`: a throwaway repository with a known history, audited; the JSON checked
//! value by value and against its JSON Schema, the Markdown inventory, redaction in all three
//! forms, and the HTML page rendered by headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{ALNUM, Fake, Tree, builtin_rule_count, repo as source_root};
use crate::git::{commit_all, git, git_as, repo};

/// The audited repository and what the test knows about it.
struct Known {
    t: Tree,
    /// OpenAI key: added in commit 1 by Ann, removed in commit 3.
    removed: String,
    /// Generic key: added in commit 2 by Bob, still at HEAD.
    kept: String,
    /// Generic key with `keyhound:allow` on its line.
    allowed: String,
    /// In the remote URL, which reports must strip.
    password: String,
    commits: [String; 3],
}

const BOB: (&str, &str) = ("Bob Builder", "bob@example.org");

fn commit_as(t: &Tree, who: (&str, &str), msg: &str) -> String {
    git_as(t.path(), who.0, who.1, &["add", "-A"]);
    git_as(t.path(), who.0, who.1, &["commit", "-q", "-m", msg]);
    git(t.path(), &["rev-parse", "HEAD"])
}

fn known_history() -> Known {
    let t = repo();
    let mut fk = Fake::new(90);
    let (removed, kept, allowed) = (fk.openai_project(), fk.generic(), fk.generic());
    t.write("README.md", "service\n");
    t.write("config/openai.env", format!("OPENAI_API_KEY={removed}\n"));
    git_as(t.path(), "Ann Author", "ann@example.org", &["add", "-A"]);
    git_as(t.path(), "Ann Author", "ann@example.org", &["commit", "-q", "-m", "add config"]);
    let c1 = git(t.path(), &["rev-parse", "HEAD"]);
    // a path that would be markup if printed raw
    t.write("src/app<b>x</b>.py", format!("api_key = \"{kept}\"\n"));
    t.write("tests/fixture.py", format!("secret_key = \"{allowed}\"  # keyhound:allow\n"));
    let c2 = commit_as(&t, BOB, "add app");
    std::fs::remove_file(t.path().join("config/openai.env")).unwrap();
    let c3 = commit_as(&t, BOB, "remove the key");
    let password = fk.chars(16, ALNUM);
    git(t.path(), &["remote", "add", "origin", &format!("https://deploy:{password}@git.example.com/acme/app.git")]);
    Known { t, removed, kept, allowed, password, commits: [c1, c2, c3] }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn entry<'a>(j: &'a Value, list: &str, provider_or_path: &str) -> &'a Value {
    j[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["provider"] == provider_or_path
                || e["locations"].as_array().unwrap().iter().any(|l| l["path"] == provider_or_path)
        })
        .unwrap_or_else(|| panic!("no {list} entry for {provider_or_path}: {j:#}"))
}

pub(crate) fn validate(j: &Value) {
    let schema: Value =
        serde_json::from_str(&read(&source_root().join("fixtures/schema/keyhound-audit.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(j).map(|e| format!("{e} at {}", e.instance_path)).collect();
    assert!(errors.is_empty(), "audit JSON schema errors:\n{}", errors.join("\n"));
}

#[test]
fn an_audit_reports_each_secret_with_its_history_and_redacts_everything() {
    let k = known_history();
    let [c1, c2, c3] = &k.commits;
    let r = k.t.run(&["audit", ".", "--report", "evidence"]);
    assert_eq!(r.code, 1, "fail exits 1 like scan: {}", r.stderr);
    assert!(
        r.stderr.contains("keyhound: audit FAIL: 2 distinct secret(s) (1 still present), 1 suppressed"),
        "{}",
        r.stderr
    );
    let dir = k.t.path().join("evidence");
    let (html, md, json) = (read(&dir.join("audit.html")), read(&dir.join("audit.md")), read(&dir.join("audit.json")));
    for (name, text) in [("html", &html), ("md", &md), ("json", &json)] {
        for s in [&k.removed, &k.kept, &k.allowed] {
            assert!(!text.contains(s.as_str()), "audit.{name} holds a raw secret");
        }
        assert!(!text.contains(&k.password), "audit.{name} holds the remote's credentials");
    }
    let j: Value = serde_json::from_str(&json).unwrap();
    validate(&j);

    assert_eq!(j["version"], 2);
    assert_eq!(j["result"]["verdict"], "fail");
    assert_eq!(j["result"]["secrets"], 2);
    assert_eq!(j["result"]["still_present"], 1);
    assert_eq!(j["result"]["suppressed_secrets"], 1);
    assert_eq!(j["secrets_shown"], false);

    let s = &j["scope"];
    assert_eq!(s["commits"], 3);
    assert_eq!(s["head"], c3.as_str());
    assert_eq!(s["branch"], "main");
    assert_eq!(s["remote_url"], "https://git.example.com/acme/app.git");
    assert_eq!(s["refs"], serde_json::json!([{ "name": "refs/heads/main", "commit": c3 }]));
    assert_eq!(s["commit_range"]["first"]["id"], c1.as_str());
    assert_eq!(s["commit_range"]["last"]["id"], c3.as_str());
    assert_eq!(s["history"]["scanned"], 4, "README, openai.env, app.py, fixture.py: each unique blob once");
    assert!(s["history"]["bytes"].as_u64().unwrap() > 200);
    assert_eq!(s["working_tree"]["scanned"], 3);
    assert_eq!(s["rules"]["count"], builtin_rule_count());
    assert_eq!(s["rules"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(s["min_confidence"], "medium");
    assert_eq!(s["max_file_size"], 256 << 20);
    assert!(s["started_at"].as_str().unwrap().ends_with("+00:00"));

    // inventory: most severe first
    let inv = j["inventory"].as_array().unwrap();
    assert_eq!(inv.len(), 2);
    assert_eq!(inv[0]["provider"], "OpenAI");
    let gone = entry(&j, "inventory", "OpenAI");
    assert_eq!(gone["severity"], "high");
    assert_eq!(gone["first_commit"]["id"], c1.as_str());
    assert_eq!(gone["first_commit"]["author"], "Ann Author");
    assert_eq!(gone["first_commit"]["email"], "ann@example.org");
    assert_eq!(gone["first_commit"]["date"], "2026-03-01T12:00:00+00:00");
    assert_eq!(gone["last_commit"]["id"], c2.as_str(), "last present in commit 2; removed in commit 3");
    assert_eq!(gone["commits_present"], 2);
    assert_eq!(gone["in_head"], false);
    assert_eq!(gone["in_working_tree"], false);
    assert_eq!(gone["secret"], format!("{}…", &k.removed[..8]));
    assert_eq!(gone["locations"].as_array().unwrap().len(), 1);
    assert_eq!(gone["locations"][0]["path"], "config/openai.env");
    assert_eq!(gone["locations"][0]["commit"], c1.as_str());
    let action = gone["action"].as_str().unwrap();
    assert!(action.starts_with("Revoke and rotate it now: "), "{action}");
    assert!(action.contains(gone["revoke"].as_str().unwrap()), "the rule's revoke guidance: {action}");
    assert!(action.contains("no longer in HEAD"), "{action}");

    let here = entry(&j, "inventory", "src/app<b>x</b>.py");
    assert_eq!(here["rule"], "generic-api-key");
    assert_eq!(here["first_commit"]["id"], c2.as_str());
    assert_eq!(here["first_commit"]["author"], "Bob Builder");
    assert_eq!(here["last_commit"]["id"], c3.as_str());
    assert_eq!(here["in_head"], true);
    assert_eq!(here["in_working_tree"], true);
    let sources: Vec<&str> =
        here["locations"].as_array().unwrap().iter().map(|l| l["source"].as_str().unwrap()).collect();
    assert_eq!(sources, vec!["history", "working_tree"]);
    assert!(here["action"].as_str().unwrap().contains("Rotate before removing"));

    let allowed = entry(&j, "suppressed", "tests/fixture.py");
    assert_eq!(allowed["suppression"], serde_json::json!(["inline `keyhound:allow` comment"]));
    assert_eq!(allowed["first_commit"]["id"], c2.as_str());
    assert!(allowed["action"].as_str().unwrap().starts_with("None if the suppression is right."));

    assert_eq!(
        j["summary"]["by_severity"][0],
        serde_json::json!({"severity": "critical", "secrets": 0, "still_present": 0})
    );
    assert_eq!(
        j["summary"]["by_severity"][1],
        serde_json::json!({"severity": "high", "secrets": 1, "still_present": 0})
    );
    assert_eq!(
        j["summary"]["by_severity"][2],
        serde_json::json!({"severity": "medium", "secrets": 1, "still_present": 1})
    );
    let providers: Vec<&str> =
        j["summary"]["by_provider"].as_array().unwrap().iter().map(|p| p["provider"].as_str().unwrap()).collect();
    assert_eq!(providers, vec!["OpenAI", "Generic"]);

    // Markdown: summary first, then the inventory rows, escaped
    let at = |needle: &str| md.find(needle).unwrap_or_else(|| panic!("audit.md lacks {needle}:\n{md}"));
    assert!(md.starts_with(&format!("# keyhound audit: {}", k.t.path().file_name().unwrap().to_string_lossy())));
    assert!(at("**Result: FAIL**") < at("## Summary"));
    assert!(at("## Summary") < at("## Inventory"));
    assert!(md.contains("| OpenAI | 1 | 0 | high |"), "{md}");
    let row1 = format!(
        "| 1 | high | OpenAI | openai-project-key | {} | `{}` | `{}` Ann Author (2026-03-01T12:00:00+00:00) | `{}` Bob Builder (2026-03-01T12:00:00+00:00) | no | 1 |",
        gone["secret"].as_str().unwrap(),
        gone["fingerprint"].as_str().unwrap(),
        &c1[..12],
        &c2[..12]
    );
    assert!(md.contains(&row1), "missing row {row1}\n{md}");
    assert!(md.contains("| 2 | medium | Generic | generic-api-key | "), "{md}");
    assert!(md.contains("src/app&lt;b&gt;x&lt;/b&gt;.py"), "paths are escaped: {md}");
    assert!(
        md.contains(&format!(
            "- Last commit present: `{}` Bob Builder (2026-03-01T12:00:00+00:00) (in 2 commits)",
            &c2[..12]
        )),
        "{md}"
    );
    assert!(md.contains("inline \\`keyhound:allow\\` comment"), "{md}");

    // --show-secrets: the values are there
    let r = k.t.run(&["audit", ".", "--report", "shown.json", "--show-secrets"]);
    assert_eq!(r.code, 1);
    let shown: Value = serde_json::from_str(&read(&k.t.path().join("shown.json"))).unwrap();
    validate(&shown);
    assert_eq!(shown["secrets_shown"], true);
    assert_eq!(entry(&shown, "inventory", "OpenAI")["secret"], k.removed.as_str());
    let r = k.t.run(&["audit", ".", "--report", "shown.md", "--show-secrets"]);
    assert_eq!(r.code, 1);
    assert!(read(&k.t.path().join("shown.md")).contains(&k.kept));
}

#[test]
fn a_clean_repository_passes_and_a_bare_one_has_no_working_tree() {
    let t = repo();
    t.write("README.md", "nothing to see\n");
    commit_all(&t, "init");
    let r = t.run(&["audit", ".", "--report", "out/audit.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: Value = serde_json::from_str(&read(&t.path().join("out/audit.json"))).unwrap();
    validate(&j);
    assert_eq!(j["result"]["verdict"], "pass");
    assert_eq!(j["inventory"], serde_json::json!([]));
    assert!(!t.path().join("out/audit.html").exists(), "a file gets one form");

    let bare = Tree::new();
    let url = format!("file://{}", t.path().display());
    git(bare.path(), &["clone", "-q", "--bare", &url, "b.git"]);
    let r = bare.run(&["audit", "b.git", "--report", "b.md"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = read(&bare.path().join("b.md"));
    assert!(md.contains("| working tree | no working tree (bare repository) |"), "{md}");
    assert!(md.contains("**Result: PASS**"), "{md}");

    let r = t.run(&["audit", ".", "--report", "x.pdf"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown report extension"), "{}", r.stderr);
    let help = t.run(&["audit", "--help"]);
    assert!(help.stdout.contains("keyhound audit . --report evidence/"), "{}", help.stdout);
    let plain = Tree::new();
    let r = plain.run(&["audit", ".", "--report", "x.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
}

/// Headless Chromium: `KEYHOUND_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KEYHOUND_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let default = PathBuf::from("/usr/bin/chromium");
    if default.is_file() {
        return Some(default);
    }
    let on_path = Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    on_path.then(|| PathBuf::from("chromium"))
}

/// Text content of an HTML fragment: tags dropped, the few entities the report uses decoded,
/// whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    out.replace("&amp;", "&").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of a document from the element with `id` to the end of that element's tag name.
fn element<'a>(dom: &'a str, tag: &str, id: &str) -> &'a str {
    let start = dom.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the DOM"));
    let start = dom[..start].rfind('<').unwrap();
    let end = dom[start..].find(&format!("</{tag}>")).unwrap_or_else(|| panic!("#{id} is not closed"));
    &dom[start..start + end]
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var("KEYHOUND_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
            panic!("KEYHOUND_REQUIRE_CHROMIUM=1 but chromium is not installed (apt-get install -y chromium)");
        }
        eprintln!("skipping the_html_report_renders_in_headless_chromium: chromium is not installed");
        return;
    };
    let k = known_history();
    let r = k.t.run(&["audit", ".", "--report", "report.html"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let page = k.t.path().join("report.html");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .env("HOME", profile.path())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let verdict = text_of(element(&dom, "section", "verdict"));
    assert!(verdict.starts_with("FAIL 2 distinct secret(s) found, 1 still present"), "{verdict}");
    let providers = text_of(element(&dom, "table", "by-provider"));
    assert!(providers.contains("OpenAI 1 0 high"), "{providers}");
    assert!(providers.contains("Generic 1 1 medium"), "{providers}");
    let severities = text_of(element(&dom, "table", "by-severity"));
    assert!(
        severities.starts_with("severity secrets still present critical 0 0 high 1 0 medium 1 1 low 0 0"),
        "{severities}"
    );

    let j: Value = serde_json::from_str(&{
        let r = k.t.run(&["audit", ".", "--report", "report.json"]);
        assert_eq!(r.code, 1);
        read(&k.t.path().join("report.json"))
    })
    .unwrap();
    let gone = entry(&j, "inventory", "OpenAI");
    let fp = gone["fingerprint"].as_str().unwrap();
    let card = text_of(element(&dom, "article", &format!("secret-{fp}")));
    let c1 = &k.commits[0];
    assert!(
        card.contains(&format!(
            "First commit {} Ann Author <ann@example.org>, 2026-03-01T12:00:00+00:00 — add config",
            &c1[..12]
        )),
        "{card}"
    );
    assert!(card.contains("This secret is still in HEAD no"), "{card}");
    assert!(card.contains(&format!("Secret {}", gone["secret"].as_str().unwrap())), "{card}");
    assert!(card.contains("Action required Revoke and rotate it now:"), "{card}");
    let table = text_of(element(&dom, "table", "inventory-table"));
    assert!(
        table.contains(&format!("1 high OpenAI openai-project-key {}", gone["secret"].as_str().unwrap())),
        "{table}"
    );
    // the markup in a file name stays text: no <b> element was created
    assert!(!dom.contains("<b>"), "unescaped markup rendered");
    assert!(text_of(&dom).contains("src/app<b>x</b>.py"));
    for s in [&k.removed, &k.kept, &k.allowed] {
        assert!(!dom.contains(s.as_str()), "the rendered page holds a raw secret");
    }
}
