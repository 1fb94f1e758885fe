//! feature-removed: a Cargo feature (explicit, or implicit from an optional dependency) is gone.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "feature-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a Cargo feature was removed (explicit, or implicit from an optional dependency)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#cargo-feature-remove",
    explanation:
        "Downstream manifests that enable the feature (`features = [\"x\"]`) fail to resolve \
once it is gone. Optional dependencies define an implicit feature of the same name unless a `dep:` \
entry hides it, so switching to `dep:` syntax removes that feature too.",
    example_before: "[features]\nexperimental = []",
    example_after: "[features]\n# experimental removed",
    fix: "keep the feature, even as an empty one or as an alias (`experimental = [\"new-name\"]`)",
    check,
    witness: Template::Impossible("a Cargo.toml change: the witness crate would have to request the feature, and no code can witness a manifest"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    for name in old.features.keys() {
        if !new.features.contains_key(name) {
            out.push(Finding::new(
                &RULE,
                format!("{}/{name}", new.name),
                format!("feature `{name}` was removed"),
            ));
        }
    }
}
