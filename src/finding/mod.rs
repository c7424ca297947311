//! Findings: a raw match plus where it is, what it is and how to refer to it.
//!
//! Line and column mapping, snippets, redaction and fingerprints all happen here, once per
//! match, outside the matcher's hot loop.

pub mod fingerprint;
pub mod lines;
pub mod secret;

use std::ops::Range;

use serde::Serialize;

use std::sync::Arc;

use crate::matcher::RawMatch;
use crate::rules::{Confidence, Rule, Severity};
use crate::source::{CommitInfo, Origin};
pub use fingerprint::Fingerprint;
use lines::LineIndex;
pub use secret::Secret;

/// Where a span is: 1-based lines and columns; `end_column` is the column just after the last
/// character (exclusive, as SARIF's `endColumn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// First line.
    pub line: usize,
    /// First column (code points).
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character (exclusive).
    pub end_column: usize,
}

/// A second part of a multi-part credential.
#[derive(Debug, Clone)]
pub struct Part {
    /// Name of the part.
    pub name: String,
    /// Its value.
    pub secret: Secret,
    /// Where it is.
    pub location: Location,
}

/// A credential found in a blob.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the scan's rule set.
    pub rule_index: usize,
    /// Rule id.
    pub rule_id: String,
    /// Rule name.
    pub rule_name: String,
    /// Provider.
    pub provider: String,
    /// Severity.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Path relative to the scan root, `/`-separated (`-` for stdin).
    pub path: String,
    /// Location of the whole credential (all parts).
    pub location: Location,
    /// Location of the first part's secret alone.
    pub secret_location: Location,
    /// The secret (first part).
    pub secret: Secret,
    /// Further parts.
    pub parts: Vec<Part>,
    /// The line of the secret, with every secret on it redacted.
    pub snippet: String,
    /// Shannon entropy of the secret.
    pub entropy: f64,
    /// Stable fingerprint.
    pub fingerprint: Fingerprint,
    /// The allow marker (`keyhound:allow`, or gitleaks' `gitleaks:allow`) on one of the
    /// finding's lines, if any.
    pub inline_allow: Option<&'static str>,
    /// For history scans: the commit that introduced the blob at this path.
    pub commit: Option<Arc<CommitInfo>>,
    /// For history scans: the blob id.
    pub blob: Option<String>,
    /// For history scans: whether the same secret (fingerprint) is still in HEAD's tree.
    pub present_at_head: Option<bool>,
    /// For Jupyter notebooks (`.ipynb`): the 1-based cell the finding is in.
    pub cell: Option<usize>,
    /// For image scans: the layer the file is in.
    pub layer: Option<Arc<crate::source::image::LayerInfo>>,
    /// The decoders that led to the secret, outermost first (empty: it is in the text as
    /// written). The location is then that of the encoded span.
    pub decoded: Vec<&'static str>,
    /// What the provider said about the secret (`--verify`), if it was checked.
    pub verification: Option<Arc<crate::verify::Verification>>,
    /// In a many-repository scan: the repository (its URL without credentials).
    pub repository: Option<Arc<str>>,
}

impl Finding {
    /// The same finding at another place where the same bytes occur.
    pub fn at(&self, origin: &Origin) -> Finding {
        let mut f = self.clone();
        f.path = origin.path().to_string();
        f.commit = origin.commit().cloned();
        f.layer = origin.layer().cloned();
        f
    }

    /// Moves a finding located in a window of a larger file to its place in the file.
    pub fn shift(&mut self, w: &crate::source::window::Window) {
        let shift = |l: &mut Location| {
            if l.line == 1 {
                l.column += w.column_before;
            }
            if l.end_line == 1 {
                l.end_column += w.column_before;
            }
            l.line += w.lines_before;
            l.end_line += w.lines_before;
        };
        shift(&mut self.location);
        shift(&mut self.secret_location);
        for p in &mut self.parts {
            shift(&mut p.location);
        }
        if let Some(c) = &mut self.cell {
            *c += w.cells_before;
        }
    }
}

/// Longest snippet kept, in characters around the secret.
const SNIPPET_CONTEXT: usize = 60;

/// Turns a blob's raw matches into findings (`matches` sorted by position).
pub fn build(hay: &[u8], origin: &Origin, matches: &[RawMatch], rules: &[Rule]) -> Vec<Finding> {
    if matches.is_empty() {
        return Vec::new();
    }
    let idx = LineIndex::new();
    let mut secret_spans: Vec<Range<usize>> = Vec::new();
    for m in matches {
        secret_spans.push(m.secret.clone());
        secret_spans.extend(m.pair.clone());
    }
    secret_spans.sort_by_key(|r| r.start);
    let loc = |r: &Range<usize>| {
        let a = idx.locate(hay, r.start);
        let b = idx.locate_end(hay, r.end);
        Location { line: a.line, column: a.column, end_line: b.line, end_column: b.column + 1 }
    };
    matches
        .iter()
        .map(|m| {
            let rule = &rules[m.rule];
            let secret = Secret::new(&hay[m.secret.clone()]);
            let secret_location = loc(&m.secret);
            let parts: Vec<Part> = m
                .pair
                .iter()
                .map(|p| Part {
                    name: rule.pair.as_ref().map_or_else(String::new, |x| x.name.clone()),
                    secret: Secret::new(&hay[p.clone()]),
                    location: loc(p),
                })
                .collect();
            let whole = match &m.pair {
                Some(p) => m.secret.start.min(p.start)..m.secret.end.max(p.end),
                None => m.secret.clone(),
            };
            let fingerprint = Fingerprint::new(&rule.id, secret.expose(), parts.first().map(|p| p.secret.expose()));
            Finding {
                rule_index: m.rule,
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                provider: rule.provider.clone(),
                severity: rule.severity,
                confidence: m.confidence,
                path: origin.path().to_string(),
                location: loc(&whole),
                secret_location,
                snippet: snippet(hay, &idx, &m.secret, &secret_spans),
                secret,
                parts,
                entropy: (m.entropy * 1000.0).round() / 1000.0,
                fingerprint,
                inline_allow: has_inline_allow(hay, &idx, &whole),
                commit: origin.commit().cloned(),
                blob: match origin {
                    Origin::Git { blob, .. } => Some(blob.clone()),
                    _ => None,
                },
                present_at_head: None,
                layer: origin.layer().cloned(),
                cell: notebook_cell(origin.path(), hay, m.secret.start),
                decoded: Vec::new(),
                verification: None,
                repository: None,
            }
        })
        .collect()
}

/// Findings in a decoded layer, placed at the encoded span of the original blob: their
/// location (every part's too) is the span's, their snippet the original line with the span
/// redacted, and `decoded` the chain. The secret and fingerprint are the decoded secret's, so
/// a key found both as written and encoded is one secret.
pub fn relocate(found: &mut [Finding], hay: &[u8], span: &Range<usize>, chain: &[&'static str]) {
    if found.is_empty() {
        return;
    }
    let idx = LineIndex::new();
    let a = idx.locate(hay, span.start);
    let b = idx.locate_end(hay, span.end);
    let at = Location { line: a.line, column: a.column, end_line: b.line, end_column: b.column + 1 };
    let snip = snippet(hay, &idx, span, std::slice::from_ref(span));
    let allow = has_inline_allow(hay, &idx, span);
    for f in found {
        f.location = at;
        f.secret_location = at;
        for p in &mut f.parts {
            p.location = at;
        }
        f.snippet = snip.clone();
        f.cell = notebook_cell(&f.path, hay, span.start);
        f.inline_allow = f.inline_allow.or(allow);
        f.decoded = chain.to_vec();
    }
}

/// The 1-based cell of a Jupyter notebook that byte `at` is in: nbformat writes each cell's
/// keys sorted, `"cell_type"` first, so the cells opened before `at` are counted.
fn notebook_cell(path: &str, hay: &[u8], at: usize) -> Option<usize> {
    if !path.to_ascii_lowercase().ends_with(".ipynb") {
        return None;
    }
    let n = memchr::memmem::find_iter(&hay[..at.min(hay.len())], b"\"cell_type\"").count();
    (n > 0).then_some(n)
}

/// The allow marker (`keyhound:allow`, then `gitleaks:allow`) on a line the span touches.
fn has_inline_allow(hay: &[u8], idx: &LineIndex, span: &Range<usize>) -> Option<&'static str> {
    let from = idx.line_range(hay, span.start).start;
    let to = idx.line_range(hay, span.end.saturating_sub(1).max(span.start)).end;
    [crate::policy::INLINE_ALLOW, crate::policy::GITLEAKS_ALLOW]
        .into_iter()
        .find(|m| memchr::memmem::find(&hay[from..to], m.as_bytes()).is_some())
}

/// The line holding `secret`, cut to a window around it, with every secret span redacted.
fn snippet(hay: &[u8], idx: &LineIndex, secret: &Range<usize>, spans: &[Range<usize>]) -> String {
    let line = idx.line_range(hay, secret.start);
    let from = back_chars(hay, line.start, secret.start, SNIPPET_CONTEXT);
    let sec_end_on_line = secret.end.min(line.end);
    let to = forward_chars(hay, sec_end_on_line, line.end, SNIPPET_CONTEXT);
    let hidden = hidden_spans(hay, line.clone(), from..to, secret, spans);
    let mut out = String::new();
    if from > line.start {
        out.push('…');
    }
    let mut at = from;
    for s in hidden.iter().filter(|s| s.start < to && s.end > from) {
        let s_start = s.start.max(at);
        if s_start > at {
            out.push_str(&String::from_utf8_lossy(&hay[at..s_start]));
        }
        if s.start >= from {
            out.push_str(&secret::redact(&hay[s.clone()]));
        } else if !out.ends_with('…') {
            out.push('…');
        }
        at = s.end.min(to).max(at);
    }
    if at < to {
        out.push_str(&String::from_utf8_lossy(&hay[at..to]));
    }
    // a redacted secret already ends in `…` where a minified line is cut right after it
    if to < line.end && !out.ends_with('…') {
        out.push('…');
    }
    out.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Most secrets of one line whose other occurrences are looked for in a snippet.
const MAX_SECRETS_PER_LINE: usize = 256;

/// What a snippet of `window` (within `line`) must redact: the secret spans, and every other
/// occurrence in the window of a secret value found on the line (`KEY=v; echo v` must not show
/// `v` raw where the matcher did not report it), merged into disjoint ranges sorted by start.
fn hidden_spans(
    hay: &[u8],
    line: Range<usize>,
    window: Range<usize>,
    secret: &Range<usize>,
    spans: &[Range<usize>],
) -> Vec<Range<usize>> {
    // `spans` are sorted by start: those starting on the line, and a few from earlier lines
    // that may reach into it (multi-line keys)
    let lo = spans.partition_point(|s| s.start < line.start);
    let hi = spans.partition_point(|s| s.start < line.end);
    let (before, on_line) = (&spans[lo.saturating_sub(8)..lo], &spans[lo..hi]);
    let near = |s: &&Range<usize>| s.start < window.end && s.end > window.start;
    let values: Vec<&Range<usize>> = if on_line.len() <= MAX_SECRETS_PER_LINE {
        on_line.iter().chain(std::iter::once(secret)).collect()
    } else {
        on_line.iter().filter(near).chain(std::iter::once(secret)).collect()
    };
    let mut out: Vec<Range<usize>> = before.iter().chain(on_line).filter(near).cloned().collect();
    for v in values {
        let needle = &hay[v.clone()];
        if needle.len() < 4 {
            continue;
        }
        // occurrences that overlap the window, wherever they start on the line
        let from = window.start.saturating_sub(needle.len() - 1).max(line.start);
        let to = (window.end + needle.len() - 1).min(line.end);
        if from >= to {
            continue;
        }
        out.extend(memchr::memmem::find_iter(&hay[from..to], needle).map(|i| from + i..from + i + needle.len()));
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

fn back_chars(hay: &[u8], floor: usize, mut pos: usize, n: usize) -> usize {
    let mut count = 0;
    while pos > floor && count < n {
        pos -= 1;
        if (hay[pos] & 0xC0) != 0x80 {
            count += 1;
        }
    }
    pos
}

fn forward_chars(hay: &[u8], mut pos: usize, ceil: usize, n: usize) -> usize {
    let mut count = 0;
    while pos < ceil && count < n {
        pos += 1;
        while pos < ceil && (hay[pos] & 0xC0) == 0x80 {
            pos += 1;
        }
        count += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_redacts_other_occurrences_of_a_secret() {
        let hay = b"KEY=zq8r1lmx0vt4kp9s; echo zq8r1lmx0vt4kp9s >> log # was zq8r1lmx0vt4";
        let idx = LineIndex::new();
        let found = 4..20;
        let s = snippet(hay, &idx, &found, std::slice::from_ref(&found));
        assert!(!s.contains("zq8r1lmx0vt4kp9s"), "{s}");
        assert_eq!(s, "KEY=zq8r…; echo zq8r… >> log # was zq8r1lmx0vt4");
    }

    #[test]
    fn snippet_redacts_every_secret_on_the_line() {
        let hay = b"x = \"AAAABBBBCCCCDDDD\"; y = \"EEEEFFFFGGGGHHHH\"\nnext";
        let idx = LineIndex::new();
        let spans = vec![5..21, 29..45];
        let s = snippet(hay, &idx, &(5..21), &spans);
        assert_eq!(s, "x = \"AAAA…\"; y = \"EEEE…\"");
    }

    #[test]
    fn long_lines_are_cut_around_the_secret() {
        let mut hay = vec![b'a'; 500];
        hay.extend_from_slice(b"SECRETSECRETSECRET");
        hay.extend(vec![b'b'; 500]);
        let idx = LineIndex::new();
        let spans = vec![Range { start: 500, end: 518 }];
        let s = snippet(&hay, &idx, &(500..518), &spans);
        assert_eq!(s, format!("…{}SECR…{}…", "a".repeat(60), "b".repeat(60)));
    }
}
