//! impl-added: a type implements a trait it did not implement before.


use super::support::{impl_subject, listed_elsewhere, impls_of, TraitImpls, AUTO_TRAITS};
use crate::api::types::last_segment;
use super::{Class, Rule, Template};
use crate::api::types::render_type;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "impl-added",
    classes: &[Class::Additive],
    possibly_breaking: false,
    summary: "a type implements a new trait (explicit impl or derive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-new",
    explanation:
        "A new trait impl is new API: users can now call the trait's methods on the type and \
pass it where the trait is required. Impls the compiler synthesises (auto traits, reported by \
auto-trait-lost when lost), blanket impls, and impls of traits downstream crates cannot name are \
not reported. A new `Copy` impl is reported by copy-impl-added.",
    example_before: "pub struct Token { pub text: String }",
    example_after: "#[derive(Debug)]\npub struct Token { pub text: String }",
    fix: "nothing to fix: release it in a minor version",
    check,
    witness: Template::Impossible("an addition (the breakage it can cause, inference ambiguity, depends on downstream code semgate cannot see)"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        let old_impls = TraitImpls::new(&impls_of(cx.old, pair.old));
        for (ni, new) in impls_of(cx.new, pair.new) {
            let Some(trait_) = &new.trait_ else { continue };
            if new.is_synthetic
                || new.blanket_impl.is_some()
                || new.is_negative
                || cx.new.is_hidden(ni)
            {
                continue;
            }
            let last = last_segment(&trait_.path);
            // auto traits come and go with fields (auto-trait-lost); StructuralPartialEq is an
            // unstable marker of `derive(PartialEq)`; Copy has its own rule
            if AUTO_TRAITS.contains(&last) || last == "StructuralPartialEq" || last == "Copy" {
                continue;
            }
            // a trait of this crate that users cannot name cannot be used through the impl
            let local = cx.new.crate_of(trait_.id) == Some(cx.new.name.as_str());
            if local && !cx.new.is_nameable(trait_.id) {
                continue;
            }
            let existed = old_impls.contains(cx, new, false);
            if existed {
                continue;
            }
            let shown = render_type(&rustdoc_types::Type::ResolvedPath(trait_.clone()));
            if listed_elsewhere(cx.new, pair.new, new) {
                continue; // reported once, from the list of the type it is implemented for
            }
            let subject = impl_subject(cx.new, pair.path, pair.new, new);
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("{subject} now implements `{shown}`"),
                )
                .old_span(pair.old)
                .new_span(if ni.span.is_some() { ni } else { pair.new }),
            );
        }
    }
}
