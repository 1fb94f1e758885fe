//! The CI-facing report formats, end to end: markdown (PR comment / job summary), GitHub
//! workflow commands and `$GITHUB_OUTPUT` lines, rendered by the binary from real fixture
//! rustdoc JSON and snapshotted; edge cases (accepted findings, escaping, repository paths,
//! workspaces) on hand-built reports; and the human format's colour switches.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::repo::{assert_exit, semgate, stderr, stdout};
use semgate::gate::decide;
use semgate::report::{self, PackageReport, Report, SideReport};
use semgate::rules::Class;
use semgate::rules::{Finding, Location};
use semver::Version;

/// A temporary directory holding a fixture's two rustdoc JSON files as `old.json` and
/// `new.json`: the binary runs there with relative paths, so the reports name the files the
/// same way on every machine and nothing needs normalising.
struct Pair {
    dir: tempfile::TempDir,
}

impl Pair {
    fn of(fixture: &str) -> Pair {
        let dir = tempfile::tempdir().expect("tempdir");
        for side in ["old", "new"] {
            std::fs::copy(
                common::fixture_json(fixture, side),
                dir.path().join(format!("{side}.json")),
            )
            .expect("copy fixture JSON");
        }
        Pair { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `semgate <command> --baseline-rustdoc old.json --current-rustdoc new.json <extra>`.
    fn run(&self, command: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            command,
            "--baseline-rustdoc",
            "old.json",
            "--current-rustdoc",
            "new.json",
        ];
        args.extend_from_slice(extra);
        semgate(self.path(), &args)
    }
}

/// Every line of the github format is a workflow command, so a message can never leak into the
/// log as a line of its own (or as a command GitHub would run).
fn assert_workflow_commands(text: &str) {
    assert!(!text.is_empty());
    for line in text.lines() {
        let ok = ["::error", "::warning", "::notice"]
            .iter()
            .any(|k| line.starts_with(k));
        assert!(ok, "not a workflow command: {line:?}");
        let rest = line
            .splitn(3, "::")
            .nth(2)
            .unwrap_or_else(|| panic!("no message separator: {line:?}"));
        assert!(!rest.is_empty(), "empty message: {line:?}");
    }
}

#[test]
fn markdown_report_of_a_refused_release() {
    let pair = Pair::of("example");
    let out = pair.run("check", &["--format", "markdown"]);
    assert_exit(&out, 1);
    let md = stdout(&out);
    assert!(
        md.starts_with("## ❌ semgate: example_config 1.5.0 is too small"),
        "verdict first:\n{md}"
    );
    assert_eq!(
        stdout(&pair.run("check", &["--format", "markdown"])),
        md,
        "same inputs, byte-identical report"
    );
    insta::assert_snapshot!("markdown_refused", md);
}

#[test]
fn github_annotations_of_a_refused_release() {
    let pair = Pair::of("example");
    let out = pair.run("check", &["--format", "github"]);
    assert_exit(&out, 1);
    let gh = stdout(&out);
    assert_workflow_commands(&gh);
    assert!(
        gh.contains("::error file=src/lib.rs,line=87,col=1,title=semgate fn-param-type-changed::"),
        "breaking findings are errors on the current span:\n{gh}"
    );
    assert!(
        gh.contains("::warning file=src/lib.rs,line=93,col=1,title=semgate item-added::"),
        "{gh}"
    );
    assert!(
        gh.lines()
            .next()
            .is_some_and(|l| l.starts_with("::error::semgate: ")),
        "the verdict comes first (GitHub shows only the first ten errors of a step):\n{gh}"
    );
    insta::assert_snapshot!("github_refused", gh);
}

/// A breaking change released as a major: the gate passes; the const values that changed are
/// patch-level notices.
#[test]
fn reports_of_a_passing_release_with_patch_level_notes() {
    let pair = Pair::of("const-type-changed");
    let md = pair.run("check", &["--proposed", "2.0.0", "--format", "markdown"]);
    assert_exit(&md, 0);
    let md = stdout(&md);
    assert!(
        md.starts_with("## ✅ semgate: const_type_changed 2.0.0 is large enough"),
        "{md}"
    );
    assert!(md.contains("**Patch-level changes**"), "{md}");
    insta::assert_snapshot!("markdown_passed", md);

    let gh = pair.run("check", &["--proposed", "2.0.0", "--format", "github"]);
    assert_exit(&gh, 0);
    let gh = stdout(&gh);
    assert_workflow_commands(&gh);
    assert!(
        gh.contains("::notice file=src/lib.rs,line=16,col=1,title=semgate const-value-changed::"),
        "{gh}"
    );
    assert!(
        gh.lines()
            .next()
            .is_some_and(|l| l.starts_with("::notice::semgate: ")),
        "{gh}"
    );
    insta::assert_snapshot!("github_passed", gh);
}

#[test]
fn suggest_formats_for_release_workflows() {
    let pair = Pair::of("example");
    let out = pair.run("suggest", &["--format", "github-output"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        // suggest judges no proposed version: it passes, and says it decided nothing
        "bumpLevel=major\nchange=breaking\nminimumVersion=2.0.0\nverdict=none\n"
    );

    // nothing proposed: the markdown says what is needed without a pass/fail mark
    let out = pair.run("suggest", &["--format", "markdown"]);
    assert_exit(&out, 0);
    let first = stdout(&out).lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first,
        "## ℹ️ semgate: example_config: breaking changes need a major release, at least 2.0.0"
    );
}

#[test]
fn json_leaves_out_an_unknown_package_dir() {
    let pair = Pair::of("example");
    let out = pair.run("check", &["--format", "json"]);
    assert_exit(&out, 1);
    assert!(!stdout(&out).contains("package_dir"), "{}", stdout(&out));

    let v = serde_json::to_value(workspace_report()).expect("serialises");
    assert_eq!(v["packages"][0]["package_dir"], "crates/core");
    assert!(v["packages"][1].get("package_dir").is_none());
}

// ------------------------------------------------------------------------------------------
// Hand-built reports: what fixtures cannot produce in pure-JSON mode (accepted findings,
// repository paths, workspace problems, hostile text)
// ------------------------------------------------------------------------------------------

fn v(s: &str) -> Version {
    Version::parse(s).expect("version")
}

fn at(file: &str, line: usize, column: usize) -> Option<Location> {
    Some(Location {
        file: file.into(),
        line,
        column,
    })
}

fn finding(rule: &'static str, class: Class, path: &str, message: &str) -> Finding {
    Finding {
        rule,
        class,
        path: path.into(),
        message: message.into(),
        baseline_span: None,
        current_span: None,
        baseline_signature: None,
        current_signature: None,
        accepted: None,
        feature_sets: Vec::new(),
        witness: None,
    }
}

fn side(version: Option<&str>, source: &str, description: &str) -> SideReport {
    SideReport {
        version: version.map(v),
        source: source.into(),
        description: description.into(),
    }
}

/// Two crates of a workspace: `core` (in `crates/core`) with a removed item, an accepted
/// breaking change, an additive and a patch-level change, messages full of characters that
/// mean something in markdown or workflow commands; `app` released for the first time; and a
/// workspace problem.
fn workspace_report() -> Report {
    let findings = vec![
        Finding {
            baseline_span: at("src/old.rs", 12, 1),
            ..finding(
                "item-removed",
                Class::Breaking,
                "core::Parser",
                "struct `core::Parser` was removed | use `core::parse` <instead>",
            )
        },
        Finding {
            baseline_span: at("src/lib.rs", 3, 1),
            current_span: at("src/lib.rs", 4, 1),
            baseline_signature: Some("pub fn run(input: &str) -> Result<u8, Error>".into()),
            current_signature: Some("pub fn run(input: String) -> Result<u8, Error>".into()),
            accepted: Some("only our CLI calls `run`; 100% internal\nsee #12".into()),
            feature_sets: vec!["default".into(), "all".into()],
            ..finding(
                "fn-param-type-changed",
                Class::Breaking,
                "core::run",
                "function `core::run` changed parameter type: `input`: `&str` -> `String`",
            )
        },
        Finding {
            current_span: at("src/a,b:c.rs", 7, 5),
            ..finding(
                "item-added",
                Class::Additive,
                "core::helper",
                "function `core::helper` was added",
            )
        },
        finding(
            "const-value-changed",
            Class::Patch,
            "core::LIMIT",
            "constant `core::LIMIT` changed value from `1` to `2` (*not* a break)",
        ),
    ];
    let decision = decide(&v("1.2.0"), Some(&v("1.2.1")), &findings);
    let mut core = PackageReport::new(
        "core".into(),
        side(Some("1.2.0"), "git", "git tag v1.2.0 (3f2c1ab)"),
        side(Some("1.2.1"), "working-tree", "working tree"),
        Some("--bump patch".into()),
        decision,
        findings,
    );
    core.package_dir = Some("crates/core".into());

    // a first release under `check`: nothing to compare, the proposed version passes
    let mut decision = decide(&v("0.1.0"), None, &[]);
    decision.proposed_version = Some(v("0.1.0"));
    decision.verdict = semgate::gate::Verdict::Pass;
    decision
        .notes
        .push("first release: no release tag or published version to compare with".into());
    let app = PackageReport::new(
        "app".into(),
        side(None, "none", "no earlier release"),
        side(Some("0.1.0"), "working-tree", "working tree"),
        Some("Cargo.toml".into()),
        decision,
        Vec::new(),
    );
    Report::with_problems(
        vec![core, app],
        vec!["`app` cannot be released: it depends on `core` 1.2.1, which is not released".into()],
        vec!["docs (publish = false)".into()],
    )
}

#[test]
fn markdown_of_a_workspace_with_accepted_findings_and_hostile_text() {
    let report = workspace_report();
    let md = report::markdown::render(&report);
    assert!(md.starts_with("## ❌ semgate refused the release: 1 of 2 crates needs a larger version; 1 workspace problem"), "{md}");
    // accepted findings are listed (apart), with their reason
    assert!(
        md.contains("**Accepted by configuration (not counted)**"),
        "{md}"
    );
    assert!(
        md.contains("accepted (breaking change): only our CLI calls `run`; 100% internal see #12"),
        "{md}"
    );
    // repository paths: the package directory in front of the package-relative file
    assert!(
        md.contains("at `crates/core/src/lib.rs:4` (baseline `crates/core/src/lib.rs:3`)"),
        "{md}"
    );
    assert!(
        md.contains("at `crates/core/src/old.rs:12` in the baseline"),
        "{md}"
    );
    // a `|` in text is escaped; HTML-looking text is inert
    assert!(
        md.contains("was removed \\| use `core::parse` \\<instead>"),
        "{md}"
    );
    insta::assert_snapshot!("markdown_workspace", md);
}

#[test]
fn github_annotations_of_a_workspace_with_accepted_findings_and_hostile_text() {
    let gh = report::github::render(&workspace_report());
    assert_workflow_commands(&gh);
    let lines: Vec<&str> = gh.lines().collect();
    // a removed item with no enclosing item in the current code has no location there (its
    // baseline line would land on an unrelated line): the text says where it was
    assert!(
        lines[1].starts_with("::error title=semgate item-removed::")
            && lines[1].ends_with("(removed; it was at crates/core/src/old.rs:12 in the baseline)"),
        "{gh}"
    );
    // accepted: a notice, not an error, with the reason (newline and % escaped)
    assert!(
        lines[2].starts_with("::notice file=crates/core/src/lib.rs,line=4,col=1,title=semgate fn-param-type-changed::"),
        "{gh}"
    );
    assert!(
        lines[2].contains(
            "%0Aaccepted (breaking change): only our CLI calls `run`; 100%25 internal%0Asee #12"
        ),
        "{gh}"
    );
    assert!(lines[2].contains("%0A- pub fn run(input: &str)"), "{gh}");
    // `,` and `:` in a file name are escaped in the property
    assert!(
        lines[3].starts_with(
            "::warning file=crates/core/src/a%2Cb%3Ac.rs,line=7,col=5,title=semgate item-added::"
        ),
        "{gh}"
    );
    // no span at all: no file property
    assert!(
        lines[4].starts_with("::notice title=semgate const-value-changed::"),
        "{gh}"
    );
    assert!(
        gh.contains("::error title=semgate::`app` cannot be released"),
        "{gh}"
    );
    assert!(
        gh.contains("::notice title=semgate::skipped: docs (publish = false)"),
        "{gh}"
    );
    assert!(
        lines[0].starts_with("::error::semgate refused the release: "),
        "{gh}"
    );
    insta::assert_snapshot!("github_workspace", gh);
}

#[test]
fn github_output_lines() {
    let report = workspace_report();
    // two packages: no single minimum version to give
    assert_eq!(
        report::github_output(&report),
        "bumpLevel=major\nchange=breaking\nverdict=fail\n"
    );
    let one = Report::new(report.packages.into_iter().take(1).collect());
    assert_eq!(
        report::github_output(&one),
        "bumpLevel=major\nchange=breaking\nminimumVersion=2.0.0\nverdict=fail\n",
        "the accepted break does not count, the removed item does"
    );
}

// ------------------------------------------------------------------------------------------
// Colour of the human report: --color, NO_COLOR, CARGO_TERM_COLOR
// ------------------------------------------------------------------------------------------

const ESC: char = '\x1b';

/// Runs the human report on the example pair with a clean colour environment plus `env`,
/// its stdout and stderr on a pipe.
fn human_piped(pair: &Pair, color: &str, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(pair.path())
        .args([
            "check",
            "--baseline-rustdoc",
            "old.json",
            "--current-rustdoc",
            "new.json",
            "--color",
            color,
        ])
        .env_remove("NO_COLOR")
        .env_remove("CARGO_TERM_COLOR")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .output()
        .expect("semgate runs")
}

/// The same on a pseudo-terminal (util-linux `script`), where `--color auto` colours unless
/// the environment says otherwise. Returns the exit code and everything the terminal showed.
fn human_on_terminal(pair: &Pair, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let command = format!(
        "'{}' check --baseline-rustdoc old.json --current-rustdoc new.json --color auto",
        env!("CARGO_BIN_EXE_semgate")
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(pair.path())
        .env_remove("NO_COLOR")
        .env_remove("CARGO_TERM_COLOR")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`script` (util-linux) runs: it provides the terminal");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn color_always_colours_even_through_a_pipe_and_never_does_not() {
    let pair = Pair::of("example");
    let always = human_piped(&pair, "always", &[("NO_COLOR", "1")]);
    assert_exit(&always, 1);
    assert!(
        stdout(&always).contains("\x1b[1;31mbreaking\x1b[0m"),
        "--color always wins over NO_COLOR:\n{}",
        stdout(&always)
    );

    let never = human_piped(&pair, "never", &[("CARGO_TERM_COLOR", "always")]);
    assert_exit(&never, 1);
    assert!(
        !stdout(&never).contains(ESC) && !stderr(&never).contains(ESC),
        "{}",
        stdout(&never)
    );

    let auto_piped = human_piped(&pair, "auto", &[]);
    assert!(
        !stdout(&auto_piped).contains(ESC),
        "auto does not colour a pipe:\n{}",
        stdout(&auto_piped)
    );
}

#[test]
fn color_auto_on_a_terminal_honours_no_color_and_cargo_term_color() {
    let pair = Pair::of("example");
    // the control: on a terminal, auto colours (else the checks below prove nothing)
    let (code, shown) = human_on_terminal(&pair, &[]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains("\x1b[1;31mbreaking\x1b[0m"),
        "auto colours a terminal:\n{shown}"
    );

    let (code, shown) = human_on_terminal(&pair, &[("NO_COLOR", "1")]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("breaking[enum-variant-added]"), "{shown}");
    assert!(
        !shown.contains(ESC),
        "NO_COLOR=1 turns colour off:\n{shown}"
    );

    let (_, shown) = human_on_terminal(&pair, &[("CARGO_TERM_COLOR", "never")]);
    assert!(
        !shown.contains(ESC),
        "CARGO_TERM_COLOR=never turns colour off:\n{shown}"
    );

    // cargo's own setting wins over the generic convention, as it does for cargo
    let (_, shown) = human_on_terminal(&pair, &[("CARGO_TERM_COLOR", "always"), ("NO_COLOR", "1")]);
    assert!(
        shown.contains(ESC),
        "CARGO_TERM_COLOR=always wins over NO_COLOR:\n{shown}"
    );
}
