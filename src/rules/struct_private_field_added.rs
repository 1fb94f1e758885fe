//! struct-private-field-added: a private field added to a struct whose fields were all public.


use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use super::support::{Container, FieldSet, field_sets};
use crate::api::model::is_non_exhaustive;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "struct-private-field-added",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a private field was added to a struct whose fields were all public",
    reference:
        "https://doc.rust-lang.org/cargo/reference/semver.html#struct-add-private-field-when-public",
    explanation: "A struct whose fields are all public can be built with a literal and matched \
without `..`. One private field makes both impossible outside the crate.",
    example_before: "pub struct Span { pub start: usize, pub end: usize }",
    example_after: "pub struct Span { pub start: usize, pub end: usize, file: FileId }",
    fix: "add the field in a major release, and consider `#[non_exhaustive]` at the same time",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for FieldSet { pair, old, new } in field_sets(cx, Container::Struct) {
        // a public field turned private is struct-pub-field-removed; report only real additions
        let lost_public = old.public.iter().any(|(k, _)| new.get(k).is_none());
        if old.shape == new.shape
            && !old.has_private
            && new.has_private
            && !is_non_exhaustive(pair.old)
            && !lost_public
        {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "struct `{}` gained a private field: it can no longer be built with a struct literal outside the crate",
                        pair.path
                    ),
                )
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// The witness: build the struct with a literal of its old fields.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::construct(cx, &f.path)
}
