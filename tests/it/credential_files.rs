//! Credential files (issue 12): each kind's parser through the built binary, table-driven. A
//! positive file must yield exactly the listed (rule, line, confidence) findings; a negative one
//! none. Every value is generated at test time.

use crate::common::{ALNUM, Fake, HEX, Tree, f, found};

/// One file: its path, its content, and the findings it must yield: (rule, line, confidence).
struct Case {
    path: &'static str,
    content: String,
    want: Vec<(&'static str, u64, &'static str)>,
}

fn pw(fk: &mut Fake) -> String {
    format!("{}#{}", fk.chars(7, ALNUM), fk.chars(5, ALNUM))
}

fn cases(fk: &mut Fake) -> Vec<Case> {
    let b32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bcrypt =
        format!("$2y$10${}", fk.chars(53, b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
    let sha512 = format!("$6$rounds=5000${}${}", fk.chars(12, ALNUM), fk.chars(86, ALNUM));
    let c = |path, content: String, want| Case { path, content, want };
    vec![
        c(
            "home/.pgpass",
            format!("# host:port:db:user:password\ndb.internal:5432:orders:app:{}\n", pw(fk)),
            vec![("pgpass-password", 2, "high")],
        ),
        c("home/.pgpass", "*:*:*:postgres:${PGPASSWORD}\nlocalhost:5432:db\n".into(), vec![]),
        c(
            "home/.git-credentials",
            format!("https://alice@github.com\nhttps://ci:{}@git.acme-corp.io\n", fk.chars(20, ALNUM)),
            vec![("git-credentials-password", 2, "high")],
        ),
        c(
            "site/.htpasswd",
            format!("# users\nadmin:{bcrypt}\nguest:{{{{ guest_hash }}}}\n"),
            vec![("htpasswd-password-hash", 2, "high")],
        ),
        c(
            "rootfs/etc/shadow",
            format!("root:{sha512}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"),
            vec![("shadow-password-hash", 1, "high")],
        ),
        c(
            "home/.netrc",
            format!("machine api.acme-corp.io\n  login bob\n  password {}\n", pw(fk)),
            vec![("netrc-password", 3, "high")],
        ),
        c(
            "home/.netrc",
            "machine api.acme-corp.io login bob password\nmachine b.acme-corp.io login x password somethingSecret\n"
                .into(),
            vec![],
        ),
        c(
            "ci/octo.netrc",
            format!("default login anonymous password {}\n", pw(fk)),
            vec![("netrc-password", 1, "high")],
        ),
        c(
            "deploy/admin.conf",
            format!("apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: {}\n", fk.chars(40, ALNUM)),
            vec![("kubeconfig-token", 6, "high")],
        ),
        c(
            "home/.kube/config",
            "users:\n- name: ci\n  user:\n    token: blue-token\n    client-secret: CLIENT_SECRET\n".into(),
            vec![],
        ),
        c(
            "home/.s3cfg",
            format!(
                "[default]\naccess_key = AKIDEXAMPLE\nsecret_key = {}\ngpg_passphrase = YOURPASSPHRASE\n",
                fk.chars(40, ALNUM)
            ),
            vec![("s3cfg-secret", 3, "high")],
        ),
        c(
            "FileZilla/sitemanager.xml",
            format!(
                "<Server>\n<Host>ftp.acme-corp.io</Host>\n<Pass encoding=\"base64\">{}</Pass>\n</Server>\n",
                fk.chars(16, ALNUM)
            ),
            vec![("filezilla-password", 3, "high")],
        ),
        c(
            "sftp-config.json",
            format!("{{\n  \"host\": \"www.acme-corp.io\",\n  \"password\": \"{}\"\n}}\n", pw(fk)),
            vec![("sftp-config-password", 3, "high")],
        ),
        c(
            "home/.msmtprc",
            format!("account work\nhost smtp.acme-corp.io\npassword {}\npasswordeval \"pass show mail\"\n", pw(fk)),
            vec![("mail-client-password", 3, "high")],
        ),
        c(
            "terraform.tfstate",
            format!(
                "{{\n  \"attributes\": {{\n    \"password\": \"{}\",\n    \"username\": \"app\"\n  }}\n}}\n",
                pw(fk)
            ),
            vec![("terraform-state-password", 3, "high")],
        ),
        c("config/master.key", format!("{}\n", fk.chars(32, HEX)), vec![("rails-master-key", 1, "high")]),
        c("keys/master.key", format!("{}\n", fk.chars(32, HEX)), vec![]),
        c("nkeys/user.nk", format!("SUA{}\n", fk.chars(55, b32)), vec![("nats-nkey-seed", 1, "high")]),
        c(
            "wp-config.php",
            format!(
                "<?php\ndefine( 'AUTH_KEY', '{}<{{$' );\ndefine( 'NONCE_SALT', 'put your unique phrase here' );\n",
                fk.chars(60, ALNUM)
            ),
            vec![("wordpress-auth-key", 2, "high")],
        ),
        c(
            "home/.docker/config.json",
            {
                let auth =
                    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("deploy:{}", pw(fk)));
                let dummy = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "local:host-5000");
                // a pair the password judge drops must not come back through the generic detector
                let dropped = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "index:docker.io");
                format!(
                    "{{\n  \"auths\": {{\n    \"registry.acme-corp.io\": {{ \"auth\": \"{auth}\" }},\n    \"localhost:5000\": {{ \"auth\": \"{dummy}\" }},\n    \"index.docker.io\": {{ \"auth\": \"{dropped}\" }}\n  }}\n}}\n"
                )
            },
            vec![("docker-config-auth", 3, "medium")],
        ),
        // not credential files: the same text under another name yields nothing from the parsers
        c("docs/pgpass.md", "db.internal:5432:orders:app:Zq8rT2#vLm\n".into(), vec![]),
    ]
}

#[test]
fn each_kind_reports_its_fields_at_the_exact_line() {
    let mut fk = Fake::new(1201);
    let all = cases(&mut fk);
    let mut failures = Vec::new();
    for (i, case) in all.iter().enumerate() {
        // one tree per case: a kind is decided by the path, so equal paths must not collide
        let t = Tree::new();
        t.write(case.path, &case.content);
        let r = t.run(&["scan", ".", "--format", "json"]);
        let j = r.json();
        let mut got: Vec<(String, u64, String)> = j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["path"], case.path, "case {i}");
                (
                    f["rule"].as_str().unwrap().into(),
                    f["line"].as_u64().unwrap(),
                    f["confidence"].as_str().unwrap().into(),
                )
            })
            .collect();
        got.sort();
        let want: Vec<(String, u64, String)> =
            case.want.iter().map(|(r, l, c)| (r.to_string(), *l, c.to_string())).collect();
        let code = if want.is_empty() { 0 } else { 1 };
        if got != want || r.code != code {
            failures.push(format!(
                "{} (case {i}): exit {} want {code}\n  got  {got:?}\n  want {want:?}",
                case.path, r.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn password_hashes_are_a_low_severity_kind() {
    let mut fk = Fake::new(1202);
    let t = Tree::new();
    let bcrypt =
        format!("$2b$12${}", fk.chars(53, b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
    t.write("db/seed.sql", format!("INSERT INTO users (email, pw) VALUES\n  ('ops@acme-corp.io', '{bcrypt}');\n"));
    let j = t.run(&["scan", ".", "--format", "json"]).json();
    let f = &j["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64(), f["severity"].as_str()),
        (Some("password-hash"), Some(2), Some("low"))
    );
    assert_eq!(j["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn jwk_private_parts_and_otp_seeds() {
    let mut fk = Fake::new(1203);
    let t = Tree::new();
    let url = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    t.write(
        "keys/ec.json",
        format!(
            "{{\n  \"kty\": \"EC\",\n  \"crv\": \"P-256\",\n  \"x\": \"{}\",\n  \"d\": \"{}\"\n}}\n",
            fk.chars(43, url),
            fk.chars(43, url)
        ),
    );
    t.write(
        "keys/public.json",
        format!("{{\"kty\": \"EC\", \"x\": \"{}\", \"y\": \"{}\"}}\n", fk.chars(43, url), fk.chars(43, url)),
    );
    t.write(
        "docs/2fa.txt",
        format!(
            "Scan this:\notpauth://totp/ACME:bob?secret={}&issuer=ACME\n",
            fk.chars(32, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        ),
    );
    let (code, got, _) = found(&t, &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(got, vec![f("jwk-private-key", "keys/ec.json", 5), f("otpauth-secret", "docs/2fa.txt", 2)]);
}
