//! Every rule runs on every fixture pair under fixtures/, and the findings are snapshotted.
//!
//! A fixture named after a rule must make that rule fire; every rule must have a fixture; every
//! fixture must be a rule or a listed cross-cutting case. Rustdoc JSON is built through
//! semgate's own build stage, so it lands in the shared, content-hashed cache and a second run
//! builds nothing.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write;

use semgate::diff::{Finding, Input};
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
];

fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let span = |s: &Option<semgate::diff::Location>| {
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
        if rule_ids.contains(name.as_str()) && !findings.iter().any(|f| f.rule == name) {
            problems.push(format!("fixture `{name}` does not make rule `{name}` fire"));
        }
        insta::with_settings!({ snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.as_str(), render(&findings));
        });
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
            let findings = semgate::diff::diff(Input::api(&api), Input::api(&again), RULES);
            assert!(
                findings.is_empty(),
                "{name}/{side} against itself: {findings:#?}"
            );
        }
    }
}
