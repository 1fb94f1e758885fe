//! struct-field-type-changed: a public field of a struct changed type.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use super::support::{Container, FieldSet, Fields, field_sets, shifted_tuple_fields};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "struct-field-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field of a struct changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Code that reads, writes or constructs the field uses its old type. Types are compared \
structurally, so a path to the same item through another re-export is not a change.",
    example_before: "pub struct Limits { pub max: u32 }",
    example_after: "pub struct Limits { pub max: u64 }",
    fix: "keep the old field type; add a new field or accessor for the wider type",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        let (ItemEnum::Struct(os), ItemEnum::Struct(ns)) = (&pair.old.inner, &pair.new.inner)
        else {
            continue;
        };
        let types = cx.types.with_generics(&[&os.generics], &[&ns.generics]);
        // a tuple field that moved to a later index is reported by struct-field-added
        let shifted = shifted_tuple_fields(&cx.types, cx.old, pair.old, cx.new, pair.new);
        for (key, of) in &old.public {
            if shifted.iter().any(|(from, ..)| from.to_string() == *key) {
                continue;
            }
            let Some(nf) = new.get(key) else { continue };
            let (Some(a), Some(b)) = (Fields::field_type(of), Fields::field_type(nf)) else {
                continue;
            };
            if types.eq_ty(a, b) {
                continue;
            }
            if let Some((x, y)) = render_pair(cx.old, a, cx.new, b) {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", pair.path),
                        format!(
                            "field `{key}` of struct `{}` changed type from `{x}` to `{y}`",
                            pair.path
                        ),
                    )
                    .spans(of, nf)
                    .signature_text(format!("pub {key}: {x}"), format!("pub {key}: {y}")),
                );
            }
        }
    }
}

/// The witness: borrow the field as its old type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::read_field(cx, &f.path, true)
}
