//! Table-driven tests: each kind is recognised from its path, and each parser reads its fields.

use super::*;

#[rustfmt::skip]
const KINDS: &[(&str, &str, Option<Kind>)] = &[
    ("home/.netrc", "", Some(Kind::Netrc)),
    ("C:/Users/a/_netrc", "", Some(Kind::Netrc)),
    (".pgpass", "", Some(Kind::Pgpass)),
    ("AppData/postgresql/pgpass.conf", "", Some(Kind::Pgpass)),
    (".git-credentials", "", Some(Kind::GitCredentials)),
    ("deploy/.htpasswd", "", Some(Kind::Htpasswd)),
    ("conf/users.htpasswd", "", Some(Kind::Htpasswd)),
    ("etc/shadow", "", Some(Kind::Shadow)),
    ("src/shadow", "", None),
    (".npmrc", "", Some(Kind::Npmrc)),
    (".yarnrc.yml", "", Some(Kind::Npmrc)),
    (".pypirc", "", Some(Kind::Pypirc)),
    ("home/.docker/config.json", "{\"auths\": {}}", Some(Kind::DockerConfig)),
    ("app/config.json", "{\"port\": 80}", None),
    ("home/.kube/config", "", Some(Kind::Kubeconfig)),
    ("ci/kubeconfig-prod.yaml", "", Some(Kind::Kubeconfig)),
    ("deploy/admin.conf", "apiVersion: v1\nkind: Config\nusers:\n", Some(Kind::Kubeconfig)),
    ("deploy/app.yaml", "kind: Deployment\n", None),
    ("home/.aws/credentials", "", Some(Kind::AwsCredentials)),
    ("home/.aws/config", "", Some(Kind::AwsCredentials)),
    (".s3cfg", "", Some(Kind::S3cfg)),
    (".boto", "", Some(Kind::Boto)),
    ("FileZilla/sitemanager.xml", "", Some(Kind::Filezilla)),
    ("WinSCP.ini", "", Some(Kind::Winscp)),
    ("sftp-config.json", "", Some(Kind::SftpConfig)),
    (".vscode/sftp.json", "", Some(Kind::SftpConfig)),
    (".dbeaver/data-sources.json", "", Some(Kind::Dbeaver)),
    ("robo3t.json", "", Some(Kind::Robomongo)),
    (".idea/dataSources.local.xml", "", Some(Kind::Jetbrains)),
    (".msmtprc", "", Some(Kind::Mailrc)),
    (".m2/settings.xml", "<settings>", Some(Kind::MavenSettings)),
    ("app/settings.xml", "<config/>", None),
    ("NuGet.Config", "", Some(Kind::Nuget)),
    ("gradle.properties", "", Some(Kind::GradleProperties)),
    ("jenkins/credentials.xml", "<com.cloudbees.plugins.credentials.SystemCredentialsProvider>", Some(Kind::JenkinsCredentials)),
    ("infra/terraform.tfstate", "", Some(Kind::TerraformState)),
    ("infra/terraform.tfstate.backup", "", Some(Kind::TerraformState)),
    ("wp-config.php", "", Some(Kind::WpConfig)),
    ("config/master.key", "", Some(Kind::RailsMasterKey)),
    ("config/credentials/production.key", "", Some(Kind::RailsMasterKey)),
    ("keys/master.key", "", None),
    ("jenkins_home/secrets/master.key", "", Some(Kind::JenkinsMasterKey)),
    ("tests/nkeys/user.nk", "", Some(Kind::NatsNkey)),
    ("export/vault.csv", "name,url,username,password\n", Some(Kind::CsvExport)),
    ("data/words.csv", "token,count\n", None),
    ("roles/mongod/files/secret", "", Some(Kind::KeyFile)),
    ("deploy/replica.keyfile", "", Some(Kind::KeyFile)),
    ("examples/octothorpe.netrc", "", Some(Kind::Netrc)),
    ("test/prod.pgpass", "", Some(Kind::Pgpass)),
    ("src/main.rs", "", None),
];

#[test]
fn kinds_from_paths() {
    for (path, content, want) in KINDS {
        assert_eq!(kind_of(path, content.as_bytes()), *want, "{path}");
    }
}

/// Every kind's sample path is recognised as that kind.
#[test]
fn sample_paths_are_their_kind() {
    for k in Kind::ALL {
        let sniffed = match k {
            Kind::DockerConfig => "{\"auths\": {}}",
            Kind::MavenSettings => "<settings>",
            Kind::JenkinsCredentials => "<com.cloudbees>",
            Kind::CsvExport => "name,password\n",
            _ => "",
        };
        assert_eq!(kind_of(k.sample_path(), sniffed.as_bytes()), Some(k), "{}", k.sample_path());
    }
}

fn read(kind: Kind, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fields(kind, text.as_bytes(), &mut out);
    out.into_iter().map(|f| (f.key, text[f.value].to_string())).collect()
}

fn has(kind: Kind, text: &str, key: &str, value: &str) {
    let got = read(kind, text);
    assert!(got.iter().any(|(k, v)| k == key && v == value), "{kind:?}: no {key}={value} in {text:?}: {got:?}");
}

fn lacks(kind: Kind, text: &str, value: &str) {
    let got = read(kind, text);
    assert!(
        !got.iter().any(|(k, v)| v == value && k != "passwordeval"),
        "{kind:?}: {value} read from {text:?}: {got:?}"
    );
}

#[test]
fn netrc() {
    has(Kind::Netrc, "machine api.acme.io login bob password s3cr3t-9\n", "password", "s3cr3t-9");
    has(Kind::Netrc, "machine a.io\n  login bob\n  password \"two words\"\n", "password", "two words");
    has(Kind::Netrc, "default login anonymous password guest@acme.io", "password", "guest@acme.io");
    has(Kind::Netrc, "machine a.io password p1 login u", "login", "u");
    lacks(Kind::Netrc, "machine www.example.com login bob password s3cr3t", "s3cr3t");
    lacks(Kind::Netrc, "# machine a.io password hidden\n", "hidden");
    lacks(Kind::Netrc, "macdef init\npassword inside-macro\n\nmachine b.io password after", "inside-macro");
    has(Kind::Netrc, "macdef init\ncd /\n\nmachine b.io password after", "password", "after");
    lacks(Kind::Netrc, "machine a.io login bob password\nmachine b.io login x", "machine");
}

#[test]
fn colon_records() {
    has(Kind::Pgpass, "db:5432:app:bob:pa:ss\\:w", "password", "pa:ss\\:w");
    has(Kind::Pgpass, "db\\:1:5432:*:bob:pw9", "password", "pw9");
    lacks(Kind::Pgpass, "#db:5432:app:bob:hidden", "hidden");
    lacks(Kind::Pgpass, "db:5432:bob", "bob");
    has(Kind::Htpasswd, "alice:$apr1$abc$def\r\n", "hash", "$apr1$abc$def");
    has(Kind::Htpasswd, "alice:realm:5d41402abc4b2a76b9719d911017c592", "hash", "5d41402abc4b2a76b9719d911017c592");
    has(Kind::Shadow, "root:$6$s$h:19000:0:99999:7:::", "hash", "$6$s$h");
}

#[test]
fn git_credentials() {
    let pw = ["tok", "%40en"].concat();
    has(Kind::GitCredentials, &format!("https://bob:{pw}@github.com\n"), "password", &pw);
    has(Kind::GitCredentials, "https://bob:p@ss@git.acme.io/path", "password", "p@ss");
    lacks(Kind::GitCredentials, "https://bob@github.com", "bob");
}

#[test]
fn key_value_files() {
    has(Kind::Npmrc, "//registry.npmjs.org/:_authToken=abc123\n", "_authtoken", "abc123");
    has(Kind::Kubeconfig, "users:\n- name: a\n  user:\n    token: t0k3n\n", "token", "t0k3n");
    has(Kind::DockerConfig, "{\"auths\": {\"r.io\": {\"auth\": \"dTpw\"}}}", "auth", "dTpw");
    has(Kind::Filezilla, "<Server><Pass encoding=\"base64\">cGFzcw==</Pass></Server>", "pass", "cGFzcw==");
    has(Kind::Nuget, concat!(r#"<add key="ClearTextPassword" value="p"#, r#"w1" />"#), "cleartextpassword", "pw1");
    has(Kind::WpConfig, "define( 'AUTH_KEY', 'k3y!' );", "auth_key", "k3y!");
    has(Kind::Winscp, "[Sessions\\a]\nPassword=A35C\n", "password", "A35C");
}

#[test]
fn mail_clients() {
    has(Kind::Mailrc, "account a\npassword pw-1\n", "password", "pw-1");
    has(Kind::Mailrc, "poll mail.acme.io user 'bob' password 'pw 2'\n", "password", "pw 2");
    let pw = ["p", "w3"].concat();
    has(Kind::Mailrc, &format!("set smtp_pass = \"{pw}\"\n"), "smtp_pass", &pw);
    lacks(Kind::Mailrc, "passwordeval \"pass show x\"\n", "pass show x");
}

#[test]
fn rails_master_key() {
    has(Kind::RailsMasterKey, "0123456789abcdef0123456789abcdef\n", "master_key", "0123456789abcdef0123456789abcdef");
    lacks(Kind::RailsMasterKey, "0123456789abcdef", "0123456789abcdef");
    let jenkins = "ab".repeat(128);
    has(Kind::JenkinsMasterKey, &jenkins, "master_key", &jenkins);
    let seed = format!("SUA{}", "B".repeat(55));
    has(Kind::NatsNkey, &format!("{seed}\n"), "seed", &seed);
    lacks(Kind::NatsNkey, &format!("UA{}", "B".repeat(56)), &format!("UA{}", "B".repeat(56)));
}

#[test]
fn key_file_wrapped_over_lines_reports_its_first_line() {
    let first = "qGO6OYb64Uth".repeat(5);
    has(Kind::KeyFile, &format!("{first}\n4XU0HA\n"), "key", &first);
    lacks(Kind::KeyFile, "short\n", "short");
    lacks(Kind::KeyFile, "not a key: it has punctuation!\n", "not");
    let csv = "Title,User Name,TimeOtp-Secret-Base32\nvpn,ann,JBSWY3DPEHPK3PXP\n";
    has(Kind::CsvExport, csv, "timeotp-secret-base32", "JBSWY3DPEHPK3PXP");
}
