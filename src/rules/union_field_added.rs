//! union-field-added: a public field was added to a union.


use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;
use super::support::{Container, FieldSet, field_sets};

pub static RULE: Rule = Rule {
    id: "union-field-added",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field was added to a union",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#type-layout",
    explanation:
        "Every field of a union shares the same storage, so a new field changes which reads \
are valid and can change the union's size and alignment. Unsafe code that transmutes the union, \
relies on its size, or assumes it only ever holds one of the old fields' bit patterns is broken \
by the addition. Adding a private field next to an existing private one is not visible to users \
and is not reported.",
    example_before: "pub union Bits { pub i: u32, pub f: f32 }",
    example_after: "pub union Bits { pub i: u32, pub f: f32, pub wide: u64 }",
    fix: "add a new union type, or release the new field in a major version",
    check,
    witness: Template::NotYet("a compile-time assertion on the union size"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Union) {
        for (key, field) in &new.public {
            if old.get(key).is_some() {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    format!("{}::{key}", pair.path),
                    format!(
                        "public field `{key}` was added to union `{}`: the union's layout and the set of valid reads change",
                        pair.path
                    ),
                )
                .old_span(pair.old)
                .new_span(field),
            );
        }
    }
}
