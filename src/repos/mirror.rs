//! Mirrors: `git clone --mirror` (or `git fetch` into an existing mirror) with the system `git`,
//! so the user's credential helpers, SSH configuration and proxies apply; and the state file
//! that records the tips each repository was scanned at, for incremental runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::list::{RepoSpec, redact};

/// Where a repository's mirror lives in the cache directory.
pub fn mirror_path(cache: &Path, spec: &RepoSpec) -> PathBuf {
    let h = Sha256::digest(spec.key.as_bytes());
    let hex: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let name: String = spec
        .key
        .rsplit('/')
        .next()
        .unwrap_or("repo")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(40)
        .collect();
    cache.join(format!("{name}-{hex}.git"))
}

/// Runs git with prompts off; kills it after `timeout`. Ok(stdout) or Err(reason).
fn git(args: &[&str], cwd: Option<&Path>, timeout: Duration, secret_url: &str) -> Result<String, String> {
    let mut cmd = Command::new("git");
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // never wait for a password on a terminal nobody watches
    cmd.env("GIT_TERMINAL_PROMPT", "0");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    // read both pipes on threads so a chatty git cannot block on a full pipe
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = out.as_mut() {
            let _ = std::io::Read::read_to_string(o, &mut s);
        }
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = err.as_mut() {
            let _ = std::io::Read::read_to_string(e, &mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for git: {e}")),
        }
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    match status {
        None => Err(format!("timed out after {} s", timeout.as_secs())),
        Some(s) if s.success() => Ok(stdout),
        Some(s) => {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let clean =
                if secret_url.is_empty() { last.to_string() } else { last.replace(secret_url, &redact(secret_url)) };
            Err(if clean.is_empty() { format!("git exited with {s}") } else { redact_all(&clean) })
        }
    }
}

/// Removes `user:password@` from every URL in a message.
fn redact_all(msg: &str) -> String {
    msg.split(' ')
        .map(|w| if w.contains("://") { redact(w.trim_matches('\'')) } else { w.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Clones the repository as a mirror at `dest`, or fetches into the mirror already there.
/// Returns whether it was fetched (true) or cloned (false).
pub fn update(spec: &RepoSpec, dest: &Path, timeout: Duration) -> Result<bool, String> {
    if dest.join("HEAD").is_file() {
        let d = dest.to_string_lossy();
        git(&["-C", &d, "fetch", "--prune", "--quiet", "--force", "origin"], None, timeout, &spec.url)?;
        return Ok(true);
    }
    let tmp = dest.with_extension("git.partial");
    let _ = std::fs::remove_dir_all(&tmp);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
    }
    let t = tmp.to_string_lossy();
    let r = git(&["clone", "--mirror", "--quiet", "--", &spec.url, &t], None, timeout, &spec.url);
    if let Err(e) = r {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, dest).map_err(|e| format!("{}: cannot move the clone in place: {e}", dest.display()))?;
    Ok(false)
}

/// The commit ids every ref of a mirror points at (sorted, unique).
pub fn tips(mirror: &Path) -> Result<Vec<String>, String> {
    let repo = git2::Repository::open_bare(mirror).map_err(|e| format!("{}: {}", mirror.display(), e.message()))?;
    let mut out: Vec<String> = Vec::new();
    let refs = repo.references().map_err(|e| format!("{}: {}", mirror.display(), e.message()))?;
    for r in refs.flatten() {
        if let Ok(c) = r.peel_to_commit() {
            out.push(c.id().to_string());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What the cache remembers about one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scanned {
    /// The repository as reports name it.
    pub url: String,
    /// The ref tips it was scanned at.
    pub tips: Vec<String>,
    /// SHA-256 of the rules it was scanned with: other rules mean a full scan.
    pub rules_sha256: String,
    /// When (RFC 3339).
    pub scanned_at: String,
}

/// The cache's state file (`keyhound-state.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// Format version.
    pub version: u32,
    /// By normalised repository form.
    pub repos: BTreeMap<String, Scanned>,
}

/// The state file's name in the cache directory.
pub const STATE_FILE: &str = "keyhound-state.json";

impl State {
    /// Reads the state of a cache (empty when there is none).
    pub fn load(cache: &Path) -> Result<State, String> {
        let p = cache.join(STATE_FILE);
        match std::fs::read_to_string(&p) {
            Ok(t) => serde_json::from_str(&t).map_err(|e| format!("{}: not a keyhound cache state: {e}", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State { version: 1, ..Default::default() }),
            Err(e) => Err(format!("{}: cannot read: {e}", p.display())),
        }
    }

    /// Writes it atomically (a temporary file renamed over the old one).
    pub fn save(&self, cache: &Path) -> Result<(), String> {
        let p = cache.join(STATE_FILE);
        let tmp = cache.join(format!("{STATE_FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&tmp, text).map_err(|e| format!("{}: cannot write: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &p).map_err(|e| format!("{}: cannot write: {e}", p.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_paths_are_stable_and_safe() {
        let a = RepoSpec::parse("https://h.example/acme/api.git").unwrap();
        let b = RepoSpec::parse("git@h.example:acme/api").unwrap();
        let c = Path::new("/cache");
        assert_eq!(mirror_path(c, &a), mirror_path(c, &b));
        let p = mirror_path(c, &a);
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("api-") && name.ends_with(".git"), "{name}");
    }

    #[test]
    fn failures_name_the_reason_without_credentials() {
        let spec = RepoSpec::parse("https://user:hunter2@127.0.0.1:9/nope.git").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let e = update(&spec, &dir.path().join("x.git"), Duration::from_secs(20)).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(!dir.path().join("x.git.partial").exists());
    }
}
