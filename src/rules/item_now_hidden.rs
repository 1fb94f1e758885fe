//! item-now-hidden: an item became `#[doc(hidden)]` and left the documented public API.

use rustdoc_types::{Item, ItemEnum};

use super::support::{
    hidden_member, hidden_variant, member_noun, struct_fields, union_fields, variant_pairs,
    variants,
};
use super::{Class, Rule, Template};
use crate::api::Target;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "item-now-hidden",
    classes: &[Class::Breaking, Class::Patch],
    possibly_breaking: false,
    summary: "a public item became #[doc(hidden)]",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "`#[doc(hidden)]` marks an item as outside the supported API: the crate no longer \
promises anything about it. Hiding an item that users relied on removes it from the contract, so it \
needs the same bump as removing it (deprecate first, then hide in the next major release). Fields, \
variants and associated items that become hidden are reported here too, not as removed. An item \
that was already `#[deprecated]` follows the deprecation path: hiding it is a note.",
    example_before: "pub fn legacy_parse(s: &str) -> Config { .. }",
    example_after: "#[doc(hidden)]\npub fn legacy_parse(s: &str) -> Config { .. }",
    fix: "mark it `#[deprecated]` in this release and hide or remove it in the next major release",
    check,
    witness: Template::Impossible("#[doc(hidden)] items still compile: the finding is about the documented contract, not what compiles"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for hidden in &cx.now_hidden {
        let path = hidden.path;
        let old = match hidden.target {
            Target::Item(id) => cx.old.item(id),
            Target::External(_) => None,
        };
        let what = format!("`{path}`{}", hidden.others_note());
        report(out, path.to_string(), &what, old, None);
    }
    // fields and variants of matched types
    for pair in &cx.type_pairs().collect::<Vec<_>>() {
        let fields = match (&pair.old.inner, &pair.new.inner) {
            (ItemEnum::Struct(_), ItemEnum::Struct(_)) => {
                struct_fields(cx.old, pair.old).zip(struct_fields(cx.new, pair.new))
            }
            (ItemEnum::Union(_), ItemEnum::Union(_)) => {
                union_fields(cx.old, pair.old).zip(union_fields(cx.new, pair.new))
            }
            _ => None,
        };
        if let Some((old, new)) = fields {
            for (key, field) in &old.public {
                if new.get(key).is_none() {
                    if let Some(now) = new.get_hidden(key) {
                        let what = format!("field `{key}` of `{}`", pair.path);
                        report(out, format!("{}::{key}", pair.path), &what, Some(field), Some(now));
                    }
                }
            }
        }
        let now_variants = variants(cx.new, pair.new);
        for (name, variant) in variants(cx.old, pair.old) {
            if now_variants.iter().any(|(n, _)| *n == name) {
                continue;
            }
            if let Some(now) = hidden_variant(cx.new, pair.new, name) {
                let what = format!("variant `{name}` of `{}`", pair.path);
                report(out, format!("{}::{name}", pair.path), &what, Some(variant), Some(now));
            }
        }
    }
    for v in variant_pairs(cx) {
        for (key, field) in &v.old_fields.public {
            if v.new_fields.get(key).is_none() {
                if let Some(now) = v.new_fields.get_hidden(key) {
                    let what = format!("field `{key}` of variant `{}`", v.path());
                    report(out, format!("{}::{key}", v.path()), &what, Some(field), Some(now));
                }
            }
        }
    }
    // inherent and trait items
    for member in cx.members.iter().chain(&cx.trait_members) {
        let (Some(old), None) = (member.old, member.new) else {
            continue;
        };
        let parent = &cx.pairs[member.parent];
        if let Some(now) = hidden_member(cx.new, parent.new, old) {
            let what = format!("{} `{}`", member_noun(old), member.path);
            report(out, member.path.clone(), &what, Some(old), Some(now));
        }
    }
}

/// One hidden item. An item that was already `#[deprecated]` is on its way out by the usual
/// path: hiding it is a note, not a break.
fn report(out: &mut Vec<Finding>, path: String, what: &str, old: Option<&Item>, new: Option<&Item>) {
    let deprecated = old.is_some_and(|o| o.deprecation.is_some());
    let message = if deprecated {
        format!("{what} is now #[doc(hidden)]; it was already deprecated, so this follows the deprecation")
    } else {
        format!("{what} is now #[doc(hidden)]")
    };
    let mut finding = Finding::new(&RULE, path, message);
    if deprecated {
        finding = finding.class(Class::Patch);
    }
    if let Some(o) = old {
        finding = finding.old_span(o);
    }
    if let Some(n) = new {
        finding = finding.new_span(n);
    }
    out.push(finding);
}
