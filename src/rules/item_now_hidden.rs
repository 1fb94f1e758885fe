//! item-now-hidden: an item became `#[doc(hidden)]` and left the documented public API.

use super::{Class, Rule};
use crate::api::Target;
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "item-now-hidden",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a public item became #[doc(hidden)]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "`#[doc(hidden)]` marks an item as outside the supported API: the crate no longer \
promises anything about it. Hiding an item that users relied on removes it from the contract, so it \
needs the same bump as removing it (deprecate first, then hide in the next major release).",
    example_before: "pub fn legacy_parse(s: &str) -> Config { .. }",
    example_after: "#[doc(hidden)]\npub fn legacy_parse(s: &str) -> Config { .. }",
    fix: "mark it `#[deprecated]` in this release and hide or remove it in the next major release",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for &path in &cx.now_hidden {
        let mut finding = Finding::new(&RULE, path, format!("`{path}` is now #[doc(hidden)]"));
        if let Some(Target::Item(id)) = cx.old.paths.get(path) {
            if let Some(item) = cx.old.item(*id) {
                finding = finding.old_span(item);
            }
        }
        out.push(finding);
    }
}
