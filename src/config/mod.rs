//! The configuration file: `.keyhound.toml` at the root of the scanned tree, or any file given
//! with `--config` — in keyhound's format or in gitleaks' (see [`gitleaks`]), told apart by
//! its content.
//!
//! ```toml
//! max-file-size = "25MiB"              # or a number of bytes
//! disabled-rules = ["jwt"]             # rule ids to turn off
//! default-format = "sarif"             # used when --format is not given
//!
//! [allowlist]
//! paths = ["fixtures/**"]              # globs relative to the scan root: findings are suppressed
//!
//! [entropy]
//! generic = 3.5                        # minimum Shannon entropy for the generic rules
//!
//! [rule."generic-api-key"]             # settings of one rule, by id
//! entropy = 4.0                        # minimum Shannon entropy of its secrets
//! severity = "high"                    # critical | high | medium | low
//! confidence = "medium"                # high | medium | low
//! allow = ['''^test_''']               # regexes on the secret: matches are suppressed
//! stopwords = ["sample"]               # words in the secret (any case): suppressed
//! paths = ["docs/**"]                  # path globs: suppressed for this rule only
//!
//! [[rules]]                            # extra rules, same format as rules/*.toml
//! id = "acme-api-key"
//! # …
//! ```
//!
//! Unknown keys and invalid values are errors naming the file, the key and the reason; a
//! `[rule."id"]` whose id is not a loaded rule is an error naming the id (checked once the rules
//! are loaded, in [`crate::cli::settings`]). Findings suppressed by `[rule."id"]` allowlists are
//! counted as `rule_allowlist` suppressions.

pub mod gitleaks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum as _;
use serde::Deserialize;

use crate::policy::allowlist::Allowlist as RuleAllowlist;
use crate::report::Format;
use crate::rules::{Confidence, RuleSyntax, Severity};

/// The file name looked for at the root of a scanned tree.
pub const FILE_NAME: &str = ".keyhound.toml";

/// A configuration error: which file and why.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ConfigError {
    /// The configuration file.
    pub file: String,
    /// What is wrong (names the key).
    pub reason: String,
}

impl ConfigError {
    fn new(file: &str, reason: impl Into<String>) -> Self {
        ConfigError { file: file.to_string(), reason: reason.into() }
    }
}

/// `[allowlist]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Path globs whose findings are suppressed.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// Which format a configuration file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// `.keyhound.toml`.
    #[default]
    Keyhound,
    /// A gitleaks configuration (`.gitleaks.toml`), translated.
    Gitleaks,
}

/// Settings of one rule that change how it matches or how it is reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleOverride {
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Severity instead of the rule's.
    pub severity: Option<Severity>,
    /// Confidence instead of the rule's.
    pub confidence: Option<Confidence>,
}

/// A size given as bytes or as a string with a unit (`25MiB`, `1G`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    max_file_size: Option<SizeValue>,
    #[serde(default)]
    disabled_rules: Vec<String>,
    default_format: Option<String>,
    #[serde(default)]
    allowlist: Allowlist,
    #[serde(default)]
    entropy: EntropyTable,
    #[serde(default)]
    rule: BTreeMap<String, RuleTable>,
    #[serde(default)]
    rules: Vec<RuleSyntax>,
    #[serde(default)]
    pre_receive: PreReceive,
}

/// `[pre-receive]`: the server hook's settings, which only the server's admin controls (the
/// file lives in the receiving repository, not in what is pushed).
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PreReceive {
    /// Honour `git push -o keyhound.skip` (logged) instead of ignoring it.
    #[serde(default)]
    pub allow_skip: bool,
    /// Time budget in seconds.
    pub timeout: Option<u64>,
    /// What a push whose scan ran out of time gets: `reject` (default) or `accept`.
    pub on_timeout: Option<OnTimeout>,
}

/// The verdict on a push whose scan ran past its time budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum OnTimeout {
    /// Fail closed: refuse the push.
    Reject,
    /// Fail open: accept it, with a warning.
    Accept,
}

/// `[entropy]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntropyTable {
    generic: Option<f64>,
}

/// `[rule."id"]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleTable {
    entropy: Option<f64>,
    severity: Option<Severity>,
    confidence: Option<Confidence>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
}

/// A loaded configuration (either dialect).
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from (None: defaults).
    pub path: Option<PathBuf>,
    /// The format it was written in.
    pub dialect: Dialect,
    /// `max-file-size` in bytes.
    pub max_file_size: Option<u64>,
    /// `default-format`: the report format when `--format` is not given.
    pub default_format: Option<Format>,
    /// Rule ids to disable (an unknown id is an error).
    pub disabled_rules: Vec<String>,
    /// Rule ids to disable if such a rule is loaded (gitleaks `disabledRules`: its ids are
    /// gitleaks' own, so an unknown one is a warning).
    pub disabled_if_present: Vec<String>,
    /// Path allowlist (globs).
    pub allowlist: Allowlist,
    /// `[entropy] generic`: minimum Shannon entropy for rules with `generic = true`.
    pub generic_entropy: Option<f64>,
    /// `[rule."id"]` settings by rule id.
    pub overrides: BTreeMap<String, RuleOverride>,
    /// Allowlists of some rules (or all): `[rule."id"]` `allow`, `stopwords`, `paths`, and
    /// gitleaks allowlists.
    pub allowlists: Vec<RuleAllowlist>,
    /// Extra rules.
    pub rules: Vec<RuleSyntax>,
    /// Whether keyhound's built-in rules are loaded (a gitleaks configuration keeps them only
    /// with `[extend] useDefault = true`).
    pub use_builtin: bool,
    /// What could not be translated (gitleaks), for stderr.
    pub warnings: Vec<String>,
    /// `[pre-receive]`.
    pub pre_receive: PreReceive,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            dialect: Dialect::Keyhound,
            max_file_size: None,
            default_format: None,
            disabled_rules: Vec::new(),
            disabled_if_present: Vec::new(),
            allowlist: Allowlist::default(),
            generic_entropy: None,
            overrides: BTreeMap::new(),
            allowlists: Vec::new(),
            rules: Vec::new(),
            use_builtin: true,
            warnings: Vec::new(),
            pre_receive: PreReceive::default(),
        }
    }
}

/// Checks an entropy value: bits per character of bytes, 0 to 8.
fn entropy_ok(file: &str, key: &str, e: f64) -> Result<f64, ConfigError> {
    if (0.0..=8.0).contains(&e) {
        Ok(e)
    } else {
        Err(ConfigError::new(file, format!("key `{key}`: {e} is outside 0..8 bits per character")))
    }
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::new(&file, format!("cannot read: {e}")))?;
        Config::parse(&file, &text).map(|mut c| {
            c.path = Some(path.to_path_buf());
            c
        })
    }

    /// Parses configuration text (`file` names it in errors), in whichever dialect it is.
    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
        let toml_error = |e: toml::de::Error| ConfigError::new(file, e.to_string().trim().replace('\n', " "));
        let table: toml::Table = toml::from_str(text).map_err(toml_error)?;
        if gitleaks::looks_like_gitleaks(file, &table) {
            return gitleaks::translate(file, &table);
        }
        let raw: ConfigFile = toml::from_str(text).map_err(toml_error)?;
        let max_file_size = match raw.max_file_size {
            None => None,
            Some(SizeValue::Bytes(n)) => Some(n),
            Some(SizeValue::Text(t)) => {
                Some(parse_size(&t).map_err(|r| ConfigError::new(file, format!("key `max-file-size`: {r}")))?)
            }
        };
        let default_format = match raw.default_format {
            None => None,
            Some(f) => Some(Format::from_str(&f, true).map_err(|_| {
                let names: Vec<String> = Format::value_variants()
                    .iter()
                    .filter_map(|v| v.to_possible_value())
                    .map(|v| v.get_name().to_string())
                    .collect();
                ConfigError::new(
                    file,
                    format!("key `default-format`: `{f}` is not a format (one of {})", names.join(", ")),
                )
            })?),
        };
        let generic_entropy = raw.entropy.generic.map(|e| entropy_ok(file, "entropy.generic", e)).transpose()?;
        let mut overrides = BTreeMap::new();
        let mut allowlists = Vec::new();
        for (id, t) in raw.rule {
            let key = |k: &str| format!("rule.\"{id}\".{k}");
            let rule_err =
                |k: &str, reason: String| ConfigError::new(file, format!("rule `{id}`: key `{}`: {reason}", key(k)));
            let entropy = t.entropy.map(|e| entropy_ok(file, &key("entropy"), e)).transpose()?;
            let mut a = RuleAllowlist::new(vec![id.clone()]);
            for p in &t.allow {
                a.regex(p).map_err(|r| rule_err("allow", r))?;
            }
            for w in &t.stopwords {
                a.stopword(w).map_err(|r| rule_err("stopwords", r))?;
            }
            a.globs(&t.paths).map_err(|r| rule_err("paths", r))?;
            if !a.is_empty() {
                allowlists.push(a);
            }
            overrides.insert(id, RuleOverride { entropy, severity: t.severity, confidence: t.confidence });
        }
        Ok(Config {
            max_file_size,
            default_format,
            disabled_rules: raw.disabled_rules,
            allowlist: raw.allowlist,
            generic_entropy,
            overrides,
            allowlists,
            rules: raw.rules,
            pre_receive: raw.pre_receive,
            ..Config::default()
        })
    }

    /// The file name shown in messages.
    pub fn file_name(&self) -> String {
        self.path.as_ref().map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string())
    }
}

/// Parses `123`, `64K`, `25MiB`, `1G` (binary units; `B` and `iB` suffixes optional).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size (examples: 1048576, 512K, 25MiB, 1G)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}` has an unknown unit (use K, M or G)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("25MiB"), Ok(25 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5T").is_err());
    }

    #[test]
    fn unknown_keys_name_file_and_key() {
        let e = Config::parse("x/.keyhound.toml", "max-file-sise = 3\n").unwrap_err();
        assert!(e.to_string().starts_with("x/.keyhound.toml: "), "{e}");
        assert!(e.to_string().contains("max-file-sise"), "{e}");
        let e = Config::parse("c.toml", "max-file-size = \"huge\"\n").unwrap_err();
        assert!(e.to_string().contains("key `max-file-size`"), "{e}");
        let c = Config::parse("c.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n").unwrap();
        assert_eq!(c.allowlist.paths, vec!["fixtures/**"]);
    }
}
