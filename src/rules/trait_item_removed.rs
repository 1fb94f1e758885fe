//! trait-item-removed: a method, associated type or const was removed from a trait.

use super::support::{hidden_member, member_noun};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-item-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a method, associated type or const was removed from a trait",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Callers of the item stop compiling, and so do downstream impls that define it \
(they now define an item the trait does not have).",
    example_before:
        "pub trait Codec { fn encode(&self) -> Vec<u8>; fn size_hint(&self) -> usize { 0 } }",
    example_after: "pub trait Codec { fn encode(&self) -> Vec<u8>; }",
    fix: "keep the item, with a default if implementors should no longer need it",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.trait_members {
        let (Some(old), None) = (member.old, member.new) else {
            continue;
        };
        let parent = &cx.pairs[member.parent];
        if hidden_member(cx.new, parent.new, old).is_some() {
            continue; // item-now-hidden
        }
        out.push(
            Finding::new(
                &RULE,
                &member.path,
                format!(
                    "{} `{}` was removed from trait `{}`",
                    member_noun(old),
                    member.name,
                    parent.path
                ),
            )
            .old_span(old)
            .new_span(parent.new),
        );
    }
}

/// The witness: name the item through a type bounded by the trait.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::trait_item(cx, &f.path)
}
