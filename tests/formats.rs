//! Every supported rustdoc JSON format gives the findings the stable toolchain's format gives.
//!
//! - Format 37 is emitted for real: every fixture is built again with rustc 1.85 (Debian's
//!   `rustc-web`, which .ci/run installs) and must give the same findings, spans and
//!   signatures included.
//! - Formats 58 to 61 are emitted by no toolchain installable here. Their JSON is *converted,
//!   not emitted*: each fixture's format-57 JSON is read into the rustdoc-types 0.61 structs,
//!   written back out as format N (fields format N lacks removed, stability records in format
//!   N's shape) and must load into exactly the same model.
//! - Format 57 is read with the 0.61 structs; the rustdoc-types 0.57 structs must see the same
//!   document in every field they know.
//! - Toolchain choice: a project toolchain that cannot emit JSON is replaced by an installed
//!   one, which the output names; with none installed the error names the install command.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use semgate::api::load::load_crate;
use semgate::api::{Api, ApiOptions};
use semgate::diff::Input;
use semgate::rules::Finding;
use semgate::rules::RULES;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Format 37, emitted by rustc 1.85
// ---------------------------------------------------------------------------------------

/// Fixtures whose findings differ between rustc 1.85 and stable for a reason that is not a
/// conversion defect, each with that reason.
const DIFFER_ON_1_85: &[(&str, &str)] = &[(
    "dependency-drift",
    "format 37 has no ExternalCrate::path, so two builds of a dependency at different versions \
     cannot be told apart and an item the new version moved to another module reads as another \
     type (reported, never hidden)",
)];

/// Debian's rustc 1.85 (`rustc`, `rustdoc`), when installed: `SEMGATE_TEST_RUSTC_1_85` names
/// the directory holding them (default /usr/bin).
fn rustc_1_85() -> Option<(PathBuf, PathBuf)> {
    let dir = std::env::var_os("SEMGATE_TEST_RUSTC_1_85")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin"));
    let rustc = dir.join("rustc");
    let rustdoc = dir.join("rustdoc");
    let version = Command::new(&rustc).arg("-V").output().ok()?;
    let version = String::from_utf8_lossy(&version.stdout);
    (version.starts_with("rustc 1.85.") && rustdoc.is_file()).then_some((rustc, rustdoc))
}

/// Skips (loudly) when rustc 1.85 is missing, unless CI said it installed it.
fn require_rustc_1_85(test: &str) -> Option<(PathBuf, PathBuf)> {
    let found = rustc_1_85();
    if found.is_none() {
        assert!(
            std::env::var_os("SEMGATE_REQUIRE_RUSTC_1_85").is_none(),
            "SEMGATE_REQUIRE_RUSTC_1_85 is set but rustc 1.85 was not found"
        );
        eprintln!(
            "SKIPPED {test}: rustc 1.85 (Debian's rustc-web) is not installed; install it with \
             `apt-get install rustc-web=1.85.*` (as .ci/run does) to test rustdoc JSON format 37"
        );
    }
    found
}

/// Builds `fixtures/<name>/<side>` with rustc 1.85 (cached by the sources' modification
/// times) and returns the JSON path.
fn build_with_1_85(
    rustc: &Path,
    rustdoc: &Path,
    name: &str,
    side: &str,
) -> Result<PathBuf, String> {
    let dir = common::root().join("fixtures").join(name).join(side);
    let target = common::root()
        .join("target")
        .join("semgate-tests-rustc-1.85");
    // as semgate builds it: exported symbols of private functions are part of the ABI
    let private = semgate::rustdoc::exports_symbols(&dir);
    let flavour = if private { "-private" } else { "" };
    let out = target
        .join("json")
        .join(format!("{name}-{side}{flavour}.json"));
    let newest_source = newest_mtime(&dir);
    if out.is_file() && std::fs::metadata(&out).and_then(|m| m.modified()).ok() >= newest_source {
        return Ok(out);
    }
    let doc = target.join("doc");
    if let Ok(entries) = std::fs::read_dir(&doc) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "json") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let result = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["rustdoc", "--lib", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .arg("--document-hidden-items")
        .args(private.then_some("--document-private-items"))
        .env("RUSTC", rustc)
        .env("RUSTDOC", rustdoc)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !result.status.success() {
        return Err(String::from_utf8_lossy(&result.stderr).into_owned());
    }
    let json = std::fs::read_dir(&doc)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .ok_or("rustdoc wrote no JSON")?;
    std::fs::create_dir_all(out.parent().unwrap()).map_err(|e| e.to_string())?;
    std::fs::copy(&json, &out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let t = if e.path().is_dir() {
            newest_mtime(&e.path())
        } else {
            e.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(t);
    }
    newest
}

fn diff_files(name: &str, old: &Path, new: &Path) -> Vec<Finding> {
    let (old_side, new_side) = (
        common::fixture_side(name, "old"),
        common::fixture_side(name, "new"),
    );
    let load = |p: &Path| {
        Api::new(
            load_crate(p).unwrap_or_else(|e| panic!("{}: {e:#}", p.display())),
            ApiOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let (old_api, new_api) = (load(old), load(new));
    // manifest facts do not depend on the toolchain: take the stable build's
    semgate::rules::run(
        Input::new(&old_api, old_side.manifest.as_ref()),
        Input::new(&new_api, new_side.manifest.as_ref()),
        RULES,
    )
}

#[test]
fn every_fixture_built_by_rustc_1_85_gives_the_stable_findings() {
    let Some((rustc, rustdoc)) = require_rustc_1_85("format 37 fixtures") else {
        return;
    };
    let mut compared = Vec::new();
    let mut not_built = Vec::new();
    let mut mismatches = Vec::new();
    for name in common::fixture_names() {
        let built = build_with_1_85(&rustc, &rustdoc, &name, "old")
            .and_then(|old| Ok((old, build_with_1_85(&rustc, &rustdoc, &name, "new")?)));
        let (old, new) = match built {
            Ok(pair) => pair,
            Err(e) => {
                not_built.push(format!(
                    "{name}: {}",
                    e.lines().find(|l| l.starts_with("error")).unwrap_or("")
                ));
                continue;
            }
        };
        let format = semgate::api::load::format_of(&std::fs::read(&old).unwrap()).unwrap();
        assert_eq!(format, 37, "rustc 1.85 emitted format {format} for {name}");
        let stable = common::diff_fixture(&name);
        let old_toolchain = diff_files(&name, &old, &new);
        let known = DIFFER_ON_1_85.iter().any(|(n, _)| *n == name);
        if stable != old_toolchain && !known {
            mismatches.push(format!(
                "{name}:\n  stable:    {stable:#?}\n  rustc 1.85: {old_toolchain:#?}"
            ));
        }
        compared.push(name);
    }
    eprintln!(
        "format 37: {} fixtures compared, {} do not build with rustc 1.85: {not_built:#?}",
        compared.len(),
        not_built.len()
    );
    assert!(
        mismatches.is_empty(),
        "findings differ:\n{}",
        mismatches.join("\n")
    );
    // the fixtures are written for today's stable, but most must still build on 1.85
    assert!(
        compared.len() >= common::fixture_names().len() * 3 / 4,
        "only {} fixtures built with rustc 1.85: {not_built:#?}",
        compared.len()
    );
}

// ---------------------------------------------------------------------------------------
// Formats 58 to 61, converted from real format-57 JSON
// ---------------------------------------------------------------------------------------

/// Writes `json` (format 57, from stable) as format `version`: read into the newest
/// rustdoc-types structs, written out, and trimmed to what format `version` has.
fn convert_to(json: &Path, version: u32, out: &Path) {
    let bytes = std::fs::read(json).unwrap();
    let krate: rustdoc_types::Crate = serde_json::from_slice(&bytes).unwrap();
    let mut value = serde_json::to_value(&krate).unwrap();
    value["format_version"] = Value::from(version);
    if let Some(index) = value["index"].as_object_mut() {
        for item in index.values_mut() {
            let item = item.as_object_mut().unwrap();
            if version < 59 {
                item.remove("const_stability");
            }
            if version < 61 {
                for key in ["stability", "const_stability"] {
                    if let Some(s) = item.get_mut(key) {
                        flatten_stability(s);
                    }
                }
            }
            if version < 60 {
                for inner in item["inner"].as_object_mut().unwrap().values_mut() {
                    if let Some(fields) = inner.as_object_mut() {
                        fields.remove("default_unstable");
                    }
                }
            }
        }
    }
    std::fs::write(out, serde_json::to_vec(&value).unwrap()).unwrap();
}

/// Format 61's `{"feature", "level": {"stable": {"since"}}}` in 58-60's flat shape.
fn flatten_stability(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else {
        return;
    };
    match obj.remove("level") {
        Some(Value::String(level)) => {
            obj.insert("level".into(), Value::String(level));
        }
        Some(Value::Object(level)) => {
            let (tag, fields) = level.into_iter().next().unwrap();
            obj.insert("level".into(), Value::String(tag));
            if let Value::Object(fields) = fields {
                obj.extend(fields);
            }
        }
        _ => {}
    }
}

#[test]
fn converted_formats_58_to_61_load_into_the_same_model_and_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let names = common::fixture_names();
    for name in &names {
        let (old57, new57) = (
            common::fixture_json(name, "old"),
            common::fixture_json(name, "new"),
        );
        let reference = (load_crate(&old57).unwrap(), load_crate(&new57).unwrap());
        let stable = common::diff_fixture(name);
        for version in 58..=61 {
            let old = tmp.path().join(format!("{name}-old-{version}.json"));
            let new = tmp.path().join(format!("{name}-new-{version}.json"));
            convert_to(&old57, version, &old);
            convert_to(&new57, version, &new);
            let loaded = (load_crate(&old).unwrap(), load_crate(&new).unwrap());
            assert!(
                loaded == reference,
                "{name}: format {version} (converted) loads into another model than format 57"
            );
            assert_eq!(
                diff_files(name, &old, &new),
                stable,
                "{name}: format {version} (converted)"
            );
        }
    }
}

/// A stability record survives formats 58-60's flat shape: no fixture has one (only crates
/// with `#![feature(staged_api)]` do), so it is written into one here.
#[test]
fn stability_records_of_formats_58_to_60_are_converted() {
    let tmp = tempfile::tempdir().unwrap();
    let json = common::fixture_json("item-added", "new");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let root = value["root"].to_string();
    value["index"][&root]["stability"] =
        serde_json::json!({"feature": "demo", "level": "stable", "since": "1.2.0"});
    value["index"][&root]["const_stability"] =
        serde_json::json!({"feature": "demo_const", "level": "unstable"});
    value["format_version"] = Value::from(60);
    let file = tmp.path().join("60.json");
    std::fs::write(&file, serde_json::to_vec(&value).unwrap()).unwrap();
    let krate = load_crate(&file).unwrap();
    let root = &krate.index[&krate.root];
    let stability = root.stability.as_deref().expect("stability kept");
    assert_eq!(stability.feature, "demo");
    assert_eq!(
        stability.level,
        rustdoc_types::StabilityLevel::Stable {
            since: Some("1.2.0".into())
        }
    );
    assert_eq!(
        root.const_stability.as_deref().map(|s| &s.level),
        Some(&rustdoc_types::StabilityLevel::Unstable)
    );
}

// ---------------------------------------------------------------------------------------
// Format 57, read with the newest structs
// ---------------------------------------------------------------------------------------

/// Drops the fields formats 58-61 added (null in a format-57 document read as 61).
fn without_added_fields(v: &mut Value) {
    if let Some(index) = v["index"].as_object_mut() {
        for item in index.values_mut() {
            let item = item.as_object_mut().unwrap();
            assert_eq!(item.remove("stability"), Some(Value::Null));
            assert_eq!(item.remove("const_stability"), Some(Value::Null));
            for inner in item["inner"].as_object_mut().unwrap().values_mut() {
                if let Some(fields) = inner.as_object_mut() {
                    if let Some(added) = fields.remove("default_unstable") {
                        assert_eq!(added, Value::Null);
                    }
                }
            }
        }
    }
}

#[test]
fn format_57_reads_the_same_through_the_newest_structs() {
    for name in common::fixture_names() {
        for side in ["old", "new"] {
            let bytes = std::fs::read(common::fixture_json(&name, side)).unwrap();
            let as57: rustdoc_types_v57::Crate = serde_json::from_slice(&bytes).unwrap();
            let as61: rustdoc_types::Crate = serde_json::from_slice(&bytes).unwrap();
            let expected = serde_json::to_value(&as57).unwrap();
            let mut seen = serde_json::to_value(&as61).unwrap();
            without_added_fields(&mut seen);
            assert!(
                expected == seen,
                "{name}/{side}: 0.57 and 0.61 structs disagree"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Choosing a toolchain that can build readable JSON
// ---------------------------------------------------------------------------------------

/// A `rustdoc` that refuses JSON output, like a toolchain too old for `--output-format json`.
fn rustdoc_without_json(dir: &Path) -> PathBuf {
    let real = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    let sysroot = PathBuf::from(String::from_utf8_lossy(&real.stdout).trim());
    let script = dir.join("rustdoc-without-json");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = json ] && {{ echo 'error: unknown output format `json`' >&2; exit 1; }}; done\nexec '{}' \"$@\"\n",
            sysroot.join("bin/rustdoc").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

fn sysroot_bin(tool: &str) -> PathBuf {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        .join("bin")
        .join(tool)
}

fn rustup_toolchains() -> Vec<String> {
    Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .filter(|n| n != "no")
                .collect()
        })
        .unwrap_or_default()
}

fn check_example(env: &[(&str, &Path)], extra: &[&str]) -> std::process::Output {
    let example = common::root().join("fixtures/example");
    let target = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_semgate"));
    cmd.args(["check", "--color", "never", "--manifest-path"])
        .arg(example.join("new/Cargo.toml"))
        .arg("--baseline-path")
        .arg(example.join("old"))
        .arg("--target-dir")
        .arg(target.path())
        .args(extra)
        .env_remove("RUSTUP_TOOLCHAIN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    drop(target);
    out
}

#[test]
fn a_toolchain_without_json_is_replaced_by_an_installed_one_and_named() {
    let toolchains = rustup_toolchains();
    if toolchains.is_empty() {
        eprintln!("SKIPPED: rustup lists no toolchains, so there is none to switch to");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fake = rustdoc_without_json(tmp.path());
    let out = check_example(&[("RUSTDOC", &fake)], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the project's toolchain (rustc ")
            && stderr.contains("cannot emit rustdoc JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Using toolchain `") && stderr.contains("for both sides"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("Using toolchain").count(),
        1,
        "announced once: {stderr}"
    );
}

#[test]
fn with_no_toolchain_that_can_the_error_gives_the_install_command() {
    let tmp = tempfile::tempdir().unwrap();
    let fake = rustdoc_without_json(tmp.path());
    let empty_rustup = tmp.path().join("rustup-home");
    std::fs::create_dir_all(&empty_rustup).unwrap();
    let (rustc, cargo) = (sysroot_bin("rustc"), sysroot_bin("cargo"));
    let out = check_example(
        &[
            ("RUSTDOC", &fake),
            ("RUSTC", &rustc),
            ("CARGO", &cargo),
            ("RUSTUP_HOME", &empty_rustup),
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no installed toolchain emits a format it reads")
            && stderr.contains("`rustup toolchain install 1.95.0 --profile minimal`"),
        "{stderr}"
    );
}

#[test]
fn version_verbose_lists_formats_and_installed_toolchains() {
    let out = Command::new(env!("CARGO_BIN_EXE_semgate"))
        .args(["--version", "--verbose"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("rustdoc JSON format_version: 37, 57, 58, 59, 60, 61"),
        "{text}"
    );
    for name in rustup_toolchains() {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{text}"));
        assert!(
            line.contains("format ") || line.contains("no rustdoc JSON"),
            "{line}"
        );
    }
}
