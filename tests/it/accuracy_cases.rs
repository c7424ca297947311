//! The accuracy cases of issues 11 and 12 through the built binary: credentials that real
//! files hold in forms keyhound used to miss (passwords in every syntax, literal defaults,
//! setters, Basic credentials, Telegram tokens without `AA`, GitLab registration tokens, Slack
//! legacy tokens, encrypted keys as their own kind; Sidekiq gem server credentials, PyPI tokens
//! of any length, Lob, Mailgun signing keys, Shippo and Flutterwave test keys, Plaid Sandbox
//! credentials at low severity, Confluent `cflt` secrets, Dropbox, legacy Airtable keys, Harness
//! tokens), and look-alikes it used to report.
//! Every value is generated at test time.

use base64::Engine as _;

use crate::common::{ALNUM, Fake, HEX, Tree, URLSAFE, f, found};

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The `severity` of the finding at `path`.
fn severity_at(j: &serde_json::Value, path: &str) -> String {
    let f = j["findings"].as_array().unwrap().iter().find(|x| x["path"] == path).unwrap();
    f["severity"].as_str().unwrap().to_string()
}

/// A libmacaroons v2 field: type, varint length, bytes.
fn macaroon_field(out: &mut Vec<u8>, kind: u8, bytes: &[u8]) {
    out.push(kind);
    let mut n = bytes.len();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        out.push(if n > 0 { b | 0x80 } else { b });
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(bytes);
}

/// A well-formed PyPI token: a v2 macaroon located at pypi.org with `caveats` caveats.
fn pypi_token(fk: &mut Fake, ident_len: usize, caveats: &[String]) -> String {
    let mut m = vec![2u8];
    macaroon_field(&mut m, 1, b"pypi.org");
    macaroon_field(&mut m, 2, fk.chars(ident_len, HEX).as_bytes());
    m.push(0);
    for c in caveats {
        macaroon_field(&mut m, 2, c.as_bytes());
        m.push(0);
    }
    m.push(0);
    macaroon_field(&mut m, 6, fk.chars(32, ALNUM).as_bytes());
    format!("pypi-{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m))
}

/// A Confluent Cloud API secret in the current format: `cflt` + 54 base64 characters + the
/// base64 of their CRC32 (little-endian, unpadded), as Confluent documents it.
fn confluent_secret(fk: &mut Fake) -> String {
    let body = fk.chars(54, B64);
    let crc = base64::engine::general_purpose::STANDARD_NO_PAD.encode(crc32fast::hash(body.as_bytes()).to_le_bytes());
    format!("cflt{body}{crc}")
}

#[test]
fn gem_server_and_package_index_credentials() {
    let mut fk = Fake::new(1106);
    let t = Tree::new();
    let cred = |fk: &mut Fake| format!("{}:{}", fk.chars(8, HEX), fk.chars(8, HEX));
    t.write(
        "Gemfile",
        format!(
            "source \"https://rubygems.org\"\nsource \"https://{}@enterprise.contribsys.com/\" do\n  gem \"sidekiq-ent\"\nend\nsource \"https://gems.contribsys.com/\" do\n  gem \"sidekiq-pro\"\nend\n",
            cred(&mut fk)
        ),
    );
    t.write(
        ".bundle/config",
        format!("---\nBUNDLE_JOBS: \"4\"\nBUNDLE_GEMS__CONTRIBSYS__COM: \"{}\"\n", cred(&mut fk)),
    );
    t.write(
        "bin/setup",
        format!("#!/bin/sh\nset -e\nbundle config --local gems.contribsys.com {}\nbundle install\n", cred(&mut fk)),
    );
    t.write("ci.env", "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=${SIDEKIQ_ENT_CREDENTIALS}\n");
    // a token scoped to many projects is longer than 1,000 characters; one without caveats is short
    let projects: Vec<String> = (0..60).map(|i| format!("\"acme-widgets-{i}\"")).collect();
    let caveat = format!("{{\"version\":1,\"permissions\":{{\"projects\":[{}]}}}}", projects.join(","));
    let long = pypi_token(&mut fk, 36, &["{\"version\":1,\"permissions\":\"user\"}".to_string(), caveat]);
    let short = pypi_token(&mut fk, 8, &[]);
    assert!(long.len() > 1100 && short.len() < 90, "{} {}", long.len(), short.len());
    t.write("release.env", format!("TWINE_USERNAME=__token__\nTWINE_PASSWORD={long}\nUV_PUBLISH_TOKEN={short}\n"));
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("pypi-api-token", "release.env", 2),
            f("pypi-api-token", "release.env", 3),
            f("sidekiq-gem-server-credentials", ".bundle/config", 3),
            f("sidekiq-gem-server-url", "Gemfile", 2),
            f("sidekiq-gem-server-url", "bin/setup", 3),
        ]
    );
    let pypi: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "pypi-api-token")
        .map(|x| x["confidence"].as_str().unwrap())
        .collect();
    assert_eq!(pypi, ["high", "high"], "both tokens are well-formed macaroons");
}

#[test]
fn payment_and_mail_keys_with_test_modes_at_low_severity() {
    let mut fk = Fake::new(1107);
    let t = Tree::new();
    t.write(
        "src/mailer.js",
        format!(
            "// Lob client for the mailing service\nconst LOB_LIVE_KEY = 'live_{}';\nconst LOB_TEST_KEY = 'test_{}';\n",
            fk.chars(35, HEX),
            fk.chars(35, HEX)
        ),
    );
    t.write("shipping.env", format!("SHIPPO_API_KEY=shippo_test_{}\n", fk.chars(40, HEX)));
    t.write(
        "payments.env",
        format!(
            "FLW_PUBLIC_KEY=FLWPUBK-{}-X\nFLW_SECRET_KEY=FLWSECK-{}-X\nFLW_TEST_SECRET_KEY=FLWSECK_TEST-{}-X\n",
            fk.chars(32, HEX),
            fk.chars(32, HEX),
            fk.chars(32, HEX)
        ),
    );
    t.write(
        "config/mailgun.yml",
        format!(
            "mailgun:\n  domain: mg.acme-corp.io\n  api_key: key-{}\n  webhook_signing_key: {}\n",
            fk.chars(32, HEX),
            fk.chars(32, HEX)
        ),
    );
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("flutterwave-public-key", "payments.env", 1),
            f("flutterwave-secret-key", "payments.env", 2),
            f("flutterwave-test-secret-key", "payments.env", 3),
            f("lob-api-key", "src/mailer.js", 2),
            f("lob-test-or-publishable-key", "src/mailer.js", 3),
            f("mailgun-api-key-legacy", "config/mailgun.yml", 3),
            f("mailgun-webhook-signing-key", "config/mailgun.yml", 4),
            f("shippo-test-token", "shipping.env", 1),
        ]
    );
    let by_rule = |rule: &str| {
        let x = j["findings"].as_array().unwrap().iter().find(|x| x["rule"] == rule).unwrap();
        (x["severity"].as_str().unwrap().to_string(), x["confidence"].as_str().unwrap().to_string())
    };
    let sev = |s: &str, c: &str| (s.to_string(), c.to_string());
    assert_eq!(by_rule("shippo-test-token"), sev("low", "medium"));
    assert_eq!(by_rule("flutterwave-test-secret-key"), sev("low", "high"));
    assert_eq!(by_rule("flutterwave-secret-key"), sev("critical", "high"));
    assert_eq!(by_rule("lob-test-or-publishable-key"), sev("low", "medium"));
    assert_eq!(by_rule("lob-api-key"), sev("high", "medium"));
}

#[test]
fn plaid_sandbox_credentials_are_reported_at_low_severity() {
    let mut fk = Fake::new(1108);
    let t = Tree::new();
    // Plaid's quickstart layout: a plain PLAID_SECRET, the environment chosen a few lines below
    t.write(
        "quickstart/.env",
        format!(
            "PLAID_CLIENT_ID={}\nPLAID_SECRET={}\n# Use 'sandbox' to test with fake credentials in Plaid's Sandbox environment\n# Use 'production' to go live with real users\nPLAID_ENV=sandbox\nPLAID_PRODUCTS=auth,transactions\n",
            fk.chars(24, HEX),
            fk.chars(30, HEX)
        ),
    );
    t.write("settings.json", format!("{{\n  \"plaid_sandbox_secret\": \"{}\"\n}}\n", fk.chars(30, HEX)));
    let u = fk.chars(32, HEX);
    let uuid = format!("{}-{}-{}-{}-{}", &u[..8], &u[8..12], &u[12..16], &u[16..20], &u[20..]);
    t.write("fixtures_plaid.py", format!("ITEM = {{\n    \"access_token\": \"access-sandbox-{uuid}\",\n}}\n"));
    t.write("prod.env", format!("PLAID_SECRET={}\nPLAID_ENV=production\n", fk.chars(30, HEX)));
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("plaid-sandbox-access-token", "fixtures_plaid.py", 2),
            f("plaid-sandbox-secret", "settings.json", 2),
            // a finding with a second part (the client id) starts at its first part
            f("plaid-sandbox-secret-env", "quickstart/.env", 1),
            f("plaid-secret", "prod.env", 1),
        ]
    );
    let sev: Vec<String> = ["quickstart/.env", "settings.json", "fixtures_plaid.py", "prod.env"]
        .iter()
        .map(|p| severity_at(&j, p))
        .collect();
    assert_eq!(sev, ["low", "low", "low", "critical"]);
}

#[test]
fn confluent_dropbox_airtable_and_harness_formats() {
    let mut fk = Fake::new(1109);
    let t = Tree::new();
    let (key_id, old_key_id) = (fk.chars(16, UPPER_ALNUM), fk.chars(16, UPPER_ALNUM));
    t.write(
        "client.properties",
        format!(
            "bootstrap.servers=pkc-4r087.us-west2.gcp.confluent.cloud:9092\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='{key_id}' password='{}';\n",
            confluent_secret(&mut fk)
        ),
    );
    t.write(
        "deploy/values.yaml",
        format!("confluent:\n  api_key: {old_key_id}\n  api_secret: {}\n", fk.chars(64, B64)),
    );
    t.write(
        "backup.env",
        format!(
            "DROPBOX_REFRESH_TOKEN={}\nDROPBOX_APP_KEY={}\nDROPBOX_APP_SECRET={}\n",
            fk.chars(64, URLSAFE),
            fk.chars(15, LOWER_ALNUM),
            fk.chars(15, LOWER_ALNUM)
        ),
    );
    t.write(
        "src/airtable.js",
        format!(
            "const Airtable = require('airtable');\nconst base = new Airtable({{ apiKey: 'key{}' }}).base('app{}');\n",
            fk.chars(14, ALNUM),
            fk.chars(14, ALNUM)
        ),
    );
    t.write(
        "harness.sh",
        format!(
            "curl -H \"x-api-key: pat.{}.{}.{}\" https://app.harness.io/ng/api/user/currentUser\ncurl -H \"x-api-key: sat.{}.{}.{}\" https://app.harness.io/ng/api/projects\n",
            fk.chars(22, ALNUM),
            fk.chars(24, HEX),
            fk.chars(20, ALNUM),
            fk.chars(18, ALNUM),
            fk.chars(30, ALNUM),
            fk.chars(32, ALNUM)
        ),
    );
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("airtable-api-key-legacy", "src/airtable.js", 2),
            f("confluent-api-secret", "deploy/values.yaml", 2),
            f("confluent-api-secret-cflt", "client.properties", 2),
            f("dropbox-app-secret", "backup.env", 2),
            f("dropbox-long-lived-token", "backup.env", 1),
            f("harness-api-token", "harness.sh", 1),
            f("harness-api-token-other-layout", "harness.sh", 2),
        ]
    );
    // the API key IDs are reported as the second part of the Confluent findings
    let parts: Vec<String> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["provider"] == "Confluent")
        .map(|x| x["parts"][0]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(parts, ["API key", "API key"]);
}

#[test]
fn weak_database_defaults_keys_on_command_lines_and_key_rings() {
    let mut fk = Fake::new(1131);
    let t = Tree::new();
    // a weak default is a real credential in a URL as in an assignment; `password` stays a placeholder
    let weak = ["ro", "ot"].concat();
    t.write(
        "initdb.js",
        format!("const url = `mongodb://{weak}:{weak}@${{process.env.MONGO_ADDR}}/?authSource=admin`;\nconst doc = 'postgres://user:password@localhost/app';\n"),
    );
    t.write(
        "hint.adoc",
        format!(
            "echo \"$c\" | openssl enc -a -d -aes-128-ecb -K {} -out decrypted.md\nopenssl pkcs12 -export -in a.crt -inkey a.key -passout pass:{} -out a.p12\nopenssl rsa -in key.pem -passin env:KEY_PASS\n",
            fk.chars(32, HEX),
            password(&mut fk)
        ),
    );
    t.write(
        "keys/key-768c1632-cf7b-41a9-bb7a-bff228ae8fba.xml",
        format!(
            "<key id=\"768c1632-cf7b-41a9-bb7a-bff228ae8fba\" version=\"1\">\n  <descriptor>\n    <masterKey p4:requiresEncryption=\"true\" xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\">\n      <!-- Warning: the key below is in an unencrypted form. -->\n      <value>{}==</value>\n    </masterKey>\n  </descriptor>\n</key>\n",
            fk.chars(86, B64)
        ),
    );
    t.write(
        "src/JwkTest.java",
        format!(
            "String json = \"{{\\\"kty\\\":\\\"oct\\\",\" +\n    \"\\\"k\\\":\\\"{}\\\"}}\";\n",
            fk.chars(43, URLSAFE)
        ),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("aspnet-data-protection-key", "keys/key-768c1632-cf7b-41a9-bb7a-bff228ae8fba.xml", 5),
            f("jwk-symmetric-key", "src/JwkTest.java", 2),
            f("mongodb-url-password", "initdb.js", 1),
            f("openssl-pass-argument", "hint.adoc", 2),
            f("openssl-raw-key", "hint.adoc", 1),
        ]
    );
}

#[test]
fn go_mysql_data_source_names_with_a_password() {
    let mut fk = Fake::new(1212);
    let t = Tree::new();
    // the driver splits at the last `@` before the network: `@` and `(` belong to the password
    let tricky = format!("p@ss({})", fk.chars(8, ALNUM));
    t.write(
        "internal/db/db.go",
        format!(
            "package db\n\nconst dsn = \"svc:{}@tcp(db.internal:3306)/orders?parseTime=true\"\n\n\
             var fallback = \"report:{tricky}@tcp([de:ad:be:ef::ca:fe]:80)/reports\"\n\
             var local = fmt.Sprintf(\"%s:%s@tcp(%s)/%s\", user, pass, host, name)\n\
             var sock = \"app:{}@unix(/run/mysqld/mysqld.sock)/app\"\n",
            password(&mut fk),
            password(&mut fk)
        ),
    );
    t.write("docs.md", "Example: `user:password@tcp(localhost:5555)/dbname?tls=skip-verify`\n");
    t.write(".env", "MYSQL_DSN=root:${MYSQL_ROOT_PASSWORD}@tcp(mysql:3306)/app\n");
    let (code, got, j) = found(&t, &["scan", ".", "--format", "json", "--show-secrets"]);
    assert_eq!(code, 1);
    assert_eq!(
        got,
        vec![
            f("mysql-go-dsn-password", "internal/db/db.go", 3),
            f("mysql-go-dsn-password", "internal/db/db.go", 5),
            f("mysql-go-dsn-password", "internal/db/db.go", 7),
        ]
    );
    let secrets: Vec<&str> = j["findings"].as_array().unwrap().iter().map(|x| x["secret"].as_str().unwrap()).collect();
    assert!(secrets.contains(&tricky.as_str()), "{secrets:?}");
}
