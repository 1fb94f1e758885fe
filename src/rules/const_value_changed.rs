//! const-value-changed: a public constant's value changed (reported as a note).

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "const-value-changed",
    classes: &[Class::Patch],
    possibly_breaking: false,
    summary: "a public constant's value changed (a note: behaviour, not API)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Changing a constant's value compiles everywhere, but code that relied on the value \
(buffer sizes, protocol numbers, defaults) may behave differently. semgate shows it so a reviewer \
can decide; it does not raise the required bump. When rustdoc shows no evaluated value, the \
expressions as written are compared; a value shown as `_` cannot be.",
    example_before: "pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;",
    example_after: "pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;",
    fix: "nothing to fix if the new value is intended; mention it in the changelog",
    check,
    witness: Template::Impossible("a patch-level note; a value is seen at run time (a const assertion could see it, but the rule is not breaking)"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::Constant { const_: a, .. }, ItemEnum::Constant { const_: b, .. }) =
            (&pair.old.inner, &pair.new.inner)
        else {
            continue;
        };
        // rustdoc evaluates only some constants; an unevaluated expression (often shown as
        // `_`) says nothing about the value, so only evaluated values or literals are compared
        let shown = |c: &rustdoc_types::Constant| match (&c.value, c.is_literal) {
            (Some(v), _) => Some(v.clone()),
            (None, true) => Some(c.expr.clone()),
            (None, false) => None,
        };
        // unevaluated on either side: the expressions as written still tell a change
        let (before, after) = match (shown(a), shown(b)) {
            (Some(x), Some(y)) => (x, y),
            _ if a.expr != b.expr && a.expr != "_" && b.expr != "_" => {
                (a.expr.clone(), b.expr.clone())
            }
            _ => continue,
        };
        if before != after {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "constant `{}` changed value from `{before}` to `{after}`",
                        pair.path
                    ),
                )
                .spans(pair.old, pair.new),
            );
        }
    }
}
