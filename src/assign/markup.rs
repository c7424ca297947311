//! XML and HTML-like markup: `<password>v</password>` (also with the value on lines of its
//! own between the tags), `<add key="K" value="v"/>`, `<entry key="K">v</entry>`,
//! `<string name="api_key">v</string>`. Plain `password="v"` attributes are operators.

use std::ops::Range;

use super::value::read_one;
use super::{Assignment, Form, MAX_NAME, Syntax};

/// The markup syntax.
#[derive(Debug)]
pub struct Markup;

/// How far after its opening tag an element's text may end.
const MAX_TEXT: usize = 1024;

/// Attributes that name the entry a tag holds.
const NAME_ATTRS: &[&[u8]] = &[b"key", b"name", b"id"];

impl Syntax for Markup {
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
        for lt in memchr::memchr_iter(b'<', &hay[region.clone()]).map(|i| i + region.start) {
            if let Some(tag) = open_tag(hay, lt) {
                element(hay, &tag, out);
            }
        }
    }
}

/// An opening tag: its name (local part), attributes and where it ends.
#[derive(Debug)]
struct Tag {
    /// The full tag name as written (for the closing tag).
    qname: Range<usize>,
    /// The local name (after a namespace prefix).
    local: Range<usize>,
    /// (attribute name, value) pairs.
    attrs: Vec<(Range<usize>, Range<usize>)>,
    /// Index after `>`.
    end: usize,
    /// `/>`.
    self_closing: bool,
}

fn is_tag_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')
}

fn open_tag(hay: &[u8], lt: usize) -> Option<Tag> {
    let limit = (lt + MAX_TEXT).min(hay.len());
    let mut p = lt + 1;
    if p >= limit || !(hay[p].is_ascii_alphabetic() || hay[p] == b'_') {
        return None;
    }
    while p < limit && is_tag_byte(hay[p]) {
        p += 1;
    }
    let qname = lt + 1..p;
    if qname.len() > MAX_NAME {
        return None;
    }
    let local_start = memchr::memrchr(b':', &hay[qname.clone()]).map_or(qname.start, |i| qname.start + i + 1);
    let mut attrs = Vec::new();
    loop {
        while p < limit && hay[p].is_ascii_whitespace() {
            p += 1;
        }
        if p >= limit {
            return None;
        }
        match hay[p] {
            b'>' => {
                return Some(Tag {
                    qname: qname.clone(),
                    local: local_start..qname.end,
                    attrs,
                    end: p + 1,
                    self_closing: false,
                });
            }
            b'/' if hay.get(p + 1) == Some(&b'>') => {
                return Some(Tag {
                    qname: qname.clone(),
                    local: local_start..qname.end,
                    attrs,
                    end: p + 2,
                    self_closing: true,
                });
            }
            b if is_tag_byte(b) => {
                let an = p;
                while p < limit && is_tag_byte(hay[p]) {
                    p += 1;
                }
                let aname = an..p;
                while p < limit && hay[p].is_ascii_whitespace() {
                    p += 1;
                }
                if p < limit && hay[p] == b'=' {
                    p += 1;
                    while p < limit && hay[p].is_ascii_whitespace() {
                        p += 1;
                    }
                    // the tag may end (at `limit`) right after `=` (found by the `assign` fuzz
                    // target: the quote was read past the limit)
                    if p >= limit {
                        return None;
                    }
                    let quote = hay[p];
                    if quote != b'"' && quote != b'\'' {
                        return None;
                    }
                    let close = memchr::memchr(quote, &hay[p + 1..limit])? + p + 1;
                    attrs.push((aname, p + 1..close));
                    p = close + 1;
                }
            }
            _ => return None,
        }
    }
}

fn attr<'a>(hay: &[u8], tag: &'a Tag, names: &[&[u8]]) -> Option<&'a Range<usize>> {
    tag.attrs.iter().find(|(n, _)| names.iter().any(|w| hay[n.clone()].eq_ignore_ascii_case(w))).map(|(_, v)| v)
}

fn element(hay: &[u8], tag: &Tag, out: &mut Vec<Assignment>) {
    let named = attr(hay, tag, NAME_ATTRS).filter(|v| !v.is_empty() && v.len() <= MAX_NAME).cloned();
    if let (Some(name), Some(value)) = (named.clone(), attr(hay, tag, &[b"value"])) {
        if !value.is_empty() {
            out.push(Assignment { name, value: value.clone(), scheme: None, form: Form::Attribute, quoted: true });
        }
        return;
    }
    if tag.self_closing {
        return;
    }
    // the element's text, up to the closing tag, trimmed; one line of text
    let limit = (tag.end + MAX_TEXT).min(hay.len());
    let Some(lt) = memchr::memchr(b'<', &hay[tag.end..limit]).map(|i| tag.end + i) else { return };
    let close = &hay[lt..];
    let qn = &hay[tag.qname.clone()];
    if !(close.len() > qn.len() + 2 && close[1] == b'/' && &close[2..2 + qn.len()] == qn) {
        return;
    }
    let mut s = tag.end;
    let mut e = lt;
    while s < e && hay[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && hay[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    if s == e || hay[s..e].contains(&b'\n') {
        return;
    }
    let name = named.unwrap_or_else(|| tag.local.clone());
    // the text is the value when it is one token; `<![CDATA[…]]>` is not unwrapped
    if let Some(v) = read_one(hay, s, e)
        && v.range.end == e
    {
        out.push(Assignment { name, value: v.range, scheme: v.scheme, form: Form::Element, quoted: false });
    }
}
