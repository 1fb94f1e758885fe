//! trait-default-removed: a trait item lost its default body, value or type.

use super::support::{has_default, is_sealed, member_noun};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::signature::signature;
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "trait-default-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait method lost its default body, or an associated const or type its default",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#trait-new-item-no-default",
    explanation: "Downstream impls that relied on the default did not write the item. Once the default \
is gone the item is required, and those impls stop compiling, exactly as if a required item had been \
added. A sealed trait (one downstream crates cannot implement) has no such impls, so it is not \
reported there.",
    example_before: "pub trait Named { fn name(&self) -> String { \"unnamed\".into() } }",
    example_after: "pub trait Named { fn name(&self) -> String; }",
    fix: "keep a default, even one that panics or returns a placeholder",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for member in &cx.trait_members {
        let (Some(old), Some(new)) = (member.old, member.new) else {
            continue;
        };
        if !has_default(old) || has_default(new) {
            continue;
        }
        let parent = &cx.pairs[member.parent];
        if is_sealed(cx.old, parent.old) {
            continue; // no downstream impl can be missing the item
        }
        let what = match &old.inner {
            rustdoc_types::ItemEnum::Function(_) => "its default body",
            rustdoc_types::ItemEnum::AssocConst { .. } => "its default value",
            _ => "its default",
        };
        out.push(
            Finding::new(
                &RULE,
                &member.path,
                format!(
                    "{} `{}` of trait `{}` lost {what}: every downstream impl must now provide it",
                    member_noun(old),
                    member.name,
                    parent.path
                ),
            )
            .spans(old, new)
            .signature_text(with_default(cx.old, old), signature(cx.new, new)),
        );
    }
}

/// The declaration with a marker for its default: `fn name(&self) -> String { ... }`.
fn with_default(api: &Api, item: &rustdoc_types::Item) -> String {
    let sig = signature(api, item);
    match &item.inner {
        rustdoc_types::ItemEnum::Function(_) => format!("{sig} {{ ... }}"),
        rustdoc_types::ItemEnum::AssocConst { value: Some(v), .. } => {
            format!("{} = {v};", sig.trim_end_matches(';'))
        }
        _ => sig,
    }
}

/// The witness: implement the trait for a local type with its old required items only.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement(cx, &f.path).or_else(|| t::implement(cx, f.path.rsplit_once("::")?.0))
}
