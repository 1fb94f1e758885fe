//! sized-lost: a type is no longer `Sized`.

use rustdoc_types::Item;

use super::support::{impls_of, trait_name};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "sized-lost",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a type is no longer `Sized`",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "A struct whose last field becomes a dynamically sized type (`[u8]`, `str`, \
`dyn Trait`) is itself unsized, even when that field is private. Users can then no longer hold it \
by value, return it, put it in a `Vec` or an `Option`, or pass it to any generic parameter with the \
implicit `Sized` bound. Rustdoc records the lost `Sized` as a synthetic negative impl, which this \
rule reads.",
    example_before: "pub struct Packet { len: u16, data: [u8; 16] }",
    example_after: "pub struct Packet { len: u16, data: [u8] }",
    fix: "keep the field sized (`Box<[u8]>`, `Vec<u8>`), or add a new unsized type next to the old one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        if is_unsized(cx.old, pair.old) || !is_unsized(cx.new, pair.new) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "`{}` is no longer `Sized`: it can no longer be held by value, returned, or stored in a `Vec` or `Option`",
                    pair.path
                ),
            )
            .spans(pair.old, pair.new),
        );
    }
}

/// Rustdoc lists `impl !Sized for T` among the synthetic impls of an unsized type.
fn is_unsized(api: &Api, item: &Item) -> bool {
    impls_of(api, item)
        .iter()
        .any(|(_, imp)| imp.is_synthetic && imp.is_negative && trait_name(imp) == Some("Sized"))
}

/// The witness: instantiate a generic that requires `Sized` with the type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::sized(cx, &f.path)
}
