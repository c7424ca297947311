//! `--verify` and `keyhound revoke` against a loopback mock of the providers: every verifier
//! of the built-in rules reads its documented answers, AWS requests are signed, each secret is
//! checked once, nothing leaves for a private address, a redirect or a host named in the text.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::mock::{Mock, Resp};
use crate::common::{Fake, Tree, run_env_in};

const OVERRIDE: &str = "KEYHOUND_VERIFY_ENDPOINT_OVERRIDE";

/// A built-in rule with a data verifier, its first example and its documented answers.
struct Case {
    rule: String,
    text: String,
    secrets: Vec<String>,
    host: String,
    answers: Vec<(u16, String, String)>,
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    rest[..rest.find(['/', '?', ':']).unwrap_or(rest.len())].to_string()
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let dir = crate::common::repo().join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for p in files.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let doc: toml::Value = toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        for r in doc.get("rules").and_then(|r| r.as_array()).into_iter().flatten() {
            let Some(v) = r.get("verify") else { continue };
            if v.get("code").is_some() || r.get("file").is_some() || r.get("path").is_some() {
                continue;
            }
            let ex = &r["examples"][0];
            let unmark = |s: &str| s.replace("{!}", "");
            let mut secrets = vec![unmark(ex["secret"].as_str().unwrap())];
            if let Some(pair) = ex.get("pair").and_then(|p| p.as_str()) {
                secrets.push(unmark(pair));
            }
            let answers = v["examples"]
                .as_array()
                .unwrap_or_else(|| panic!("{}: verifier without examples", r["id"]))
                .iter()
                .map(|a| {
                    (
                        a["status"].as_integer().unwrap() as u16,
                        a.get("body").and_then(|b| b.as_str()).unwrap_or("").to_string(),
                        a["result"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            out.push(Case {
                rule: r["id"].as_str().unwrap().to_string(),
                text: unmark(ex["text"].as_str().unwrap()),
                secrets,
                host: host_of(v["url"].as_str().unwrap()),
                answers,
            });
        }
    }
    out
}

fn verify_json(dir: &Path, mock: &Mock, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["scan", ".", "--verify", "--format", "json", "--min-confidence", "low"];
    args.extend_from_slice(extra);
    let r = run_env_in(dir, &args, &[(OVERRIDE, &mock.url())], b"");
    let doc = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr));
    (r.code, doc, r.stderr)
}

#[test]
fn every_verifier_reads_its_documented_answers() {
    let cases = cases();
    assert!(cases.len() >= 10, "only {} rules have data verifiers", cases.len());
    let rounds = cases.iter().map(|c| c.answers.len()).max().unwrap();
    let t = Tree::new();
    for c in &cases {
        t.write(&format!("{}.txt", c.rule), &c.text);
    }
    for k in 0..rounds {
        let table: Vec<(Vec<String>, (u16, String))> = cases
            .iter()
            .map(|c| {
                let (s, b, _) = &c.answers[k.min(c.answers.len() - 1)];
                (c.secrets.clone(), (*s, b.clone()))
            })
            .collect();
        let mock = Mock::start(move |req| {
            let all = req.all_text();
            // the case whose secret is in the request (the longest, if one contains another)
            let hit = table
                .iter()
                .filter(|(secrets, _)| all.contains(&secrets[0]))
                .max_by_key(|(secrets, _)| secrets[0].len());
            match hit {
                Some((_, (status, body))) => Resp::new(*status, body).header("Retry-After", "0"),
                None => Resp::new(418, "no such secret"),
            }
        });
        let (_, doc, stderr) = verify_json(t.path(), &mock, &[]);
        let findings = doc["findings"].as_array().unwrap();
        for c in &cases {
            let want = &c.answers[k.min(c.answers.len() - 1)].2;
            let file = format!("{}.txt", c.rule);
            let f = findings
                .iter()
                .find(|f| f["rule"] == c.rule.as_str() && f["path"] == file.as_str())
                .unwrap_or_else(|| panic!("{}: its example is not found\n{stderr}", c.rule));
            assert_eq!(
                f["verification"]["status"].as_str(),
                Some(want.as_str()),
                "{} answer {k}: {}\n{stderr}",
                c.rule,
                f["verification"]
            );
            assert_eq!(f["verification"]["host"], c.host.as_str(), "{}", c.rule);
            // the secret went to the rule's host, and nowhere else
            let reqs: Vec<_> = mock.taken().into_iter().filter(|r| r.all_text().contains(&c.secrets[0])).collect();
            assert!(!reqs.is_empty(), "{}: no request carried the secret", c.rule);
            for r in reqs {
                assert_eq!(r.header("x-keyhound-original-host"), Some(c.host.as_str()), "{}", c.rule);
            }
        }
        // never a secret in the report or on stderr
        for c in &cases {
            assert!(!stderr.contains(&c.secrets[0]), "{} on stderr", c.rule);
            assert!(!doc.to_string().contains(&c.secrets[0]), "{} in the report", c.rule);
        }
    }
}

#[test]
fn each_distinct_secret_is_checked_once() {
    let mut fake = Fake::new(14);
    let key = fake.openai_project();
    let t = Tree::new();
    for i in 0..72 {
        t.write(&format!("svc{i}/.env"), format!("OPENAI_API_KEY={key}\n"));
    }
    let mock = Mock::start(|_| Resp::new(200, r#"{"object":"list","data":[]}"#));
    let (code, doc, stderr) = verify_json(t.path(), &mock, &[]);
    assert_eq!(code, 1);
    assert_eq!(mock.count(), 1, "{stderr}");
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 72);
    assert!(f.iter().all(|f| f["verification"]["status"] == "active"));
    assert_eq!(doc["stats"]["verification"]["secrets"], 1);
    assert_eq!(doc["stats"]["verification"]["requests"], 1);
    assert!(stderr.contains("1 still work: revoke them first"), "{stderr}");
    let req = &mock.taken()[0];
    assert_eq!(req.target, "/v1/models");
    assert_eq!(req.header("authorization"), Some(format!("Bearer {key}").as_str()));
}

#[test]
fn aws_keys_are_checked_with_a_signed_get_caller_identity() {
    let mut fake = Fake::new(15);
    let id = format!("AKIA{}", fake.chars(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    let secret = fake.chars(40, crate::common::ALNUM);
    let t = Tree::new();
    t.write("deploy.env", format!("AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={secret}\n"));
    let mock = Mock::start(|req| {
        if req.header("authorization").is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=")) {
            Resp::new(
                200,
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deploy</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
            )
        } else {
            Resp::new(403, "<ErrorResponse><Error><Code>MissingAuthenticationToken</Code></Error></ErrorResponse>")
        }
    });
    let (_, doc, stderr) = verify_json(t.path(), &mock, &[]);
    let f = doc["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "aws-access-key-id").unwrap().clone();
    assert_eq!(f["verification"]["status"], "active", "{stderr}");
    assert_eq!(f["verification"]["details"]["account"], "123456789012");
    assert_eq!(f["verification"]["host"], "sts.amazonaws.com");
    let reqs = mock.taken();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].header("x-keyhound-original-host"), Some("sts.amazonaws.com"));
    assert_eq!(String::from_utf8_lossy(&reqs[0].body), "Action=GetCallerIdentity&Version=2011-06-15");
    assert!(!reqs[0].all_text().contains(&secret), "the secret access key itself is never sent");
}

#[test]
fn results_filter_what_is_reported() {
    let mut fake = Fake::new(16);
    let (live, dead) = (fake.openai_project(), fake.openai_project());
    let t = Tree::new();
    t.write("a.env", format!("OPENAI_API_KEY={live}\n"));
    t.write("b.env", format!("OPENAI_API_KEY={dead}\n"));
    t.write(
        "c.env",
        format!("DATABASE_URL=postgres://app:{}@db.internal:5432/app\n", fake.chars(20, crate::common::ALNUM)),
    );
    let live2 = live.clone();
    let mock = Mock::start(
        move |req| {
            if req.all_text().contains(&live2) { Resp::new(200, "{}") } else { Resp::new(401, "{}") }
        },
    );
    let (code, doc, stderr) = verify_json(t.path(), &mock, &["--only-verified"]);
    assert_eq!(code, 1);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{stderr}");
    assert_eq!(f[0]["path"], "a.env");
    assert_eq!(doc["stats"]["suppressed"]["verification_result"], 2, "{}", doc["stats"]);
    // a dead key only: nothing reported, exit 0
    std::fs::remove_file(t.path().join("a.env")).unwrap();
    let (code, doc, _) = verify_json(t.path(), &mock, &["--only-verified"]);
    assert_eq!((code, doc["findings"].as_array().unwrap().len()), (0, 0));
    let (_, doc, _) = verify_json(t.path(), &mock, &["--results", "inactive,unverified"]);
    let rules: Vec<&str> = doc["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    // text: ACTIVE stands out
    t.write("a.env", format!("OPENAI_API_KEY={live}\n"));
    let r = run_env_in(t.path(), &["scan", ".", "--verify"], &[(OVERRIDE, &mock.url())], b"");
    assert!(r.stdout.contains("verified  ACTIVE  at api.openai.com"), "{}", r.stdout);
    assert!(r.stdout.contains("verified inactive at api.openai.com: HTTP 401"), "{}", r.stdout);
}

#[test]
fn without_verify_nothing_is_sent() {
    let mut fake = Fake::new(17);
    let t = Tree::new();
    t.write("a.env", format!("OPENAI_API_KEY={}\n", fake.openai_project()));
    let mock = Mock::start(|_| Resp::new(200, "{}"));
    let r = run_env_in(t.path(), &["scan", ".", "--format", "json"], &[(OVERRIDE, &mock.url())], b"");
    assert_eq!(r.code, 1);
    assert_eq!(mock.count(), 0);
    assert!(r.json()["findings"][0].get("verification").is_none());
    assert!(r.json()["stats"].get("verification").is_none());
}

#[test]
fn redirects_are_not_followed() {
    let mut fake = Fake::new(18);
    let t = Tree::new();
    t.write("a.env", format!("OPENAI_API_KEY={}\n", fake.openai_project()));
    let mock = Mock::start(|req| {
        if req.target == "/v1/models" {
            Resp::new(302, "").header("Location", "http://127.0.0.1:9/elsewhere")
        } else {
            Resp::new(200, "{}")
        }
    });
    let (_, doc, _) = verify_json(t.path(), &mock, &[]);
    let v = &doc["findings"][0]["verification"];
    assert_eq!(v["status"], "unknown");
    assert!(v["reason"].as_str().unwrap().contains("not followed"), "{v}");
    assert_eq!(mock.count(), 1);
}

#[test]
fn a_host_asking_to_wait_too_long_gets_nothing_more() {
    let mut fake = Fake::new(19);
    let t = Tree::new();
    for i in 0..5 {
        t.write(&format!("k{i}.env"), format!("OPENAI_API_KEY={}\n", fake.openai_project()));
    }
    let mock = Mock::start(|_| Resp::new(429, "{}").header("Retry-After", "3600"));
    let (_, doc, stderr) = verify_json(t.path(), &mock, &["--verify-per-host", "1"]);
    assert_eq!(mock.count(), 1, "{stderr}");
    let mut reasons = BTreeMap::new();
    for f in doc["findings"].as_array().unwrap() {
        assert_eq!(f["verification"]["status"], "unknown");
        *reasons.entry(f["verification"]["reason"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    assert_eq!(reasons.get("rate limited (HTTP 429, retry after 3600 s)"), Some(&1), "{reasons:?}");
    assert_eq!(
        reasons
            .get("not sent: api.openai.com asked to wait 3599 s (Retry-After)")
            .or(reasons.get("not sent: api.openai.com asked to wait 3600 s (Retry-After)"))
            .copied()
            .unwrap_or(0),
        4,
        "{reasons:?}"
    );
}

#[test]
fn nothing_leaves_for_private_addresses_or_hosts_from_the_text() {
    let mut fake = Fake::new(20);
    let key = fake.chars(32, crate::common::ALNUM);
    let t = Tree::new();
    // a user rule whose verifier names a private host: refused before anything is sent
    t.write(
        "rules.toml",
        r#"[[rules]]
id = "internal-token"
name = "Internal token"
provider = "Internal"
severity = "high"
keywords = ["itk_"]
regex = '''(?P<secret>itk_[A-Za-z0-9]{32})'''
[rules.verify]
url = "https://10.1.2.3/whoami"
headers = { Authorization = "Bearer {secret}" }

# a name whose DNS answer is in a private range (loopback here)
[[rules]]
id = "intranet-token"
name = "Intranet token"
provider = "Intranet"
severity = "high"
keywords = ["int_"]
regex = '''(?P<secret>int_[A-Za-z0-9]{32})'''
[rules.verify]
url = "https://localhost/whoami"
headers = { Authorization = "Bearer {secret}" }
"#,
    );
    t.write("app.env", format!("TOKEN=itk_{key}\nOTHER=int_{key}\n"));
    let mock = Mock::start(|_| Resp::new(200, "{}"));
    // a URL credential naming the mock itself: never verified (no verifier takes a host from the text)
    t.write("db.env", format!("URL=https://admin:{}@127.0.0.1:{}/\n", fake.chars(20, crate::common::ALNUM), mock.port));
    let r = run_env_in(
        t.path(),
        &["scan", "app.env", "db.env", "--rules", "rules.toml", "--verify", "--format", "json"],
        &[],
        b"",
    );
    let doc = r.json();
    let f = doc["findings"].as_array().unwrap();
    let itk = f.iter().find(|f| f["rule"] == "internal-token").unwrap();
    assert_eq!(itk["verification"]["status"], "error", "{}", r.stderr);
    assert!(itk["verification"]["reason"].as_str().unwrap().contains("private"), "{}", itk["verification"]);
    let int = f.iter().find(|f| f["rule"] == "intranet-token").unwrap();
    assert_eq!(int["verification"]["status"], "error", "{}", r.stderr);
    assert_eq!(
        int["verification"]["reason"],
        "localhost resolves only to private, loopback or link-local addresses: refused"
    );
    let url = f.iter().find(|f| f["path"] == "db.env").expect("the URL credential is found");
    assert!(url.get("verification").is_none(), "{url}");
    assert_eq!(mock.count(), 0);
    assert!(!r.stderr.contains(&key));
    // the test override itself accepts loopback only
    let r = run_env_in(t.path(), &["scan", "app.env", "--verify"], &[(OVERRIDE, "http://10.0.0.1:80")], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("loopback"), "{}", r.stderr);
}

#[test]
fn revoke_batches_github_tokens_and_records_without_secrets() {
    let mut fake = Fake::new(21);
    let (a, b) = (fake.github("ghp_"), fake.github("ghp_"));
    let slack = format!(
        "xoxb-{}-{}-{}",
        fake.chars(11, b"0123456789"),
        fake.chars(12, b"0123456789"),
        fake.chars(24, crate::common::ALNUM)
    );
    let t = Tree::new();
    t.write("ci.env", format!("GH_TOKEN={a}\nOTHER_TOKEN={b}\nSLACK_BOT_TOKEN={slack}\n"));
    t.write("copy.env", format!("GH_TOKEN={a}\n"));
    let mock = Mock::start(|req| match req.target.as_str() {
        "/credentials/revoke" => Resp::new(202, ""),
        "/api/auth.revoke" => Resp::new(200, r#"{"ok":false,"error":"invalid_auth"}"#),
        _ => Resp::new(404, ""),
    });
    let env = [(OVERRIDE, mock.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // dry run: says what, sends nothing
    let r = run_env_in(t.path(), &["revoke", ".", "--dry-run"], &env, b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("would revoke github-pat-classic").count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("would revoke slack-bot-token"), "{}", r.stdout);
    assert_eq!(mock.count(), 0);
    // asked per secret: yes, no, yes
    let r = run_env_in(t.path(), &["revoke", "."], &env, b"y\nn\ny\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.matches("? [y/N]").count(), 3, "{}", r.stderr);
    let reqs = mock.taken();
    assert_eq!(reqs.len(), 2, "one GitHub batch, one Slack call");
    let gh = reqs.iter().find(|q| q.target == "/credentials/revoke").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&gh.body).unwrap();
    assert_eq!(body["credentials"].as_array().unwrap().len(), 1);
    assert!(gh.header("authorization").is_none(), "the revocation API is called unauthenticated");
    let record = std::fs::read_to_string(t.path().join("keyhound-revocations.jsonl")).unwrap();
    assert_eq!(record.lines().count(), 2, "{record}");
    for s in [&a, &b, &slack] {
        assert!(!record.contains(s.as_str()) && !r.stdout.contains(s.as_str()) && !r.stderr.contains(s.as_str()));
    }
    let lines: Vec<serde_json::Value> = record.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<(&str, &str, u64)> = lines
        .iter()
        .map(|l| (l["rule"].as_str().unwrap(), l["outcome"].as_str().unwrap(), l["http_status"].as_u64().unwrap()))
        .collect();
    assert!(outcomes.contains(&("github-pat-classic", "revoked", 202)), "{outcomes:?}");
    assert!(outcomes.contains(&("slack-bot-token", "already_invalid", 200)), "{outcomes:?}");
    // --yes with a fingerprint: that one only; a failure exits 1
    let fp =
        lines.iter().find(|l| l["rule"] == "slack-bot-token").unwrap()["fingerprint"].as_str().unwrap().to_string();
    drop(mock);
    let failing = Mock::start(|_| Resp::new(500, ""));
    let r = run_env_in(t.path(), &["revoke", ".", "--fingerprint", &fp, "--yes"], &[(OVERRIDE, &failing.url())], b"");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(failing.count(), 1);
    assert!(r.stdout.contains("failed slack-bot-token"), "{}", r.stdout);
}

#[test]
fn the_audit_says_which_leaked_secrets_still_work_and_which_were_revoked() {
    let mut fake = Fake::new(22);
    let (live, gh) = (fake.openai_project(), fake.github("ghp_"));
    let t = crate::git::repo();
    t.write("app.env", format!("OPENAI_API_KEY={live}\nGH_TOKEN={gh}\n"));
    crate::git::commit_all(&t, "config");
    let live2 = live.clone();
    let mock = Mock::start(move |req| match req.target.as_str() {
        "/credentials/revoke" => Resp::new(202, ""),
        _ if req.all_text().contains(&live2) => Resp::new(200, r#"{"data":[]}"#),
        _ => Resp::new(401, r#"{"message":"Bad credentials"}"#),
    });
    let url = mock.url();
    let env = [(OVERRIDE, url.as_str())];
    let r = run_env_in(t.path(), &["revoke", ".", "--git", "--yes", "--record", "../revocations.jsonl"], &env, b"");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let record = t.path().parent().unwrap().join("revocations.jsonl");
    let rec = record.to_str().unwrap();
    let r = run_env_in(t.path(), &["audit", ".", "--report", "out/", "--verify", "--revocations", rec], &env, b"");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of 2 leaked secrets still work: revoke them first. 1 revoked with keyhound revoke."),
        "{}",
        r.stderr
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("out/audit.json")).unwrap()).unwrap();
    crate::audit::validate(&doc);
    let l = &doc["result"]["liveness"];
    assert_eq!(
        (l["active"].as_u64(), l["inactive"].as_u64(), l["revoked"].as_u64()),
        (Some(1), Some(1), Some(1)),
        "{l}"
    );
    let inv = doc["inventory"].as_array().unwrap();
    let openai = inv.iter().find(|e| e["rule"] == "openai-project-key").unwrap();
    assert_eq!(openai["verification"]["status"], "active");
    assert!(openai.get("revocation").is_none());
    let github = inv.iter().find(|e| e["rule"] == "github-pat-classic").unwrap();
    assert_eq!(github["verification"]["status"], "inactive");
    assert_eq!(github["revocation"]["outcome"], "revoked");
    assert_eq!(github["revocation"]["http_status"], 202);
    let md = std::fs::read_to_string(t.path().join("out/audit.md")).unwrap();
    assert!(
        md.contains("**1 of 2 leaked secrets still work: revoke them first. 1 revoked with keyhound revoke.**"),
        "{md}"
    );
    assert!(md.contains("| ACTIVE |"), "{md}");
    assert!(md.contains("- Revocation: revoked at api.github.com on "), "{md}");
    let html = std::fs::read_to_string(t.path().join("out/audit.html")).unwrap();
    assert!(html.contains("<th>live</th>") && html.contains("<td>ACTIVE</td>"), "live column");
    for s in [&live, &gh] {
        assert!(!md.contains(s.as_str()) && !html.contains(s.as_str()) && !doc.to_string().contains(s.as_str()));
    }
}

#[test]
fn requests_to_one_host_are_limited() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut fake = Fake::new(23);
    let t = Tree::new();
    for i in 0..12 {
        t.write(&format!("k{i}.env"), format!("OPENAI_API_KEY={}\n", fake.openai_project()));
    }
    let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (n, p) = (now.clone(), peak.clone());
    let mock = Mock::start(move |_| {
        let c = n.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(c, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(80));
        n.fetch_sub(1, Ordering::SeqCst);
        Resp::new(401, "{}")
    });
    let (_, doc, _) = verify_json(t.path(), &mock, &["--verify-per-host", "2"]);
    assert_eq!(doc["stats"]["verification"]["requests"], 12);
    assert_eq!(peak.load(Ordering::SeqCst), 2, "at most 2 in flight to one host, and the limit is used");
}

#[test]
fn every_report_format_carries_the_verification() {
    let mut fake = Fake::new(24);
    let key = fake.openai_project();
    let t = Tree::new();
    // an active key is an `error` in SARIF and `Critical` in GitLab, whatever its severity
    t.write("a.env", format!("OPENAI_API_KEY={key}\n"));
    let mock = Mock::start(|_| Resp::new(200, "{}"));
    let env = [(OVERRIDE, mock.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sarif = run_env_in(t.path(), &["scan", ".", "--verify", "--format", "sarif"], &env, b"").json();
    let res = &sarif["runs"][0]["results"][0];
    assert_eq!(res["level"], "error");
    assert_eq!(res["properties"]["verification"]["status"], "active");
    assert!(res["message"]["text"].as_str().unwrap().contains("It still works (verified at api.openai.com)"));
    let jsonl = run_env_in(t.path(), &["scan", ".", "--verify", "--format", "jsonl"], &env, b"");
    let line: serde_json::Value = serde_json::from_str(jsonl.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["verification"]["status"], "active");
    let csv = run_env_in(t.path(), &["scan", ".", "--verify", "--format", "csv"], &env, b"").stdout;
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().ends_with(",fingerprint,verification,verification_reason"));
    assert!(rows.next().unwrap().ends_with(",active,"), "{csv}");
    let gitlab = run_env_in(t.path(), &["scan", ".", "--verify", "--format", "gitlab"], &env, b"").json();
    assert_eq!(gitlab["vulnerabilities"][0]["severity"], "Critical");
    // without --verify, the CSV layout is unchanged
    let plain = run_env_in(t.path(), &["scan", ".", "--format", "csv"], &env, b"").stdout;
    assert!(plain.lines().next().unwrap().ends_with(",secret,fingerprint"));
    for out in [sarif.to_string(), jsonl.stdout, csv, gitlab.to_string(), plain] {
        assert!(!out.contains(&key));
    }
}

#[test]
fn what_the_provider_says_about_a_key_is_reported() {
    let mut fake = Fake::new(25);
    let token = fake.github("ghp_");
    let t = Tree::new();
    t.write("ci.env", format!("GH_TOKEN={token}\n"));
    let mock = Mock::start(|_| {
        Resp::new(200, r#"{"login":"octocat","type":"User","email":"octo@example.org"}"#)
            .header("X-OAuth-Scopes", "repo, read:org")
            .header("GitHub-Authentication-Token-Expiration", "2027-01-01 00:00:00 UTC")
    });
    let (_, doc, _) = verify_json(t.path(), &mock, &[]);
    let v = &doc["findings"][0]["verification"];
    assert_eq!(v["status"], "active");
    assert_eq!(v["details"]["login"], "octocat");
    assert_eq!(v["details"]["scopes"], "repo, read:org");
    assert_eq!(v["details"]["expires"], "2027-01-01 00:00:00 UTC");
    assert!(v["details"].get("email").is_none(), "only the details the rule names");
    assert_eq!(mock.taken()[0].target, "/user");
}
