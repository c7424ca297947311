//! Colon-separated records: PostgreSQL's `.pgpass` (`host:port:database:user:password`,
//! `\:` and `\\` escaped, `#` comments), Apache's `.htpasswd` (`user:hash`) and `.htdigest`
//! (`user:realm:hash`), and `/etc/shadow` (`user:hash:lastchange:…`).

use super::{Field, Parser, lines};

/// A colon-separated record format: which field is reported, under which key.
#[derive(Debug)]
pub struct Colon {
    /// Key of the reported field.
    key: &'static str,
    /// Which field (0-based) is reported; `None`: the last one.
    index: Option<usize>,
    /// Fields a record must have, at least.
    min_fields: usize,
    /// Backslash escapes the next character (pgpass).
    escapes: bool,
    /// The reported field runs to the end of the line (colons included).
    to_end: bool,
}

/// `.pgpass`: the fifth field, the password, runs to the end of the line.
pub static PGPASS: Colon = Colon { key: "password", index: Some(4), min_fields: 5, escapes: true, to_end: true };
/// `.htpasswd` / `.htdigest`: the last field is the hash.
pub static HTPASSWD: Colon = Colon { key: "hash", index: None, min_fields: 2, escapes: false, to_end: false };
/// `/etc/shadow`: the second field is the hash.
pub static SHADOW: Colon = Colon { key: "hash", index: Some(1), min_fields: 3, escapes: false, to_end: false };

impl Parser for Colon {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        for (start, line) in lines(hay) {
            if line.trim_ascii_start().starts_with(b"#") || line.trim_ascii().is_empty() {
                continue;
            }
            let spans = split(line, self.escapes, self.index.filter(|_| self.to_end).map(|i| i + 1));
            if spans.len() < self.min_fields {
                continue;
            }
            let pick = self.index.unwrap_or(spans.len() - 1);
            let Some(r) = spans.get(pick) else { continue };
            if !r.is_empty() {
                out.push(Field { key: self.key.to_string(), value: start + r.start..start + r.end });
            }
        }
    }
}

/// Splits a line at unescaped colons; with `max` fields, the last one takes the rest.
fn split(line: &[u8], escapes: bool, max: Option<usize>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < line.len() {
        if escapes && line[i] == b'\\' {
            i += 2;
            continue;
        }
        if line[i] == b':' && max.is_none_or(|m| out.len() + 1 < m) {
            out.push(start..i);
            start = i + 1;
        }
        i += 1;
    }
    out.push(start..line.len());
    out
}
