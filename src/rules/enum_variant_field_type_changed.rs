//! enum-variant-field-type-changed: a field of an enum variant changed type.

use rustdoc_types::ItemEnum;

use super::support::{variant_fields, variants, Fields};
use super::{Class, Rule};
use crate::api::types::render_type;
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "enum-variant-field-type-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a field of an enum variant changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Code constructing the variant passes the old type, and code matching it binds the \
old type; both break when the field's type changes.",
    example_before: "pub enum Error { Io(std::io::Error) }",
    example_after: "pub enum Error { Io(Box<dyn std::error::Error>) }",
    fix: "keep the field's type; add a variant for the new type",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let (ItemEnum::Enum(oe), ItemEnum::Enum(ne)) = (&pair.old.inner, &pair.new.inner) else { continue };
        let types = cx.types.with_generics(&[&oe.generics], &[&ne.generics]);
        let new = variants(cx.new, pair.new);
        for (name, ov) in variants(cx.old, pair.old) {
            let Some((_, nv)) = new.iter().find(|(n, _)| *n == name) else { continue };
            let (Some(of), Some(nf)) = (variant_fields(cx.old, ov), variant_fields(cx.new, nv)) else { continue };
            if of.shape != nf.shape {
                continue;
            }
            for (key, ofield) in &of.public {
                let Some(nfield) = nf.get(key) else { continue };
                let (Some(a), Some(b)) = (Fields::field_type(ofield), Fields::field_type(nfield)) else { continue };
                if !types.eq_ty(a, b) {
                    out.push(
                        Finding::new(
                            &RULE,
                            format!("{}::{name}::{key}", pair.path),
                            format!(
                                "field `{key}` of variant `{}::{name}` changed type from `{}` to `{}`",
                                pair.path,
                                render_type(a),
                                render_type(b)
                            ),
                        )
                        .spans(ofield, nfield)
                        .signatures(cx.old, ov, cx.new, nv),
                    );
                }
            }
        }
    }
}
