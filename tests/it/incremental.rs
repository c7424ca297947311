//! Incremental history scans (`source::delta`): matching only what changed since a file's
//! previous version must give exactly the findings of matching every version whole.
//!
//! Generated histories of large files (over the 64 KiB threshold) get edits at every kind of
//! place: inside a key, beside it, across it, a pair whose second half comes later, blocks
//! moved, lines deleted, a lone `\r` line break, renames; each history is scanned with and
//! without `--full-blobs` and the two reports must list the same findings.

use std::path::Path;

use crate::common::{ALNUM, Fake, XorShift, run_in};
use crate::git::git;

const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
    "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
];

/// A line that holds no secret: code, prose, config, each a few dozen to hundreds of bytes.
fn filler(rng: &mut XorShift, n: usize) -> String {
    let w = |rng: &mut XorShift| WORDS[rng.below(WORDS.len())];
    match rng.below(6) {
        0 => format!("    let {}_{n} = compute(\"{}\", {});", w(rng), w(rng), rng.below(1000)),
        1 => format!("# {} {} {} {} {} {} {} {}", w(rng), w(rng), w(rng), w(rng), w(rng), w(rng), w(rng), w(rng)),
        2 => format!("  \"{}_{n}\": \"{} {} {}\",", w(rng), w(rng), w(rng), w(rng)),
        3 => format!("{}.{} = {}", w(rng), w(rng), rng.below(1 << 20)),
        4 => format!("<item name=\"{}\">{} {}</item>", w(rng), w(rng), w(rng)),
        5 => format!("{} {}", w(rng).repeat(1 + rng.below(20)), w(rng)),
        // long lines put a pair's halves and a name and its value far apart in bytes
        _ => format!("// {}", (0..40 + rng.below(60)).map(|_| w(rng)).collect::<Vec<_>>().join(" ")),
    }
}

/// A line that holds a secret, of one of several kinds.
fn secret_line(fake: &mut Fake, rng: &mut XorShift) -> String {
    match rng.below(7) {
        5 => {
            use base64::Engine;
            let token = fake.github("ghp_");
            format!("auth_blob = \"{}\"", base64::engine::general_purpose::STANDARD.encode(format!("user:{token}")))
        }
        6 => format!("password:\n  {}", fake.chars(14, ALNUM)),
        0 => format!("OPENAI_API_KEY = \"{}\"", fake.openai_project()),
        1 => format!("    token: {}", fake.github("ghp_")),
        2 => format!("aws_access_key_id = AKIA{}", fake.chars(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        3 => format!("db_password = \"{}\"", fake.chars(18, ALNUM)),
        _ => format!(
            "slack = \"xoxb-{}-{}-{}\"",
            fake.chars(12, b"0123456789"),
            fake.chars(12, b"0123456789"),
            fake.chars(24, ALNUM)
        ),
    }
}

fn aws_secret(fake: &mut Fake) -> String {
    format!(
        "aws_secret_access_key = {}",
        fake.chars(40, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    )
}

fn write(dir: &Path, rel: &str, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(dir.join(rel), text).unwrap();
}

/// One edit to `lines`.
fn edit(lines: &mut Vec<String>, rng: &mut XorShift, fake: &mut Fake) {
    let at = rng.below(lines.len());
    let secrets: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].contains(['=', ':']) && is_secret(&lines[i])).collect();
    match rng.below(10) {
        0 => lines.insert(at, filler(rng, at)),
        1 if lines.len() > 1000 => {
            lines.remove(at);
        }
        2 => lines[at].push_str(" // edited"),
        // inside a key: a fresh one, or the same key with its middle changed
        3 | 4 if !secrets.is_empty() => {
            let s = secrets[rng.below(secrets.len())];
            if rng.below(2) == 0 {
                lines[s] = secret_line(fake, rng);
            } else {
                let mid = lines[s].len() - 6;
                let fresh: String = (0..3).map(|_| ALNUM[rng.below(ALNUM.len())] as char).collect();
                lines[s].replace_range(mid..mid + 3, &fresh);
            }
        }
        // beside a key
        5 if !secrets.is_empty() => {
            let s = secrets[rng.below(secrets.len())];
            let next = (s + 1).min(lines.len());
            lines.insert(next, filler(rng, s));
            if s > 0 {
                lines[s - 1].push_str(" ;");
            }
        }
        6 => lines.insert(at, secret_line(fake, rng)),
        // the second half of a pair comes later
        7 => {
            if let Some(id) = lines.iter().position(|l| l.starts_with("aws_access_key_id")) {
                lines.insert(id + 1 + rng.below(5), aws_secret(fake));
            }
        }
        // a block moved
        8 => {
            let len = 1 + rng.below(40);
            let from = at.min(lines.len() - len.min(lines.len()));
            let block: Vec<String> = lines.drain(from..from + len.min(lines.len() - from)).collect();
            let to = rng.below(lines.len() + 1);
            for (k, l) in block.into_iter().enumerate() {
                lines.insert(to + k, l);
            }
        }
        // a lone carriage return splits a line in two for line counting
        _ => lines[at].push_str("\rtrailer = 1"),
    }
}

fn is_secret(l: &str) -> bool {
    [
        "OPENAI_API_KEY",
        "token: ghp_",
        "aws_access_key_id",
        "aws_secret_access_key",
        "db_password",
        "slack =",
        "auth_blob",
        "password:",
    ]
    .iter()
    .any(|p| l.trim_start().starts_with(p))
}

/// Builds a history: two large files and a small one, `commits` commits of 1–3 edits each,
/// a rename half way, and a branch that edits the same file differently.
fn history(dir: &Path, seed: u64, commits: usize) {
    git(dir, &["init", "-q", "-b", "main"]);
    let mut rng = XorShift::new(seed);
    let mut fake = Fake::new(seed ^ 0xABCD);
    let mut big: Vec<String> = (0..5000)
        .map(|i| if rng.below(40) == 0 { secret_line(&mut fake, &mut rng) } else { filler(&mut rng, i) })
        .collect();
    let mut other: Vec<String> = (0..4000).map(|i| filler(&mut rng, i)).collect();
    other[0] = secret_line(&mut fake, &mut rng);
    let last = other.len() - 1;
    other[last] = secret_line(&mut fake, &mut rng);
    let mut small: Vec<String> = (0..20).map(|i| filler(&mut rng, i)).collect();
    let mut big_path = "config/settings.txt".to_string();
    std::fs::create_dir_all(dir.join("config")).unwrap();
    for c in 0..commits {
        if c > 0 {
            for _ in 0..1 + rng.below(3) {
                match rng.below(5) {
                    0 => edit(&mut other, &mut rng, &mut fake),
                    1 => edit(&mut small, &mut rng, &mut fake),
                    _ => edit(&mut big, &mut rng, &mut fake),
                }
            }
        }
        if c == commits / 2 {
            git(dir, &["mv", &big_path, "config/renamed.txt"]);
            big_path = "config/renamed.txt".into();
        }
        write(dir, &big_path, &big);
        write(dir, "other.yaml", &other);
        write(dir, "small.env", &small);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "--allow-empty", "-m", &format!("commit {c}")]);
        if c == commits / 3 {
            // a branch whose version of the big file the main line never has
            git(dir, &["checkout", "-q", "-b", "side"]);
            let mut side = big.clone();
            for _ in 0..4 {
                edit(&mut side, &mut rng, &mut fake);
            }
            write(dir, &big_path, &side);
            git(dir, &["commit", "-q", "-am", "side"]);
            git(dir, &["checkout", "-q", "main"]);
        }
    }
}

type Found = Vec<(String, String, u64, u64, u64, u64, String, String)>;

fn scan(dir: &Path, extra: &[&str]) -> (Found, serde_json::Value) {
    let mut args = vec!["scan", "--git", ".", "--format", "json", "--threads", "2"];
    args.extend_from_slice(extra);
    let r = run_in(dir, &args);
    assert!(r.code == 1 || r.code == 0, "exit {}: {}", r.code, r.stderr);
    let v = r.json();
    let s = |f: &serde_json::Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    let n = |f: &serde_json::Value, k: &str| f[k].as_u64().unwrap_or(0);
    let mut found: Found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                s(f, "rule"),
                s(f, "path"),
                n(f, "line"),
                n(f, "column"),
                n(f, "end_line"),
                n(f, "end_column"),
                s(f, "fingerprint"),
                f["commit"]["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    (found, v)
}

#[test]
fn changed_regions_find_exactly_what_whole_blobs_find() {
    for seed in [1, 2, 3, 4] {
        let t = tempfile::tempdir().unwrap();
        history(t.path(), seed, 45);
        same_as_whole_blobs(t.path(), seed);
    }
}

/// Scans the history in `dir` with and without `--full-blobs`: the same findings (in both
/// large files), at least 30 versions matched by parts, over half the bytes unchanged.
fn same_as_whole_blobs(dir: &Path, seed: u64) {
    let (whole, _) = scan(dir, &["--full-blobs"]);
    let (parts, report) = scan(dir, &[]);
    assert!(whole.len() > 20, "seed {seed}: the history has findings: {}", whole.len());
    assert!(
        whole.iter().any(|f| f.1 == "config/renamed.txt") && whole.iter().any(|f| f.1 == "other.yaml"),
        "seed {seed}: findings in both large files"
    );
    let only_whole: Vec<_> = whole.iter().filter(|f| !parts.contains(f)).collect();
    let only_parts: Vec<_> = parts.iter().filter(|f| !whole.contains(f)).collect();
    assert!(
        only_whole.is_empty() && only_parts.is_empty(),
        "seed {seed}: whole-blob only: {only_whole:#?}\nchanged-regions only: {only_parts:#?}"
    );
    let stats = &report["stats"];
    let incremental = stats["versions_incremental"].as_u64().unwrap_or(0);
    let unchanged = stats["bytes_unchanged"].as_u64().unwrap_or(0);
    let total = stats["bytes_scanned"].as_u64().unwrap();
    assert!(incremental >= 30, "seed {seed}: versions matched by parts: {incremental}");
    assert!(unchanged * 2 > total, "seed {seed}: unchanged {unchanged} of {total} bytes");
}

#[test]
fn full_blobs_flag_matches_every_byte() {
    let t = tempfile::tempdir().unwrap();
    history(t.path(), 9, 6);
    let (_, report) = scan(t.path(), &["--full-blobs"]);
    assert_eq!(report["stats"].get("versions_incremental"), None, "{}", report["stats"]);
    assert_eq!(report["stats"].get("bytes_unchanged"), None);
    let (_, report) = scan(t.path(), &[]);
    assert!(report["stats"]["versions_incremental"].as_u64().unwrap() >= 3, "{}", report["stats"]);
}

/// A packed history: most versions are deltas of other versions, rebuilt in pack order and
/// matched where the delta did not copy whole lines (`source::pack`, `source::packed_history`);
/// commits made after the repack are loose objects, read and compared line by line as before.
#[test]
fn packed_versions_matched_by_their_deltas_find_exactly_what_whole_blobs_find() {
    for seed in [5, 6, 7] {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        history(d, seed, 45);
        git(d, &["repack", "-adf", "-q", "--depth=50", "--window=50"]);
        let mut rng = XorShift::new(seed);
        let mut fake = Fake::new(seed ^ 0x5EED);
        for c in 0..3 {
            let text = std::fs::read_to_string(d.join("other.yaml")).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            edit(&mut lines, &mut rng, &mut fake);
            write(d, "other.yaml", &lines);
            git(d, &["commit", "-q", "-am", &format!("after the repack {c}")]);
        }
        let loose = String::from_utf8(
            std::process::Command::new("git").args(["count-objects"]).current_dir(d).output().unwrap().stdout,
        )
        .unwrap();
        assert!(!loose.starts_with("0 objects"), "seed {seed}: commits after the repack are loose: {loose}");
        same_as_whole_blobs(d, seed);
    }
}
