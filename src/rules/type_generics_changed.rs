//! type-generics-changed: a type's generic parameters were added, removed or reordered.

use rustdoc_types::{Item, ItemEnum};

use super::support::{compare_params, noun, reordered_params, type_generics};
use super::{Class, Rule};
use crate::api::model::Target;
use crate::diff::{DiffCx, Finding, Pair};

pub static RULE: Rule = Rule {
    id: "type-generics-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a type's generic parameters were added (without a default), removed or reordered, or its lifetimes changed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-new-default",
    explanation: "Users write the type with its parameters (`Wrapper<u8>`, `View<'a>`, `Grid<T, 4>`). A \
new parameter without a default, a removed one, a new or removed lifetime, or a changed order makes \
those names wrong. Adding a type or const parameter with a default is additive: old uses pick the \
default. Renaming a parameter is not a change.",
    example_before: "pub struct Wrapper<T> { value: T }",
    example_after: "pub struct Wrapper<T, M> { value: T, meta: PhantomData<M> }",
    fix: "give the new parameter a default (`M = ()`), or add a new type",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let is_type = |i: &ItemEnum| {
            matches!(
                i,
                ItemEnum::Struct(_)
                    | ItemEnum::Enum(_)
                    | ItemEnum::Union(_)
                    | ItemEnum::TypeAlias(_)
            )
        };
        if !is_type(&pair.old.inner) || !is_type(&pair.new.inner) {
            continue;
        }
        // what users name at this path: the alias itself when the type became an alias of another
        let new_item = named_item(cx, pair);
        let (Some(og), Some(ng)) = (type_generics(pair.old), type_generics(new_item)) else {
            continue;
        };
        let types = cx.types.with_generics(&[og], &[ng]);
        let mut changes = compare_params(&types, og, ng, false);
        if let Some(reorder) = reordered_params(og, ng) {
            changes.breaking.insert(0, reorder);
        }
        let Some((class, list)) = changes.verdict() else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!("{} `{}`: {}", noun(pair.old), pair.path, list.join("; ")),
            )
            .class(class)
            .spans(pair.old, new_item)
            .signatures(cx.old, pair.old, cx.new, new_item),
        );
    }
}

fn named_item<'a>(cx: &DiffCx<'a>, pair: &Pair<'a>) -> &'a Item {
    if pair.via_alias {
        if let Some(Target::Item(id)) = cx.new.paths.get(pair.path) {
            if let Some(alias) = cx.new.item(*id) {
                return alias;
            }
        }
    }
    pair.new
}
