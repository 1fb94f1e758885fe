//! enum-variant-field-added: a field added to an exhaustive enum variant.

use super::support::variant_pairs;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "enum-variant-field-added",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a field was added to an enum variant that is not #[non_exhaustive]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#enum-fields-new",
    explanation:
        "Variant fields are always public: users construct the variant with every field and \
match it exhaustively. A new field breaks both, unless the variant is `#[non_exhaustive]`.",
    example_before: "pub enum Shape { Circle { r: f64 } }",
    example_after: "pub enum Shape { Circle { r: f64, center: Point } }",
    fix: "add a new variant, or mark the variant `#[non_exhaustive]` in a major release first",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for v in variant_pairs(cx) {
        let (of, nf) = (&v.old_fields, &v.new_fields);
        if of.shape != nf.shape || of.has_private || is_non_exhaustive(v.old) {
            continue;
        }
        for (key, field) in &nf.public {
            if of.get(key).is_none() {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", v.path()),
                        format!("field `{key}` was added to variant `{}`", v.path()),
                    )
                    .old_span(v.old)
                    .new_span(field)
                    .signatures(cx.old, v.old, cx.new, v.new),
                );
            }
        }
    }
}

/// The witness: match the variant with a pattern naming every old field, without `..`.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::exact_pattern(cx, &f.path).or_else(|| t::exact_pattern(cx, f.path.rsplit_once("::")?.0))
}
