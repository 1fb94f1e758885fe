//! feature-no-longer-enables: a feature stopped enabling another feature or dependency.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "feature-no-longer-enables",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a feature stopped enabling another feature or optional dependency",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#cargo-feature-remove-another",
    explanation:
        "Users who enable `full` expect everything it enabled before; whatever it no longer \
turns on disappears from their build. Features are compared by everything they enable \
transitively, so reaching the same features through a new intermediate feature is not a change; \
only features of the crate count, so `x` becoming `dep:x` is not one either. A feature that newly \
enables another existing feature is additive: enabling it now brings that feature's API.",
    example_before: "[features]\nfull = [\"json\", \"toml\"]",
    example_after: "[features]\nfull = [\"json\"]",
    fix: "keep enabling it",
    check,
    witness: Template::Impossible("a Cargo.toml change: what a feature enables is seen by cargo, not by code"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    for name in old.features.keys() {
        if name == "default" || !new.features.contains_key(name) {
            continue; // default: feature-default-removed; removed: feature-removed
        }
        let (before, after) = (old.enabled_by(name), new.enabled_by(name));
        // only this crate's features that still exist count: `dep:x` and `dep/feature` entries
        // are how a feature is implemented (switching `x` to `dep:x` enables the same thing),
        // and a feature that is gone is reported by feature-removed
        let lost: Vec<&String> = before
            .difference(&after)
            .filter(|f| !f.contains([':', '/']) && new.features.contains_key(*f))
            .collect();
        let gained: Vec<String> = after
            .difference(&before)
            // a feature that is new itself is reported by feature-added
            .filter(|f| !f.contains([':', '/']) && old.features.contains_key(*f))
            .map(|f| format!("`{f}`"))
            .collect();
        if !gained.is_empty() {
            // enabling the feature now brings more API with it
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}/{name}", new.name),
                    format!("feature `{name}` now also enables {}", gained.join(", ")),
                )
                .class(Class::Additive),
            );
        }
        if !lost.is_empty() {
            let list: Vec<String> = lost.iter().map(|l| format!("`{l}`")).collect();
            out.push(Finding::new(
                &RULE,
                format!("{}/{name}", new.name),
                format!("feature `{name}` no longer enables {}", list.join(", ")),
            ));
        }
    }
}
