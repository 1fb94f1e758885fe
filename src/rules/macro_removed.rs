//! macro-removed: a `#[macro_export]` macro_rules macro was removed or is no longer exported.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::Target;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "macro-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "an exported macro_rules! macro was removed or is no longer exported",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation:
        "`#[macro_export]` macros live at the crate root and are invoked as `krate::name!`. \
Removing the macro, or dropping `#[macro_export]`, breaks every invocation.",
    example_before: "#[macro_export]\nmacro_rules! ensure { .. }",
    example_after: "macro_rules! ensure { .. } // no longer exported",
    fix: "keep the macro exported; hide it with #[doc(hidden)] only in a major release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for removed in &cx.removed {
        let path = removed.path;
        let Target::Item(id) = removed.target else {
            continue;
        };
        let Some(item) = cx.old.item(id) else {
            continue;
        };
        if matches!(item.inner, ItemEnum::Macro(_)) {
            out.push(
                Finding::new(&RULE, path, format!("macro `{path}!` was removed{}", removed.others_note())).old_span(item).enclosing_span(cx.new, path),
            );
        }
    }
}

/// The witness: import the macro by its path.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::name(cx, &f.path)
}
