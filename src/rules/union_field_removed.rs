//! union-field-removed: a public field of a union was removed, renamed or made private.


use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;
use super::support::{Container, FieldSet, field_sets};

pub static RULE: Rule = Rule {
    id: "union-field-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field of a union was removed, renamed or made private",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "A union is used through its fields: `Bits { f: 1.0 }` writes one, `unsafe { b.f }` \
reads one, and patterns name them. Code that names a field that is gone, or no longer public, stops \
compiling. Private fields are not part of the API, so removing one is not reported.",
    example_before: "pub union Bits { pub i: u32, pub f: f32 }",
    example_after: "pub union Bits { pub i: u32 }",
    fix: "keep the field public",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Union) {
        for (key, field) in &old.public {
            // a field behind #[doc(hidden)] is reported by item-now-hidden
            if new.get(key).is_some() || new.get_hidden(key).is_some() {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{key}", pair.path),
                    format!(
                        "public field `{key}` of union `{}` was removed or made private",
                        pair.path
                    ),
                )
                .old_span(field)
                .new_span(pair.new),
            );
        }
    }
}

/// The witness: read the field.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::read_field(cx, &f.path, false)
}
