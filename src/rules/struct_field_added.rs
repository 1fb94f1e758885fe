//! struct-field-added: a field was added to a struct users could not build by literal anyway.


use super::{Class, Rule, Template};
use super::support::{Container, FieldSet, field_sets, shifted_tuple_fields};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "struct-field-added",
    classes: &[Class::Additive, Class::Breaking],
    possibly_breaking: false,
    summary: "a public field was added to a struct that already had a private field or is #[non_exhaustive]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#struct-private-fields-with-private",
    explanation: "Outside the crate, a struct with a private field, or one marked `#[non_exhaustive]`, \
cannot be built with a struct literal and must be matched with `..`, so a new public field breaks \
nothing: it is new API. A new private field next to existing private ones is not visible at all. \
Tuple structs are the exception: fields are named by position, so inserting a field before a public \
one moves it to another index, and `.1` or a tuple pattern now means a different field.",
    example_before: "pub struct Handle { pub id: u32, inner: u64 }",
    example_after: "pub struct Handle { pub id: u32, pub generation: u32, inner: u64 }",
    fix: "in a tuple struct, append new fields after the existing ones",
    check,
    witness: Template::Impossible("an addition to a struct users cannot build by literal: nothing that compiled stops compiling"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        if old.shape != new.shape {
            continue; // struct-kind-changed
        }
        let shifted = shifted_tuple_fields(&cx.types, cx.old, pair.old, cx.new, pair.new);
        for (from, to, of, nf) in &shifted {
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{from}", pair.path),
                    format!(
                        "public field `{from}` of tuple struct `{}` moved to index `{to}` because fields were inserted before it: `.{from}` and tuple patterns now refer to a different field",
                        pair.path
                    ),
                )
                .class(Class::Breaking)
                .spans(of, nf)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
        let open = is_non_exhaustive(pair.old);
        if !old.has_private && !open {
            continue; // struct-field-added-exhaustive
        }
        for (key, field) in &new.public {
            if old.get(key).is_some() || shifted.iter().any(|(_, to, ..)| to.to_string() == *key) {
                continue;
            }
            let why = if open {
                "#[non_exhaustive] struct"
            } else {
                "struct"
            };
            let tail = if open {
                ""
            } else {
                ", which has private fields"
            };
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{key}", pair.path),
                    format!(
                        "public field `{key}` was added to {why} `{}`{tail}",
                        pair.path
                    ),
                )
                .old_span(pair.old)
                .new_span(field),
            );
        }
    }
}
