//! struct-non-exhaustive-added: `#[non_exhaustive]` added to a struct users could build.

use rustdoc_types::ItemEnum;

use super::support::struct_fields;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "struct-non-exhaustive-added",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "#[non_exhaustive] was added to a struct with no private fields",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#attr-adding-non-exhaustive",
    explanation: "Outside the crate, a `#[non_exhaustive]` struct cannot be built with a literal and \
must be matched with `..`. When all fields were public, users did both. (A struct that already had a \
private field was not constructible anyway, so adding the attribute there is not reported.) \
Removing it from a struct whose fields are all public is additive: users may now build it with a \
literal and destructure it without `..`.",
    example_before: "pub struct Options { pub color: bool }",
    example_after: "#[non_exhaustive]\npub struct Options { pub color: bool }",
    fix: "add `#[non_exhaustive]` only in a major release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Struct(_))) {
        let Some(old) = struct_fields(cx.old, pair.old) else {
            continue;
        };
        let new_private = struct_fields(cx.new, pair.new).is_some_and(|f| f.has_private);
        if is_non_exhaustive(pair.old) && !is_non_exhaustive(pair.new) && !new_private {
            // with every field public, users may now build it with a literal and destructure it
            // without `..`: new abilities
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("struct `{}` is no longer #[non_exhaustive]", pair.path),
                )
                .class(Class::Additive)
                .spans(pair.old, pair.new),
            );
            continue;
        }
        if !is_non_exhaustive(pair.old) && is_non_exhaustive(pair.new) && !old.has_private {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("struct `{}` is now #[non_exhaustive]", pair.path),
                )
                .spans(pair.old, pair.new),
            );
        }
    }
}

/// The witness: build the struct with a literal of its old fields.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::construct(cx, &f.path)
}
