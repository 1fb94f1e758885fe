//! fn-bounds-tightened: a function's or inherent method's generic bounds became stricter.

use rustdoc_types::{
    GenericArg, GenericArgs, GenericBound, Generics, ItemEnum, TraitBoundModifier, Type,
};

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::{bounds_by_param, instantiate_bound, render_bound, TypeCx};
use crate::diff::{CallableKind, DiffCx};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "fn-bounds-tightened",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a function's generic bounds became stricter (or looser: additive)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#generic-bounds-tighten",
    explanation: "Callers pass types that met the old bounds; a new bound (inline or in a where-clause) \
rejects those that do not meet it. Bounds from `<T: A>` and `where T: B` are merged into one set per \
parameter before comparing, so moving a bound between the two forms is not a change. Dropping a bound \
is additive. Bounds on the impl block of an inherent method count too. A new bound that follows \
from the old ones through a blanket impl of its trait (`Q: Equivalent<K>` for every `Q: Eq` with \
`K: Borrow<Q>`) is not a tightening.",
    example_before: "pub fn spawn<F: FnOnce()>(f: F)",
    example_after: "pub fn spawn<F: FnOnce() + Send + 'static>(f: F)",
    fix: "keep the old bounds; add a new function with the stricter ones",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let types = c.types(cx);
        // every bound the old signature guaranteed, method and impl block together
        let mut old_all = bounds_by_param(&c.old.generics);
        if let Some(o) = c.old_outer {
            old_all.extend(bounds_by_param(o));
        }
        let mut lists = vec![(&c.old.generics, &c.new.generics)];
        if let (Some(o), Some(n)) = (c.old_outer, c.new_outer) {
            lists.push((o, n));
        }
        let mut tightened = Vec::new();
        let mut loosened = Vec::new();
        for (old, new) in lists {
            let (t, l) = changes(cx, &types, old, new, &old_all);
            tightened.extend(t);
            loosened.extend(l);
        }
        let (class, message) = if !tightened.is_empty() {
            (
                Class::Breaking,
                format!(
                    "{} `{}` requires new bounds: {}",
                    c.kind.noun(),
                    c.path,
                    tightened.join(", ")
                ),
            )
        } else if !loosened.is_empty() {
            (
                Class::Additive,
                format!(
                    "{} `{}` dropped bounds: {}",
                    c.kind.noun(),
                    c.path,
                    loosened.join(", ")
                ),
            )
        } else {
            continue;
        };
        out.push(
            Finding::new(&RULE, c.path, message)
                .class(class)
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
        );
    }
}

type ParamBounds<'a> = Vec<(&'a str, Vec<&'a GenericBound>)>;

/// Bounds per parameter (position-matched) that tightened and loosened, rendered. A new bound
/// that follows from the old ones through a blanket impl of its trait is not a tightening, and
/// the old bounds it rests on are not dropped: hashbrown 0.13 replaced `K: Borrow<Q>, Q: Eq`
/// by `Q: Equivalent<K>`, implemented for every `Q: Eq` with `K: Borrow<Q>`.
fn changes(
    cx: &DiffCx<'_>,
    types: &TypeCx<'_>,
    old: &Generics,
    new: &Generics,
    old_all: &ParamBounds<'_>,
) -> (Vec<String>, Vec<String>) {
    let (ob, nb) = (bounds_by_param(old), bounds_by_param(new));
    let mut tightened = Vec::new();
    let mut loosened = Vec::new();
    let mut kept: Vec<&GenericBound> = Vec::new();
    for ((_, obs), (name, nbs)) in ob.iter().zip(&nb) {
        for extra in types.extra_bounds(obs, nbs) {
            match implied_by_blanket_impl(cx, types, name, extra, old_all) {
                Some(used) => kept.extend(used),
                None => tightened.push((name, extra)),
            }
        }
    }
    for ((_, obs), (name, nbs)) in ob.iter().zip(&nb) {
        for gone in types.missing_bounds(obs, nbs) {
            if !kept.iter().any(|k| std::ptr::eq(*k, gone)) {
                loosened.push((name, gone));
            }
        }
    }
    let relaxing = |b: &GenericBound| {
        matches!(
            b,
            GenericBound::TraitBound {
                modifier: TraitBoundModifier::Maybe,
                ..
            }
        )
    };
    let show = |name: &str, b: &GenericBound| {
        format!("`{name}: {}`", render_bound(b).trim_start_matches('?'))
    };
    // `?Sized` counts the other way round: adding it loosens, removing it tightens
    let mut t = Vec::new();
    let mut l = Vec::new();
    for (name, b) in tightened {
        if relaxing(b) { l.push(show(name, b)) } else { t.push(show(name, b)) }
    }
    for (name, b) in loosened {
        if relaxing(b) { t.push(show(name, b)) } else { l.push(show(name, b)) }
    }
    (t, l)
}

/// When the new bound `param: Trait<..>` names a trait of the new crate that has a blanket impl
/// (`impl<Q: Eq, K: Borrow<Q>> Equivalent<K> for Q`) whose requirements the old bounds all
/// met, the old bounds it used; None otherwise. Callers that met the old bounds then meet the
/// new one.
fn implied_by_blanket_impl<'a>(
    cx: &DiffCx<'_>,
    types: &TypeCx<'_>,
    param: &str,
    bound: &GenericBound,
    old_all: &ParamBounds<'a>,
) -> Option<Vec<&'a GenericBound>> {
    let GenericBound::TraitBound { trait_, .. } = bound else {
        return None;
    };
    let ItemEnum::Trait(t) = &cx.new.item(trait_.id)?.inner else {
        return None;
    };
    let wanted_args = type_args(trait_.args.as_deref());
    let self_ty = Type::Generic(param.to_string());
    'impls: for id in &t.implementations {
        let Some(ItemEnum::Impl(imp)) = cx.new.item(*id).map(|i| &i.inner) else {
            continue;
        };
        let (Type::Generic(for_param), Some(impl_trait)) = (&imp.for_, &imp.trait_) else {
            continue;
        };
        if imp.is_negative {
            continue;
        }
        // the impl's parameters, as the bound instantiates them
        let mut map: Vec<(&str, &Type)> = vec![(for_param.as_str(), &self_ty)];
        let impl_args = type_args(impl_trait.args.as_deref());
        if impl_args.len() != wanted_args.len() {
            continue;
        }
        for (a, w) in impl_args.iter().zip(&wanted_args) {
            match a {
                Type::Generic(g) => map.push((g.as_str(), w)),
                _ => continue 'impls,
            }
        }
        let mut used = Vec::new();
        for (impl_param, required) in bounds_by_param(&imp.generics) {
            let Some((_, Type::Generic(target))) = map.iter().find(|(n, _)| *n == impl_param) else {
                continue 'impls;
            };
            for req in required {
                if matches!(req, GenericBound::TraitBound { modifier: TraitBoundModifier::Maybe, .. }) {
                    continue; // `?Sized` requires nothing
                }
                let req = instantiate_bound(req, &map);
                let found = old_all
                    .iter()
                    .filter(|(old_name, _)| types.corresponds(old_name, target))
                    .flat_map(|(_, list)| list.iter())
                    .find(|ob| types.eq_bound(ob, &req));
                match found {
                    Some(ob) => used.push(*ob),
                    None => continue 'impls,
                }
            }
        }
        return Some(used);
    }
    None
}

fn type_args(args: Option<&GenericArgs>) -> Vec<&Type> {
    match args {
        Some(GenericArgs::AngleBracketed { args, .. }) => args
            .iter()
            .filter_map(|a| match a {
                GenericArg::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The witness: call the function from a generic function with the old bounds.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::generic_call(cx, &f.path)
}
