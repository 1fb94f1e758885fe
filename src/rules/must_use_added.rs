//! must-use-added: `#[must_use]` added to a function, method or type.

use rustdoc_types::{Attribute, Item};

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "must-use-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "#[must_use] was added",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#new-lints",
    explanation: "A new `#[must_use]` makes ignored results warn. That is not a break by the Cargo \
Book's rules, but crates built with `#![deny(warnings)]` (or `-D warnings` in CI) stop compiling, so \
it belongs in a minor release.",
    example_before: "pub fn try_send(&self, msg: Msg) -> Result<(), Full>",
    example_after: "#[must_use]\npub fn try_send(&self, msg: Msg) -> Result<(), Full>",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::Impossible("a lint: unused results still compile"),
};

fn must_use(item: &Item) -> bool {
    item.attrs
        .iter()
        .any(|a| matches!(a, Attribute::MustUse { .. }))
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let pairs = cx.pairs.iter().map(|p| (p.path, p.old, p.new));
    let members = cx
        .members
        .iter()
        .chain(&cx.trait_members)
        .filter_map(|m| Some((m.path.as_str(), m.old?, m.new?)));
    for (path, old, new) in pairs.chain(members) {
        if !must_use(old) && must_use(new) {
            out.push(
                Finding::new(&RULE, path, format!("`{path}` is now #[must_use]")).spans(old, new),
            );
        }
    }
}
