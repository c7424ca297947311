//! Terraform state (`*.tfstate`): every resource attribute is a field keyed by its name, as in
//! any [key/value file](super::keyvalue), and an attribute called `value` is also keyed by the
//! type of the resource it belongs to (`aws_api_gateway_api_key.value`), because `value` holds
//! the secret for some resource types and harmless data for most.
//!
//! The state is JSON (<https://developer.hashicorp.com/terraform/language/state>): each entry of
//! `resources` names its `"type"` before its `"instances"` and their `"attributes"`, so the last
//! resource type seen before an attribute is its resource's; nesting depth tells the resource's
//! own `type` from an attribute called `type`, and the resource's `value` attribute from a
//! `value` nested in a block or a tag.

use super::{Field, Parser};
use crate::assign::{Assignment, recognise};

/// The Terraform state parser.
#[derive(Debug)]
pub struct TerraformState;

impl Parser for TerraformState {
    fn fields(&self, hay: &[u8], out: &mut Vec<Field>) {
        let mut found: Vec<Assignment> = Vec::new();
        recognise(hay, 0..hay.len(), &mut found);
        found.sort_by_key(|a| a.name.start);
        let mut nesting = Nesting::default();
        let mut resource: Option<(usize, String)> = None;
        for a in found {
            let key = String::from_utf8_lossy(&hay[a.name.clone()]).to_ascii_lowercase();
            let depth = nesting.advance(hay, a.name.start);
            if key == "type" && resource.as_ref().is_none_or(|(d, _)| depth <= *d) {
                resource = Some((depth, String::from_utf8_lossy(&hay[a.value.clone()]).to_ascii_lowercase()));
            }
            // (`{"type": …, "instances": [{"attributes": {"value": …}}]}`: three levels below the
            // resource's own keys; a `value` nested deeper, in tags or blocks, is not the resource's)
            if key == "value"
                && let Some((d, ty)) = &resource
                && depth == *d + 3
            {
                out.push(Field { key: format!("{ty}.value"), value: a.value.clone() });
            }
            out.push(Field { key, value: a.value });
        }
    }
}

/// How many JSON objects and arrays are open, read forward once (brackets inside strings
/// skipped), so a state of any size costs one pass.
#[derive(Debug, Default)]
struct Nesting {
    at: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    /// The depth at `to` (never before the last position asked).
    fn advance(&mut self, hay: &[u8], to: usize) -> usize {
        let to = to.min(hay.len());
        for &b in &hay[self.at.min(to)..to] {
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        self.at = self.at.max(to);
        self.depth
    }
}
