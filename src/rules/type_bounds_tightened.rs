//! type-bounds-tightened: the bounds on a type's generic parameters became stricter.


use super::support::{compare_bounds, noun, type_generics};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "type-bounds-tightened",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "the bounds on a type's generic parameters became stricter (or looser: additive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-bounds-tighten",
    explanation: "Every use of a generic type must meet its bounds: after `struct Set<T: Ord>`, \
`Set<f64>` stops compiling, and so does generic code that names `Set<T>` without `T: Ord`. Bounds \
from `<T: A>` and `where T: B` are merged into one set per parameter before comparing, so moving a \
bound between the two forms is not a change. Dropping a bound, or relaxing one with `?Sized`, is additive.",
    example_before: "pub struct Set<T> { items: Vec<T> }",
    example_after: "pub struct Set<T: Ord> { items: Vec<T> }",
    fix: "keep the type's bounds; require the extra bound on the methods that need it",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        if pair.via_alias {
            continue; // users name the alias, whose own generics type-generics-changed compares
        }
        let (Some(og), Some(ng)) = (type_generics(pair.old), type_generics(pair.new)) else {
            continue;
        };
        let types = cx.types.with_generics(&[og], &[ng]);
        let (tightened, loosened) = compare_bounds(&types, og, ng);
        let (class, message) = if !tightened.is_empty() {
            (
                Class::Breaking,
                format!(
                    "{} `{}` requires new bounds: {}",
                    noun(pair.old),
                    pair.path,
                    tightened.join(", ")
                ),
            )
        } else if !loosened.is_empty() {
            (
                Class::Additive,
                format!(
                    "{} `{}` dropped bounds: {}",
                    noun(pair.old),
                    pair.path,
                    loosened.join(", ")
                ),
            )
        } else {
            continue;
        };
        out.push(
            Finding::new(&RULE, pair.path, message)
                .class(class)
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: name the type from a generic struct with the old bounds.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::generic_holder(cx, &f.path)
}
