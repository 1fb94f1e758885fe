//! Every rule runs on every fixture pair under fixtures/, and the findings are snapshotted.
//!
//! A fixture named after a rule must make that rule fire; every rule must have a fixture; every
//! fixture must be a rule or a listed cross-cutting case. Rustdoc JSON is built through
//! semgate's own build stage, so it lands in the shared, content-hashed cache and a second run
//! builds nothing.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write;

use semgate::diff::Input;
use semgate::rules::Finding;
use semgate::rules::RULES;

/// Fixtures that test an interaction rather than one rule; each must give exactly the findings
/// its name promises (see the snapshots).
const CROSS_CUTTING: &[&str] = &[
    "example",
    "moved-and-reexported",
    "moved-to-another-crate",
    "glob-reexport",
    "renamed-with-alias",
    "doc-hidden-changed",
    "sealed-trait-method-added",
    // silent with default features; tests/cli.rs checks it with --feature-sets
    "feature-gated-removal",
    // a release-readiness check of `check --release`, not an API diff rule: see tests/workspace.rs
    "unreleased-dependency",
    // false alarms on real code (issue 10): each compatible change stays silent beside a
    // breaking near-miss that still fires
    "type-param-added-impls-kept",
    "inherent-impl-instances",
    "type-alias-expanded",
    "unnameable-types",
    "namespaces",
    "async-equivalence",
    "hidden-impl-block",
    "sealed-by-hidden",
    "underscore-reexport",
    "dependency-drift",
    "rust-version-declared",
    "field-now-hidden",
    "additive-classes",
    "rendering",
    // check --prove's auto-trait probes of futures and `impl Trait` returns: silent in a diff,
    // proven in tests/prove.rs
    "auto-trait-lost-opaque",
];

/// Rules whose findings come from `check --prove`'s probes, not from the diff: their fixtures
/// are silent here and fire in tests/prove.rs.
const PROBED: &[&str] = &["variance-changed"];

fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let span = |s: &Option<semgate::rules::Location>| {
            s.as_ref().map(|l| l.line.to_string()).unwrap_or("-".into())
        };
        let _ = writeln!(
            out,
            "{} [{}] {} (old:{} new:{})\n    {}",
            f.class.as_str(),
            f.rule,
            f.path,
            span(&f.baseline_span),
            span(&f.current_span),
            f.message
        );
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

#[test]
fn every_rule_on_every_fixture() {
    let names = common::fixture_names();
    let rule_ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    let pending: BTreeSet<&str> = common::PENDING_RULES.iter().copied().collect();

    let mut problems = Vec::new();
    for rule in RULES {
        if !names.iter().any(|n| n == rule.id) {
            problems.push(format!(
                "rule `{}` has no fixture under fixtures/{}",
                rule.id, rule.id
            ));
        }
    }
    for name in &names {
        let known = rule_ids.contains(name.as_str()) || CROSS_CUTTING.contains(&name.as_str());
        if !known && !pending.contains(name.as_str()) {
            problems.push(format!(
                "fixture `{name}` matches no rule and is not a listed cross-cutting case"
            ));
        }
    }

    for name in &names {
        if pending.contains(name.as_str()) {
            continue;
        }
        let findings = common::diff_fixture(name);
        if rule_ids.contains(name.as_str())
            && !PROBED.contains(&name.as_str())
            && !findings.iter().any(|f| f.rule == name)
        {
            problems.push(format!("fixture `{name}` does not make rule `{name}` fire"));
        }
        // the registry declares every class a rule can emit (`semgate rules` shows them)
        for f in &findings {
            let rule = semgate::rules::find(f.rule).expect("findings come from registered rules");
            if !rule.classes.contains(&f.class) {
                problems.push(format!(
                    "fixture `{name}`: rule `{}` emitted a {} finding but declares {}",
                    f.rule,
                    f.class.as_str(),
                    rule.class_list()
                ));
            }
        }
        // every fixture's snapshot is checked, so one run shows every mismatch (insta writes
        // a .snap.new for each)
        let checked = std::panic::catch_unwind(|| {
            insta::with_settings!({ snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(name.as_str(), render(&findings));
            });
        });
        if checked.is_err() {
            problems.push(format!(
                "fixture `{name}`: findings differ from its snapshot"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn comparing_a_fixture_with_itself_finds_nothing() {
    for name in common::fixture_names() {
        if common::PENDING_RULES.contains(&name.as_str()) {
            continue;
        }
        for side in ["old", "new"] {
            let api = common::api(&name, side);
            let again = common::api(&name, side);
            let findings = semgate::rules::run(Input::api(&api), Input::api(&again), RULES);
            assert!(
                findings.is_empty(),
                "{name}/{side} against itself: {findings:#?}"
            );
        }
    }
}

/// Writes a generated crate (for the shape tests below) under the shared test target, once per
/// content, and returns its manifest path.
fn generated_crate(dir_name: &str, name: &str, lib_rs: &str) -> std::path::PathBuf {
    let dir = common::shared_target().join("generated").join(dir_name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = dir.join("Cargo.toml");
    let toml = format!(
        "[package]\nname = \"{}\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n",
        name
    );
    for (path, text) in [
        (manifest.clone(), toml),
        (dir.join("src/lib.rs"), lib_rs.to_string()),
    ] {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).unwrap();
        }
    }
    manifest
}

/// `n` modules, each re-exporting the next twice (`pub use crate::m{i+1} as a;` and `as b`):
/// the deepest items are reachable by 2^(n-1) paths.
fn doubling_crate(n: usize, leaf_fn: bool) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "pub mod m{i} {{");
        if i + 1 < n {
            let _ = writeln!(
                s,
                "    pub use crate::m{next} as a;\n    pub use crate::m{next} as b;",
                next = i + 1
            );
        } else {
            s.push_str("    pub struct Leaf;\n");
            if leaf_fn {
                s.push_str("    pub fn leaf() {}\n");
            }
        }
        s.push_str("}\n");
    }
    s
}

/// Issue 9: public paths grew exponentially with re-exports (n = 20 took minutes and GBs).
/// Paths are bounded per item and counted beyond; a removal deep in the graph is still one
/// finding, found through name resolution rather than the stored paths. Timings live in
/// ci/bench/reexport-doubling.sh.
#[test]
fn reexport_doubling_is_bounded_and_exact() {
    use semgate::api::model::MAX_PATHS_PER_ITEM;
    let old = common::side_for_manifest(&generated_crate(
        "doubling-old",
        "doubling",
        &doubling_crate(20, true),
    ));
    let new = common::side_for_manifest(&generated_crate(
        "doubling-new",
        "doubling",
        &doubling_crate(20, false),
    ));
    let load = |side: &semgate::rustdoc::Side| {
        let krate = semgate::api::load::load_crate(&side.json).unwrap();
        semgate::api::Api::new(krate, semgate::api::ApiOptions::default()).unwrap()
    };
    let (old_api, new_api) = (load(&old), load(&new));
    let leaf = old_api
        .paths
        .iter()
        .find(|(p, _)| p.ends_with("::Leaf"))
        .and_then(|(_, t)| t.first()?.id())
        .expect("Leaf has a public path");
    assert_eq!(old_api.paths_of(leaf).len(), MAX_PATHS_PER_ITEM);
    assert_eq!(
        old_api.omitted_paths(leaf),
        (1 << 20) - 1 - MAX_PATHS_PER_ITEM as u64,
        "every module sits at the root too: 2^20 - 1 paths, the ones past the bound counted"
    );
    assert_eq!(
        old_api.paths_of(leaf)[0],
        "doubling::m19::Leaf",
        "the canonical path is the shortest"
    );
    // a path that was not stored still resolves
    let deep_b = format!("doubling::m0{}::Leaf", "::b".repeat(19));
    assert!(old_api.resolves(&deep_b));
    assert!(!old_api.paths.contains_key(&deep_b));

    let findings = semgate::rules::run(Input::api(&old_api), Input::api(&new_api), RULES);
    let rendered = render(&findings);
    assert_eq!(findings.len(), 1, "{rendered}");
    assert_eq!(findings[0].rule, "item-removed", "{rendered}");
    assert!(findings[0].message.contains("more paths"), "{rendered}");
}

/// Issue 9: an item graph that contains itself (an enum listing itself among its variants)
/// cannot come from Rust; the model refuses it with a clear error instead of overflowing the
/// stack, and the CLI exits 2.
#[test]
fn a_cyclic_item_graph_is_an_error() {
    let json = common::fixture_json("enum-variant-added", "old");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let index = doc["index"].as_object_mut().unwrap();
    let (id, item) = index
        .iter_mut()
        .find(|(_, item)| item["inner"].get("enum").is_some())
        .expect("the fixture has an enum");
    let own_id: u64 = id.parse().unwrap();
    item["inner"]["enum"]["variants"]
        .as_array_mut()
        .unwrap()
        .push(own_id.into());
    let dir = common::shared_target().join("generated");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cyclic-enum.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();

    // refused at load by validation (a variant id that names an enum), and by the model's
    // own walk if it ever got that far
    let err = match semgate::api::load::load_crate(&file) {
        Ok(krate) => match semgate::api::Api::new(krate, semgate::api::ApiOptions::default()) {
            Ok(_) => panic!("a cyclic item graph was accepted"),
            Err(e) => e.to_string(),
        },
        Err(e) => format!("{e:#}"),
    };
    assert!(
        err.contains("contains it in turn") || err.contains("structural defect"),
        "{err}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_semgate"))
        .args([
            "check",
            "--quiet",
            "--proposed",
            "1.0.0",
            "--baseline-rustdoc",
        ])
        .arg(&file)
        .arg("--current-rustdoc")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
