//! A credential kept once per environment: a YAML mapping whose keys are environment names,
//! under the credential's name.
//!
//! ```yaml
//! app_secrets:
//!   dev: fe562ec1e21eecc5af4d83f6a157a7
//!   prod: 9bf801da1a24c9a103ea86a1438caa
//! ```
//!
//! `dev` and `prod` say nothing about what the values are; the parent's name does. Each such
//! value is reported as an assignment to the parent (`app_secrets`), so every name-gated rule
//! judges it under that name. Only keys that name an environment ([`ENVIRONMENTS`]) are read:
//! under `database:` the children `host:` and `user:` are assignments of their own.

use std::ops::Range;

use super::value::{quoted, read_one};
use super::{Assignment, Form, MAX_NAME, Syntax, is_name_byte, line_end, next_line};

/// Keys that name an environment (compared lower-cased).
#[rustfmt::skip]
pub const ENVIRONMENTS: &[&str] = &[
    "dev", "develop", "development", "test", "testing", "prod", "production", "stage", "staging", "qa", "uat",
    "local", "default", "live", "sandbox", "preprod", "ci",
];

/// How many lines under a parent are read for its children.
const CHILD_LINES: usize = 16;

/// Mappings keyed by environment under a name, each value named by the parent.
#[derive(Debug)]
pub struct EnvironmentMaps;

impl Syntax for EnvironmentMaps {
    fn find(&self, hay: &[u8], region: Range<usize>, out: &mut Vec<Assignment>) {
        for (line, eol) in super::lines(hay, region) {
            if let Some((indent, Key { name, value: None })) = key_line(hay, line, eol) {
                children(hay, next_line(hay, eol), indent, &name, out);
            }
        }
    }
}

/// A `key:` line's parts.
struct Key {
    name: Range<usize>,
    /// Where the value starts (after the colon and blanks), `None` when the line ends there.
    value: Option<usize>,
}

/// The indent and key of a YAML `key:` line (`key: value` or `key:` alone, a comment allowed
/// after it).
fn key_line(hay: &[u8], line: usize, eol: usize) -> Option<(usize, Key)> {
    let mut p = line;
    while p < eol && hay[p] == b' ' {
        p += 1;
    }
    let indent = p - line;
    let (name, after) = match quoted(hay, p, eol) {
        Some((content, end)) if hay[p] == b'"' || hay[p] == b'\'' => (content, end),
        _ => {
            let s = p;
            while p < eol && is_name_byte(hay[p]) {
                p += 1;
            }
            (s..p, p)
        }
    };
    if name.is_empty() || name.len() > MAX_NAME || hay.get(after) != Some(&b':') {
        return None;
    }
    let mut v = after + 1;
    if v < eol && !matches!(hay[v], b' ' | b'\t' | b'\r') {
        return None;
    }
    while v < eol && matches!(hay[v], b' ' | b'\t' | b'\r') {
        v += 1;
    }
    let value = (v < eol && hay[v] != b'#').then_some(v);
    Some((indent, Key { name, value }))
}

/// Reads the children of a parent at `indent` from `start`: every `environment: value` at the
/// first child's indent, until a line indented no further than the parent.
fn children(hay: &[u8], start: usize, indent: usize, parent: &Range<usize>, out: &mut Vec<Assignment>) {
    let mut line = start;
    let mut child_indent = None;
    for _ in 0..CHILD_LINES {
        if line >= hay.len() {
            return;
        }
        let eol = line_end(hay, line);
        let text = &hay[line..eol];
        let blank = text.iter().all(|b| b.is_ascii_whitespace())
            || text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'#');
        if !blank {
            let Some((i, key)) = key_line(hay, line, eol) else { return };
            if i <= indent || child_indent.is_some_and(|c| i < c) {
                return;
            }
            let sibling = *child_indent.get_or_insert(i) == i;
            let environment = ENVIRONMENTS.iter().any(|e| hay[key.name.clone()].eq_ignore_ascii_case(e.as_bytes()));
            if let (true, true, Some(v)) = (sibling, environment, key.value)
                && let Some(value) = read_one(hay, v, eol)
            {
                out.push(Assignment {
                    name: parent.clone(),
                    value: value.range,
                    scheme: value.scheme,
                    form: Form::Operator,
                    quoted: value.quoted,
                });
            }
        }
        line = next_line(hay, eol);
    }
}

#[cfg(test)]
mod tests {
    use crate::assign::pairs;

    #[test]
    fn environment_keys_are_named_by_their_parent() {
        let text = "app:\n  user: www\napp_secrets:\n  dev: q8Zr1LmX0vT4\n  # staging too\n\n  prod: \"w9Kp2NbY7cQ3\"\n    deeper: x\napp_environment:\n  RAILS_ENV: production\n";
        let got = pairs(text);
        assert!(got.contains(&("app_secrets".into(), "q8Zr1LmX0vT4".into())), "{got:?}");
        assert!(got.contains(&("app_secrets".into(), "w9Kp2NbY7cQ3".into())), "{got:?}");
        // other children keep their own names; a sibling of the parent ends the mapping
        assert!(!got.iter().any(|(n, v)| n == "app" && v == "www"), "{got:?}");
        assert!(!got.iter().any(|(n, v)| n == "app_secrets" && v == "production"), "{got:?}");
        assert!(!got.iter().any(|(n, v)| n == "app_secrets" && v == "x"), "{got:?}");
    }

    #[test]
    fn a_parent_with_a_value_or_no_children_names_nothing() {
        for text in ["secret: v\n  dev: q8Zr1LmX0vT4\n", "secret:\ndev: q8Zr1LmX0vT4\n", "secret:\n"] {
            let got = pairs(text);
            assert!(!got.iter().any(|(n, v)| n == "secret" && v == "q8Zr1LmX0vT4"), "{text:?}: {got:?}");
        }
    }
}
