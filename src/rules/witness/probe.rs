//! Probes for what rustdoc JSON cannot show, compiled with the witnesses under `--prove`:
//!
//! - **variance** of each lifetime and type parameter of a public type: a covariance probe
//!   (`fn co<'a: 'b, 'b>(x: T<'a>) -> T<'b> { x }`) and a contravariance probe per parameter;
//! - **auto traits of opaque returns**: whether the future of a public async fn, or the
//!   `impl Trait` a public fn returns, is `Send` and `Sync` for arguments of its parameter types.
//!
//! A probe that compiles against the baseline and fails against the current side is a finding
//! of its own rule (`variance-changed`, `auto-trait-lost`), proven by construction. Probes are
//! only written where both sides declare the item alike (the same generic parameters, unbounded;
//! the same parameter types), so that a failure can only mean what the probe asks.

use rustdoc_types::{GenericParamDefKind, Generics, Id, Item, ItemEnum, Type};

use super::template::{Code, WitnessCx};
use crate::api::model::{Namespace, Target};

/// At most this many probes per package: each is a few lines of a crate that is checked twice.
const MAX_PROBES: usize = 400;

/// One probe and the finding it makes when the current side fails it.
#[derive(Debug, Clone)]
pub struct Probe {
    pub rule: &'static str,
    pub path: String,
    pub message: String,
    pub code: Code,
    /// the item on each side, for the finding's spans
    pub old: Id,
    pub new: Id,
}

/// Every probe of the baseline's public API, in path order.
pub fn probes(cx: &WitnessCx<'_>) -> Vec<Probe> {
    let mut out = Vec::new();
    for (path, targets) in &cx.old.paths {
        if out.len() >= MAX_PROBES {
            break;
        }
        for (ns, target) in targets.iter() {
            let Target::Item(id) = target else {
                continue;
            };
            // each item once, at its canonical path
            if cx.old.paths_of(id).first() != Some(path) {
                continue;
            }
            // outside the contract unless hidden items count
            let hidden = cx.old.resolve(path).get(ns).is_some_and(|(_, h)| h);
            if hidden && !cx.old.options.include_hidden {
                continue;
            }
            let Some(item) = cx.old.item(id) else {
                continue;
            };
            match ns {
                Namespace::Type => variance(cx, path, item, &mut out),
                Namespace::Value => opaque_auto_traits(cx, path, item, &mut out),
                Namespace::Macro => {}
            }
        }
    }
    out.truncate(MAX_PROBES);
    out
}

fn type_generics(item: &Item) -> Option<&Generics> {
    match &item.inner {
        ItemEnum::Struct(s) => Some(&s.generics),
        ItemEnum::Enum(e) => Some(&e.generics),
        ItemEnum::Union(u) => Some(&u.generics),
        _ => None,
    }
}

/// The parameters as `(name, is_lifetime)` when every one is a lifetime or a type parameter
/// without bounds (no const parameters, no where clauses): `()` then fits every type parameter
/// not probed, and a lifetime `'c` of the probe every lifetime not probed (the probe's
/// signature implies whatever outlives relations the type needs).
fn unbounded_params(generics: &Generics) -> Option<Vec<(String, bool)>> {
    if !generics.where_predicates.is_empty() {
        return None;
    }
    generics
        .params
        .iter()
        .map(|p| match &p.kind {
            GenericParamDefKind::Lifetime { outlives } if outlives.is_empty() => {
                Some((p.name.clone(), true))
            }
            GenericParamDefKind::Type {
                bounds,
                is_synthetic: false,
                ..
            } if bounds.is_empty() => Some((p.name.clone(), false)),
            _ => None,
        })
        .collect()
}

fn variance(cx: &WitnessCx<'_>, path: &str, item: &Item, out: &mut Vec<Probe>) {
    let Some(old_params) = type_generics(item).and_then(unbounded_params) else {
        return;
    };
    if old_params.is_empty() {
        return;
    }
    let Some((_, new_item)) = same_kind_in_new(cx, path, item) else {
        return;
    };
    if type_generics(new_item).and_then(unbounded_params).as_ref() != Some(&old_params) {
        return;
    }
    let Some(ty) = cx.path_of(item.id) else {
        return;
    };
    for (i, (name, is_lifetime)) in old_params.iter().enumerate() {
        let args = |probed: &str| -> String {
            let list: Vec<String> = old_params
                .iter()
                .enumerate()
                .map(|(j, (_, lt))| match (j == i, *lt) {
                    (true, _) => probed.to_string(),
                    (false, true) => "'c".to_string(),
                    (false, false) => "()".to_string(),
                })
                .collect();
            format!("{ty}<{}>", list.join(", "))
        };
        let (long, short) = if *is_lifetime {
            (args("'a"), args("'b"))
        } else {
            (args("&'a ()"), args("&'b ()"))
        };
        for (co, from, to) in [(true, &long, &short), (false, &short, &long)] {
            let fn_name = if co { "co" } else { "contra" };
            out.push(Probe {
                rule: "variance-changed",
                path: path.to_string(),
                message: format!(
                    "`{path}` is no longer {} in `{name}`: a `{from}` no longer converts to a `{to}`",
                    if co { "covariant" } else { "contravariant" }
                ),
                code: Code::body(format!(
                    "fn {fn_name}<'a: 'b, 'b, 'c>(x: {from}) -> {to} {{\n    x\n}}"
                )),
                old: item.id,
                new: new_item.id,
            });
        }
    }
}

/// The item of the same kind at `path` on the current side.
fn same_kind_in_new<'a>(cx: &WitnessCx<'a>, path: &str, item: &Item) -> Option<(Id, &'a Item)> {
    let ns = Namespace::of(item);
    let (Target::Item(id), false) = cx.new.resolve(path).get(ns)? else {
        return None;
    };
    let new_item = cx.new.item(id)?;
    (std::mem::discriminant(&new_item.inner) == std::mem::discriminant(&item.inner))
        .then_some((id, new_item))
}

fn opaque_auto_traits(cx: &WitnessCx<'_>, path: &str, item: &Item, out: &mut Vec<Probe>) {
    let ItemEnum::Function(f) = &item.inner else {
        return;
    };
    let opaque = f.header.is_async || matches!(f.sig.output, Some(Type::ImplTrait(_)));
    if !opaque {
        return;
    }
    let Some((_, new_item)) = same_kind_in_new(cx, path, item) else {
        return;
    };
    let Some(old_call) = cx.call(path) else {
        return;
    };
    // the same parameters on the current side, rendered from its own API
    let current = WitnessCx::new(cx.new, cx.old);
    match current.call(path) {
        Some(new_call) if new_call.params == old_call.params => {}
        _ => return,
    }
    let what = if f.header.is_async {
        format!("the future returned by `{path}`")
    } else {
        format!("the `impl Trait` returned by `{path}`")
    };
    for (name, trait_path) in [
        ("Send", "::std::marker::Send"),
        ("Sync", "::std::marker::Sync"),
    ] {
        out.push(Probe {
            rule: "auto-trait-lost",
            path: path.to_string(),
            message: format!("{what} is no longer `{name}`"),
            code: Code::new(
                old_call.params.clone(),
                format!(
                    "fn is<T: ?Sized + {trait_path}>(_: &T) {{}}\nlet returned = {};\nis(&returned);",
                    old_call.expr
                ),
            ),
            old: item.id,
            new: new_item.id,
        });
    }
}
