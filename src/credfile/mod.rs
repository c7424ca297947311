//! Credential files: files whose type says what a field holds.
//!
//! A `.pgpass` line's fifth field is a password, a kubeconfig's `token` is a bearer token, an
//! `.htpasswd` line's second field is a password hash: no name near the value says so, or the
//! name alone would be too weak to report on (`token`, `pass`). A [`Kind`] is recognised from
//! the path (and, for names shared with other files, a sniff of the content: a `config.json`
//! is Docker's only with `"auths"`); its [`Parser`] lists the file's fields; rules with a
//! `file = { kind = "…", field = "…" }` table say which fields are reported, with which check
//! and confidence (see `rules/credential-files.toml`).
//!
//! Parsers are small and forgiving: a line they cannot read is not a field; they never fail.
//! Formats that are key/value syntaxes (INI, JSON, YAML, XML) are read by the
//! [assignment recogniser](crate::assign) ([`keyvalue`]); the others have their own module.

pub mod colon;
pub mod csv;
pub mod keyvalue;
pub mod netrc;
pub mod tfstate;
pub mod url;
pub mod whole;
pub mod words;

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One value a credential file gives a meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// What the format calls the field, lower-cased (`password`, `_authtoken`,
    /// `client-key-data`, `hash`); rules match their `field` regex against it.
    pub key: String,
    /// The value as written in the file (quotes excluded).
    pub value: Range<usize>,
}

/// Reads the fields of one file kind.
pub trait Parser: Sync {
    /// Appends the fields of `hay`, in file order.
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>);
}

/// The credential-file kinds keyhound reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `.netrc`, `_netrc`: `machine h login u password p`.
    Netrc,
    /// PostgreSQL `.pgpass`, `pgpass.conf`: `host:port:db:user:password`.
    Pgpass,
    /// git's credential store `.git-credentials`: one URL with userinfo per line.
    GitCredentials,
    /// Apache `.htpasswd` (`user:hash`) and `.htdigest` (`user:realm:hash`).
    Htpasswd,
    /// `/etc/shadow`: `user:hash:…`.
    Shadow,
    /// npm and Yarn: `.npmrc`, `.yarnrc`, `.yarnrc.yml`.
    Npmrc,
    /// Python packaging `.pypirc`.
    Pypirc,
    /// Docker `config.json` (with `"auths"`) and `.dockercfg`.
    DockerConfig,
    /// Kubernetes client configuration (`.kube/config`, `kubeconfig*`, or YAML with
    /// `kind: Config` and `users:`).
    Kubeconfig,
    /// AWS CLI `.aws/credentials` and `.aws/config`.
    AwsCredentials,
    /// s3cmd `.s3cfg`.
    S3cfg,
    /// boto / gsutil `.boto`, `boto.cfg`.
    Boto,
    /// FileZilla `sitemanager.xml`, `recentservers.xml`, `filezilla.xml`.
    Filezilla,
    /// `WinSCP.ini`.
    Winscp,
    /// Editor deployment files: Sublime SFTP `sftp-config.json`, Atom `.ftpconfig` and
    /// `.remote-sync.json`, VS Code `sftp.json`.
    SftpConfig,
    /// DBeaver `data-sources*.json`.
    Dbeaver,
    /// Robo 3T / Robomongo `robo3t.json`, `robomongo.json`.
    Robomongo,
    /// JetBrains IDE `dataSources.xml`, `dataSources.local.xml`, `webServers.xml`.
    Jetbrains,
    /// Mail clients: `.msmtprc`, `.esmtprc`, `.muttrc`, `.fetchmailrc`.
    Mailrc,
    /// Maven `settings.xml` and `settings-security.xml`.
    MavenSettings,
    /// `NuGet.Config`.
    Nuget,
    /// `gradle.properties`.
    GradleProperties,
    /// Jenkins `credentials.xml`.
    JenkinsCredentials,
    /// Terraform state `*.tfstate`, `*.tfstate.backup`.
    TerraformState,
    /// WordPress `wp-config.php`.
    WpConfig,
    /// Rails `config/master.key` and `config/credentials/*.key`.
    RailsMasterKey,
    /// Jenkins `secrets/master.key`.
    JenkinsMasterKey,
    /// NATS nkey seed files `*.nk`.
    NatsNkey,
    /// CSV or TSV exports whose header names a credential column (password managers, OTP
    /// exports, user lists).
    CsvExport,
    /// Shared-secret key files: MongoDB `keyfile`, `mongodb-keyfile`, `*.keyfile`, and a file
    /// called `secret`.
    KeyFile,
}

impl Kind {
    /// Every kind, for documentation and tests.
    pub const ALL: [Kind; 30] = [
        Kind::Netrc,
        Kind::Pgpass,
        Kind::GitCredentials,
        Kind::Htpasswd,
        Kind::Shadow,
        Kind::Npmrc,
        Kind::Pypirc,
        Kind::DockerConfig,
        Kind::Kubeconfig,
        Kind::AwsCredentials,
        Kind::S3cfg,
        Kind::Boto,
        Kind::Filezilla,
        Kind::Winscp,
        Kind::SftpConfig,
        Kind::Dbeaver,
        Kind::Robomongo,
        Kind::Jetbrains,
        Kind::Mailrc,
        Kind::MavenSettings,
        Kind::Nuget,
        Kind::GradleProperties,
        Kind::JenkinsCredentials,
        Kind::TerraformState,
        Kind::WpConfig,
        Kind::RailsMasterKey,
        Kind::JenkinsMasterKey,
        Kind::NatsNkey,
        Kind::CsvExport,
        Kind::KeyFile,
    ];

    /// A typical path of this kind (rule examples are scanned as a file there).
    pub fn sample_path(self) -> &'static str {
        match self {
            Kind::Netrc => "home/.netrc",
            Kind::Pgpass => "home/.pgpass",
            Kind::GitCredentials => "home/.git-credentials",
            Kind::Htpasswd => "site/.htpasswd",
            Kind::Shadow => "etc/shadow",
            Kind::Npmrc => ".npmrc",
            Kind::Pypirc => "home/.pypirc",
            Kind::DockerConfig => "home/.docker/config.json",
            Kind::Kubeconfig => "home/.kube/config",
            Kind::AwsCredentials => "home/.aws/credentials",
            Kind::S3cfg => "home/.s3cfg",
            Kind::Boto => "home/.boto",
            Kind::Filezilla => "FileZilla/sitemanager.xml",
            Kind::Winscp => "WinSCP.ini",
            Kind::SftpConfig => "sftp-config.json",
            Kind::Dbeaver => ".dbeaver/data-sources.json",
            Kind::Robomongo => "home/.3T/robo-3t/robo3t.json",
            Kind::Jetbrains => ".idea/dataSources.xml",
            Kind::Mailrc => "home/.msmtprc",
            Kind::MavenSettings => "home/.m2/settings.xml",
            Kind::Nuget => "NuGet.Config",
            Kind::GradleProperties => "gradle.properties",
            Kind::JenkinsCredentials => "jenkins/credentials.xml",
            Kind::TerraformState => "terraform.tfstate",
            Kind::WpConfig => "wp-config.php",
            Kind::RailsMasterKey => "config/master.key",
            Kind::JenkinsMasterKey => "jenkins/secrets/master.key",
            Kind::NatsNkey => "nkeys/user.nk",
            Kind::CsvExport => "exports/passwords.csv",
            Kind::KeyFile => "roles/mongod/files/keyfile",
        }
    }

    /// The parser of this kind.
    pub fn parser(self) -> &'static dyn Parser {
        match self {
            Kind::Netrc => &netrc::Netrc,
            Kind::Pgpass => &colon::PGPASS,
            Kind::Htpasswd => &colon::HTPASSWD,
            Kind::Shadow => &colon::SHADOW,
            Kind::GitCredentials => &url::Userinfo,
            Kind::Mailrc => &words::MailClient,
            Kind::RailsMasterKey => &whole::RAILS_MASTER_KEY,
            Kind::JenkinsMasterKey => &whole::JENKINS_MASTER_KEY,
            Kind::NatsNkey => &whole::NKEY_SEED,
            Kind::TerraformState => &tfstate::TerraformState,
            Kind::CsvExport => &csv::CsvExport,
            Kind::KeyFile => &whole::KEY_FILE,
            _ => &keyvalue::KeyValue,
        }
    }
}

/// How much of a file's start is sniffed for kinds that share a common file name.
const SNIFF: usize = 16 * 1024;

/// The credential-file kind of a file, from its path (relative, `/`-separated) and, where the
/// name is shared with other files, its content.
pub fn kind_of(path: &str, hay: &[u8]) -> Option<Kind> {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let base = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    let head = &hay[..hay.len().min(SNIFF)];
    let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    let kind = match base {
        ".netrc" | "_netrc" | "netrc" => Kind::Netrc,
        "keyfile" | "mongodb-keyfile" | "mongo-keyfile" | "mongodb.keyfile" | "secret" => Kind::KeyFile,
        ".pgpass" | "pgpass" | "pgpass.conf" => Kind::Pgpass,
        ".git-credentials" | "git-credentials" => Kind::GitCredentials,
        ".htpasswd" | "htpasswd" | ".htdigest" | "htdigest" => Kind::Htpasswd,
        "shadow" | "shadow-" if parent == "etc" || has(b":") => Kind::Shadow,
        ".npmrc" | "npmrc" | ".yarnrc" | ".yarnrc.yml" => Kind::Npmrc,
        ".pypirc" | "pypirc" => Kind::Pypirc,
        ".dockercfg" => Kind::DockerConfig,
        "config.json" if has(b"\"auths\"") => Kind::DockerConfig,
        "credentials" | "config" if parent == ".aws" => Kind::AwsCredentials,
        "config" if parent == ".kube" => Kind::Kubeconfig,
        ".s3cfg" | "s3cfg" => Kind::S3cfg,
        ".boto" | "boto.cfg" | "boto.config" => Kind::Boto,
        "sitemanager.xml" | "recentservers.xml" | "filezilla.xml" => Kind::Filezilla,
        "winscp.ini" => Kind::Winscp,
        "sftp-config.json" | ".ftpconfig" | ".remote-sync.json" | "sftp.json" => Kind::SftpConfig,
        "robo3t.json" | "robomongo.json" => Kind::Robomongo,
        "datasources.xml" | "datasources.local.xml" | "webservers.xml" => Kind::Jetbrains,
        ".msmtprc" | "msmtprc" | ".esmtprc" | "esmtprc" | ".muttrc" | "muttrc" | ".fetchmailrc" => Kind::Mailrc,
        "settings.xml" | "settings-security.xml" if has(b"<settings") => Kind::MavenSettings,
        "nuget.config" => Kind::Nuget,
        "gradle.properties" => Kind::GradleProperties,
        "credentials.xml" if has(b"<com.cloudbees") || has(b"credentials") => Kind::JenkinsCredentials,
        "wp-config.php" => Kind::WpConfig,
        "master.key" if parent == "config" => Kind::RailsMasterKey,
        "master.key" if parent == "secrets" => Kind::JenkinsMasterKey,
        _ if parent == "credentials" && base.ends_with(".key") && lower.contains("config/credentials/") => {
            Kind::RailsMasterKey
        }
        _ if base.ends_with(".tfstate") || base.ends_with(".tfstate.backup") => Kind::TerraformState,
        _ if base.starts_with("data-sources") && base.ends_with(".json") => Kind::Dbeaver,
        _ if base.ends_with(".htpasswd") => Kind::Htpasswd,
        _ if base.ends_with(".netrc") => Kind::Netrc,
        _ if base.ends_with(".pgpass") => Kind::Pgpass,
        _ if base.ends_with(".nk") => Kind::NatsNkey,
        _ if base.ends_with(".keyfile") => Kind::KeyFile,
        _ if (base.ends_with(".csv") || base.ends_with(".tsv")) && csv::has_credential_header(head) => Kind::CsvExport,
        _ if base.starts_with("kubeconfig") || base.ends_with(".kubeconfig") => Kind::Kubeconfig,
        _ if yaml_like(base) && has(b"kind: Config") && has(b"users:") => Kind::Kubeconfig,
        _ => return None,
    };
    Some(kind)
}

/// A name a kubeconfig may have when it is not called `config`: YAML, `.conf` or no extension.
fn yaml_like(base: &str) -> bool {
    base.ends_with(".yaml") || base.ends_with(".yml") || base.ends_with(".conf") || !base.contains('.')
}

/// The fields of `hay` read as a file of `kind`.
pub fn fields(kind: Kind, hay: &[u8], out: &mut Vec<Field>) {
    kind.parser().fields(hay, out);
}

/// The lines of `hay` with their start offsets, without the line break (`\r\n` too).
pub(crate) fn lines(hay: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= hay.len() {
            return None;
        }
        let start = at;
        let end = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |i| at + i);
        at = end + 1;
        let line = &hay[start..end];
        Some((start, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

#[cfg(test)]
mod tests;
