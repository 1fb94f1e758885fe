//! fn-unsafe-added: a safe function or inherent method became `unsafe`.

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::{CallableKind, DiffCx};

pub static RULE: Rule = Rule {
    id: "fn-unsafe-added",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a safe function or method became unsafe",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Calling an `unsafe fn` requires an `unsafe` block, so every existing safe call site \
stops compiling. Removing `unsafe` from a free function or inherent method is additive; on a trait \
method either direction breaks implementors (trait-method-signature-changed).",
    example_before: "pub fn from_raw(p: *mut u8) -> Buf",
    example_after: "pub unsafe fn from_raw(p: *mut u8) -> Buf",
    fix: "add a new `unsafe fn from_raw_unchecked` and keep the safe one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue; // trait-method-signature-changed: implementors see both directions
        }
        if c.old.header.is_unsafe && !c.new.header.is_unsafe {
            // callers may drop their `unsafe` blocks (which then warn, but compile): additive
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!("{} `{}` is no longer `unsafe`", c.kind.noun(), c.path),
                )
                .class(Class::Additive)
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
        if !c.old.header.is_unsafe && c.new.header.is_unsafe {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!("{} `{}` became `unsafe`", c.kind.noun(), c.path),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: call the function outside an unsafe block.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call(cx, &f.path)
}
