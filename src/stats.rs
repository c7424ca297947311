//! Scan statistics: every file and byte scanned, every skip by reason, every finding.
//!
//! Each worker keeps its own [`ScanStats`] and they are [merged](ScanStats::merge) at the end,
//! so counting costs no synchronisation.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::Severity;
use crate::source::SkipReason;

/// Files and bytes skipped for one reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SkipCount {
    /// Number of files.
    pub files: u64,
    /// Their size in bytes, where known.
    pub bytes: u64,
}

/// What a scan covered.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct ScanStats {
    /// Blobs (files, stdin) scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Files not scanned, by reason.
    pub skipped: BTreeMap<SkipReason, SkipCount>,
    /// Unsuppressed findings.
    pub findings: u64,
    /// Suppressed findings, by reason.
    pub suppressed: BTreeMap<String, u64>,
    /// Archives opened (their members are counted as files).
    pub archives: u64,
    /// Encoded spans decoded to text and scanned (base64, hex, …; nested ones too).
    pub decoded_spans: u64,
    /// Bytes of text they decoded to.
    pub decoded_bytes: u64,
    /// History: new versions of files matched only where they changed since the version
    /// before ([`crate::source::delta`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub versions_incremental: u64,
    /// History: bytes of those versions not matched again, unchanged since the version
    /// before (`bytes_scanned` counts them: their findings were carried over).
    #[serde(skip_serializing_if = "is_zero")]
    pub bytes_unchanged: u64,
    /// Commits walked (history scans).
    #[serde(skip_serializing_if = "is_zero")]
    pub commits: u64,
    /// The repository is a shallow clone: older history is missing (history scans).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shallow: bool,
    /// Rules in the rule set.
    pub rules: usize,
    /// Wall time of the scan in milliseconds.
    pub duration_ms: u64,
    /// What `--verify` did, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::verify::Summary>,
    /// Findings that were streamed (JSONL) and therefore not kept in the outcome: counts by
    /// severity and the number of files they are in, for the summary line. Not serialized.
    #[serde(skip)]
    pub streamed: StreamedTally,
}

/// What the summary needs to know about findings that were streamed and not kept in memory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StreamedTally {
    /// Streamed findings by severity.
    pub by_severity: BTreeMap<Severity, u64>,
    /// Blobs with at least one streamed finding (each blob is scanned by one worker, once).
    pub files: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl ScanStats {
    /// Adds another worker's counts.
    pub fn merge(&mut self, o: &ScanStats) {
        self.files_scanned += o.files_scanned;
        self.bytes_scanned += o.bytes_scanned;
        for (k, v) in &o.skipped {
            let e = self.skipped.entry(*k).or_default();
            e.files += v.files;
            e.bytes += v.bytes;
        }
        self.findings += o.findings;
        self.archives += o.archives;
        self.decoded_spans += o.decoded_spans;
        self.decoded_bytes += o.decoded_bytes;
        self.versions_incremental += o.versions_incremental;
        self.bytes_unchanged += o.bytes_unchanged;
        self.commits += o.commits;
        self.shallow |= o.shallow;
        for (k, v) in &o.suppressed {
            *self.suppressed.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.streamed.by_severity {
            *self.streamed.by_severity.entry(*k).or_default() += v;
        }
        self.streamed.files += o.streamed.files;
    }

    /// Counts a skipped file.
    pub fn skip(&mut self, reason: SkipReason, bytes: u64) {
        let e = self.skipped.entry(reason).or_default();
        e.files += 1;
        e.bytes += bytes;
    }

    /// Total files skipped.
    pub fn skipped_files(&self) -> u64 {
        self.skipped.values().map(|c| c.files).sum()
    }

    /// Files that could not be read or walked (errors, as opposed to skips by design).
    pub fn error_files(&self) -> u64 {
        self.skipped.iter().filter(|(k, _)| k.is_error()).map(|(_, c)| c.files).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_everything() {
        let mut a = ScanStats { files_scanned: 1, bytes_scanned: 10, ..Default::default() };
        a.skip(SkipReason::Binary, 5);
        let mut b =
            ScanStats { files_scanned: 2, bytes_scanned: 20, findings: 3, decoded_spans: 4, ..Default::default() };
        b.skip(SkipReason::Binary, 7);
        b.skip(SkipReason::Unreadable, 0);
        a.merge(&b);
        assert_eq!((a.files_scanned, a.bytes_scanned, a.findings, a.decoded_spans), (3, 30, 3, 4));
        assert_eq!(a.skipped[&SkipReason::Binary], SkipCount { files: 2, bytes: 12 });
        assert_eq!(a.skipped_files(), 3);
        assert_eq!(a.error_files(), 1);
    }
}
