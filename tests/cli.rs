//! The semgate binary as users and CI see it: exit codes, reports and errors, end to end on
//! real git repositories.

mod common;

use common::repo::{assert_contains, assert_exit, semgate, stderr, stdout, TestRepo};

const LIB_V1: &str =
    "pub fn parse(input: &str) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";
/// `parse` takes a `String` now: a breaking change.
const LIB_V2: &str =
    "pub fn parse(input: String) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";

/// A repo tagged v1.0.0, then a breaking change committed with `version` in Cargo.toml.
fn released_then_broken(name: &str, version: &str) -> TestRepo {
    let repo = TestRepo::new(name, "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", LIB_V2);
    repo.set_version(name, version);
    repo.commit("change parse");
    repo
}

#[test]
fn breaking_change_with_minor_bump_is_refused() {
    let repo = released_then_broken("e2e_minor", "1.1.0");
    let before = repo.fingerprint();
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert_contains(&report, &["breaking[fn-param-type-changed]"]);
    assert_contains(&report, &["- pub fn parse(input: &str) -> u32"]);
    assert_contains(&report, &["+ pub fn parse(input: String) -> u32"]);
    assert_contains(&report, &["FAIL"]);
    assert_contains(&report, &["at least 2.0.0"]);
    assert_eq!(
        repo.fingerprint(),
        before,
        "semgate changed the user's repository"
    );
}

#[test]
fn breaking_change_with_major_bump_passes_and_suggest_says_major() {
    let repo = released_then_broken("e2e_major", "2.0.0");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("PASS"));

    let out = semgate(&repo.dir, &["suggest"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "major\n", "suggest prints exactly one word");
    assert!(
        stderr(&out).contains("fn-param-type-changed"),
        "reasons go to stderr: {}",
        stderr(&out)
    );

    // the release workflow's bumpLevel: --bump minor is too small, --bump major is enough
    assert_eq!(
        semgate(&repo.dir, &["check", "--bump", "minor"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        semgate(&repo.dir, &["check", "--bump", "major"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn json_report_follows_the_schema_and_is_deterministic() {
    let repo = released_then_broken("e2e_json", "1.1.0");
    let first = semgate(&repo.dir, &["check", "--format", "json"]);
    let second = semgate(&repo.dir, &["check", "--format", "json"]);
    assert_exit(&first, 1);
    assert_eq!(
        stdout(&first),
        stdout(&second),
        "same inputs, byte-identical report"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&first)).expect("valid JSON");
    let p = &v["packages"][0];
    assert_eq!(p["name"], "e2e_json");
    assert_eq!(p["baseline"]["version"], "1.0.0");
    assert_eq!(p["baseline"]["source"], "git");
    assert_eq!(p["current"]["version"], "1.1.0");
    assert_eq!(p["change"], "breaking");
    assert_eq!(p["required_bump"], "major");
    assert_eq!(p["minimum_version"], "2.0.0");
    assert_eq!(p["proposed_version"], "1.1.0");
    assert_eq!(p["verdict"], "fail");
    let f = &p["findings"][0];
    assert_eq!(f["rule"], "fn-param-type-changed");
    assert_eq!(f["change"], "breaking");
    assert_eq!(f["path"], "e2e_json::parse");
    assert_eq!(f["current_span"]["file"], "src/lib.rs");
    assert_eq!(f["baseline_span"]["line"], 1);
}

#[test]
fn dirty_working_tree_is_compared_as_it_is() {
    let repo = TestRepo::new("e2e_dirty", "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", &format!("{LIB_V1}\npub fn added() {{}}\n"));
    repo.set_version("e2e_dirty", "1.1.0");
    let before = repo.fingerprint();
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("uncommitted changes"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("additive[item-added]"),
        "{}",
        stdout(&out)
    );
    assert_eq!(repo.fingerprint(), before);
}

/// No tag in a complete history and a crate no registry can have (publish = false): nothing
/// was released before, so this is a first release, for one package as for a workspace.
#[test]
fn without_any_release_it_is_a_first_release() {
    let repo = TestRepo::new("e2e_notag", "1.0.0", LIB_V1);
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        &["first release", "no release tag of `e2e_notag`"],
    );
    let out = semgate(&repo.dir, &["check", "-p", "e2e_notag"]);
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), &["first release"]);
}

#[test]
fn unknown_revision_is_an_error() {
    let repo = TestRepo::new("e2e_badrev", "1.0.0", LIB_V1);
    let out = semgate(&repo.dir, &["check", "--baseline-rev", "v9.9.9"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("v9.9.9"), "{}", stderr(&out));
}

#[test]
fn not_a_git_repository_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("src")).unwrap();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        common::repo::manifest("e2e_nogit", "1.0.0"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("src/lib.rs"), LIB_V1).unwrap();
    let out = semgate(tmp.path(), &["check"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert_contains(&err, &["git"]);
    assert!(
        err.contains("--baseline-version") || err.contains("--baseline-path"),
        "{err}"
    );
}

#[test]
fn compile_error_in_the_current_side_shows_the_compiler_message() {
    let repo = TestRepo::new("e2e_broken", "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    // rustdoc does not type-check bodies, so the error is in a signature
    repo.write(
        "src/lib.rs",
        "pub fn parse(input: &UndefinedType) -> u32 { 0 }\n",
    );
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("UndefinedType"),
        "the compiler's error is shown: {err}"
    );
}

#[test]
fn bin_only_crate_is_an_error() {
    let repo = TestRepo::new("e2e_binonly", "1.0.0", LIB_V1);
    repo.git(&["mv", "src/lib.rs", "src/main.rs"]);
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit("binary");
    repo.tag("v1.0.0");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("library"), "{}", stderr(&out));
}

#[test]
fn corrupt_and_foreign_json_files_are_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = common::fixture_json("item-added", "old");
    let truncated = tmp.path().join("truncated.json");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let foreign = tmp.path().join("v12.json");
    std::fs::write(&foreign, r#"{"root":0,"index":{},"format_version":12}"#).unwrap();
    let missing = tmp.path().join("missing.json");

    for (file, expected) in [
        (&truncated, "truncated or corrupt"),
        (&foreign, "format_version 12"),
        (&missing, "cannot read"),
    ] {
        let out = semgate(
            tmp.path(),
            &[
                "check",
                "--baseline-rustdoc",
                file.to_str().unwrap(),
                "--current-rustdoc",
                good.to_str().unwrap(),
            ],
        );
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains(expected),
            "{}: {}",
            file.display(),
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn prebuilt_json_on_both_sides_needs_no_cargo() {
    let old = common::fixture_json("example", "old");
    let new = common::fixture_json("example", "new");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = semgate(
        tmp.path(),
        &[
            "check",
            "--baseline-rustdoc",
            old.to_str().unwrap(),
            "--current-rustdoc",
            new.to_str().unwrap(),
        ],
    );
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert_contains(&report, &["proposed: 1.5.0"]);
    assert_contains(&report, &["required: major release, at least 2.0.0"]);
}

#[test]
fn help_rules_and_explain() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let help = semgate(tmp.path(), &["check", "--help"]);
    assert_exit(&help, 0);
    insta::assert_snapshot!("check_help", stdout(&help));

    let rules = semgate(tmp.path(), &["rules"]);
    assert_exit(&rules, 0);
    let listed = stdout(&rules);
    for rule in semgate::rules::RULES {
        assert!(
            listed.contains(rule.id),
            "`semgate rules` is missing {}",
            rule.id
        );
    }

    let explain = semgate(tmp.path(), &["explain", "enum-variant-added"]);
    assert_exit(&explain, 0);
    insta::assert_snapshot!("explain_enum_variant_added", stdout(&explain));

    // the release check of `check --release` is documented like a rule
    assert_contains(&listed, &["unreleased-dependency"]);
    let release_check = semgate(tmp.path(), &["explain", "unreleased-dependency"]);
    assert_exit(&release_check, 0);
    assert!(stdout(&release_check).contains("blocks the release"));

    let unknown = semgate(tmp.path(), &["explain", "no-such-rule"]);
    assert_exit(&unknown, 2);
    assert!(stderr(&unknown).contains("semgate rules"));

    let version = semgate(tmp.path(), &["--version", "--verbose"]);
    assert!(
        stdout(&version).contains("format_version: 37, 57, 58, 59, 60, 61"),
        "{}",
        stdout(&version)
    );
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = semgate(tmp.path(), &["check", "--bump", "huge"]);
    assert_exit(&out, 2);
    let out = semgate(
        tmp.path(),
        &[
            "check",
            "--baseline-rev",
            "a",
            "--baseline-version",
            "1.0.0",
        ],
    );
    assert_exit(&out, 2);
}

#[test]
fn configuration_accepts_a_finding_with_a_reason_and_reclasses_rules() {
    let repo = TestRepo::new("e2e_config", "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", LIB_V2);
    let manifest = format!(
        "{}\n[package.metadata.semgate]\naccept = [{{ rule = \"fn-param-type-changed\", path = \"e2e_config::parse\", reason = \"parse is only called by our CLI\" }}]\n",
        common::repo::manifest("e2e_config", "1.0.1")
    );
    repo.write("Cargo.toml", &manifest);
    repo.commit("accept the parse change");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    let report = stdout(&out);
    assert!(
        report.contains("accepted[fn-param-type-changed]"),
        "accepted findings stay visible: {report}"
    );
    assert_contains(&report, &["parse is only called by our CLI"]);

    let bad = format!(
        "{}\n[package.metadata.semgate]\nrules = {{ no-such-rule = \"breaking\" }}\n",
        common::repo::manifest("e2e_config", "1.0.1")
    );
    repo.write("Cargo.toml", &bad);
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("no-such-rule"), "{}", stderr(&out));
}

#[test]
fn a_break_behind_a_non_default_feature_is_found_with_feature_sets() {
    let new = common::root().join("fixtures/feature-gated-removal/new/Cargo.toml");
    let old = common::root().join("fixtures/feature-gated-removal/old");
    let args = [
        "check",
        "--manifest-path",
        new.to_str().unwrap(),
        "--baseline-path",
        old.to_str().unwrap(),
    ];
    let default_only = semgate(&common::root(), &args);
    assert_exit(&default_only, 0);
    assert!(!stdout(&default_only).contains("item-removed"));

    let mut with_sets = args.to_vec();
    with_sets.extend(["--feature-sets", "default,all", "--format", "json"]);
    let out = semgate(&common::root(), &with_sets);
    assert_exit(&out, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = &v["packages"][0]["findings"][0];
    assert_eq!(f["rule"], "item-removed");
    assert_eq!(f["path"], "feature_gated_removal::gated");
    assert_eq!(f["feature_sets"], serde_json::json!(["all"]));
}

#[test]
fn ctrl_c_during_a_build_exits_130_and_removes_temporary_directories() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let repo = TestRepo::new("e2e_ctrlc", "1.0.0", LIB_V1);
    // a build script that outlives the test unless semgate stops the build
    repo.write(
        "build.rs",
        "fn main() { std::thread::sleep(std::time::Duration::from_secs(120)); }\n",
    );
    repo.commit("slow build script");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", LIB_V2);
    repo.commit("change");
    let before = repo.fingerprint();
    let tmp = tempfile::tempdir().expect("tempdir");

    let mut child = Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(&repo.dir)
        .arg("check")
        .env("TMPDIR", tmp.path())
        .env("SEMGATE_TARGET_DIR", tmp.path().join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("semgate starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("read stderr") == 0 {
            panic!("semgate ended before building: {seen}");
        }
        seen.push_str(&line);
        if line.contains("Building baseline") {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(2)); // inside cargo and the build script
    let started = std::time::Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("read stderr");
    let status = child.wait().expect("semgate exits");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "semgate stopped promptly"
    );
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert_contains(&rest, &["interrupt"]);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "target")
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary directories left behind: {leftovers:?}"
    );
    assert_eq!(repo.fingerprint(), before, "the repository is untouched");
}

#[test]
fn cargo_semgate_is_the_same_tool() {
    // cargo runs `cargo-semgate semgate <args>` for `cargo semgate <args>`
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-semgate"))
        .current_dir(tmp.path())
        .args(["semgate", "--version"])
        .output()
        .expect("cargo-semgate runs");
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!("semgate {}\n", env!("CARGO_PKG_VERSION"))
    );

    let old = common::fixture_json("example", "old");
    let new = common::fixture_json("example", "new");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-semgate"))
        .current_dir(tmp.path())
        .args(["semgate", "check", "--quiet", "--baseline-rustdoc"])
        .arg(&old)
        .arg("--current-rustdoc")
        .arg(&new)
        .output()
        .expect("cargo-semgate runs");
    assert_exit(&out, 1);
}

#[test]
fn manifest_findings_point_at_their_line_of_cargo_toml() {
    let repo = TestRepo::new("e2e_manifest", "1.0.0", LIB_V1);
    let with_features = |version: &str, extra: &str| {
        format!(
            "{}\n[features]\ndefault = []\nfast = []\n{extra}",
            common::repo::manifest("e2e_manifest", version)
        )
    };
    repo.write("Cargo.toml", &with_features("1.0.0", ""));
    repo.commit("features");
    repo.tag("v1.0.0");
    repo.write("Cargo.toml", &with_features("1.1.0", "simd = [\"fast\"]\n"));
    repo.commit("a new feature");
    let out = semgate(&repo.dir, &["check", "--format", "json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = &v["packages"][0]["findings"][0];
    assert_eq!(f["rule"], "feature-added");
    let line = f["current_span"]["line"].as_u64().expect("a line") as usize;
    assert_eq!(f["current_span"]["file"], "Cargo.toml");
    assert!(
        repo.read("Cargo.toml")
            .lines()
            .nth(line - 1)
            .unwrap()
            .starts_with("simd ="),
        "line {line} of Cargo.toml"
    );
}

#[test]
fn prebuilt_json_with_the_projects_configuration() {
    let old = common::fixture_json("example", "old");
    let new = common::fixture_json("example", "new");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("src")).unwrap();
    std::fs::write(tmp.path().join("src/lib.rs"), "").unwrap();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        format!(
            "{}\n[package.metadata.semgate]\naccept = [\n  {{ rule = \"fn-param-type-changed\", path = \"example_config::from_pairs\", reason = \"callers migrated\" }},\n  {{ rule = \"enum-variant-added\", path = \"example_config::ParseError::*\", reason = \"matches use a wildcard\" }},\n]\n",
            common::repo::manifest("example_config", "1.5.0")
        ),
    )
    .unwrap();
    let out = semgate(
        tmp.path(),
        &[
            "check",
            "--baseline-rustdoc",
            old.to_str().unwrap(),
            "--current-rustdoc",
            new.to_str().unwrap(),
        ],
    );
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("accepted: callers migrated"),
        "{}",
        stdout(&out)
    );
}

/// The README's first command prints, byte for byte, the report README shows (so the
/// quick-start never drifts from the tool), and exits 1; the report is also snapshotted.
#[test]
fn the_readme_quick_start_prints_the_report_it_shows() {
    let root = common::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = "$ cargo run -- check --manifest-path fixtures/example/new/Cargo.toml --baseline-path fixtures/example/old\n";
    assert!(
        readme.contains(command),
        "README's quick-start command changed"
    );
    let shown = readme
        .split("The first command builds semgate")
        .nth(1)
        .and_then(|rest| rest.split("```text\n").nth(1))
        .and_then(|block| block.split("\n```").next())
        .expect("README shows the report in a ```text block after the quick-start");
    let target = common::shared_target();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(&root)
        .args([
            "check",
            "--manifest-path",
            "fixtures/example/new/Cargo.toml",
            "--baseline-path",
            "fixtures/example/old",
            "--target-dir",
        ])
        .arg(&target)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let printed = stdout(&out);
    insta::assert_snapshot!("readme_quick_start", printed);
    assert_eq!(
        printed.trim_end(),
        shown.trim_end(),
        "README's quick-start block no longer matches what semgate prints"
    );
}

/// `--target-dir` and `--cache-dir` are relative to where semgate runs, as users write them,
/// even though cargo runs in the package's directory.
#[test]
fn a_relative_target_dir_is_taken_from_the_current_directory() {
    let repo = released_then_broken("e2e_reltarget", "1.1.0");
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = repo.dir.join("Cargo.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(elsewhere.path())
        .arg("check")
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["--target-dir", "rel/target", "--cache-dir", "rel/cache"])
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    assert_exit(&out, 1);
    assert!(
        elsewhere.path().join("rel/target").is_dir(),
        "{}",
        stderr(&out)
    );
    assert!(
        elsewhere.path().join("rel/cache").is_dir(),
        "{}",
        stderr(&out)
    );
    assert!(
        !repo.dir.join("rel").exists(),
        "cargo wrote inside the package"
    );
}
