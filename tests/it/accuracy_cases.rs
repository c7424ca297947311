//! The accuracy cases of issues 11 and 12 through the built binary: credentials that real
//! files hold in forms keyhound used to miss (passwords in every syntax, literal defaults,
//! setters, Basic credentials, Telegram tokens without `AA`, GitLab registration tokens, Slack
//! legacy tokens, encrypted keys as their own kind), and look-alikes it used to report.
//! Every value is generated at test time.

use base64::Engine as _;

use crate::common::{ALNUM, Fake, Tree, URLSAFE};

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `(rule, path, line)` of every finding, sorted.
fn found(t: &Tree, args: &[&str]) -> (i32, Vec<(String, String, u64)>, serde_json::Value) {
    let r = t.run(args);
    let j = r.json();
    let mut v: Vec<(String, String, u64)> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().into(), f["path"].as_str().unwrap().into(), f["line"].as_u64().unwrap()))
        .collect();
    v.sort();
    (r.code, v, j)
}

fn f(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.into(), path.into(), line)
}

/// A short punctuated password, as people write them.
fn password(fk: &mut Fake) -> String {
    format!("{}#{}!", fk.chars(6, ALNUM), fk.chars(5, ALNUM))
}

#[test]
fn passwords_in_every_kind_of_file() {
    let mut fk = Fake::new(1101);
    let t = Tree::new();
    t.write(
        "config/application.properties",
        format!("server.port=8080\nspring.datasource.password={}\n", password(&mut fk)),
    );
    t.write(
        "docker-compose.yml",
        "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n      POSTGRES_USER: app\n",
    );
    t.write(
        "src/UserTest.java",
        format!(
            "class UserTest {{\n  void setUp() {{\n    userForm.setPassword(\"{}\");\n  }}\n}}\n",
            password(&mut fk)
        ),
    );
    t.write(
        "config.inc.php",
        format!(
            "<?php\n$_DVWA['db_user'] = 'app';\n$_DVWA['db_password'] = getenv('DB_PASSWORD') ?: '{}';\n",
            password(&mut fk)
        ),
    );
    t.write("app.yml", format!("datasource:\n  password: ${{DB_PASS:{}}}\n", fk.chars(10, ALNUM)));
    t.write(
        "web.config",
        format!("<appSettings>\n  <add key=\"DbPassword\" value=\"{}\"/>\n</appSettings>\n", password(&mut fk)),
    );
    t.write(
        "main.tf",
        format!("resource \"aws_db_instance\" \"db\" {{\n  password_wo = \"Uber{}Password\"\n}}\n", fk.chars(6, ALNUM)),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("password-assignment", "app.yml", 2),
            f("password-assignment", "config.inc.php", 3),
            f("password-assignment", "config/application.properties", 2),
            f("password-assignment", "docker-compose.yml", 4),
            f("password-assignment", "main.tf", 2),
            f("password-assignment", "src/UserTest.java", 3),
            f("password-assignment", "web.config", 2),
        ]
    );
}

#[test]
fn what_a_password_field_holds_when_it_is_not_a_password() {
    let mut fk = Fake::new(1102);
    let t = Tree::new();
    t.write(
        "neg.yaml",
        [
            "neo4j_auth: --user neo4j:[PASSWORD]",
            "password: \"<password>\"",
            "password: ${DB_PASSWORD}",
            "password: changeme",
            "password_length: 16",
            "label: \"Enter your password:\"",
            "existingSecret: my-data-source",
            "password: some_password",
            "vaultpassword: if_you_see_this_please_use_vault",
            "password: \"********\"",
            "",
        ]
        .join("\n"),
    );
    t.write(
        "Login.java",
        "class Login {\n  void f() {\n    password = form.password;\n    String password = getPassword();\n  }\n}\n",
    );
    t.write("NOTES.md", "# the service principal OAuth secret: \"dose\" + 32 hex characters\n");
    t.write(
        "lookalikes.yaml",
        format!(
            "api_key: a1b2c3d4e5f6g7h8i9j0k1l2\nincoming: glimt-my-token-here-and-more\nkey_down_event: onKeyDownHandlerFunction\nurl: https://deploy:{p}@example.org/api\ndb: postgres://app:{p}@example.com:5432/app\n",
            p = fk.chars(16, ALNUM)
        ),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!((code, got), (0, vec![]));
}

#[test]
fn basic_credentials_are_decoded_and_judged() {
    let mut fk = Fake::new(1103);
    let t = Tree::new();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let real = b64(&format!("deploy:{}", password(&mut fk)));
    let sample = b64("user:passwd");
    t.write(
        "deploy.sh",
        format!(
            "#!/bin/sh\ncurl -H \"Authorization: Basic {real}\" https://artifacts.acme-corp.io/api\ncurl -H \"Authorization: Basic {sample}\" https://artifacts.acme-corp.io/api\n"
        ),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!((code, got), (1, vec![f("authorization-basic-credentials", "deploy.sh", 2)]));
}

#[test]
fn provider_formats_that_were_missing() {
    let mut fk = Fake::new(1104);
    let t = Tree::new();
    let tg_secret = format!("Q{}", fk.chars(34, URLSAFE));
    t.write(
        "bot.py",
        format!(
            "import telebot\n\nTELEGRAM_TOKEN = \"{}:{tg_secret}\"\n",
            5_800_000_000u64 + fk.chars(6, b"0123456789").parse::<u64>().unwrap()
        ),
    );
    t.write(".gitlab-ci.yml", format!("variables:\n  REGISTRATION_TOKEN: GR1348941{}\n", fk.chars(20, URLSAFE)));
    t.write(
        "slack.env",
        format!(
            "SLACK_LEGACY_TOKEN=xoxs-{}-{}-{}\n",
            fk.chars(11, b"0123456789"),
            fk.chars(13, b"0123456789"),
            fk.chars(32, ALNUM)
        ),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("gitlab-runner-registration-token", ".gitlab-ci.yml", 2),
            f("slack-legacy-token", "slack.env", 1),
            f("telegram-bot-token-named", "bot.py", 3),
        ]
    );
}

#[test]
fn encrypted_keys_are_their_own_lower_severity_kind() {
    let mut fk = Fake::new(1105);
    let t = Tree::new();
    let body: Vec<String> = (0..10).map(|_| fk.chars(64, B64)).collect();
    t.write(
        "keys/legacy.pem",
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,9C1F0E8A4B7D2E6F31A5C8B0D4E7F2A1\n\n{}\n-----END RSA PRIVATE KEY-----\n",
            body.join("\n")
        ),
    );
    t.write(
        "keys/plain.pem",
        format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n", body.join("\n")),
    );
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![f("private-key-legacy-encrypted", "keys/legacy.pem", 1), f("private-key-rsa", "keys/plain.pem", 1)]
    );
    let severity = |path: &str| {
        j["findings"].as_array().unwrap().iter().find(|x| x["path"] == path).unwrap()["severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!((severity("keys/legacy.pem").as_str(), severity("keys/plain.pem").as_str()), ("medium", "critical"));
}
