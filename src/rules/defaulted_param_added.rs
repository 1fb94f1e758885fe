//! defaulted-param-added: a type gained a generic parameter with a default (`S = RandomState`).

use super::support::noun;
use super::type_generics_changed::type_param_changes;
use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "defaulted-param-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "a type gained a generic parameter with a default",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-new-default",
    explanation: "A type parameter with a default keeps every old use compiling: `Map<K, V>` now \
means `Map<K, V, RandomState>`, the same type as before. Impls and methods made generic over the \
new parameter still cover that instance, so they are not reported as removed or changed; what is \
new is the ability to pick another type for the parameter.",
    example_before: "pub struct Map<K, V> { /* ... */ }",
    example_after: "pub struct Map<K, V, S = RandomState> { /* ... */ }",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::Impossible("an additive change"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for change in type_param_changes(cx) {
        if !change.changes.breaking.is_empty() || change.changes.additive.is_empty() {
            continue; // a breaking change to the list is type-generics-changed
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
                    change.changes.additive.join("; ")
                ),
            )
            .spans(pair.old, change.new_item)
            .signatures(cx.old, pair.old, cx.new, change.new_item),
        );
    }
}
