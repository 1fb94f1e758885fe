//! enum-variant-field-type-changed: a field of an enum variant changed type.

use rustdoc_types::ItemEnum;

use super::support::{variant_pairs, Fields};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "enum-variant-field-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a field of an enum variant changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Code constructing the variant passes the old type, and code matching it binds the \
old type; both break when the field's type changes.",
    example_before: "pub enum Error { Io(std::io::Error) }",
    example_after: "pub enum Error { Io(Box<dyn std::error::Error>) }",
    fix: "keep the field's type; add a variant for the new type",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for v in variant_pairs(cx) {
        let (ItemEnum::Enum(oe), ItemEnum::Enum(ne)) = (&v.parent.old.inner, &v.parent.new.inner)
        else {
            continue;
        };
        if v.old_fields.shape != v.new_fields.shape {
            continue;
        }
        let types = cx.types.with_generics(&[&oe.generics], &[&ne.generics]);
        for (key, ofield) in &v.old_fields.public {
            let Some(nfield) = v.new_fields.get(key) else {
                continue;
            };
            let (Some(a), Some(b)) = (Fields::field_type(ofield), Fields::field_type(nfield))
            else {
                continue;
            };
            if types.eq_ty(a, b) {
                continue;
            }
            if let Some((x, y)) = render_pair(cx.old, a, cx.new, b) {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", v.path()),
                        format!(
                            "field `{key}` of variant `{}` changed type from `{x}` to `{y}`",
                            v.path()
                        ),
                    )
                    .spans(ofield, nfield)
                    .signatures(cx.old, v.old, cx.new, v.new),
                );
            }
        }
    }
}

/// The witness: build the variant from values of its old field types.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::construct(cx, &f.path).or_else(|| t::construct(cx, f.path.rsplit_once("::")?.0))
}
