//! Kubernetes Secret manifests: the values of a `data:` map are base64 whatever their length,
//! so short ones (`password: YWRtaW4=`) are candidates too, where the plain [`base64`] decoder
//! needs [`MIN_RUN`] characters to tell an encoding from a word. Multi-document YAML
//! is read document by document (a `kind: Secret` anywhere in the text enables it; each
//! `data:` block is read by its indentation).
//!
//! [`base64`]: super::base64
//! [`MIN_RUN`]: super::base64::MIN_RUN

use std::ops::Range;

use base64::Engine;

use super::base64::{CLASS, MIN_RUN};
use super::{Decoder, Text};

/// The Kubernetes `data:` decoder.
#[derive(Debug)]
pub struct SecretData;

/// Shortest value: `YQ==` is one byte.
const MIN_VALUE: usize = 4;

fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// Whether `text` holds a Kubernetes Secret manifest (`kind: Secret` anywhere): its `data:`
/// values are decoded by document, so the text is read whole.
pub fn is_secret_manifest(text: &[u8]) -> bool {
    static KIND: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"kind: Secret"));
    KIND.find(text).is_some()
}

impl Decoder for SecretData {
    fn name(&self) -> &'static str {
        "base64"
    }

    fn min_decoded(&self) -> usize {
        1
    }

    fn candidates(&self, text: &Text<'_>, out: &mut Vec<Range<usize>>) {
        let (hay, region) = (text.hay, text.region.clone());
        let body = &hay[region.clone()];
        if !is_secret_manifest(body) {
            return;
        }
        let mut at = region.start;
        let mut block: Option<usize> = None;
        for line in body.split(|&b| b == b'\n') {
            let start = at;
            at += line.len() + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let ind = indent(line);
            let rest = &line[ind..];
            if rest.is_empty() || rest.starts_with(b"#") {
                continue;
            }
            if let Some(b) = block
                && ind <= b
            {
                block = None;
            }
            if rest == b"data:" {
                block = Some(ind);
                continue;
            }
            if block.is_none() {
                continue;
            }
            let Some(colon) = memchr::memmem::find(rest, b": ") else { continue };
            let v0 = ind + colon + 2;
            let mut v = &line[v0..];
            let mut off = v0;
            while v.first() == Some(&b' ') {
                v = &v[1..];
                off += 1;
            }
            if let [q @ (b'"' | b'\''), inner @ .., q2] = v
                && q == q2
            {
                v = inner;
                off += 1;
            }
            let core = v.iter().take_while(|&&b| CLASS[b as usize]).count();
            let pad = v[core..].iter().take_while(|&&b| b == b'=').count();
            let len = core + pad;
            if core > 0 && len == v.len() && len >= MIN_VALUE && len % 4 == 0 && core < MIN_RUN {
                out.push(start + off..start + off + len);
            }
        }
    }

    fn decode(&self, span: &[u8], out: &mut Vec<u8>) -> bool {
        base64::engine::general_purpose::STANDARD.decode_vec(span, out).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_data_values_of_secrets_only() {
        let hay = concat!(
            "apiVersion: v1\nkind: Secret\ndata:\n  username: YWRtaW4=\n  pass",
            "word: 'czNjcjN0'\n",
            "  long: c29tZXRoaW5nIGxvbmdlciB0aGFuIHNpeHRlZW4=\nstringData:\n  x: YWRtaW4=\n"
        );
        let mut c = Vec::new();
        SecretData.candidates(&Text::new(hay.as_bytes(), 0..hay.len()), &mut c);
        let got: Vec<&str> = c.iter().map(|r| &hay[r.clone()]).collect();
        assert_eq!(got, ["YWRtaW4=", "czNjcjN0"]);
        let cm = hay.replace("kind: Secret", "kind: ConfigMap");
        c.clear();
        SecretData.candidates(&Text::new(cm.as_bytes(), 0..cm.len()), &mut c);
        assert!(c.is_empty());
    }
}
