//! Credential-file rules in the matcher: when a blob's path is a [credential file](crate::credfile),
//! its parser runs once and each rule of that kind reports the fields its `field` regex names.
//!
//! A field's value is judged like a match's: the placeholder filter, stopwords, allow regexes
//! and entropy; then the rule's check. Under `check = "password"` the value is judged as a
//! literal password (the file kind, not a name, says it is one): a placeholder or a reference
//! is dropped (a URL's password is percent-decoded first), the commonest non-passwords (`password`, a translated label) are low.

use crate::credfile::{self, Field, Kind};
use crate::matcher::password::{self, Context};
use crate::matcher::{Matcher, RawMatch, checks, entropy, filters};
use crate::rules::{CheckKind, Confidence};

impl Matcher<'_> {
    /// Runs the credential-file rules of `kind` on `hay`.
    pub(super) fn run_files(&mut self, kind: Kind, hay: &[u8], paths: &[&str]) {
        let mut fields = std::mem::take(&mut self.fields);
        fields.clear();
        credfile::fields(kind, hay, &mut fields);
        let rules = self.det.rules.rules();
        for &(k, r) in &self.det.file_rules {
            let rule = &rules[r];
            if k != kind || !paths.iter().any(|p| rule.applies_to_path(p)) {
                continue;
            }
            let Some(fm) = &rule.file else { continue };
            for f in fields.iter().filter(|f| fm.field.is_match(f.key.as_bytes())) {
                self.accept_field(r, hay, f);
            }
        }
        self.fields = fields;
    }

    fn accept_field(&mut self, r: usize, hay: &[u8], field: &Field) {
        let rule = self.det.rules.get(r);
        let secret = field.value.clone();
        let bytes = &hay[secret.clone()];
        if bytes.is_empty() || filters::judge(rule, bytes).is_some() {
            return;
        }
        if rule.file.as_ref().and_then(|f| f.value.as_ref()).is_some_and(|v| !v.is_match(bytes)) {
            return;
        }
        let literal = Context { quoted: true, code: false, followed: false };
        let confidence = match rule.check {
            Some(CheckKind::Password | CheckKind::UrlPassword) => {
                let decoded: Vec<u8>;
                let value = if rule.check == Some(CheckKind::UrlPassword) {
                    if !password::url_password_ok(bytes) {
                        return;
                    }
                    decoded = percent_encoding::percent_decode(bytes).collect();
                    &decoded[..]
                } else {
                    bytes
                };
                match password::judge(b"password", value, literal) {
                    None => return,
                    Some(Confidence::Low) => Confidence::Low,
                    Some(_) => rule.confidence,
                }
            }
            Some(kind) => match checks::judge(kind, hay, secret.clone(), None) {
                checks::Outcome::Drop => return,
                checks::Outcome::Keep(c) => c.unwrap_or(rule.confidence),
            },
            None => rule.confidence,
        };
        let entropy = entropy::shannon(bytes);
        self.found.push(RawMatch { rule: r, span: secret.clone(), secret, pair: None, entropy, confidence });
    }
}
