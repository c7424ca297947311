//! Credential-file rules in the matcher: when a blob's path is a [credential file](crate::credfile),
//! its parser runs once and each rule of that kind reports the fields its `field` regex names.
//!
//! A field's value is judged like a match's: the placeholder filter, stopwords, allow regexes
//! and entropy; then the rule's check. Under `check = "password"` (no name from the
//! recogniser) the value is judged as a literal password, the file kind saying it is one: a
//! placeholder or a reference is dropped, the commonest non-passwords (`password`, a
//! translated label) are low.

use crate::credfile::{self, Field, Kind};
use crate::matcher::Matcher;

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

    /// A field is judged as a match of the rule is: [`Matcher::accept`] (filters, check), after
    /// the rule's `value` shape, if any.
    fn accept_field(&mut self, r: usize, hay: &[u8], field: &Field) {
        let rule = self.det.rules.get(r);
        let secret = field.value.clone();
        if rule.file.as_ref().and_then(|f| f.value.as_ref()).is_some_and(|v| !v.is_match(&hay[secret.clone()])) {
            return;
        }
        self.accept(r, hay, secret.clone(), secret, None);
    }
}
