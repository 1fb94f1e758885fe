//! enum-non-exhaustive-added: `#[non_exhaustive]` added to an enum or one of its variants.

use rustdoc_types::ItemEnum;

use super::support::variant_pairs;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "enum-non-exhaustive-added",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "#[non_exhaustive] was added to an enum or an enum variant",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#attr-adding-non-exhaustive",
    explanation:
        "Outside the crate, matches on a `#[non_exhaustive]` enum need a wildcard arm, and a \
`#[non_exhaustive]` variant can no longer be constructed and must be matched with `..`. Existing \
exhaustive matches and constructions stop compiling. Removing it is additive: users may now \
match exhaustively.",
    example_before: "pub enum Error { Io, Parse }",
    example_after: "#[non_exhaustive]\npub enum Error { Io, Parse }",
    fix: "add `#[non_exhaustive]` only in a major release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    // removing #[non_exhaustive] lets users match exhaustively and build the variant: additive
    let dropped = |path: String, noun: &str, old, new| {
        Finding::new(&RULE, path.clone(), format!("{noun} `{path}` is no longer #[non_exhaustive]"))
            .class(Class::Additive)
            .spans(old, new)
    };
    for v in variant_pairs(cx) {
        if is_non_exhaustive(v.old) && !is_non_exhaustive(v.new) {
            out.push(dropped(v.path(), "variant", v.old, v.new));
        }
        if !is_non_exhaustive(v.old) && is_non_exhaustive(v.new) {
            out.push(
                Finding::new(
                    &RULE,
                    v.path(),
                    format!("variant `{}` is now #[non_exhaustive]", v.path()),
                )
                .spans(v.old, v.new),
            );
        }
    }
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        if is_non_exhaustive(pair.old) && !is_non_exhaustive(pair.new) {
            out.push(dropped(pair.path.to_string(), "enum", pair.old, pair.new));
        }
        if !is_non_exhaustive(pair.old) && is_non_exhaustive(pair.new) {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("enum `{}` is now #[non_exhaustive]", pair.path),
                )
                .spans(pair.old, pair.new),
            );
        }
    }
}

/// The witness: match the enum exhaustively without a wildcard, or build the variant that
/// became `#[non_exhaustive]` from its old fields.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::exhaustive_match(cx, &f.path).or_else(|| t::construct(cx, &f.path))
}
