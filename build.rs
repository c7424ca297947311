//! Embeds every `rules/*.toml` file into the binary.
//!
//! Generates `$OUT_DIR/builtin_rules.rs` with one `include_str!` per file, and asks cargo to
//! re-run when the `rules/` directory changes, so new rule files are never missed by an
//! incremental build.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("rules/ directory is readable")
        .map(|e| e.expect("rules/ entry is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Built-in rule files: (file name, contents).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().expect("file has a name").to_string_lossy();
        writeln!(out, "    ({name:?}, include_str!({:?})),", f.display().to_string()).expect("write to String");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
