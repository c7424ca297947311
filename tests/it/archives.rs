//! Archives: members scanned as `outer!inner` in directory, staged and history scans; bounds
//! and broken archives counted and warned about, never silent.

use crate::common::{Fake, Tree, gz, tar_of, zip_of};
use crate::git::git;

/// `(rule, path, line)` of every finding, sorted.
fn found(j: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().into(), f["path"].as_str().unwrap().into(), f["line"].as_u64().unwrap()))
        .collect();
    v.sort();
    v
}

fn f(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.into(), path.into(), line)
}

#[test]
fn members_of_nested_archives_are_scanned_with_their_inner_paths() {
    let key = Fake::new(31).openai_project();
    let env = format!("A=1\nOPENAI_API_KEY={key}\n");
    let jar =
        zip_of(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("application.properties", env.as_bytes())]);
    let tgz = gz(&tar_of(&[("lib/app.jar", &jar), ("README", b"nothing here\n")]));
    let t = Tree::new();
    t.write("dist/app.jar", &jar).write("release.tgz", &tgz);
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(
        found(&j),
        [
            f("openai-project-key", "dist/app.jar!application.properties", 2),
            f("openai-project-key", "release.tgz!lib/app.jar!application.properties", 2),
        ]
    );
    assert_eq!(j["stats"]["archives"], 2);
    // members are files scanned: 2 in the jar, 3 under the tgz (README + the jar's 2)
    assert_eq!(j["stats"]["files_scanned"], 5);
    // SARIF carries the inner path in the artifact URI
    let s = t.run(&["scan", "dist", "--format", "sarif"]);
    assert!(s.stdout.contains("app.jar!application.properties"), "{}", s.stdout);
    // off: archives are binary files
    let off = t.run(&["scan", ".", "--format", "json", "--no-archives"]);
    assert_eq!(off.code, 0);
    assert_eq!(off.json()["stats"]["skipped"]["binary"]["files"], 2);
}

#[test]
fn bombs_and_broken_archives_are_counted_and_warned_about() {
    let zeros = vec![0u8; 30 << 20];
    let bomb = zip_of(&[("zeros.txt", &zeros)]);
    let mut nested = zip_of(&[("k.env", b"K=1\n")]);
    for i in 0..4 {
        nested = zip_of(&[(&format!("n{i}.zip"), &nested)]);
    }
    let good = zip_of(&[("a.txt", b"hello\n")]);
    let t = Tree::new();
    t.write("bomb.zip", &bomb).write("42.zip", &nested).write("cut.zip", &good[..good.len() - 30]);
    let r = t.run(&["scan", ".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let skipped = &r.json()["stats"]["skipped"];
    // the bomb's member expands more than 1000-fold; 42.zip nests too deep
    assert_eq!(skipped["archive_limit"]["files"], 2, "{skipped}");
    assert_eq!(skipped["archive_error"]["files"], 1, "{skipped}");
    assert!(r.stderr.contains("bomb.zip!zeros.txt: "), "{}", r.stderr);
    // a member over --max-file-size is too large
    let capped = t.run(&["scan", "bomb.zip", "--format", "json", "--max-file-size", "25M"]);
    assert_eq!(capped.json()["stats"]["skipped"]["too_large"]["files"], 1, "{}", capped.stdout);
    assert!(
        r.stderr.contains("42.zip!n3.zip!n2.zip: an archive nested deeper than --max-archive-depth 2"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("cut.zip: invalid Zip archive: no end of central directory record (truncated, or not a zip)"),
        "{}",
        r.stderr
    );
    // deeper on request
    let deep = t.run(&["scan", "42.zip", "--format", "json", "--max-archive-depth", "5"]);
    assert_eq!(deep.json()["stats"]["files_scanned"], 1);
}

#[test]
fn staged_and_history_scans_open_committed_archives() {
    let key = Fake::new(32).openai_project();
    let zip = zip_of(&[("conf/prod.env", format!("OPENAI_API_KEY={key}\n").as_bytes())]);
    let t = Tree::new();
    git(t.path(), &["init", "-q", "-b", "main"]);
    t.write("README", "x\n");
    git(t.path(), &["add", "README"]);
    git(t.path(), &["commit", "-qm", "first"]);
    t.write("bundle.zip", &zip);
    git(t.path(), &["add", "bundle.zip"]);
    let staged = t.run(&["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    assert_eq!(found(&staged.json()), [f("openai-project-key", "bundle.zip!conf/prod.env", 1)]);
    git(t.path(), &["commit", "-qm", "add bundle"]);
    git(t.path(), &["rm", "-q", "bundle.zip"]);
    git(t.path(), &["commit", "-qm", "remove bundle"]);
    let hist = t.run(&["scan", "--git", ".", "--format", "json"]);
    let j = hist.json();
    assert_eq!(found(&j), [f("openai-project-key", "bundle.zip!conf/prod.env", 1)]);
    assert_eq!(j["findings"][0]["commit"]["summary"], "add bundle");
    assert_eq!(j["findings"][0]["present_at_head"], false);
}
