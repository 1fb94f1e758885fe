//! The three ways teams release, end to end on real git repositories: one shared version
//! (`semgate version`, `semgate bump`), tagged releases with release branches, and
//! independently versioned crates (`check --release`, propagation of breaking changes).
//!
//! Crate names are unique per test: every test shares one target directory.

mod common;

use common::repo::{assert_exit, semgate, semgate_env, show, stderr, stdout, TestRepo};

// ---------------------------------------------------------------------------------------------
// Flow 1: one shared version
// ---------------------------------------------------------------------------------------------

/// The workspace root: `[workspace.package] version` is the shared version, `req` the
/// requirement the crates use for each other.
fn flow1_root(version: &str, req: &str) -> String {
    format!(
        r#"# flow 1: every crate releases together, at one version
[workspace]
members = ["crates/core", "crates/mid", "crates/app"]
resolver = "2"

[workspace.package]
version = "{version}"   # CI stamps +<hash>.<date>
edition = "2021"

[workspace.dependencies]
# the crates depend on each other at the shared version
flow1_core = {{ path = "crates/core", version = "{req}" }}
"#
    )
}

const FLOW1_CORE_MANIFEST: &str = r#"[package]
name = "flow1_core"
version.workspace = true
edition.workspace = true
"#;

const FLOW1_MID_MANIFEST: &str = r#"[package]
name = "flow1_mid"
version = { workspace = true }
edition.workspace = true

[dependencies]
flow1_core.workspace = true
"#;

/// app writes the shared version itself, pins mid with `=` and has a table-style dev-dependency.
fn flow1_app(version: &str, req: &str) -> String {
    format!(
        r#"[package]
name = "flow1_app"
version = "{version}" # kept equal to the workspace version
edition = "2021"

[dependencies]
flow1_mid = {{ path = "../mid", version = "={req}" }}

[dev-dependencies.flow1_core]
path = "../core"
version = '{req}'   # tests only
"#
    )
}

const FLOW1_CORE_V1: &str = "pub struct Config {\n    pub name: String,\n}\n\npub fn parse(input: &str) -> Config {\n    Config { name: input.to_string() }\n}\n\npub fn revision() -> u32 {\n    4\n}\n";
/// `revision` is gone: a breaking change.
const FLOW1_CORE_V2: &str = "pub struct Config {\n    pub name: String,\n}\n\npub fn parse(input: &str) -> Config {\n    Config { name: input.to_string() }\n}\n";

fn flow1_files(version: &str, req: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Cargo.toml", flow1_root(version, req)),
        ("crates/app/Cargo.toml", flow1_app(version, req)),
    ]
}

fn write_owned(repo: &TestRepo, files: &[(&'static str, String)]) {
    for (rel, text) in files {
        repo.write(rel, text);
    }
}

#[track_caller]
fn assert_flow1_manifests(repo: &TestRepo, version: &str, req: &str) {
    for (rel, text) in flow1_files(version, req) {
        assert_eq!(repo.read(rel), text, "{rel}");
    }
    assert_eq!(
        repo.read("crates/core/Cargo.toml"),
        FLOW1_CORE_MANIFEST,
        "inherits: untouched"
    );
    assert_eq!(
        repo.read("crates/mid/Cargo.toml"),
        FLOW1_MID_MANIFEST,
        "inherits: untouched"
    );
}

#[test]
fn flow1_shared_version_workspace() {
    let repo = TestRepo::workspace(
        "flow1",
        &[
            ("crates/core/Cargo.toml", FLOW1_CORE_MANIFEST),
            ("crates/core/src/lib.rs", FLOW1_CORE_V1),
            ("crates/mid/Cargo.toml", FLOW1_MID_MANIFEST),
            (
                "crates/mid/src/lib.rs",
                "pub fn describe(input: &str) -> String {\n    flow1_core::parse(input).name\n}\n",
            ),
            (
                "crates/app/src/lib.rs",
                "pub fn run(input: &str) -> usize {\n    flow1_mid::describe(input).len()\n}\n",
            ),
        ],
    );
    // release 0.4.0, then main moves to the next development version (stamped by CI)
    write_owned(&repo, &flow1_files("0.4.0", "0.4.0"));
    repo.lock();
    repo.commit("release 0.4.0");
    repo.tag("v0.4.0");
    let dev = "0.4.1-dev+3f2c1ab.2026-11-20";
    write_owned(&repo, &flow1_files(dev, "0.4.1-dev"));
    repo.lock();
    repo.commit("start 0.4.1-dev");
    repo.write("crates/core/src/lib.rs", FLOW1_CORE_V2);
    repo.commit("core: remove revision()");

    let out = semgate(&repo.dir, &["version"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), format!("{dev}\n"));

    // the release workflow asks which level, then checks the one it was given
    let out = semgate(&repo.dir, &["suggest", "--workspace"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "minor\n",
        "0.x: a breaking change needs a minor release"
    );
    let out = semgate(&repo.dir, &["check", "--workspace", "--bump", "patch"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("flow1_core"), "{}", show(&out));

    // bump patch is refused and writes nothing
    let before = repo.fingerprint();
    let out = semgate(&repo.dir, &["bump", "patch"]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("`flow1_core` needs at least 0.5.0 (breaking change since 0.4.0: 1 breaking finding(s)), but this bump releases 0.4.1"), "{err}");
    assert!(
        err.contains("`semgate bump minor` is large enough"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        stdout(&out).is_empty(),
        "no new version on stdout: {}",
        stdout(&out)
    );
    assert_eq!(repo.fingerprint(), before, "a refused bump wrote something");

    // --dry-run prints the plan, writes nothing
    let out = semgate(&repo.dir, &["bump", "minor", "--dry-run"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "0.5.0\n");
    assert!(
        stderr(&out).contains("dry run: nothing was written"),
        "{}",
        show(&out)
    );
    assert_eq!(repo.fingerprint(), before, "--dry-run wrote something");

    // bump minor writes 0.5.0 everywhere the version is held, comments and layout kept
    let out = semgate(&repo.dir, &["bump", "minor"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "0.5.0\n", "NEW=$(semgate bump minor) works");
    let err = stderr(&out);
    for line in [
        "     Bumping workspace 0.4.1-dev+3f2c1ab.2026-11-20 -> 0.5.0 (Cargo.toml [workspace.package], inherited by flow1_core, flow1_mid)",
        "    Updating flow1_core requirement 0.4.1-dev -> 0.5.0 (Cargo.toml [workspace.dependencies])",
        "     Bumping flow1_app 0.4.1-dev+3f2c1ab.2026-11-20 -> 0.5.0 (crates/app/Cargo.toml)",
        "    Updating flow1_mid requirement =0.4.1-dev -> =0.5.0 (crates/app/Cargo.toml [dependencies])",
        "    Updating flow1_core requirement 0.4.1-dev -> 0.5.0 (crates/app/Cargo.toml [dev-dependencies])",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    assert_flow1_manifests(&repo, "0.5.0", "0.5.0");
    let lock = repo.read("Cargo.lock");
    for name in ["flow1_core", "flow1_mid", "flow1_app"] {
        assert!(
            lock.contains(&format!("name = \"{name}\"\nversion = \"0.5.0\"")),
            "{name} in Cargo.lock:\n{lock}"
        );
    }
    repo.commit("release 0.5.0");

    // then main moves to the next development version: no API check for that
    let out = semgate(&repo.dir, &["bump", "--dev"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "0.5.1-dev\n");
    assert!(
        !stderr(&out).contains("Comparing"),
        "--dev alone runs no comparison: {}",
        stderr(&out)
    );
    assert_flow1_manifests(&repo, "0.5.1-dev", "0.5.1-dev");
    let out = semgate(&repo.dir, &["version"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "0.5.1-dev\n");

    // CI stamps build metadata: +<short hash>.<UTC date>
    let date = std::process::Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .expect("date runs");
    let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
    let stamped = semgate(&repo.dir, &["bump", "--metadata", "--dry-run"]);
    assert_exit(&stamped, 0);
    assert_eq!(
        stdout(&stamped),
        format!("0.5.1-dev+{}.{date}\n", repo.short_head())
    );
    assert_flow1_manifests(&repo, "0.5.1-dev", "0.5.1-dev");

    // one member drifting away from the shared version: `version` and `check` both refuse
    repo.write("crates/app/Cargo.toml", &flow1_app("0.6.0", "0.5.1-dev"));
    let out = semgate(&repo.dir, &["version"]);
    assert_exit(&out, 1);
    assert!(stdout(&out).is_empty(), "{}", show(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "0.5.1-dev: the workspace version ([workspace.package]), flow1_core, flow1_mid"
        ),
        "{err}"
    );
    assert!(err.contains("0.6.0: flow1_app"), "{err}");
    let out = semgate(&repo.dir, &["bump", "patch"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("bump packages one at a time with -p NAME"),
        "{}",
        show(&out)
    );
    let out = semgate(&repo.dir, &["check", "--workspace"]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("flow1_app is at 0.6.0 (the workspace version is 0.5.1-dev)"),
        "{}",
        show(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// Flow 2: tagged releases with release branches
// ---------------------------------------------------------------------------------------------

const FLOW2_LIB: &str = "pub struct Parser;\n\nimpl Parser {\n    pub fn parse(&self, input: &str) -> usize {\n        input.len()\n    }\n\n    pub fn strict(&self, input: &str) -> bool {\n        !input.is_empty()\n    }\n}\n";
/// `Parser::strict` removed: breaking, never allowed on a patch branch.
const FLOW2_LIB_REMOVED: &str = "pub struct Parser;\n\nimpl Parser {\n    pub fn parse(&self, input: &str) -> usize {\n        input.len()\n    }\n}\n";
/// A fix in a body only.
const FLOW2_LIB_FIXED: &str = "pub struct Parser;\n\nimpl Parser {\n    pub fn parse(&self, input: &str) -> usize {\n        input.trim().len()\n    }\n\n    pub fn strict(&self, input: &str) -> bool {\n        !input.trim().is_empty()\n    }\n}\n";

#[test]
fn flow2_release_branch_patches() {
    let repo = TestRepo::new("flow2_lib", "1.2.0", FLOW2_LIB);
    repo.tag("v1.2.0");
    // main moves on and releases 1.3.0 (not reachable from the release branch)
    repo.write("src/lib.rs", &format!("{FLOW2_LIB}\npub fn added() {{}}\n"));
    repo.set_version("flow2_lib", "1.3.0");
    repo.commit("add added()");
    repo.tag("v1.3.0");

    repo.git(&["checkout", "-q", "-b", "release/v1.2.0", "v1.2.0"]);
    repo.write("src/lib.rs", FLOW2_LIB_REMOVED);
    repo.set_version("flow2_lib", "1.2.1");
    repo.commit("remove strict");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("flow2_lib::Parser::strict"), "{report}");
    assert!(
        report.contains("1.2.0"),
        "the baseline is the tag the branch patches: {report}"
    );
    assert!(
        !report.contains("1.3.0"),
        "tags on main are not the baseline: {report}"
    );

    // a compatible fix instead
    repo.git(&["reset", "-q", "--hard", "v1.2.0"]);
    repo.write("src/lib.rs", FLOW2_LIB_FIXED);
    repo.set_version("flow2_lib", "1.2.1");
    repo.commit("fix: trim input");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("PASS"), "{}", show(&out));
    let out = semgate(&repo.dir, &["version"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "1.2.1\n",
        "a single package prints its version"
    );
}

// ---------------------------------------------------------------------------------------------
// Flow 3: independently versioned crates
// ---------------------------------------------------------------------------------------------

const FLOW3_ROOT: &str = "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n";

fn flow3_core_manifest(version: &str) -> String {
    format!("[package]\nname = \"flow3_core\"\nversion = \"{version}\"\nedition = \"2021\"\n")
}

fn flow3_app_manifest(core_req: &str) -> String {
    format!(
        "[package]\nname = \"flow3_app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n# released independently\nflow3_core = {{ path = \"../core\", version = \"{core_req}\" }}\n"
    )
}

const FLOW3_CORE_V1: &str = "pub struct Thing {\n    pub id: u32,\n}\n\nimpl Thing {\n    pub fn new(id: u32) -> Thing {\n        Thing { id }\n    }\n}\n";
/// `Thing::new` takes a u64: breaking.
const FLOW3_CORE_V2: &str = "pub struct Thing {\n    pub id: u32,\n}\n\nimpl Thing {\n    pub fn new(id: u64) -> Thing {\n        Thing { id: id as u32 }\n    }\n}\n";
/// app's public API exposes core's type.
const FLOW3_APP: &str =
    "pub use flow3_core::Thing;\n\npub fn make() -> Thing {\n    Thing::new(1)\n}\n";

#[test]
fn flow3_independent_versions() {
    let core_manifest = flow3_core_manifest("0.1.0");
    let app_manifest = flow3_app_manifest("0.1.0");
    let repo = TestRepo::workspace(
        "flow3",
        &[
            ("Cargo.toml", FLOW3_ROOT),
            ("core/Cargo.toml", &core_manifest),
            ("core/src/lib.rs", FLOW3_CORE_V1),
            ("app/Cargo.toml", &app_manifest),
            ("app/src/lib.rs", FLOW3_APP),
        ],
    );
    repo.tag("flow3_core-v0.1.0");
    repo.tag("flow3_app@0.1.0");

    // core breaks; app re-exports core's type, so app breaks too (propagation)
    repo.write("core/src/lib.rs", FLOW3_CORE_V2);
    repo.write(
        "app/src/lib.rs",
        "pub use flow3_core::Thing;\n\npub fn make() -> Thing {\n    Thing::new(1u64)\n}\n",
    );
    repo.commit("core: Thing::new takes u64");
    let out = semgate(&repo.dir, &["check", "--workspace", "--format", "json"]);
    assert_exit(&out, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let package = |name: &str| {
        v["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .expect(name)
    };
    let (core, app) = (package("flow3_core"), package("flow3_app"));
    assert_eq!(core["change"], "breaking", "{core}");
    assert_eq!(
        core["baseline"]["description"]
            .as_str()
            .map(|d| d.starts_with("git tag flow3_core-v0.1.0")),
        Some(true),
        "{core}"
    );
    assert_eq!(app["change"], "breaking", "{app}");
    assert_eq!(app["baseline"]["version"], "0.1.0", "{app}");
    // spans are relative to the package; package_dir locates the package in the repository
    assert_eq!(core["package_dir"], "core", "{core}");
    let core_finding = &core["findings"][0];
    assert_eq!(
        core_finding["current_span"]["file"], "src/lib.rs",
        "{core_finding}"
    );
    let finding = app["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "public-dependency-major-bump")
        .unwrap_or_else(|| panic!("no propagated finding: {app}"));
    assert_eq!(finding["path"], "flow3_app/flow3_core");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("`flow3_core` has breaking changes"),
        "{finding}"
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("e.g. `flow3_app::Thing`"),
        "{finding}"
    );

    // versions are per package: bump needs -p once they differ; -p bumps just that package and
    // the requirements on it
    let out = semgate(&repo.dir, &["bump", "minor", "-p", "flow3_core"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "0.2.0\n");
    assert_eq!(repo.read("core/Cargo.toml"), flow3_core_manifest("0.2.0"));
    assert_eq!(
        repo.read("app/Cargo.toml"),
        flow3_app_manifest("0.2.0"),
        "app keeps its own version"
    );
    assert!(
        !repo.dir.join("Cargo.lock").exists(),
        "no Cargo.lock to refresh, none created"
    );
    repo.commit("core 0.2.0");
    let out = semgate(&repo.dir, &["version"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("0.1.0: flow3_app"), "{}", show(&out));
    assert!(stderr(&out).contains("0.2.0: flow3_core"), "{}", show(&out));
    let out = semgate(&repo.dir, &["bump", "patch"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("-p NAME"), "{}", show(&out));

    // offline, the release gate cannot tell whether the crates are on the registry: it cannot
    // decide (before, "not on the registry" was assumed and the release could pass)
    let offline = [("CARGO_NET_OFFLINE", "true")];
    let out = semgate_env(
        &repo.dir,
        &["check", "--release", "-p", "flow3_app", "--bump", "minor"],
        &offline,
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("cargo is offline"), "{}", show(&out));
    if !common::online("asking crates.io whether flow3's crates are published") {
        return;
    }
    // app cannot be released before core 0.2.0 is
    let out = semgate(
        &repo.dir,
        &["check", "--release", "-p", "flow3_app", "--bump", "minor"],
    );
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert!(report.contains("`flow3_app` cannot be released [unreleased-dependency]: flow3_app -> flow3_core: `flow3_core` 0.2.0 has no release tag and is not on the registry"), "{}", show(&out));
    // once core is released (tagged), app can follow
    repo.tag("flow3_core-v0.2.0");
    let out = semgate(
        &repo.dir,
        &["check", "--release", "-p", "flow3_app", "--bump", "minor"],
    );
    assert_exit(&out, 0);
}

/// `fixtures/unreleased-dependency`: a path dependency with `publish = false` blocks the
/// release; a path-only dev-dependency does not (cargo publish strips it).
#[test]
fn unreleased_path_dependency_blocks_the_release() {
    let dir = common::root().join("fixtures/unreleased-dependency/new");
    let offline = [("CARGO_NET_OFFLINE", "true")];
    let out = semgate_env(
        &dir,
        &["check", "--release", "--baseline-path", "../old"],
        &offline,
    );
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert!(
        report.contains("unreleased_dependency -> unreleased_internal_util"),
        "{report}"
    );
    assert!(report.contains("is publish = false"), "{report}");
    assert!(
        !report.contains("unreleased_test_support"),
        "dev-dependencies do not block: {report}"
    );
    // without --release the API check alone passes: nothing changed in the API
    let out = semgate_env(&dir, &["check", "--baseline-path", "../old"], &offline);
    assert_exit(&out, 0);
}

/// `version` and `bump` without git and without any build: the version arithmetic's errors
/// reach the user as exit 2 with a clear message, and nothing is written.
#[test]
fn single_crate_outside_git() {
    let tmp = tempfile::Builder::new()
        .prefix("semgate-e2e-")
        .tempdir()
        .expect("tempdir");
    let dir = tmp.path();
    let manifest = "[package]\nname = \"nogit_lib\"\nversion = '1.2.0'  # released\nedition = \"2021\"\n\n[workspace]\n";
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();

    let out = semgate(dir, &["version"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "1.2.0\n");
    let out = semgate(dir, &["bump", "release"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("1.2.0 is not a pre-release, so `release` has nothing to drop"),
        "{}",
        show(&out)
    );
    let out = semgate(dir, &["bump", "--metadata"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--metadata needs the commit hash"),
        "{}",
        show(&out)
    );
    let out = semgate(dir, &["bump", "v1.3.0"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("write the version without the `v`: 1.3.0"),
        "{}",
        show(&out)
    );
    let out = semgate(dir, &["bump"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("nothing to bump"), "{}", show(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        manifest,
        "errors write nothing"
    );

    // the next development version needs neither git nor a comparison; quoting is kept
    let out = semgate(dir, &["bump", "--dev"]);
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "1.2.1-dev\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        manifest.replace("'1.2.0'", "'1.2.1-dev'")
    );
    assert!(!dir.join("Cargo.lock").exists());
}
