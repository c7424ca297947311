//! Many repositories: `--repos` over `git daemon` on 127.0.0.1, file:// and local paths, a
//! failing one; shards merged equal the single run; the cache scans only new commits; GitHub
//! and GitLab listings from a loopback API with pages, tokens and errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use crate::common::mock::{Mock, Resp};
use crate::common::{Fake, Tree, run_env_in, run_in};
use crate::git::git;

/// `git daemon` serving a directory on 127.0.0.1; killed on drop.
struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    fn serve(base: &Path) -> Daemon {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let exec_path = git(base, &["--exec-path"]);
        let child = Command::new(Path::new(&exec_path).join("git-daemon"))
            .args(["--reuseaddr", "--listen=127.0.0.1", &format!("--port={port}"), "--export-all"])
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("git daemon starts");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Daemon { child, port }
    }

    fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `n` repositories under one directory, repository `i` holding `i % 3 + 1` commits, each
/// adding a key in `config/{i}-{c}.env`; returns the directory and each repository's keys.
pub(crate) fn org(n: usize, seed: u64) -> (Tree, Vec<Vec<String>>) {
    let base = Tree::new();
    let mut fake = Fake::new(seed);
    let mut keys = Vec::new();
    for i in 0..n {
        let dir = base.path().join(format!("repo{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let mut mine = Vec::new();
        for c in 0..(i % 3 + 1) {
            let k = fake.openai_project();
            std::fs::create_dir_all(dir.join("config")).unwrap();
            std::fs::write(dir.join(format!("config/{i}-{c}.env")), format!("# service\nOPENAI_API_KEY={k}\n"))
                .unwrap();
            git(&dir, &["add", "-A"]);
            git(&dir, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", &format!("c{c}")]);
            mine.push(k);
        }
        keys.push(mine);
    }
    (base, keys)
}

pub(crate) fn places(doc: &serde_json::Value) -> BTreeSet<(String, String, String, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["repository"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write_list(dir: &Path, lines: &[String]) -> PathBuf {
    let p = dir.join("repos.txt");
    std::fs::write(&p, format!("# the organisation\n{}\n", lines.join("\n"))).unwrap();
    p
}

#[test]
fn a_list_of_repositories_is_scanned_and_each_finding_names_its_repository() {
    let (base, keys) = org(3, 31);
    let daemon = Daemon::serve(base.path());
    let work = Tree::new();
    let list = write_list(
        work.path(),
        &[
            daemon.url("repo0"),
            format!("file://{}", base.path().join("repo1").display()),
            base.path().join("repo2").display().to_string(),
            daemon.url("missing"),
            // the same repository again, written differently: scanned once
            format!("{}/", base.path().join("repo2").display()),
        ],
    );
    let r = run_in(work.path(), &["scan", "--repos", list.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let got = places(&doc);
    assert_eq!(got.len(), 1 + 2 + 3, "{got:?}");
    let repo0 = daemon.url("repo0");
    assert!(got.iter().any(|(repo, _, path, line)| repo == &repo0 && path == "config/0-0.env" && *line == 2));
    let cov = &doc["coverage"]["repositories"];
    let status: Vec<(&str, &str)> = cov
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["repository"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(status.len(), 4, "{status:?}");
    assert_eq!(status[0], (repo0.as_str(), "scanned"));
    assert_eq!(status[3].1, "failed");
    assert!(
        cov[3]["reason"].as_str().unwrap().contains("not exported")
            || cov[3]["reason"].as_str().unwrap().contains("hung up"),
        "{}",
        cov[3]
    );
    assert!(
        r.stderr.contains("3 scanned (0 incrementally: only commits new since the last scan), 1 failed"),
        "{}",
        r.stderr
    );
    // no key printed, and the temporary mirrors are gone
    for k in keys.iter().flatten() {
        assert!(!r.stdout.contains(k.as_str()));
    }
    // only failures, no findings: exit 2 (not everything was scanned)
    let only_missing = write_list(work.path(), &[daemon.url("missing")]);
    let r = run_in(work.path(), &["scan", "--repos", only_missing.to_str().unwrap(), "-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn four_shards_merged_equal_one_run_and_the_cache_scans_only_new_commits() {
    let (base, _) = org(12, 32);
    let daemon = Daemon::serve(base.path());
    let work = Tree::new();
    let urls: Vec<String> = (0..12).map(|i| daemon.url(&format!("repo{i}"))).collect();
    let list = write_list(work.path(), &urls);
    let l = list.to_str().unwrap();
    let whole = run_in(work.path(), &["scan", "--repos", l, "--format", "json", "-q"]).json();
    let mut shard_files = Vec::new();
    let mut sizes = Vec::new();
    for i in 0..4 {
        let out = work.path().join(format!("shard{i}.json"));
        let r = run_in(
            work.path(),
            &[
                "scan",
                "--repos",
                l,
                "--shard",
                &format!("{i}/4"),
                "--format",
                "json",
                "-o",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert!(r.code <= 1, "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        sizes.push(doc["coverage"]["repositories"].as_array().unwrap().len());
        assert_eq!(doc["coverage"]["other_shards"].as_u64().unwrap() as usize + sizes[i], 12);
        shard_files.push(out.to_str().unwrap().to_string());
    }
    assert_eq!(sizes.iter().sum::<usize>(), 12, "every repository in exactly one shard: {sizes:?}");
    let mut args = vec!["merge"];
    args.extend(shard_files.iter().map(String::as_str));
    args.extend(["--report", "evidence"]);
    let merged = run_in(work.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let m = merged.json();
    assert_eq!(places(&m), places(&whole));
    assert_eq!(m["stats"]["findings"], whole["stats"]["findings"]);
    assert_eq!(m["stats"]["commits"], whole["stats"]["commits"]);
    assert_eq!(m["stats"]["files_scanned"], whole["stats"]["files_scanned"]);
    assert_eq!(m["coverage"]["repositories"].as_array().unwrap().len(), 12);
    assert_eq!(m["coverage"]["missing_shards"], serde_json::json!([]));
    assert_eq!(m["inventory"].as_array().unwrap().len(), whole["findings"].as_array().unwrap().len());
    let md = std::fs::read_to_string(work.path().join("evidence/org.md")).unwrap();
    assert!(md.contains("in 12 of 12 repositories scanned; 0 failed"), "{md}");
    assert!(
        std::fs::read_to_string(work.path().join("evidence/org.html")).unwrap().contains("<section id=\"inventory\">")
    );
    // three shards of four: merge says one is missing
    let r = run_in(work.path(), &["merge", &shard_files[0], &shard_files[1], &shard_files[3], "-o", "partial.json"]);
    assert!(r.stderr.contains("1 shard(s) missing"), "{}", r.stderr);

    // the cache: a second run scans nothing old; a new commit in one repository is all it scans
    let cache = work.path().join("cache");
    let c = cache.to_str().unwrap();
    let first = run_in(work.path(), &["scan", "--repos", l, "--cache", c, "--format", "json", "-q"]).json();
    assert_eq!(places(&first), places(&whole));
    let repo5 = base.path().join("repo5");
    let mut fake = Fake::new(33);
    let fresh = fake.openai_project();
    std::fs::write(repo5.join("new.env"), format!("OPENAI_API_KEY={fresh}\n")).unwrap();
    git(&repo5, &["add", "-A"]);
    git(&repo5, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", "new"]);
    let second = run_in(work.path(), &["scan", "--repos", l, "--cache", c, "--format", "json", "-q"]).json();
    let repos = second["coverage"]["repositories"].as_array().unwrap();
    assert!(repos.iter().all(|r| r["incremental"] == true && r["status"] == "scanned"), "{repos:?}");
    let walked: u64 = repos.iter().map(|r| r["commits"].as_u64().unwrap()).sum();
    assert_eq!(walked, 1, "only the new commit is walked");
    let found = places(&second);
    assert_eq!(found.len(), 1, "{found:?}");
    let (repo, _, path, line) = found.iter().next().unwrap();
    assert_eq!((repo.as_str(), path.as_str(), *line), (daemon.url("repo5").as_str(), "new.env", 1));
    assert!(cache.join("keyhound-state.json").is_file());
}

#[test]
fn batch_engine_variables_pick_the_shard() {
    let (base, _) = org(6, 34);
    let work = Tree::new();
    let urls: Vec<String> = (0..6).map(|i| base.path().join(format!("repo{i}")).display().to_string()).collect();
    let list = write_list(work.path(), &urls);
    let l = list.to_str().unwrap();
    let by_flag = |i: usize| {
        let d =
            run_in(work.path(), &["scan", "--repos", l, "--shard", &format!("{i}/3"), "--format", "json", "-q"]).json();
        places(&d)
    };
    let engines: [&[(&str, &str)]; 4] = [
        &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1")],
        &[("JOB_COMPLETION_INDEX", "1"), ("KEYHOUND_SHARD_COUNT", "3")],
        &[("AWS_BATCH_JOB_ARRAY_INDEX", "1"), ("AWS_BATCH_JOB_ARRAY_SIZE", "3")],
        &[("CLOUD_RUN_TASK_INDEX", "1"), ("CLOUD_RUN_TASK_COUNT", "3")],
    ];
    let want = by_flag(1);
    for env in engines {
        let r = run_env_in(work.path(), &["scan", "--repos", l, "--format", "json"], env, b"");
        assert!(r.stderr.contains("(shard 1/3 from "), "{env:?}: {}", r.stderr);
        assert_eq!(places(&r.json()), want, "{env:?}");
    }
    let r = run_env_in(work.path(), &["scan", "--repos", l], &[("JOB_COMPLETION_INDEX", "1")], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("KEYHOUND_SHARD_COUNT"), "{}", r.stderr);
}

#[test]
fn organisations_are_listed_through_the_forge_api() {
    let (base, _) = org(3, 35);
    let path = |i: usize| format!("file://{}", base.path().join(format!("repo{i}")).display());
    let (p0, p1, p2) = (path(0), path(1), path(2));
    let mock = Mock::start(move |req| {
        let next =
            |port_hint: &str| format!("<{port_hint}/orgs/acme/repos?per_page=100&type=all&page=2>; rel=\"next\"");
        match (req.target.as_str(), req.header("authorization"), req.header("private-token")) {
            (t, Some("Bearer gh-token"), _) if t.starts_with("/orgs/acme/repos") && !t.contains("page=2") => {
                let host = format!("http://{}", req.header("host").unwrap());
                Resp::new(
                    200,
                    &format!(r#"[{{"clone_url":"{p0}"}},{{"clone_url":"https://h.example/fork.git","fork":true}}]"#),
                )
                .header("Link", &next(&host))
            }
            (t, Some("Bearer gh-token"), _) if t.starts_with("/orgs/acme/repos") => Resp::new(
                200,
                &format!(r#"[{{"clone_url":"{p1}"}},{{"clone_url":"https://h.example/old.git","archived":true}}]"#),
            ),
            (t, _, Some("gl-token")) if t.starts_with("/groups/team%2Fsub/projects") => {
                Resp::new(200, &format!(r#"[{{"http_url_to_repo":"{p2}","archived":false}}]"#))
            }
            (t, _, _) if t.starts_with("/orgs/limited") => Resp::new(403, r#"{"message":"API rate limit exceeded"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "1767225600"),
            _ => Resp::new(404, r#"{"message":"Not Found"}"#),
        }
    });
    let work = Tree::new();
    let api = mock.url();
    let env = [("GITHUB_TOKEN", "gh-token"), ("GITLAB_TOKEN", "gl-token")];
    let r = run_env_in(
        work.path(),
        &[
            "scan",
            "--github-org",
            "acme",
            "--gitlab-group",
            "team/sub",
            "--github-api",
            &api,
            "--gitlab-api",
            &api,
            "--format",
            "json",
        ],
        &env,
        b"",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let repos: Vec<&str> =
        doc["coverage"]["repositories"].as_array().unwrap().iter().map(|r| r["repository"].as_str().unwrap()).collect();
    assert_eq!(repos.len(), 3, "forks and archived left out: {repos:?}");
    assert_eq!(mock.taken().iter().filter(|q| q.target.starts_with("/orgs/acme/repos")).count(), 2, "two pages");
    let r = run_env_in(work.path(), &["scan", "--github-org", "limited", "--github-api", &api], &env, b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("rate limited (HTTP 403), resets at 1767225600"), "{}", r.stderr);
    let r = run_env_in(work.path(), &["scan", "--github-org", "nobody", "--github-api", &api], &env, b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("HTTP 404 Not Found"), "{}", r.stderr);
}

#[test]
fn merge_refuses_reports_made_with_other_rules() {
    let t = Tree::new();
    t.write("a.env", format!("OPENAI_API_KEY={}\n", Fake::new(36).openai_project()));
    t.write(
        "extra.toml",
        "[[rules]]\nid = \"x-token\"\nname = \"X\"\nprovider = \"X\"\nseverity = \"low\"\nregex = '''(?P<secret>xtok_[a-z]{20})'''\n",
    );
    let a = t.run(&["scan", "a.env", "--format", "json", "-o", "one.json"]);
    let b = t.run(&["scan", "a.env", "--rules", "extra.toml", "--format", "json", "-o", "two.json"]);
    assert_eq!((a.code, b.code), (1, 1));
    let r = t.run(&["merge", "one.json", "two.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("made with different rules") && r.stderr.contains("two.json"), "{}", r.stderr);
}

#[test]
fn audits_of_several_repositories_merge_into_one_inventory() {
    let (base, _) = org(2, 37);
    let mut fake = Fake::new(38);
    let shared = fake.openai_project();
    for i in 0..2 {
        let dir = base.path().join(format!("repo{i}"));
        std::fs::write(dir.join("shared.env"), format!("OPENAI_API_KEY={shared}\n")).unwrap();
        git(&dir, &["add", "-A"]);
        git(&dir, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", "shared"]);
        let r = run_in(&dir, &["audit", ".", "--report", &format!("../audit{i}.json"), "-q"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
    }
    let work = base.path();
    let r = run_in(work, &["merge", "audit0.json", "audit1.json", "-o", "org.json", "--report", "org.md"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("org.json")).unwrap()).unwrap();
    let inv = doc["inventory"].as_array().unwrap();
    // repo0 has 1 key of its own, repo1 2, and the shared one is one secret in two repositories
    assert_eq!(inv.len(), 4, "{inv:?}");
    let two: Vec<&serde_json::Value> =
        inv.iter().filter(|e| e["repositories"].as_array().unwrap().len() == 2).collect();
    assert_eq!(two.len(), 1);
    let md = std::fs::read_to_string(work.join("org.md")).unwrap();
    assert!(md.contains("4 distinct secret(s) in 2 of 2 repositories scanned; 0 failed"), "{md}");
    assert!(!md.contains(&shared));
}

#[test]
fn a_repository_that_hangs_fails_after_the_timeout_and_the_others_go_on() {
    let (base, _) = org(1, 39);
    // a server that accepts connections and never answers
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming().take(4) {
            held.push(c);
        }
        std::thread::sleep(std::time::Duration::from_secs(8));
    });
    let work = Tree::new();
    let list = write_list(
        work.path(),
        &[format!("git://127.0.0.1:{port}/stuck.git"), base.path().join("repo0").display().to_string()],
    );
    let start = std::time::Instant::now();
    let r =
        run_in(work.path(), &["scan", "--repos", list.to_str().unwrap(), "--repo-timeout", "2", "--format", "json"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let cov = doc["coverage"]["repositories"].as_array().unwrap();
    assert_eq!(cov[0]["status"], "failed");
    assert_eq!(cov[0]["reason"], "timed out after 2 s");
    assert_eq!(cov[1]["status"], "scanned");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    drop(hold);
}
