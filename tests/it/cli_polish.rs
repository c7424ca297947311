//! What a new user meets in a terminal (issue 17, item 8): git errors said once and without
//! libgit2's internal codes, a flood of warnings capped with a count, `rules show` for one
//! rule's revoke guidance, what to do after a scan that found something, and URLs redacted to
//! what names the service.

use crate::common::{Fake, Tree, run};
use crate::git::{commit_all, git, repo};

#[test]
fn git_errors_are_said_once_without_internal_codes() {
    let t = Tree::new();
    let r = t.run(&["scan", "--git", "."]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.matches("could not find repository").count(), 1, "{}", r.stderr);
    assert!(!r.stderr.contains("class="), "{}", r.stderr);
    let g = repo();
    commit_all(&g, "empty");
    let r = g.run(&["scan", "--git", ".", "--ref", "no-such-branch"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown ref `no-such-branch`"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("not found").count(), 1, "{}", r.stderr);
    assert!(!r.stderr.contains("code="), "{}", r.stderr);
}

#[test]
fn a_flood_of_warnings_is_capped_and_counted() {
    let t = repo();
    let mut fk = Fake::new(1708);
    for i in 0..26 {
        t.write(&format!("f{i:02}.env"), format!("API_KEY={}\n", fk.generic()));
    }
    commit_all(&t, "many");
    for i in 0..25 {
        let id = git(t.path(), &["rev-parse", &format!("HEAD:f{i:02}.env")]);
        std::fs::write(t.path().join(".git/objects").join(&id[..2]).join(&id[2..]), b"garbage").unwrap();
    }
    let r = t.run(&["scan", "--git", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["stats"]["skipped"]["git_object_error"]["files"], 25);
    let shown = r.stderr.lines().filter(|l| l.contains("(git_object_error)")).count();
    assert_eq!(shown, 20, "{}", r.stderr);
    assert!(r.stderr.contains("keyhound: warning: 5 more warnings not shown"), "{}", r.stderr);
    let q = t.run(&["scan", "--git", ".", "--format", "json", "-q"]);
    assert!(!q.stderr.contains("warning"), "{}", q.stderr);
}

#[test]
fn rules_show_prints_one_rules_revoke_guidance() {
    let r = run(&["rules", "show", "github-pat-classic"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("github-pat-classic — GitHub personal access token (classic) (GitHub)\n"));
    assert!(r.stdout.contains("\nRevoke and rotate:\n  Delete the token at https://github.com/settings/tokens"));
    assert!(r.stdout.contains("\nReferences:\n  https://docs.github.com/"));
    let j = run(&["rules", "show", "github-pat-classic", "--format", "json"]).json();
    assert_eq!(j["id"], "github-pat-classic");
    assert_eq!(j["severity"], "critical");
    let r = run(&["rules", "show", "github-pat"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no rule `github-pat`: did you mean github-pat-classic"), "{}", r.stderr);
}

#[test]
fn a_scan_that_finds_something_says_what_to_do_next() {
    let t = Tree::new();
    t.write(
        "a.env",
        format!("API_KEY={}\nDB_URL=postgres://app:{}@db.internal/app\n", Fake::new(1709).generic(), "Tq9vLw2Zp4Rk"),
    );
    let r = t.run(&["scan", "."]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("What to do:\n  1. Revoke and rotate each credential above"), "{}", r.stderr);
    assert!(r.stderr.contains("keyhound rules show postgres-url-password"), "{}", r.stderr);
    assert!(r.stderr.contains("keyhound scan --git ."), "{}", r.stderr);
    // machine formats and --quiet stay clean
    assert!(!t.run(&["scan", ".", "--format", "json"]).stderr.contains("What to do"));
    assert!(!t.run(&["scan", ".", "-q"]).stderr.contains("What to do"));
    let clean = Tree::new();
    clean.write("a.txt", "nothing\n");
    assert!(!clean.run(&["scan", "."]).stderr.contains("What to do"));
}
