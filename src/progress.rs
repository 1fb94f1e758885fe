//! Cargo-style status lines on stderr (`    Building baseline rustdoc for foo ...`).
//!
//! Output goes to stderr so stdout stays clean for the report. The verb is right-aligned to
//! 12 columns like cargo's, and coloured only when allowed: `--color`, then
//! `CARGO_TERM_COLOR`, then `NO_COLOR`, then whether stderr is a terminal.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The `--color` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and the environment does not say otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

impl std::str::FromStr for ColorChoice {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            other => Err(anyhow::anyhow!(
                "invalid color choice `{other}`: expected auto, always or never"
            )),
        }
    }
}

/// Decides whether to colour stderr. Pure so it can be tested: `env` looks up a variable and
/// `is_terminal` says whether stderr is a terminal.
pub fn resolve_color(
    choice: ColorChoice,
    env: impl Fn(&str) -> Option<String>,
    is_terminal: bool,
) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    // An explicit cargo setting wins over the generic convention, as it does for cargo.
    if let Some(v) = env("CARGO_TERM_COLOR") {
        match v.trim().parse::<ColorChoice>() {
            Ok(ColorChoice::Always) => return true,
            Ok(ColorChoice::Never) => return false,
            _ => {}
        }
    }
    // https://no-color.org: set and non-empty disables colour.
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if env("TERM").is_some_and(|t| t == "dumb") {
        return false;
    }
    is_terminal
}

#[derive(Clone, Copy)]
enum Style {
    Status,
    Warning,
    Error,
    Note,
}

impl Style {
    fn ansi(self) -> &'static str {
        match self {
            Style::Status => "\x1b[1;32m",
            Style::Warning => "\x1b[1;33m",
            Style::Error => "\x1b[1;31m",
            Style::Note => "\x1b[1;36m",
        }
    }
}

const RESET: &str = "\x1b[0m";

#[derive(Clone)]
enum Sink {
    Stderr,
    Memory(Arc<Mutex<Vec<u8>>>),
}

/// Reporter of progress to the user. Cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct Progress {
    quiet: bool,
    verbose: bool,
    color: bool,
    sink: Sink,
    /// live spinners, one per running build; only when stderr is a terminal
    bars: Option<indicatif::MultiProgress>,
    /// how long each finished build took, for the timing summary
    timings: Arc<Mutex<Vec<(String, Duration)>>>,
}

/// A build in progress: a spinner on a terminal, a status line elsewhere.
pub struct Task {
    progress: Progress,
    label: String,
    started: std::time::Instant,
    bar: Option<indicatif::ProgressBar>,
}

impl Task {
    /// Records the duration and replaces the spinner by a `Built ... in 3.21s` line (that line
    /// is printed without a terminal only in verbose mode, where logs want it).
    pub fn finish(self) {
        let elapsed = self.started.elapsed();
        if let Ok(mut t) = self.progress.timings.lock() {
            t.push((self.label.clone(), elapsed));
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.bar.is_some() || self.progress.verbose {
            self.progress.status(
                "Built",
                format_args!("{} in {}", self.label, format_duration(elapsed)),
            );
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("quiet", &self.quiet)
            .field("verbose", &self.verbose)
            .field("color", &self.color)
            .finish()
    }
}

/// Read access to what a [`Progress::capture`] reporter printed.
#[derive(Clone)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything printed so far.
    pub fn contents(&self) -> String {
        match self.0.lock() {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(p) => String::from_utf8_lossy(&p.into_inner()).into_owned(),
        }
    }
}

impl Progress {
    /// A reporter writing to stderr; colour resolved from `color`, the environment and
    /// whether stderr is a terminal. `verbose` also streams cargo's own output.
    pub fn new(quiet: bool, verbose: bool, color: ColorChoice) -> Progress {
        let color = resolve_color(
            color,
            |k| std::env::var(k).ok(),
            std::io::stderr().is_terminal(),
        );
        let bars = (!quiet && std::io::stderr().is_terminal()).then(indicatif::MultiProgress::new);
        Progress {
            quiet,
            verbose,
            color,
            sink: Sink::Stderr,
            bars,
            timings: Default::default(),
        }
    }

    /// A reporter that prints nothing except warnings and errors (library use, tests).
    pub fn silent() -> Progress {
        Progress {
            quiet: true,
            verbose: false,
            color: false,
            sink: Sink::Stderr,
            bars: None,
            timings: Default::default(),
        }
    }

    /// A reporter that records everything (uncoloured) in memory; for tests.
    pub fn capture() -> (Progress, Captured) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let p = Progress {
            quiet: false,
            verbose: false,
            color: false,
            sink: Sink::Memory(Arc::clone(&buf)),
            bars: None,
            timings: Default::default(),
        };
        (p, Captured(buf))
    }

    pub fn is_verbose(&self) -> bool {
        self.verbose
    }

    /// `    Building msg` with the verb right-aligned to 12 columns. Suppressed when quiet.
    pub fn status(&self, verb: &str, msg: impl Display) {
        if self.quiet {
            return;
        }
        let line = if self.color {
            format!("{}{verb:>12}{RESET} {msg}\n", Style::Status.ansi())
        } else {
            format!("{verb:>12} {msg}\n")
        };
        self.write(&line);
    }

    /// Starts a build: a spinner with the elapsed time on a terminal, else a status line.
    pub fn task(&self, verb: &str, label: String) -> Task {
        let bar = match &self.bars {
            Some(multi) => {
                let bar = multi.add(indicatif::ProgressBar::new_spinner());
                let style = indicatif::ProgressStyle::with_template(if self.color {
                    "{prefix:>12.green.bold} {msg} {spinner} {elapsed}"
                } else {
                    "{prefix:>12} {msg} {spinner} {elapsed}"
                })
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
                bar.set_style(style);
                bar.set_prefix(verb.to_string());
                bar.set_message(label.clone());
                bar.enable_steady_tick(Duration::from_millis(120));
                Some(bar)
            }
            None => {
                self.status(verb, &label);
                None
            }
        };
        Task {
            progress: self.clone(),
            label,
            started: std::time::Instant::now(),
            bar,
        }
    }

    /// Durations of the builds finished so far, in the order they finished.
    pub fn timings(&self) -> Vec<(String, Duration)> {
        self.timings.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// `    Finished msg in 3.21s`.
    pub fn finished(&self, msg: impl Display, elapsed: Duration) {
        self.status(
            "Finished",
            format_args!("{msg} in {}", format_duration(elapsed)),
        );
    }

    /// `warning: msg`; printed even when quiet, since it may explain a verdict.
    pub fn warn(&self, msg: impl Display) {
        self.labelled(Style::Warning, "warning", msg);
    }

    /// `error: msg`; printed even when quiet.
    pub fn error(&self, msg: impl Display) {
        self.labelled(Style::Error, "error", msg);
    }

    /// `note: msg`; suppressed when quiet.
    pub fn note(&self, msg: impl Display) {
        if !self.quiet {
            self.labelled(Style::Note, "note", msg);
        }
    }

    fn labelled(&self, style: Style, label: &str, msg: impl Display) {
        let line = if self.color {
            format!("{}{label}{RESET}\x1b[1m:{RESET} {msg}\n", style.ansi())
        } else {
            format!("{label}: {msg}\n")
        };
        self.write(&line);
    }

    fn write(&self, line: &str) {
        match &self.sink {
            Sink::Stderr if self.bars.is_some() => {
                // above the spinners, which redraw below it
                if let Some(multi) = &self.bars {
                    let _ = multi.println(line.trim_end_matches('\n'));
                }
            }
            Sink::Stderr => {
                // One write per line so lines from parallel builds never interleave.
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
            Sink::Memory(buf) => {
                if let Ok(mut b) = buf.lock() {
                    b.extend_from_slice(line.as_bytes());
                }
            }
        }
    }
}

/// Formats a duration like cargo: `0.42s`, `3.21s`, `1m 02s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn color_resolution_order() {
        assert!(resolve_color(
            ColorChoice::Always,
            env_of(&[("NO_COLOR", "1")]),
            false
        ));
        assert!(!resolve_color(ColorChoice::Never, env_of(&[]), true));
        assert!(resolve_color(ColorChoice::Auto, env_of(&[]), true));
        assert!(!resolve_color(ColorChoice::Auto, env_of(&[]), false));
        assert!(!resolve_color(
            ColorChoice::Auto,
            env_of(&[("NO_COLOR", "1")]),
            true
        ));
        // Empty NO_COLOR does not count.
        assert!(resolve_color(
            ColorChoice::Auto,
            env_of(&[("NO_COLOR", "")]),
            true
        ));
        assert!(resolve_color(
            ColorChoice::Auto,
            env_of(&[("CARGO_TERM_COLOR", "always"), ("NO_COLOR", "1")]),
            false
        ));
        assert!(!resolve_color(
            ColorChoice::Auto,
            env_of(&[("CARGO_TERM_COLOR", "never")]),
            true
        ));
        assert!(!resolve_color(
            ColorChoice::Auto,
            env_of(&[("TERM", "dumb")]),
            true
        ));
    }

    #[test]
    fn status_lines_are_right_aligned() {
        let (p, out) = Progress::capture();
        p.status("Building", "baseline rustdoc for foo");
        p.status("Fresh", "current rustdoc for foo (cache)");
        p.warn("careful");
        p.finished("checking", Duration::from_millis(3210));
        assert_eq!(
            out.contents(),
            "    Building baseline rustdoc for foo\n       Fresh current rustdoc for foo (cache)\nwarning: careful\n    Finished checking in 3.21s\n"
        );
    }

    #[test]
    fn tasks_record_their_duration_and_print_a_line_without_a_terminal() {
        let (p, out) = Progress::capture();
        let task = p.task("Building", "baseline rustdoc for foo".into());
        task.finish();
        assert_eq!(out.contents(), "    Building baseline rustdoc for foo\n");
        let timings = p.timings();
        assert_eq!(timings.len(), 1);
        assert_eq!(timings[0].0, "baseline rustdoc for foo");
    }

    #[test]
    fn colored_status_wraps_the_verb() {
        let p = Progress {
            quiet: false,
            verbose: false,
            color: true,
            sink: Sink::Memory(Arc::new(Mutex::new(Vec::new()))),
            bars: None,
            timings: Default::default(),
        };
        p.status("Fresh", "x");
        if let Sink::Memory(buf) = &p.sink {
            let s = String::from_utf8(buf.lock().map(|b| b.clone()).unwrap_or_default())
                .unwrap_or_default();
            assert_eq!(s, "\x1b[1;32m       Fresh\x1b[0m x\n");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(Duration::from_millis(420)), "0.42s");
        assert_eq!(format_duration(Duration::from_secs(62)), "1m 02s");
    }

    #[test]
    fn parse_color_choice() {
        assert_eq!(
            "ALWAYS".parse::<ColorChoice>().ok(),
            Some(ColorChoice::Always)
        );
        assert!("sometimes".parse::<ColorChoice>().is_err());
    }
}
