//! enum-variant-added: a variant was added (breaking for exhaustive enums).

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "enum-variant-added",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a variant was added to an enum (breaking unless the enum is #[non_exhaustive])",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#enum-variant-new",
    explanation: "A `match` on an exhaustive enum lists every variant; a new variant makes those \
matches non-exhaustive and they stop compiling. On a `#[non_exhaustive]` enum users must already have \
a wildcard arm, so a new variant is only additive.",
    example_before: "pub enum Format { Json, Toml }",
    example_after: "pub enum Format { Json, Toml, Yaml }",
    fix: "mark the enum `#[non_exhaustive]` (in a major release) before adding variants",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        // a hidden variant still breaks exhaustive matches, so hidden ones count here
        let old = all_variants(cx.old, pair.old);
        let open = is_non_exhaustive(pair.old);
        for (name, variant) in all_variants(cx.new, pair.new) {
            if old.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let message = if open {
                format!(
                    "variant `{name}` was added to #[non_exhaustive] enum `{}`",
                    pair.path
                )
            } else {
                format!(
                    "variant `{name}` was added to exhaustive enum `{}`: exhaustive matches break",
                    pair.path
                )
            };
            out.push(
                Finding::new(&RULE, format!("{}::{name}", pair.path), message)
                    .class(if open {
                        Class::Additive
                    } else {
                        Class::Breaking
                    })
                    .old_span(pair.old)
                    .new_span(variant),
            );
        }
    }
}

fn all_variants<'a>(
    api: &'a crate::api::Api,
    item: &'a rustdoc_types::Item,
) -> Vec<(&'a str, &'a rustdoc_types::Item)> {
    let ItemEnum::Enum(e) = &item.inner else {
        return Vec::new();
    };
    e.variants
        .iter()
        .filter_map(|id| api.item(*id))
        .filter_map(|v| Some((v.name.as_deref()?, v)))
        .collect()
}

/// The witness: match the enum exhaustively, one arm per old variant, no wildcard.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::exhaustive_match(cx, f.path.rsplit_once("::")?.0)
}
