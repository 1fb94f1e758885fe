//! trait-assoc-type-bounds-tightened: an associated type of a trait got stricter bounds.

use rustdoc_types::ItemEnum;

use super::support::{bound_changes, is_sealed};
use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-assoc-type-bounds-tightened",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "an associated type of a trait got stricter bounds",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-bounds-tighten",
    explanation: "Downstream impls choose the associated type (`type Item = Rc<Node>;`). A new bound on \
it (`type Item: Send;`) rejects every impl whose choice does not meet it. A sealed trait has no \
downstream impls, so the change is not reported there.",
    example_before: "pub trait Source { type Item; }",
    example_after: "pub trait Source { type Item: Clone; }",
    fix: "keep the old bounds; require the extra bound only where it is needed (`where S::Item: Clone`)",
    check,
    witness: Template::NotYet("implement the trait with an associated type meeting only the old bounds"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.trait_members {
        let (Some(old), Some(new)) = (member.old, member.new) else {
            continue;
        };
        let (
            ItemEnum::AssocType {
                bounds: ob,
                generics: og,
                ..
            },
            ItemEnum::AssocType {
                bounds: nb,
                generics: ng,
                ..
            },
        ) = (&old.inner, &new.inner)
        else {
            continue;
        };
        let parent = &cx.pairs[member.parent];
        if is_sealed(cx.old, parent.old) {
            continue; // every impl is in this crate
        }
        let (Some(oo), Some(no)) = (member.old_outer, member.new_outer) else {
            continue;
        };
        let types = cx.types.with_generics(&[oo, og], &[no, ng]);
        let ob: Vec<_> = ob.iter().collect();
        let nb: Vec<_> = nb.iter().collect();
        let (tightened, _) = bound_changes(&types, &ob, &nb);
        let extra: Vec<String> = tightened.into_iter().map(|b| format!("`{b}`")).collect();
        if extra.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                &member.path,
                format!(
                    "associated type `{}` of trait `{}` must now also satisfy {}: downstream impls that chose a type without it break",
                    member.name,
                    parent.path,
                    extra.join(", ")
                ),
            )
            .spans(old, new)
            .signatures(cx.old, old, cx.new, new),
        );
    }
}
