//! Traits: sealing, supertraits.

use super::*;

/// A trait is sealed when downstream crates cannot implement it: a supertrait they cannot name
/// (the usual `private::Sealed` pattern), or a required method whose signature names a type
/// they cannot name.
pub fn is_sealed(api: &Api, item: &Item) -> bool {
    seal_reason(api, item).is_some()
}

pub(super) fn is_local_unnameable(api: &Api, id: Id) -> bool {
    api.crate_of(id) == Some(api.name.as_str()) && !api.is_nameable(id)
}

pub(super) fn mentions_unnameable(api: &Api, ty: &Type) -> bool {
    match ty {
        Type::ResolvedPath(p) => {
            is_local_unnameable(api, p.id)
                || match p.args.as_deref() {
                    Some(rustdoc_types::GenericArgs::AngleBracketed { args, .. }) => {
                        args.iter().any(|a| match a {
                            rustdoc_types::GenericArg::Type(t) => mentions_unnameable(api, t),
                            _ => false,
                        })
                    }
                    _ => false,
                }
        }
        Type::BorrowedRef { type_, .. } | Type::RawPointer { type_, .. } | Type::Slice(type_) => {
            mentions_unnameable(api, type_)
        }
        Type::Array { type_, .. } => mentions_unnameable(api, type_),
        Type::Tuple(ts) => ts.iter().any(|t| mentions_unnameable(api, t)),
        _ => false,
    }
}

/// Why downstream crates cannot implement a trait, in words (None when they can). Mirrors
/// [`is_sealed`].
pub fn seal_reason(api: &Api, item: &Item) -> Option<String> {
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    for bound in supertraits(&t.bounds, &t.generics) {
        if let GenericBound::TraitBound { trait_, .. } = bound {
            if is_local_unnameable(api, trait_.id) {
                return Some(format!(
                    "its supertrait `{}` is private or #[doc(hidden)]",
                    trait_.path
                ));
            }
        }
    }
    for member in t.items.iter().filter_map(|id| api.item(*id)) {
        if let ItemEnum::Function(f) = &member.inner {
            if !f.has_body
                && f.sig
                    .inputs
                    .iter()
                    .any(|(_, ty)| mentions_unnameable(api, ty))
            {
                return Some(format!(
                    "its required method `{}` takes a type that is private or #[doc(hidden)]",
                    member.name.as_deref().unwrap_or("_")
                ));
            }
        }
    }
    None
}

/// Whether a trait path (as written in a bound) names a trait of this crate that users cannot name.
pub fn is_unnameable_trait(api: &Api, id: Id) -> bool {
    is_local_unnameable(api, id)
}

/// A trait's supertraits: the bounds after `trait Name:` together with `where Self: ...`
/// predicates, which mean the same.
pub fn supertraits<'a>(
    bounds: &'a [GenericBound],
    generics: &'a rustdoc_types::Generics,
) -> Vec<&'a GenericBound> {
    let mut out: Vec<&GenericBound> = bounds.iter().collect();
    for p in &generics.where_predicates {
        if let WherePredicate::BoundPredicate {
            type_: Type::Generic(g),
            bounds,
            ..
        } = p
        {
            if g == "Self" {
                out.extend(bounds.iter());
            }
        }
    }
    out
}

/// Supertraits a matched trait gained and lost (merged from `trait T: A` and `where Self: A`),
/// rendered, leaving out traits downstream crates cannot name (sealing is its own rule).
pub fn supertrait_changes(
    cx: &crate::diff::DiffCx<'_>,
    pair: &crate::diff::Pair<'_>,
) -> (Vec<String>, Vec<String>) {
    let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) else {
        return (Vec::new(), Vec::new());
    };
    let types = cx.types.with_generics(&[&ot.generics], &[&nt.generics]);
    let old = supertraits(&ot.bounds, &ot.generics);
    let new = supertraits(&nt.bounds, &nt.generics);
    let shown = |api: &Api, bounds: Vec<&GenericBound>| -> Vec<String> {
        bounds
            .into_iter()
            .filter(|b| !matches!(b, GenericBound::TraitBound { trait_, .. } if is_unnameable_trait(api, trait_.id)))
            .map(|b| format!("`{}`", crate::api::types::render_bound(b)))
            .collect()
    };
    (
        shown(cx.new, types.extra_bounds(&old, &new)),
        shown(cx.old, types.missing_bounds(&old, &new)),
    )
}
