//! impl-removed: a type no longer implements a trait it implemented (explicitly or by derive).

use rustdoc_types::ItemEnum;
use crate::api::types::last_segment;

use super::support::{impl_subject, listed_elsewhere, impls_of, TraitImpls, AUTO_TRAITS};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_type;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "impl-removed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a type no longer implements a trait (explicit impl or derive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Downstream code may call the trait's methods on the type, pass it where the trait is \
required, or rely on a derive (`Clone`, `Debug`, `PartialEq`, `Hash`, `Default`...). Removing the impl \
breaks all of those. Auto traits are reported by auto-trait-lost.",
    example_before: "#[derive(Clone, Debug)]\npub struct Token(String);",
    example_after: "#[derive(Debug)]\npub struct Token(String);",
    fix: "keep the impl",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
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
            let last = last_segment(&trait_.path);
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
                    .any(|p| cx.new.resolves(p))
            {
                continue;
            }
            let kept = new_impls.contains(cx, old, true) || (last == "Into" && into_kept_by_from(cx, old));
            if !kept {
                let shown = render_type(&rustdoc_types::Type::ResolvedPath(
                    trait_.clone(),
                ));
                if listed_elsewhere(cx.old, pair.old, old) {
                    continue; // reported once, from the list of the type it is implemented for
                }
                let subject = impl_subject(cx.old, pair.path, pair.old, old);
                out.push(
                    Finding::new(
                        &RULE,
                        pair.path,
                        format!("{subject} no longer implements `{shown}`"),
                    )
                    .old_span(oi)
                    .new_span(pair.new),
                );
            }
        }
    }
}

/// `impl Into<X> for T` replaced by `impl From<T> for X` keeps `T: Into<X>` through the
/// standard library's blanket impl, so it is not a removal. The `From` impl is listed on `X`,
/// not on `T`, so it is looked for among all impls of the new crate.
fn into_kept_by_from(cx: &DiffCx<'_>, old: &rustdoc_types::Impl) -> bool {
    let Some(target) = old.trait_.as_ref().and_then(|t| first_type_arg(t.args.as_deref())) else {
        return false;
    };
    cx.new.krate.index.values().any(|item| {
        let ItemEnum::Impl(imp) = &item.inner else { return false };
        let Some(t) = &imp.trait_ else { return false };
        if imp.is_negative || last_segment(&t.path) != "From" {
            return false;
        }
        let Some(source) = first_type_arg(t.args.as_deref()) else { return false };
        let types = cx.types.with_generics(&[&old.generics], &[&imp.generics]);
        types.eq_ty(&old.for_, source) && types.eq_ty(target, &imp.for_)
    })
}

fn first_type_arg(args: Option<&rustdoc_types::GenericArgs>) -> Option<&rustdoc_types::Type> {
    match args? {
        rustdoc_types::GenericArgs::AngleBracketed { args, .. } => args.iter().find_map(|a| match a {
            rustdoc_types::GenericArg::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The witness: require the trait of the type (`fn is<T: Display>()`).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    let ty = cx.item(&f.path, None)?;
    let trait_path = cx.implemented_trait(ty, t::quoted(&f.message).get(1)?)?;
    t::implements(cx, &f.path, &trait_path)
}
