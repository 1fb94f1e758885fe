//! fn-target-feature-added: a safe function now requires more `#[target_feature]`s.

use rustdoc_types::{Attribute, Item};

use super::{Class, Rule, Template};
use crate::prove::template::{self as t, Code, WitnessCx};
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "fn-target-feature-added",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a function, method or trait method gained #[target_feature] requirements",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "A safe `#[target_feature]` function can only be called safely from code that enables \
the same features; elsewhere calling it needs `unsafe` and a runtime check. New required features \
break callers compiled without them. On an `unsafe` function or trait method the call still \
compiles, but it carries a new safety precondition (the CPU must have the feature) that existing \
callers do not check: undefined behaviour instead of a compile error.",
    example_before: "pub fn sum(xs: &[f32]) -> f32",
    example_after: "#[target_feature(enable = \"avx2\")]\npub fn sum(xs: &[f32]) -> f32",
    fix: "detect the feature at run time inside the function instead",
    check,
    witness: Template::Code(witness),
};

pub(super) fn features(item: &Item) -> Vec<&str> {
    item.attrs
        .iter()
        .filter_map(|a| match a {
            Attribute::TargetFeature { enable } => Some(enable.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        let before = features(c.old_item);
        let added: Vec<&str> = features(c.new_item)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        if !added.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    if c.new.header.is_unsafe {
                        format!(
                            "unsafe {} `{}` now requires target feature(s) {}: a new safety precondition its callers do not check",
                            c.kind.noun(),
                            c.path,
                            added.join(", ")
                        )
                    } else {
                        format!(
                            "{} `{}` now requires target feature(s) {}",
                            c.kind.noun(),
                            c.path,
                            added.join(", ")
                        )
                    },
                )
                .spans(c.old_item, c.new_item),
            );
        }
    }
}

/// The witness: call the function from safe code without the target feature.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call(cx, &f.path)
}
