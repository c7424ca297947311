//! Arguments plus configuration file → validated settings: rules loaded, paths resolved.
//!
//! This is the one place where flags and `.keyhound.toml` are merged.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

use crate::cli::args::{RuleArgs, ScanArgs};
use crate::config::{self, Config};
use crate::matcher::Detector;
use crate::policy::Policy;
use crate::policy::ignore_file::{self, IgnoreFile};
use crate::rules::{RuleSet, RuleSource, load};
use crate::scan::ScanConfig;
use crate::source::fs::WalkOptions;

/// Default `--max-file-size`: 25 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 << 20;

/// Finds the configuration: `--config`, else `.keyhound.toml` in `root` if it is a directory.
pub fn find_config(explicit: Option<&Path>, root: Option<&Path>) -> Result<Config> {
    if let Some(p) = explicit {
        return Ok(Config::load(p)?);
    }
    if let Some(r) = root
        && r.is_dir()
    {
        let candidate = r.join(config::FILE_NAME);
        if candidate.is_file() {
            return Ok(Config::load(&candidate)?);
        }
    }
    Ok(Config::default())
}

/// Loads the rule set: built-in (unless disabled), `--rules`, then the config's rules.
pub fn load_rules(args: &RuleArgs, cfg: &Config) -> Result<RuleSet> {
    let mut sources: Vec<RuleSource> = Vec::new();
    if !args.no_default_rules {
        sources.extend(load::builtin_sources().map_err(|e| anyhow!("{e}"))?);
    }
    for p in &args.rules {
        sources.extend(load::read_path(p).map_err(|e| anyhow!("{e}"))?);
    }
    if !cfg.rules.is_empty() {
        let file = cfg.path.as_ref().map_or_else(|| config::FILE_NAME.to_string(), |p| p.display().to_string());
        sources.push(RuleSource { file, builtin: false, rules: cfg.rules.clone() });
    }
    let set = load::build(sources, &cfg.disabled_rules).map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        anyhow!("{} broken rule(s):\n{}", errs.len(), lines.join("\n"))
    })?;
    if set.is_empty() {
        return Err(anyhow!("no rules to scan with (--no-default-rules without --rules or [[rules]] in the config)"));
    }
    Ok(set)
}

/// Everything `scan` needs, resolved.
pub struct ScanSettings {
    /// Scan configuration.
    pub scan: ScanConfig,
    /// Rules and prefilter.
    pub detector: Detector,
}

/// Builds scan settings from `keyhound scan` arguments.
pub fn scan_settings(args: &ScanArgs) -> Result<ScanSettings> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let roots: Vec<PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    for r in &roots {
        std::fs::symlink_metadata(r).with_context(|| format!("{}: cannot scan", r.display()))?;
    }
    let cfg = find_config(args.rule_args.config.as_deref(), roots.first().map(PathBuf::as_path))?;
    let max_file_size = match &args.max_file_size {
        Some(s) => config::parse_size(s).map_err(|e| anyhow!("--max-file-size: {e}"))?,
        None => cfg.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
    };
    let rules = load_rules(&args.rule_args, &cfg)?;
    let detector = Detector::new(rules).map_err(|e| anyhow!(e))?;
    let mut policy = Policy::new(&cfg.allowlist.paths).map_err(|e| {
        anyhow!(
            "{}: [allowlist] paths: {e}",
            cfg.path.as_ref().map_or("configuration".into(), |p| p.display().to_string())
        )
    })?;
    if let Some(root) = roots.first().filter(|r| r.is_dir()) {
        let f = root.join(ignore_file::FILE_NAME);
        if f.is_file() {
            policy = policy.with_ignore_file(IgnoreFile::load(&f).map_err(|e| anyhow!(e))?);
        }
    }
    Ok(ScanSettings {
        scan: ScanConfig {
            roots,
            stdin,
            walk: WalkOptions {
                no_ignore: args.no_ignore,
                follow_links: args.follow,
                max_file_size,
                threads: args.threads.unwrap_or(0),
            },
            policy,
        },
        detector,
    })
}
