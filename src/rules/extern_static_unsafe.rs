//! extern-static-unsafe: an extern static now needs `unsafe` to use.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "extern-static-unsafe",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "an extern static now needs unsafe to access",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "A `safe static` in an `unsafe extern` block can be read without `unsafe`; once it \
is declared unsafe again, every safe read stops compiling.",
    example_before: "unsafe extern \"C\" { pub safe static VERSION: u32; }",
    example_after: "unsafe extern \"C\" { pub static VERSION: u32; }",
    fix: "keep the static declared `safe`",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::Static(a), ItemEnum::Static(b)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        if !a.is_unsafe && b.is_unsafe {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("static `{}` now needs `unsafe` to access", pair.path),
                )
                .spans(pair.old, pair.new),
            );
        }
    }
}

/// The witness: borrow the static outside an `unsafe` block.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::safe_static(cx, &f.path)
}
