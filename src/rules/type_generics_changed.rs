//! type-generics-changed: a type's generic parameters were added, removed or reordered.

use rustdoc_types::{Item, ItemEnum};

use super::support::{compare_params, noun, reordered_params, type_generics, ParamChanges};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::model::{Namespace, Target};
use crate::diff::{DiffCx, Pair};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "type-generics-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a type's generic parameters were added (without a default), removed or reordered, or its lifetimes changed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Users write the type with its parameters (`Wrapper<u8>`, `View<'a>`, `Grid<T, 4>`). A \
new parameter without a default, a removed one, a new or removed lifetime, or a changed order makes \
those names wrong. Adding a type or const parameter with a default is additive (defaulted-param-added): \
old uses pick the default. Renaming a parameter is not a change.",
    example_before: "pub struct Wrapper<T> { value: T }",
    example_after: "pub struct Wrapper<T, M> { value: T, meta: PhantomData<M> }",
    fix: "give the new parameter a default (`M = ()`), or add a new type",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for change in type_param_changes(cx) {
        if change.changes.breaking.is_empty() {
            continue; // only defaulted parameters added: defaulted-param-added
        }
        let pair = change.pair;
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "{} `{}`: {}",
                    noun(pair.old),
                    pair.path,
                    change.changes.breaking.join("; ")
                ),
            )
            .spans(pair.old, change.new_item)
            .signatures(cx.old, pair.old, cx.new, change.new_item),
        );
    }
}

/// How the generic parameters of a matched struct, enum, union or type alias changed.
pub(super) struct TypeParamChange<'c, 'a> {
    pub pair: &'c Pair<'a>,
    /// what users name at the path (the alias, when a type became an alias of another)
    pub new_item: &'a Item,
    pub changes: ParamChanges,
}

/// Every matched type whose parameter list changed, shared with defaulted-param-added.
pub(super) fn type_param_changes<'c, 'a>(cx: &'c DiffCx<'a>) -> Vec<TypeParamChange<'c, 'a>> {
    let mut out = Vec::new();
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
        let new_item = named_item(cx, pair);
        let (Some(og), Some(ng)) = (type_generics(pair.old), type_generics(new_item)) else {
            continue;
        };
        let types = cx.types.with_generics(&[og], &[ng]);
        let mut changes = compare_params(&types, og, ng, false);
        if let Some(reorder) = reordered_params(og, ng) {
            changes.breaking.insert(0, reorder);
        }
        if !changes.breaking.is_empty() || !changes.additive.is_empty() {
            out.push(TypeParamChange {
                pair,
                new_item,
                changes,
            });
        }
    }
    out
}

fn named_item<'a>(cx: &DiffCx<'a>, pair: &Pair<'a>) -> &'a Item {
    if pair.via_alias {
        if let Some(Target::Item(id)) = cx.new.paths.get(pair.path).and_then(|t| t.get(Namespace::Type)) {
            if let Some(alias) = cx.new.item(id) {
                return alias;
            }
        }
    }
    pair.new
}

/// The witness: name the type with its old generic arguments in a struct field.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::type_with_old_arguments(cx, &f.path)
}
