//! Command-line arguments (clap derive): parsing only, no I/O and no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

const EXAMPLES: &str = "\
Examples:
  keyhound scan                         scan the current directory
  keyhound scan src/ config/.env        scan some paths
  keyhound scan --git                   scan the whole history of the repository here
  keyhound scan --git repo.git --log-opts origin/main..HEAD    a pull request's commits
  keyhound scan --staged                what `git commit` would add (the pre-commit hook)
  keyhound install-hook                 block commits that add a key
  keyhound install-hook --pre-receive /srv/git/app.git    refuse pushes that add one (server)
  keyhound scan huge.log --window-size 64M    any size; memory per worker bounded by the window
  keyhound scan . --format sarif -o keyhound.sarif
  keyhound scan . --format json | jq '.findings[].rule'
  cat deploy.yaml | keyhound scan -     scan standard input
  keyhound rules list                   show the built-in rules
  keyhound rules check my-rules.toml    test your own rule file
  keyhound config check                 validate .keyhound.toml, print the effective rules
  keyhound audit . --report evidence/   an auditor's report of the whole history
  keyhound scan . --verify              ask providers which found keys still work (opt-in)
  keyhound revoke .                     revoke found keys where the provider allows it

Exit codes: 0 no leaks, 1 leaks found (see --exit-code), 2 usage, configuration or I/O error.";

/// keyhound: find leaked API keys and credentials before attackers do.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (or `-` for standard input) for leaked credentials.
    #[command(after_help = EXAMPLES)]
    Scan(ScanArgs),
    /// List or check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install keyhound's pre-commit hook into the repository here (respects core.hooksPath).
    InstallHook(InstallHookArgs),
    /// Record the current findings as a baseline, so a CI gate reports only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Audit a repository: scan its whole history and its working tree and write an evidence
    /// report (HTML, Markdown, JSON) of every distinct secret, where and since when it leaked,
    /// and what to do.
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Check the configuration file (`.keyhound.toml` or a gitleaks configuration).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Revoke found secrets at providers that document a way to (GitHub, GitLab, Slack, …):
    /// scans like `scan`, asks before each secret unless --yes, and records what happened
    /// (never the secret) for `keyhound audit`.
    #[command(after_help = REVOKE_EXAMPLES)]
    Revoke(RevokeArgs),
    /// Join the reports of shards or separate runs (JSON, SARIF or audit JSON) into one: findings
    /// de-duplicated, statistics summed, per-repository coverage joined, and an inventory of
    /// distinct secrets across repositories. Refuses reports made with different rules.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
}

const MERGE_EXAMPLES: &str = "\
Examples:
  keyhound merge shard-*.json -o org.json
  keyhound merge shard-*.json -o org.json --report evidence/   also org.md and org.html
  keyhound merge shard-*.sarif -o org.sarif
  keyhound merge audits/*/audit.json -o org.json --report org/   one inventory of many audits

Exit codes: 0 nothing reported in the merged result, 1 findings (see --exit-code), 2 error
(unreadable input, different rules, formats mixed).";

/// `keyhound merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The reports (all JSON from `scan --format json`, all SARIF, or all `audit.json`).
    #[arg(value_name = "REPORT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where to write the merged report [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the organisation-wide evidence report (JSON or audit inputs): a directory gets
    /// org.md and org.html; a file ending in .md or .html gets that form.
    #[arg(long, value_name = "DIR|FILE")]
    pub report: Option<PathBuf>,
    /// Exit code when the merged result holds findings.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

const REVOKE_EXAMPLES: &str = "\
Examples:
  keyhound revoke .                              every revocable secret found here, one question each
  keyhound revoke --git . --report leaks.json    the secrets of a report (by fingerprint), in all history
  keyhound revoke . --fingerprint 3f2a… --yes    one secret, without asking
  keyhound revoke . --dry-run                    what would be revoked, and where

Each revocation is appended to keyhound-revocations.jsonl (--record): time, fingerprint, rule,
provider, host, HTTP status and outcome (revoked, already_invalid, failed); never the secret.
`keyhound audit` includes the record. Exit codes: 0 every chosen secret revoked (or already
invalid), 1 some revocation failed, 2 error.";

/// `keyhound revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// What to scan for the secrets (same options as `scan`).
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Revoke only the secret with this fingerprint (repeatable).
    #[arg(long = "fingerprint", value_name = "FP")]
    pub fingerprints: Vec<String>,
    /// Revoke only the secrets of this report (JSON or JSONL from `scan`, or a baseline).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Do not ask before each secret.
    #[arg(long)]
    pub yes: bool,
    /// Say what would be revoked and where, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where to append the revocation records.
    #[arg(long, value_name = "FILE", default_value = "keyhound-revocations.jsonl")]
    pub record: PathBuf,
}

/// `keyhound config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration and print the effective rule set: each rule's id, provider and
    /// confidence, which come from the configuration, which are disabled and which have extra
    /// allowlists. Exit 0 when it is valid, 2 when it is not.
    #[command(
        after_help = "Examples:\n  keyhound config check                      .keyhound.toml in the current directory\n  keyhound config check --config .gitleaks.toml"
    )]
    Check {
        /// The directory whose .keyhound.toml is checked (when --config is not given).
        #[arg(value_name = "PATH", default_value = ".")]
        path: PathBuf,
        /// Rule sources and the configuration file.
        #[command(flatten)]
        rule_args: RuleArgs,
    },
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  keyhound audit . --report evidence/         writes evidence/audit.html, audit.md, audit.json
  keyhound audit /srv/mirrors/app.git --report app-audit.html   one form, by extension
  keyhound audit . --report audit.json --min-confidence high

The report states the scope (repository, remote, HEAD, refs, commits, unique blobs and bytes,
files skipped and why, rule set and its hash, keyhound version, start time and duration), the
result, summary tables by severity and provider, and the inventory of distinct secrets by
fingerprint: first commit that introduced it, last commit where it was present, whether it is
still in HEAD, every location, and how to revoke and rotate it. Suppressed secrets are listed
with their reason. Secret values are redacted unless --show-secrets.

Exit codes: 0 pass (nothing unsuppressed found), 1 fail (see --exit-code), 2 error.";

/// `keyhound audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The repository (bare or with a work tree).
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    /// Where to write the report: a directory gets audit.html, audit.md and audit.json; a file
    /// ending in .html, .md or .json gets that form.
    #[arg(long, value_name = "DIR|FILE")]
    pub report: PathBuf,
    /// Rule sources.
    #[command(flatten)]
    pub rule_args: RuleArgs,
    /// Report only findings at or above this confidence; lower ones are listed as suppressed.
    #[arg(long, value_enum, default_value_t = MinConfidence::Medium, value_name = "LEVEL")]
    pub min_confidence: MinConfidence,
    /// Skip git objects and archives larger than SIZE, files larger than SIZE in the working
    /// tree (bytes, or with K/M/G: 512K, 25M) [default: 256M for objects, none for files]
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,
    /// Print raw secret values in the report (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit code when the audit fails (unsuppressed secrets found).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Verification (opt-in: it sends found secrets to their providers); the report gets a
    /// live/dead column and says how many leaked secrets still work.
    #[command(flatten)]
    pub verify: VerifyArgs,
    /// Revocation records to include (written by `keyhound revoke`) [default:
    /// keyhound-revocations.jsonl in the current directory, if it exists]
    #[arg(long, value_name = "FILE")]
    pub revocations: Option<PathBuf>,
    /// No progress, no summary on stderr, no warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// `keyhound baseline …`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan (same options as `scan`) and write the findings' fingerprints and locations, never
    /// the secrets, to --output (default: standard output).
    #[command(
        after_help = "Example:\n  keyhound baseline create --git . -o .keyhound-baseline.json\n  keyhound scan --git . --baseline .keyhound-baseline.json"
    )]
    Create(ScanArgs),
}

/// `keyhound install-hook`.
#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Replace an existing hook that is not keyhound's (it is kept as pre-commit.keyhound-backup
    /// and still run first, unless --no-chain).
    #[arg(long)]
    pub force: bool,
    /// With --force, do not run the previous hook before keyhound (it is kept as
    /// pre-commit.keyhound-saved; --force without --no-chain runs it again).
    #[arg(long)]
    pub no_chain: bool,
    /// Install the server-side pre-receive hook instead, in a (bare) repository on a git
    /// server: it refuses pushes that add a secret.
    #[arg(long)]
    pub pre_receive: bool,
    /// The repository (default: the one containing the current directory).
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
}

/// Where rules come from (shared by `scan` and `rules list`).
#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Extra rule file or directory of *.toml rule files (repeatable); a rule with the id of a
    /// built-in rule replaces it.
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rules (use only --rules and the config file).
    #[arg(long)]
    pub no_default_rules: bool,
    /// Configuration file (default: .keyhound.toml at the root of the scanned directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `--min-confidence` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Everything.
    Low,
    /// Keyword-gated and anchored formats, strong generic values.
    Medium,
    /// Only prefix- or checksum-anchored formats.
    High,
}

impl From<MinConfidence> for crate::rules::Confidence {
    fn from(m: MinConfidence) -> Self {
        match m {
            MinConfidence::Low => crate::rules::Confidence::Low,
            MinConfidence::Medium => crate::rules::Confidence::Medium,
            MinConfidence::High => crate::rules::Confidence::High,
        }
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `keyhound scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input. With --git: the repository.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Scan the git history of the repository at PATH (bare or not): every blob reachable from
    /// all refs, each once.
    #[arg(long, conflicts_with_all = ["staged", "pre_push"])]
    pub git: bool,
    /// With --git: start from this ref instead of all refs (repeatable).
    #[arg(long = "ref", value_name = "REF", requires = "git")]
    pub refs: Vec<String>,
    /// With --git: only the commits of a revision range such as `origin/main..HEAD`
    /// (repeatable; the blobs those commits add or change).
    #[arg(long, value_name = "A..B", requires = "git")]
    pub log_opts: Vec<String>,
    /// With --git: only commits made on or after DATE (YYYY-MM-DD, RFC 3339 or unix seconds).
    #[arg(long, value_name = "DATE", requires = "git")]
    pub since: Option<String>,
    /// With --git: match every blob whole. By default a new version of a file (16 KiB and
    /// up) is matched only where it changed since the version before, and the findings of
    /// its unchanged lines are carried over: the same findings, a fraction of the work.
    #[arg(long)]
    pub full_blobs: bool,
    /// Scan what is staged for commit (index against HEAD); only added lines are reported.
    #[arg(long, conflicts_with = "pre_push")]
    pub staged: bool,
    /// Scan the layers of a container image saved to disk (`docker save -o img.tar`, an OCI
    /// image layout tarball or directory); findings name the layer and its command.
    #[arg(long, value_name = "FILE|DIR", conflicts_with_all = ["git", "staged", "pre_push"])]
    pub image: Option<PathBuf>,
    /// Scan the commits a `git push` would send (reads the pre-push hook's lines on stdin).
    #[arg(long)]
    pub pre_push: bool,
    /// Server side: scan what a push adds to the receiving repository at PATH and refuse it
    /// when it adds a secret (reads the pre-receive hook's `<old> <new> <ref>` lines on stdin;
    /// see `keyhound install-hook --pre-receive`).
    #[arg(long, conflicts_with_all = ["git", "staged", "pre_push", "image"])]
    pub pre_receive: bool,
    /// With --pre-receive: time budget in seconds [default: `[pre-receive] timeout`, else none]
    #[arg(long, value_name = "SECS", requires = "pre_receive")]
    pub timeout: Option<u64>,
    /// With --pre-receive: the verdict on a push whose scan ran out of time [default:
    /// `[pre-receive] on-timeout`, else reject]
    #[arg(long, value_enum, value_name = "VERDICT", requires = "pre_receive")]
    pub on_timeout: Option<crate::config::OnTimeout>,
    /// Output format [default: the configuration's `default-format`, else text]
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rule sources.
    #[command(flatten)]
    pub rule_args: RuleArgs,
    /// Also scan files excluded by .gitignore, .ignore and git's excludes.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Skip files and blobs larger than SIZE (bytes, or with K/M/G: 512K, 25M) [default: no
    /// limit for files, which are read in windows; 256M for git objects and archives, which
    /// are read whole]
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,
    /// Read files larger than SIZE in overlapping windows of SIZE: memory per worker thread
    /// (at least 5M) [default: 32M]
    #[arg(long, value_name = "SIZE")]
    pub window_size: Option<String>,
    /// Decode base64, hex, percent-encoding, escapes, HTML entities and quoted-printable
    /// nested up to N deep and scan what they decode to (0: no decoding)
    #[arg(long, value_name = "N", default_value_t = crate::decode::DEFAULT_MAX_DEPTH)]
    pub max_decode_depth: usize,
    /// Scan text only as written (same as --max-decode-depth 0).
    #[arg(long)]
    pub no_decode: bool,
    /// Open archives (zip, jar, tar, gzip, bzip2, xz, zstd) nested up to N deep and scan
    /// their members as `outer.zip!inner/path` (0: count archives as binary)
    #[arg(long, value_name = "N", default_value_t = crate::archive::DEFAULT_MAX_DEPTH)]
    pub max_archive_depth: usize,
    /// Do not open archives (same as --max-archive-depth 0).
    #[arg(long)]
    pub no_archives: bool,
    /// Report only findings at or above this confidence (high: prefix- or checksum-anchored
    /// formats; medium: keyword-gated formats and strong generic values; low: other generic
    /// values). Lower ones are counted as suppressed.
    #[arg(long, value_enum, default_value_t = MinConfidence::Medium, value_name = "LEVEL")]
    pub min_confidence: MinConfidence,
    /// Report only findings whose fingerprints are not in this baseline file
    /// (`keyhound baseline create`); the others are counted as suppressed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print raw secret values in reports (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit code when leaks are found.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Verification (opt-in: it sends found secrets to their providers).
    #[command(flatten)]
    pub verify: VerifyArgs,
    /// Many repositories in one run.
    #[command(flatten)]
    pub repos: RepoArgs,
    /// Colour the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// No progress, no summary on stderr, no warnings (statistics still count everything).
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Many repositories: lists, forges, cache and shards.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Many repositories")]
pub struct RepoArgs {
    /// Scan the history of every repository listed in FILE (one git URL or local path per
    /// line: https, ssh, scp-style, file, bare or not; `#` comments).
    #[arg(long, value_name = "FILE")]
    pub repos: Option<PathBuf>,
    /// Scan every repository of a GitHub organisation (token from GITHUB_TOKEN).
    #[arg(long, value_name = "ORG")]
    pub github_org: Vec<String>,
    /// Scan every repository a GitHub user owns (token from GITHUB_TOKEN).
    #[arg(long, value_name = "USER")]
    pub github_user: Vec<String>,
    /// Scan every project of a GitLab group and its subgroups (token from GITLAB_TOKEN).
    #[arg(long, value_name = "GROUP")]
    pub gitlab_group: Vec<String>,
    /// GitHub API base, for GitHub Enterprise Server (https://HOST/api/v3).
    #[arg(long, value_name = "URL", default_value = "https://api.github.com")]
    pub github_api: String,
    /// GitLab API base, for self-managed GitLab (https://HOST/api/v4).
    #[arg(long, value_name = "URL", default_value = "https://gitlab.com/api/v4")]
    pub gitlab_api: String,
    /// Also scan forks listed by the forge.
    #[arg(long)]
    pub include_forks: bool,
    /// Also scan archived repositories listed by the forge.
    #[arg(long)]
    pub include_archived: bool,
    /// Keep mirrors here between runs: the next run fetches and scans only commits new since
    /// the last one (the scanned tips are recorded in DIR/keyhound-state.json).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Clones and fetches at once (disk in use without --cache: this many mirrors + 1).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub clone_jobs: usize,
    /// Seconds a clone or fetch may take before the repository counts as failed.
    #[arg(long, value_name = "SECS", default_value_t = 1800)]
    pub repo_timeout: u64,
    /// Scan only shard INDEX of COUNT (0-based) of the repository list [default: from
    /// SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX/SIZE or
    /// CLOUD_RUN_TASK_INDEX/COUNT when set]
    #[arg(long, value_name = "INDEX/COUNT")]
    pub shard: Option<String>,
    /// Shards in all, when the batch engine gives only the index (Kubernetes Indexed Jobs: the
    /// Job's completions) [default: KEYHOUND_SHARD_COUNT]
    #[arg(long, value_name = "N")]
    pub shard_count: Option<usize>,
}

impl RepoArgs {
    /// Whether a many-repository scan was asked for.
    pub fn any(&self) -> bool {
        self.repos.is_some()
            || !self.github_org.is_empty()
            || !self.github_user.is_empty()
            || !self.gitlab_group.is_empty()
    }
}

/// `--verify` and its settings.
#[derive(Debug, Args, Clone, Default)]
pub struct VerifyArgs {
    /// Ask each found secret's provider whether it still works: one request without side
    /// effects per distinct secret, to the host fixed in its rule, over HTTPS (see README,
    /// "Verification"). Off by default.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: report only findings with these results (active, inactive, unknown,
    /// error, unverified: the rule has no verifier); the others are counted as suppressed.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST", requires = "verify")]
    pub results: Vec<crate::verify::ResultFilter>,
    /// With --verify: report only secrets the provider says still work (--results active).
    #[arg(long, requires = "verify", conflicts_with = "results")]
    pub only_verified: bool,
    /// With --verify: seconds one verification request may take.
    #[arg(long, value_name = "SECS", default_value_t = 15, requires = "verify")]
    pub verify_timeout: u64,
    /// With --verify: requests in flight to one provider host.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "verify")]
    pub verify_per_host: usize,
}

/// `keyhound rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rules in effect.
    List {
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Rule sources.
        #[command(flatten)]
        rule_args: RuleArgs,
    },
    /// Show one rule: what it finds, how to revoke and rotate such a credential, its
    /// references.
    #[command(
        after_help = "Example:\n  keyhound rules show github-pat-classic\n  keyhound rules show generic-api-key --format json"
    )]
    Show {
        /// The rule id, as findings name it.
        #[arg(value_name = "RULE-ID")]
        id: String,
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Rule sources.
        #[command(flatten)]
        rule_args: RuleArgs,
    },
    /// Validate rule files: regexes, `secret` groups, ids, examples and negative examples.
    Check {
        /// Rule files or directories of *.toml files.
        #[arg(value_name = "FILE|DIR", required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Formats of `rules list` and `rules show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// A JSON array.
    Json,
}
