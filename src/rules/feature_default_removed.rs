//! feature-default-removed: a feature is no longer enabled by default.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "feature-default-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a feature is no longer enabled by default",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#cargo-feature-remove-another",
    explanation:
        "Users who rely on default features get less: the items behind the feature disappear \
from their build. What counts is everything `default` enables transitively, so dropping a feature \
from the list while another default feature still enables it is not a change.",
    example_before: "[features]\ndefault = [\"color\", \"std\"]",
    example_after: "[features]\ndefault = [\"std\"]",
    fix: "keep it in `default`; users who want less can use `default-features = false`",
    check,
    witness: Template::Impossible("a Cargo.toml change: which features are on by default is seen by cargo, not by code"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    let (before, after) = (old.enabled_by("default"), new.enabled_by("default"));
    for name in before.difference(&after) {
        // a removed feature is reported once, by feature-removed
        if name.contains(['/', ':']) || !new.features.contains_key(name) {
            continue;
        }
        out.push(Finding::new(
            &RULE,
            format!("{}/default", new.name),
            format!("feature `{name}` is no longer enabled by default"),
        ));
    }
}
