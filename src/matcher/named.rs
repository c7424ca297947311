//! Name-gated rules: values the [assignment recogniser](crate::assign) finds under a name.
//!
//! A rule with an `[rules.assign]` table does not carry a context regex. Its keyword hits
//! give windows as for any rule; the matcher line-aligns the windows of every such rule that
//! fired, runs the recogniser once per blob over their union, and then asks, for each rule,
//! which recognised assignments have a name that starts in one of its windows, a name its
//! `name` regex finds, an auth scheme it accepts and a value its `value` regex matches whole.

use std::ops::Range;

use regex_automata::meta::Cache;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use crate::assign::{self, Assignment};
use crate::rules::{AssignMatch, Rule};

/// How far past its window the line of a generic name-gated rule's hit is read (see
/// [`Recognised::add_window`]): more than a name ([`assign::MAX_NAME`]) with its quotes and
/// the operator.
pub const NEAR_REACH: usize = 160;

/// The assignments of one blob, recognised once for every name-gated rule.
#[derive(Debug, Default)]
pub struct Recognised {
    regions: Vec<(usize, usize)>,
    /// Sorted by the start of the name.
    pub assignments: Vec<Assignment>,
}

impl Recognised {
    /// Forgets the previous blob.
    pub fn clear(&mut self) {
        self.regions.clear();
        self.assignments.clear();
    }

    /// Adds a window of a name-gated rule; [`Recognised::run`] reads the union.
    ///
    /// `keyword_in_name`: the rule's keywords are part of the name (a generic name-gated rule), so the
    /// name starts within [`NEAR_REACH`] of the window's edges and only that much of a long line
    /// is read. Line-aligning such a window in a minified bundle read up to 8 KiB around every
    /// hit: the recogniser read 37 % of all bytes of the synthetic benchmark tree (a third of
    /// it in lines over 1,000 bytes), 0.8 GiB counted before the windows were merged.
    pub fn add_window(&mut self, hay: &[u8], s: usize, e: usize, keyword_in_name: bool) {
        let (s, e) = (s.min(hay.len()), e.min(hay.len()));
        let (s, e) = if keyword_in_name {
            (assign::line_start_within(hay, s, NEAR_REACH), assign::line_end_within(hay, e, NEAR_REACH))
        } else {
            (assign::line_start(hay, s), assign::line_end(hay, e))
        };
        self.regions.push((s, e));
    }

    /// Recognises the assignments of the union of the windows added.
    pub fn run(&mut self, hay: &[u8]) {
        let w = &mut self.regions;
        w.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(w.len());
        for &(s, e) in w.iter() {
            match merged.last_mut() {
                Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        for (s, e) in merged {
            assign::recognise(hay, s..e, &mut self.assignments);
        }
    }

    /// The assignments whose name starts in `s..e`.
    pub fn in_window(&self, s: usize, e: usize) -> &[Assignment] {
        let a = &self.assignments;
        let from = a.partition_point(|x| x.name.start < s);
        let to = a.partition_point(|x| x.name.start < e);
        &a[from..to.max(from)]
    }
}

/// Per-rule scratch for the value regex.
pub type ValueScratch = Option<(Cache, Captures)>;

/// The reported secret of `a` if it satisfies the rule's assignment test.
pub fn test(rule: &Rule, hay: &[u8], a: &Assignment, scratch: &mut ValueScratch) -> Option<Range<usize>> {
    let am: &AssignMatch = rule.assign.as_ref()?;
    let name = &hay[a.name.clone()];
    if !am.schemes.is_empty() {
        let scheme = a.scheme.as_ref().map(|s| hay[s.clone()].to_ascii_lowercase())?;
        if !am.schemes.iter().any(|s| s.as_bytes() == scheme.as_slice()) {
            return None;
        }
    }
    if !am.name.is_match(name) || am.not_name.as_ref().is_some_and(|n| n.is_match(name)) {
        return None;
    }
    let re = am.value.get().ok()?;
    let (cache, caps) = scratch.get_or_insert_with(|| (re.re.create_cache(), re.re.create_captures()));
    let value = &hay[a.value.clone()];
    re.re.search_captures_with(cache, &Input::new(value).anchored(Anchored::Yes), caps);
    caps.get_match()?;
    let g = caps.get_group(re.secret_group)?;
    Some(a.value.start + g.start..a.value.start + g.end)
}

/// File extensions of source code, where an unquoted value is an expression rather than a
/// literal (`password = form.password`); configuration, data and documentation are not code.
const CODE_EXTENSIONS: &[&str] = &[
    "py", "pyw", "js", "mjs", "cjs", "jsx", "ts", "tsx", "java", "kt", "kts", "scala", "groovy", "gradle", "go", "rb",
    "php", "cs", "vb", "fs", "c", "h", "cc", "cpp", "cxx", "hpp", "m", "mm", "swift", "rs", "dart", "lua", "pl", "pm",
    "r", "jl", "ex", "exs", "erl", "clj", "hs", "ml", "vue", "svelte", "sol", "zig", "nim", "cr", "ps1", "psm1", "tf",
    "hcl", "bicep",
];

/// Whether the assignment whose name starts at `name_start` is the argument of a flag that
/// takes `NAME=value` (`docker run -e K=v`, `--env K=v`, `--build-arg K=v`, `helm --set
/// K=v`, `terraform -var K=v`): the words after its value are the command's other arguments.
pub fn is_flag_argument(hay: &[u8], name_start: usize) -> bool {
    let line = crate::assign::line_start_within(hay, name_start, 256);
    let raw = &hay[line..name_start];
    let raw = raw.strip_suffix(b"'").or_else(|| raw.strip_suffix(b"\"")).unwrap_or(raw);
    if !raw.last().is_some_and(u8::is_ascii_whitespace) {
        return false;
    }
    let before = raw.trim_ascii_end();
    let flag = before.rsplit(|b| b.is_ascii_whitespace()).next().unwrap_or_default();
    matches!(flag, b"-e" | b"--env" | b"--build-arg" | b"--set" | b"--set-string" | b"-var" | b"--var")
}

/// Whether a word follows the value that ends at `end` on its line (`password=Invalid username
/// and password.`, `password = ConvertTo-SecureString $x`): prose or an expression, not a
/// value. A comment, a closing bracket or punctuation after the value is not a word.
pub fn followed(hay: &[u8], end: usize) -> bool {
    // `GOCSPX-<secret>`, `key_${SUFFIX}`: the value is the start of a template
    if matches!(hay.get(end), Some(b'<' | b'{' | b'$' | b'%')) {
        return true;
    }
    let mut p = end;
    while p < hay.len() && matches!(hay[p], b'"' | b'\'' | b'`') {
        p += 1;
    }
    let mut spaced = false;
    while p < hay.len() && matches!(hay[p], b' ' | b'\t') {
        p += 1;
        spaced = true;
    }
    if !spaced || p >= hay.len() {
        return false;
    }
    // `WILL_PASS: i32 = 0`, `password: String = load()`: the "value" was a type annotation
    let assigns = hay[p] == b'=' && !matches!(hay.get(p + 1), Some(b'=' | b'>' | b'~'));
    assigns || hay[p].is_ascii_alphanumeric() || matches!(hay[p], b'$' | b'-')
}

/// Whether `path` names a prose document: Markdown, AsciiDoc, reStructuredText, plain text.
pub fn is_prose_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && ["md", "mdx", "markdown", "adoc", "asciidoc", "rst", "txt"].iter().any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// Directories that hold translation catalogs.
const CATALOG_DIRS: &[&str] =
    &["i18n", "l10n", "locale", "locales", "lang", "langs", "languages", "translation", "translations"];

/// Whether `path` names a translation catalog: a data file under a translation directory
/// (`locales/da-DK/portal.json`, `assets/i18n/pt_PT.json`) or a catalog format anywhere
/// (`.po`, `.xlf`, `.arb`, `.strings`, `messages_fr.properties`). Under a password name it holds
/// the word "password" in some language, never a password.
pub fn is_translation_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split(['/', '\\']).collect();
    let name = parts.pop().unwrap_or_default();
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    if matches!(ext, "po" | "pot" | "xlf" | "xliff" | "arb" | "strings" | "stringsdict")
        || ext == "properties" && (stem == "messages" || stem.starts_with("messages_") || stem.starts_with("messages-"))
    {
        return true;
    }
    matches!(ext, "json" | "yml" | "yaml" | "properties" | "toml" | "ini" | "resx" | "js" | "ts")
        && parts.iter().any(|d| CATALOG_DIRS.contains(d))
}

/// Whether the name at `at` is a capitalised label opening a list item (`- Password:`,
/// `* **Password**:`, `2. Password =`): how documents list a demo's login, not how
/// configuration is written.
pub fn is_list_label(hay: &[u8], at: usize) -> bool {
    let start = crate::assign::line_start(hay, at);
    let mut head = hay[start..at].trim_ascii();
    if let Some(h) = head.strip_suffix(b"**").or_else(|| head.strip_suffix(b"__")) {
        head = h.trim_ascii_end();
    }
    let marker = matches!(head, b"-" | b"*" | b"+")
        || head.len() >= 2 && head.ends_with(b".") && head[..head.len() - 1].iter().all(u8::is_ascii_digit);
    // a capitalised word (`Password`), not an environment variable (`- POSTGRES_PASSWORD=…`)
    marker && hay.get(at).is_some_and(u8::is_ascii_uppercase) && hay.get(at + 1).is_some_and(u8::is_ascii_lowercase)
}

/// Whether `path` names a source-code file (by extension, case-insensitive).
pub fn is_code_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => CODE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)),
        _ => false,
    }
}

#[cfg(test)]
mod list_label_tests {
    use super::*;

    #[test]
    fn list_labels_in_documents() {
        let at = |t: &str, name: &str| is_list_label(t.as_bytes(), t.find(name).unwrap());
        assert!(at("- Password: x", "Password"));
        assert!(at("  * **Password**: hunter", "Password"));
        assert!(at("2. Password = x", "Password"));
        assert!(!at("- password: x", "password"), "YAML list of maps");
        assert!(!at("Password: x", "Password"), "no list marker");
        assert!(!at("- DB Password: x", "Password"), "more words before");
        assert!(!at("  - POSTGRES_PASSWORD=postgres", "POSTGRES"), "an environment list in a code block");
        assert!(is_prose_path("docs/README.md") && is_prose_path("a/NOTES.TXT") && !is_prose_path("a.yml"));
        assert!(!is_prose_path(".md"));
        for p in [
            "internal/server/locales/da-DK/portal.json",
            "frontend/src/assets/i18n/pt_PT.json",
            "po/fr.po",
            "src/main/resources/messages_fr.properties",
            "config/locales/en.yml",
        ] {
            assert!(is_translation_path(p), "{p}");
        }
        for p in ["config/application.yml", "src/i18n/loader.go", "locale.json", "deploy/.env"] {
            assert!(!is_translation_path(p), "{p}");
        }
    }
}
