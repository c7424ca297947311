//! `keyhound config check`: the configuration in effect and the effective rule set.

use std::io::{self, Write};

use crate::cli::args::RuleArgs;
use crate::config::{Config, Dialect};
use crate::rules::RuleSet;

/// Writes the summary of a valid configuration and one line per effective rule: id, provider,
/// confidence, severity, where it came from, and what the configuration changes about it.
pub fn write(out: &mut dyn Write, cfg: &Config, rules: &RuleSet, args: &RuleArgs, warnings: usize) -> io::Result<()> {
    let file = cfg.file_name();
    match (&cfg.path, cfg.dialect) {
        (None, _) => writeln!(out, "configuration: none (defaults)")?,
        (Some(_), Dialect::Keyhound) => writeln!(out, "configuration: {file} (keyhound format): valid")?,
        (Some(_), Dialect::Gitleaks) => writeln!(out, "configuration: {file} (gitleaks format, translated): valid")?,
    }
    let builtin = !args.no_default_rules && cfg.use_builtin;
    writeln!(out, "built-in rules: {}", if builtin { "on" } else { "off" })?;
    if let Some(n) = cfg.max_file_size {
        writeln!(out, "max-file-size: {n} bytes")?;
    }
    if let Some(f) = cfg.default_format {
        let name = clap::ValueEnum::to_possible_value(&f).map(|v| v.get_name().to_string()).unwrap_or_default();
        writeln!(out, "default-format: {name}")?;
    }
    if !cfg.allowlist.paths.is_empty() {
        writeln!(out, "path allowlist: {}", cfg.allowlist.paths.join(", "))?;
    }
    if let Some(e) = cfg.generic_entropy {
        writeln!(out, "generic rules' minimum entropy: {e}")?;
    }
    for a in cfg.allowlists.iter().filter(|a| a.rules.is_empty()) {
        writeln!(out, "allowlist for every rule: {}", a.describe())?;
    }
    let mut disabled: Vec<&String> = cfg.disabled_rules.iter().collect();
    disabled.extend(cfg.disabled_if_present.iter().filter(|id| rules.position(id).is_none()));
    let from_config = rules.rules().iter().filter(|r| cfg.path.is_some() && r.source == file).count();
    let with_allowlists =
        rules.rules().iter().filter(|r| cfg.allowlists.iter().any(|a| a.rules.contains(&r.id))).count();
    writeln!(
        out,
        "rules in effect: {} ({from_config} from the configuration, {} with settings, {with_allowlists} with extra allowlists)",
        rules.len(),
        rules.rules().iter().filter(|r| cfg.overrides.contains_key(&r.id)).count(),
    )?;
    if !disabled.is_empty() {
        let ids: Vec<&str> = disabled.iter().map(|s| s.as_str()).collect();
        writeln!(out, "disabled: {}", ids.join(", "))?;
    }
    if warnings > 0 {
        writeln!(out, "warnings: {warnings} (on stderr): parts of the configuration are ignored")?;
    }
    writeln!(out)?;
    let rows: Vec<[String; 6]> = rules
        .rules()
        .iter()
        .map(|r| {
            let origin = if cfg.path.is_some() && r.source == file {
                "config".to_string()
            } else if args.rules.iter().any(|p| r.source.starts_with(&p.display().to_string())) {
                r.source.clone()
            } else {
                "built-in".to_string()
            };
            let mut notes = Vec::new();
            if let Some(o) = cfg.overrides.get(&r.id) {
                if o.entropy.is_some() {
                    notes.push(format!("entropy {}", r.min_entropy.unwrap_or_default()));
                }
                if o.severity.is_some() {
                    notes.push("severity set".to_string());
                }
                if o.confidence.is_some() {
                    notes.push("confidence set".to_string());
                }
            } else if r.generic
                && let Some(e) = cfg.generic_entropy
            {
                notes.push(format!("entropy {e}"));
            }
            if let Some(p) = &r.syntax.path {
                notes.push(format!("only paths matching `{p}`"));
            }
            for a in cfg.allowlists.iter().filter(|a| a.rules.contains(&r.id)) {
                notes.push(format!("allowlist: {}", a.describe()));
            }
            [
                r.id.clone(),
                r.provider.clone(),
                r.confidence.to_string(),
                r.severity.to_string(),
                origin,
                notes.join("; "),
            ]
        })
        .collect();
    let header = ["ID", "PROVIDER", "CONFIDENCE", "SEVERITY", "ORIGIN", "CONFIGURED"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i < 5 {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            } else {
                line.push_str(cell);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
