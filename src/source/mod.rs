//! Sources turn inputs into blobs; they never see rules.
//!
//! A source reads bytes and hands each [`Blob`] to a [`BlobSink`], or tells the sink why it
//! skipped something ([`SkipReason`]): nothing read or skipped goes uncounted.

mod commits;
pub mod delta;
pub mod encrypted;
pub mod fs;
pub mod git_history;
pub mod image;
pub mod pack;
pub mod packed_history;
pub mod presence;
pub mod provenance;
pub mod pushed;
pub mod staged;
pub mod stdin;
pub mod versions;
pub mod window;

/// A map keyed by git object id (ids are hashes already: a fast hasher, keyed per process).
pub type OidMap<V> = std::collections::HashMap<git2::Oid, V, ahash::RandomState>;
/// A set of git object ids ([`OidMap`]).
pub type OidSet = std::collections::HashSet<git2::Oid, ahash::RandomState>;

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use serde::Serialize;

/// Where a blob came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file of a working tree; the path is relative to the scan root, `/`-separated.
    File {
        /// Display path.
        path: String,
    },
    /// Standard input.
    Stdin,
    /// A blob of git history, with the commit that introduced it at this path.
    Git {
        /// Path in the commit's tree.
        path: String,
        /// The commit that introduced the blob at this path.
        commit: Arc<CommitInfo>,
        /// Blob id (hex).
        blob: String,
    },
    /// A file staged in the index, or changed by a pushed commit (`--pre-receive`); only
    /// findings on added lines count.
    Staged {
        /// Path in the index or the commit's tree.
        path: String,
        /// Added or changed lines of the file (1-based, inclusive ranges).
        added: Arc<Vec<RangeInclusive<usize>>>,
        /// The pushed commit that changes the file (None: staged).
        commit: Option<Arc<CommitInfo>>,
    },
    /// A file in a layer of a container image (`IMAGE!<layer digest>!<path>`).
    Image {
        /// Display path.
        path: String,
        /// The layer.
        layer: Arc<image::LayerInfo>,
    },
}

impl Origin {
    /// The path shown in reports.
    pub fn path(&self) -> &str {
        match self {
            Origin::File { path }
            | Origin::Git { path, .. }
            | Origin::Staged { path, .. }
            | Origin::Image { path, .. } => path,
            Origin::Stdin => "-",
        }
    }

    /// The same origin for a member of the archive found here: the path gets `inner`
    /// (`!dir/f.env`) appended; a staged member counts as added whole.
    pub fn inner(&self, inner: &str) -> Origin {
        match self {
            Origin::File { path } => Origin::File { path: format!("{path}{inner}") },
            Origin::Stdin => Origin::File { path: format!("-{inner}") },
            Origin::Git { path, commit, blob } => {
                Origin::Git { path: format!("{path}{inner}"), commit: commit.clone(), blob: blob.clone() }
            }
            Origin::Staged { path, commit, .. } => Origin::Staged {
                path: format!("{path}{inner}"),
                added: Arc::new(vec![1..=usize::MAX]),
                commit: commit.clone(),
            },
            Origin::Image { path, layer } => Origin::Image { path: format!("{path}{inner}"), layer: layer.clone() },
        }
    }

    /// The image layer of an image origin.
    pub fn layer(&self) -> Option<&Arc<image::LayerInfo>> {
        match self {
            Origin::Image { layer, .. } => Some(layer),
            _ => None,
        }
    }

    /// The commit of a history origin.
    pub fn commit(&self) -> Option<&Arc<CommitInfo>> {
        match self {
            Origin::Git { commit, .. } => Some(commit),
            Origin::Staged { commit, .. } => commit.as_ref(),
            _ => None,
        }
    }
}

/// What reports say about a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339 in the author's time zone.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

impl CommitInfo {
    /// What reports say about a git commit (author name, email and date, first line).
    pub fn from_commit(c: &git2::Commit<'_>) -> Self {
        let a = c.author();
        CommitInfo {
            id: c.id().to_string(),
            author: String::from_utf8_lossy(a.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(a.email_bytes()).into_owned(),
            date: git_history::rfc3339(a.when().seconds(), a.when().offset_minutes()),
            summary: c.summary_bytes().map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default(),
        }
    }
}

/// Bytes to scan, with their origin.
#[derive(Debug)]
pub struct Blob<'a> {
    /// Content.
    pub bytes: &'a [u8],
    /// Origin.
    pub origin: Origin,
    /// Further places the same bytes occur (a git blob under several paths or commits).
    pub also: &'a [Origin],
    /// These bytes were scanned and counted before (for other places): report findings for
    /// these places only, and do not count the bytes again.
    pub repeat: bool,
    /// A window of a larger file ([`window`]): report only the matches it owns, at their
    /// place in the file. None: the bytes are the whole blob.
    pub window: Option<&'a window::Window>,
}

/// Why something was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// Could not be opened or read (permissions, vanished, I/O error).
    Unreadable,
    /// A symbolic link (not followed without `--follow`).
    Symlink,
    /// A FIFO, socket or device file (never opened: it could block).
    SpecialFile,
    /// The walk itself failed on an entry (unreadable directory, loop, bad ignore file).
    WalkError,
    /// A git submodule entry (the submodule's own repository is not scanned).
    Submodule,
    /// A git object that is missing or corrupt.
    GitObjectError,
    /// Encoded text left undecoded: the blob's budget of decoded bytes was spent (the blob
    /// itself was scanned as written).
    DecodeLimit,
    /// An archive member not read: nested too deep, or the archive expands past its bounds
    /// (total bytes, ratio, member count).
    ArchiveLimit,
    /// An archive (or a member) that is truncated, corrupt or in an unsupported format.
    ArchiveError,
    /// Encrypted content: an encrypted zip member, an Ansible Vault, age, SOPS or OpenPGP
    /// file (see [`encrypted`]).
    Encrypted,
}

impl SkipReason {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too_large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Symlink => "symlink",
            SkipReason::SpecialFile => "special_file",
            SkipReason::WalkError => "walk_error",
            SkipReason::Submodule => "submodule",
            SkipReason::GitObjectError => "git_object_error",
            SkipReason::DecodeLimit => "decode_limit",
            SkipReason::ArchiveLimit => "archive_limit",
            SkipReason::ArchiveError => "archive_error",
            SkipReason::Encrypted => "encrypted",
        }
    }

    /// Whether a skip of this kind deserves a warning on stderr (something went wrong, as
    /// opposed to a file that is skipped by design).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable
                | SkipReason::WalkError
                | SkipReason::GitObjectError
                | SkipReason::ArchiveLimit
                | SkipReason::ArchiveError
                | SkipReason::DecodeLimit
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`BlobSink::version`] did.
#[derive(Debug)]
pub enum Versioned {
    /// Scanned whole: whether anything matched, and the findings before policy when recorded.
    Scanned {
        /// Anything matched (reported or suppressed).
        matched: bool,
        /// Every finding before policy (None: not recorded).
        findings: Option<Vec<crate::finding::Finding>>,
    },
    /// Matched by parts: what the plan's windows found (before policy).
    Parts(Vec<crate::finding::Finding>),
    /// The plan cannot stand (a match in a window reaches past what it can see): nothing
    /// was reported; scan the blob whole.
    Retry,
}

/// Receives blobs and skips from a source (one sink per worker thread).
pub trait BlobSink {
    /// A blob to scan; returns whether anything matched in it (reported or suppressed).
    fn blob(&mut self, blob: Blob<'_>) -> bool;
    /// Something not scanned, why, and details for the warning.
    fn skipped(&mut self, path: &str, reason: SkipReason, bytes: u64, detail: &str);
    /// How far around a change the rules must see to match a version of a file as they would
    /// the whole blob ([`delta`]); none (the default): never match by parts.
    fn reach(&self) -> delta::Reach {
        delta::Reach::default()
    }
    /// Whether text at path `a` is matched exactly as at path `b` (so a version at one may
    /// be matched by parts against a version at the other); by default only the same path.
    fn alike(&self, a: &str, b: &str) -> bool {
        a == b
    }
    /// A blob of history read as a version of its path ([`delta`]). Without a plan: scans
    /// the whole blob like [`BlobSink::blob`] and returns its findings before policy, for its
    /// next version (sinks that keep no record return none, so no plan is ever made for
    /// them). With a plan: matches its windows only and returns what they found, neither
    /// judged nor counted: [`BlobSink::settle`] does that once the base's findings are known.
    fn version(&mut self, blob: Blob<'_>, plan: Option<&delta::Plan>) -> Versioned {
        let _ = plan;
        Versioned::Scanned { matched: self.blob(blob), findings: None }
    }
    /// Judges and counts a version matched by parts, with every finding (its windows' and
    /// those carried from its base); returns whether there are any.
    fn settle(&mut self, version: &delta::Partial, found: Vec<crate::finding::Finding>) -> bool {
        let _ = (version, found);
        false
    }
    /// An archive (zip, tar, compressed stream): by default not opened and counted as binary;
    /// the scan's sink opens it and hands its members to [`BlobSink::blob`].
    fn archive(&mut self, blob: Blob<'_>) -> bool {
        self.skipped(blob.origin.path(), SkipReason::Binary, blob.bytes.len() as u64, "");
        false
    }
}

/// How many leading bytes are checked for NUL to decide a file is binary.
pub const BINARY_PROBE: usize = 8 * 1024;

/// A run of NULs at least this long at the start of a file is a hole, not a binary header.
pub const NUL_HOLE: usize = 1024;

/// True when the first [`BINARY_PROBE`] bytes hold a NUL, not counting NUL padding: a run of
/// NULs at the very end (preallocated or crash-padded files), or one of at least [`NUL_HOLE`]
/// bytes at the very start (a log truncated under a writer that keeps its offset,
/// `copytruncate`); their text is scanned. Short leading NUL runs are binary headers, and a
/// file of nothing but NULs is binary.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let Some(mut first) = bytes.iter().position(|&b| b != 0) else {
        return !bytes.is_empty();
    };
    if first < NUL_HOLE {
        first = 0;
    }
    let last = bytes.iter().rposition(|&b| b != 0).unwrap_or(first);
    let body = &bytes[first..=last];
    memchr::memchr(0, &body[..body.len().min(BINARY_PROBE)]).is_some()
}

/// What a source does with bytes it has read: scan them (decoded if need be) or count a skip.
#[derive(Debug)]
pub enum Content<'a> {
    /// Text to scan.
    Text(std::borrow::Cow<'a, [u8]>),
    /// An archive to open (see [`crate::archive`]).
    Archive(&'a [u8]),
    /// Not scanned: why, and the size.
    Skip(SkipReason, u64),
}

/// The one decision every source makes on what it read: over `max` bytes is too large,
/// UTF-16 with a byte-order mark is decoded, an archive is opened by the sink, an encrypted
/// file ([`encrypted`]) is counted, a NUL in the first 8 KiB (NUL padding aside, see
/// [`looks_binary`]) is binary, the rest is text.
pub fn classify(bytes: &[u8], max: u64) -> Content<'_> {
    if bytes.len() as u64 > max {
        Content::Skip(SkipReason::TooLarge, bytes.len() as u64)
    } else if let Some(text) = decode_utf16(bytes) {
        Content::Text(text.into())
    } else if crate::archive::format_of(bytes).is_some() {
        Content::Archive(bytes)
    } else if encrypted::kind_of(bytes).is_some() {
        Content::Skip(SkipReason::Encrypted, bytes.len() as u64)
    } else if looks_binary(bytes) {
        Content::Skip(SkipReason::Binary, bytes.len() as u64)
    } else {
        Content::Text(bytes.into())
    }
}

/// Text encoded as UTF-16 with a byte-order mark (common for Windows `.ps1`, `.reg`, `.config`
/// files), or without one when the content says so ([`utf16_without_bom`]), decoded to UTF-8;
/// None for anything else. Such files hold NUL bytes and would
/// otherwise be skipped as binary. Lines and columns are those of the decoded text, as an
/// editor shows them.
pub fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let (body, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => (bytes, utf16_without_bom(bytes)?),
    };
    let units = body
        .chunks_exact(2)
        .map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
    let text: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    Some(text.into_bytes())
}

/// Whether BOM-less bytes are UTF-16 text, and which byte order (true: little-endian): in
/// the first 256 code units, at least 95 % are ASCII text with the zero byte on the same side.
/// Binary formats with NULs do not look like that; text in other scripts is left alone.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let probe = &bytes[..bytes.len().min(512) & !1];
    let units = probe.len() / 2;
    if units < 8 {
        return None;
    }
    let text = |b: u8| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t');
    let le = probe.chunks_exact(2).filter(|c| c[1] == 0 && text(c[0])).count();
    let be = probe.chunks_exact(2).filter(|c| c[0] == 0 && text(c[1])).count();
    if le * 100 >= units * 95 {
        Some(true)
    } else if be * 100 >= units * 95 {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_decoded() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("a=1\nb".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode_utf16(&le).unwrap(), b"a=1\nb");
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("x".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode_utf16(&be).unwrap(), b"x");
        assert!(decode_utf16(b"plain").is_none());
        // without a byte-order mark, when the content says so
        let text = "[Settings]\r\nPassword=abc\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_utf16(&le).unwrap(), text.as_bytes());
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_utf16(&be).unwrap(), text.as_bytes());
        assert!(decode_utf16(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0").is_none());
        assert!(decode_utf16(&[0u8; 64]).is_none());
    }

    #[test]
    fn nul_padding_is_text_and_nul_inside_is_binary() {
        assert!(!looks_binary(b""));
        assert!(!looks_binary(b"key = 1\n\0\0\0\0"));
        let holed = [vec![0; NUL_HOLE], b"key = 1\n".to_vec(), vec![0; 10]].concat();
        assert!(!looks_binary(&holed));
        assert!(looks_binary(&holed[1..]), "a short leading NUL run is a binary header");
        assert!(looks_binary(b"\0\x01\x02key = 1"));
        assert!(looks_binary(b"\0\0\0"));
        assert!(looks_binary(b"\x7fELF\0\x01key = 1"));
        assert!(looks_binary(b"\0\0\x01\0text"));
        // a NUL past the probe is not looked at
        let mut late = vec![b'a'; BINARY_PROBE + 10];
        late[BINARY_PROBE + 5] = 0;
        assert!(!looks_binary(&late));
    }
}
