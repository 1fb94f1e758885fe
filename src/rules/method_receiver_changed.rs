//! method-receiver-changed: an inherent method takes `self` differently.

use super::support::receiver;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::{CallableKind, DiffCx};

pub static RULE: Rule = Rule {
    id: "method-receiver-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a method's receiver changed (&self, &mut self, self, none)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "The receiver decides how a method is called: `&self` works on shared borrows, \
`&mut self` needs a mutable binding, `self` consumes the value, and a function without a receiver \
cannot be called with method syntax at all. Changing it breaks call sites that relied on the old form.",
    example_before: "pub fn finish(&self) -> Report",
    example_after: "pub fn finish(self) -> Report",
    fix: "keep the old receiver; add a consuming `into_report(self)` next to it",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind != CallableKind::Method {
            continue;
        }
        let (before, after) = (receiver(c.old), receiver(c.new));
        if before != after {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!(
                        "method `{}` took {} and now takes {}",
                        c.path,
                        before.describe(),
                        after.describe()
                    ),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: call the method with the old receiver type (`Type::method(&x, ..)`).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call(cx, &f.path)
}
