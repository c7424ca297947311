//! The command line: parse arguments, build settings, run, write the report.
//!
//! Nothing here scans or formats; it wires [`crate::scan`], [`crate::rules`] and
//! [`crate::report`] together and decides the exit code.

pub mod args;
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
use args::{Cli, ColorChoice, Command, ListFormat, RulesCommand, ScanArgs};

/// Exit status of a successful run (errors exit 2, see `main`).
pub type Status = u8;

/// Parses `std::env::args` and runs the command.
pub fn run() -> Result<Status> {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(a) => cmd_scan(&a),
        Command::Rules(RulesCommand::List { format, rule_args }) => {
            let cfg = settings::find_config(rule_args.config.as_deref(), None)?;
            let rules = settings::load_rules(&rule_args, &cfg)?;
            let mut out = BufWriter::new(io::stdout().lock());
            crate::report::rules::write_list(&mut out, &rules, format == ListFormat::Json)?;
            out.flush()?;
            Ok(0)
        }
        Command::Rules(RulesCommand::Check { paths }) => cmd_rules_check(&paths),
    }
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

fn cmd_scan(a: &ScanArgs) -> Result<Status> {
    let s = settings::scan_settings(a)?;
    let to_file = a.output.is_some();
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let ctx = Context { show_secrets: a.show_secrets, color, rules: s.detector.rules() };
    let mut out: Box<dyn Write + Send> = match &a.output {
        Some(p) => {
            Box::new(BufWriter::new(File::create(p).with_context(|| format!("{}: cannot write report", p.display()))?))
        }
        None => Box::new(BufWriter::new(io::stdout())),
    };
    let progress = Progress::start(a.quiet);
    let quiet = a.quiet;
    let warn = move |msg: &str| {
        if !quiet {
            eprintln!("keyhound: warning: {msg}");
        }
    };
    let outcome;
    if a.format == Format::Jsonl {
        let stream = jsonl::Stream::new(out, &ctx);
        let emit = |f: &crate::finding::Finding| stream.emit(f);
        let hooks = Hooks { warn: &warn, stream: Some(&emit), progress: &progress };
        outcome = scan::scan(&s.scan, &s.detector, &hooks);
        progress.finish();
        stream.finish()?;
    } else {
        let hooks = Hooks { warn: &warn, stream: None, progress: &progress };
        outcome = scan::scan(&s.scan, &s.detector, &hooks);
        progress.finish();
        report::write(&mut out, a.format, &outcome, &ctx)?;
        out.flush()?;
    }
    if (a.format != Format::Text || to_file) && !a.quiet {
        eprintln!("keyhound: {}", report::text::summary(&outcome.findings, &outcome.stats));
    }
    Ok(if outcome.findings.is_empty() { 0 } else { a.exit_code })
}
