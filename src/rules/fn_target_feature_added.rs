//! fn-target-feature-added: a safe function now requires more `#[target_feature]`s.

use rustdoc_types::{Attribute, Item, ItemEnum};

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "fn-target-feature-added",
    classes: &[Class::Breaking],
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

/// The witness: call the function from safe code that enables only the old features. An
/// unsafe function's new feature is a safety precondition, which no compilation sees.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    let item = cx
        .item(&f.path, Some(crate::api::model::Namespace::Value))
        .or_else(|| cx.member(&f.path).map(|(_, member)| member))?;
    let ItemEnum::Function(func) = &item.inner else {
        return None;
    };
    if func.header.is_unsafe {
        return cx.skip("the function was already unsafe: the new feature is a safety precondition its callers must meet, and their code compiles either way");
    }
    let mut code = t::call(cx, &f.path)?;
    let old = features(item);
    if !old.is_empty() {
        code.attributes
            .push(format!("#[target_feature(enable = \"{}\")]", old.join(",")));
    }
    Some(code)
}
