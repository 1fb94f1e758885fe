//! trait-unsafe-changed: a trait became `unsafe trait`, or stopped being one.

use rustdoc_types::ItemEnum;

use super::support::is_sealed;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-unsafe-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait became `unsafe trait`, or an `unsafe trait` became safe",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Implementing an `unsafe trait` takes `unsafe impl`, and implementing a safe trait \
rejects it. Either direction makes every downstream impl stop compiling. A sealed trait has no \
downstream impls, so the change is not reported there.",
    example_before: "pub trait Zeroable {}",
    example_after: "pub unsafe trait Zeroable {}",
    fix: "keep the trait's safety; add a new trait with the other one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        if ot.is_unsafe == nt.is_unsafe || is_sealed(cx.old, pair.old) {
            continue;
        }
        let message = if nt.is_unsafe {
            format!("trait `{}` became `unsafe trait`: every downstream impl must now be written `unsafe impl`", pair.path)
        } else {
            format!("trait `{}` is no longer `unsafe trait`: downstream `unsafe impl` blocks are now rejected", pair.path)
        };
        out.push(
            Finding::new(&RULE, pair.path, message)
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: implement the trait for a local type, with the old `unsafe` or without it.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement(cx, &f.path)
}
