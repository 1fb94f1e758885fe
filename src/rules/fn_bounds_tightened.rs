//! fn-bounds-tightened: a function's or inherent method's generic bounds became stricter.

use super::support::compare_bounds;
use super::{Class, Rule};
use crate::diff::{CallableKind, DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "fn-bounds-tightened",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a function's generic bounds became stricter (or looser: additive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-bounds-tighten",
    explanation: "Callers pass types that met the old bounds; a new bound (inline or in a where-clause) \
rejects those that do not meet it. Bounds from `<T: A>` and `where T: B` are merged into one set per \
parameter before comparing, so moving a bound between the two forms is not a change. Dropping a bound \
is additive. Bounds on the impl block of an inherent method count too.",
    example_before: "pub fn spawn<F: FnOnce()>(f: F)",
    example_after: "pub fn spawn<F: FnOnce() + Send + 'static>(f: F)",
    fix: "keep the old bounds; add a new function with the stricter ones",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let types = c.types(cx);
        let (mut tightened, mut loosened) =
            compare_bounds(&types, &c.old.generics, &c.new.generics);
        if let (Some(o), Some(n)) = (c.old_outer, c.new_outer) {
            let (t, l) = compare_bounds(&types, o, n);
            tightened.extend(t);
            loosened.extend(l);
        }
        let (class, message) = if !tightened.is_empty() {
            (
                Class::Breaking,
                format!(
                    "{} `{}` requires new bounds: {}",
                    c.kind.noun(),
                    c.path,
                    tightened.join(", ")
                ),
            )
        } else if !loosened.is_empty() {
            (
                Class::Additive,
                format!(
                    "{} `{}` dropped bounds: {}",
                    c.kind.noun(),
                    c.path,
                    loosened.join(", ")
                ),
            )
        } else {
            continue;
        };
        out.push(
            Finding::new(&RULE, c.path, message)
                .class(class)
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
        );
    }
}
