//! item-added: a new public path.

use super::support::noun;
use super::{Class, Rule, Template};
use crate::api::Target;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "item-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "a new public item or path",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-new",
    explanation: "New public items are new API: code written against this release may not compile \
against the previous one, so the release must be at least a minor one. (A new item can in rare cases \
clash with a glob import downstream; the Cargo Book still counts it as minor.)",
    example_before: "// nothing",
    example_after: "pub fn parse_str(s: &str) -> Config { .. }",
    fix: "release it in a minor version (for 0.y.z crates, a patch version)",
    check,
    witness: Template::Impossible("an addition: nothing that compiled stops compiling"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for added in &cx.added {
        let path = added.path;
        let mut finding;
        match added.target {
            Target::Item(id) => {
                let item = cx.new.item(id);
                let what = item.map(noun).unwrap_or("item");
                finding = Finding::new(
                    &RULE,
                    path,
                    format!("{what} `{path}` was added{}", added.others_note()),
                );
                if let Some(item) = item {
                    finding = finding.new_span(item);
                }
            }
            _ => {
                finding = Finding::new(
                    &RULE,
                    path,
                    format!("re-export `{path}` was added{}", added.others_note()),
                )
            }
        }
        out.push(finding);
    }
}
