//! Keyword prefilter: one Aho-Corasick automaton over every rule's keywords.
//!
//! It runs once per blob and yields, for each rule that can match, the windows around its
//! keyword hits. The search is overlapping (`sk-` and `sk-ant-` both fire on `sk-ant-…`), and
//! ASCII case-insensitive, so `API_KEY` and `apiKey` both hit the keyword `key`.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::rules::{RuleSet, WINDOW_BEFORE};

/// The compiled keyword automaton and the map from keyword to rules.
#[derive(Debug)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// For each automaton pattern, the rules that use that keyword.
    rules_of: Vec<Vec<u32>>,
    /// Rules without keywords: they run on the whole blob.
    always: Vec<u32>,
}

impl Prefilter {
    /// Builds the automaton for a rule set.
    pub fn new(rules: &RuleSet) -> Result<Self, String> {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (idx, rule) in rules.rules().iter().enumerate() {
            if rule.keywords.is_empty() {
                always.push(idx as u32);
            }
            for kw in &rule.keywords {
                let kw = kw.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == kw) {
                    Some(p) => {
                        if !rules_of[p].contains(&(idx as u32)) {
                            rules_of[p].push(idx as u32)
                        }
                    }
                    None => {
                        keywords.push(kw);
                        rules_of.push(vec![idx as u32]);
                    }
                }
            }
        }
        let ac = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&keywords)
                    .map_err(|e| format!("cannot build keyword automaton: {e}"))?,
            )
        };
        Ok(Prefilter { ac, rules_of, always })
    }

    /// Calls `hit(rule, window_start, window_end)` for each keyword occurrence of each rule.
    ///
    /// `window_of(rule)` gives how far after the keyword a match may reach. Rules without
    /// keywords get one window over the whole blob.
    pub fn for_each_window(
        &self,
        hay: &[u8],
        window_of: impl Fn(u32) -> usize,
        mut hit: impl FnMut(u32, usize, usize),
    ) {
        for &r in &self.always {
            hit(r, 0, hay.len());
        }
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(hay) {
            let start = m.start().saturating_sub(WINDOW_BEFORE);
            for &r in &self.rules_of[m.pattern().as_usize()] {
                let end = m.end().saturating_add(window_of(r)).min(hay.len());
                hit(r, start, end);
            }
        }
    }
}
