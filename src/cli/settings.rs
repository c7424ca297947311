//! Arguments plus configuration file → validated settings: rules loaded, paths resolved.
//!
//! This is the one place where flags and `.keyhound.toml` are merged.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

use crate::audit::AuditConfig;
use crate::cli::args::{AuditArgs, ColorChoice, RuleArgs, ScanArgs};
use crate::config::{self, Config};
use crate::matcher::Detector;
use crate::policy::Policy;
use crate::policy::baseline::Baseline;
use crate::policy::gitleaks_ignore::{self, GitleaksIgnore};
use crate::policy::ignore_file::{self, IgnoreFile};
use crate::report::Format;
use crate::rules::{RuleSet, RuleSource, load};
use crate::scan::{Input, ScanConfig};
use crate::source::fs::WalkOptions;
use crate::source::git_history::{self, HistoryOptions};
use crate::source::{staged, window};

/// Without `--max-file-size`, files of any size are scanned (in windows); objects read whole
/// into memory (git blobs, staged blobs, image-layer members, archives and their members) are
/// skipped over this size, 256 MiB, and counted as `too_large`.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 256 << 20;

/// Finds the configuration: `--config`, else `.keyhound.toml` in `root` if it is a directory
/// (keyhound's format or gitleaks', see [`crate::config`]).
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

/// Loads the rule set: built-in (unless disabled by `--no-default-rules` or a gitleaks
/// configuration without `[extend] useDefault = true`), `--rules`, then the config's rules;
/// then applies the config's `[entropy]` and `[rule."id"]` settings. Warnings (a gitleaks
/// `disabledRules` id that no rule has) are added to `warnings`.
pub fn load_rules(args: &RuleArgs, cfg: &Config, warnings: &mut Vec<String>) -> Result<RuleSet> {
    let mut sources: Vec<RuleSource> = Vec::new();
    if !args.no_default_rules && cfg.use_builtin {
        sources.extend(load::builtin_sources_for_scan().map_err(|e| anyhow!("{e}"))?);
    }
    for p in &args.rules {
        sources.extend(load::read_path(p).map_err(|e| anyhow!("{e}"))?);
    }
    let file = cfg.file_name();
    if !cfg.rules.is_empty() {
        sources.push(RuleSource { file: file.clone(), builtin: false, rules: cfg.rules.clone() });
    }
    let mut disabled = cfg.disabled_rules.clone();
    for id in &cfg.disabled_if_present {
        if sources.iter().any(|s| s.rules.iter().any(|r| r.id == *id)) {
            disabled.push(id.clone());
        } else {
            warnings.push(format!("{file}: [extend] disabledRules: no keyhound rule has the id `{id}`; ignored"));
        }
    }
    let mut set = load::build(sources, &disabled).map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
        anyhow!("{} broken rule(s):\n{}", errs.len(), lines.join("\n"))
    })?;
    apply_overrides(&mut set, cfg, &disabled)?;
    for a in &cfg.allowlists {
        for id in &a.rules {
            if set.position(id).is_none() && !disabled.contains(id) {
                warnings.push(format!("{file}: an allowlist targets rule `{id}`, which is not loaded"));
            }
        }
    }
    if set.is_empty() {
        return Err(anyhow!(
            "no rules to scan with (--no-default-rules, or a gitleaks configuration without rules or \
             `[extend] useDefault = true`, and no --rules or [[rules]] in the config)"
        ));
    }
    Ok(set)
}

/// Applies `[entropy] generic` and `[rule."id"]` (entropy, severity, confidence) to the
/// loaded rules; a `[rule."id"]` naming no loaded rule is an error naming the id.
fn apply_overrides(set: &mut RuleSet, cfg: &Config, disabled: &[String]) -> Result<()> {
    for id in cfg.overrides.keys() {
        if set.position(id).is_none() && !disabled.contains(id) {
            return Err(anyhow!("{}: key `rule.\"{id}\"`: no rule has the id `{id}`", cfg.file_name()));
        }
    }
    for rule in set.rules_mut() {
        let entropy =
            cfg.overrides.get(&rule.id).and_then(|o| o.entropy).or(cfg.generic_entropy.filter(|_| rule.generic));
        if let Some(e) = entropy {
            rule.min_entropy = Some(e);
            rule.syntax.entropy = Some(e);
        }
        if let Some(o) = cfg.overrides.get(&rule.id) {
            if let Some(s) = o.severity {
                rule.severity = s;
                rule.syntax.severity = s;
            }
            if let Some(c) = o.confidence {
                rule.confidence = c;
                rule.syntax.confidence = Some(c);
            }
        }
    }
    Ok(())
}

/// Prints configuration warnings on stderr (unless quiet).
pub fn print_warnings(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("keyhound: warning: {w}");
        }
    }
}

/// Everything `scan` needs, resolved.
pub struct ScanSettings {
    /// Scan configuration.
    pub scan: ScanConfig,
    /// Rules and prefilter.
    pub detector: Detector,
    /// The report format: `--format`, else the config's `default-format`, else text.
    pub format: Format,
    /// The server hook's settings, resolved (`on_timeout` always set).
    pub pre_receive: config::PreReceive,
}

/// Builds scan settings from `keyhound scan` arguments.
pub fn scan_settings(args: &ScanArgs) -> Result<ScanSettings> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let roots: Vec<PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    for r in &roots {
        std::fs::symlink_metadata(r).with_context(|| format!("{}: cannot scan", r.display()))?;
    }
    let first = roots.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let (input, config_root) = if let Some(img) = &args.image {
        std::fs::metadata(img).with_context(|| format!("{}: cannot scan", img.display()))?;
        (Input::Image { path: img.clone() }, PathBuf::from("."))
    } else if args.pre_receive {
        if roots.len() > 1 || stdin {
            return Err(anyhow!("--pre-receive takes one repository path"));
        }
        let updates = pre_receive_updates()?;
        (Input::PreReceive { repo: first.clone(), updates, timeout: None }, first)
    } else if args.repos.any() {
        if roots.iter().any(|r| r != Path::new(".")) || stdin || args.git || args.staged || args.pre_push {
            return Err(anyhow!(
                "--repos, --github-org, --github-user and --gitlab-group take no paths and no --git/--staged/--pre-push"
            ));
        }
        let mut options = HistoryOptions {
            refs: args.refs.clone(),
            ranges: args.log_opts.clone(),
            full_blobs: args.full_blobs,
            ..Default::default()
        };
        if let Some(s) = &args.since {
            options.since = Some(git_history::parse_since(s).map_err(|e| anyhow!("--since: {e}"))?);
        }
        (Input::History { repo: PathBuf::from("."), options }, PathBuf::from("."))
    } else if args.git || args.pre_push {
        if roots.len() > 1 || stdin {
            return Err(anyhow!("--git and --pre-push take one repository path"));
        }
        let mut options = HistoryOptions {
            refs: args.refs.clone(),
            ranges: args.log_opts.clone(),
            full_blobs: args.full_blobs,
            ..Default::default()
        };
        if let Some(s) = &args.since {
            options.since = Some(git_history::parse_since(s).map_err(|e| anyhow!("--since: {e}"))?);
        }
        if args.pre_push {
            pre_push_ranges(&mut options)?;
        }
        (Input::History { repo: first.clone(), options }, first)
    } else if args.staged {
        let repo = staged::discover(&first)?;
        let root = repo.workdir().map_or_else(|| first.clone(), Path::to_path_buf);
        (Input::Staged { repo: first.clone() }, root)
    } else {
        (Input::Paths { roots: roots.clone(), stdin }, first)
    };
    let cfg = find_config(args.rule_args.config.as_deref(), Some(&config_root))?;
    let pre_receive = config::PreReceive {
        allow_skip: cfg.pre_receive.allow_skip,
        timeout: args.timeout.or(cfg.pre_receive.timeout),
        on_timeout: Some(args.on_timeout.or(cfg.pre_receive.on_timeout).unwrap_or(config::OnTimeout::Reject)),
    };
    let mut input = input;
    if let Input::PreReceive { timeout, .. } = &mut input {
        *timeout = pre_receive.timeout.map(std::time::Duration::from_secs);
    }
    let max_file_size = match &args.max_file_size {
        Some(s) => Some(config::parse_size(s).map_err(|e| anyhow!("--max-file-size: {e}"))?),
        None => cfg.max_file_size,
    };
    let window = match &args.window_size {
        Some(s) => {
            let n = config::parse_size(s).map_err(|e| anyhow!("--window-size: {e}"))?;
            if n < window::MIN_WINDOW as u64 {
                return Err(anyhow!("--window-size: {s} is smaller than the minimum {}M", window::MIN_WINDOW >> 20));
            }
            usize::try_from(n).unwrap_or(usize::MAX)
        }
        None => window::DEFAULT_WINDOW,
    };
    let mut warnings = cfg.warnings.clone();
    let rules = load_rules(&args.rule_args, &cfg, &mut warnings)?;
    print_warnings(&warnings, args.quiet);
    let detector = Detector::new(rules).map_err(|e| anyhow!(e))?;
    let mut policy = Policy::new(&cfg.allowlist.paths).map_err(|e| {
        anyhow!(
            "{}: [allowlist] paths: {e}",
            cfg.path.as_ref().map_or("configuration".into(), |p| p.display().to_string())
        )
    })?;
    policy = policy.with_min_confidence(args.min_confidence.into()).with_allowlists(cfg.allowlists.clone());
    if let Some(b) = &args.baseline {
        policy = policy.with_baseline(Baseline::load(b).map_err(|e| anyhow!(e))?.fingerprints());
    }
    if config_root.is_dir() {
        let f = config_root.join(ignore_file::FILE_NAME);
        if f.is_file() {
            policy = policy.with_ignore_file(IgnoreFile::load(&f).map_err(|e| anyhow!(e))?);
        }
        let f = config_root.join(gitleaks_ignore::FILE_NAME);
        if f.is_file() {
            policy = policy.with_gitleaks_ignore(GitleaksIgnore::load(&f).map_err(|e| anyhow!(e))?);
        }
    }
    Ok(ScanSettings {
        scan: ScanConfig {
            input,
            walk: WalkOptions {
                no_ignore: args.no_ignore,
                follow_links: args.follow,
                max_file_size: max_file_size.unwrap_or(u64::MAX),
                max_blob_size: max_file_size.unwrap_or(DEFAULT_MAX_BLOB_SIZE),
                window,
                threads: args.threads.unwrap_or(0),
            },
            policy,
            decode: crate::decode::Options {
                max_depth: if args.no_decode { 0 } else { args.max_decode_depth },
                ..crate::decode::Options::default()
            },
            archives: crate::archive::Limits {
                max_depth: if args.no_archives { 0 } else { args.max_archive_depth },
                ..crate::archive::Limits::new(max_file_size.unwrap_or(DEFAULT_MAX_BLOB_SIZE))
            },
        },
        detector,
        format: args.format.or(cfg.default_format).unwrap_or(Format::Text),
        pre_receive,
    })
}

/// Everything `audit` needs, resolved.
pub struct AuditSettings {
    /// The history and working-tree scans.
    pub audit: AuditConfig,
    /// Rules and prefilter.
    pub detector: Detector,
    /// Size limit in bytes for git objects (the report states it).
    pub max_file_size: u64,
}

/// Builds audit settings: the same rules, configuration, ignore file and policy as
/// `keyhound scan --git REPO` with the audit's options.
pub fn audit_settings(a: &AuditArgs) -> Result<AuditSettings> {
    let as_scan = ScanArgs {
        paths: vec![a.repo.clone()],
        git: true,
        refs: Vec::new(),
        log_opts: Vec::new(),
        since: None,
        full_blobs: false,
        staged: false,
        image: None,
        pre_push: false,
        pre_receive: false,
        timeout: None,
        on_timeout: None,
        format: Some(Format::Json),
        output: None,
        rule_args: a.rule_args.clone(),
        no_ignore: false,
        follow: false,
        max_file_size: a.max_file_size.clone(),
        window_size: None,
        max_decode_depth: crate::decode::DEFAULT_MAX_DEPTH,
        no_decode: false,
        max_archive_depth: crate::archive::DEFAULT_MAX_DEPTH,
        no_archives: false,
        min_confidence: a.min_confidence,
        baseline: None,
        show_secrets: a.show_secrets,
        exit_code: a.exit_code,
        verify: a.verify.clone(),
        repos: Default::default(),
        color: ColorChoice::Never,
        quiet: a.quiet,
        threads: a.threads,
    };
    let s = scan_settings(&as_scan)?;
    let max_file_size = s.scan.walk.max_blob_size;
    let audit = AuditConfig::new(&a.repo, s.scan.walk, s.scan.policy, s.scan.decode, s.scan.archives)?;
    Ok(AuditSettings { audit, detector: s.detector, max_file_size })
}

/// Reads the pre-receive hook's lines from stdin (a terminal is refused: there is no push).
fn pre_receive_updates() -> Result<Vec<crate::source::pushed::RefUpdate>> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return Err(anyhow!("--pre-receive: no ref updates on stdin (run it from a pre-receive hook)"));
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("--pre-receive: cannot read stdin")?;
    crate::source::pushed::parse_updates(&text).map_err(|e| anyhow!("--pre-receive: stdin: {e}"))
}

/// Reads git's pre-push lines (`<local ref> <local sha> <remote ref> <remote sha>`) from
/// stdin and turns them into the commits the push adds.
fn pre_push_ranges(options: &mut HistoryOptions) -> Result<()> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("--pre-push: cannot read stdin")?;
    if text.trim().is_empty() && pre_commit_range(|k| std::env::var(k).ok(), options) {
        return Ok(());
    }
    parse_pre_push(&text, options).map_err(|e| anyhow!("--pre-push: {e}"))
}

/// The pre-commit framework runs pre-push hooks with an empty stdin and the range in its
/// environment: `PRE_COMMIT_FROM_REF` (the remote's commit; empty or zeros for a new branch,
/// when pre-commit could not find one) and `PRE_COMMIT_TO_REF` (the commit pushed); older
/// releases name them `PRE_COMMIT_SOURCE` and `PRE_COMMIT_ORIGIN`. Returns false when they
/// are not set.
pub fn pre_commit_range(env: impl Fn(&str) -> Option<String>, options: &mut HistoryOptions) -> bool {
    let get = |new: &str, old: &str| env(new).or_else(|| env(old)).filter(|v| !v.trim().is_empty());
    let Some(to) = get("PRE_COMMIT_TO_REF", "PRE_COMMIT_ORIGIN") else {
        return false;
    };
    match get("PRE_COMMIT_FROM_REF", "PRE_COMMIT_SOURCE") {
        Some(from) if !from.bytes().all(|b| b == b'0') => options.ranges.push(format!("{from}..{to}")),
        _ => {
            options.refs.push(to);
            options.hide_remotes = true;
        }
    }
    true
}

/// Parses pre-push lines into ranges (updated branches) and refs (new branches, whose commits
/// not on any remote-tracking ref are scanned).
pub fn parse_pre_push(text: &str, options: &mut HistoryOptions) -> std::result::Result<(), String> {
    let zero = |s: &str| s.bytes().all(|b| b == b'0');
    let mut any = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 4 {
            return Err(format!("unexpected line `{line}` (want: <local ref> <local sha> <remote ref> <remote sha>)"));
        }
        any = true;
        let (local, remote) = (f[1], f[3]);
        if zero(local) {
            continue; // a branch deletion pushes nothing
        }
        if zero(remote) {
            options.refs.push(local.to_string());
            options.hide_remotes = true;
        } else {
            options.ranges.push(format!("{remote}..{local}"));
        }
    }
    if !any {
        return Err("no refs on stdin (run it from a pre-push hook)".to_string());
    }
    if options.refs.is_empty() && options.ranges.is_empty() {
        options.ranges.push("HEAD..HEAD".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_commit_framework_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let mut o = HistoryOptions::default();
        assert!(pre_commit_range(env(&[("PRE_COMMIT_FROM_REF", "abc"), ("PRE_COMMIT_TO_REF", "def")]), &mut o));
        assert_eq!(o.ranges, ["abc..def"]);
        let mut o = HistoryOptions::default();
        assert!(pre_commit_range(env(&[("PRE_COMMIT_SOURCE", ""), ("PRE_COMMIT_ORIGIN", "def")]), &mut o));
        assert_eq!((o.refs.as_slice(), o.hide_remotes), (&["def".to_string()][..], true));
        assert!(!pre_commit_range(env(&[]), &mut HistoryOptions::default()));
    }

    #[test]
    fn pre_push_lines() {
        let mut o = HistoryOptions::default();
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        parse_pre_push(&format!("refs/heads/x {a} refs/heads/x {b}\nrefs/heads/new {b} refs/heads/new {z}\n"), &mut o)
            .unwrap();
        assert_eq!(o.ranges, vec![format!("{b}..{a}")]);
        assert_eq!(o.refs, vec![b.clone()]);
        assert!(o.hide_remotes);
        assert!(parse_pre_push("", &mut HistoryOptions::default()).is_err());
    }
}
