//! git's credential store (`.git-credentials`, written by `git credential-store`): one URL per
//! line, `https://user:password@host`, the password percent-encoded.

use super::{Field, Parser, lines};

/// The URL-with-userinfo parser.
#[derive(Debug)]
pub struct Userinfo;

impl Parser for Userinfo {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        for (start, line) in lines(hay) {
            let Some(scheme_end) = memchr::memmem::find(line, b"://") else { continue };
            let auth_start = scheme_end + 3;
            let rest = &line[auth_start..];
            let host_end = rest.iter().position(|&b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
            let Some(at) = memchr::memrchr(b'@', &rest[..host_end]) else { continue };
            let Some(colon) = memchr::memchr(b':', &rest[..at]) else { continue };
            if colon + 1 < at {
                let s = start + auth_start + colon + 1;
                out.push(Field { key: "password".to_string(), value: s..start + auth_start + at });
            }
        }
    }
}
