//! Listing an organisation's repositories through the forge's REST API: GitHub organisations
//! and users, GitLab groups (with subgroups), pages followed through `Link` headers.
//!
//! Tokens come from `GITHUB_TOKEN` / `GITLAB_TOKEN` and go only to the API base (GitHub
//! Enterprise Server and self-managed GitLab by `--github-api` / `--gitlab-api`); a `next`
//! link to another origin is refused rather than followed with the token.

use std::time::Duration;

use super::list::RepoSpec;

/// What to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A GitHub organisation's repositories.
    GithubOrg(String),
    /// A GitHub user's own repositories.
    GithubUser(String),
    /// A GitLab group's projects, subgroups included.
    GitlabGroup(String),
}

/// Listing settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// GitHub's API base.
    pub github_api: String,
    /// GitLab's API base.
    pub gitlab_api: String,
    /// Include forks.
    pub forks: bool,
    /// Include archived repositories.
    pub archived: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            github_api: "https://api.github.com".into(),
            gitlab_api: "https://gitlab.com/api/v4".into(),
            forks: false,
            archived: false,
        }
    }
}

/// The URL of the `rel="next"` page in a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_string())
    })
}

fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url[after..].find('/').map_or(url.len(), |i| after + i);
    &url[..end]
}

/// One page of a listing: its items and the next page's URL.
type Page = Result<(Vec<serde_json::Value>, Option<String>), String>;

/// Lists the repositories of `source`; `(page URL, token header)` pairs are fetched with `get`
/// (the real client in [`list`], a closure in tests).
fn list_with(source: &Source, opts: &Options, get: &mut dyn FnMut(&str) -> Page) -> Result<Vec<RepoSpec>, String> {
    let (base, first) = match source {
        Source::GithubOrg(o) => (&opts.github_api, format!("/orgs/{o}/repos?per_page=100&type=all")),
        Source::GithubUser(u) => (&opts.github_api, format!("/users/{u}/repos?per_page=100&type=owner")),
        Source::GitlabGroup(g) => {
            let id = percent_encoding::utf8_percent_encode(g, percent_encoding::NON_ALPHANUMERIC).to_string();
            (&opts.gitlab_api, format!("/groups/{id}/projects?per_page=100&include_subgroups=true&order_by=id"))
        }
    };
    let base = base.trim_end_matches('/');
    let mut url = format!("{base}{first}");
    let mut out = Vec::new();
    for page in 1.. {
        if page > 10_000 {
            return Err("more than 10,000 pages: stopping".into());
        }
        let (items, next) = get(&url)?;
        for it in &items {
            let gitlab = matches!(source, Source::GitlabGroup(_));
            let clone = if gitlab { it["http_url_to_repo"].as_str() } else { it["clone_url"].as_str() };
            let Some(clone) = clone else { continue };
            let fork = if gitlab { !it["forked_from_project"].is_null() } else { it["fork"].as_bool() == Some(true) };
            let archived = it["archived"].as_bool() == Some(true);
            if (fork && !opts.forks) || (archived && !opts.archived) {
                continue;
            }
            if let Ok(spec) = RepoSpec::parse(clone) {
                super::list::push_unique(&mut out, spec);
            }
        }
        match next {
            Some(n) if origin(&n) == origin(base) => url = n,
            Some(n) => {
                return Err(format!("the API's next page is on another origin ({}): not followed", origin(&n)));
            }
            None => break,
        }
    }
    Ok(out)
}

/// Lists the repositories of `source` through the forge's API.
pub fn list(source: &Source, opts: &Options) -> Result<Vec<RepoSpec>, String> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .try_proxy_from_env(true)
        .user_agent(concat!("keyhound/", env!("CARGO_PKG_VERSION")))
        .build();
    let (token_var, header) = match source {
        Source::GitlabGroup(_) => ("GITLAB_TOKEN", "PRIVATE-TOKEN"),
        _ => ("GITHUB_TOKEN", "Authorization"),
    };
    let token = std::env::var(token_var).ok().filter(|t| !t.is_empty());
    let mut get = |url: &str| -> Page {
        let mut req = agent.get(url);
        if let Some(t) = &token {
            req = req.set(header, &if header == "Authorization" { format!("Bearer {t}") } else { t.clone() });
        }
        if header == "Authorization" {
            req = req.set("Accept", "application/vnd.github+json").set("X-GitHub-Api-Version", "2022-11-28");
        }
        let path = url.split_once("://").map_or(url, |(_, r)| r);
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(code, r)) => {
                let limited = r.header("x-ratelimit-remaining") == Some("0") || code == 429;
                let reset = r.header("x-ratelimit-reset").or(r.header("retry-after")).map(str::to_string);
                let body = r.into_string().unwrap_or_default();
                let msg = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|j| j["message"].as_str().map(str::to_string))
                    .unwrap_or_default();
                return Err(if limited {
                    format!(
                        "{path}: rate limited (HTTP {code}){}; set {token_var} or wait",
                        reset.map_or(String::new(), |r| format!(", resets at {r}"))
                    )
                } else {
                    format!("{path}: HTTP {code} {msg}").trim_end().to_string()
                });
            }
            Err(ureq::Error::Transport(t)) => return Err(format!("{path}: {}", t.kind())),
        };
        let next = resp.header("link").and_then(next_link);
        let body = resp.into_string().map_err(|e| format!("{path}: cannot read the answer: {e}"))?;
        let items: Vec<serde_json::Value> =
            serde_json::from_str(&body).map_err(|e| format!("{path}: not a JSON list of repositories: {e}"))?;
        Ok((items, next))
    };
    list_with(source, opts, &mut get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn link_headers_give_the_next_page() {
        let l = r#"<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=5>; rel="last""#;
        assert_eq!(next_link(l).as_deref(), Some("https://api.github.com/organizations/1/repos?page=2"));
        assert_eq!(next_link(r#"<https://x/y?page=1>; rel="prev""#), None);
    }

    #[test]
    fn forks_and_archived_are_left_out_unless_asked_and_pages_stay_on_the_api() {
        let pages = [
            (
                vec![json!({"clone_url": "https://h/a.git"}), json!({"clone_url": "https://h/f.git", "fork": true})],
                Some("https://api.h/orgs/o/repos?page=2"),
            ),
            (vec![json!({"clone_url": "https://h/z.git", "archived": true})], None),
        ];
        let opts = Options { github_api: "https://api.h".into(), ..Default::default() };
        let mut i = 0;
        let mut get = |_: &str| {
            let (items, next) = pages[i].clone();
            i += 1;
            Ok((items, next.map(str::to_string)))
        };
        let l = list_with(&Source::GithubOrg("o".into()), &opts, &mut get).unwrap();
        assert_eq!(l.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["h/a"]);
        let all = Options { forks: true, archived: true, ..opts.clone() };
        let mut i = 0;
        let mut get = |_: &str| {
            let (items, next) = pages[i].clone();
            i += 1;
            Ok((items, next.map(str::to_string)))
        };
        assert_eq!(list_with(&Source::GithubOrg("o".into()), &all, &mut get).unwrap().len(), 3);
        let mut evil = |_: &str| Ok((vec![], Some("https://evil.example/next".to_string())));
        assert!(list_with(&Source::GithubOrg("o".into()), &opts, &mut evil).unwrap_err().contains("another origin"));
    }
}
