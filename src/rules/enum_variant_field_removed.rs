//! enum-variant-field-removed: a field of an enum variant was removed.

use super::support::variant_pairs;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "enum-variant-field-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a field of an enum variant was removed or renamed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Code that constructs the variant with the field, or binds it in a pattern, stops compiling.",
    example_before: "pub enum Msg { Move { x: i32, y: i32 } }",
    example_after: "pub enum Msg { Move { x: i32 } }",
    fix: "keep the field",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for v in variant_pairs(cx) {
        if v.old_fields.shape != v.new_fields.shape {
            continue; // enum-variant-kind-changed reports it
        }
        for (key, field) in &v.old_fields.public {
            if v.new_fields.get(key).is_none() && v.new_fields.get_hidden(key).is_none() {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", v.path()),
                        format!("field `{key}` of variant `{}` was removed", v.path()),
                    )
                    .old_span(field)
                    .new_span(v.new)
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
