//! inherent-item-added: a new inherent method or associated item on a public type.

use super::support::member_noun;
use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "inherent-item-added",
    classes: &[Class::Additive],
    possibly_breaking: true,
    summary: "an inherent method or associated item was added to a public type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#impl-item-new",
    explanation: "A new method is new API. It can in rare cases change which method a call resolves \
to (an inherent method takes precedence over a trait method of the same name), which is why the Cargo \
Book calls it possibly-breaking; semgate counts it as additive unless configuration says otherwise.",
    example_before: "impl Config { pub fn load() -> Self { .. } }",
    example_after: "impl Config { pub fn load() -> Self { .. } pub fn validate(&self) -> bool { .. } }",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::NotYet("call a trait method of the same name through method syntax"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.members {
        let (None, Some(new)) = (member.old, member.new) else {
            continue;
        };
        let what = member_noun(new);
        out.push(
            Finding::new(
                &RULE,
                &member.path,
                format!("{what} `{}` was added", member.path),
            )
            .new_span(new),
        );
    }
}
