//! Coming from gitleaks: `gitleaks:allow` comments and `.gitleaksignore` entries are honoured,
//! counted under their own suppression reasons, and a malformed entry names its line.

use crate::common::{Fake, Tree, f, found};
use crate::git::{commit_all, repo};

#[test]
fn gitleaks_allow_comments_and_gitleaksignore_lines_suppress_with_their_reasons() {
    let t = Tree::new();
    let mut fk = Fake::new(171);
    let (a, b, c, d) = (fk.generic(), fk.generic(), fk.generic(), fk.generic());
    t.write("a.py", format!("api_key = \"{a}\"  # gitleaks:allow\nsecret = \"{b}\"\n"));
    t.write("docs/api.md", format!("line one\n\n    token = \"{c}\"\n"));
    t.write("b.env", format!("API_TOKEN={d}\n"));
    let (code, all, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        all,
        vec![f("generic-api-key", "a.py", 2), f("generic-api-key", "b.env", 1), f("generic-api-key", "docs/api.md", 3)]
    );
    // gitleaks' directory-scan form: path:rule:line (the rule id is not compared)
    t.write(".gitleaksignore", "# reviewed with gitleaks\ndocs/api.md:generic-api-key:3\nb.env:some-rule:2\n");
    let r = t.run(&["scan", ".", "--format", "json"]);
    let j = r.json();
    let left: Vec<_> =
        j["findings"].as_array().unwrap().iter().map(|x| x["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(left, vec!["a.py", "b.env"], "b.env:2 is not the finding's line");
    assert_eq!(j["stats"]["suppressed"]["gitleaks_allow"], 1);
    assert_eq!(j["stats"]["suppressed"]["gitleaksignore"], 1);
    // the text summary says which suppressions were used
    let text = t.run(&["scan", "."]);
    assert!(text.stdout.contains("1 gitleaks_allow") && text.stdout.contains("1 gitleaksignore"), "{}", text.stdout);
    t.write(".gitleaksignore", "docs/api.md:generic-api-key:3\nnot an entry\n");
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".gitleaksignore:2: `not an entry` is not a gitleaks fingerprint"), "{}", r.stderr);
}

#[test]
fn gitleaksignore_entries_with_a_commit_hold_only_in_that_commit() {
    let t = repo();
    let mut fk = Fake::new(172);
    let (a, b) = (fk.generic(), fk.generic());
    t.write("app.env", format!("API_SECRET={a}\n"));
    let first = commit_all(&t, "first");
    t.write("app.env", format!("API_SECRET={b}\n"));
    let second = commit_all(&t, "second");
    t.write(".gitleaksignore", format!("{first}:app.env:generic-api-key:1\n"));
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    let commits: Vec<_> =
        j["findings"].as_array().unwrap().iter().map(|x| x["commit"]["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(commits, vec![second.clone()]);
    assert_eq!(j["stats"]["suppressed"]["gitleaksignore"], 1);
    // an abbreviated commit is enough
    t.write(".gitleaksignore", format!("{}:app.env:generic-api-key:1\n", &second[..10]));
    let j = t.run(&["scan", "--git", ".", "--format", "json"]).json();
    let commits: Vec<_> =
        j["findings"].as_array().unwrap().iter().map(|x| x["commit"]["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(commits, vec![first]);
}
