//! The assignment recogniser: where text gives a value a name.
//!
//! Credentials that carry no provider prefix are recognised by what they are called:
//! `DB_PASSWORD=…`, `"apiKey": "…"`, `<password>…</password>`, `Authorization: Bearer …`,
//! `--token …`. Every name-gated rule and the generic detectors ask this module for the
//! (name, value) pairs of the lines around their keyword hits instead of each carrying a
//! context regex of its own, so one fix to how a syntax is read helps every rule.
//!
//! Each syntax is a [`Syntax`]: it reads a line-aligned region and appends [`Assignment`]s.
//!
//! - [`operator`]: `name OP value` for `=` `:=` `::=` `:::=` `?=` `+=` `.=` `=>` `:` `<-` `==`
//!   `!=`, with the name bare, quoted, `$`/`@`-sigilled, a dotted path, a subscript
//!   (`os.environ["K"]`, `ENV['K']`, `$_ENV['K']`) or a typed declaration
//!   (`var k string =`, `val k: String =`, `const k: string =`); keyword arguments, map and
//!   object literals, YAML, JSON, TOML, INI, properties, HCL, `.env`, shell, PowerShell
//!   (`$env:K = …`), Makefiles, Gradle; HTTP headers (`Authorization: Bearer …`) in code,
//!   curl lines and HTTP files; long command-line flags (`--password=…`).
//! - [`call`]: setters and pairs of string literals (`put("K", "v")`, `setProperty`,
//!   `setenv`, `os.Setenv`, `.header("X-Api-Key", "v")`, `{"K", "v"}`), long flags followed
//!   by their value (`--token v`), and Dockerfile `ENV K v`.
//! - [`markup`]: XML elements (`<password>v</password>`, also with the value on its own
//!   lines), `key`/`name` + `value` attribute pairs (`<add key="K" value="v"/>`), and
//!   `<entry key="K">v</entry>`.
//!
//! - [`nested`]: a YAML mapping keyed by environment under a credential's name
//!   (`app_secrets:` / `  dev: …` / `  prod: …`), each value named by the parent.
//!
//! Values are read by [`value`]: quoted strings (`"`, `'`, `` ` ``, `\"` inside a string,
//! triple quotes, `r"…"`), bare tokens, YAML block scalars and values on the next line (a
//! YAML list item under the name, `Authorization:` then `- Bearer …`), every string of a
//! one-line array (`"tokens": ["a", "b"]`), and an HTTP auth scheme (`Bearer`, `Basic`,
//! `Token`, …) is split off the value. A reference with a literal default gives the default
//! ([`fallback`]: `${DB_PASS:default}`, `getenv('DB_PASS') ?: 'default'`), and a braced
//! reference anywhere in a line is named by its own variable (`-p"${DB_PASSWORD:-default}"`).

pub mod call;
pub mod fallback;
pub mod markup;
pub mod nested;
pub mod operator;
pub mod value;

use std::fmt::Debug;
use std::ops::Range;

/// How an assignment was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// `name OP value` (any operator, any quoting).
    Operator,
    /// A setter or a pair of string literals: `put("K", "v")`.
    Call,
    /// A long command-line flag and its value: `--token v`.
    Flag,
    /// An XML element's text: `<K>v</K>`.
    Element,
    /// An XML `key`/`name` attribute with a `value` attribute.
    Attribute,
    /// A braced reference's default, named by its variable: `${DB_PASSWORD:-default}`.
    Reference,
}

/// One value given a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The name, without quotes or sigils (`DB_PASSWORD`, `spring.datasource.password`).
    pub name: Range<usize>,
    /// The value, without quotes and without an HTTP auth scheme.
    pub value: Range<usize>,
    /// The HTTP auth scheme before the value (`Bearer`, `Basic`), if any.
    pub scheme: Option<Range<usize>>,
    /// How it was written.
    pub form: Form,
    /// Whether the value was a quoted string.
    pub quoted: bool,
}

/// One way of writing assignments.
pub trait Syntax: Debug + Send + Sync {
    /// Appends the assignments whose name starts inside `region`, a range of whole lines of
    /// `hay`. Values may continue past the region (a value on the next line).
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>);
}

/// Every syntax, in the order they are tried.
static SYNTAXES: [&dyn Syntax; 5] =
    [&operator::Operators, &call::Calls, &markup::Markup, &fallback::References, &nested::EnvironmentMaps];

/// Longest name the recogniser reports.
pub const MAX_NAME: usize = 100;

/// Appends every assignment whose name starts in `region` (whole lines), sorted by name
/// position, each (name, value) once.
pub fn recognise(hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
    let first = out.len();
    for s in SYNTAXES {
        s.find(hay, region.clone(), out);
    }
    let tail = &mut out[first..];
    tail.sort_by_key(|a| (a.name.start, a.value.start, a.name.end, a.value.end));
    let mut keep = first;
    for i in first..out.len() {
        if keep > first {
            let (p, c) = (&out[keep - 1], &out[i]);
            if p.name == c.name && p.value == c.value {
                continue;
            }
        }
        out.swap(keep, i);
        keep += 1;
    }
    out.truncate(keep);
}

/// How far the recogniser looks for the edge of a line. Minified bundles and one-line JSON
/// dumps are single lines of megabytes; reading each to its edge for every operator would
/// make the recogniser quadratic in the line's length, so a line is cut into pieces of this
/// length (an assignment is far shorter).
pub const LINE_REACH: usize = 4096;

/// Start of the line holding `pos`, or `pos - LINE_REACH` in a longer line.
pub fn line_start(hay: &[u8], pos: usize) -> usize {
    line_start_within(hay, pos, LINE_REACH)
}

/// Start of the line holding `pos`, or `pos - reach` in a longer line: what only needs the
/// text a name can span looks no further (each operator of a long line would otherwise read
/// [`LINE_REACH`] bytes back).
pub fn line_start_within(hay: &[u8], pos: usize, reach: usize) -> usize {
    let pos = pos.min(hay.len());
    let floor = pos.saturating_sub(reach);
    memchr::memrchr(b'\n', &hay[floor..pos]).map_or(floor, |i| floor + i + 1)
}

/// End of the line holding `pos` (the index of its `\n`, or the end of `hay`), or
/// `pos + LINE_REACH` in a longer line.
pub fn line_end(hay: &[u8], pos: usize) -> usize {
    line_end_within(hay, pos, LINE_REACH)
}

/// End of the line holding `pos`, or `pos + reach` in a longer line.
pub fn line_end_within(hay: &[u8], pos: usize, reach: usize) -> usize {
    let pos = pos.min(hay.len());
    let ceil = pos.saturating_add(reach).min(hay.len());
    memchr::memchr(b'\n', &hay[pos..ceil]).map_or(ceil, |i| pos + i)
}

/// Where the line after the one ending at `eol` (from [`line_end`]) starts: past the `\n`,
/// or at `eol` itself when a long line was cut there.
pub fn next_line(hay: &[u8], eol: usize) -> usize {
    if hay.get(eol) == Some(&b'\n') { eol + 1 } else { eol.max(1) }
}

/// The lines of `region` as `(start, end)` pairs (`end` from [`line_end`]), always moving
/// forward: the walk every line-oriented syntax makes.
pub(crate) fn lines(hay: &[u8], region: Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = region.start;
    std::iter::from_fn(move || {
        if start >= region.end {
            return None;
        }
        let eol = line_end(hay, start);
        let line = (start, eol);
        start = next_line(hay, eol).max(start + 1);
        Some(line)
    })
}

/// A byte that may be part of a bare name.
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The recognised (name, value) strings of a text, for tests and `rules check`.
pub fn pairs(text: &str) -> Vec<(String, String)> {
    let hay = text.as_bytes();
    let mut out = Vec::new();
    recognise(hay, 0..hay.len(), &mut out);
    let s = |r: &Range<usize>| String::from_utf8_lossy(&hay[r.clone()]).into_owned();
    out.iter().map(|a| (s(&a.name), s(&a.value))).collect()
}

#[cfg(test)]
mod tests;
