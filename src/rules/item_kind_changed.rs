//! item-kind-changed: a path now names a different kind of item (struct -> enum, fn -> const...).

use rustdoc_types::ItemEnum;

use super::support::noun;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "item-kind-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public path now names a different kind of item",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Each kind of item is used differently: a struct is built with a literal, an enum is \
matched, a function is called, a constant is read. Code written for the old kind stops compiling when \
the same path names an item of another kind.",
    example_before: "pub struct Mode { pub fast: bool }",
    example_after: "pub enum Mode { Fast, Slow }",
    fix: "keep the old item under its name and introduce the new one under a new name",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        // static <-> const have their own rules (static-became-const, const-became-static)
        if matches!(
            (&pair.old.inner, &pair.new.inner),
            (ItemEnum::Static(_), ItemEnum::Constant { .. })
                | (ItemEnum::Constant { .. }, ItemEnum::Static(_))
        ) {
            continue;
        }
        if std::mem::discriminant(&pair.old.inner) != std::mem::discriminant(&pair.new.inner) {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "`{}` changed from {} to {}",
                        pair.path,
                        article(noun(pair.old)),
                        article(noun(pair.new))
                    ),
                )
                .spans(pair.old, pair.new)
                .signatures(cx.old, pair.old, cx.new, pair.new),
            );
        }
    }
}

/// "a struct", "an enum".
fn article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// The witness: use the item the way its old kind allows (destructure a struct, match an enum, call a function, bound by a trait).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::as_old_kind(cx, &f.path)
}
