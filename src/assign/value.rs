//! Reading the value of an assignment: quoted strings, bare tokens, arrays, YAML block scalars,
//! values on the next line, and HTTP auth schemes.

use std::ops::Range;

use super::{fallback, line_end};

/// A value as read, before it is paired with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The value's bytes, without quotes or scheme.
    pub range: Range<usize>,
    /// An HTTP auth scheme split off the front.
    pub scheme: Option<Range<usize>>,
    /// Whether it was a quoted string.
    pub quoted: bool,
}

/// HTTP authentication schemes (and token prefixes used like them) that precede a credential.
const SCHEMES: &[&[u8]] =
    &[b"bearer", b"basic", b"token", b"bot", b"apikey", b"api-key", b"key", b"ssws", b"oauth", b"splunk", b"geniekey"];

/// How many lines after an empty value the value may sit on (`Authorization:` / `- Bearer …`).
const NEXT_LINE_REACH: usize = 2;

/// Reads the value(s) that start at `at` (just after an operator). `indent` is the column of
/// the name: a value on a following line must be indented at least as far (YAML lists) or
/// further (a continuation). Pushes nothing when there is no value.
pub fn read(hay: &[u8], at: usize, indent: usize, next_line: bool, out: &mut Vec<Value>) {
    read_until(hay, at, line_end(hay, at), indent, next_line, out);
}

/// [`read`] when the caller knows `eol`, the [`line_end`] of `at`.
pub fn read_until(hay: &[u8], at: usize, eol: usize, indent: usize, next_line: bool, out: &mut Vec<Value>) {
    let p = skip_blanks(hay, at, eol);
    if p >= eol || hay[p] == b'#' && p > at {
        if next_line {
            read_next_line(hay, eol, indent, out);
        }
        return;
    }
    match hay[p] {
        b'[' => read_array(hay, p + 1, eol, out),
        b'{' | b'(' => {}
        b'|' | b'>' if is_block_indicator(&hay[p..eol]) => read_next_line_plain(hay, eol, indent, out),
        _ => {
            if let Some(v) = read_one(hay, p, eol) {
                out.push(v);
            }
        }
    }
}

/// Reads one quoted string or bare token at `p`, ending before `eol`.
pub fn read_one(hay: &[u8], p: usize, eol: usize) -> Option<Value> {
    if let Some((content, _end)) = quoted(hay, p, eol) {
        if let Some(default) = fallback::braced(hay, content.start, content.end) {
            return Some(default);
        }
        let (scheme, range) = split_scheme(hay, content);
        return (!range.is_empty()).then_some(Value { range, scheme, quoted: true });
    }
    let (scheme, start) = match scheme_at(hay, p, eol) {
        Some((s, rest)) => (Some(s), rest),
        None => (None, p),
    };
    if start < eol && matches!(hay[start], b'"' | b'\'' | b'`') {
        return None;
    }
    if let Some(default) = fallback::braced(hay, start, eol).or_else(|| fallback::after_operator(hay, start, eol)) {
        return Some(default);
    }
    let end = bare_end(hay, start, eol);
    if end == start {
        return None;
    }
    // `os.getenv("K")`, `new Secret(…)`, `Foo::bar()`: a call, not a value.
    if end < eol && hay[end] == b'(' {
        return None;
    }
    Some(Value { range: start..end, scheme, quoted: false })
}

/// The end of a bare (unquoted) value.
fn bare_end(hay: &[u8], start: usize, eol: usize) -> usize {
    let mut end = start;
    while end < eol {
        let b = hay[end];
        if b.is_ascii_whitespace()
            || matches!(b, b',' | b';' | b')' | b'}' | b']' | b'"' | b'\'' | b'`' | b'<' | b'\\' | b'(')
            || b == b'&' && ends_bare_value(&hay[end + 1..eol])
        {
            break;
        }
        end += 1;
    }
    end
}

/// After a `&` in a bare value: a shell operator (`&&`, `& `), an entity (`&amp;`) or the
/// next query parameter (`&x=`) ends the value; anything else (`Tr0ub4dor&3`) is part of it.
fn ends_bare_value(rest: &[u8]) -> bool {
    let word =
        rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-' || **b == b'.').count();
    match rest.get(word) {
        _ if rest.is_empty() => true,
        _ if word == 0 => true,
        Some(b'=') | Some(b';') => true,
        _ => false,
    }
}

fn skip_blanks(hay: &[u8], mut p: usize, eol: usize) -> usize {
    while p < eol && (hay[p] == b' ' || hay[p] == b'\t' || hay[p] == b'\r') {
        p += 1;
    }
    p
}

/// A quoted string at `p`: its content range and the index just after the closing quote.
/// Understands `"…"`, `'…'`, `` `…` ``, `\"…\"` (a string inside a string), triple quotes and
/// one- or two-letter prefixes (`r"…"`, `b'…'`, `@"…"`, `$"…"`). The string must close on
/// its line.
pub fn quoted(hay: &[u8], p: usize, eol: usize) -> Option<(Range<usize>, usize)> {
    let mut q = p;
    // string prefixes
    let mut n = 0;
    while q < eol && n < 2 && matches!(hay[q], b'r' | b'b' | b'u' | b'f' | b'R' | b'B' | b'U' | b'F' | b'@' | b'$') {
        q += 1;
        n += 1;
    }
    if q >= eol {
        return None;
    }
    if n > 0 && !matches!(hay[q], b'"' | b'\'') {
        return None;
    }
    if hay[q] == b'\\' && q + 1 < eol && matches!(hay[q + 1], b'"' | b'\'') {
        let quote = hay[q + 1];
        let start = q + 2;
        let mut i = start;
        while i + 1 < eol {
            if hay[i] == b'\\' && hay[i + 1] == quote {
                return Some((start..i, i + 2));
            }
            i += 1;
        }
        return None;
    }
    let quote = hay[q];
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return None;
    }
    if q + 2 < eol && hay[q + 1] == quote && hay[q + 2] == quote {
        let start = q + 3;
        let rel = memchr::memmem::find(&hay[start..eol], &[quote, quote, quote])?;
        return Some((start..start + rel, start + rel + 3));
    }
    let start = q + 1;
    let mut i = start;
    while i < eol {
        match hay[i] {
            b'\\' => i += 2,
            b if b == quote => return Some((start..i, i + 1)),
            _ => i += 1,
        }
    }
    None
}

/// An auth scheme word at `p` followed by blanks and more text: (scheme, start of the rest).
fn scheme_at(hay: &[u8], p: usize, eol: usize) -> Option<(Range<usize>, usize)> {
    let mut e = p;
    while e < eol && (hay[e].is_ascii_alphanumeric() || hay[e] == b'-') {
        e += 1;
    }
    if e == p || e >= eol || hay[e] != b' ' {
        return None;
    }
    let word = hay[p..e].to_ascii_lowercase();
    if !SCHEMES.contains(&word.as_slice()) {
        return None;
    }
    let rest = skip_blanks(hay, e, eol);
    (rest < eol && !hay[rest].is_ascii_whitespace()).then_some((p..e, rest))
}

/// Splits a scheme off the front of a quoted string's content.
///
/// A string that goes on after the credential, or whose word after the scheme ends in
/// sentence punctuation, is prose (`"Key updates."`, `"Token expires in an hour"`): it keeps
/// no scheme and is read whole.
fn split_scheme(hay: &[u8], content: Range<usize>) -> (Option<Range<usize>>, Range<usize>) {
    match scheme_at(hay, content.start, content.end) {
        Some((s, rest)) => {
            let end = hay[rest..content.end].iter().position(u8::is_ascii_whitespace).map_or(content.end, |i| rest + i);
            let prose = hay[end..content.end].iter().any(|b| !b.is_ascii_whitespace())
                || end > rest && matches!(hay[end - 1], b'.' | b',' | b'!' | b'?' | b':' | b';');
            if prose { (None, content) } else { (Some(s), rest..end) }
        }
        None => (None, content),
    }
}

/// Every quoted string of a one-line array.
fn read_array(hay: &[u8], mut p: usize, eol: usize, out: &mut Vec<Value>) {
    while p < eol {
        p = skip_blanks(hay, p, eol);
        if p >= eol || hay[p] == b']' {
            return;
        }
        match quoted(hay, p, eol) {
            Some((content, end)) => {
                if !content.is_empty() {
                    let (scheme, range) = split_scheme(hay, content);
                    out.push(Value { range, scheme, quoted: true });
                }
                p = skip_blanks(hay, end, eol);
                if p < eol && hay[p] == b',' {
                    p += 1;
                } else {
                    return;
                }
            }
            None => return,
        }
    }
}

/// `|`, `|-`, `>+`, … alone (a YAML block scalar's header).
fn is_block_indicator(rest: &[u8]) -> bool {
    let t = rest.trim_ascii_end();
    t.len() <= 3 && t[1..].iter().all(|b| matches!(b, b'-' | b'+' | b'1'..=b'9'))
}

/// The first non-blank line after `eol`, within reach: (start of its text, its end, its indent).
fn next_text_line(hay: &[u8], eol: usize) -> Option<(usize, usize, usize)> {
    let mut start = eol + 1;
    for _ in 0..NEXT_LINE_REACH {
        if start >= hay.len() {
            return None;
        }
        let end = line_end(hay, start);
        let text = skip_blanks(hay, start, end);
        if text < end {
            return Some((text, end, text - start));
        }
        start = end + 1;
    }
    None
}

/// A value on a following line: a YAML list item (`- v`) at or beyond the name's indent, or a
/// more indented line that is not itself an assignment.
fn read_next_line(hay: &[u8], eol: usize, indent: usize, out: &mut Vec<Value>) {
    let Some((text, end, col)) = next_text_line(hay, eol) else { return };
    if hay[text] == b'-' && text + 1 < end && hay[text + 1] == b' ' && col >= indent {
        let p = skip_blanks(hay, text + 1, end);
        if p < end
            && let Some(v) = read_one(hay, p, end)
        {
            out.push(v);
        }
        return;
    }
    if col > indent {
        let line = &hay[text..end];
        let is_assignment = memchr::memmem::find(line, b": ").is_some() || line.ends_with(b":") || line.contains(&b'=');
        if !is_assignment && let Some(v) = read_one(hay, text, end) {
            // the whole line must be the value
            if skip_blanks(hay, v.range.end + usize::from(v.quoted), end) >= end {
                out.push(v);
            }
        }
    }
}

/// The first line of a YAML block scalar.
fn read_next_line_plain(hay: &[u8], eol: usize, indent: usize, out: &mut Vec<Value>) {
    let Some((text, end, col)) = next_text_line(hay, eol) else { return };
    if col > indent {
        let e = hay[text..end].trim_ascii_end().len() + text;
        if e > text {
            out.push(Value { range: text..e, scheme: None, quoted: false });
        }
    }
}
