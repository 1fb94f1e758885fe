//! Impl blocks: a type's impls, trait impl identity across versions, how reports name them.

use super::*;
use crate::api::types::last_segment;

/// Impl blocks listed on a struct, enum or union.
pub fn impls_of<'a>(api: &'a Api, item: &'a Item) -> Vec<(&'a Item, &'a Impl)> {
    let ids = match &item.inner {
        ItemEnum::Struct(s) => &s.impls,
        ItemEnum::Enum(e) => &e.impls,
        ItemEnum::Union(u) => &u.impls,
        _ => return Vec::new(),
    };
    ids.iter()
        .filter_map(|id| api.item(*id))
        .filter_map(|i| match &i.inner {
            ItemEnum::Impl(imp) => Some((i, imp)),
            _ => None,
        })
        .collect()
}

/// The auto traits rustdoc synthesises impls for. `Freeze` and `UnsafeUnpin` are unstable
/// and not part of any stable contract, so they are left out.
pub const AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// The last segment of a trait path as written (`Send` for `core::marker::Send`).
pub fn trait_name(imp: &Impl) -> Option<&str> {
    imp.trait_.as_ref().map(|p| last_segment(&p.path))
}

/// Whether the type has a `#[derive]`d (automatically derived) impl of the named trait.
pub fn derives(api: &Api, item: &Item, trait_: &str) -> bool {
    impls_of(api, item).iter().any(|(i, imp)| {
        trait_name(imp) == Some(trait_)
            && !imp.is_synthetic
            && i.attrs
                .iter()
                .any(|a| matches!(a, rustdoc_types::Attribute::AutomaticallyDerived))
    })
}

/// Whether two positive trait impls implement the same trait (with the same generic arguments)
/// for the same type.
pub fn same_trait_impl(cx: &crate::diff::DiffCx<'_>, old: &Impl, new: &Impl) -> bool {
    let (Some(ot), Some(nt)) = (&old.trait_, &new.trait_) else {
        return false;
    };
    if old.is_negative || new.is_negative || trait_name(old) != trait_name(new) {
        return false;
    }
    let types = cx.types.with_impl(
        &old.generics,
        &new.generics,
        &old.for_,
        &new.for_,
        Some((ot, nt)),
    );
    types.eq_path(ot, nt) && types.eq_ty(&old.for_, &new.for_)
}

/// The trait impls of one type, indexed so that finding "the same impl" on the other side is
/// cheap: types in large crates carry dozens of impls of one trait (`From<A>`, `From<B>`...),
/// and comparing every pair structurally is quadratic. Only impls written in the source are
/// held: the ones rustdoc synthesises are auto-trait impls, which have their own rule and are
/// never asked for (indexing them renders a type per auto trait per type: most of the work in
/// a crate with thousands of types).
pub struct TraitImpls<'a> {
    /// by trait name, each with its text when the trait has more than [`FEW`] impls here
    by_name: rustc_hash::FxHashMap<&'a str, Vec<Indexed<'a>>>,
}

/// An impl, with its text when it has to be told from many others of the same trait.
type Indexed<'a> = (&'a Impl, Option<(String, String)>);

/// Up to this many impls of one trait are compared structurally one by one; beyond it, the
/// one whose text is the same is tried first (rendering costs more than a few comparisons).
const FEW: usize = 3;

impl<'a> TraitImpls<'a> {
    pub fn new(impls: &[(&'a Item, &'a Impl)]) -> TraitImpls<'a> {
        let mut by_name: rustc_hash::FxHashMap<&'a str, Vec<Indexed<'a>>> = Default::default();
        for (_, imp) in impls {
            let Some(name) = trait_name(imp) else {
                continue;
            };
            if imp.is_negative || imp.is_synthetic {
                continue;
            }
            by_name.entry(name).or_default().push((imp, None));
        }
        for list in by_name.values_mut().filter(|l| l.len() > FEW) {
            for (imp, text) in list {
                *text = Some(impl_text(imp));
            }
        }
        TraitImpls { by_name }
    }

    /// Whether an impl on this side matches `other` (from the other side): any impl of the
    /// same trait name that compares equal. With many candidates, the one whose text is
    /// identical is tried first; the verdict is the same either way.
    pub fn contains(&self, cx: &crate::diff::DiffCx<'_>, other: &Impl, other_is_old: bool) -> bool {
        debug_assert!(!other.is_synthetic, "synthesised impls are not indexed");
        let matches = |candidate: &Impl| {
            if other_is_old {
                same_trait_impl(cx, other, candidate)
            } else {
                same_trait_impl(cx, candidate, other)
            }
        };
        let Some(list) = trait_name(other).and_then(|name| self.by_name.get(name)) else {
            return false; // no impl of that trait here (or `other` is no trait impl)
        };
        if list.len() <= FEW {
            return list.iter().any(|(c, _)| matches(c));
        }
        let text = impl_text(other);
        let same_text = |t: &Option<(String, String)>| t.as_ref() == Some(&text);
        list.iter().any(|(c, t)| same_text(t) && matches(c))
            || list.iter().any(|(c, t)| !same_text(t) && matches(c))
    }
}

/// `(trait name with arguments, implementing type)` as text: equal for the common case of an
/// unchanged impl, and only a shortcut (never the verdict) otherwise.
fn impl_text(imp: &Impl) -> (String, String) {
    let trait_text = imp
        .trait_
        .as_ref()
        .map(|t| crate::api::types::render_type(&Type::ResolvedPath(t.clone())))
        .unwrap_or_default();
    (trait_text, crate::api::types::render_type(&imp.for_))
}

/// What an impl listed on a type implements the trait for, in words: "`crate::Wrapper`" for
/// the type as declared, "`crate::Wrapper` (for `Wrapper<u8>`)" for one instance of it, and
/// "`u64`" for an impl that only mentions the type (`impl From<Meters> for u64` is listed on
/// `Meters`).
pub fn impl_subject(api: &Api, path: &str, item: &Item, imp: &Impl) -> String {
    match &imp.for_ {
        Type::ResolvedPath(p) if p.id == item.id => format!("`{path}`{}", instance_note(&imp.for_)),
        // another type of this crate: by its public path, not as the impl happened to write it
        Type::ResolvedPath(p) if api.is_nameable(p.id) => format!("`{}`", api.paths_of(p.id)[0]),
        other => format!("`{}`", crate::api::types::render_type(other)),
    }
}

/// An impl listed on `item` that implements the trait for another public type of the crate
/// (`impl From<Uri> for Builder` appears on both `Uri` and `Builder`): it belongs to the other
/// type's list, so it is reported from there, once.
pub fn listed_elsewhere(api: &Api, item: &Item, imp: &Impl) -> bool {
    matches!(&imp.for_, Type::ResolvedPath(p) if p.id != item.id && api.is_nameable(p.id))
}

/// ` (for `Wrapper<u8>`)` when an impl is for a particular instance of a generic type, and
/// nothing when it is for the type as declared (`Wrapper<T>`, whatever path it is written with).
pub(super) fn instance_note(for_: &Type) -> String {
    let Type::ResolvedPath(path) = for_ else {
        return format!(" (for `{}`)", crate::api::types::render_type(for_));
    };
    let generic_only = match path.args.as_deref() {
        None => true,
        Some(rustdoc_types::GenericArgs::AngleBracketed { args, .. }) => args.iter().all(|a| {
            matches!(
                a,
                rustdoc_types::GenericArg::Lifetime(_)
                    | rustdoc_types::GenericArg::Type(Type::Generic(_))
                    | rustdoc_types::GenericArg::Const(_)
            )
        }),
        Some(_) => false,
    };
    if generic_only {
        String::new()
    } else {
        format!(" (for `{}`)", crate::api::types::render_type(for_))
    }
}
