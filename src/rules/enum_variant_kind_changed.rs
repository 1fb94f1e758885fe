//! enum-variant-kind-changed: a variant changed between unit, tuple and struct-like forms.

use rustdoc_types::ItemEnum;

use super::support::{variant_fields, variants};
use super::{Class, Rule};
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "enum-variant-kind-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "an enum variant changed between unit, tuple and struct-like forms",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "`E::V`, `E::V(x)` and `E::V { x }` are constructed and matched differently; \
changing a variant's form breaks every use of it.",
    example_before: "pub enum Event { Key(char) }",
    example_after: "pub enum Event { Key { code: char } }",
    fix: "keep the variant's form; add a new variant for the new shape",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let new = variants(cx.new, pair.new);
        for (name, ov) in variants(cx.old, pair.old) {
            let Some((_, nv)) = new.iter().find(|(n, _)| *n == name) else { continue };
            let (Some(of), Some(nf)) = (variant_fields(cx.old, ov), variant_fields(cx.new, nv)) else { continue };
            if of.shape != nf.shape {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{name}", pair.path),
                        format!(
                            "variant `{name}` of enum `{}` changed from a {} variant to a {} variant",
                            pair.path,
                            of.shape.noun(),
                            nf.shape.noun()
                        ),
                    )
                    .spans(ov, nv)
                    .signatures(cx.old, ov, cx.new, nv),
                );
            }
        }
    }
}
