//! The gate in a living monorepo: the ordinary events of a repository's life (a crate added,
//! a release tagged, `bump --dev` not yet committed, crates that deny lints, two packages of one
//! name in the graph), and every way semgate can lack knowledge, which must end in exit 2, never
//! in a pass. Each test runs the binary on a real git repository.
//!
//! Crate names are unique per test: every test shares one target directory.

mod common;

use common::repo::{
    assert_contains, assert_exit, semgate, semgate_env, show, stderr, stdout, TestRepo,
};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\n{}", show(out)))
}

/// The report entry of package `name`.
fn package<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no package {name} in {report:#}"))
}

/// A shared-version workspace: `[workspace.package] version`, members under crates/.
fn shared_root(version: &str) -> String {
    format!(
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"{version}\"\nedition = \"2021\"\n"
    )
}

fn shared_member(name: &str, deps: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[dependencies]\n{deps}"
    )
}

// ---------------------------------------------------------------------------------------------
// 1. a crate added to a workspace
// ---------------------------------------------------------------------------------------------

#[test]
fn a_member_added_since_the_release_is_a_first_release_and_additive() {
    let repo = TestRepo::workspace(
        "mr_added",
        &[
            ("Cargo.toml", &shared_root("1.5.0")),
            (
                "crates/core/Cargo.toml",
                &shared_member("mr_added_core", ""),
            ),
            ("crates/core/src/lib.rs", "pub fn core() {}\n"),
        ],
    );
    repo.tag("v1.5.0");
    repo.write(
        "crates/extra/Cargo.toml",
        &shared_member("mr_added_extra", ""),
    );
    repo.write("crates/extra/src/lib.rs", "pub fn extra() {}\n");
    repo.write("Cargo.toml", &shared_root("1.6.0"));
    repo.commit("add extra");

    let both = ["-p", "mr_added_core", "-p", "mr_added_extra"];
    let out = semgate(
        &repo.dir,
        &[&["check", "--format", "json"][..], &both].concat(),
    );
    assert_exit(&out, 0);
    let report = json(&out);
    let extra = package(&report, "mr_added_extra");
    assert_eq!(extra["change"], "additive", "{extra:#}");
    assert_eq!(extra["baseline"]["version"], "1.5.0");
    assert_contains(
        &extra["findings"][0]["message"].to_string(),
        &["crate `mr_added_extra` was added since v1.5.0"],
    );

    // the new crate is new API of the workspace's release: at least a minor one
    let out = semgate(&repo.dir, &[&["suggest"][..], &both].concat());
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "minor\n", "{}", show(&out));

    // a patch release is refused because of it; a minor one passes; bump agrees
    let out = semgate(
        &repo.dir,
        &[&["check", "--bump", "patch"][..], &both].concat(),
    );
    assert_exit(&out, 1);
    let out = semgate(&repo.dir, &["bump", "minor", "--dry-run"]);
    assert_exit(&out, 0);
}

// ---------------------------------------------------------------------------------------------
// 2. two packages of one name in the dependency graph (the semver trick)
// ---------------------------------------------------------------------------------------------

#[test]
fn a_package_depending_on_another_version_of_itself_is_checked() {
    let member = |version: &str| {
        format!(
            "[package]\nname = \"mr_twin\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n# the semver trick: the next version re-exports this one's types\nold = {{ package = \"mr_twin\", path = \"vendor/old\" }}\n\n[workspace]\nexclude = [\"vendor\"]\n"
        )
    };
    let repo = TestRepo::workspace(
        "mr_twin",
        &[
            ("Cargo.toml", &member("1.0.0")),
            ("src/lib.rs", "pub use old::Shared;\npub fn keep() {}\npub fn gone() {}\n"),
            (
                "vendor/old/Cargo.toml",
                "[package]\nname = \"mr_twin\"\nversion = \"0.9.0\"\nedition = \"2021\"\npublish = false\n",
            ),
            ("vendor/old/src/lib.rs", "pub struct Shared;\n"),
        ],
    );
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub use old::Shared;\npub fn keep() {}\n");
    repo.write("Cargo.toml", &member("1.1.0"));
    repo.commit("remove gone");
    let out = semgate(&repo.dir, &["check"]);
    // before: cargo's "specification `mr_twin` is ambiguous", exit 2
    assert_exit(&out, 1);
    assert_contains(&stdout(&out), &["mr_twin::gone"]);
}

// ---------------------------------------------------------------------------------------------
// 3. crates that deny lints
// ---------------------------------------------------------------------------------------------

#[test]
fn crates_that_deny_lints_still_document() {
    let repo = TestRepo::workspace(
        "mr_lints",
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n"),
            (
                "core/Cargo.toml",
                "[package]\nname = \"mr_lints_core\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
            ),
            // a warning under deny(warnings): a newer toolchain adds such warnings all the time
            (
                "core/src/lib.rs",
                "#![deny(warnings, missing_docs)]\n//! core\n/// f\npub fn f() { let unused = 1; }\n",
            ),
            (
                "app/Cargo.toml",
                "[package]\nname = \"mr_lints_app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nmr_lints_core = { path = \"../core\" }\n",
            ),
            (
                "app/src/lib.rs",
                "#![deny(warnings, missing_docs, rustdoc::broken_intra_doc_links)]\n//! [NoSuchItem]\npub fn g() { let unused = 1; mr_lints_core::f() }\n",
            ),
        ],
    );
    repo.tag("v0.1.0");
    repo.write(
        "app/src/lib.rs",
        "#![deny(warnings, missing_docs, rustdoc::broken_intra_doc_links)]\n//! [NoSuchItem]\npub fn g() { let unused = 1; mr_lints_core::f() }\npub fn h() {}\n",
    );
    repo.commit("add h");
    let out = semgate(
        &repo.dir,
        &["check", "-p", "mr_lints_app", "--proposed", "0.1.1"],
    );
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), &["mr_lints_app::h"]);
}

// ---------------------------------------------------------------------------------------------
// 4, 5, 7: one rule for choosing a baseline, and no first release on doubt
// ---------------------------------------------------------------------------------------------

/// A publishable crate (no `publish` key): only the registry can say it was never published.
fn publishable_repo(name: &str) -> TestRepo {
    let repo = TestRepo::workspace(
        name,
        &[
            (
                "Cargo.toml",
                &format!("[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[workspace]\n"),
            ),
            ("src/lib.rs", "pub fn a() {}\n"),
        ],
    );
    repo
}

#[test]
fn offline_a_publishable_crate_without_tags_is_not_a_first_release() {
    let repo = publishable_repo("mr_offline_zz9");
    for args in [&["check"][..], &["check", "--workspace"], &["suggest"]] {
        let out = semgate_env(&repo.dir, args, &[("CARGO_NET_OFFLINE", "true")]);
        assert_exit(&out, 2);
        assert_contains(
            &stderr(&out),
            &[
                "cannot tell whether `mr_offline_zz9` was released before",
                "offline",
                "--allow-first-release",
            ],
        );
    }
    let out = semgate_env(
        &repo.dir,
        &["check", "--allow-first-release"],
        &[("CARGO_NET_OFFLINE", "true")],
    );
    assert_exit(&out, 0);
    assert_contains(&stderr(&out), &["warning", "--allow-first-release"]);
}

/// A shallow clone of a repository that has a release tag the clone did not fetch.
fn shallow_clone_of(repo: &TestRepo, into: &std::path::Path) -> std::path::PathBuf {
    let dest = into.join("clone");
    let url = format!("file://{}", repo.dir.display());
    let out = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--no-tags", &url])
        .arg(&dest)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dest
}

#[test]
fn a_shallow_clone_never_makes_a_first_release() {
    let repo = TestRepo::workspace(
        "mr_shallow",
        &[
            ("Cargo.toml", &shared_root("0.3.0")),
            ("crates/a/Cargo.toml", &shared_member("mr_shallow_a", "")),
            ("crates/a/src/lib.rs", "pub fn a() {}\npub fn b() {}\n"),
            ("crates/c/Cargo.toml", &shared_member("mr_shallow_c", "")),
            ("crates/c/src/lib.rs", "pub fn c() {}\n"),
        ],
    );
    repo.tag("v0.3.0");
    repo.write("crates/a/src/lib.rs", "pub fn a() {}\n");
    repo.write("Cargo.toml", &shared_root("0.3.1"));
    repo.commit("remove b: breaking");
    let tmp = tempfile::tempdir().expect("tempdir");
    let clone = shallow_clone_of(&repo, tmp.path());
    // a multi-package run: before, a note that -q hid, and a pass
    let out = semgate(
        &clone,
        &["-q", "check", "-p", "mr_shallow_a", "-p", "mr_shallow_c"],
    );
    assert_exit(&out, 2);
    assert_contains(
        &stderr(&out),
        &["shallow clone", "git fetch --tags --unshallow"],
    );
    // --baseline-source tag names the registry when the crate could be there
    let out = semgate(
        &clone,
        &["check", "-p", "mr_shallow_a", "--baseline-source", "tag"],
    );
    assert_exit(&out, 2);
}

#[test]
fn tag_mode_names_the_registry_for_a_publishable_crate() {
    let repo = publishable_repo("mr_tagmode_zz9");
    let tmp = tempfile::tempdir().expect("tempdir");
    let clone = shallow_clone_of(&repo, tmp.path());
    let out = semgate(&clone, &["check", "--baseline-source", "tag"]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["--baseline-source registry", "shallow"]);
}

// ---------------------------------------------------------------------------------------------
// 6, 9: prebuilt JSON: configuration errors and another crate's JSON
// ---------------------------------------------------------------------------------------------

#[test]
fn a_malformed_configuration_is_an_error_with_prebuilt_json() {
    let old = common::fixture_json("item-removed", "old");
    let new = common::fixture_json("item-removed", "new");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"mr_badconfig\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[package.metadata.semgate]\naccept = [{ rule = \"item-removed\", path = \"*\", reason = \"\" }]\n\n[workspace]\n",
    )
    .unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = semgate(
        dir.path(),
        &[
            "check",
            "--baseline-rustdoc",
            old,
            "--current-rustdoc",
            new,
            "--proposed",
            "1.0.1",
        ],
    );
    // before: the configuration was ignored and the accept entry... never read: exit 1 or 0
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["has no reason"]);
}

#[test]
fn prebuilt_json_of_another_crate_is_an_error() {
    let foreign = common::fixture_json("item-added", "old");
    let repo = TestRepo::new("mr_foreign", "1.0.0", "pub fn a() {}\n");
    let out = semgate(
        &repo.dir,
        &["check", "--baseline-rustdoc", foreign.to_str().unwrap()],
    );
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["describe different crates", "mr_foreign"]);
}

// ---------------------------------------------------------------------------------------------
// 8: no command
// ---------------------------------------------------------------------------------------------

#[test]
fn global_flags_without_a_command_are_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [&["-q"][..], &["-v"], &["--color", "never"], &[]] {
        let out = semgate(dir.path(), args);
        assert_exit(&out, 2);
        assert!(stdout(&out).is_empty(), "{}", show(&out));
    }
}

// ---------------------------------------------------------------------------------------------
// 10: a version that is already released
// ---------------------------------------------------------------------------------------------

#[test]
fn an_already_released_version_is_refused_by_the_release_gate() {
    let repo = TestRepo::new("mr_again", "1.2.0", "pub fn a() {}\n");
    repo.tag("v1.2.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("mr_again", "1.3.0");
    repo.commit("1.3.0");
    repo.tag("v1.3.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n// docs only\n");
    repo.commit("after the release, version not bumped");

    // a pull request that changes no API passes without a bump
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    // the release gate refuses to release 1.3.0 again, with or without build metadata
    for version in ["1.3.0", "1.3.0+build.7"] {
        repo.set_version("mr_again", version);
        let out = semgate(&repo.dir, &["check", "--release"]);
        assert_exit(&out, 1);
        assert_contains(
            &stdout(&out),
            &[
                "[version-already-released]",
                "tag v1.3.0 already names release 1.3.0",
            ],
        );
    }
    repo.set_version("mr_again", "1.3.1");
    let out = semgate(&repo.dir, &["check", "--release"]);
    assert_exit(&out, 0);
}

// ---------------------------------------------------------------------------------------------
// 12: baselines chosen for the workspace as a whole
// ---------------------------------------------------------------------------------------------

fn baselines(out: &std::process::Output) -> Vec<(String, String)> {
    json(out)["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["baseline"]["version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn every_member_gets_the_same_baseline_whatever_its_own_directory_holds() {
    let files = |version: &str| {
        vec![
            ("Cargo.toml".to_string(), shared_root(version)),
            ("crates/core/Cargo.toml".to_string(), shared_member("mr_same_core", "")),
            (
                "crates/app/Cargo.toml".to_string(),
                format!(
                    "[package]\nname = \"mr_same_app\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nmr_same_core = {{ path = \"../core\", version = \"{version}\" }}\n"
                ),
            ),
        ]
    };
    let write = |repo: &TestRepo, version: &str| {
        for (rel, text) in files(version) {
            repo.write(&rel, &text);
        }
    };
    let repo = TestRepo::workspace(
        "mr_same",
        &[
            ("crates/core/src/lib.rs", "pub fn core() {}\n"),
            (
                "crates/app/src/lib.rs",
                "pub fn app() { mr_same_core::core() }\n",
            ),
        ],
    );
    write(&repo, "0.4.0");
    repo.commit("0.4.0");
    repo.tag("v0.4.0");
    repo.write(
        "crates/core/src/lib.rs",
        "pub fn core() {}\npub fn more() {}\n",
    );
    write(&repo, "0.5.0");
    repo.commit("0.5.0");
    repo.tag("v0.5.0");
    let args = [
        "check",
        "-p",
        "mr_same_core",
        "-p",
        "mr_same_app",
        "--format",
        "json",
    ];

    // on the clean release tag: 0.5.0 is the release being checked, against v0.4.0
    let out = semgate(&repo.dir, &args);
    assert_exit(&out, 0);
    let expected_clean = vec![
        ("mr_same_core".to_string(), "0.4.0".to_string()),
        ("mr_same_app".to_string(), "0.4.0".to_string()),
    ];
    assert_eq!(baselines(&out), expected_clean);

    // editing one member's source does not move anybody's baseline
    repo.write(
        "crates/app/src/lib.rs",
        "pub fn app() { mr_same_core::core() }\n// wip\n",
    );
    let out = semgate(&repo.dir, &args);
    assert_exit(&out, 0);
    assert_eq!(baselines(&out), expected_clean);

    // after an uncommitted `bump --dev`, v0.5.0 is the previous release of every member
    repo.git(&["checkout", "--", "."]);
    let out = semgate(&repo.dir, &["bump", "--dev"]);
    assert_exit(&out, 0);
    let out = semgate(&repo.dir, &args);
    assert_exit(&out, 0);
    assert_eq!(
        baselines(&out),
        vec![
            ("mr_same_core".to_string(), "0.5.0".to_string()),
            ("mr_same_app".to_string(), "0.5.0".to_string()),
        ],
        "{}",
        show(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 13: configuration applies to propagated findings
// ---------------------------------------------------------------------------------------------

/// core ships a breaking change under a patch version (its own gate refuses it); app's
/// requirement still admits the new core, so no manifest rule fires in app, but app re-exports
/// core's type and the break propagates to it. app's configuration accepts exactly that
/// propagated finding, and the entry must match (before: applied too early, reported stale).
#[test]
fn an_accept_entry_can_name_a_propagated_finding() {
    let app_manifest = |version: &str, accept: bool| {
        let mut m = format!("[package]\nname = \"mr_prop_app\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nmr_prop_core = {{ path = \"../core\", version = \"0.1.0\" }}\n");
        if accept {
            m.push_str("\n[package.metadata.semgate]\naccept = [{ rule = \"public-dependency-major-bump\", path = \"mr_prop_app/mr_prop_core\", reason = \"core is internal to our tools\" }]\n");
        }
        m
    };
    let core_manifest = |version: &str| {
        format!("[package]\nname = \"mr_prop_core\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n")
    };
    let repo = TestRepo::workspace(
        "mr_prop",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n",
            ),
            ("core/Cargo.toml", &core_manifest("0.1.0")),
            (
                "core/src/lib.rs",
                "pub struct Config { pub name: String }\npub fn f() {}\n",
            ),
            ("app/Cargo.toml", &app_manifest("0.1.0", false)),
            ("app/src/lib.rs", "pub use mr_prop_core::Config;\n"),
        ],
    );
    repo.tag("mr_prop_core-v0.1.0");
    repo.tag("mr_prop_app-v0.1.0");
    repo.write(
        "core/src/lib.rs",
        "pub struct Config { pub name: String }\n",
    );
    repo.write("core/Cargo.toml", &core_manifest("0.1.1"));
    repo.write("app/Cargo.toml", &app_manifest("0.1.1", true));
    repo.commit("core 0.1.1 removes f; app 0.1.1");
    let out = semgate(
        &repo.dir,
        &[
            "check",
            "-p",
            "mr_prop_core",
            "-p",
            "mr_prop_app",
            "--format",
            "json",
        ],
    );
    assert_exit(&out, 1); // core's own break in a patch release
    let report = json(&out);
    let app = package(&report, "mr_prop_app");
    assert_eq!(app["verdict"], "pass", "{app:#}");
    assert_eq!(app["findings"][0]["rule"], "public-dependency-major-bump");
    assert_eq!(
        app["findings"][0]["accepted"],
        "core is internal to our tools"
    );
    assert!(
        !stderr(&out).contains("did not occur"),
        "the accept entry matched: {}",
        show(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 15: the whole unreleased chain
// ---------------------------------------------------------------------------------------------

#[test]
fn the_whole_unreleased_chain_is_named() {
    let crate_manifest = |name: &str, deps: &str, publish: bool| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{}\n[dependencies]\n{deps}",
            if publish { "" } else { "publish = false\n" }
        )
    };
    let repo = TestRepo::workspace(
        "mr_chain",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"mid\", \"app\"]\nresolver = \"2\"\n",
            ),
            (
                "core/Cargo.toml",
                &crate_manifest("mr_chain_core", "", false),
            ),
            ("core/src/lib.rs", "pub fn core() {}\n"),
            (
                "mid/Cargo.toml",
                &crate_manifest(
                    "mr_chain_mid",
                    "mr_chain_core = { path = \"../core\", version = \"0.1.0\" }\n",
                    true,
                ),
            ),
            ("mid/src/lib.rs", "pub fn mid() {}\n"),
            (
                "app/Cargo.toml",
                &crate_manifest(
                    "mr_chain_app",
                    "mr_chain_mid = { path = \"../mid\", version = \"0.1.0\" }\n",
                    true,
                ),
            ),
            ("app/src/lib.rs", "pub fn app() {}\n"),
        ],
    );
    repo.tag("mr_chain_app-v0.0.9");
    repo.tag("mr_chain_mid-v0.0.9");
    let out = semgate(
        &repo.dir,
        &[
            "check",
            "--release",
            "-p",
            "mr_chain_app",
            "-p",
            "mr_chain_mid",
        ],
    );
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "mr_chain_app -> mr_chain_mid -> mr_chain_core: `mr_chain_core` is publish = false",
            "(mr_chain_mid released in this run)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 16: suggest has no verdict
// ---------------------------------------------------------------------------------------------

#[test]
fn suggest_reports_no_verdict() {
    let repo = TestRepo::new("mr_suggest", "1.0.0", "pub fn a() {}\n");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.commit("add b");
    let out = semgate(&repo.dir, &["suggest", "--format", "json"]);
    assert_exit(&out, 0);
    let report = json(&out);
    assert_eq!(report["verdict"], "none", "{report:#}");
    assert_eq!(report["packages"][0]["verdict"], "none");
    assert!(report["packages"][0]["proposed_version"].is_null());
    let out = semgate(&repo.dir, &["suggest", "--format", "github-output"]);
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), &["bumpLevel=minor", "verdict=none"]);
}

// ---------------------------------------------------------------------------------------------
// 19: a tag and its manifest disagree
// ---------------------------------------------------------------------------------------------

#[test]
fn a_tag_whose_manifest_names_another_version_is_warned_about() {
    let repo = TestRepo::new("mr_mistag", "1.0.5", "pub fn a() {}\n");
    repo.tag("v1.1.0"); // the manifest still says 1.0.5
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("mr_mistag", "1.2.0");
    repo.commit("1.2.0");
    let out = semgate(&repo.dir, &["check", "--format", "json"]);
    assert_exit(&out, 0);
    assert_contains(
        &stderr(&out),
        &["tag v1.1.0 names version 1.1.0, but its Cargo.toml says 1.0.5"],
    );
    assert_eq!(json(&out)["packages"][0]["baseline"]["version"], "1.1.0");
}

// ---------------------------------------------------------------------------------------------
// 17, 21: published releases, and what an online registry can say (these need crates.io)
// ---------------------------------------------------------------------------------------------

#[test]
fn two_published_releases_compare_from_an_empty_directory() {
    if !common::online("comparing two releases of itoa from crates.io") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = semgate(
        dir.path(),
        &[
            "check",
            "-p",
            "itoa",
            "--baseline-version",
            "1.0.10",
            "--current-version",
            "1.0.11",
        ],
    );
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        &[
            "baseline: 1.0.10 (crates.io 1.0.10, dependencies as of its release",
            "proposed: 1.0.11 (from --current-version)",
        ],
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written where it ran"
    );
}

#[test]
fn online_the_registry_can_say_a_crate_was_never_published() {
    if !common::online("asking crates.io about a crate that does not exist") {
        return;
    }
    let repo = publishable_repo("mr_never_published_q7x3z");
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        &[
            "first release",
            "the registry has no release of `mr_never_published_q7x3z`",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// The fail-closed matrix: every way semgate can lack knowledge ends in exit 2
// ---------------------------------------------------------------------------------------------

#[test]
fn every_way_of_not_knowing_exits_2() {
    let released = TestRepo::new("mr_matrix", "1.0.0", "pub fn a() {}\n");
    released.tag("v1.0.0");
    released.write("src/lib.rs", "pub fn b() {}\n");
    released.set_version("mr_matrix", "1.0.1");
    released.commit("break");
    let tmp = tempfile::tempdir().expect("tempdir");
    let shallow = shallow_clone_of(&released, tmp.path());
    let offline = publishable_repo("mr_matrix_offline_zz9");
    let bad_config = TestRepo::new("mr_matrix_config", "1.0.0", "pub fn a() {}\n");
    bad_config.write(
        "Cargo.toml",
        "[package]\nname = \"mr_matrix_config\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = false\n\n[package.metadata.semgate]\nrules = { item-removed = \"fine\" }\n\n[workspace]\n",
    );
    let broken_manifest = TestRepo::new("mr_matrix_toml", "1.0.0", "pub fn a() {}\n");
    broken_manifest.write("Cargo.toml", "[package\nname = ");
    let foreign = common::fixture_json("item-added", "old");
    let corrupt = tmp.path().join("corrupt.json");
    std::fs::write(&corrupt, "{\"root\":0,\"format_version\":57").unwrap();
    let empty = tempfile::tempdir().expect("tempdir");

    // (what is unknown, where semgate runs, its arguments, its environment)
    type Case<'a> = (
        &'a str,
        &'a std::path::Path,
        Vec<&'a str>,
        Vec<(&'a str, &'a str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "shallow clone, no tag fetched",
            &shallow,
            vec!["check"],
            vec![],
        ),
        (
            "offline registry, no tag",
            &offline.dir,
            vec!["check"],
            vec![("CARGO_NET_OFFLINE", "true")],
        ),
        (
            "invalid configuration",
            &bad_config.dir,
            vec!["check"],
            vec![],
        ),
        (
            "unreadable manifest",
            &broken_manifest.dir,
            vec!["check"],
            vec![],
        ),
        ("no manifest at all", empty.path(), vec!["check"], vec![]),
        (
            "another crate's JSON",
            &released.dir,
            vec!["check", "--baseline-rustdoc", foreign.to_str().unwrap()],
            vec![],
        ),
        (
            "truncated JSON",
            &released.dir,
            vec!["check", "--baseline-rustdoc", corrupt.to_str().unwrap()],
            vec![],
        ),
        ("no subcommand", empty.path(), vec!["-q"], vec![]),
    ];
    for (what, dir, args, env) in cases {
        let out = semgate_env(dir, &args, &env);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", show(&out));
        assert!(
            stdout(&out).is_empty(),
            "{what}: no report on stdout: {}",
            show(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{what}: {}", show(&out));
    }
}

/// A yanked release is still what its users built against: it is a valid baseline. And a
/// registry baseline is built with its dependencies as they were when it was published, which
/// the report says. Needs crates.io.
#[test]
fn a_yanked_release_is_a_baseline_built_as_of_its_publication() {
    if !common::online("fetching a yanked release of hashbrown") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = semgate(
        dir.path(),
        &[
            "check",
            "-p",
            "hashbrown",
            "--baseline-version",
            "0.14.4", // yanked
            "--current-version",
            "0.14.5",
            "--format",
            "json",
        ],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", show(&out));
    let report = json(&out);
    let baseline = &report["packages"][0]["baseline"];
    assert_eq!(baseline["version"], "0.14.4");
    assert_contains(
        baseline["description"].as_str().unwrap_or_default(),
        &["crates.io 0.14.4, dependencies as of its release 2024-03-19"],
    );
}
