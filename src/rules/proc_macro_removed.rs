//! proc-macro-removed: a function-like, attribute or derive proc macro was removed.

use rustdoc_types::ItemEnum;

use super::support::noun;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::Target;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "proc-macro-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a proc macro (function-like, attribute or derive) was removed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Users invoke proc macros by name: `name!(..)`, `#[name]`, `#[derive(Name)]`. \
Removing one breaks every use.",
    example_before:
        "#[proc_macro_derive(Builder)]\npub fn builder(input: TokenStream) -> TokenStream",
    example_after: "// derive removed",
    fix: "keep the macro",
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
        if matches!(item.inner, ItemEnum::ProcMacro(_)) {
            out.push(
                Finding::new(&RULE, path, format!("{} `{path}` was removed{}", noun(item), removed.others_note()))
                    .old_span(item).enclosing_span(cx.new, path),
            );
        }
    }
}

/// The witness: import the macro by its path.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::name(cx, &f.path)
}
