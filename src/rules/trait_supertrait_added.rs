//! trait-supertrait-added: a trait gained a supertrait (a new requirement on every implementor).

use rustdoc_types::ItemEnum;

use super::support::{is_sealed, supertrait_changes};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-supertrait-added",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait gained a supertrait (or a `where Self:` bound)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-bounds-tighten",
    explanation: "A supertrait is a requirement on every implementing type: after `trait Shape: Debug`, \
a downstream `impl Shape for Circle` only compiles if `Circle: Debug`. Existing impls for types \
that lack the new supertrait break. `trait T: A` and `trait T where Self: A` mean the same and are \
compared as one set. A sealed trait has no downstream impls, so a new supertrait is not reported \
there; a new supertrait that downstream crates cannot name seals the trait and is reported by \
trait-now-sealed instead.",
    example_before: "pub trait Shape { fn area(&self) -> f64; }",
    example_after: "pub trait Shape: Debug { fn area(&self) -> f64; }",
    fix: "leave the supertrait off; add the requirement to the functions that need it (`T: Shape + Debug`)",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        if is_sealed(cx.old, pair.old) {
            continue; // every impl is in this crate
        }
        let added = supertrait_changes(cx, pair).0;
        if added.is_empty() {
            continue;
        }
        let (noun, verb) = if added.len() == 1 {
            ("supertrait", "was")
        } else {
            ("supertraits", "were")
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "{noun} {} {verb} added to trait `{}`: every downstream impl must now also satisfy {}",
                    added.join(", "),
                    pair.path,
                    if added.len() == 1 { "it" } else { "them" }
                ),
            )
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: implement the trait for a local type, which has none of the new supertrait.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement(cx, &f.path)
}
