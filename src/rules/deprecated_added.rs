//! deprecated-added: `#[deprecated]` added to an item.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "deprecated-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "#[deprecated] was added",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#new-lints",
    explanation: "Deprecation warns every user of the item. Like any new lint it can fail builds that \
deny warnings, so it belongs in a minor release; it is also the right first step before removing \
the item in the next major release.",
    example_before: "pub fn connect(addr: &str) -> Conn",
    example_after: "#[deprecated(since = \"1.4.0\", note = \"use connect_with\")]\npub fn connect(addr: &str) -> Conn",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::Impossible("a lint: deprecated items still compile"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let pairs = cx.pairs.iter().map(|p| (p.path, p.old, p.new));
    let members = cx
        .members
        .iter()
        .chain(&cx.trait_members)
        .filter_map(|m| Some((m.path.as_str(), m.old?, m.new?)));
    for (path, old, new) in pairs.chain(members) {
        if old.deprecation.is_none() {
            if let Some(d) = &new.deprecation {
                let note = d
                    .note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                out.push(
                    Finding::new(&RULE, path, format!("`{path}` is now deprecated{note}"))
                        .spans(old, new),
                );
            }
        }
    }
}
