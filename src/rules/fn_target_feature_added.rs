//! fn-target-feature-added: a safe function now requires more `#[target_feature]`s.

use rustdoc_types::{Attribute, Item};

use super::{Class, Rule};
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "fn-target-feature-added",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a safe function gained #[target_feature] requirements",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity",
    explanation:
        "A safe `#[target_feature]` function can only be called safely from code that enables \
the same features; elsewhere calling it needs `unsafe` and a runtime check. New required features \
break callers compiled without them.",
    example_before: "pub fn sum(xs: &[f32]) -> f32",
    example_after: "#[target_feature(enable = \"avx2\")]\npub fn sum(xs: &[f32]) -> f32",
    fix: "detect the feature at run time inside the function instead",
    check,
};

fn features(item: &Item) -> Vec<&str> {
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
        if c.new.header.is_unsafe {
            continue; // unsafe callers already take responsibility for the CPU
        }
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
                    format!(
                        "{} `{}` now requires target feature(s) {}",
                        c.kind.noun(),
                        c.path,
                        added.join(", ")
                    ),
                )
                .spans(c.old_item, c.new_item),
            );
        }
    }
}
