//! semgate: a release gate for Rust crates.
//!
//! The pipeline, one module per stage, in order: [`cli`] parses arguments; [`resolve`] decides
//! what to compare (packages, baselines); [`rustdoc`] builds rustdoc JSON for both sides;
//! [`api`] loads each side's public API; [`diff`] matches the two; [`rules`] judge the changes;
//! [`bump`] derives the minimum version; [`gate`] decides; [`report`] formats. The
//! [`commands`] drive the stages and [`run`] maps their outcome to the exit code.

pub mod api;
pub mod bump;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diff;
pub mod gate;
pub mod git;
pub mod interrupt;
pub mod manifest;
pub mod manifest_edit;
pub mod pattern;
pub mod progress;
pub mod prove;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod run;
pub mod rustdoc;
pub mod versions;

use std::ffi::OsString;

/// Exit codes: a contract for CI. 0 the gate passed, 1 it refused, 2 semgate could not decide;
/// 130 after an interrupt, with no verdict.
pub const EXIT_PASS: i32 = 0;
pub const EXIT_REFUSED: i32 = 1;
pub const EXIT_ERROR: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

use clap::Parser;

/// Entry point for both binaries: parses `args` and returns the exit code.
/// `cargo semgate ...` invokes `cargo-semgate semgate ...`; the extra word is dropped.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> i32 {
    let mut args: Vec<OsString> = args.into_iter().collect();
    // semgate also runs as a helper of its own builds: the reaper first (its environment also
    // carries the wrapper's variable, meant for cargo's rustc invocations below it)
    if std::env::var_os(interrupt::REAPER_ENV).is_some() {
        return interrupt::reap(&args[1.min(args.len())..]);
    }
    if std::env::var_os(rustdoc::WRAPPER_ENV).is_some() {
        return rustdoc::wrap_rustc(&args[1.min(args.len())..]);
    }
    if args.get(1).is_some_and(|a| a == "semgate") {
        args.remove(1);
    }
    match cli::Cli::try_parse_from(args) {
        Ok(cli) => run::run(&cli),
        Err(err) => {
            let _ = err.print();
            if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_PASS
            }
        }
    }
}
