//! Shared test support: building fixture rustdoc JSON once into a shared, content-hashed cache.
#![allow(dead_code)]

pub mod repo;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use semgate::api::{load::load_crate, Api, ApiOptions};
use semgate::diff::Input;
use semgate::progress::Progress;
use semgate::rules::Finding;
use semgate::rules::RULES;
use semgate::rustdoc::{self, BuildContext, BuildOptions, Role, Source};

/// Fixture directories of catalogue rows whose rules are not implemented yet.
/// Resolving the catalogue issue means emptying this list.
pub const PENDING_RULES: &[&str] = &[];

/// Whether crates.io answers through cargo (checked once per test process). Tests that need
/// it call this first and return early, saying why, when it does not: the machine may be
/// offline, which is never a reason for a test to fail.
pub fn online(what: &str) -> bool {
    static ONLINE: OnceLock<bool> = OnceLock::new();
    let online = *ONLINE.get_or_init(|| {
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["info", "itoa@1.0.0", "--color", "never"])
            .current_dir(std::env::temp_dir())
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !online {
        eprintln!("skipped ({what}): crates.io cannot be reached through cargo");
    }
    online
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("old/Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One target directory for every fixture build in the test run (and across runs).
pub fn shared_target() -> PathBuf {
    root().join("target").join("semgate-tests")
}

/// Builds (or takes from the cache) the rustdoc JSON of `fixtures/<name>/<side>`.
pub fn fixture_json(name: &str, side: &str) -> PathBuf {
    fixture_side(name, side).json
}

/// The built side (rustdoc JSON and manifest facts) of `fixtures/<name>/<side>`.
pub fn fixture_side(name: &str, side: &str) -> rustdoc::Side {
    let manifest = root()
        .join("fixtures")
        .join(name)
        .join(side)
        .join("Cargo.toml");
    side_for_manifest(&manifest)
}

pub fn side_for_manifest(manifest: &Path) -> rustdoc::Side {
    // one build at a time (the fixtures share crate names and a target directory), and each
    // side once per test process: even a cache hit costs a `cargo metadata`
    static SIDES: OnceLock<std::sync::Mutex<std::collections::HashMap<PathBuf, rustdoc::Side>>> =
        OnceLock::new();
    let mut sides = SIDES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(side) = sides.get(manifest) {
        return side.clone();
    }
    let side = build_side_for_manifest(manifest);
    sides.insert(manifest.to_path_buf(), side.clone());
    side
}

fn build_side_for_manifest(manifest: &Path) -> rustdoc::Side {
    let ctx = BuildContext::discover(Some(manifest), None).expect("fixture manifest is valid");
    let target = shared_target();
    let opts = BuildOptions::with_target_dir(target);
    let source = Source::WorkingTree {
        manifest_path: manifest.to_path_buf(),
    };
    rustdoc::build_side(
        ctx.package_name(),
        &source,
        &ctx,
        &opts,
        Role::Current,
        &Progress::silent(),
    )
    .unwrap_or_else(|e| panic!("building {}: {e:#}", manifest.display()))
}

pub fn api(name: &str, side: &str) -> Api {
    let krate = load_crate(&fixture_json(name, side)).expect("fixture JSON loads");
    Api::new(krate, ApiOptions::default()).expect("fixture API is valid")
}

pub fn diff_fixture(name: &str) -> Vec<Finding> {
    let (old, new) = (fixture_side(name, "old"), fixture_side(name, "new"));
    let old_api = Api::new(
        load_crate(&old.json).expect("fixture JSON loads"),
        ApiOptions::default(),
    )
    .expect("fixture API is valid");
    let new_api = Api::new(
        load_crate(&new.json).expect("fixture JSON loads"),
        ApiOptions::default(),
    )
    .expect("fixture API is valid");
    semgate::rules::run(
        Input::new(&old_api, old.manifest.as_ref()),
        Input::new(&new_api, new.manifest.as_ref()),
        RULES,
    )
}
