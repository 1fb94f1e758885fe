//! fn-const-removed: a `const fn` is no longer `const`.

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::{CallableKind, DiffCx};

pub static RULE: Rule = Rule {
    id: "fn-const-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a const fn is no longer const",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Callers may use a `const fn` in constant contexts: `const` and `static` initialisers, \
array lengths, const generics. Those uses stop compiling when the function loses `const`. (Making a \
function `const` is additive.)",
    example_before: "pub const fn new() -> Self",
    example_after: "pub fn new() -> Self",
    fix: "keep the function const; add a non-const variant if the body needs it",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind != CallableKind::TraitMethod && c.old.header.is_const && !c.new.header.is_const {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!("{} `{}` is no longer `const`", c.kind.noun(), c.path),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: call the function in a const context.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::const_call(cx, &f.path)
}
