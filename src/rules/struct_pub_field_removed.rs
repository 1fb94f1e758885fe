//! struct-pub-field-removed: a public field was removed, renamed or made private.


use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;
use super::support::{Container, FieldSet, field_sets, shifted_tuple_fields};

pub static RULE: Rule = Rule {
    id: "struct-pub-field-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public field of a struct was removed, renamed or made private",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation:
        "Code reading the field (`s.field`), building the struct with it, or destructuring it \
stops compiling when the field is gone or no longer public.",
    example_before: "pub struct Config { pub verbose: bool, pub jobs: u32 }",
    example_after: "pub struct Config { pub verbose: bool, jobs: u32 }",
    fix: "keep the field public, or add an accessor in a major release",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        if old.shape != new.shape {
            continue; // struct-kind-changed reports it
        }
        // a tuple field that moved to a later index is reported by struct-field-added
        let shifted = shifted_tuple_fields(&cx.types, cx.old, pair.old, cx.new, pair.new);
        for (key, field) in &old.public {
            if shifted.iter().any(|(from, ..)| from.to_string() == *key) {
                continue;
            }
            // a field behind #[doc(hidden)] is reported by item-now-hidden
            if new.get(key).is_none() && new.get_hidden(key).is_none() {
                out.push(
                    Finding::new(
                        &RULE,
                        format!("{}::{key}", pair.path),
                        format!(
                            "public field `{key}` of struct `{}` was removed or made private",
                            pair.path
                        ),
                    )
                    .old_span(field)
                    .new_span(pair.new),
                );
            }
        }
    }
}

/// The witness: read the field.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::read_field(cx, &f.path, false)
}
