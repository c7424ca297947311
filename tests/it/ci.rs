//! CI-facing features: baselines, SARIF suppressions and provenance, JUnit, CSV and GitHub
//! annotation formats.

use crate::common::{Fake, Tree, summary};

fn f(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

#[test]
fn a_baseline_hides_old_findings_even_when_they_move() {
    let t = Tree::new();
    let mut fk = Fake::new(60);
    let (old, new) = (fk.generic(), fk.generic());
    t.write("app.env", format!("API_KEY={old}\n"));
    let r = t.run(&["baseline", "create", ".", "-o", "baseline.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    assert!(!text.contains(&old), "a baseline never holds the secret");
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(b["findings"][0]["path"], "app.env");
    assert_eq!(b["findings"][0]["line"], 1);
    // the old secret moves to another line of a renamed file; a new one appears
    std::fs::remove_file(t.path().join("app.env")).unwrap();
    t.write("config/renamed.env", format!("# moved\nDEBUG=1\nAPI_KEY={old}\nSECRET_KEY={new}\n"));
    let r = t.run(&["scan", ".", "--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(r.code, 1);
    let j = r.json();
    assert_eq!(summary(&j), vec![f("generic-api-key", "config/renamed.env", 4, 12)]);
    assert_eq!(j["stats"]["suppressed"]["baseline"], 1);
    let r = t.run(&["scan", ".", "--baseline", "nope.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope.json: cannot read"), "{}", r.stderr);
}

#[test]
fn sarif_marks_inline_suppressions_in_source_and_carries_provenance() {
    let t = Tree::new();
    let mut fk = Fake::new(61);
    t.write("a.py", format!("k1 = \"{}\"  # keyhound:allow\napi_key = \"{}\"\n", fk.generic(), fk.generic()));
    let git = |args: &[&str]| {
        let st = std::process::Command::new("git")
            .args(args)
            .current_dir(t.path())
            .env("GIT_AUTHOR_NAME", "a")
            .env("GIT_AUTHOR_EMAIL", "a@example.org")
            .env("GIT_COMMITTER_NAME", "a")
            .env("GIT_COMMITTER_EMAIL", "a@example.org")
            .status()
            .unwrap();
        assert!(st.success());
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["remote", "add", "origin", "https://ci-bot:s3cr3t-t0ken@example.org/team/app.git"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "x"]);
    t.write("a.py", format!("api_key = \"{}\"  # keyhound:allow\ntoken = \"{}\"\n", fk.generic(), fk.generic()));
    let r = t.run(&["scan", ".", "--format", "sarif"]);
    let s = r.json();
    let run = &s["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "keyhound/dir/");
    let vcp = &run["versionControlProvenance"][0];
    assert_eq!(vcp["repositoryUri"], "https://example.org/team/app.git", "credentials are stripped");
    assert_eq!(vcp["branch"], "main");
    assert_eq!(vcp["revisionId"].as_str().unwrap().len(), 40);
    let sup: Vec<&serde_json::Value> =
        run["results"].as_array().unwrap().iter().filter(|x| x.get("suppressions").is_some()).collect();
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0]["suppressions"][0]["kind"], "inSource");
    assert!(!r.stdout.contains("s3cr3t"));
}

#[test]
fn junit_csv_and_github_formats() {
    let t = Tree::new();
    let key = Fake::new(62).generic();
    t.write("deploy/app.env", format!("X=1\nAPI_KEY={key}\n"));
    let r = t.run(&["scan", ".", "--format", "junit"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"keyhound\" tests=\"1\" failures=\"1\""
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("<testcase classname=\"deploy/app.env\" name=\"generic-api-key at deploy/app.env:2\">"));
    assert!(!r.stdout.contains(&key));
    let r = t.run(&["scan", ".", "--format", "csv"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("rule,name,provider,severity,confidence,path,line,column"));
    assert!(
        lines[1].starts_with(
            "generic-api-key,Generic API key or secret assignment,Generic,medium,medium,deploy/app.env,2,9,2,49,,,,"
        ),
        "{}",
        lines[1]
    );
    let r = t.run(&["scan", ".", "--format", "github"]);
    assert!(r.stdout.starts_with("::warning file=deploy/app.env,line=2,col=9,endLine=2,endColumn=49,title=keyhound generic-api-key::Generic API key"), "{}", r.stdout);
    let clean = Tree::new();
    clean.write("a.txt", "nothing\n");
    let r = clean.run(&["scan", ".", "--format", "junit"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("<testcase classname=\"keyhound\" name=\"no leaked credentials\"/>"));
}

#[test]
fn gitlab_secret_detection_report() {
    let t = Tree::new();
    let key = Fake::new(63).generic();
    t.write("deploy/app.env", format!("X=1\nAPI_KEY={key}\n"));
    let r = t.run(&["scan", ".", "--format", "gitlab"]);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains(&key));
    let j = r.json();
    assert_eq!(j["version"], "15.0.7");
    assert_eq!(j["scan"]["type"], "secret_detection");
    assert_eq!(j["scan"]["status"], "success");
    let v = &j["vulnerabilities"][0];
    assert_eq!(v["category"], "secret_detection");
    assert_eq!(v["severity"], "Medium");
    assert_eq!(v["location"]["file"], "deploy/app.env");
    assert_eq!(v["location"]["start_line"], 2);
    assert_eq!(v["identifiers"][0]["value"], "generic-api-key");
    assert_eq!(j["scan"]["start_time"].as_str().unwrap().len(), 19);
}
