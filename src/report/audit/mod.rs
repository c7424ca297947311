//! The audit report (`keyhound audit`): evidence of what a repository's history and working
//! tree hold, for an auditor.
//!
//! [`build()`] turns an [`AuditRun`](crate::audit::AuditRun) into the [`AuditReport`] model
//! ([`model`]); [`json`], [`markdown`] and [`html`] render it. A directory gets all three forms
//! (`audit.html`, `audit.md`, `audit.json`); a file gets the form of its extension
//! ([`targets`]). Like every report, none of them prints a raw secret unless
//! `--show-secrets` was given: the model holds only redacted values otherwise.

pub mod build;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod triage;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use build::{Options, build};
pub use model::AuditReport;

/// The forms of the audit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// A self-contained HTML page (no scripts, no external assets; prints well).
    Html,
    /// Markdown (GitHub-flavoured tables).
    Markdown,
    /// JSON, described by `fixtures/schema/keyhound-audit.schema.json`.
    Json,
}

impl AuditFormat {
    /// Every form, in the order they are written to a directory.
    pub const ALL: [AuditFormat; 3] = [AuditFormat::Html, AuditFormat::Markdown, AuditFormat::Json];

    /// The file name used in a report directory.
    pub fn file_name(self) -> &'static str {
        match self {
            AuditFormat::Html => "audit.html",
            AuditFormat::Markdown => "audit.md",
            AuditFormat::Json => "audit.json",
        }
    }

    /// The form for a file name's extension (`.html`/`.htm`, `.md`/`.markdown`, `.json`).
    pub fn from_extension(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(AuditFormat::Html),
            "md" | "markdown" => Some(AuditFormat::Markdown),
            "json" => Some(AuditFormat::Json),
            _ => None,
        }
    }
}

/// The files to write for `--report PATH`: all three forms into a directory (an existing
/// directory, a path ending in `/`, or a path without extension), or one file whose form is
/// given by its extension.
pub fn targets(path: &Path) -> Result<Vec<(PathBuf, AuditFormat)>, String> {
    let trailing_slash = path.as_os_str().to_string_lossy().ends_with(['/', std::path::MAIN_SEPARATOR]);
    if path.is_dir() || trailing_slash || path.extension().is_none() {
        return Ok(AuditFormat::ALL.iter().map(|f| (path.join(f.file_name()), *f)).collect());
    }
    match AuditFormat::from_extension(path) {
        Some(f) => Ok(vec![(path.to_path_buf(), f)]),
        None => Err(format!(
            "{}: unknown report extension (use .html, .md or .json for one file, or a directory for all three)",
            path.display()
        )),
    }
}

/// Renders the report in one form.
pub fn write(out: &mut dyn Write, format: AuditFormat, report: &AuditReport) -> io::Result<()> {
    match format {
        AuditFormat::Html => html::write(out, report),
        AuditFormat::Markdown => markdown::write(out, report),
        AuditFormat::Json => json::write(out, report),
    }
}

/// Bytes in human units (`1.5 MiB`).
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// Milliseconds in human units (`850 ms`, `12.3 s`, `4 min 05 s`).
pub(crate) fn human_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// The repository's name for titles: the last path component, without `.git`.
pub(crate) fn repo_name(path: &str) -> &str {
    let p = path.trim_end_matches(['/', '\\']);
    let p = p.strip_suffix("/.git").unwrap_or(p);
    let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
    let name = name.strip_suffix(".git").filter(|n| !n.is_empty()).unwrap_or(name);
    if name.is_empty() { path } else { name }
}

/// `1 commit`, `2 commits`.
pub(crate) fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The kind of a ref, by its name (`refs/pull/…` -> `pull requests`).
pub(crate) fn ref_kind(name: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        ("refs/heads/", "branches"),
        ("refs/tags/", "tags"),
        ("refs/remotes/", "remote-tracking branches"),
        ("refs/pull/", "pull requests"),
        ("refs/merge-requests/", "merge requests"),
        ("refs/notes/", "notes"),
    ];
    if name == "refs/stash" {
        return "stash";
    }
    KINDS.iter().find(|(p, _)| name.starts_with(p)).map_or("other refs", |(_, k)| k)
}

/// The refs that reach a secret, for a sentence: branches and tags first, at most six names,
/// the rest counted by kind (`main, v1.2, and 412 more: 410 pull requests, 2 tags`).
pub(crate) fn refs_summary(refs: &[String]) -> String {
    const SHOWN: usize = 6;
    if refs.is_empty() {
        return "none (only commits no ref reaches, or HEAD alone)".to_string();
    }
    let rank = |n: &str| match ref_kind(n) {
        "branches" => 0,
        "tags" => 1,
        "remote-tracking branches" => 2,
        _ => 3,
    };
    let mut sorted: Vec<&String> = refs.iter().collect();
    sorted.sort_by_key(|n| (rank(n), n.as_str()));
    let short =
        |n: &str| n.strip_prefix("refs/heads/").or_else(|| n.strip_prefix("refs/tags/")).unwrap_or(n).to_string();
    let mut out: Vec<String> = sorted.iter().take(SHOWN).map(|n| short(n)).collect();
    if sorted.len() > SHOWN {
        let mut rest: Vec<(&str, usize)> = Vec::new();
        for n in &sorted[SHOWN..] {
            let k = ref_kind(n);
            match rest.iter_mut().find(|(x, _)| *x == k) {
                Some(e) => e.1 += 1,
                None => rest.push((k, 1)),
            }
        }
        let rest: Vec<String> = rest.iter().map(|(k, c)| format!("{c} {k}")).collect();
        out.push(format!("and {} more: {}", sorted.len() - SHOWN, rest.join(", ")));
    }
    out.join(", ")
}

/// "yes" or "no".
pub(crate) fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The first 12 characters of a commit or blob id.
pub(crate) fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_paths_pick_the_form() {
        let t = targets(Path::new("out/report.HTML")).unwrap();
        assert_eq!(t, vec![(PathBuf::from("out/report.HTML"), AuditFormat::Html)]);
        assert_eq!(targets(Path::new("a.md")).unwrap()[0].1, AuditFormat::Markdown);
        assert_eq!(targets(Path::new("a.json")).unwrap()[0].1, AuditFormat::Json);
        let dir = targets(Path::new("evidence")).unwrap();
        assert_eq!(
            dir.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
            vec![
                PathBuf::from("evidence/audit.html"),
                PathBuf::from("evidence/audit.md"),
                PathBuf::from("evidence/audit.json")
            ]
        );
        assert_eq!(targets(Path::new("evidence.v2/")).unwrap().len(), 3);
        assert!(targets(Path::new("a.pdf")).unwrap_err().contains("unknown report extension"));
    }

    #[test]
    fn repository_names() {
        assert_eq!(repo_name("/srv/app"), "app");
        assert_eq!(repo_name("/srv/app.git"), "app");
        assert_eq!(repo_name("/srv/app/.git/"), "app");
        assert_eq!(repo_name("/"), "/");
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_duration(850), "850 ms");
        assert_eq!(human_duration(12_340), "12.3 s");
        assert_eq!(human_duration(245_000), "4 min 05 s");
    }
}
