//! copy-impl-added: a public type became `Copy`.


use super::support::{impls_of, trait_name};
use super::{Class, Rule, Template};
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "copy-impl-added",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a type became `Copy` (breaking by default: a project policy)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-new",
    explanation:
        "A new `Copy` impl looks additive, but it changes what existing code means: values \
that `move` closures, assignments and pattern bindings used to move are now copied, so state \
changed through the copy no longer reaches the original, and the type can never again get a \
`Drop` impl or a non-`Copy` field without a major release. semgate treats it as breaking by \
default, as cargo-semver-checks does; a project that disagrees can set \
`rules.copy-impl-added = \"additive\"` in its configuration.",
    example_before: "#[derive(Clone)]\npub struct Id(pub u32);",
    example_after: "#[derive(Clone, Copy)]\npub struct Id(pub u32);",
    fix: "release the `Copy` impl in a major version, or accept the finding with a reason",
    check,
    witness: Template::Impossible("a change of meaning (values are copied instead of moved) that still compiles"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        if copy_impl(cx.old, pair.old).is_some() {
            continue;
        }
        let Some(imp) = copy_impl(cx.new, pair.new) else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "`{}` is now `Copy`: moves out of it become copies, and the type is committed to staying `Copy`",
                    pair.path
                ),
            )
            .old_span(pair.old)
            .new_span(if imp.span.is_some() { imp } else { pair.new }),
        );
    }
}

/// The type's `Copy` impl (derived or written out), if any.
fn copy_impl<'a>(api: &'a Api, item: &'a rustdoc_types::Item) -> Option<&'a rustdoc_types::Item> {
    impls_of(api, item)
        .into_iter()
        .find(|(i, imp)| {
            !imp.is_negative
                && imp.blanket_impl.is_none()
                && trait_name(imp) == Some("Copy")
                && !api.is_hidden(i)
        })
        .map(|(i, _)| i)
}
