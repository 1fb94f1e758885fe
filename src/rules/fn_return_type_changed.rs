//! fn-return-type-changed: a function or inherent method returns a different type.

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_pair;
use crate::diff::{CallableKind, DiffCx};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "fn-return-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a function or method returns a different type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Callers use the returned value as the old type: they store it, match it, call \
methods on it. A different return type (including a value becoming `()` or `()` becoming a value, \
which changes what `let x = f();` means) breaks them.",
    example_before: "pub fn len(&self) -> u32",
    example_after: "pub fn len(&self) -> usize",
    fix: "add a new method with the new return type and deprecate the old one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod || c.old.header.is_async != c.new.header.is_async {
            continue; // async-changed compares async functions with future-returning ones
        }
        let types = c.types(cx);
        if types.eq_opt_ty(c.old.sig.output.as_ref(), c.new.sig.output.as_ref()) {
            continue;
        }
        let unit = rustdoc_types::Type::Tuple(Vec::new());
        let (a, b) = (
            c.old.sig.output.as_ref().unwrap_or(&unit),
            c.new.sig.output.as_ref().unwrap_or(&unit),
        );
        if let Some((x, y)) = render_pair(cx.old, a, cx.new, b) {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!(
                        "{} `{}` returned `{x}` and now returns `{y}`",
                        c.kind.noun(),
                        c.path
                    ),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: call the function and keep the result as the old return type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call_returning(cx, &f.path)
}
