//! `keyhound scan --repos/--github-org/--gitlab-group`: builds the repository list (forges
//! listed, shard taken) and runs [`crate::repos::run`].

use anyhow::{Result, anyhow};

use super::args::RepoArgs;
use crate::repos::forge::{self, Source};
use crate::repos::shard::Shard;
use crate::repos::{self, Coverage, RepoSpec};
use crate::scan::{Hooks, ScanOutcome};

/// The repositories of this run (this shard's) and how to fetch them.
#[derive(Debug)]
pub struct Plan {
    /// This shard's repositories.
    pub repos: Vec<RepoSpec>,
    /// Repositories of the list left to other shards.
    pub other_shards: usize,
    /// The shard, if any, and where it came from.
    pub shard: Option<(Shard, String)>,
    /// Fetch settings.
    pub options: repos::Options,
}

/// The plan for `a`, or None when no many-repository input was given.
pub fn plan(a: &RepoArgs, quiet: bool) -> Result<Option<Plan>> {
    if !a.any() {
        return Ok(None);
    }
    let mut list: Vec<RepoSpec> = Vec::new();
    if let Some(f) = &a.repos {
        list = repos::list::read(f).map_err(|e| anyhow!(e))?;
    }
    let fopts = forge::Options {
        github_api: a.github_api.clone(),
        gitlab_api: a.gitlab_api.clone(),
        forks: a.include_forks,
        archived: a.include_archived,
    };
    let sources = a
        .github_org
        .iter()
        .map(|o| Source::GithubOrg(o.clone()))
        .chain(a.github_user.iter().map(|u| Source::GithubUser(u.clone())))
        .chain(a.gitlab_group.iter().map(|g| Source::GitlabGroup(g.clone())));
    for src in sources {
        let found = forge::list(&src, &fopts).map_err(|e| anyhow!("cannot list {src:?}: {e}"))?;
        if !quiet {
            eprintln!("keyhound: {src:?}: {} repositories", found.len());
        }
        for r in found {
            repos::list::push_unique(&mut list, r);
        }
    }
    let shard = match &a.shard {
        Some(s) => Some((Shard::parse(s).map_err(|e| anyhow!(e))?, "--shard".to_string())),
        None => {
            let count =
                a.shard_count.or_else(|| std::env::var("KEYHOUND_SHARD_COUNT").ok().and_then(|v| v.parse().ok()));
            Shard::from_env(&|k| std::env::var(k).ok(), a.shard_count.or(count))
                .map_err(|e| anyhow!(e))?
                .map(|(s, engine)| (s, engine.to_string()))
        }
    };
    let total = list.len();
    if let Some((s, _)) = &shard {
        list.retain(|r| s.takes(&r.key));
    }
    if !quiet {
        let part =
            shard.as_ref().map_or(String::new(), |(s, from)| format!(" (shard {}/{} from {from})", s.index, s.count));
        eprintln!("keyhound: {} of {total} repositories to scan{part}", list.len());
    }
    Ok(Some(Plan {
        other_shards: total - list.len(),
        repos: list,
        shard,
        options: repos::Options {
            cache: a.cache.clone(),
            clone_jobs: a.clone_jobs.max(1),
            timeout: std::time::Duration::from_secs(a.repo_timeout.max(1)),
        },
    }))
}

/// Runs the plan: one outcome for all repositories, with their coverage.
pub fn run(plan: &Plan, s: &super::settings::ScanSettings, hooks: &Hooks<'_>) -> Result<ScanOutcome> {
    let (mut outcome, results) =
        repos::run(&plan.repos, &s.scan, &s.detector, hooks, &plan.options).map_err(|e| anyhow!(e))?;
    outcome.stats.rules = s.detector.rules().len();
    outcome.coverage = Some(Coverage {
        repositories: results,
        other_shards: plan.other_shards,
        shard: plan.shard.as_ref().map(|(s, _)| format!("{}/{}", s.index, s.count)),
    });
    Ok(outcome)
}
