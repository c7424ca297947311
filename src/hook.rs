//! `keyhound install-hook`: puts keyhound's pre-commit hook (`hooks/pre-commit`, embedded
//! here) into a repository's hooks directory, respecting `core.hooksPath`; with
//! `--pre-receive`, the server-side hook (`hooks/pre-receive`) into a (bare) repository on a
//! git server. Both follow the same rules; the names below are the pre-commit hook's.
//!
//! An existing hook that is not keyhound's is never overwritten silently: without `--force`
//! installation stops with a message; with `--force` the old hook is kept as
//! `pre-commit.keyhound-backup`, which keyhound's hook runs first (or, with `--no-chain`, as
//! `pre-commit.keyhound-saved`, which it does not run). Rerunning with `--force --no-chain`
//! over a chained hook renames the backup to `pre-commit.keyhound-saved` (no longer run);
//! `--force` without `--no-chain` renames a saved hook back, so it runs again.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

/// The hook script shipped in `hooks/pre-commit`.
pub const PRE_COMMIT: &str = include_str!("../hooks/pre-commit");
/// The hook script shipped in `hooks/pre-receive`.
pub const PRE_RECEIVE: &str = include_str!("../hooks/pre-receive");

/// Which hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// On a developer's machine, before each commit.
    PreCommit,
    /// On a git server, before a push is accepted.
    PreReceive,
}

impl Kind {
    /// The hook's file name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PreCommit => "pre-commit",
            Kind::PreReceive => "pre-receive",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Kind::PreCommit => PRE_COMMIT,
            Kind::PreReceive => PRE_RECEIVE,
        }
    }

    fn is_ours(self, text: &str) -> bool {
        match self {
            Kind::PreCommit => text.contains("keyhound pre-commit hook") && text.contains("scan --staged"),
            Kind::PreReceive => text.contains("keyhound pre-receive hook") && text.contains("scan --pre-receive"),
        }
    }
}

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    /// Written where there was no hook.
    New(PathBuf),
    /// keyhound's hook was already there (and is now the current version).
    AlreadyThere(PathBuf),
    /// Written after moving an existing hook aside to the given path.
    Replaced(PathBuf, PathBuf),
    /// keyhound's hook was there; the previous hook it kept was renamed (from, to): it runs
    /// again (`…-backup`) or no longer (`…-saved`).
    Rechained(PathBuf, PathBuf, PathBuf),
}

/// The previous hook, kept and run before keyhound's.
pub const BACKUP: &str = "pre-commit.keyhound-backup";
/// The previous hook, kept and not run (`--no-chain`).
pub const SAVED: &str = "pre-commit.keyhound-saved";

/// The directory git runs hooks from for the repository containing `path`.
pub fn hooks_dir(path: &Path) -> Result<PathBuf> {
    let repo =
        git2::Repository::discover(path).with_context(|| format!("{}: not inside a git repository", path.display()))?;
    let config = repo.config().context("cannot read git configuration")?;
    if let Ok(p) = config.get_path("core.hooksPath") {
        let base = repo.workdir().map_or_else(|| repo.path().to_path_buf(), Path::to_path_buf);
        return Ok(if p.is_absolute() { p } else { base.join(p) });
    }
    // hooks live in the common git directory, also for linked worktrees
    let gitdir = repo.path();
    let common = match gitdir.parent() {
        Some(parent) if parent.file_name().is_some_and(|n| n == "worktrees") => {
            parent.parent().map_or_else(|| gitdir.to_path_buf(), Path::to_path_buf)
        }
        _ => gitdir.to_path_buf(),
    };
    Ok(common.join("hooks"))
}

/// Installs the pre-commit hook.
pub fn install(repo: &Path, force: bool, chain: bool) -> Result<Installed> {
    install_kind(Kind::PreCommit, repo, force, chain)
}

/// Installs a hook.
pub fn install_kind(kind: Kind, repo: &Path, force: bool, chain: bool) -> Result<Installed> {
    let dir = hooks_dir(repo)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create the hooks directory", dir.display()))?;
    let name = kind.name();
    let (backup, saved) = (format!("{name}.keyhound-backup"), format!("{name}.keyhound-saved"));
    let target = dir.join(name);
    let mut result = Installed::New(target.clone());
    if let Ok(existing) = std::fs::read(&target) {
        let text = String::from_utf8_lossy(&existing);
        if kind.is_ours(&text) {
            result = Installed::AlreadyThere(target.clone());
            // `--force` switches a kept hook between run (chained) and not run
            let (from, to) =
                if chain { (dir.join(&saved), dir.join(&backup)) } else { (dir.join(&backup), dir.join(&saved)) };
            if force && from.is_file() && !to.exists() {
                std::fs::rename(&from, &to).with_context(|| format!("{}: cannot rename it", from.display()))?;
                result = Installed::Rechained(target.clone(), from, to);
            }
        } else if !force {
            return Err(anyhow!(
                "{}: a different {name} hook is already installed; rerun with --force to keep it as \
                 {backup} and run it before keyhound (add --no-chain to not run it)",
                target.display()
            ));
        } else {
            let backup = dir.join(if chain { &backup } else { &saved });
            std::fs::rename(&target, &backup)
                .with_context(|| format!("{}: cannot move the old hook aside", target.display()))?;
            result = Installed::Replaced(target.clone(), backup);
        }
    }
    std::fs::write(&target, kind.script()).with_context(|| format!("{}: cannot write the hook", target.display()))?;
    make_executable(&target)?;
    Ok(result)
}

#[cfg(unix)]
fn make_executable(p: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("{}: cannot make it executable", p.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
