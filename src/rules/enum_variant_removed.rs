//! enum-variant-removed: a variant was removed or renamed.

use rustdoc_types::ItemEnum;

use super::support::{hidden_variant, variants};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "enum-variant-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a variant of an enum was removed or renamed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Code that constructs or matches the variant by name stops compiling.",
    example_before: "pub enum Level { Debug, Info, Warn }",
    example_after: "pub enum Level { Info, Warn }",
    fix: "keep the variant (it can be `#[deprecated]`)",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let new = variants(cx.new, pair.new);
        for (name, variant) in variants(cx.old, pair.old) {
            // a variant behind #[doc(hidden)] is reported by item-now-hidden
            if !new.iter().any(|(n, _)| *n == name)
                && hidden_variant(cx.new, pair.new, name).is_none()
            {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{name}", pair.path),
                        format!("variant `{name}` of enum `{}` was removed", pair.path),
                    )
                    .old_span(variant)
                    .new_span(pair.new),
                );
            }
        }
    }
}

/// The witness: match the variant.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::variant_exists(cx, &f.path)
}
