//! fn-generics-changed: a function's or inherent method's generic parameters changed.

use super::support::compare_params;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::{CallableKind, DiffCx};

pub static RULE: Rule = Rule {
    id: "fn-generics-changed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a function's generic type or const parameters were added, removed or changed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-generic-new",
    explanation:
        "Callers can name generic arguments with a turbofish (`parse::<u8>(s)`). Removing a \
parameter, changing a const parameter's type, or adding one when callers could already write a \
turbofish breaks those calls. Adding the first generic parameter to a function that had none is \
additive (callers never wrote a turbofish), though the Cargo Book calls it possibly-breaking.",
    example_before: "pub fn parse<T: FromStr>(s: &str) -> T",
    example_after: "pub fn parse<T: FromStr, E>(s: &str) -> Result<T, E>",
    fix: "keep the parameter list; add a new function for the new shape",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let types = c.types(cx);
        let changes = compare_params(&types, &c.old.generics, &c.new.generics, true);
        let Some((class, list)) = changes.verdict() else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                c.path,
                format!("{} `{}`: {}", c.kind.noun(), c.path, list.join("; ")),
            )
            .class(class)
            .spans(c.old_item, c.new_item)
            .signatures(cx.old, c.old_item, cx.new, c.new_item),
        );
    }
}

/// The witness: call the function with its old generic arguments, from a generic function with the old generics.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::generic_call(cx, &f.path)
}
