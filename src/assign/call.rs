//! Names and values given as arguments: setters and literal pairs (`put("K", "v")`,
//! `setProperty("K", "v")`, `os.Setenv("K", "v")`, `.header("X-Api-Key", "v")`,
//! `{"K", "v"}`), long flags with their value (`--token v`, `--password "v"`), Dockerfile
//! `ENV K v`, and Groovy/Gradle-style `password 'v'` (a name, then a string, alone on the line).

use std::ops::Range;

use super::value::{quoted, read_one};
use super::{Assignment, Form, MAX_NAME, Syntax, is_name_byte};

/// The argument syntaxes.
#[derive(Debug)]
pub struct Calls;

impl Syntax for Calls {
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
        for (start, eol) in super::lines(hay, region) {
            literal_pairs(hay, start, eol, out);
            flags(hay, start, eol, out);
            command_forms(hay, start, eol, out);
            setters(hay, start, eol, out);
        }
    }
}

fn skip_blanks(hay: &[u8], mut p: usize, eol: usize) -> usize {
    while p < eol && matches!(hay[p], b' ' | b'\t') {
        p += 1;
    }
    p
}

/// `("K", "v"`, `{"K", "v"`: a string literal that opens an argument list or initializer,
/// a comma, and a second string literal (not in a `[` list, whose strings are items).
fn literal_pairs(hay: &[u8], line: usize, eol: usize, out: &mut Vec<Assignment>) {
    let mut p = line;
    while let Some(off) = memchr::memchr2(b'(', b'{', &hay[p..eol]) {
        let open = p + off;
        p = open + 1;
        let q = skip_blanks(hay, p, eol);
        // a list (`["a", "b"]`) or a Markdown code span (`` (`a`, `b`) ``) is not a pair
        if q >= eol || !matches!(hay[q], b'"' | b'\'') {
            continue;
        }
        let Some((name, after)) = quoted(hay, q, eol) else { continue };
        if name.is_empty() || name.len() > MAX_NAME || !hay[name.clone()].iter().all(|&b| is_name_byte(b)) {
            continue;
        }
        let c = skip_blanks(hay, after, eol);
        if c >= eol || hay[c] != b',' {
            continue;
        }
        let v = skip_blanks(hay, c + 1, eol);
        if v < eol
            && matches!(hay[v], b'"' | b'\'' | b'`')
            && let Some(val) = read_one(hay, v, eol)
        {
            out.push(Assignment { name, value: val.range, scheme: val.scheme, form: Form::Call, quoted: true });
        }
    }
}

/// `setPassword("v")`, `withApiKey('v')`: a setter or builder method whose only argument is
/// a string literal. The name is the method's name without `set`/`with`.
fn setters(hay: &[u8], line: usize, eol: usize, out: &mut Vec<Assignment>) {
    let mut p = line;
    while let Some(off) = memchr::memchr(b'(', &hay[p..eol]) {
        let open = p + off;
        p = open + 1;
        let mut s = open;
        while s > line && (hay[s - 1].is_ascii_alphanumeric() || hay[s - 1] == b'_') {
            s -= 1;
        }
        let method = &hay[s..open];
        let prefix = if method.starts_with(b"set") {
            3
        } else if method.starts_with(b"with") {
            4
        } else {
            continue;
        };
        // (a name over MAX_NAME is not one: found by the `assign` fuzz target)
        if method.len() <= prefix
            || method.len() - prefix > MAX_NAME
            || !(method[prefix].is_ascii_uppercase() || method[prefix] == b'_')
        {
            continue;
        }
        let q = skip_blanks(hay, p, eol);
        let Some((value, after)) = quoted(hay, q, eol) else { continue };
        let close = skip_blanks(hay, after, eol);
        if close >= eol || hay[close] != b')' || value.is_empty() {
            continue;
        }
        let name = s + prefix + usize::from(method[prefix] == b'_')..open;
        out.push(Assignment { name, value, scheme: None, form: Form::Call, quoted: true });
    }
}

/// `--name value` and `--name "value"` (the `--name=value` form is an operator).
fn flags(hay: &[u8], line: usize, eol: usize, out: &mut Vec<Assignment>) {
    let mut p = line;
    // (a byte search: a substring searcher built for every line cost more than it found)
    while let Some(off) = memchr::memchr(b'-', &hay[p..eol]) {
        let dash = p + off;
        if hay.get(dash + 1) != Some(&b'-') || dash + 1 >= eol {
            p = dash + 1;
            continue;
        }
        p = dash + 2;
        if dash > line && !matches!(hay[dash - 1], b' ' | b'\t' | b'"' | b'\'' | b'(' | b',') {
            continue;
        }
        let mut e = p;
        while e < eol && (hay[e].is_ascii_alphanumeric() || matches!(hay[e], b'-' | b'_')) {
            e += 1;
        }
        if e == p || e - p > MAX_NAME || e >= eol || hay[e] != b' ' {
            continue;
        }
        let v = skip_blanks(hay, e, eol);
        if v >= eol || hay[v] == b'-' {
            continue;
        }
        if let Some(val) = read_one(hay, v, eol) {
            out.push(Assignment {
                name: p..e,
                value: val.range,
                scheme: val.scheme,
                form: Form::Flag,
                quoted: val.quoted,
            });
        }
    }
}

/// Dockerfile `ENV NAME value` and `name 'value'` / `name "value"` alone on a line (Groovy,
/// Gradle, Ruby DSLs, nginx-style `directive "value";`).
fn command_forms(hay: &[u8], line: usize, eol: usize, out: &mut Vec<Assignment>) {
    let mut p = skip_blanks(hay, line, eol);
    let word_end = |from: usize| {
        let mut e = from;
        while e < eol && is_name_byte(hay[e]) {
            e += 1;
        }
        e
    };
    let mut e = word_end(p);
    if e == p || e >= eol || !matches!(hay[e], b' ' | b'\t') {
        return;
    }
    let env = &hay[p..e] == b"ENV";
    if env {
        p = skip_blanks(hay, e, eol);
        e = word_end(p);
        if e == p || e >= eol || !matches!(hay[e], b' ' | b'\t') {
            return;
        }
    }
    if e - p > MAX_NAME || !hay[p..e].iter().any(u8::is_ascii_alphabetic) {
        return;
    }
    let v = skip_blanks(hay, e, eol);
    if v >= eol {
        return;
    }
    if !env && !matches!(hay[v], b'"' | b'\'') {
        return;
    }
    let Some(val) = read_one(hay, v, eol) else { return };
    if !env {
        // the string must end the statement
        let after = val.range.end + 1;
        let rest = skip_blanks(hay, after.min(eol), eol);
        if rest < eol && !matches!(hay[rest], b';' | b'}' | b'\r') {
            return;
        }
    }
    out.push(Assignment { name: p..e, value: val.range, scheme: val.scheme, form: Form::Call, quoted: val.quoted });
}
