//! enum-discriminant-changed: a variant of a unit-only enum got a different discriminant, or the
//! enum can no longer be cast with `as`.

use rustdoc_types::{Item, ItemEnum, VariantKind};

use super::support::{discriminants, is_unit_only, Discriminant};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::is_non_exhaustive;
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "enum-discriminant-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a variant of a unit-only enum changed discriminant, or the enum can no longer be cast with `as`",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#repr-int-enum-change",
    explanation: "Downstream code can turn a variant of an enum whose variants are all unit variants \
into an integer with `as` (`Status::Warn as u8`), and often stores, sends or compares that number. \
Changing a discriminant (explicitly, or implicitly by reordering variants or giving an earlier \
variant a value) silently changes what those casts return. Adding a variant with fields makes the \
cast stop compiling. Writing out the value a variant already had is not a change.",
    example_before: "pub enum Status { Ok, Warn, Fail }",
    example_after: "pub enum Status { Ok, Fail, Warn }",
    fix: "give every variant an explicit discriminant and keep the values; append new variants at the end",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        if !castable(cx.old, pair.old) {
            continue;
        }
        if !castable(cx.new, pair.new) {
            let culprit = blocker(cx.new, pair.new);
            let why = match culprit {
                Some(v) if is_non_exhaustive(v) => {
                    format!(
                        "variant `{}` is now #[non_exhaustive]",
                        v.name.as_deref().unwrap_or("_")
                    )
                }
                Some(v) => format!("variant `{}` has fields", v.name.as_deref().unwrap_or("_")),
                None => "it has no variants".to_string(),
            };
            let mut f = Finding::new(
                &RULE,
                pair.path,
                format!(
                    "enum `{}` can no longer be cast to an integer with `as`: {why}",
                    pair.path
                ),
            )
            .old_span(pair.old);
            f = match culprit {
                Some(v) => f.new_span(v),
                None => f.new_span(pair.new),
            };
            out.push(f);
            continue;
        }
        let new = discriminants(cx.new, pair.new);
        for od in discriminants(cx.old, pair.old) {
            if cx.old.is_hidden(od.item) {
                continue;
            }
            let Some(nd) = new.iter().find(|d| d.name == od.name) else {
                continue;
            };
            let (Some(a), Some(b)) = (od.value, nd.value) else {
                continue;
            };
            if a == b || cx.new.is_hidden(nd.item) {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{}", pair.path, od.name),
                    format!(
                        "discriminant of variant `{}` of enum `{}` changed from {} to {}: `as` casts now give a different value",
                        od.name,
                        pair.path,
                        describe(&od),
                        describe(nd)
                    ),
                )
                .spans(od.item, nd.item),
            );
        }
    }
}

fn describe(d: &Discriminant<'_>) -> String {
    match (d.value, d.explicit) {
        (Some(v), true) => v.to_string(),
        (Some(v), false) => format!("{v} (implicit)"),
        (None, _) => "an unknown value".into(),
    }
}

/// Downstream crates can cast the enum with `as`: every variant is a unit variant and none is
/// `#[non_exhaustive]`.
fn castable(api: &Api, item: &Item) -> bool {
    is_unit_only(item, api) && blocker(api, item).is_none()
}

/// The first variant that stops downstream `as` casts.
fn blocker<'a>(api: &'a Api, item: &'a Item) -> Option<&'a Item> {
    let ItemEnum::Enum(e) = &item.inner else {
        return None;
    };
    e.variants
        .iter()
        .filter_map(|id| api.item(*id))
        .find(|v| match &v.inner {
            ItemEnum::Variant(var) => {
                !matches!(var.kind, VariantKind::Plain) || is_non_exhaustive(v)
            }
            _ => false,
        })
}

/// The witness: assert the old discriminant at compile time (`const _: () = assert!(E::V as i128 == 1);`).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::discriminant(cx, &f.path)
}
