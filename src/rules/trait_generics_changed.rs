//! trait-generics-changed: a trait's generic parameters were added, removed or reordered.

use rustdoc_types::ItemEnum;

use super::support::{compare_params, reordered_params};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-generics-changed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a trait's generic parameters were added (without a default), removed or reordered",
    reference:
        "https://doc.rust-lang.org/cargo/reference/semver.html#trait-new-parameter-no-default",
    explanation: "Every impl, bound and `dyn` type downstream names the trait with its parameters \
(`impl Convert<u8> for X`, `T: Convert<u8>`). A new parameter without a default, a removed one, or \
a changed order makes those names wrong. Adding a parameter with a default is additive: old uses \
pick the default. Renaming a parameter is not a change.",
    example_before: "pub trait Convert<T> { fn convert(&self) -> T; }",
    example_after: "pub trait Convert<T, E> { fn convert(&self) -> T; }",
    fix: "give the new parameter a default (`E = ()`), or add a new trait",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        let types = cx.types.with_generics(&[&ot.generics], &[&nt.generics]);
        let mut changes = compare_params(&types, &ot.generics, &nt.generics, false);
        if let Some(reorder) = reordered_params(&ot.generics, &nt.generics) {
            changes.breaking.insert(0, reorder);
        }
        let Some((class, list)) = changes.verdict() else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!("trait `{}`: {}", pair.path, list.join("; ")),
            )
            .class(class)
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: bound a type by the trait with its old generic arguments.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::trait_with_old_arguments(cx, &f.path)
}
