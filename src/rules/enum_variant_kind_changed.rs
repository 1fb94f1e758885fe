//! enum-variant-kind-changed: a variant changed between unit, tuple and struct-like forms.

use super::support::variant_pairs;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "enum-variant-kind-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "an enum variant changed between unit, tuple and struct-like forms",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "`E::V`, `E::V(x)` and `E::V { x }` are constructed and matched differently; \
changing a variant's form breaks every use of it.",
    example_before: "pub enum Event { Key(char) }",
    example_after: "pub enum Event { Key { code: char } }",
    fix: "keep the variant's form; add a new variant for the new shape",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for v in variant_pairs(cx) {
        if v.old_fields.shape != v.new_fields.shape {
            out.push(
                Finding::new(
                    &RULE,
                    v.path(),
                    format!(
                        "variant `{}` of enum `{}` changed from a {} variant to a {} variant",
                        v.name,
                        v.parent.path,
                        v.old_fields.shape.noun(),
                        v.new_fields.shape.noun()
                    ),
                )
                .spans(v.old, v.new)
                .signatures(cx.old, v.old, cx.new, v.new),
            );
        }
    }
}

/// The witness: match the variant with a pattern of its old kind, without `..`.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::exact_pattern(cx, &f.path)
}
