//! fn-param-type-changed: a parameter of a function or inherent method changed type.

use super::support::params;
use super::{Class, Rule};
use crate::api::types::render_type;
use crate::diff::{CallableKind, DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "fn-param-type-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a parameter of a function or method changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-generalize-mismatch",
    explanation: "Callers pass values of the old type; a different type makes their calls fail to \
compile. Types are compared structurally: the same item reached through another path, or a renamed \
generic parameter, is not a change. Replacing a concrete type with a generic that still accepts it is \
compatible for free functions and inherent methods (fn-generalize-compatible).",
    example_before: "pub fn load(path: &str) -> Config",
    example_after: "pub fn load(path: PathBuf) -> Config",
    fix: "accept every old argument, e.g. `pub fn load(path: impl AsRef<Path>) -> Config`",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let (before, after) = (params(c.old), params(c.new));
        if before.len() != after.len() {
            continue;
        }
        let types = c.types(cx);
        let changed: Vec<String> = before
            .iter()
            .zip(after)
            .filter(|((_, a), (_, b))| !types.eq_ty(a, b))
            .map(|((name, a), (_, b))| format!("`{name}`: `{}` -> `{}`", render_type(a), render_type(b)))
            .collect();
        if !changed.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!("{} `{}` changed parameter type: {}", c.kind.noun(), c.path, changed.join(", ")),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}
