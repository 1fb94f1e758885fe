//! trait-defaulted-item-added: an item with a default was added to a trait.

use super::support::{has_default, member_noun};
use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-defaulted-item-added",
    classes: &[Class::Additive],
    possibly_breaking: true,
    summary: "a method, associated type or const with a default was added to a trait",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#trait-new-default-item",
    explanation: "Existing impls keep compiling because the item has a default. It can still break \
code that calls a same-named method of another trait implemented by the same type (the call becomes \
ambiguous), which is why the Cargo Book calls it possibly-breaking; semgate counts it as additive \
unless configuration says otherwise.",
    example_before: "pub trait Render { fn render(&self) -> String; }",
    example_after: "pub trait Render { fn render(&self) -> String; fn width(&self) -> usize { 80 } }",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::NotYet("call a method of the same name from another trait in scope"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.trait_members {
        let (None, Some(new)) = (member.old, member.new) else {
            continue;
        };
        if !has_default(new) {
            continue;
        }
        let parent = &cx.pairs[member.parent];
        out.push(
            Finding::new(
                &RULE,
                &member.path,
                format!(
                    "{} `{}` with a default was added to trait `{}`",
                    member_noun(new),
                    member.name,
                    parent.path
                ),
            )
            .old_span(parent.old)
            .new_span(new),
        );
    }
}
