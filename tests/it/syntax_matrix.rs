//! The syntax matrix: every example of every name-gated rule (a rule with `assign`), rendered in
//! every form the assignment recogniser reads, must be found by that rule at the confidence
//! the example has in its own form. Generated from the rule files, so a new name-gated rule is
//! covered without new test code.

use keyhound::assign;
use keyhound::matcher::Detector;
use keyhound::rules::check::unmark;
use keyhound::rules::load::{builtin_sources, compile_rule};
use keyhound::rules::{Confidence, RuleSet};

/// (form, template): `{n}` is the name as an identifier, `{k}` the name in kebab case for
/// flags and headers, `{v}` the value.
const FORMS: &[(&str, &str)] = &[
    (".env", "{n}={v}"),
    ("shell export", "export {n}=\"{v}\""),
    ("make :=", "{n} := {v}"),
    ("make ::=", "{n} ::= {v}"),
    ("make :::=", "{n} :::= {v}"),
    ("make ?=", "{n} ?= {v}"),
    ("append +=", "{n} += {v}"),
    ("go var", "var {n} string = \"{v}\""),
    ("go :=", "\t{n} := \"{v}\""),
    ("php .=", "${n} .= \"{v}\";"),
    ("php $", "${n} = '{v}';"),
    ("kotlin val", "val {n}: String = \"{v}\""),
    ("java field", "private static final String {n} = \"{v}\";"),
    ("r <-", "{n} <- \"{v}\""),
    ("comparison", "if {n} == \"{v}\":"),
    ("keyword argument", "client = Client({n}='{v}', debug=True)"),
    ("ruby hash", "{:{n} => \"{v}\"}"),
    ("php array", "    '{n}' => '{v}',"),
    ("os.environ", "os.environ[\"{n}\"] = \"{v}\""),
    ("ENV[]", "ENV['{n}'] = '{v}'"),
    ("powershell env", "$env:{n} = \"{v}\""),
    ("setProperty", "System.setProperty(\"{n}\", \"{v}\");"),
    ("put", "props.put(\"{n}\", \"{v}\");"),
    ("setenv", "os.Setenv(\"{n}\", \"{v}\")"),
    ("dockerfile ENV", "ENV {n} {v}"),
    ("dockerfile ARG", "ARG {n}={v}"),
    ("flag =", "deploy --{k}={v} --force"),
    ("flag space", "deploy --{k} {v} --force"),
    ("yaml", "  {n}: {v}"),
    ("yaml quoted", "  {n}: \"{v}\"  # prod"),
    ("yaml block", "{n}: |\n  {v}\n"),
    ("yaml list", "{n}:\n  - {v}\n"),
    ("json", "{\"{n}\":\"{v}\",\"x\":1}"),
    ("json array", "\"{n}\": [\"{v}\"]"),
    ("toml", "{n} = \"{v}\""),
    ("ini", "{n} = {v}"),
    ("properties", "app.{n}={v}"),
    ("hcl", "  {n} = \"{v}\""),
    ("xml element", "<{n}>{v}</{n}>"),
    ("xml element multi-line", "<{n}>\n    {v}\n</{n}>"),
    ("xml add key", "<add key=\"{n}\" value=\"{v}\"/>"),
    ("groovy", "    {n} '{v}'"),
    ("concatenation", "{n} = \"{v}\" + suffix"),
];

fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('-');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c == '_' || c == '.' { '-' } else { c.to_ascii_lowercase() });
    }
    out.replace("--", "-")
}

#[test]
fn every_name_gated_example_in_every_form() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for src in builtin_sources().unwrap() {
        for syn in src.rules.iter().filter(|s| s.assign.is_some()) {
            let rule = compile_rule(syn.clone(), &src.file, true).unwrap();
            let det = Detector::new(RuleSet::new(vec![rule])).unwrap();
            let mut m = det.matcher();
            for ex in &syn.examples {
                let (text, value) = (unmark(&ex.text), unmark(&ex.secret));
                let Some((name, _)) = assign::pairs(&text).into_iter().find(|(_, v)| *v == value) else {
                    failures.push(format!("{}: the recogniser finds no name for example {text:?}", syn.id));
                    continue;
                };
                let ident: String = name.trim_start_matches('-').replace(['.', '-'], "_");
                let flag = kebab(&ident);
                for (form, template) in FORMS {
                    // a value holding a quote or a space cannot be written in every form
                    if value.contains(['"', '\'', ' ', '\\']) {
                        continue;
                    }
                    let rendered = template.replace("{n}", &ident).replace("{k}", &flag).replace("{v}", &value);
                    let hay = rendered.as_bytes();
                    let found = m.scan(hay);
                    match found.iter().find(|f| hay[f.secret.clone()] == *value.as_bytes()) {
                        Some(f) if f.confidence >= Confidence::Medium => {}
                        Some(f) => failures
                            .push(format!("{} [{form}] {rendered:?}: found at {:?} confidence", syn.id, f.confidence)),
                        None => failures.push(format!("{} [{form}] {rendered:?}: not found", syn.id)),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "the matrix must cover the name-gated rules' examples ({checked} checked)");
    assert!(failures.is_empty(), "{} of {checked} renderings fail:\n{}", failures.len(), failures.join("\n"));
}
