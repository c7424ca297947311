//! The server hook's verdict on a push (`keyhound scan --pre-receive`): the admin-controlled
//! bypass (`git push -o keyhound.skip`), the time budget, and the message a refused pusher
//! sees, one block per ref naming file, line, rule and the redacted secret, and how to fix
//! the commits.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::config::{OnTimeout, PreReceive};
use crate::finding::Finding;
use crate::source::pushed::Push;

/// The push option that asks to skip the scan.
pub const SKIP_OPTION: &str = "keyhound.skip";

/// The push options git hands the hook (`GIT_PUSH_OPTION_COUNT`, `GIT_PUSH_OPTION_<i>`; only
/// set when the server has `receive.advertisePushOptions` on).
pub fn push_options() -> Vec<String> {
    let n: usize = std::env::var("GIT_PUSH_OPTION_COUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    (0..n.min(1000)).filter_map(|i| std::env::var(format!("GIT_PUSH_OPTION_{i}")).ok()).collect()
}

/// Who pushed, as the forge or the web server tells the hook.
pub fn pusher() -> String {
    ["GL_USERNAME", "GITEA_PUSHER_NAME", "GITHUB_USER_LOGIN", "REMOTE_USER", "USER"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// The bypass log line (JSON), also appended to `keyhound-bypass.log` in the git directory.
pub fn bypass_line(refs: &[String], who: &str, now_unix: u64) -> String {
    serde_json::json!({
        "event": "pre-receive-bypass",
        "option": SKIP_OPTION,
        "time": now_unix,
        "pusher": who,
        "refs": refs,
    })
    .to_string()
}

/// Appends a bypass line to `<git dir>/keyhound-bypass.log`; the error names the file.
pub fn log_bypass(git_dir: &Path, line: &str) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let path = git_dir.join("keyhound-bypass.log");
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
    writeln!(f, "{line}")?;
    Ok(path)
}

/// What the hook decides.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let the push in.
    Accept,
    /// Let it in although the scan did not finish (`on-timeout = accept`); says so.
    AcceptUnfinished,
    /// Refuse it.
    Reject,
}

/// The verdict: refuse when a secret was found, when an object could not be read, or when
/// time ran out and the policy fails closed.
pub fn verdict(push: &Push, findings: u64, settings: &PreReceive) -> Verdict {
    if findings > 0 || !push.missing.is_empty() {
        Verdict::Reject
    } else if push.timed_out {
        match settings.on_timeout.unwrap_or(OnTimeout::Reject) {
            OnTimeout::Reject => Verdict::Reject,
            OnTimeout::Accept => Verdict::AcceptUnfinished,
        }
    } else {
        Verdict::Accept
    }
}

/// The message for the pusher (git shows it prefixed with `remote:`).
pub fn message(push: &Push, findings: &[Finding], settings: &PreReceive, show_secrets: bool) -> String {
    let mut s = String::new();
    let v = verdict(push, findings.len() as u64, settings);
    if !push.missing.is_empty() {
        let _ = writeln!(s, "keyhound: push rejected: pushed objects cannot be read, so the push cannot be checked:");
        for m in &push.missing {
            let _ = writeln!(s, "  {m}");
        }
    }
    if push.timed_out {
        let secs = settings.timeout.unwrap_or(0);
        let what = if v == Verdict::Reject { "push rejected" } else { "push accepted unchecked" };
        let _ = writeln!(
            s,
            "keyhound: {what}: the scan ran past its {secs} s budget after {} commit(s); push fewer commits at a time, or ask the server's admin",
            push.commits
        );
    }
    if findings.is_empty() {
        return s;
    }
    let mut by_ref: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let r = f.commit.as_ref().and_then(|c| push.commit_ref.get(&c.id)).map_or("(pushed objects)", |r| r.as_str());
        by_ref.entry(r).or_default().push(f);
    }
    let _ = writeln!(
        s,
        "keyhound: push rejected: {} secret(s) added by the pushed commits of {} ref(s)",
        findings.len(),
        by_ref.len()
    );
    for (r, fs) in &by_ref {
        let _ = writeln!(s, "\n{r}");
        for f in fs {
            let secret = if show_secrets { f.secret.expose_str() } else { f.secret.redacted() };
            let _ = writeln!(s, "  {}:{}:{}  {}  {}", f.path, f.location.line, f.location.column, f.rule_id, secret);
            if let Some(c) = &f.commit {
                let short: String = c.id.chars().take(12).collect();
                let _ = writeln!(s, "    in commit {short} \"{}\" ({} <{}>, {})", c.summary, c.author, c.email, c.date);
            }
        }
    }
    let example = findings.iter().map(|f| f.rule_id.as_str()).next().unwrap_or("RULE-ID");
    s.push_str(
        "\nTo push, take the secret out of the commits that add it, then push again:
  - in the last commit: remove it from the file, `git commit --amend`
  - in an earlier one: `git rebase -i <commit>^`, mark that commit `edit`, remove it, `git commit --amend`, `git rebase --continue`
  Load the value from the environment or a secret store instead.
",
    );
    let _ = writeln!(
        s,
        "  This server did not store it, but if it was shared anywhere else, revoke and rotate it (how: keyhound rules show {example})."
    );
    s.push_str("  Not a secret (a test value)? Add `keyhound:allow` in a comment on its line.\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let settings = |t| PreReceive { allow_skip: false, timeout: Some(5), on_timeout: t };
        let mut p = Push::default();
        assert_eq!(verdict(&p, 0, &settings(None)), Verdict::Accept);
        assert_eq!(verdict(&p, 1, &settings(None)), Verdict::Reject);
        p.timed_out = true;
        assert_eq!(verdict(&p, 0, &settings(None)), Verdict::Reject);
        assert_eq!(verdict(&p, 0, &settings(Some(OnTimeout::Accept))), Verdict::AcceptUnfinished);
        assert_eq!(verdict(&p, 1, &settings(Some(OnTimeout::Accept))), Verdict::Reject, "a found secret wins");
        p.timed_out = false;
        p.missing.push("refs/heads/x: abc cannot be read".into());
        assert_eq!(verdict(&p, 0, &settings(None)), Verdict::Reject);
        let m = message(&p, &[], &settings(None), false);
        assert!(m.contains("cannot be checked") && m.contains("refs/heads/x: abc"), "{m}");
    }

    #[test]
    fn bypass_lines_are_json() {
        let l = bypass_line(&["refs/heads/main".into()], "alice", 1_700_000_000);
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["pusher"], "alice");
        assert_eq!(v["refs"][0], "refs/heads/main");
    }
}
