//! Literal defaults inside references: the value a reference falls back to is written in the
//! file, and it is the credential that ships when the variable is unset.
//!
//! - `${DB_PASS:default}` (Spring), `${DB_PASS:-default}` / `${DB_PASS:=default}` (shell,
//!   Compose), bare or inside a quoted string;
//! - `getenv('DB_PASSWORD') ?: 'p@ss'` (PHP), `process.env.DB_PASS || 'p@ss'` (JS),
//!   `ENV['DB_PASS'] ?? 'p@ss'`, `os.environ.get('X') or 'p@ss'` (Python): an expression, a
//!   fallback operator and a string literal;
//! - `os.environ.get('SECRET_KEY', 'dev-key')`, `os.getenv("X", "d")`, `ENV.fetch('X', 'd')`,
//!   `env('X', 'd')` (Laravel), `System.getProperty("x", "d")`, `config.get("x", "d")`: a
//!   getter called with a name and a literal default.
//!
//! A reference without a literal default yields nothing, so it stays a non-value.
//!
//! [`References`] also reads a braced reference wherever it stands, not only as a value: in
//! `mysql -p"${MYSQL_PASSWORD:-default}"` or `-L "${DB_USER:-u}:${DB_PASSWORD:-default}"` the
//! variable's own name says what its default is.

use std::ops::Range;

use super::value::{Value, quoted};
use super::{Assignment, Form, MAX_NAME, Syntax};

/// Braced references with a literal default anywhere in a line, named by their variable:
/// `${DB_PASSWORD:-default}` gives (`DB_PASSWORD`, `default`).
#[derive(Debug)]
pub struct References;

impl Syntax for References {
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
        let text = &hay[region.clone()];
        for at in memchr::memmem::find_iter(text, b"${") {
            let start = region.start + at;
            let end = super::line_end(hay, start);
            let Some((name, v)) = braced_parts(hay, start, end) else { continue };
            // bash's `${PASSWORD:0:4}` takes a substring, it has no default
            if hay[v.range.clone()].iter().all(|b| b.is_ascii_digit() || *b == b':') {
                continue;
            }
            out.push(Assignment { name, value: v.range, scheme: None, form: Form::Reference, quoted: true });
        }
    }
}

/// The default of `${NAME:default}` / `${NAME:-default}` when `start..end` holds one.
pub fn braced(hay: &[u8], start: usize, end: usize) -> Option<Value> {
    braced_parts(hay, start, end).map(|(_, v)| v)
}

/// The variable's name and the default of a braced reference starting at `start`.
fn braced_parts(hay: &[u8], start: usize, end: usize) -> Option<(Range<usize>, Value)> {
    let text = &hay[start..end];
    if !text.starts_with(b"${") {
        return None;
    }
    let close = start + memchr::memchr(b'}', text)?;
    let inner = start + 2..close;
    let colon = inner.start + memchr::memchr(b':', &hay[inner.clone()])?;
    let name = &hay[inner.start..colon];
    // (a name over MAX_NAME is not one: found by the `assign` fuzz target)
    if name.is_empty()
        || name.len() > MAX_NAME
        || !name.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return None;
    }
    let mut d = colon + 1;
    if d < close && matches!(hay[d], b'-' | b'=') {
        d += 1;
    } else if d < close && matches!(hay[d], b'?' | b'+') {
        // `${X:?message}` fails with a message, `${X:+alt}` substitutes when set: no default
        return None;
    }
    let default: Range<usize> = d..close;
    let bytes = &hay[default.clone()];
    if bytes.is_empty() || bytes.iter().any(|b| matches!(b, b'$' | b'{' | b' ' | b'\t')) {
        return None;
    }
    Some((inner.start..colon, Value { range: default, scheme: None, quoted: true }))
}

/// Operators after which a literal is a fallback.
const FALLBACKS: &[&[u8]] = &[b"?:", b"||", b"??", b"or"];

/// `expr ?: 'lit'`, `expr || 'lit'`, `expr ?? 'lit'`, `expr or 'lit'`: the literal, when `p`
/// starts an expression (a name, member access, subscripts and calls) followed by one of these.
pub fn after_operator(hay: &[u8], p: usize, eol: usize) -> Option<Value> {
    if let Some(v) = getter_default(hay, p, eol) {
        return Some(v);
    }
    let mut i = p;
    let mut depth = 0usize;
    while i < eol {
        let b = hay[i];
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth > 0 => depth -= 1,
            b'"' | b'\'' if depth > 0 => {
                let (_, after) = quoted(hay, i, eol)?;
                i = after;
                continue;
            }
            _ if depth > 0 => {}
            _ if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b':' | b'-' | b'>') => {}
            _ => break,
        }
        i += 1;
    }
    if depth != 0 || i == p {
        return None;
    }
    while i < eol && matches!(hay[i], b' ' | b'\t') {
        i += 1;
    }
    let op = FALLBACKS.iter().find(|op| hay[i..eol].starts_with(op))?;
    let mut v = i + op.len();
    while v < eol && matches!(hay[v], b' ' | b'\t') {
        v += 1;
    }
    if v >= eol || !matches!(hay[v], b'"' | b'\'') {
        return None;
    }
    let (content, _) = quoted(hay, v, eol)?;
    (!content.is_empty()).then_some(Value { range: content, scheme: None, quoted: true })
}

/// Getters whose second argument is the default of the first.
const GETTERS: &[&[u8]] = &[b"get", b"getenv", b"get_env", b"env", b"fetch", b"getProperty", b"getOrDefault"];

/// `getter('NAME', 'default')`: the default, when `p` starts a call of one of [`GETTERS`]
/// (possibly a member: `os.environ.get`) with two string literals.
fn getter_default(hay: &[u8], p: usize, eol: usize) -> Option<Value> {
    let mut i = p;
    while i < eol && (hay[i].is_ascii_alphanumeric() || matches!(hay[i], b'_' | b'.' | b':' | b'$' | b'>' | b'-')) {
        i += 1;
    }
    let callee = &hay[p..i];
    let last = callee.rsplit(|b| matches!(b, b'.' | b':' | b'>')).next()?;
    if i >= eol || hay[i] != b'(' || !GETTERS.contains(&last) {
        return None;
    }
    let skip = |mut k: usize| {
        while k < eol && matches!(hay[k], b' ' | b'\t') {
            k += 1;
        }
        k
    };
    let a = skip(i + 1);
    if a >= eol || !matches!(hay[a], b'"' | b'\'') {
        return None;
    }
    let (_, after_name) = quoted(hay, a, eol)?;
    let comma = skip(after_name);
    if comma >= eol || hay[comma] != b',' {
        return None;
    }
    let v = skip(comma + 1);
    if v >= eol || !matches!(hay[v], b'"' | b'\'') {
        return None;
    }
    let (content, after) = quoted(hay, v, eol)?;
    let close = skip(after);
    (close < eol && hay[close] == b')' && !content.is_empty()).then_some(Value {
        range: content,
        scheme: None,
        quoted: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `read` on each text and compares the literal it yields.
    fn expect(read: fn(&[u8], usize, usize) -> Option<Value>, cases: &[(&str, Option<&str>)]) {
        for (s, want) in cases {
            let hay = s.as_bytes();
            let got = read(hay, 0, hay.len()).map(|v| String::from_utf8_lossy(&hay[v.range]).into_owned());
            assert_eq!(got.as_deref(), *want, "{s}");
        }
    }

    #[test]
    fn braced_defaults() {
        expect(
            braced,
            &[
                ("${MYSQL_PASS:default}", Some("default")),
                ("${DB_PASS:-changeme}", Some("changeme")),
                ("${DB_PASS:=changeme}", Some("changeme")),
                ("${DB_PASS}", None),
                ("${DB_PASS:}", None),
                ("${DB_PASS:${OTHER}}", None),
                ("${DB_PASS:?DB_PASS must be set}", None),
                ("${DB_PASS:+x}", None),
                (&format!("${{J{}:x}}", "V".repeat(MAX_NAME)), None),
            ],
        );
    }

    #[test]
    fn references_anywhere_in_a_line() {
        let text = r#"mysql -u"${MYSQL_USER:-root}" -p"${MYSQL_PASSWORD:-changeme}" -e "${SQL}" ${PW:0:4}"#;
        let hay = text.as_bytes();
        let mut out = Vec::new();
        References.find(hay, 0..hay.len(), &mut out);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|a| {
                (
                    std::str::from_utf8(&hay[a.name.clone()]).unwrap(),
                    std::str::from_utf8(&hay[a.value.clone()]).unwrap(),
                )
            })
            .collect();
        assert_eq!(got, [("MYSQL_USER", "root"), ("MYSQL_PASSWORD", "changeme")]);
    }

    #[test]
    fn fallback_literals() {
        expect(
            after_operator,
            &[
                ("getenv('DB_PASSWORD') ?: 'p@ss'", Some("p@ss")),
                ("process.env.DB_PASS || \"hunter\"", Some("hunter")),
                ("ENV['DB_PASS'] ?? 'x1'", Some("x1")),
                ("os.environ.get('X') or 'fallback'", Some("fallback")),
                ("getenv('DB_PASSWORD')", None),
                ("a + 'b'", None),
                ("os.environ.get('DJANGO_SECRET_KEY', 'changeme')", Some("changeme")),
                ("os.getenv(\"X\", \"d3f\")", Some("d3f")),
                ("ENV.fetch('SECRET_KEY_BASE', 'changeit')", Some("changeit")),
                ("env('APP_KEY', 'base64:abc=')", Some("base64:abc=")),
                ("os.environ.get('X', default)", None),
                ("print('X', 'y')", None),
            ],
        );
    }
}
