//! derive-helper-removed: a derive macro no longer accepts one of its helper attributes.

use rustdoc_types::ItemEnum;

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "derive-helper-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a derive macro lost a helper attribute",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Helper attributes (`#[serde(..)]` for `#[derive(Serialize)]`) are only accepted \
on items that use the derive declaring them. When the derive stops declaring a helper, every use of \
that attribute becomes an error.",
    example_before: "#[proc_macro_derive(Builder, attributes(builder, setter))]",
    example_after: "#[proc_macro_derive(Builder, attributes(builder))]",
    fix: "keep declaring the helper, even if the derive now ignores it",
    check,
    witness: Template::NotYet("derive the macro on a local type with the helper attribute"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::ProcMacro(old), ItemEnum::ProcMacro(new)) =
            (&pair.old.inner, &pair.new.inner)
        else {
            continue;
        };
        for helper in &old.helpers {
            if !new.helpers.contains(helper) {
                out.push(
                    Finding::new(
                        &RULE,
                        pair.path,
                        format!(
                            "derive macro `{}` no longer accepts helper attribute `#[{helper}]`",
                            pair.path
                        ),
                    )
                    .spans(pair.old, pair.new),
                );
            }
        }
    }
}
