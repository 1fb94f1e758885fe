//! struct-field-added-exhaustive: a public field added to a struct users could build by literal.


use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use super::support::{Container, FieldSet, field_sets};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "struct-field-added-exhaustive",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field was added to a struct whose fields were all public",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#struct-add-public-field-when-no-private",
    explanation: "When every field is public and the struct is not `#[non_exhaustive]`, users can build \
it with a struct literal and destructure it exhaustively. Both stop compiling when a field is added. \
Adding a field to a struct that already has a private field, or is `#[non_exhaustive]`, is compatible.",
    example_before: "pub struct Point { pub x: i32, pub y: i32 }",
    example_after: "pub struct Point { pub x: i32, pub y: i32, pub z: i32 }",
    fix: "mark the struct `#[non_exhaustive]` in a major release before adding fields, or give it a private field",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        if old.shape != new.shape || old.has_private || is_non_exhaustive(pair.old) {
            continue;
        }
        for (key, field) in &new.public {
            if old.get(key).is_none() {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", pair.path),
                        format!(
                            "public field `{key}` was added to struct `{}`, whose fields were all public: struct literals and exhaustive patterns break",
                            pair.path
                        ),
                    )
                    .old_span(pair.old)
                    .new_span(field),
                );
            }
        }
    }
}

/// The witness: build the struct with a literal of its old fields.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::construct(cx, f.path.rsplit_once("::")?.0)
}
