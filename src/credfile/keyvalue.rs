//! Key/value credential files (INI, JSON, YAML, XML, properties, PHP `define`): every
//! assignment the [recogniser](crate::assign) reads is a field, its key the lower-cased name
//! (`//registry.npmjs.org/:_authToken` → `//registry.npmjs.org/:_authtoken`), so rules match
//! the end of the key (`(?:^|[:/._-])_authtoken$`).

use super::{Field, Parser};
use crate::assign::{Assignment, recognise};

/// The key/value parser.
#[derive(Debug)]
pub struct KeyValue;

impl Parser for KeyValue {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let mut found: Vec<Assignment> = Vec::new();
        recognise(hay, 0..hay.len(), &mut found);
        for a in found {
            let key = String::from_utf8_lossy(&hay[a.name.clone()]).to_ascii_lowercase();
            out.push(Field { key, value: a.value });
        }
    }
}
