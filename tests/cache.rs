//! The rustdoc JSON cache through the binary: a second run takes both sides from the cache and
//! reports byte for byte the same; a damaged entry is rebuilt, never trusted.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::repo::{assert_contains, assert_exit, semgate, stderr, stdout, TestRepo};

const LIB_V1: &str =
    "pub fn parse(input: &str) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";
const LIB_V2: &str =
    "pub fn parse(input: String) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";

fn check(repo: &TestRepo, cache: &Path) -> Output {
    let cache = cache.to_str().expect("utf-8 path");
    let out = semgate(
        &repo.dir,
        &["check", "--format", "json", "--cache-dir", cache],
    );
    assert_exit(&out, 1);
    out
}

/// The cached JSON entry of the baseline (its sidecar names the git tag it was built from).
fn baseline_entry(cache: &Path, package: &str) -> PathBuf {
    let dir = cache.join(package);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "meta") {
            let meta = std::fs::read_to_string(&path).expect("read meta");
            if meta.contains("git tag v1.0.0") {
                found.push(path.with_extension("json"));
            }
        }
    }
    assert_eq!(
        found.len(),
        1,
        "one baseline entry in {}: {found:?}",
        dir.display()
    );
    found.remove(0)
}

#[test]
fn second_run_comes_from_the_cache_and_a_damaged_entry_is_rebuilt() {
    let repo = TestRepo::new("cache_e2e", "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", LIB_V2);
    repo.set_version("cache_e2e", "1.1.0");
    repo.commit("change parse");
    let cache = tempfile::tempdir().expect("tempdir");

    let first = check(&repo, cache.path());
    let err = stderr(&first);
    assert_contains(
        &err,
        &["Building baseline rustdoc for cache_e2e from git tag v1.0.0"],
    );
    assert!(
        !err.contains("Fresh"),
        "an empty cache has nothing fresh: {err}"
    );
    let report = stdout(&first);
    assert_contains(&report, &["fn-param-type-changed"]);

    let second = check(&repo, cache.path());
    let err = stderr(&second);
    assert_contains(
        &err,
        &["Fresh baseline rustdoc for cache_e2e from git tag v1.0.0"],
    );
    assert_contains(
        &err,
        &["Fresh current rustdoc for cache_e2e from working tree"],
    );
    assert!(
        !err.contains("Building"),
        "nothing is built on a warm cache: {err}"
    );
    assert_eq!(
        stdout(&second),
        report,
        "the cached run reports byte for byte the same"
    );

    // a truncated entry (a full disk, a killed copy) fails verification and is rebuilt
    let entry = baseline_entry(cache.path(), "cache_e2e");
    let bytes = std::fs::read(&entry).expect("read entry");
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).expect("truncate entry");
    let third = check(&repo, cache.path());
    let err = stderr(&third);
    assert_contains(&err, &["discarding corrupt rustdoc cache entry"]);
    assert_contains(
        &err,
        &["Building baseline rustdoc for cache_e2e from git tag v1.0.0"],
    );
    assert!(
        err.contains("Fresh current rustdoc"),
        "the intact entry is still used: {err}"
    );
    assert_eq!(
        stdout(&third),
        report,
        "the rebuilt baseline gives the same report"
    );
    assert_eq!(
        std::fs::read(&entry).expect("read entry"),
        bytes,
        "the entry is whole again"
    );

    let fourth = check(&repo, cache.path());
    assert!(
        stderr(&fourth).contains("Fresh baseline rustdoc"),
        "the rebuilt entry is trusted: {}",
        stderr(&fourth)
    );
    assert_eq!(stdout(&fourth), report);
}
