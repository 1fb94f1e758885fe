//! struct-kind-changed: a struct changed between unit, tuple and struct-like forms.


use super::{Class, Rule, Template};
use crate::api::types::last_segment;
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;
use super::support::{Container, FieldSet, field_sets};

pub static RULE: Rule = Rule {
    id: "struct-kind-changed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a struct changed between unit, tuple and struct-like forms",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#struct-tuple-normal-with-private",
    explanation: "The form decides how users construct and match the struct: `S`, `S(a, b)` or \
`S { a, b }`. Changing it breaks them, unless every field was private (and there was at least one), \
in which case users could do neither and the change is only additive.",
    example_before: "pub struct Id(pub u64);",
    example_after: "pub struct Id { pub value: u64 }",
    fix: "keep the struct's form",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        if pair.via_alias && old.shape != super::support::Shape::Plain && !old.has_private {
            // a type alias lives only in the type namespace: `Old(..)` and `Old` stop working
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "`{}` is now a type alias, so its {} struct constructor `{}` can no longer be used",
                        pair.path,
                        old.shape.noun(),
                        last_segment(pair.path)
                    ),
                )
                .spans(pair.old, pair.new),
            );
            continue;
        }
        if old.shape == new.shape {
            continue;
        }
        let opaque = |f: &super::support::Fields| f.public.is_empty() && f.has_private;
        let class = if opaque(&old) && opaque(&new) {
            Class::Additive
        } else {
            Class::Breaking
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "struct `{}` changed from a {} struct to a {} struct",
                    pair.path,
                    old.shape.noun(),
                    new.shape.noun()
                ),
            )
            .class(class)
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// The witness: build the struct the old way (a literal, a tuple constructor or the unit value).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::construct(cx, &f.path)
}
