//! Test harness: run the built binary, build fake secrets at test time, make temp trees.

#![allow(dead_code)]

pub mod mock;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test: `KEYHOUND_TEST_PROGRAM` (e.g. a release build) or cargo's build.
pub fn program() -> PathBuf {
    std::env::var_os("KEYHOUND_TEST_PROGRAM")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_keyhound")), PathBuf::from)
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A finished run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs keyhound with `args` in `cwd`, no stdin, colour off.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(program())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("keyhound runs");
    finish(out)
}

/// Runs keyhound in `cwd` with extra environment variables and `input` on stdin.
pub fn run_env_in(cwd: &Path, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Run {
    use std::io::Write;
    let mut child = Command::new(program())
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyhound starts");
    child.stdin.take().unwrap().write_all(input).unwrap();
    finish(child.wait_with_output().unwrap())
}

/// Runs keyhound in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(&repo(), args)
}

/// Runs keyhound with `input` on stdin.
pub fn run_stdin(args: &[&str], input: &[u8]) -> Run {
    run_stdin_in(&repo(), args, input)
}

/// Runs keyhound in `cwd` with `input` on stdin.
pub fn run_stdin_in(cwd: &Path, args: &[&str], input: &[u8]) -> Run {
    run_env_in(cwd, args, &[], input)
}

/// A deterministic pseudo-random sequence (xorshift64; no crate needed), so that a failing
/// test reproduces.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Deterministic pseudo-random characters for fake secrets.
pub struct Fake(XorShift);

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
pub const HEX: &[u8] = b"0123456789abcdef";

impl Fake {
    pub fn new(seed: u64) -> Self {
        Fake(XorShift::new(seed))
    }

    /// `n` characters from `alphabet`, with no run, sequence or placeholder word by chance.
    pub fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        loop {
            let s: String = (0..n).map(|_| alphabet[self.0.below(alphabet.len())] as char).collect();
            let lower = s.to_ascii_lowercase();
            let bad =
                ["example", "fake", "xxxxx", "dummy", "here", "insert", "replace"].iter().any(|w| lower.contains(w));
            if !bad && s.chars().collect::<std::collections::HashSet<_>>().len() > 4 {
                return s;
            }
        }
    }

    pub fn openai_project(&mut self) -> String {
        format!("sk-proj-{}T3BlbkFJ{}", self.chars(74, URLSAFE), self.chars(74, URLSAFE))
    }

    pub fn generic(&mut self) -> String {
        self.chars(40, ALNUM)
    }

    /// A GitHub token (`ghp_`, `gho_`, …) with a valid checksum.
    pub fn github(&mut self, prefix: &str) -> String {
        const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let random = self.chars(30, ALNUM);
        let mut crc = crc32fast::hash(random.as_bytes());
        let mut check = [b'0'; 6];
        for slot in check.iter_mut().rev() {
            *slot = BASE62[(crc % 62) as usize];
            crc /= 62;
        }
        format!("{prefix}{random}{}", String::from_utf8_lossy(&check))
    }
}

/// A temporary directory with files.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Self {
        Tree { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// `(rule, path, line, column)` of every finding in a JSON report, in report order.
pub fn summary(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Runs keyhound in a tree: exit code, `(rule, path, line)` of every finding (sorted), report.
pub fn found(t: &Tree, args: &[&str]) -> (i32, Vec<(String, String, u64)>, serde_json::Value) {
    let r = t.run(args);
    let j = r.json();
    let mut v: Vec<(String, String, u64)> =
        summary(&j).into_iter().map(|(rule, path, line, _)| (rule, path, line)).collect();
    v.sort();
    (r.code, v, j)
}

/// A `(rule, path, line)` to compare with [`found`].
pub fn f(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.into(), path.into(), line)
}

/// Number of rules in `rules/*.toml` (counted from the files, not from keyhound).
pub fn builtin_rule_count() -> usize {
    std::fs::read_dir(repo().join("rules"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap().lines().filter(|l| l.trim() == "[[rules]]").count())
        .sum()
}

/// A zip (deflated) of `members`, built in memory.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tar of `members` (regular files), built in memory.
pub fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// `data` gzip-compressed.
pub fn gz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}
