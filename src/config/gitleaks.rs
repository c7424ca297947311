//! gitleaks configuration files (`.gitleaks.toml`), translated into a keyhound [`Config`], so a
//! team with custom gitleaks rules can switch without rewriting them.
//!
//! What is translated (gitleaks' documented configuration format):
//!
//! - `[[rules]]`: `id` (made kebab-case if it is not), `description` (the rule name), `regex`
//!   with `secretGroup` (that capture group becomes keyhound's `secret` group; without
//!   `secretGroup`, the first group if there is one, else the whole match), `keywords`,
//!   `entropy`, `path` (a regex on the file path: the rule only applies to matching files);
//!   `tags` are ignored.
//! - `[[rules.allowlists]]` and the legacy `[rules.allowlist]`: `regexes` (on the secret, the
//!   default `regexTarget`), `stopwords`, `paths` (regexes), `condition` (`OR`, `AND`).
//! - the global `[allowlist]` and `[[allowlists]]` (with `targetRules`): the same keys, for every
//!   rule or the target rules.
//! - `[extend] useDefault = true`: keyhound's built-in rules stay on (without it, a gitleaks
//!   configuration replaces the defaults, as in gitleaks); `disabledRules` turns off the
//!   keyhound rules with those ids (other ids are warned about).
//!
//! What cannot be translated is named in a warning (file, rule id, what was ignored): a regex
//! that Rust's `regex` crate rejects (Go-only syntax such as `\Q…\E`: the rule is skipped),
//! rules with only a `path` (gitleaks reports the file itself), `regexTarget = "match"` or
//! `"line"` (those regexes are ignored), `commits` allowlists, `[extend] path` and `url`,
//! composite rules (`[[rules.required]]`), `skipReport`, `tokenEfficiency` and unknown keys. An
//! allowlist with `condition = "AND"` that loses a criterion is dropped whole (a smaller AND
//! would allow more). A rule that cannot work at all (no `id`, a `secretGroup` the regex does
//! not have, a value of the wrong type) is an error.

use regex_syntax::ast::{self, Ast, GroupKind};
use toml::{Table, Value};

use crate::config::{Config, ConfigError, Dialect};
use crate::policy::allowlist::{Allowlist, Condition};
use crate::rules::load::compile_rule;
use crate::rules::{RuleSyntax, Severity};

/// Keys only gitleaks rules have.
const GITLEAKS_RULE_KEYS: &[&str] =
    &["secretGroup", "description", "allowlist", "allowlists", "tags", "path", "skipReport", "required"];
/// Keys only gitleaks allowlists have.
const GITLEAKS_ALLOWLIST_KEYS: &[&str] =
    &["description", "regexes", "stopwords", "commits", "regexTarget", "condition", "targetRules"];

/// Whether a parsed configuration is in gitleaks' format (by file name or shape).
pub fn looks_like_gitleaks(file: &str, t: &Table) -> bool {
    let name = std::path::Path::new(file).file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.contains("gitleaks") {
        return true;
    }
    if ["title", "extend", "allowlists", "minVersion"].iter().any(|k| t.contains_key(*k)) {
        return true;
    }
    if let Some(Value::Table(a)) = t.get("allowlist")
        && a.keys().any(|k| GITLEAKS_ALLOWLIST_KEYS.contains(&k.as_str()))
    {
        return true;
    }
    if let Some(Value::Array(rules)) = t.get("rules") {
        return rules.iter().filter_map(Value::as_table).any(|r| {
            r.keys().any(|k| GITLEAKS_RULE_KEYS.contains(&k.as_str()))
                || (!r.contains_key("name") && !r.contains_key("provider"))
        });
    }
    false
}

/// Reads typed values out of TOML tables, with errors naming the file and the key.
struct Reader<'a> {
    file: &'a str,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn err(&self, at: &str, reason: impl std::fmt::Display) -> ConfigError {
        ConfigError::new(self.file, format!("{at}: {reason}"))
    }

    fn warn(&mut self, at: &str, what: impl std::fmt::Display) {
        self.warnings.push(format!("{}: {at}: {what}", self.file));
    }

    fn string(&self, t: &Table, at: &str, key: &str) -> Result<Option<String>, ConfigError> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected a string, found {}", v.type_str()))),
        }
    }

    fn strings(&self, t: &Table, at: &str, key: &str) -> Result<Vec<String>, ConfigError> {
        match t.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    v => Err(self.err(at, format!("key `{key}`: expected strings, found {}", v.type_str()))),
                })
                .collect(),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected an array of strings, found {}", v.type_str()))),
        }
    }

    fn number(&self, t: &Table, at: &str, key: &str) -> Result<Option<f64>, ConfigError> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::Float(f)) => Ok(Some(*f)),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected a number, found {}", v.type_str()))),
        }
    }

    fn integer(&self, t: &Table, at: &str, key: &str) -> Result<Option<i64>, ConfigError> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected an integer, found {}", v.type_str()))),
        }
    }

    fn boolean(&self, t: &Table, at: &str, key: &str) -> Result<Option<bool>, ConfigError> {
        match t.get(key) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected true or false, found {}", v.type_str()))),
        }
    }

    fn table<'t>(&self, v: &'t Value, at: &str) -> Result<&'t Table, ConfigError> {
        v.as_table().ok_or_else(|| self.err(at, format!("expected a table, found {}", v.type_str())))
    }

    fn tables<'t>(&self, t: &'t Table, at: &str, key: &str) -> Result<Vec<&'t Table>, ConfigError> {
        match t.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(|v| self.table(v, &format!("{at}{key}"))).collect(),
            Some(v) => Err(self.err(at, format!("key `{key}`: expected an array of tables, found {}", v.type_str()))),
        }
    }
}

/// gitleaks rule ids are free-form; keyhound's are kebab-case.
pub fn kebab_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Translates a gitleaks configuration.
pub fn translate(file: &str, t: &Table) -> Result<Config, ConfigError> {
    let mut r = Reader { file, warnings: Vec::new() };
    let mut cfg = Config { dialect: Dialect::Gitleaks, use_builtin: false, ..Config::default() };
    for key in t.keys() {
        if !["title", "minVersion", "extend", "rules", "allowlist", "allowlists"].contains(&key.as_str()) {
            r.warn("top level", format!("unknown key `{key}` ignored"));
        }
    }
    if let Some(v) = t.get("extend") {
        let e = r.table(v, "[extend]")?;
        cfg.use_builtin = r.boolean(e, "[extend]", "useDefault")?.unwrap_or(false);
        for id in r.strings(e, "[extend]", "disabledRules")? {
            cfg.disabled_if_present.push(kebab_id(&id));
        }
        for key in e.keys() {
            match key.as_str() {
                "useDefault" | "disabledRules" => {}
                "path" | "url" => {
                    r.warn("[extend]", format!("`{key}` ignored: keyhound does not load other gitleaks configurations"))
                }
                other => r.warn("[extend]", format!("unknown key `{other}` ignored")),
            }
        }
    }
    for (i, rule) in r.tables(t, "", "rules")?.into_iter().enumerate() {
        let at = format!("[[rules]] #{}", i + 1);
        if let Some((syn, lists)) = translate_rule(&mut r, &at, rule)? {
            cfg.allowlists.extend(lists);
            cfg.rules.push(syn);
        }
    }
    if let Some(v) = t.get("allowlist") {
        let a = r.table(v, "[allowlist]")?;
        cfg.allowlists.extend(translate_allowlist(&mut r, "[allowlist]", a, Vec::new())?);
    }
    for (i, a) in r.tables(t, "", "allowlists")?.into_iter().enumerate() {
        let at = format!("[[allowlists]] #{}", i + 1);
        let targets: Vec<String> = r.strings(a, &at, "targetRules")?.iter().map(|id| kebab_id(id)).collect();
        cfg.allowlists.extend(translate_allowlist(&mut r, &at, a, targets)?);
    }
    cfg.warnings = r.warnings;
    Ok(cfg)
}

/// One `[[rules]]` entry: the keyhound rule and its allowlists, or `None` when it is skipped
/// (with a warning).
fn translate_rule(
    r: &mut Reader<'_>,
    at: &str,
    t: &Table,
) -> Result<Option<(RuleSyntax, Vec<Allowlist>)>, ConfigError> {
    let raw_id = r.string(t, at, "id")?.ok_or_else(|| r.err(at, "missing key `id`"))?;
    let id = kebab_id(&raw_id);
    if id.is_empty() {
        return Err(r.err(at, format!("rule id `{raw_id}` has no letters or digits")));
    }
    let at = format!("rule `{id}`");
    if id != raw_id {
        r.warn(&at, format!("gitleaks id `{raw_id}` is reported as `{id}` (keyhound ids are kebab-case)"));
    }
    for key in t.keys() {
        match key.as_str() {
            "id" | "description" | "regex" | "secretGroup" | "keywords" | "entropy" | "path" | "tags" | "allowlist"
            | "allowlists" => {}
            "required" => r.warn(&at, "`[[rules.required]]` (composite rules) ignored: the rule reports on its own"),
            "skipReport" => {
                if r.boolean(t, &at, "skipReport")? == Some(true) {
                    r.warn(&at, "`skipReport = true` (a rule only used by composite rules): rule skipped");
                    return Ok(None);
                }
            }
            other => r.warn(&at, format!("unknown key `{other}` ignored")),
        }
    }
    let Some(regex) = r.string(t, &at, "regex")? else {
        if t.contains_key("path") {
            r.warn(&at, "a rule with only `path` (it reports files by name) is not supported: rule skipped");
            return Ok(None);
        }
        return Err(r.err(&at, "missing key `regex`"));
    };
    let group = r.integer(t, &at, "secretGroup")?;
    let regex = match secret_regex(&regex, group) {
        Ok(re) => re,
        Err(SecretRegexError::Syntax(e)) => {
            r.warn(&at, format!("regex not supported by keyhound's regex engine, rule skipped: {e}"));
            return Ok(None);
        }
        Err(SecretRegexError::Group(e)) => return Err(r.err(&at, e)),
    };
    let name = r.string(t, &at, "description")?.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| raw_id.clone());
    let syn = RuleSyntax {
        id: id.clone(),
        name,
        provider: "Custom (gitleaks configuration)".to_string(),
        family: None,
        severity: Severity::High,
        confidence: None,
        keywords: r
            .strings(t, &at, "keywords")?
            .into_iter()
            .filter(|k| !k.is_empty())
            .map(|k| k.to_lowercase())
            .collect(),
        regex,
        assign: None,
        file: None,
        entropy: r.number(t, &at, "entropy")?.filter(|e| *e > 0.0),
        window: None,
        check: None,
        placeholder_filter: true,
        generic: false,
        allow: Vec::new(),
        stopwords: Vec::new(),
        references: Vec::new(),
        revoke: String::new(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
        pair: None,
        path: r.string(t, &at, "path")?,
        verify: None,
        revocation: None,
    };
    if let Err(e) = compile_rule(syn.clone(), r.file, false) {
        r.warn(&at, format!("rule skipped: {}", e.reason));
        return Ok(None);
    }
    let mut lists = Vec::new();
    if let Some(v) = t.get("allowlist") {
        let a = r.table(v, &format!("{at}: [rules.allowlist]"))?;
        lists.extend(translate_allowlist(r, &format!("{at}: [rules.allowlist]"), a, vec![id.clone()])?);
    }
    for (i, a) in r.tables(t, &format!("{at}: "), "allowlists")?.into_iter().enumerate() {
        let where_ = format!("{at}: [[rules.allowlists]] #{}", i + 1);
        lists.extend(translate_allowlist(r, &where_, a, vec![id.clone()])?);
    }
    Ok(Some((syn, lists)))
}

/// An allowlist table (rule or global); `None` when nothing in it can be used.
fn translate_allowlist(
    r: &mut Reader<'_>,
    at: &str,
    t: &Table,
    rules: Vec<String>,
) -> Result<Option<Allowlist>, ConfigError> {
    let mut a = Allowlist::new(rules);
    a.condition = match r.string(t, at, "condition")?.map(|c| c.to_ascii_uppercase()) {
        None => Condition::Any,
        Some(c) if c == "OR" => Condition::Any,
        Some(c) if c == "AND" => Condition::All,
        Some(c) => return Err(r.err(at, format!("key `condition`: `{c}` is not OR or AND"))),
    };
    let mut lost = Vec::new();
    for key in t.keys() {
        match key.as_str() {
            "description" | "condition" | "regexes" | "regexTarget" | "stopwords" | "paths" => {}
            "targetRules" if at.starts_with("[[allowlists]]") => {}
            "commits" => lost.push(
                "`commits` (keyhound allowlists do not name commits; use .keyhoundignore or a baseline)".to_string(),
            ),
            other => lost.push(format!("unknown key `{other}`")),
        }
    }
    let regexes = r.strings(t, at, "regexes")?;
    match r.string(t, at, "regexTarget")?.as_deref() {
        None | Some("secret") => {
            for p in &regexes {
                if let Err(e) = a.regex(p) {
                    lost.push(format!("regex not supported by keyhound's regex engine: {e}"));
                }
            }
        }
        Some(other) if !regexes.is_empty() => {
            lost.push(format!("`regexes` with `regexTarget = \"{other}\"` (only the secret is matched)"));
        }
        Some(_) => {}
    }
    for w in r.strings(t, at, "stopwords")? {
        if a.stopword(&w).is_err() {
            lost.push("an empty stopword".to_string());
        }
    }
    for p in r.strings(t, at, "paths")? {
        if let Err(e) = a.path_regex(&p) {
            lost.push(format!("path regex not supported by keyhound's regex engine: {e}"));
        }
    }
    if a.condition == Condition::All && !lost.is_empty() {
        for l in &lost {
            r.warn(at, format!("{l} cannot be translated, so this AND allowlist is ignored"));
        }
        return Ok(None);
    }
    for l in &lost {
        r.warn(at, format!("{l} ignored"));
    }
    Ok(if a.is_empty() { None } else { Some(a) })
}

/// Why a gitleaks regex could not become a keyhound rule regex.
#[derive(Debug, PartialEq)]
enum SecretRegexError {
    /// The regex crate's parser rejects it (Go-only syntax, for example).
    Syntax(String),
    /// `secretGroup` names a group the regex does not have.
    Group(String),
}

/// Rewrites a gitleaks regex so that its secret group (`secretGroup`, else the first capture
/// group, else the whole match) is keyhound's named group `secret`.
fn secret_regex(pattern: &str, group: Option<i64>) -> Result<String, SecretRegexError> {
    let parsed = ast::parse::Parser::new().parse(pattern).map_err(|e| SecretRegexError::Syntax(one_line(&e)))?;
    let mut groups: Vec<(usize, usize, usize)> = Vec::new(); // (index, start, name end)
    collect_groups(&parsed, &mut groups);
    groups.sort();
    let wanted = match group {
        Some(n) if n < 0 => return Err(SecretRegexError::Group(format!("`secretGroup = {n}` is negative"))),
        Some(0) => None,
        Some(n) => Some(n as usize),
        None => (!groups.is_empty()).then_some(1),
    };
    let out = match wanted {
        None => format!("(?P<secret>{pattern})"),
        Some(n) => {
            let Some(&(_, start, name_end)) = groups.iter().find(|g| g.0 == n) else {
                return Err(SecretRegexError::Group(format!(
                    "`secretGroup = {n}` but the regex has {} capture group(s)",
                    groups.len()
                )));
            };
            format!("{}(?P<secret>{}", &pattern[..start], &pattern[name_end..])
        }
    };
    crate::matcher::regex::compile(&out, true).map_err(SecretRegexError::Syntax)?;
    Ok(out)
}

fn one_line(e: &impl std::fmt::Display) -> String {
    e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Capture groups of an AST: (index, offset of `(`, offset just after `(` or `(?P<name>`).
fn collect_groups(a: &Ast, out: &mut Vec<(usize, usize, usize)>) {
    match a {
        Ast::Group(g) => {
            let start = g.span.start.offset;
            match &g.kind {
                GroupKind::CaptureIndex(i) => out.push((*i as usize, start, start + 1)),
                GroupKind::CaptureName { name, .. } => out.push((name.index as usize, start, name.span.end.offset + 1)),
                GroupKind::NonCapturing(_) => {}
            }
            collect_groups(&g.ast, out);
        }
        Ast::Repetition(r) => collect_groups(&r.ast, out),
        Ast::Alternation(x) => x.asts.iter().for_each(|a| collect_groups(a, out)),
        Ast::Concat(x) => x.asts.iter().for_each(|a| collect_groups(a, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_group_becomes_named() {
        assert_eq!(secret_regex(r"key=([a-z]{4})(x)", Some(1)).unwrap(), r"key=(?P<secret>[a-z]{4})(x)");
        assert_eq!(secret_regex(r"(?i)(a)(?:b)(c)", Some(2)).unwrap(), r"(?i)(a)(?:b)(?P<secret>c)");
        assert_eq!(secret_regex(r"k=(?P<v>\d+)", None).unwrap(), r"k=(?P<secret>\d+)");
        assert_eq!(secret_regex(r"abc\d+", None).unwrap(), r"(?P<secret>abc\d+)");
        assert_eq!(secret_regex(r"(a)", Some(0)).unwrap(), r"(?P<secret>(a))");
        assert!(matches!(secret_regex(r"(a)", Some(3)), Err(SecretRegexError::Group(_))));
        assert!(matches!(secret_regex(r"\Qa.b\E", None), Err(SecretRegexError::Syntax(_))));
    }

    #[test]
    fn ids_become_kebab_case() {
        assert_eq!(kebab_id("acme-api-key"), "acme-api-key");
        assert_eq!(kebab_id("Acme_API key"), "acme-api-key");
    }

    #[test]
    fn shape_detection() {
        let t: Table = toml::from_str("[[rules]]\nid = \"x\"\nregex = 'a'\nsecretGroup = 1\n").unwrap();
        assert!(looks_like_gitleaks("conf.toml", &t));
        let t: Table = toml::from_str("[allowlist]\npaths = ['a/**']\n").unwrap();
        assert!(!looks_like_gitleaks(".keyhound.toml", &t));
        assert!(looks_like_gitleaks(".gitleaks.toml", &t));
    }

    #[test]
    fn untranslatable_parts_are_warned_about() {
        let text = "[extend]\nuseDefault = true\npath = 'base.toml'\n\
                    [[rules]]\nid = 'Acme_Key'\nregex = '''acme_([a-z0-9]{16})'''\nkeywords = ['ACME_']\n\
                    [[rules.allowlists]]\nregexTarget = 'line'\nregexes = ['test']\n\
                    [[rules]]\nid = 'go-only'\nregex = '''\\Qx\\E([a-z]{9})'''\n\
                    [allowlist]\ncommits = ['abc']\nstopwords = ['sample']\n";
        let c = Config::parse("g.toml", text).unwrap();
        assert!(c.use_builtin);
        assert_eq!(c.rules.len(), 1);
        assert_eq!(c.rules[0].id, "acme-key");
        assert_eq!(c.rules[0].regex, "acme_(?P<secret>[a-z0-9]{16})");
        assert_eq!(c.rules[0].keywords, vec!["acme_"]);
        assert_eq!(c.allowlists.len(), 1, "the global stopword allowlist");
        let w = c.warnings.join("\n");
        for needle in [
            "[extend]: `path` ignored",
            "`Acme_Key` is reported as `acme-key`",
            "regexTarget = \"line\"",
            "rule `go-only`",
            "`commits`",
        ] {
            assert!(w.contains(needle), "{needle} not in:\n{w}");
        }
        let e = Config::parse("g.toml", "[[rules]]\nid = 'x'\nregex = '(a)'\nsecretGroup = 2\n").unwrap_err();
        assert!(e.to_string().contains("rule `x`: `secretGroup = 2`"), "{e}");
    }
}
