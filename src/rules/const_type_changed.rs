//! const-type-changed: a public constant (or associated constant) changed type.

use rustdoc_types::{Item, ItemEnum, Type};

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_pair;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "const-type-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a public constant or associated constant changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Code uses the constant as a value of its declared type; a different type breaks \
arithmetic, comparisons and function calls that expected the old one.",
    example_before: "pub const MAX_LEN: u32 = 1024;",
    example_after: "pub const MAX_LEN: usize = 1024;",
    fix: "keep the type; add a new constant for the new type",
    check,
    witness: Template::Code(witness),
};

fn const_type(item: &Item) -> Option<&Type> {
    match &item.inner {
        ItemEnum::Constant { type_, .. } | ItemEnum::AssocConst { type_, .. } => Some(type_),
        _ => None,
    }
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let pairs = cx.pairs.iter().map(|p| (p.path, p.old, p.new));
    let members = cx
        .members
        .iter()
        .chain(&cx.trait_members)
        .filter_map(|m| Some((m.path.as_str(), m.old?, m.new?)));
    for (path, old, new) in pairs.chain(members) {
        let (Some(a), Some(b)) = (const_type(old), const_type(new)) else {
            continue;
        };
        if cx.types.for_statics().eq_ty(a, b) {
            continue;
        }
        if let Some((x, y)) = render_pair(cx.old, a, cx.new, b) {
            out.push(
                Finding::new(
                    &RULE,
                    path,
                    format!("constant `{path}` changed type from `{x}` to `{y}`"),
                )
                .spans(old, new)
                .signatures(cx.old, old, cx.new, new),
            );
        }
    }
}

/// The witness: use the constant as a value of its old type.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::value_as_old_type(cx, &f.path)
}
