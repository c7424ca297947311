//! Embeds every `rules/*.toml` file into the binary, pre-converted to JSON.
//!
//! Parsing a few hundred rules from TOML at every start took milliseconds that a pre-commit
//! hook cannot spare; JSON parses several times faster. For each file two forms are embedded:
//! the full rule set (with examples, for `cargo test` and `rules check`) and a lean one without
//! examples (what a scan loads). The original TOML stays the source of truth; a file that is
//! not valid TOML fails the build with its name. `cargo:rerun-if-changed=rules` makes new rule
//! files part of incremental builds.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("rules");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("rules/ directory is readable")
        .map(|e| e.expect("rules/ entry is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Built-in rule files: (file name, lean JSON without examples, full JSON).\npub static BUILTIN_RULE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().expect("file has a name").to_string_lossy().into_owned();
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("rules/{name}: cannot read: {e}"));
        let full: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("rules/{name}: not valid TOML: {e}"));
        let mut lean = full.clone();
        if let Some(rules) = lean.get_mut("rules").and_then(toml::Value::as_array_mut) {
            for r in rules.iter_mut().filter_map(toml::Value::as_table_mut) {
                r.remove("examples");
                r.remove("negative_examples");
            }
        }
        let stem = name.trim_end_matches(".toml");
        let full_path = out_dir.join(format!("rules-{stem}.full.json"));
        let lean_path = out_dir.join(format!("rules-{stem}.lean.json"));
        fs::write(&full_path, serde_json::to_string(&full).expect("TOML converts to JSON"))
            .expect("OUT_DIR is writable");
        fs::write(&lean_path, serde_json::to_string(&lean).expect("TOML converts to JSON"))
            .expect("OUT_DIR is writable");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?}), include_str!({:?})),",
            lean_path.display().to_string(),
            full_path.display().to_string()
        )
        .expect("write to String");
    }
    out.push_str("];\n");
    fs::write(out_dir.join("builtin_rules.rs"), out).expect("OUT_DIR is writable");
}
