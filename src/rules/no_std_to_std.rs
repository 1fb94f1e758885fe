//! no-std-to-std: the crate stopped being `#![no_std]`.

use rustdoc_types::Attribute;

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "no-std-to-std",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "the crate is no longer #![no_std]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#attr-no-std-to-std",
    explanation:
        "Users on targets without `std` (embedded, kernels, WebAssembly without WASI) can no \
longer build the crate once it requires `std`.",
    example_before: "#![no_std]",
    example_after: "// #![no_std] removed; the crate now uses std",
    fix: "keep the crate no_std by default and put std behind a `std` feature",
    check,
    witness: Template::NotYet("a no_std witness crate"),
};

fn is_no_std(api: &crate::api::Api) -> bool {
    api.item(api.krate.root).is_some_and(|root| {
        root.attrs.iter().any(|a| match a {
            Attribute::Other(text) => text.contains("no_std") || text.contains("NoStd"),
            _ => false,
        })
    })
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    if is_no_std(cx.old) && !is_no_std(cx.new) {
        let mut f = Finding::new(
            &RULE,
            cx.new.name.as_str(),
            format!("crate `{}` is no longer #![no_std]", cx.new.name),
        );
        if let (Some(o), Some(n)) = (
            cx.old.item(cx.old.krate.root),
            cx.new.item(cx.new.krate.root),
        ) {
            f = f.spans(o, n);
        }
        out.push(f);
    }
}
