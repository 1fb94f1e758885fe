//! feature-added: a new Cargo feature.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "feature-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "a Cargo feature was added",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#cargo-feature-add",
    explanation:
        "A new feature is new API surface: manifests that enable it do not resolve against \
older releases, so it needs a minor release.",
    example_before: "[features]\njson = []",
    example_after: "[features]\njson = []\nmetrics = []",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::Impossible("a Cargo.toml change, and an additive one"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    for name in new.features.keys() {
        if !old.features.contains_key(name) {
            out.push(Finding::new(
                &RULE,
                format!("{}/{name}", new.name),
                format!("feature `{name}` was added"),
            ));
        }
    }
}
