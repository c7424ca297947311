//! keyhound's integration tests: one test binary that runs the built `keyhound` on fixtures
//! and temporary trees and asserts exact findings, statistics and exit codes.

mod accuracy_cases;
mod action;
mod archives;
mod audit;
mod audit_history;
mod big_files;
mod ci;
mod cli_polish;
mod common;
mod config;
mod credential_files;
mod decoding;
mod fixture_tree;
mod fuzz_replay;
mod generic_table;
mod git;
mod gitleaks_compat;
mod hostile;
mod image;
mod incremental;
mod look_alikes;
mod pre_commit_framework;
mod pre_receive;
mod reports;
mod repos;
mod rules_cmd;
mod sarif_remotes;
mod scan_dir;
mod slurm;
mod syntax_matrix;
mod verify;
