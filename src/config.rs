//! The configuration file, `.keyhound.toml`: found at the root of the scanned tree or given
//! with `--config`.
//!
//! ```toml
//! max-file-size = "25MiB"          # or a number of bytes
//! disabled-rules = ["jwt"]         # rule ids to turn off
//!
//! [allowlist]
//! paths = ["fixtures/**"]          # globs relative to the scan root: findings are suppressed
//!
//! [[rules]]                        # extra rules, same format as rules/*.toml
//! id = "acme-api-key"
//! # …
//! ```
//!
//! Unknown keys and invalid values are errors naming the file, the key and the reason.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rules::RuleSyntax;

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

/// `[allowlist]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Path globs whose findings are suppressed.
    #[serde(default)]
    pub paths: Vec<String>,
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
    #[serde(default)]
    allowlist: Allowlist,
    #[serde(default)]
    rules: Vec<RuleSyntax>,
}

/// A loaded configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where it was read from (None: defaults).
    pub path: Option<PathBuf>,
    /// `max-file-size` in bytes.
    pub max_file_size: Option<u64>,
    /// Rule ids to disable.
    pub disabled_rules: Vec<String>,
    /// Path allowlist.
    pub allowlist: Allowlist,
    /// Extra rules.
    pub rules: Vec<RuleSyntax>,
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError { file: file.clone(), reason: format!("cannot read: {e}") })?;
        Config::parse(&file, &text).map(|mut c| {
            c.path = Some(path.to_path_buf());
            c
        })
    }

    /// Parses configuration text (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
        let raw: ConfigFile = toml::from_str(text)
            .map_err(|e| ConfigError { file: file.to_string(), reason: e.to_string().trim().replace('\n', " ") })?;
        let max_file_size = match raw.max_file_size {
            None => None,
            Some(SizeValue::Bytes(n)) => Some(n),
            Some(SizeValue::Text(t)) => Some(
                parse_size(&t)
                    .map_err(|r| ConfigError { file: file.to_string(), reason: format!("key `max-file-size`: {r}") })?,
            ),
        };
        Ok(Config {
            path: None,
            max_file_size,
            disabled_rules: raw.disabled_rules,
            allowlist: raw.allowlist,
            rules: raw.rules,
        })
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
