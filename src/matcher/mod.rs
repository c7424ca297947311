//! The matcher: blob bytes in, raw matches out.
//!
//! A [`Detector`] (shared by all threads) holds the rule set and the keyword automaton; each
//! worker thread owns a [`Matcher`] with its scratch space (per-rule windows and regex
//! caches), so the hot path allocates nothing per byte. Per blob:
//!
//! 1. the [`prefilter`] finds keyword hits and turns them into windows per rule;
//! 2. each triggered rule's regex (compiled on first use) runs only inside its merged windows;
//!    name-gated rules instead test the assignments that the [recogniser](crate::assign)
//!    finds once per blob in the union of their windows ([named]);
//! 3. [filters] and [checks] drop placeholders, low-entropy values and malformed tokens;
//! 4. matches whose secrets overlap are resolved to one: provider rules beat generic ones,
//!    multi-part and longer matches beat shorter ones.

pub mod basic_auth;
pub mod checks;
pub mod encoded_text;
pub mod entropy;
pub mod files;
pub mod filters;
pub mod grams;
pub mod named;
pub mod password;
pub mod password_hash;
pub mod pem;
pub mod prefilter;
pub mod randomness;
pub mod regex;
pub mod secret_key;

use std::collections::BTreeMap;
use std::ops::Range;

use regex_automata::Input;
use regex_automata::meta::Cache;
use regex_automata::util::captures::Captures;

use crate::rules::{Confidence, Rule, RuleSet};
use prefilter::Prefilter;
use regex::LazyRegex;

/// A match before it becomes a finding: offsets into the blob.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMatch {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// The whole regex match.
    pub span: Range<usize>,
    /// The `secret` group.
    pub secret: Range<usize>,
    /// The second part of a multi-part credential.
    pub pair: Option<Range<usize>>,
    /// Shannon entropy of the secret, bits per character.
    pub entropy: f64,
    /// Confidence: the rule's, or what its check decided (a checksum, a generic value's shape).
    pub confidence: Confidence,
}

/// The compiled, shareable part of matching: rules plus keyword automaton.
#[derive(Debug)]
pub struct Detector {
    rules: RuleSet,
    prefilter: Prefilter,
    /// Credential-file rules by kind: (kind, rule index).
    file_rules: Vec<(crate::credfile::Kind, usize)>,
    /// [`Detector::reach`], worked out once from the rules.
    reach: crate::source::delta::Reach,
}

/// How far a match touching its window's end may be re-searched with a longer window: the
/// longest match any rule makes (big inputs are cut into windows that overlap by more,
/// [`crate::source::window`]).
pub const MAX_EXTENSION: usize = 1 << 20;
/// How far around a first part the second part of a pair is looked for, at most.
const PAIR_REACH: usize = 4096;

impl Detector {
    /// Builds the keyword automaton for a rule set.
    pub fn new(rules: RuleSet) -> Result<Self, String> {
        let prefilter = Prefilter::new(&rules)?;
        let file_rules =
            rules.rules().iter().enumerate().filter_map(|(i, r)| r.file.as_ref().map(|f| (f.kind, i))).collect();
        let all = rules.rules();
        let reach = crate::source::delta::Reach {
            bytes: all.iter().map(|r| r.window_before).max().unwrap_or(0).max(crate::assign::MAX_NAME),
            // two more lines: a name on the line before a value, a closing tag after it
            lines: all.iter().filter_map(|r| r.pair.as_ref().map(|p| p.within_lines)).max().unwrap_or(0) + 2,
            far: PAIR_REACH,
        };
        Ok(Detector { rules, prefilter, file_rules, reach })
    }

    /// Whether text at path `a` is matched exactly as at path `b`: the same kind of file
    /// (code, prose, translation catalog) and the same rules in scope. Credential files are
    /// parsed by their own rules and are not compared here.
    pub fn treats_alike(&self, a: &str, b: &str) -> bool {
        a == b
            || (named::is_code_path(a) == named::is_code_path(b)
                && named::is_prose_path(a) == named::is_prose_path(b)
                && named::is_translation_path(a) == named::is_translation_path(b)
                && self.rules.rules().iter().all(|r| r.path.is_none() || r.applies_to_path(a) == r.applies_to_path(b)))
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// How far around a match the rules look, at most: how far before its keyword a rule's
    /// regex may start (the name of an assignment, a prefix), and how many lines away a
    /// pair's second part may be. Text this far around a change is enough to match it as in
    /// the whole blob ([`crate::source::delta`]); a rule's window *after* its keyword only
    /// bounds how long its match may be, and a match that reaches the edge of what a window
    /// of a changed part holds is never trusted there.
    pub fn reach(&self) -> crate::source::delta::Reach {
        self.reach
    }

    /// A per-thread matcher.
    pub fn matcher(&self) -> Matcher<'_> {
        let n = self.rules.len();
        Matcher {
            det: self,
            windows: vec![Vec::new(); n],
            touched: Vec::new(),
            scratch: (0..n).map(|_| None).collect(),
            pair_scratch: (0..n).map(|_| None).collect(),
            value_scratch: (0..n).map(|_| None).collect(),
            named_rules: Vec::new(),
            recognised: named::Recognised::default(),
            fields: Vec::new(),
            code: false,
            prose: false,
            catalog: false,
            found: Vec::new(),
        }
    }
}

type Scratch = Option<(Cache, Captures)>;

/// Per-thread matching state.
#[derive(Debug)]
pub struct Matcher<'d> {
    det: &'d Detector,
    windows: Vec<Vec<(usize, usize)>>,
    touched: Vec<u32>,
    scratch: Vec<Scratch>,
    pair_scratch: Vec<Scratch>,
    value_scratch: Vec<named::ValueScratch>,
    named_rules: Vec<u32>,
    recognised: named::Recognised,
    fields: Vec<crate::credfile::Field>,
    /// The blob being scanned is source code (by its first path).
    code: bool,
    /// The blob is a prose document (by its first path).
    prose: bool,
    /// The blob is a translation catalog (by its first path).
    catalog: bool,
    found: Vec<RawMatch>,
}

impl<'d> Matcher<'d> {
    /// The detector this matcher belongs to.
    pub fn detector(&self) -> &'d Detector {
        self.det
    }

    /// Finds every credential in `hay`, sorted by position.
    pub fn scan(&mut self, hay: &[u8]) -> Vec<RawMatch> {
        self.scan_at(hay, &[])
    }

    /// [`Matcher::scan`] for bytes found at `paths`: a rule scoped to some paths (its `path`
    /// regex) runs only if one of them is in its scope, so an out-of-scope rule can neither
    /// report nor win an overlap against another rule. No paths: every rule runs.
    pub fn scan_at(&mut self, hay: &[u8], paths: &[&str]) -> Vec<RawMatch> {
        let rules = self.det.rules.rules();
        let windows = &mut self.windows;
        let touched = &mut self.touched;
        self.det.prefilter.for_each_window(
            hay,
            |r| (rules[r as usize].window_before, rules[r as usize].window),
            |r, s, e| {
                let w = &mut windows[r as usize];
                match w.last_mut() {
                    None => {
                        touched.push(r);
                        w.push((s, e));
                    }
                    Some(last) if s >= last.0 && s <= last.1 => last.1 = last.1.max(e),
                    Some(_) => w.push((s, e)),
                }
            },
        );
        self.found.clear();
        self.recognised.clear();
        self.code = paths.first().is_some_and(|p| named::is_code_path(p));
        self.prose = paths.first().is_some_and(|p| named::is_prose_path(p));
        self.catalog = paths.first().is_some_and(|p| named::is_translation_path(p));
        let touched = std::mem::take(&mut self.touched);
        for &r in &touched {
            let mut w = std::mem::take(&mut self.windows[r as usize]);
            let rule = &rules[r as usize];
            if paths.is_empty() || paths.iter().any(|p| rule.applies_to_path(p)) {
                merge(&mut w);
                if rule.regex.is_some() {
                    self.run_rule(r as usize, &w, hay);
                }
                if rule.assign.is_some() {
                    for &(s, e) in &w {
                        self.recognised.add_window(hay, s, e, rule.keyword_in_name);
                    }
                    self.named_rules.push(r);
                    self.windows[r as usize] = w;
                    continue;
                }
            }
            w.clear();
            self.windows[r as usize] = w;
        }
        if !self.named_rules.is_empty() {
            self.recognised.run(hay);
            let named = std::mem::take(&mut self.named_rules);
            for &r in &named {
                let w = std::mem::take(&mut self.windows[r as usize]);
                self.run_named(r as usize, &w, hay);
                let mut w = w;
                w.clear();
                self.windows[r as usize] = w;
            }
            self.named_rules = named;
            self.named_rules.clear();
        }
        if !self.det.file_rules.is_empty()
            && let Some(kind) = paths.iter().find_map(|p| crate::credfile::kind_of(p, hay))
        {
            self.run_files(kind, hay, paths);
        }
        self.touched = touched;
        self.touched.clear();
        resolve_overlaps(std::mem::take(&mut self.found), rules)
    }

    fn run_rule(&mut self, r: usize, windows: &[(usize, usize)], hay: &[u8]) {
        let rule = self.det.rules.get(r);
        let Some(Ok(re)) = rule.regex.as_ref().map(LazyRegex::get) else { return };
        let mut scratch = self.scratch[r].take();
        let (cache, caps) = scratch.get_or_insert_with(|| (re.re.create_cache(), re.re.create_captures()));
        for &(ws, we) in windows {
            let mut at = ws;
            while at < we {
                let mut end = we;
                let found = loop {
                    re.re.search_captures_with(cache, &Input::new(hay).range(at..end), caps);
                    match caps.get_match() {
                        None => break None,
                        Some(m) if m.end() == end && end < hay.len() && end - at < MAX_EXTENSION => {
                            end = (end + (end - at).max(rule.window)).min(hay.len());
                        }
                        Some(m) => break Some(m.range()),
                    }
                };
                let Some(span) = found else { break };
                let secret = caps.get_group(re.secret_group).map_or(span.clone(), |s| s.range());
                at = secret.end.max(span.start + 1);
                self.accept(r, hay, span, secret, None);
            }
        }
        self.scratch[r] = scratch;
    }

    fn run_named(&mut self, r: usize, windows: &[(usize, usize)], hay: &[u8]) {
        let rule = self.det.rules.get(r);
        let recognised = std::mem::take(&mut self.recognised);
        for &(ws, we) in windows {
            for a in recognised.in_window(ws, we) {
                if let Some(secret) = named::test(rule, hay, a, &mut self.value_scratch[r]) {
                    // arguments follow a flag's value, and a closing tag an element's
                    let operator = a.form == crate::assign::Form::Operator && hay.get(a.name.start) != Some(&b'-');
                    let followed =
                        operator && named::followed(hay, a.value.end) && !named::is_flag_argument(hay, a.name.start);
                    let named = checks::Named {
                        name: a.name.clone(),
                        quoted: a.quoted,
                        code: self.code,
                        prose: self.prose,
                        catalog: self.catalog,
                        basic: a.scheme.as_ref().is_some_and(|s| hay[s.clone()].eq_ignore_ascii_case(b"basic")),
                        followed,
                    };
                    self.accept(r, hay, a.name.start..a.value.end, secret, Some(&named));
                }
            }
        }
        self.recognised = recognised;
    }

    /// Filters and checks a candidate; keeps it as a match if it passes.
    fn accept(
        &mut self,
        r: usize,
        hay: &[u8],
        span: Range<usize>,
        secret: Range<usize>,
        named: Option<&checks::Named>,
    ) {
        let rule = self.det.rules.get(r);
        let bytes = &hay[secret.clone()];
        if bytes.is_empty() || filters::judge(rule, bytes).is_some() {
            return;
        }
        let confidence = match rule.check.map(|kind| checks::judge(kind, hay, secret.clone(), named)) {
            Some(checks::Outcome::Drop) => return,
            Some(checks::Outcome::Keep(Some(c))) => c,
            _ => rule.confidence,
        };
        let entropy = entropy::shannon(bytes);
        let pair = match &rule.pair {
            Some(_) => find_pair(rule, &mut self.pair_scratch[r], hay, &span, &secret),
            None => None,
        };
        self.found.push(RawMatch { rule: r, span, secret, pair, entropy, confidence });
    }
}

/// Sorts windows and merges overlapping ones.
fn merge(w: &mut Vec<(usize, usize)>) {
    if w.len() < 2 {
        return;
    }
    w.sort_unstable();
    let mut out = 0;
    for i in 1..w.len() {
        if w[i].0 <= w[out].1 {
            w[out].1 = w[out].1.max(w[i].1);
        } else {
            out += 1;
            w[out] = w[i];
        }
    }
    w.truncate(out + 1);
}

/// Byte offset of the start of the line `n` lines before `pos` (bounded by `PAIR_REACH`).
fn lines_back(hay: &[u8], pos: usize, n: usize) -> usize {
    let floor = pos.saturating_sub(PAIR_REACH);
    let mut seen = 0;
    for i in (floor..pos).rev() {
        if hay[i] == b'\n' {
            if seen == n {
                return i + 1;
            }
            seen += 1;
        }
    }
    floor
}

/// Byte offset of the end of the line `n` lines after `pos` (bounded by `PAIR_REACH`).
fn lines_forward(hay: &[u8], pos: usize, n: usize) -> usize {
    let ceil = (pos + PAIR_REACH).min(hay.len());
    let mut seen = 0;
    for (i, &b) in hay[pos..ceil].iter().enumerate() {
        if b == b'\n' {
            if seen == n {
                return pos + i;
            }
            seen += 1;
        }
    }
    ceil
}

/// Looks for the second part of a multi-part credential near the first.
fn find_pair(
    rule: &Rule,
    scratch: &mut Scratch,
    hay: &[u8],
    first: &Range<usize>,
    first_secret: &Range<usize>,
) -> Option<Range<usize>> {
    let pair = rule.pair.as_ref()?;
    let re = pair.regex.get().ok()?;
    let (cache, caps) = scratch.get_or_insert_with(|| (re.re.create_cache(), re.re.create_captures()));
    let from = lines_back(hay, first.start, pair.within_lines);
    let to = lines_forward(hay, first.end, pair.within_lines);
    let mut best: Option<Range<usize>> = None;
    let mut at = from;
    while at < to {
        re.re.search_captures_with(cache, &Input::new(hay).range(at..to), caps);
        let Some(m) = caps.get_match() else { break };
        let s = caps.get_group(re.secret_group).map_or(m.range(), |g| g.range());
        at = s.end.max(m.start() + 1);
        let overlaps_first = s.start < first_secret.end && first_secret.start < s.end;
        if overlaps_first || filters::is_placeholder(&hay[s.clone()]) {
            continue;
        }
        let dist = |r: &Range<usize>| r.start.abs_diff(first_secret.start);
        if best.as_ref().is_none_or(|b| dist(&s) < dist(b)) {
            best = Some(s);
        }
    }
    best
}

/// Keeps one match per secret: provider over generic, then the more confident (the generic
/// detector's low-confidence guess must not hide the password judge's medium verdict on the
/// same value), paired over single, longer over shorter.
fn resolve_overlaps(mut found: Vec<RawMatch>, rules: &[Rule]) -> Vec<RawMatch> {
    if found.len() < 2 {
        return found;
    }
    found.sort_by_key(|m| {
        (
            rules[m.rule].generic,
            std::cmp::Reverse(m.confidence),
            m.pair.is_none(),
            usize::MAX - (m.secret.end - m.secret.start),
            m.rule,
            m.secret.start,
        )
    });
    let mut claimed: BTreeMap<usize, usize> = BTreeMap::new();
    let overlaps = |claimed: &BTreeMap<usize, usize>, r: &Range<usize>| {
        claimed.range(..r.end).next_back().is_some_and(|(_, &e)| e > r.start)
    };
    let mut kept = Vec::with_capacity(found.len());
    for m in found {
        if overlaps(&claimed, &m.secret) || m.pair.as_ref().is_some_and(|p| overlaps(&claimed, p)) {
            continue;
        }
        claimed.insert(m.secret.start, m.secret.end);
        if let Some(p) = &m.pair {
            claimed.insert(p.start, p.end);
        }
        kept.push(m);
    }
    kept.sort_by_key(|m| (m.secret.start, m.rule));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_merge() {
        let mut w = vec![(10, 20), (0, 5), (15, 30), (40, 50), (5, 6)];
        merge(&mut w);
        assert_eq!(w, vec![(0, 6), (10, 30), (40, 50)]);
    }

    #[test]
    fn pair_reach_is_line_bounded() {
        let hay = b"a\nb\nc\nd\ne";
        assert_eq!(lines_back(hay, 6, 1), 4);
        assert_eq!(lines_forward(hay, 2, 1), 5);
    }
}

#[cfg(test)]
mod laziness_tests {
    use super::*;
    use crate::rules::load::{build, builtin_sources};

    /// Versions at two paths are matched by parts against each other only when the rules
    /// see both as the same kind of file.
    #[test]
    fn paths_are_alike_when_the_rules_treat_them_alike() {
        let det = Detector::new(build(builtin_sources().unwrap(), &[]).unwrap()).unwrap();
        assert!(det.treats_alike("src/a.rs", "src/a.rs"));
        assert!(det.treats_alike("src/a.rs", "lib/b.rs"));
        assert!(det.treats_alike("config/settings.txt", "config/renamed.txt"));
        assert!(!det.treats_alike("README.md", "main.rs"));
        assert!(!det.treats_alike("locales/de.po", "notes.yaml"));
        assert!(!det.treats_alike("app.py", "app.yaml"));
    }

    /// A rule whose keywords never occur is never compiled; the one that fires is.
    #[test]
    fn regexes_compile_only_when_their_keywords_occur() {
        let det = Detector::new(build(builtin_sources().unwrap(), &[]).unwrap()).unwrap();
        let mut m = det.matcher();
        let key = format!("ghp_{}", "q8Zr1LmX0vT4kP9sWb2NcY7uH3jD5fG6aE1z");
        let found = m.scan(format!("token: {key}\n").as_bytes());
        assert_eq!(found.len(), 1);
        let compiled: Vec<&str> = det
            .rules()
            .rules()
            .iter()
            .filter(|r| r.regex.as_ref().is_some_and(LazyRegex::is_compiled))
            .map(|r| r.id.as_str())
            .collect();
        assert!(compiled.contains(&"github-pat-classic"), "{compiled:?}");
        assert!(!compiled.contains(&"private-key-rsa"), "{compiled:?}");
        assert!(compiled.len() < 10, "only rules with a keyword hit compile: {compiled:?}");
    }

    /// `sk-ant-` keys are found although `sk-` style keywords of other rules overlap them.
    #[test]
    fn overlapping_keywords_all_fire() {
        let det = Detector::new(build(builtin_sources().unwrap(), &[]).unwrap()).unwrap();
        let mut m = det.matcher();
        let body: String = "Aq3Zr1LmX0vT4kP9sWb2NcY7uH3jD5fG6aE1zQw8".repeat(3);
        let key = format!("sk-ant-api03-{}AA", &body[..93]);
        let found = m.scan(format!("ANTHROPIC_API_KEY={key}\n").as_bytes());
        let ids: Vec<&str> = found.iter().map(|f| det.rules().get(f.rule).id.as_str()).collect();
        assert_eq!(ids, vec!["anthropic-api-key"]);
    }
}
