//! const-became-static: a `const` became a `static`.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "const-became-static",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a const became a static",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "A const can be used where the compiler needs a value at compile time: array \
lengths, const generic arguments, other consts and statics, and match patterns. A static cannot \
be used in any of these, so code that did stops compiling.",
    example_before: "pub const LIMIT: usize = 64;\n// users: let buf = [0u8; LIMIT];",
    example_after: "pub static LIMIT: usize = 64;",
    fix: "keep the const; add a static beside it if an address is needed",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        if let (ItemEnum::Constant { .. }, ItemEnum::Static(_)) = (&pair.old.inner, &pair.new.inner)
        {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "const `{}` became a static: it can no longer be used in const contexts or patterns",
                        pair.path
                    ),
                )
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// The witness: use the constant as a pattern.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::const_pattern(cx, &f.path)
}
