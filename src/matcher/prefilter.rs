//! Keyword prefilter: one pass over a blob finds every rule's keywords.
//!
//! It runs once per blob and yields, for each rule that can match, the windows around its
//! keyword hits. The search is overlapping (`sk-` and `sk-ant-` both fire on `sk-ant-…`), and
//! ASCII case-insensitive, so `API_KEY` and `apiKey` both hit the keyword `key`. Keywords of
//! four bytes or more go through the [`GramSearcher`] (why: see its module); the few
//! shorter ones through a small Aho-Corasick automaton.

use aho_corasick::{AhoCorasick, MatchKind};

use super::grams::GramSearcher;
use crate::rules::RuleSet;

/// The compiled keyword searchers and the map from keyword to rules.
#[derive(Debug)]
pub struct Prefilter {
    /// Keywords of four bytes or more; ids index `rules_of`.
    long: Option<GramSearcher>,
    /// Shorter keywords; pattern `i` is keyword `short_ids[i]`.
    short: Option<AhoCorasick>,
    short_ids: Vec<u32>,
    /// For each keyword, the rules that use it.
    rules_of: Vec<Vec<u32>>,
    /// Rules without keywords: they run on the whole blob.
    always: Vec<u32>,
}

impl Prefilter {
    /// Builds the keyword searchers for a rule set.
    pub fn new(rules: &RuleSet) -> Result<Self, String> {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (idx, rule) in rules.rules().iter().enumerate() {
            // a credential-file rule without a regex or an assignment test runs by file kind
            if rule.regex.is_none() && rule.assign.is_none() {
                continue;
            }
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
        let (short_ids, short_kws): (Vec<u32>, Vec<&str>) = keywords
            .iter()
            .enumerate()
            .filter(|(_, k)| k.len() < GramSearcher::MIN_LEN)
            .map(|(i, k)| (i as u32, k.as_str()))
            .unzip();
        let ids: Vec<(u32, &[u8])> = keywords.iter().enumerate().map(|(i, k)| (i as u32, k.as_bytes())).collect();
        let long = Some(GramSearcher::new(&ids)).filter(|t| !t.is_empty());
        let short = if short_kws.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&short_kws)
                    .map_err(|e| format!("cannot build keyword automaton: {e}"))?,
            )
        };
        Ok(Prefilter { long, short, short_ids, rules_of, always })
    }

    /// Calls `hit(rule, window_start, window_end)` for each keyword occurrence of each rule.
    ///
    /// `window_of(rule)` gives how far before and after the keyword a match may reach. Rules without
    /// keywords get one window over the whole blob.
    pub fn for_each_window(
        &self,
        hay: &[u8],
        window_of: impl Fn(u32) -> (usize, usize),
        mut hit: impl FnMut(u32, usize, usize),
    ) {
        for &r in &self.always {
            hit(r, 0, hay.len());
        }
        let mut keyword = |k: u32, s: usize, e: usize| {
            for &r in &self.rules_of[k as usize] {
                let (before, after) = window_of(r);
                hit(r, s.saturating_sub(before), e.saturating_add(after).min(hay.len()));
            }
        };
        if let Some(long) = &self.long {
            long.for_each_match(hay, &mut keyword);
        }
        if let Some(short) = &self.short {
            for m in short.find_overlapping_iter(hay) {
                keyword(self.short_ids[m.pattern().as_usize()], m.start(), m.end());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::{build, builtin_sources};

    /// Every keyword of every built-in rule, in any ASCII case and wherever it sits, opens a
    /// window for its rule (keywords of every length take one of the two searchers).
    #[test]
    fn every_builtin_keyword_triggers_its_rule() {
        let rules = build(builtin_sources().unwrap(), &[]).unwrap();
        let pf = Prefilter::new(&rules).unwrap();
        for (idx, rule) in rules.rules().iter().enumerate() {
            for kw in &rule.keywords {
                let upper = kw.to_ascii_uppercase();
                for (pad, text) in [("", kw.as_str()), ("x", upper.as_str()), ("ab\n", kw.as_str())] {
                    let hay = format!("{pad}{text}");
                    let mut hit = false;
                    pf.for_each_window(hay.as_bytes(), |_| (0, 0), |r, _, _| hit |= r == idx as u32);
                    assert!(hit, "rule {} keyword {kw:?} not found in {hay:?}", rule.id);
                }
            }
        }
    }
}
