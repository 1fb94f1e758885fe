//! fn-abi-changed: a function's `extern "ABI"` or unwind-ness changed.

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::signature::abi_text;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "fn-abi-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a function's ABI (extern \"C\", \"system\", -unwind...) changed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "The ABI is part of a function's type: code that stores it as a function pointer \
(`extern \"C\" fn(..)`) or hands it to foreign code depends on the calling convention and on whether \
unwinding may cross it.",
    example_before: "pub extern \"C\" fn callback(x: i32)",
    example_after: "pub extern \"C-unwind\" fn callback(x: i32)",
    fix: "keep the ABI; add a new function with the other one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.old.header.abi != c.new.header.abi {
            let show = |a| {
                abi_text(a)
                    .map(|s| format!("extern \"{s}\""))
                    .unwrap_or_else(|| "the Rust ABI".into())
            };
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!(
                        "{} `{}` changed ABI from {} to {}",
                        c.kind.noun(),
                        c.path,
                        show(&c.old.header.abi),
                        show(&c.new.header.abi)
                    ),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: coerce the function to a function pointer of its old ABI and types.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::fn_pointer(cx, &f.path)
}
