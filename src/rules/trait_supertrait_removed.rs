//! trait-supertrait-removed: a trait lost a supertrait that generic code could rely on.

use rustdoc_types::ItemEnum;

use super::support::supertrait_changes;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-supertrait-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait lost a supertrait (or a `where Self:` bound)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "A supertrait is a promise to users of the trait: with `trait Entity: Send`, generic \
code that takes `T: Entity` may send `T` to another thread, and `dyn Entity` values are `Send`. \
Removing the supertrait withdraws the promise, and that code stops compiling. This holds for \
sealed traits too, since callers rely on it, not implementors. `trait T: A` and \
`trait T where Self: A` mean the same and are compared as one set; dropping a sealing supertrait \
that downstream crates could never name is not reported.",
    example_before: "pub trait Entity: Send + Debug { fn id(&self) -> u64; }",
    example_after: "pub trait Entity: Debug { fn id(&self) -> u64; }",
    fix: "keep the supertrait",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        let removed = supertrait_changes(cx, pair).1;
        if removed.is_empty() {
            continue;
        }
        let (noun, verb) = if removed.len() == 1 {
            ("supertrait", "was")
        } else {
            ("supertraits", "were")
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "{noun} {} {verb} removed from trait `{}`: code that relied on `T: {}` implying {} breaks",
                    removed.join(", "),
                    pair.path,
                    pair.new.name.as_deref().unwrap_or("_"),
                    if removed.len() == 1 { "it" } else { "them" }
                ),
            )
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: rely on `T: Trait` implying each old supertrait.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::supertraits_implied(cx, &f.path)
}
