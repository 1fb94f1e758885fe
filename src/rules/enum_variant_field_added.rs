//! enum-variant-field-added: a field added to an exhaustive enum variant.

use rustdoc_types::ItemEnum;

use super::support::{variant_fields, variants};
use super::{Class, Rule};
use crate::api::model::is_non_exhaustive;
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "enum-variant-field-added",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a field was added to an enum variant that is not #[non_exhaustive]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#enum-fields-new",
    explanation: "Variant fields are always public: users construct the variant with every field and \
match it exhaustively. A new field breaks both, unless the variant is `#[non_exhaustive]`.",
    example_before: "pub enum Shape { Circle { r: f64 } }",
    example_after: "pub enum Shape { Circle { r: f64, center: Point } }",
    fix: "add a new variant, or mark the variant `#[non_exhaustive]` in a major release first",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let new = variants(cx.new, pair.new);
        for (name, ov) in variants(cx.old, pair.old) {
            let Some((_, nv)) = new.iter().find(|(n, _)| *n == name) else { continue };
            let (Some(of), Some(nf)) = (variant_fields(cx.old, ov), variant_fields(cx.new, nv)) else { continue };
            if of.shape != nf.shape || of.has_private || is_non_exhaustive(ov) {
                continue;
            }
            for (key, field) in &nf.public {
                if of.get(key).is_none() {
                    out.push(
                        Finding::new(
                            &RULE,
                            format!("{}::{name}::{key}", pair.path),
                            format!("field `{key}` was added to variant `{}::{name}`", pair.path),
                        )
                        .old_span(ov)
                        .new_span(field)
                        .signatures(cx.old, ov, cx.new, nv),
                    );
                }
            }
        }
    }
}
