//! fn-export-name-changed: the exported symbol of a `#[no_mangle]` / `#[export_name]` item changed.

use rustc_hash::FxHashMap;
use rustdoc_types::{Item, ItemEnum};

use super::fn_target_feature_added::features;
use super::{Class, Rule, Template};
use crate::api::model::{exported_symbol, Export, Namespace, Target};
use crate::api::signature;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "fn-export-name-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "an exported symbol (#[no_mangle] / #[export_name]) changed name, was removed, or changed signature, ABI or target features",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation:
        "Foreign code, linker scripts and `dlsym` callers find the function by its symbol \
name. Renaming or dropping the exported symbol breaks them at link or load time, with no Rust \
compiler error to warn anyone. Exported symbols are ABI even when the Rust path is private (a \
`#[no_mangle]` function in a private module), so for those the symbol's signature, ABI (`\"C\"` \
vs `\"C-unwind\"`) and required target features are compared here too; semgate documents \
private items when a crate's sources mention `no_mangle` or `export_name` to see them.",
    example_before: "#[no_mangle]\npub extern \"C\" fn mylib_init()",
    example_after: "#[export_name = \"mylib_init_v2\"]\npub extern \"C\" fn mylib_init()",
    fix: "keep the old symbol, adding a second exported function for the new name",
    check,
    witness: Template::Impossible("a symbol name is seen by the linker and foreign code, not by Rust callers"),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    // every finding starts from a symbol the baseline exported; most crates export none, and
    // indexing every function by definition is costly in the largest ones
    if !cx
        .old
        .krate
        .index
        .values()
        .any(|item| exported_symbol(item).is_some())
    {
        return;
    }
    let (old_exports, _) = cx.old.functions_by_definition();
    let (new_exports, new_keys) = cx.new.functions_by_definition();
    let by_symbol: FxHashMap<&str, &Export<'_>> =
        new_exports.iter().map(|e| (e.symbol.as_str(), e)).collect();
    for e in &old_exports {
        let symbol = &e.symbol;
        let path = cx
            .old
            .paths_of(e.item.id)
            .first()
            .cloned()
            .unwrap_or_else(|| e.key.clone());
        let finding = match by_symbol.get(symbol.as_str()) {
            Some(n) => {
                // public on both sides: the function rules compare them by path
                if cx.old.is_nameable(e.item.id) && cx.new.is_nameable(n.item.id) {
                    continue;
                }
                let changes = compare(cx, e.item, n.item);
                if changes.is_empty() {
                    continue;
                }
                Finding::new(
                    &RULE,
                    &path,
                    format!(
                        "exported symbol `{symbol}` (`{path}`) changed: {}",
                        changes.join("; ")
                    ),
                )
                .spans(e.item, n.item)
                .signatures(cx.old, e.item, cx.new, n.item)
            }
            None => {
                let counterpart = counterpart(cx, e.item).or_else(|| new_keys.get(&e.key).copied());
                let message = match (counterpart, counterpart.and_then(exported_symbol)) {
                    (_, Some(other)) => {
                        format!("`{path}` exported symbol `{symbol}` and now exports `{other}`")
                    }
                    (Some(_), None) => format!("`{path}` no longer exports symbol `{symbol}`"),
                    (None, None) => format!(
                        "symbol `{symbol}` is no longer exported: its function `{path}` was removed"
                    ),
                };
                let finding = Finding::new(&RULE, &path, message).old_span(e.item);
                match counterpart {
                    Some(n) => finding.new_span(n),
                    None => finding,
                }
            }
        };
        out.push(finding);
    }
}

/// The same function on the new side, through one of its public paths.
fn counterpart<'a>(cx: &DiffCx<'a>, old: &Item) -> Option<&'a Item> {
    cx.old.paths_of(old.id).iter().find_map(|p| {
        match cx.new.resolve(p).get(Namespace::Value)?.0 {
            Target::Item(id) => cx.new.item(id),
            Target::External(_) => None,
        }
    })
}

/// What changed about a function that kept its symbol: its signature, its ABI, the target
/// features it requires.
fn compare(cx: &DiffCx<'_>, old: &Item, new: &Item) -> Vec<String> {
    let (ItemEnum::Function(o), ItemEnum::Function(n)) = (&old.inner, &new.inner) else {
        return vec!["it is no longer a function".into()];
    };
    let mut out = Vec::new();
    let types = cx.types.with_generics(&[&o.generics], &[&n.generics]);
    if !types.eq_sig(&o.sig, &n.sig) {
        out.push(format!(
            "signature `{}` -> `{}`",
            signature::function(old.name.as_deref().unwrap_or("_"), o),
            signature::function(new.name.as_deref().unwrap_or("_"), n)
        ));
    }
    if o.header.abi != n.header.abi {
        let show = |a| {
            signature::abi_text(a)
                .map(|s| format!("extern \"{s}\""))
                .unwrap_or_else(|| "the Rust ABI".into())
        };
        out.push(format!(
            "ABI {} -> {}",
            show(&o.header.abi),
            show(&n.header.abi)
        ));
    }
    let before = features(old);
    let added: Vec<&str> = features(new)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    if !added.is_empty() {
        out.push(format!("now requires target feature(s) {}", added.join(", ")));
    }
    if o.header.is_unsafe != n.header.is_unsafe {
        out.push(if n.header.is_unsafe {
            "became `unsafe`".into()
        } else {
            "is no longer `unsafe`".into()
        });
    }
    out
}
