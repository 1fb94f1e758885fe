//! Generic parameters and bounds: what changed between two parameter lists.

use super::*;

/// Explicit (not `impl Trait`-synthesised) type and const parameters, and lifetime parameters.
pub fn explicit_params(
    g: &rustdoc_types::Generics,
) -> (Vec<&rustdoc_types::GenericParamDef>, usize) {
    use rustdoc_types::GenericParamDefKind as K;
    let mut tc = Vec::new();
    let mut lifetimes = 0;
    for p in &g.params {
        match &p.kind {
            K::Lifetime { .. } => lifetimes += 1,
            K::Type {
                is_synthetic: true, ..
            } => {}
            _ => tc.push(p),
        }
    }
    (tc, lifetimes)
}

pub fn has_default_param(p: &rustdoc_types::GenericParamDef) -> bool {
    use rustdoc_types::GenericParamDefKind as K;
    match &p.kind {
        K::Type { default, .. } => default.is_some(),
        K::Const { default, .. } => default.is_some(),
        K::Lifetime { .. } => false,
    }
}

/// How a list of generic parameters changed, for types, traits and functions alike.
#[derive(Default)]
pub struct ParamChanges {
    /// breaking changes to the parameter list, in words
    pub breaking: Vec<String>,
    /// compatible additions (defaulted parameters, or parameters of a function without explicit ones)
    pub additive: Vec<String>,
}

impl ParamChanges {
    /// The class and the list of changes to report: breaking ones if any, else additive ones.
    pub fn verdict(self) -> Option<(Class, Vec<String>)> {
        if !self.breaking.is_empty() {
            Some((Class::Breaking, self.breaking))
        } else if !self.additive.is_empty() {
            Some((Class::Additive, self.additive))
        } else {
            None
        }
    }
}

/// Compares parameter lists. `callable` selects the function rules: lifetimes of functions are
/// late-bound and not counted, and a new parameter breaks turbofish calls only when callers
/// could already write one. When every old parameter is still there by name, parameters are
/// matched by name, so a parameter inserted before others is the one reported as added;
/// otherwise (renames) they are matched by position.
pub fn compare_params(
    types: &crate::api::types::TypeCx<'_>,
    old: &rustdoc_types::Generics,
    new: &rustdoc_types::Generics,
    callable: bool,
) -> ParamChanges {
    use rustdoc_types::GenericParamDefKind as K;
    let mut out = ParamChanges::default();
    let (op, ol) = explicit_params(old);
    let (np, nl) = explicit_params(new);
    if !callable && ol != nl {
        out.breaking
            .push(format!("{ol} lifetime parameter(s) -> {nl}"));
    }
    let kind = |p: &rustdoc_types::GenericParamDef| match &p.kind {
        K::Type { .. } => "type",
        K::Const { .. } => "const",
        K::Lifetime { .. } => "lifetime",
    };
    let by_name = np.len() > op.len() && op.iter().all(|p| np.iter().any(|q| q.name == p.name));
    let matched: Vec<(
        usize,
        &rustdoc_types::GenericParamDef,
        &rustdoc_types::GenericParamDef,
    )> = if by_name {
        op.iter()
            .enumerate()
            .filter_map(|(i, a)| Some((i, *a, *np.iter().find(|q| q.name == a.name)?)))
            .collect()
    } else {
        op.iter()
            .zip(&np)
            .enumerate()
            .map(|(i, (a, b))| (i, *a, *b))
            .collect()
    };
    for (i, a, b) in &matched {
        if kind(a) != kind(b) {
            out.breaking.push(format!(
                "parameter {} changed from a {} to a {} parameter",
                i + 1,
                kind(a),
                kind(b)
            ));
        } else if let (K::Const { type_: t1, .. }, K::Const { type_: t2, .. }) = (&a.kind, &b.kind)
        {
            if !types.eq_ty(t1, t2) {
                out.breaking
                    .push(format!("const parameter `{}` changed type", b.name));
            }
        } else if has_default_param(a) && !has_default_param(b) {
            out.breaking
                .push(format!("parameter `{}` lost its default", b.name));
        }
    }
    if np.len() < op.len() {
        let gone: Vec<&str> = op[np.len()..].iter().map(|p| p.name.as_str()).collect();
        out.breaking.push(format!(
            "generic parameter(s) `{}` removed",
            gone.join("`, `")
        ));
    }
    let added: Vec<(usize, &rustdoc_types::GenericParamDef)> = if by_name {
        np.iter()
            .enumerate()
            .filter(|(_, q)| !op.iter().any(|p| p.name == q.name))
            .map(|(j, q)| (j, *q))
            .collect()
    } else {
        np.iter()
            .enumerate()
            .skip(op.len())
            .map(|(j, q)| (j, *q))
            .collect()
    };
    for (j, p) in added {
        if j < op.len() {
            // arguments written for the parameters after it now land on the new one
            let before = np.get(j + 1).map(|q| q.name.as_str()).unwrap_or("_");
            out.breaking.push(format!(
                "generic parameter `{}` inserted before `{before}`",
                p.name
            ));
        } else if has_default_param(p) || (callable && op.is_empty()) {
            out.additive
                .push(format!("generic parameter `{}` added", p.name));
        } else {
            out.breaking.push(format!(
                "generic parameter `{}` added without a default",
                p.name
            ));
        }
    }
    out
}

/// Generics of a struct, enum, union, trait or type alias.
pub fn type_generics(item: &Item) -> Option<&rustdoc_types::Generics> {
    match &item.inner {
        ItemEnum::Struct(s) => Some(&s.generics),
        ItemEnum::Enum(e) => Some(&e.generics),
        ItemEnum::Union(u) => Some(&u.generics),
        ItemEnum::TypeAlias(t) => Some(&t.generics),
        _ => None,
    }
}

/// Type and const parameters that kept their names but moved (`Table<K, V>` -> `Table<V, K>`):
/// compared by position a reorder looks like a rename, so the names tell them apart. A rename
/// (`T` -> `Item`) gives no names that exist on both sides at different positions.
pub fn reordered_params(
    old: &rustdoc_types::Generics,
    new: &rustdoc_types::Generics,
) -> Option<String> {
    let (op, _) = explicit_params(old);
    let (np, _) = explicit_params(new);
    let moved: Vec<&str> = op
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            np.iter()
                .position(|q| q.name == p.name)
                .is_some_and(|j| j != *i)
                && np.get(*i).is_some_and(|q| q.name != p.name)
        })
        .map(|(_, p)| p.name.as_str())
        .collect();
    if moved.len() < 2 {
        return None;
    }
    let list = |ps: &[&rustdoc_types::GenericParamDef]| {
        ps.iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(format!(
        "parameters reordered from `<{}>` to `<{}>`",
        list(&op),
        list(&np)
    ))
}

/// Bounds per parameter (position-matched, inline and where-clause bounds merged), split into
/// those the new side adds (tightened) and drops (loosened), rendered for messages. `?Sized`
/// relaxes: adding it loosens the parameter and removing it tightens it.
pub fn compare_bounds(
    types: &crate::api::types::TypeCx<'_>,
    old: &rustdoc_types::Generics,
    new: &rustdoc_types::Generics,
) -> (Vec<String>, Vec<String>) {
    use crate::api::types::bounds_by_param;
    let ob = bounds_by_param(old);
    let nb = bounds_by_param(new);
    let mut tightened = Vec::new();
    let mut loosened = Vec::new();
    for ((_, obs), (nname, nbs)) in ob.iter().zip(&nb) {
        let (t, l) = bound_changes(types, obs, nbs);
        tightened.extend(t.into_iter().map(|b| format!("`{nname}: {b}`")));
        loosened.extend(l.into_iter().map(|b| format!("`{nname}: {b}`")));
    }
    (tightened, loosened)
}

/// Bounds the new list requires in addition, and bounds it no longer requires, rendered; a
/// `?Trait` relaxation counts the other way round (`?Sized` added: `Sized` no longer required).
pub fn bound_changes(
    types: &crate::api::types::TypeCx<'_>,
    old: &[&GenericBound],
    new: &[&GenericBound],
) -> (Vec<String>, Vec<String>) {
    use crate::api::types::render_bound;
    let relaxing = |b: &GenericBound| {
        matches!(
            b,
            GenericBound::TraitBound {
                modifier: rustdoc_types::TraitBoundModifier::Maybe,
                ..
            }
        )
    };
    let strip = |b: &GenericBound| render_bound(b).trim_start_matches('?').to_string();
    let mut tightened = Vec::new();
    let mut loosened = Vec::new();
    for extra in types.extra_bounds(old, new) {
        if relaxing(extra) {
            loosened.push(strip(extra));
        } else {
            tightened.push(render_bound(extra));
        }
    }
    for gone in types.missing_bounds(old, new) {
        if relaxing(gone) {
            tightened.push(strip(gone));
        } else {
            loosened.push(render_bound(gone));
        }
    }
    (tightened, loosened)
}
