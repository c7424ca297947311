//! Rule regexes, compiled lazily on first use.
//!
//! keyhound uses `regex-automata`'s meta regex (the engine behind the `regex` crate) rather
//! than `regex::bytes::Regex` because it can search a sub-range of a haystack while still
//! seeing the context around it (`Input::range`): the matcher runs each rule only in windows
//! around its keyword hits, and boundary assertions at a window's edge must see the real
//! neighbouring bytes. Patterns match bytes (invalid UTF-8 never stops a scan) and are
//! ASCII-only by default (`\w`, `\s`, `(?i)` are ASCII; `(?u)` opts in to Unicode).

use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use regex_automata::{Input, PatternID};

/// Maximum compiled size of one regex: a pathological rule gives a clear error, not a hang.
const SIZE_LIMIT: usize = 16 * 1024 * 1024;

/// A compiled rule regex and the index of its `secret` group.
#[derive(Debug)]
pub struct CompiledRegex {
    /// The regex.
    pub re: Regex,
    /// Capture group index of `secret`.
    pub secret_group: usize,
}

/// Compiles a pattern the way every rule regex is compiled.
pub fn compile(pattern: &str, need_secret: bool) -> Result<CompiledRegex, String> {
    let re = Regex::builder()
        .syntax(syntax::Config::new().utf8(false).unicode(false).multi_line(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(SIZE_LIMIT))
                .onepass_size_limit(Some(SIZE_LIMIT))
                .dfa_size_limit(Some(SIZE_LIMIT)),
        )
        .build(pattern)
        .map_err(|e| describe_build_error(&e))?;
    let secret_group = re.group_info().to_index(PatternID::ZERO, "secret");
    let secret_group = match (secret_group, need_secret) {
        (Some(i), _) => i,
        (None, false) => 0,
        (None, true) => return Err("regex has no named group `secret`".to_string()),
    };
    Ok(CompiledRegex { re, secret_group })
}

fn describe_build_error(e: &regex_automata::meta::BuildError) -> String {
    if let Some(s) = e.syntax_error() {
        // The syntax error's Display has the pattern with a caret; keep it on one line.
        return format!("invalid regex: {}", s.to_string().replace('\n', " "));
    }
    if let Some(limit) = e.size_limit() {
        return format!("regex too large: compiled size exceeds {limit} bytes; simplify repetitions");
    }
    format!("invalid regex: {e}")
}

/// A regex compiled on first use; the compile result (or its error) is kept.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    need_secret: bool,
    cell: OnceLock<Result<CompiledRegex, String>>,
}

impl LazyRegex {
    /// A regex that must have a `secret` group.
    pub fn with_secret(pattern: String) -> Self {
        LazyRegex { pattern, need_secret: true, cell: OnceLock::new() }
    }

    /// A plain regex (allowlists).
    pub fn plain(pattern: String) -> Self {
        LazyRegex { pattern, need_secret: false, cell: OnceLock::new() }
    }

    /// The source pattern.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Compiles (once) and returns the regex or the compile error.
    pub fn get(&self) -> Result<&CompiledRegex, &str> {
        self.cell.get_or_init(|| compile(&self.pattern, self.need_secret)).as_ref().map_err(String::as_str)
    }

    /// True once the regex has been compiled (used to check laziness).
    pub fn is_compiled(&self) -> bool {
        self.cell.get().is_some()
    }

    /// Whether the regex matches anywhere in `hay` (allowlist use).
    pub fn is_match(&self, hay: &[u8]) -> bool {
        match self.get() {
            Ok(c) => c.re.is_match(Input::new(hay)),
            Err(_) => false,
        }
    }
}
