//! The command line: parse arguments, build settings, run, write the report.
//!
//! Nothing here scans or formats; it wires [`crate::scan`], [`crate::rules`] and
//! [`crate::report`] together and decides the exit code.

pub mod args;
mod repos;
mod revoke;
pub mod settings;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::{Context as _, Result, anyhow};
use clap::Parser;

use crate::progress::Progress;
use crate::report::{self, Context, Format, jsonl};
use crate::rules::check::{Strictness, check_sources};
use crate::rules::load;
use crate::scan::{self, Hooks};
use args::{
    AuditArgs, BaselineCommand, Cli, ColorChoice, Command, ConfigCommand, ListFormat, RuleArgs, RulesCommand, ScanArgs,
};

/// Exit status of a successful run (errors exit 2, see `main`).
pub type Status = u8;

/// Parses `std::env::args` and runs the command.
pub fn run() -> Result<Status> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(a) => cmd_scan(&a),
        Command::Rules(RulesCommand::List { format, rule_args }) => {
            let cfg = settings::find_config(rule_args.config.as_deref(), None)?;
            let mut warnings = cfg.warnings.clone();
            let rules = settings::load_rules(&rule_args, &cfg, &mut warnings)?;
            settings::print_warnings(&warnings, false);
            let mut out = BufWriter::new(io::stdout().lock());
            crate::report::rules::write_list(&mut out, &rules, format == ListFormat::Json)?;
            out.flush()?;
            Ok(0)
        }
        Command::Rules(RulesCommand::Show { id, format, rule_args }) => {
            let cfg = settings::find_config(rule_args.config.as_deref(), None)?;
            let mut warnings = cfg.warnings.clone();
            let rules = settings::load_rules(&rule_args, &cfg, &mut warnings)?;
            settings::print_warnings(&warnings, false);
            let Some(rule) = rules.rules().iter().find(|r| r.id == id) else {
                let near: Vec<&str> = rules
                    .rules()
                    .iter()
                    .map(|r| r.id.as_str())
                    .filter(|r| r.contains(id.as_str()) || id.contains(*r))
                    .take(8)
                    .collect();
                let hint = if near.is_empty() {
                    "keyhound rules list shows every rule".to_string()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                return Err(anyhow!("no rule `{id}`: {hint}"));
            };
            let mut out = BufWriter::new(io::stdout().lock());
            crate::report::rules::write_show(&mut out, rule, format == ListFormat::Json)?;
            out.flush()?;
            Ok(0)
        }
        Command::Rules(RulesCommand::Check { paths }) => cmd_rules_check(&paths),
        Command::Baseline(BaselineCommand::Create(a)) => cmd_baseline_create(&a),
        Command::Audit(a) => cmd_audit(&a),
        Command::Config(ConfigCommand::Check { path, rule_args }) => cmd_config_check(&path, &rule_args),
        Command::Revoke(a) => revoke::cmd_revoke(&a),
        Command::Merge(a) => cmd_merge(&a),
        Command::InstallHook(a) => {
            let kind = if a.pre_receive { crate::hook::Kind::PreReceive } else { crate::hook::Kind::PreCommit };
            let name = kind.name();
            match crate::hook::install_kind(kind, &a.repo, a.force, !a.no_chain)? {
                crate::hook::Installed::New(p) => println!("installed keyhound's {name} hook: {}", p.display()),
                crate::hook::Installed::AlreadyThere(p) => {
                    println!("keyhound's {name} hook is installed: {}", p.display())
                }
                crate::hook::Installed::Replaced(p, old) => println!(
                    "installed keyhound's {name} hook: {} (the previous hook is now {}{})",
                    p.display(),
                    old.display(),
                    if a.no_chain { ", not run" } else { " and runs first" }
                ),
                crate::hook::Installed::Rechained(p, from, to) => println!(
                    "keyhound's {name} hook is installed: {} (the previous hook {} is now {}{})",
                    p.display(),
                    from.display(),
                    to.display(),
                    if a.no_chain { ", not run" } else { " and runs first" }
                ),
            }
            Ok(0)
        }
    }
}

fn cmd_merge(a: &args::MergeArgs) -> Result<Status> {
    use crate::merge::{self, Kind};
    let inputs: Vec<merge::Input> =
        a.inputs.iter().map(|p| merge::read(p)).collect::<Result<_, _>>().map_err(|e| anyhow!(e))?;
    let kind = merge::check(&inputs).map_err(|e| anyhow!(e))?;
    let doc = match kind {
        Kind::Json => merge::merge_json(&inputs),
        Kind::Sarif => merge::merge_sarif(&inputs),
        Kind::Audit => merge::merge_audits(&inputs),
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &a.output {
        Some(p) => std::fs::write(p, &text).with_context(|| format!("{}: cannot write report", p.display()))?,
        None => io::stdout().write_all(text.as_bytes())?,
    }
    if let Some(target) = &a.report {
        if kind == Kind::Sarif {
            return Err(anyhow!("--report needs JSON or audit reports (SARIF carries no coverage)"));
        }
        let targets: Vec<std::path::PathBuf> = match target.extension().and_then(|e| e.to_str()) {
            Some("md" | "html") => vec![target.clone()],
            _ => vec![target.join("org.md"), target.join("org.html")],
        };
        for p in targets {
            if let Some(d) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(d).with_context(|| format!("{}: cannot create directory", d.display()))?;
            }
            let mut out =
                BufWriter::new(File::create(&p).with_context(|| format!("{}: cannot write report", p.display()))?);
            if p.extension().is_some_and(|e| e == "md") {
                report::org::write_markdown(&mut out, &doc)?;
            } else {
                report::org::write_html(&mut out, &doc)?;
            }
            out.flush().with_context(|| format!("{}: cannot write report", p.display()))?;
        }
    }
    let findings = match kind {
        Kind::Json => doc["findings"].as_array().map_or(0, Vec::len),
        Kind::Audit => doc["inventory"].as_array().map_or(0, Vec::len),
        Kind::Sarif => doc
            .pointer("/runs/0/results")
            .and_then(|r| r.as_array())
            .map_or(0, |r| r.iter().filter(|x| x.get("suppressions").is_none()).count()),
    };
    if !a.quiet {
        let missing = doc.pointer("/coverage/missing_shards").and_then(|m| m.as_array()).map_or(0, Vec::len);
        eprintln!(
            "keyhound: merged {} report(s): {findings} finding(s){}",
            inputs.len(),
            if missing > 0 { format!("; {missing} shard(s) missing") } else { String::new() }
        );
    }
    Ok(if findings > 0 { a.exit_code } else { 0 })
}

fn cmd_rules_check(paths: &[std::path::PathBuf]) -> Result<Status> {
    let mut sources = Vec::new();
    for p in paths {
        sources.extend(load::read_path(p).map_err(|e| anyhow!("{e}"))?);
    }
    let n: usize = sources.iter().map(|s| s.rules.len()).sum();
    let errors = check_sources(&sources, Strictness::User);
    if errors.is_empty() {
        println!("{n} rules in {} files: all examples and negative examples pass", sources.len());
        return Ok(0);
    }
    for e in &errors {
        eprintln!("{e}");
    }
    Err(anyhow!("{} problem(s) in {n} rules", errors.len()))
}

fn cmd_config_check(path: &std::path::Path, rule_args: &RuleArgs) -> Result<Status> {
    let cfg = settings::find_config(rule_args.config.as_deref(), Some(path))?;
    let mut warnings = cfg.warnings.clone();
    let rules = settings::load_rules(rule_args, &cfg, &mut warnings)?;
    crate::policy::Policy::new(&cfg.allowlist.paths)
        .map_err(|e| anyhow!("{}: key `allowlist.paths`: {e}", cfg.file_name()))?;
    settings::print_warnings(&warnings, false);
    let mut out = BufWriter::new(io::stdout().lock());
    crate::report::config::write(&mut out, &cfg, &rules, rule_args, warnings.len())?;
    out.flush()?;
    Ok(0)
}

fn cmd_baseline_create(a: &ScanArgs) -> Result<Status> {
    let s = settings::scan_settings(a)?;
    let progress = Progress::start(a.quiet);
    let warn = |msg: &str| progress.warn(msg);
    let hooks = Hooks { warn: &warn, stream: None, progress: &progress };
    let result = scan::scan(&s.scan, &s.detector, &hooks);
    progress.finish();
    let outcome = result?;
    let baseline = crate::policy::baseline::Baseline::from_findings(&outcome.findings);
    let text = serde_json::to_string_pretty(&baseline)? + "\n";
    match &a.output {
        Some(p) => std::fs::write(p, text).with_context(|| format!("{}: cannot write the baseline", p.display()))?,
        None => io::stdout().write_all(text.as_bytes())?,
    }
    if !a.quiet {
        eprintln!(
            "keyhound: baseline of {} finding(s){}",
            baseline.findings.len(),
            a.output.as_ref().map_or(String::new(), |p| format!(" written to {}", p.display()))
        );
    }
    Ok(0)
}

fn cmd_audit(a: &AuditArgs) -> Result<Status> {
    use crate::report::audit::{self, Options};
    let targets = audit::targets(&a.report).map_err(|e| anyhow!(e))?;
    let s = settings::audit_settings(a)?;
    let progress = Progress::start(a.quiet);
    let warn = |msg: &str| progress.warn(msg);
    let hooks = Hooks { warn: &warn, stream: None, progress: &progress };
    let result = crate::audit::run(&s.audit, &s.detector, &hooks);
    progress.finish();
    let mut run = result?;
    {
        let mut outcomes = vec![&mut run.history];
        if let Some(w) = run.working_tree.as_mut() {
            outcomes.push(w);
        }
        verify_step(&mut outcomes, s.detector.rules().rules(), &a.verify, a.quiet)?;
    }
    let record = a.revocations.clone().or_else(|| {
        let p = std::path::PathBuf::from(crate::revoke::DEFAULT_RECORD);
        p.is_file().then_some(p)
    });
    let revocations = match &record {
        Some(p) => crate::revoke::read(p).map_err(|e| anyhow!(e))?,
        None => Default::default(),
    };
    let ctx = Context {
        show_secrets: a.show_secrets,
        color: false,
        rules: s.detector.rules(),
        provenance: None,
        automation_id: String::new(),
    };
    let opts = Options {
        min_confidence: a.min_confidence.into(),
        max_file_size: s.max_file_size,
        verified: a.verify.verify,
        revocations,
    };
    let model = audit::build(&run, &ctx, opts);
    for (path, format) in &targets {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create directory", dir.display()))?;
        }
        let file = File::create(path).with_context(|| format!("{}: cannot write report", path.display()))?;
        let mut out = BufWriter::new(file);
        audit::write(&mut out, *format, &model).with_context(|| format!("{}: cannot write report", path.display()))?;
        out.flush().with_context(|| format!("{}: cannot write report", path.display()))?;
    }
    if !a.quiet {
        let r = &model.result;
        let written: Vec<String> = targets.iter().map(|(p, _)| p.display().to_string()).collect();
        eprintln!(
            "keyhound: audit {}: {} distinct secret(s) ({} still present), {} suppressed; {} commits, {} unique blobs; report: {}",
            r.verdict.label(),
            r.secrets,
            r.still_present,
            r.suppressed_secrets,
            model.scope.commits,
            model.scope.history.scanned,
            written.join(", ")
        );
        if let Some(l) = &r.liveness {
            eprintln!("keyhound: {}", l.sentence(r.secrets));
        }
    }
    Ok(if run.passed() { 0 } else { a.exit_code })
}

/// What to do when the pre-commit scan blocks a commit.
const STAGED_ADVICE: &str = "
keyhound blocked this commit: it adds the credential(s) listed above.
  1. Remove the value from the file and load it from the environment or a secret store.
  2. If it was ever pushed or shared, revoke and rotate it now (how, for each rule:
     keyhound rules show RULE-ID).
  3. If it is not a secret (a test value), mark it: add `keyhound:allow` in a comment on
     that line, or add its fingerprint to .keyhoundignore.
  Last resort, if you are sure: git commit --no-verify.
";

/// What to do after a scan that found something (text format, on stderr).
fn next_steps(findings: &[crate::finding::Finding], history: bool) -> String {
    let example = findings.iter().max_by_key(|f| f.severity).map_or("RULE-ID", |f| f.rule_id.as_str());
    let mut s = format!(
        "\nWhat to do:\n  1. Revoke and rotate each credential above at its provider (how: keyhound rules show {example}).\n"
    );
    s.push_str("  2. Remove it from the code; load the new value from the environment or a secret store.\n");
    if history {
        s.push_str(
            "  3. Removing it from the code does not remove it from history: rotate even if it is gone from HEAD.\n",
        );
    } else {
        s.push_str(
            "  3. If it was ever committed, it is still in history: keyhound scan --git . shows where and since when.\n",
        );
    }
    s.push_str(
        "  Not a secret? Add `keyhound:allow` in a comment on its line, or its fingerprint to .keyhoundignore.\n",
    );
    s
}

/// The admin-controlled bypass of the server hook: `Some(0)` when the push asked for it and
/// the server allows it (logged), None to scan.
fn pre_receive_bypass(s: &settings::ScanSettings) -> Result<Option<Status>> {
    use crate::pre_receive::{SKIP_OPTION, bypass_line, log_bypass, push_options, pusher};
    let scan::Input::PreReceive { repo, updates, .. } = &s.scan.input else {
        return Ok(None);
    };
    if !push_options().iter().any(|o| o == SKIP_OPTION) {
        return Ok(None);
    }
    if !s.pre_receive.allow_skip {
        eprintln!(
            "keyhound: push option {SKIP_OPTION} is not enabled on this server ([pre-receive] allow-skip); scanning the push"
        );
        return Ok(None);
    }
    let refs: Vec<String> = updates.iter().map(|u| u.name.clone()).collect();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let line = bypass_line(&refs, &pusher(), now);
    let git_dir = crate::source::pushed::open(repo)?.path().to_path_buf();
    let logged = log_bypass(&git_dir, &line)
        .with_context(|| format!("{}: cannot log the bypass, so it is refused", git_dir.display()))?;
    eprintln!(
        "keyhound: push option {SKIP_OPTION}: scan skipped, as this server allows; logged to {}: {line}",
        logged.display()
    );
    Ok(Some(0))
}

/// `--verify`: checks the outcome's secrets with their providers and filters by `--results`.
fn verify_step(
    outcomes: &mut [&mut scan::ScanOutcome],
    rules: &[crate::rules::Rule],
    v: &args::VerifyArgs,
    quiet: bool,
) -> Result<()> {
    if !v.verify {
        return Ok(());
    }
    let opts = crate::verify::Options {
        net: crate::verify::net::Options {
            timeout: std::time::Duration::from_secs(v.verify_timeout.max(1)),
            per_host: v.verify_per_host.max(1),
            ..Default::default()
        },
        ..Default::default()
    };
    let filters = if v.only_verified { vec![crate::verify::ResultFilter::Active] } else { v.results.clone() };
    let summary = crate::verify::apply(outcomes, rules, &opts, &filters).map_err(|e| anyhow!(e))?;
    if !quiet {
        eprintln!("keyhound: {}", summary.line());
    }
    Ok(())
}

fn cmd_scan(a: &ScanArgs) -> Result<Status> {
    let s = settings::scan_settings(a)?;
    if let Some(code) = pre_receive_bypass(&s)? {
        return Ok(code);
    }
    let plan = repos::plan(&a.repos, a.quiet)?;
    let to_file = a.output.is_some();
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let automation_id = format!(
        "keyhound/{}/",
        if plan.is_some() {
            "repos"
        } else if a.git || a.pre_push || a.pre_receive {
            "git"
        } else if a.staged {
            "staged"
        } else {
            "dir"
        }
    );
    let provenance =
        a.paths.first().filter(|p| p.as_os_str() != "-").and_then(|p| crate::source::provenance::describe(p));
    let ctx = Context { show_secrets: a.show_secrets, color, rules: s.detector.rules(), provenance, automation_id };
    let mut out: Box<dyn Write + Send> = match &a.output {
        Some(p) => {
            let file = File::create(p).with_context(|| format!("{}: cannot write report", p.display()))?;
            Box::new(BufWriter::new(report::NamedOutput::new(file, p.display().to_string())))
        }
        None => Box::new(BufWriter::new(report::NamedOutput::new(io::stdout(), "standard output"))),
    };
    let progress = Progress::start(a.quiet);
    let warn = |msg: &str| progress.warn(msg);
    let mut outcome;
    let format = s.format;
    // verification needs every finding before any is written: no streaming then
    if format == Format::Jsonl && !a.verify.verify && plan.is_none() {
        let stream = jsonl::Stream::new(out, &ctx);
        let emit = |f: &crate::finding::Finding| stream.emit(f);
        let hooks = Hooks { warn: &warn, stream: Some(&emit), progress: &progress };
        let result = scan::scan(&s.scan, &s.detector, &hooks);
        progress.finish();
        outcome = result?;
        stream.finish()?;
    } else {
        let hooks = Hooks { warn: &warn, stream: None, progress: &progress };
        let result = match &plan {
            Some(p) => repos::run(p, &s, &hooks),
            None => scan::scan(&s.scan, &s.detector, &hooks).map_err(anyhow::Error::from),
        };
        progress.finish();
        outcome = result?;
        verify_step(&mut [&mut outcome], s.detector.rules().rules(), &a.verify, a.quiet)?;
        match &outcome.push {
            _ if format == Format::Jsonl => {
                let stream = jsonl::Stream::new(out, &ctx);
                for f in &outcome.findings {
                    stream.emit(f);
                }
                stream.finish()?;
                out = Box::new(io::sink());
            }
            Some(push) if format == Format::Text => {
                let m = crate::pre_receive::message(push, &outcome.findings, &s.pre_receive, a.show_secrets);
                out.write_all(m.as_bytes()).map_err(|e| anyhow!("standard output: {e}"))?;
            }
            _ => report::write(&mut out, format, &outcome, &ctx)?,
        }
        out.flush()?;
    }
    if let Some(push) = &outcome.push {
        use crate::pre_receive::{Verdict, verdict};
        let v = verdict(push, outcome.stats.findings, &s.pre_receive);
        if format != Format::Text && v != Verdict::Accept {
            eprint!("{}", crate::pre_receive::message(push, &outcome.findings, &s.pre_receive, false));
        }
        return Ok(match v {
            Verdict::Accept | Verdict::AcceptUnfinished => 0,
            Verdict::Reject if outcome.stats.findings > 0 => a.exit_code,
            Verdict::Reject => 1,
        });
    }
    if (format != Format::Text || to_file) && !a.quiet {
        eprintln!("keyhound: {}", report::text::summary(&outcome.findings, &outcome.stats));
    }
    let mut failed_repos = 0;
    if let Some(c) = &outcome.coverage {
        let (scanned, failed) = c.counts();
        failed_repos = failed;
        if !a.quiet {
            let incremental = c.repositories.iter().filter(|r| r.incremental).count();
            eprintln!(
                "keyhound: repositories: {scanned} scanned ({incremental} incrementally: only commits new since the last scan), {failed} failed{}",
                if c.other_shards > 0 { format!(", {} left to other shards", c.other_shards) } else { String::new() }
            );
            for r in c.repositories.iter().filter(|r| r.reason.is_some()) {
                eprintln!("keyhound:   failed {}: {}", r.repository, r.reason.as_deref().unwrap_or(""));
            }
        }
    }
    // streamed (JSONL) findings are counted, not kept: decide on the count
    if a.staged && outcome.stats.findings > 0 {
        eprint!("{}", STAGED_ADVICE);
    } else if outcome.stats.findings > 0 && format == Format::Text && !a.quiet && !a.pre_push {
        eprint!("{}", next_steps(&outcome.findings, a.git || plan.is_some()));
    }
    Ok(if outcome.stats.findings > 0 {
        a.exit_code
    } else if failed_repos > 0 {
        // nothing found, but not everything was scanned: not a pass
        2
    } else {
        0
    })
}
