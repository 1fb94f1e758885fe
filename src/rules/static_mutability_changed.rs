//! static-mutability-changed: `static` <-> `static mut`.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "static-mutability-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a static became `static mut`, or stopped being one",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Reading a `static mut` needs `unsafe`, so safe readers of a static that became \
mutable stop compiling; code that wrote to a `static mut` stops compiling when it becomes immutable.",
    example_before: "pub static LEVEL: u8 = 3;",
    example_after: "pub static mut LEVEL: u8 = 3;",
    fix: "keep the mutability; use an atomic or a lock for interior mutability",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::Static(a), ItemEnum::Static(b)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        if a.is_mutable != b.is_mutable {
            let what = if b.is_mutable {
                "became `static mut`"
            } else {
                "is no longer `static mut`"
            };
            out.push(
                Finding::new(&RULE, pair.path, format!("static `{}` {what}", pair.path))
                    .spans(pair.old, pair.new)
                    .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// The witness: borrow the static the way its old mutability allows.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::static_access(cx, &f.path)
}
