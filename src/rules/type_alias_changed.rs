//! type-alias-changed: a public type alias now names a different type.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "type-alias-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public type alias now names a different type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "A type alias is the type it names: code that constructs, matches or calls methods \
on `Alias` is really using the target type, and breaks when the alias points elsewhere.",
    example_before: "pub type Result<T> = std::result::Result<T, Error>;",
    example_after: "pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;",
    fix: "keep the alias; add a new alias for the new type",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::TypeAlias(a), ItemEnum::TypeAlias(b)) = (&pair.old.inner, &pair.new.inner)
        else {
            continue;
        };
        let types = cx.types.with_generics(&[&a.generics], &[&b.generics]);
        if types.eq_ty(&a.type_, &b.type_) {
            continue;
        }
        if let Some((x, y)) = render_pair(cx.old, &a.type_, cx.new, &b.type_) {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("type alias `{}` changed from `{x}` to `{y}`", pair.path),
                )
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// The witness: use a value of the alias as its old target type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::alias_target(cx, &f.path)
}
