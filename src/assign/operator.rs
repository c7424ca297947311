//! `name OP value`: the operator forms of every language and configuration format.
//!
//! The scan finds operator bytes (`=`, `:`, `<-`), works out the whole operator around them,
//! reads the name backwards and the value forwards. A `:` counts only right after its name
//! (YAML, JSON, headers, object literals) and followed by a blank, a quote or the end of the
//! line, so `http://`, `a::b`, `C:\dir` and times are not assignments.

use std::ops::Range;

use super::value::{self, Value};
use super::{Assignment, Form, LINE_REACH, MAX_NAME, Syntax, is_name_byte, line_start_within};

/// The operator syntax.
#[derive(Debug)]
pub struct Operators;

/// Words that stand between a declared name and its operator as its type
/// (`var token string = …`, `val token: String = …`, `String token = …` needs none).
const TYPE_WORDS: &[&[u8]] = &[
    b"string",
    b"String",
    b"str",
    b"&str",
    b"&'static",
    b"bytes",
    b"[]byte",
    b"char",
    b"var",
    b"val",
    b"let",
    b"const",
    b"auto",
    b"Text",
    b"SecureString",
    b"Secret",
    b"SecretStr",
    b"Optional",
];

impl Syntax for Operators {
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
        let mut values = Vec::new();
        let mut skip_to = region.start;
        let mut ends = LineEnds::default();
        for i in memchr::memchr3_iter(b'=', b':', b'<', &hay[region.clone()]).map(|i| i + region.start) {
            if i < skip_to {
                continue;
            }
            let Some((op_start, op_end)) = operator_at(hay, i) else { continue };
            skip_to = op_end;
            let colon = hay[i] == b':' && op_end == i + 1;
            let Some(name) = name_before(hay, op_start, colon) else { continue };
            if colon && !colon_value_follows(hay, op_end) {
                continue;
            }
            // (a YAML indent is short: a name far into a line has no next-line value)
            let indent = name.start - line_start_within(hay, name.start, 4 * MAX_NAME);
            values.clear();
            value::read_until(hay, op_end, ends.at(hay, op_end), indent, colon, &mut values);
            for Value { range, scheme, quoted } in values.drain(..) {
                let quoted = quoted || inside_string(hay, &name, &range);
                out.push(Assignment { name: name.clone(), value: range, scheme, form: Form::Operator, quoted });
            }
        }
    }
}

/// Whether a bare `name=value` is the whole text of a string literal: `"password=v"`,
/// `+ "DB_PASSWORD=v\n"`, Spring's `properties = {"jwt.secret=v"}`. The value is then
/// literal text, as if quoted, not an expression of the surrounding code. The quote opens
/// right before the name and closes right after the value (or after `\n`-style escapes).
fn inside_string(hay: &[u8], name: &Range<usize>, value: &Range<usize>) -> bool {
    let Some(&q) = name.start.checked_sub(1).and_then(|i| hay.get(i)) else { return false };
    if !matches!(q, b'"' | b'\'') || hay.get(name.end) == Some(&q) {
        return false;
    }
    let mut e = value.end;
    while hay.get(e) == Some(&b'\\') && matches!(hay.get(e + 1), Some(b'n' | b'r' | b't')) {
        e += 2;
    }
    hay.get(e) == Some(&q)
}

/// [`line_end`](super::line_end) for increasing positions, each byte read once: a long line with many
/// operators (minified code, one-line JSON) would otherwise be read to its end once per
/// operator.
#[derive(Debug, Default)]
struct LineEnds {
    /// Positions before this were searched; `end` is the answer for them.
    searched: usize,
    end: usize,
}

impl LineEnds {
    fn at(&mut self, hay: &[u8], pos: usize) -> usize {
        let cap = pos.saturating_add(LINE_REACH).min(hay.len());
        if pos >= self.searched && pos < self.end && hay.get(self.end) == Some(&b'\n') {
            return self.end.min(cap);
        }
        // no line break in searched..end: go on from where the last search stopped
        let from = if pos >= self.searched && pos <= self.end { self.end } else { pos };
        self.searched = pos;
        self.end = memchr::memchr(b'\n', &hay[from.min(cap)..cap]).map_or(cap, |i| from.min(cap) + i);
        self.end
    }
}

/// The operator around the operator byte at `i`: its span, or None if this is not one.
fn operator_at(hay: &[u8], i: usize) -> Option<(usize, usize)> {
    let at = |k: usize| hay.get(k).copied().unwrap_or(0);
    let before = if i > 0 { at(i - 1) } else { 0 };
    match hay[i] {
        b'=' => {
            let mut start = i;
            match before {
                b':' => {
                    // `:=`, `::=`, `:::=`
                    while start > 0 && hay[start - 1] == b':' && i - start < 3 {
                        start -= 1;
                    }
                }
                b'?' | b'+' | b'.' | b'!' => start -= 1,
                b'<' | b'>' | b'=' | b'~' | b'*' | b'/' | b'%' | b'^' | b'|' | b'&' => return None,
                _ => {}
            }
            let mut end = i + 1;
            match at(end) {
                b'=' => {
                    end += 1;
                    if at(end) == b'=' {
                        end += 1;
                    }
                }
                b'>' => end += 1,
                b'~' => return None,
                _ => {}
            }
            Some((start, end))
        }
        b':' => {
            if before == b':' || matches!(at(i + 1), b':' | b'=') {
                return None;
            }
            Some((i, i + 1))
        }
        b'<' => (at(i + 1) == b'-' && matches!(at(i + 2), b' ' | b'\t')).then_some((i, i + 2)),
        _ => None,
    }
}

/// After a `:`, the value must be separated by a blank or quoted (or on the next line).
fn colon_value_follows(hay: &[u8], op_end: usize) -> bool {
    match hay.get(op_end) {
        None => true,
        Some(b) => matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'`' | b'['),
    }
}

/// The name that ends just before the operator at `op_start`.
///
/// `colon`: the operator is a bare `:`, which must follow its name directly.
fn name_before(hay: &[u8], op_start: usize, colon: bool) -> Option<Range<usize>> {
    let floor = line_start_within(hay, op_start, 4 * MAX_NAME);
    let mut j = op_start;
    if !colon {
        while j > floor && matches!(hay[j - 1], b' ' | b'\t') {
            j -= 1;
        }
    }
    let name = name_ending_at(hay, j, floor)?;
    // ``the group `secret`: the …``: a Markdown code span before a colon is prose
    if colon
        && (hay.get(name.end) == Some(&b'`')
            || prose_before(hay, line_start_within(hay, name.start, 4 * MAX_NAME), name.start))
    {
        return None;
    }
    if !colon && TYPE_WORDS.contains(&&hay[name.clone()]) {
        // `var token string =`, `val token: String =`: the declared name is before the type.
        let mut k = name.start;
        while k > floor && matches!(hay[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k > floor && hay[k - 1] == b':' {
            k -= 1;
        }
        while k > floor && matches!(hay[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        let declared = name_ending_at(hay, k, floor)?;
        return valid(hay, declared);
    }
    valid(hay, name)
}

/// A name ending at `j` (exclusive): quoted, subscripted or bare.
fn name_ending_at(hay: &[u8], j: usize, floor: usize) -> Option<Range<usize>> {
    if j <= floor {
        return None;
    }
    let mut end = j;
    let mut subscript = false;
    if hay[end - 1] == b']' {
        end -= 1;
        subscript = true;
        // `$_CONF[ 'db_password' ]`: blanks inside the brackets
        while end > floor && matches!(hay[end - 1], b' ' | b'\t') {
            end -= 1;
        }
    }
    if end > floor && matches!(hay[end - 1], b'"' | b'\'' | b'`') {
        let quote = hay[end - 1];
        let close = end - 1;
        let open = memchr::memrchr(quote, &hay[floor..close])? + floor;
        let mut start = open + 1;
        if start > 1 && hay[open - 1] == b'\\' && close > 0 && hay[close - 1] == b'\\' {
            // `\"name\"`
            start = open + 1;
            return Some(start..close - 1);
        }
        if subscript {
            let mut b = open;
            while b > floor && matches!(hay[b - 1], b' ' | b'\t') {
                b -= 1;
            }
            if b == 0 || hay[b - 1] != b'[' {
                return None;
            }
        }
        // a quoted name must be a name, not prose
        let inner = &hay[start..close];
        if inner.is_empty()
            || inner.len() > MAX_NAME
            || inner.iter().any(|b| !(is_name_byte(*b) || b" :/$@".contains(b)))
        {
            return None;
        }
        while start < close && matches!(hay[start], b'$' | b'@' | b':') {
            start += 1;
        }
        return Some(start..close);
    }
    if subscript {
        return None;
    }
    let mut start = end;
    while start > floor && is_name_byte(hay[start - 1]) && end - start <= MAX_NAME {
        start -= 1;
    }
    // `$env:NAME` (PowerShell) leaves `env:` before the name: the name is what follows.
    Some(start..end)
}

fn valid(hay: &[u8], name: Range<usize>) -> Option<Range<usize>> {
    let s = &hay[name.clone()];
    (!s.is_empty() && s.len() <= MAX_NAME && s.iter().any(u8::is_ascii_alphabetic)).then_some(name)
}

/// Whether the text before a name ends in two or more plain words (`with the password:`,
/// `service principal OAuth secret:`): a sentence that uses the name, not a key before a
/// colon. Comment markers and list bullets at the start of the line are not words.
fn prose_before(hay: &[u8], line: usize, name_start: usize) -> bool {
    let before = &hay[line..name_start];
    let mut words = 0;
    let mut i = before.len();
    loop {
        // one blank
        if i == 0 || before[i - 1] != b' ' {
            break;
        }
        i -= 1;
        let end = i;
        while i > 0 && (before[i - 1].is_ascii_alphanumeric() || before[i - 1] == b'.') {
            i -= 1;
        }
        if i == end || i > 0 && !matches!(before[i - 1], b' ') {
            break;
        }
        words += 1;
        if words >= 2 {
            return true;
        }
    }
    false
}
