//! The driver: dispatches a parsed command line to its command (`crate::commands`) and turns
//! the outcome into the exit code, errors printed with their cause chain.

use anyhow::Result;
use std::fmt::Write as _;

use crate::cli::{Cli, Command};
use crate::progress::Progress;
use crate::rules::RULES;
pub use crate::{EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PASS, EXIT_REFUSED};

/// Runs semgate with parsed arguments and returns the process exit code.
pub fn run(cli: &Cli) -> i32 {
    let progress = Progress::new(cli.quiet, cli.verbose, cli.color);
    match dispatch(cli, &progress) {
        Ok(code) => code,
        Err(err) if crate::interrupt::is_interrupted_error(&err) => {
            progress.error("interrupted; no verdict");
            EXIT_INTERRUPTED
        }
        Err(err) if is_closed_output(&err) && informational(cli) => EXIT_PASS,
        Err(err) => {
            progress.error(format_error(&err));
            EXIT_ERROR
        }
    }
}

/// Commands whose output is information, not a verdict: a reader that stops early
/// (`semgate rules | head -3`) is not an error, as for ripgrep or ls.
fn informational(cli: &Cli) -> bool {
    cli.version || matches!(cli.command, Some(Command::Rules | Command::Explain { .. }))
}

/// The report could not be written because its reader went away.
fn is_closed_output(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// `error: what failed` followed by the cause chain, one `caused by:` per line.
fn format_error(err: &anyhow::Error) -> String {
    let mut text = format!("{err}");
    for cause in err.chain().skip(1) {
        let _ = write!(text, "\n  caused by: {cause}");
    }
    text.push_str("\nsemgate could not decide; the gate did not pass");
    text
}

fn dispatch(cli: &Cli, progress: &Progress) -> Result<i32> {
    use crate::commands::{bump, check, explain, tag, version};
    if cli.version {
        crate::commands::emit(&version_text(cli.verbose))?;
        return Ok(EXIT_PASS);
    }
    match &cli.command {
        // `semgate -q` and friends name no command: nothing was checked, so nothing passed
        None => {
            use clap::CommandFactory;
            let help = crate::cli::Cli::command().render_help();
            progress.error(format!(
                "no command given; `semgate check` runs the gate\n\n{help}"
            ));
            Ok(EXIT_ERROR)
        }
        Some(Command::Check(args)) => {
            crate::interrupt::install()?;
            check::check(args, cli, progress)
        }
        Some(Command::Suggest(args)) => {
            crate::interrupt::install()?;
            check::suggest(args, cli, progress)
        }
        Some(Command::Merge(args)) => check::merge(args, cli, progress),
        Some(Command::Version(args)) => version::version(args, progress),
        Some(Command::Bump(args)) => {
            crate::interrupt::install()?;
            bump::bump(args, progress)
        }
        Some(Command::Tag(args)) => {
            crate::interrupt::install()?;
            tag::tag(args, progress)
        }
        Some(Command::Rules) => explain::rules(),
        Some(Command::Explain { id }) => explain::explain(id),
    }
}

fn version_text(verbose: bool) -> String {
    let mut s = format!("semgate {}\n", env!("CARGO_PKG_VERSION"));
    if verbose {
        use crate::api::format;
        let _ = writeln!(
            s,
            "rustdoc JSON format_version: {} (read into format {})",
            format::supported_list(),
            format::NEWEST
        );
        for f in format::SUPPORTED {
            let _ = writeln!(s, "  {:>3}  {}", f.version, f.emitted_by);
        }
        let installed = crate::rustdoc::installed_formats();
        if installed.is_empty() {
            s.push_str("installed toolchains: none found through rustup\n");
        } else {
            s.push_str("installed toolchains:\n");
            let width = installed.iter().map(|t| t.name.len()).max().unwrap_or(0);
            for t in &installed {
                let emits = match t.format {
                    Some(v) if format::is_supported(v) => format!("format {v}"),
                    Some(v) => format!("format {v} (not readable by this semgate)"),
                    None => "no rustdoc JSON".to_string(),
                };
                let default = if t.is_default { " (default)" } else { "" };
                let _ = writeln!(s, "  {:width$}  {emits}  {}{default}", t.name, t.release);
            }
        }
        let _ = writeln!(s, "rules: {}", RULES.len());
    }
    s
}
