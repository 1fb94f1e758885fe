//! fn-param-count-changed: a function or inherent method gained or lost parameters.

use super::support::params;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::{CallableKind, DiffCx};

pub static RULE: Rule = Rule {
    id: "fn-param-count-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a function or method takes a different number of parameters",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity",
    explanation: "Every call site passes the old number of arguments, so adding or removing a \
parameter breaks all callers. (Trait methods are reported by trait-method-signature-changed, since any \
change there also breaks implementors.)",
    example_before: "pub fn connect(addr: &str) -> Conn",
    example_after: "pub fn connect(addr: &str, timeout: Duration) -> Conn",
    fix: "add a new function (`connect_timeout`) and keep the old one, or take an options struct",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let (before, after) = (params(c.old).len(), params(c.new).len());
        if before != after {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!(
                        "{} `{}` took {before} parameter(s) and now takes {after}",
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

/// The witness: call the function with arguments of its old parameter types.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call(cx, &f.path)
}
