//! static-type-changed: a public static changed type.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "static-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public static changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Code reads the static (or takes references to it) as its declared type.",
    example_before: "pub static COUNTER: AtomicU32 = AtomicU32::new(0);",
    example_after: "pub static COUNTER: AtomicU64 = AtomicU64::new(0);",
    fix: "keep the type; add a new static",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::Static(a), ItemEnum::Static(b)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        if cx.types.for_statics().eq_ty(&a.type_, &b.type_) {
            continue;
        }
        if let Some((x, y)) = render_pair(cx.old, &a.type_, cx.new, &b.type_) {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("static `{}` changed type from `{x}` to `{y}`", pair.path),
                )
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// The witness: borrow the static as its old type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::value_as_old_type(cx, &f.path)
}
