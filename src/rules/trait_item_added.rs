//! trait-item-added: a required item (no default) was added to a trait downstream can implement.

use super::support::{has_default, is_sealed, member_noun};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-item-added",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a required method, associated type or const was added to a trait",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#trait-new-item-no-default",
    explanation: "Every downstream `impl` of the trait must now provide the new item, so existing impls \
stop compiling. A sealed trait (one with a supertrait or required-method argument that downstream \
crates cannot name) has no downstream impls, so there the new item is only additive.",
    example_before: "pub trait Store { fn get(&self, k: &str) -> Option<Vec<u8>>; }",
    example_after: "pub trait Store { fn get(&self, k: &str) -> Option<Vec<u8>>; fn len(&self) -> usize; }",
    fix: "give the new item a default (`fn len(&self) -> usize { 0 }`), or seal the trait in a major release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.trait_members {
        let (None, Some(new)) = (member.old, member.new) else {
            continue;
        };
        if has_default(new) {
            continue; // trait-defaulted-item-added
        }
        let parent = &cx.pairs[member.parent];
        let sealed = is_sealed(cx.old, parent.old);
        let message = if sealed {
            format!(
                "required {} `{}` was added to sealed trait `{}` (downstream crates cannot implement it)",
                member_noun(new),
                member.name,
                parent.path
            )
        } else {
            format!(
                "required {} `{}` was added to trait `{}`: every downstream impl must now provide it",
                member_noun(new),
                member.name,
                parent.path
            )
        };
        out.push(
            Finding::new(&RULE, &member.path, message)
                .class(if sealed {
                    Class::Additive
                } else {
                    Class::Breaking
                })
                .old_span(parent.old)
                .new_span(new),
        );
    }
}

/// The witness: implement the trait for a local type with its old required items.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement(cx, &f.path).or_else(|| t::implement(cx, f.path.rsplit_once("::")?.0))
}
