//! The fuzz targets (`fuzz/targets.rs`) on stable: the seeds in `fuzz/corpus/<target>/` and the
//! minimised corpus of cargo-fuzz runs in `fixtures/fuzz/<target>/`, then
//! deterministic pseudo-random mutations of them spliced with keywords, secret-shaped runs,
//! line breaks, NULs and byte-order marks.
//!
//! `KEYHOUND_FUZZ_ITERATIONS=N` sets the mutated inputs per target (default 300, a few
//! seconds); `KEYHOUND_FUZZ_SEED=S` starts elsewhere. A failing input is written to
//! `$TMPDIR/keyhound-fuzz-<target>-<n>` for `cargo fuzz run <target> <file>` or a corpus.

#[path = "../../fuzz/targets.rs"]
mod targets;

use crate::common::XorShift;
use std::panic::{AssertUnwindSafe, catch_unwind};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 15] = [
    ("matcher", targets::matcher),
    ("decode", targets::decode),
    ("decoder", targets::decoder),
    ("archive", targets::archive),
    ("rules", targets::rules),
    ("config", targets::config),
    ("staged_lines", targets::staged_lines),
    ("assign", targets::assign),
    ("credfile", targets::credfile),
    ("pre_receive", targets::pre_receive),
    ("window", targets::window),
    ("gitleaks_config", targets::gitleaks_config),
    ("verify_spec", targets::verify_spec),
    ("repo_list", targets::repo_list),
    ("pack", targets::pack),
];

/// Fragments spliced into inputs: keywords of real rules, assignment shapes, rule and config
/// syntax, and bytes that break naive code (line breaks, NUL, BOMs, invalid UTF-8).
const FRAGMENTS: &[&[u8]] = &[
    b"sk-proj-",
    b"sk-ant-api03-",
    b"AKIA",
    b"ghp_",
    b"github_pat_",
    b"glpat-",
    b"xoxb-",
    b"sk_live_",
    b"AIza",
    b"npm_",
    b"pypi-",
    b"eyJ",
    b"PK\x03\x04",
    b"\x1f\x8b\x08",
    b"%7B%22",
    b"\\x73\\x6b",
    b"&#x73;&#107;",
    b"kind: Secret\ndata:\n  password: ",
    b"c2stcHJvai1",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b"API_KEY=",
    b"password: ",
    b"token = \"",
    b"aws_secret_access_key = ",
    b"postgres://user:",
    b"@db.example.org/x",
    b"-----BEGIN RSA PRIVATE KEY-----\n",
    b"\n-----END RSA PRIVATE KEY-----",
    b"keyhound:allow",
    b"[[rules]]\n",
    b"id = \"x-y\"\nname = \"n\"\nprovider = \"p\"\nseverity = \"high\"\n",
    b"keywords = [\"zz\"]\n",
    b"regex = '''(?P<secret>zz[0-9]{4,})'''\n",
    b"regex = '(?P<secret>",
    b"[allowlist]\npaths = [\"**\"]\n",
    b"max-file-size = \"1K\"\n",
    b"disabled-rules = [\"jwt\"]\n",
    b"[rules.pair]\n",
    b"\r\n",
    b"\r",
    b"\n",
    b"\0",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xEF\xBB\xBF",
    b"\xC3\xA9",
    b"\xE2\x80\xA6",
    b"\xF0\x9F\x94\x91",
    b"\xFF",
    b"'\"`",
    b"{{{{",
    b"\\",
];

const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=";

fn mutate(rng: &mut XorShift, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut v = if seeds.is_empty() || rng.below(8) == 0 { Vec::new() } else { seeds[rng.below(seeds.len())].clone() };
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 | 1 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                v.splice(at..at, frag.iter().copied());
            }
            2 => {
                // a secret-shaped run, often right after a keyword
                let n = 4 + rng.below(120);
                let run: Vec<u8> = (0..n).map(|_| TOKEN_CHARS[rng.below(TOKEN_CHARS.len())]).collect();
                let frag = FRAGMENTS[rng.below(12)];
                let ins: Vec<u8> = if rng.below(2) == 0 { [frag, &run[..]].concat() } else { run };
                v.splice(at..at, ins);
            }
            3 if !v.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            4 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(256)).min(v.len());
                let copy = v[start..end].to_vec();
                for _ in 0..1 + rng.below(4) {
                    v.splice(at..at, copy.iter().copied());
                }
            }
            5 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            _ => v.insert(at, rng.next() as u8),
        }
    }
    v.truncate(64 * 1024);
    v
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs one input; on a panic, saves it and fails naming the file.
fn run_one(name: &str, target: Target, input: &[u8], n: u64) {
    if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
        let path = std::env::temp_dir().join(format!("keyhound-fuzz-{name}-{n}"));
        std::fs::write(&path, input).unwrap();
        panic!("fuzz target `{name}` failed on input {n}, saved to {}", path.display());
    }
}

#[test]
fn every_fuzz_target_survives_its_corpus_and_mutations() {
    let iterations = env_num("KEYHOUND_FUZZ_ITERATIONS", 300);
    let seed = env_num("KEYHOUND_FUZZ_SEED", 0x5EED);
    for (name, target) in TARGETS {
        // the hand-written seeds, and the corpus a fuzzer run minimised (`fixtures/fuzz/`)
        let dir = crate::common::repo().join("fuzz/corpus").join(name);
        let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-")))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        assert!(!seeds.is_empty(), "{} has no seed-* file", dir.display());
        if let Ok(minimised) = std::fs::read_dir(crate::common::repo().join("fixtures/fuzz").join(name)) {
            seeds.extend(minimised.map(|e| std::fs::read(e.unwrap().path()).unwrap()));
        }
        seeds.sort();
        for (i, s) in seeds.iter().enumerate() {
            run_one(name, target, s, i as u64);
        }
        let mut rng = XorShift::new(seed ^ name.len() as u64);
        for n in 0..iterations {
            let input = mutate(&mut rng, &seeds);
            run_one(name, target, &input, n);
        }
    }
}
