//! enum-variant-field-removed: a field of an enum variant was removed.

use rustdoc_types::ItemEnum;

use super::support::{variant_fields, variants};
use super::{Class, Rule};
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "enum-variant-field-removed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a field of an enum variant was removed or renamed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Code that constructs the variant with the field, or binds it in a pattern, stops compiling.",
    example_before: "pub enum Msg { Move { x: i32, y: i32 } }",
    example_after: "pub enum Msg { Move { x: i32 } }",
    fix: "keep the field",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let new = variants(cx.new, pair.new);
        for (name, ov) in variants(cx.old, pair.old) {
            let Some((_, nv)) = new.iter().find(|(n, _)| *n == name) else { continue };
            let (Some(of), Some(nf)) = (variant_fields(cx.old, ov), variant_fields(cx.new, nv)) else { continue };
            if of.shape != nf.shape {
                continue; // enum-variant-kind-changed reports it
            }
            for (key, field) in &of.public {
                if nf.get(key).is_none() {
                    out.push(
                        Finding::new(
                            &RULE,
                            format!("{}::{name}::{key}", pair.path),
                            format!("field `{key}` of variant `{}::{name}` was removed", pair.path),
                        )
                        .old_span(field)
                        .new_span(nv)
                        .signatures(cx.old, ov, cx.new, nv),
                    );
                }
            }
        }
    }
}
