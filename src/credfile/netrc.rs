//! `.netrc` / `_netrc` (the format of ftp(1) and curl's `--netrc`): whitespace-separated
//! tokens, `machine NAME` or `default` starting an entry, then `login`, `password` and
//! `account` each followed by their value; `macdef NAME` starts a macro that runs to the next
//! empty line; `#` starts a comment (curl, GNU inetutils).
//!
//! Entries for documentation hosts (`example.com`, `example.org`, …) are skipped: they are
//! instructions, not credentials.

use super::{Field, Parser};

/// The `.netrc` parser.
#[derive(Debug)]
pub struct Netrc;

/// Every netrc keyword: one after `password` means the password is empty.
const KEYWORDS: &[&[u8]] = &[b"machine", b"default", b"login", b"password", b"account", b"macdef"];

/// Keywords whose next token is a value reported as a field of that name.
const VALUED: &[&[u8]] = &[b"login", b"password", b"account"];

impl Parser for Netrc {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let start = out.len();
        self.read(hay, out);
        // prose is not netrc: an entry with a word that is no netrc keyword is dropped
        if !well_formed(hay) {
            out.truncate(start);
        }
    }
}

/// Whether every token outside values and macros is a netrc keyword.
fn well_formed(hay: &[u8]) -> bool {
    let toks = tokens(hay);
    let mut i = 0;
    while i < toks.len() {
        match &hay[toks[i].clone()] {
            b"machine" | b"login" | b"password" | b"account" => i += 2,
            b"default" => i += 1,
            b"macdef" => return true,
            _ => return false,
        }
    }
    true
}

impl Netrc {
    fn read(&self, hay: &[u8], out: &mut Vec<Field>) {
        let toks = tokens(hay);
        let mut i = 0;
        let mut example_host = false;
        while i < toks.len() {
            let t = &hay[toks[i].clone()];
            if t == b"machine" {
                example_host = toks.get(i + 1).is_some_and(|h| is_example_host(&hay[h.clone()]));
                i += 2;
                continue;
            }
            if t == b"default" {
                example_host = false;
            } else if t == b"macdef" {
                // the macro body runs to the next empty line
                let after = toks.get(i + 1).map_or(hay.len(), |n| n.end);
                let end = memchr::memmem::find(&hay[after..], b"\n\n").map_or(hay.len(), |p| after + p);
                while i < toks.len() && toks[i].start < end {
                    i += 1;
                }
                continue;
            } else if VALUED.contains(&t)
                && let Some(v) = toks.get(i + 1)
                && !KEYWORDS.contains(&&hay[v.clone()])
            {
                if !example_host {
                    let key = String::from_utf8_lossy(t).into_owned();
                    out.push(Field { key, value: unquote(hay, v.clone()) });
                }
                i += 2;
                continue;
            }
            i += 1;
        }
    }
}

/// Tokens separated by whitespace, `#` comments (at a token's start) skipped.
fn tokens(hay: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        if hay[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if hay[i] == b'#' {
            i = memchr::memchr(b'\n', &hay[i..]).map_or(hay.len(), |p| i + p);
            continue;
        }
        let start = i;
        if hay[i] == b'"' {
            // a quoted token (curl accepts them): to the closing quote
            i = memchr::memchr(b'"', &hay[i + 1..]).map_or(hay.len(), |p| i + 2 + p);
        } else {
            while i < hay.len() && !hay[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        out.push(start..i.min(hay.len()));
    }
    out
}

fn unquote(hay: &[u8], r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    if r.len() >= 2 && hay[r.start] == b'"' && hay[r.end - 1] == b'"' { r.start + 1..r.end - 1 } else { r }
}

/// `example.com`, `www.example.org`, `example.net`, `example`: documentation hosts (RFC 2606).
pub(crate) fn is_example_host(host: &[u8]) -> bool {
    let h = host.to_ascii_lowercase();
    let labels: Vec<&[u8]> = h.split(|&b| b == b'.').collect();
    labels.iter().any(|l| *l == b"example") || labels.last().is_some_and(|l| matches!(*l, b"test" | b"invalid"))
}
