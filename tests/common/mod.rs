//! Shared test support: building fixture rustdoc JSON once into a shared, content-hashed cache.
#![allow(dead_code)]

pub mod repo;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use semgate::api::{load::load_crate, Api, ApiOptions};
use semgate::build::{self, BuildContext, BuildOptions, Role, Source};
use semgate::diff::Finding;
use semgate::progress::Progress;
use semgate::rules::RULES;

/// Fixture directories of catalogue rows whose rules are not implemented yet.
/// Resolving the catalogue issue means emptying this list.
pub const PENDING_RULES: &[&str] = &[
    "copy-impl-added",
    "derive-order-changed",
    "enum-discriminant-changed",
    "feature-added",
    "feature-default-removed",
    "feature-no-longer-enables",
    "feature-removed",
    "impl-added",
    "public-dependency-major-bump",
    "rust-version-raised",
    "sized-lost",
    "struct-field-added",
    "trait-assoc-type-bounds-tightened",
    "trait-default-removed",
    "trait-generics-changed",
    "trait-no-longer-dyn-compatible",
    "trait-now-sealed",
    "trait-supertrait-added",
    "trait-supertrait-removed",
    "trait-unsafe-changed",
    "type-bounds-tightened",
    "type-generics-changed",
    "union-field-added",
    "union-field-removed",
    "union-field-type-changed",
    "unreleased-dependency",
];

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
    let manifest = root().join("fixtures").join(name).join(side).join("Cargo.toml");
    json_for_manifest(&manifest)
}

pub fn json_for_manifest(manifest: &Path) -> PathBuf {
    static LOCK: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    // one build at a time: the fixtures share crate names and a target directory
    let _guard = LOCK.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let ctx = BuildContext::discover(Some(manifest), None).expect("fixture manifest is valid");
    let target = shared_target();
    let opts = BuildOptions::with_target_dir(target);
    let source = Source::WorkingTree { manifest_path: manifest.to_path_buf() };
    let side = build::build_side(ctx.package_name(), &source, &ctx, &opts, Role::Current, &Progress::silent())
        .unwrap_or_else(|e| panic!("building {}: {e:#}", manifest.display()));
    side.json
}

pub fn api(name: &str, side: &str) -> Api {
    let krate = load_crate(&fixture_json(name, side)).expect("fixture JSON loads");
    Api::new(krate, ApiOptions::default())
}

pub fn diff_fixture(name: &str) -> Vec<Finding> {
    semgate::diff::diff(&api(name, "old"), &api(name, "new"), RULES)
}
