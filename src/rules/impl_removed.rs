//! impl-removed: a type no longer implements a trait it implemented (explicitly or by derive).

use rustdoc_types::ItemEnum;

use super::support::{instance_note, impls_of, TraitImpls, AUTO_TRAITS};
use super::{Class, Rule};
use crate::api::types::render_type;
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "impl-removed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "a type no longer implements a trait (explicit impl or derive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation: "Downstream code may call the trait's methods on the type, pass it where the trait is \
required, or rely on a derive (`Clone`, `Debug`, `PartialEq`, `Hash`, `Default`...). Removing the impl \
breaks all of those. Auto traits are reported by auto-trait-lost.",
    example_before: "#[derive(Clone, Debug)]\npub struct Token(String);",
    example_after: "#[derive(Debug)]\npub struct Token(String);",
    fix: "keep the impl",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let is_type = |i: &ItemEnum| {
        matches!(
            i,
            ItemEnum::Struct(_) | ItemEnum::Enum(_) | ItemEnum::Union(_)
        )
    };
    for pair in cx.pairs_where(is_type) {
        let new_impls = TraitImpls::new(&impls_of(cx.new, pair.new));
        for (oi, old) in impls_of(cx.old, pair.old) {
            let Some(trait_) = &old.trait_ else { continue };
            if old.is_synthetic
                || old.blanket_impl.is_some()
                || old.is_negative
                || cx.old.is_hidden(oi)
            {
                continue;
            }
            let last = trait_.path.rsplit("::").next().unwrap_or("");
            // auto traits have their own rule; StructuralPartialEq is an unstable compiler
            // marker that comes and goes with `derive(PartialEq)`, which is reported instead
            if AUTO_TRAITS.contains(&last) || last == "StructuralPartialEq" {
                continue;
            }
            // a trait of this crate that users can no longer name is reported as removed itself
            let local = cx.old.crate_of(trait_.id) == Some(cx.old.name.as_str());
            if local
                && !cx
                    .old
                    .paths_of(trait_.id)
                    .iter()
                    .any(|p| cx.new.paths.contains_key(p))
            {
                continue;
            }
            let kept = new_impls.contains(cx, old, true);
            if !kept {
                let shown = render_type(&rustdoc_types::Type::ResolvedPath(
                    trait_.clone(),
                ));
                let instance = instance_note(&old.for_);
                out.push(
                    Finding::new(
                        &RULE,
                        pair.path,
                        format!("`{}` no longer implements `{shown}`{instance}", pair.path),
                    )
                    .old_span(oi)
                    .new_span(pair.new),
                );
            }
        }
    }
}
