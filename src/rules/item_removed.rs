//! item-removed: a public path (or an inherent method / associated item) no longer resolves.

use std::fmt::Write as _;
use rustdoc_types::ItemEnum;

use super::support::{hidden_member, member_noun, noun};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::Target;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "item-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public item, or an inherent method or associated item, can no longer be named at its path",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Downstream code that names the item by this path (in a `use`, a call, a type) stops \
compiling. Moving an item is fine as long as a `pub use` keeps it reachable at the old path; removing \
the last path users could name it by is a breaking change. A removed module is reported once, not once \
per item inside it.",
    example_before: "pub fn parse(s: &str) -> Config { .. }",
    example_after: "// parse was deleted, or moved to `mod parser` without a re-export",
    fix: "keep the item, or re-export it at the old path: `pub use crate::parser::parse;`",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for removed in &cx.removed {
        let path = removed.path;
        let (what, item) = match removed.target {
            Target::Item(id) => match cx.old.item(id) {
                // macro-removed and proc-macro-removed report these
                Some(item) if matches!(item.inner, ItemEnum::Macro(_) | ItemEnum::ProcMacro(_)) => {
                    continue
                }
                Some(item) => (noun(item), Some(item)),
                None => ("item", None),
            },
            _ => ("re-export", None),
        };
        let mut message = format!("{what} `{path}` was removed{}", removed.others_note());
        if let Some(item) = item {
            // still reachable elsewhere? then the fix is a re-export
            let elsewhere = cx
                .old
                .paths_of(item.id)
                .iter()
                .find(|p| cx.new.resolves(p));
            if let Some(other) = elsewhere {
                let _ = write!(message,
                    " (it is still reachable as `{other}`: re-export it at the old path)"
                );
            }
        }
        let mut finding = Finding::new(&RULE, path, message).enclosing_span(cx.new, path);
        if let Some(item) = item {
            finding = finding.old_span(item);
        }
        out.push(finding);
    }
    for member in &cx.members {
        if let (Some(old), None) = (member.old, member.new) {
            let parent = &cx.pairs[member.parent];
            if hidden_member(cx.new, parent.new, old).is_some() {
                continue; // item-now-hidden
            }
            out.push(
                Finding::new(
                    &RULE,
                    &member.path,
                    format!("{} `{}` was removed", member_noun(old), member.path),
                )
                .old_span(old)
                .new_span(parent.new),
            );
        }
    }
}

/// The witness: name the path (`use ::k::path as _;`), or call the inherent method with its old argument types.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::name(cx, &f.path)
}
