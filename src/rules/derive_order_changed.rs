//! derive-order-changed: fields or variants of a type with derived `PartialOrd`/`Ord` were reordered.

use rustdoc_types::{Item, ItemEnum, StructKind};

use super::support::{derives, discriminants, is_unit_only};
use super::{Class, Rule, Template};
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "derive-order-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "fields or variants were reordered in a type that derives `PartialOrd` or `Ord`",
    reference: "https://doc.rust-lang.org/std/cmp/trait.PartialOrd.html#derivable",
    explanation: "A derived `PartialOrd`/`Ord` compares struct fields one by one in declaration order, \
and enum variants by discriminant, which is their declaration order unless written out. Reordering \
fields or variants still compiles, but `<`, `sort()`, `BTreeMap` keys and `max()` silently give \
different answers. A hand-written `PartialOrd` does not depend on declaration order and is not \
reported; enums whose variants are all unit variants are covered by enum-discriminant-changed.",
    example_before: "#[derive(PartialEq, Eq, PartialOrd, Ord)]\npub struct Version { pub major: u32, pub minor: u32 }",
    example_after: "#[derive(PartialEq, Eq, PartialOrd, Ord)]\npub struct Version { pub minor: u32, pub major: u32 }",
    fix: "restore the order, or write the comparison by hand so it no longer depends on it",
    check,
    witness: Template::Impossible("the order of variants is seen at run time by comparisons and sorting; the type checker does not see it"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let is_type = |i: &ItemEnum| matches!(i, ItemEnum::Struct(_) | ItemEnum::Enum(_));
    for pair in cx.pairs_where(is_type) {
        let derived: Vec<&str> = ["PartialOrd", "Ord"]
            .into_iter()
            .filter(|t| derives(cx.old, pair.old, t) && derives(cx.new, pair.new, t))
            .collect();
        if derived.is_empty() {
            continue;
        }
        let (what, old, new) = match (&pair.old.inner, &pair.new.inner) {
            (ItemEnum::Struct(_), ItemEnum::Struct(_)) => (
                "fields",
                field_order(cx.old, pair.old),
                field_order(cx.new, pair.new),
            ),
            (ItemEnum::Enum(_), ItemEnum::Enum(_)) => {
                if is_unit_only(pair.old, cx.old) && is_unit_only(pair.new, cx.new) {
                    continue; // enum-discriminant-changed
                }
                (
                    "variants",
                    variant_order(cx.old, pair.old),
                    variant_order(cx.new, pair.new),
                )
            }
            _ => continue,
        };
        let old: Vec<&str> = old.iter().copied().filter(|n| new.contains(n)).collect();
        let new: Vec<&str> = new.iter().copied().filter(|n| old.contains(n)).collect();
        if old == new {
            continue;
        }
        let kind = if what == "fields" { "struct" } else { "enum" };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "{what} of {kind} `{}` were reordered (`{}` -> `{}`) and it derives `{}`: comparisons now order values differently",
                    pair.path,
                    old.join(", "),
                    new.join(", "),
                    derived.join("`/`")
                ),
            )
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new),
        );
    }
}

/// Names of the visible fields of a struct-like struct, in declaration order. (Tuple fields are
/// named by position, so a reorder there shows up as changed field types.)
fn field_order<'a>(api: &'a Api, item: &'a Item) -> Vec<&'a str> {
    let ItemEnum::Struct(s) = &item.inner else {
        return Vec::new();
    };
    let StructKind::Plain { fields, .. } = &s.kind else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|id| api.item(*id))
        .filter_map(|f| f.name.as_deref())
        .collect()
}

/// Variant names in the order the derived comparison sees them: by discriminant, then by
/// declaration order.
fn variant_order<'a>(api: &'a Api, item: &'a Item) -> Vec<&'a str> {
    let mut ds: Vec<(usize, Option<i128>, &str)> = discriminants(api, item)
        .into_iter()
        .enumerate()
        .map(|(i, d)| (i, d.value, d.name))
        .collect();
    ds.sort_by_key(|(i, v, _)| (v.unwrap_or(i128::MAX), *i));
    ds.into_iter().map(|(.., n)| n).collect()
}
