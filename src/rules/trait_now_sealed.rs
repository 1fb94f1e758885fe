//! trait-now-sealed: downstream crates could implement a trait, and now they cannot.

use rustdoc_types::ItemEnum;

use super::support::{is_sealed, seal_reason};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "trait-now-sealed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a trait downstream crates could implement became sealed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "A trait is sealed when implementing it requires naming something private: a \
supertrait in a private module (`trait Plugin: private::Sealed`), or a required method that takes \
a private type. Sealing is a good design for new traits, but sealing an existing one makes every \
downstream impl stop compiling, with no way to fix it. A new supertrait that seals the trait is \
reported here and not again by trait-supertrait-added. Items behind `#[doc(hidden)]` are outside \
the public API, so a supertrait or argument type there seals the trait too. Unsealing a trait is \
additive: downstream crates gain the right to implement it.",
    example_before: "pub trait Plugin { fn run(&self); }",
    example_after: "pub trait Plugin: private::Sealed { fn run(&self); }",
    fix: "leave the trait open; seal new traits from their first release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        let (was, is) = (is_sealed(cx.old, pair.old), is_sealed(cx.new, pair.new));
        if was && !is {
            // downstream crates may now implement it: new API, nothing breaks
            let why = seal_reason(cx.old, pair.old).unwrap_or_else(|| "it required private items".into());
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "trait `{}` is no longer sealed (before, {why}): downstream crates can now implement it",
                        pair.path
                    ),
                )
                .class(Class::Additive)
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
            continue;
        }
        if was || !is {
            continue;
        }
        let why =
            seal_reason(cx.new, pair.new).unwrap_or_else(|| "it now requires private items".into());
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "trait `{}` is now sealed ({why}): downstream impls no longer compile",
                    pair.path
                ),
            )
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: implement the trait for a local type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement(cx, &f.path)
}
