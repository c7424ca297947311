//! Mail clients' run-control files: msmtp and esmtp (`password SECRET`, one `key value` per
//! line), fetchmail (`poll host … password 'SECRET'`) and mutt (`set smtp_pass = "SECRET"`,
//! read by the [key/value parser](super::keyvalue)).

use super::keyvalue::KeyValue;
use super::{Field, Parser, lines};

/// The mail-client parser.
#[derive(Debug)]
pub struct MailClient;

/// Words whose next word is a password.
const PASSWORD_WORDS: &[&[u8]] = &[b"password", b"pass", b"passwd"];

impl Parser for MailClient {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        for (start, line) in lines(hay) {
            let words = split_words(line);
            for pair in words.windows(2) {
                let key = &line[pair[0].clone()];
                if PASSWORD_WORDS.contains(&key) {
                    let v = &pair[1];
                    out.push(Field { key: "password".to_string(), value: start + v.start..start + v.end });
                }
            }
        }
        KeyValue.fields(hay, out);
    }
}

/// Blank-separated words of a line, a quoted word without its quotes; stops at `#`.
fn split_words(line: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'#' {
            break;
        } else if b == b'"' || b == b'\'' {
            let end = memchr::memchr(b, &line[i + 1..]).map_or(line.len(), |p| i + 1 + p);
            out.push(i + 1..end);
            i = end + 1;
        } else {
            let s = i;
            while i < line.len() && !line[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(s..i);
        }
    }
    out
}
