//! union-field-type-changed: a public field of a union changed type.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use super::support::{Container, FieldSet, Fields, field_sets};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "union-field-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field of a union changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Code that writes the field, or reads it back in an `unsafe` block, uses the old type; \
with a new type it either stops compiling or, worse, reinterprets the bits differently. Types are \
compared structurally, so naming the same item through another re-export is not a change.",
    example_before: "pub union Bits { pub i: u32, pub f: f32 }",
    example_after: "pub union Bits { pub i: i32, pub f: f32 }",
    fix: "keep the old field type; add a new field for the new type",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Union) {
        let (ItemEnum::Union(ou), ItemEnum::Union(nu)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        let types = cx.types.with_generics(&[&ou.generics], &[&nu.generics]);
        for (key, of) in &old.public {
            let Some(nf) = new.get(key) else { continue };
            let (Some(a), Some(b)) = (Fields::field_type(of), Fields::field_type(nf)) else {
                continue;
            };
            if types.eq_ty(a, b) {
                continue;
            }
            let Some((x, y)) = render_pair(cx.old, a, cx.new, b) else {
                continue;
            };
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{key}", pair.path),
                    format!(
                        "field `{key}` of union `{}` changed type from `{x}` to `{y}`",
                        pair.path
                    ),
                )
                .spans(of, nf)
                .signature_text(format!("pub {key}: {x}"), format!("pub {key}: {y}")),
            );
        }
    }
}

/// The witness: borrow the field as its old type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::read_field(cx, &f.path, true)
}
