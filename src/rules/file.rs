//! Serde types for rule files exactly as they are written (`rules/*.toml`, `--rules`,
//! `[[rules]]` in `.keyhound.toml`).
//!
//! These are kept apart from the compiled [`crate::rules::Rule`] so that load errors can name the
//! file and rule id, and so the data format can evolve without touching the matcher.

use serde::{Deserialize, Serialize};

use crate::rules::{Confidence, Severity};

/// A whole rule file: a list of `[[rules]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules in the file, in order.
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
}

/// One rule as written in TOML.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    /// Stable kebab-case identifier.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Who issues the credential.
    pub provider: String,
    /// The family the provider belongs to (`rules list` groups by it).
    #[serde(default)]
    pub family: Option<Family>,
    /// How bad a leak is.
    pub severity: Severity,
    /// How sure a match is a real credential (default high).
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Literals for the prefilter, matched ASCII case-insensitively.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The regex, with a named group `secret` (may be empty when the rule has `assign`).
    #[serde(default)]
    pub regex: String,
    /// A name-gated rule: a value the [assignment recogniser](crate::assign) finds under a
    /// name (`DB_PASSWORD=…`, `<apiKey>…</apiKey>`, `--token …`). A rule may have both this and
    /// a `regex` (for forms that are not assignments); it needs one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<AssignSyntax>,
    /// A credential-file rule: a field that a [credential file](crate::credfile) of this kind
    /// gives a meaning (`file = { kind = "pgpass", field = "^password$" }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileSyntax>,
    /// Minimum Shannon entropy (bits per character) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Bytes after a keyword hit that a match may reach.
    #[serde(default)]
    pub window: Option<usize>,
    /// A built-in validator to run on the match.
    #[serde(default)]
    pub check: Option<CheckKind>,
    /// Whether the placeholder filter applies (default true).
    #[serde(default = "default_true")]
    pub placeholder_filter: bool,
    /// Generic rules lose to provider rules on the same secret.
    #[serde(default)]
    pub generic: bool,
    /// Regexes: a secret matching any of them is not a finding.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Words: a secret containing any of them (case-insensitive) is not a finding.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// The provider's documentation of the format.
    #[serde(default)]
    pub references: Vec<String>,
    /// Where and how this credential is revoked and rotated.
    #[serde(default)]
    pub revoke: String,
    /// Strings that must match, with the expected secret.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Strings that must not match.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// A second part reported in the same finding (e.g. AWS secret access key).
    #[serde(default)]
    pub pair: Option<PairSyntax>,
    /// A regex on the file's path (relative, `/`-separated): the rule only applies to files
    /// whose path it matches (gitleaks' rule `path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How `--verify` checks a found credential with its provider (see
    /// [`crate::verify::spec`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<crate::verify::spec::RequestSyntax>,
    /// How `keyhound revoke` revokes a found credential at its provider (see
    /// [`crate::revoke`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<crate::verify::spec::RequestSyntax>,
}

fn default_true() -> bool {
    true
}

/// Families of providers, for listing coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// AI and ML platforms and gateways.
    Ai,
    /// Cloud and infrastructure providers.
    Cloud,
    /// Code hosting, CI and package registries.
    Code,
    /// Databases, data platforms and messaging.
    Data,
    /// SaaS, payments, observability and identity.
    Saas,
    /// Keys and tokens recognised by their shape (private keys, JWTs, URLs with credentials).
    Shape,
    /// Generic assignments gated by entropy.
    Generic,
}

impl Family {
    /// Human heading.
    pub fn title(self) -> &'static str {
        match self {
            Family::Ai => "AI and ML",
            Family::Cloud => "Cloud and infrastructure",
            Family::Code => "Code, CI and packages",
            Family::Data => "Data and messaging",
            Family::Saas => "SaaS, payments, observability and identity",
            Family::Shape => "Keys and tokens by shape",
            Family::Generic => "Generic",
        }
    }
}

/// An example that must match.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Input text.
    pub text: String,
    /// The secret the rule must report for it.
    pub secret: String,
    /// The second part the rule must report, if the rule has a pair.
    #[serde(default)]
    pub pair: Option<String>,
}

/// What a name-gated rule asks of an assignment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssignSyntax {
    /// Regex searched in the assignment's name (write `(?i)` for case-insensitive names).
    pub name: String,
    /// Regex the whole value must match; a named group `secret` narrows what is reported.
    pub value: String,
    /// HTTP auth schemes the value must come with (`Bearer`, `Basic`, case-insensitive);
    /// empty: any value, with or without a scheme.
    #[serde(default)]
    pub schemes: Vec<String>,
    /// Regex: an assignment whose name it matches is not a finding (`public`, `_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_name: Option<String>,
}

/// What a credential-file rule reports.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSyntax {
    /// The file kind.
    pub kind: crate::credfile::Kind,
    /// Regex searched in the field's lower-cased key.
    pub field: String,
    /// Regex the whole value must match (the shape of the credential), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The second part of a multi-part credential.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PairSyntax {
    /// Name of the part, e.g. "secret access key".
    pub name: String,
    /// Regex with a named group `secret`.
    pub regex: String,
    /// The part must start within this many lines of the first part.
    #[serde(default = "default_within")]
    pub within_lines: usize,
}

fn default_within() -> usize {
    5
}

/// Built-in validators a rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// A JSON Web Token: the header must decode to a JSON object with `alg`.
    Jwt,
    /// A generic assignment: the name must not be public/id-like and the value must look random.
    Generic,
    /// `prefix_` + 30 characters + a 6-character base62 CRC32 of those 30 (GitHub, npm):
    /// a valid checksum makes the match high confidence, an invalid one low.
    Crc32Base62,
    /// `pypi-` + base64url of a macaroon in the libmacaroons v2 binary format (PyPI API
    /// tokens): a well-formed macaroon makes the match high confidence, anything else low.
    PypiMacaroon,
    /// A GitLab routable token (`<prefix><base64-payload>.<version>.<payload-length><crc32>`):
    /// the CRC32 and the payload are verified (valid: high confidence, invalid: low); a token
    /// without the routable suffix (the classic random form) keeps the rule's confidence.
    GitlabRoutable,
    /// A password under a password-like name, found by the assignment recogniser: the
    /// [password judge](crate::matcher::password) rejects placeholders, references, types,
    /// prompts and expressions and sets the confidence. A regex or credential-file rule whose
    /// format says the value is a password has it judged as a literal password.
    Password,
    /// HTTP Basic credentials: base64 of `user:password`, the password judged as a password
    /// (see [`crate::matcher::basic_auth`]).
    BasicAuth,
    /// A PEM private key that is not encrypted (an encrypted one is another rule's; see
    /// [`crate::matcher::pem`]).
    PlainKey,
    /// The password of a URL's userinfo, percent-decoded and judged as a password
    /// (see [`crate::matcher::password::url_password_ok`]).
    UrlPassword,
    /// A PEM private key encrypted with a passphrase.
    EncryptedKey,
    /// A password hash in a known format (see [`crate::matcher::password_hash`]).
    PasswordHash,
    /// A literal under a secret key's name (`SECRET_KEY`, `secret_access_key`,
    /// `ENCRYPTION_KEY`), judged by [`crate::matcher::secret_key`].
    SecretKey,
}
