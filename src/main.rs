//! The `keyhound` binary: runs the CLI and maps the result to an exit code.
//!
//! 0: no leaks; 1 (or `--exit-code`): leaks found; 2: usage, configuration or I/O error.
//! A closed output pipe (`keyhound scan . | head`) ends quietly with 0.

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn main() -> ExitCode {
    match keyhound::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keyhound: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
