//! keyhound: a fast, accurate secret-leak scanner.
//!
//! Data flows in one direction:
//!
//! - [`source`]: working trees and stdin become [`source::Blob`]s (or counted skips);
//! - [`matcher`]: a keyword prefilter, lazily compiled regexes, entropy and filters turn blob
//!   bytes into [`matcher::RawMatch`]es;
//! - [`finding`]: raw matches become [`finding::Finding`]s with locations, redacted snippets and
//!   stable fingerprints;
//! - [`policy`]: findings are kept or suppressed with a reason;
//! - [`report`]: text, JSON, JSONL and SARIF writers.
//!
//! [`rules`] holds the rule data and its loader, [`scan`] drives the flow on all cores,
//! [`audit`] runs the history and working-tree scans of `keyhound audit`, [`pre_receive`]
//! judges a push on a git server, [`verify`] asks providers whether found keys still work and
//! [`revoke`] revokes them (both opt-in, the only network code), [`stats`] counts
//! everything, and [`cli`] only parses arguments and wires these together.

#![forbid(unsafe_code)]

pub mod archive;
pub mod assign;
pub mod audit;
pub mod cli;
pub mod config;
pub mod credfile;
pub mod decode;
pub mod finding;
pub mod hook;
pub mod matcher;
pub mod merge;
pub mod policy;
pub mod pre_receive;
pub mod progress;
pub mod report;
pub mod repos;
pub mod revoke;
pub mod rules;
pub mod scan;
pub mod source;
pub mod stats;
pub mod verify;
