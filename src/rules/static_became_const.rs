//! static-became-const: a `static` became a `const` of the same type.

use rustdoc_types::{Item, ItemEnum, Type};

use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::render_type;
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "static-became-const",
    classes: &[Class::Additive, Class::Breaking],
    possibly_breaking: true,
    summary: "a static became a const of the same type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Every use of a static as a value still compiles with a const of the same type, and \
a const can now also be used in const contexts and patterns. What changes is identity: each use of a \
const is a fresh copy, so code that compared addresses, or relied on one shared value with interior \
mutability (an atomic counter, a `Mutex`), compiles but behaves differently; a `static mut` that was \
written to no longer compiles. Those cases are breaking; a plain value is possibly-breaking, additive \
by default.",
    example_before: "pub static LIMIT: usize = 64;",
    example_after: "pub const LIMIT: usize = 64;",
    fix: "keep the static if users may take its address or share its state",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (ItemEnum::Static(old), ItemEnum::Constant { type_, .. }) =
            (&pair.old.inner, &pair.new.inner)
        else {
            continue;
        };
        let mut breaking = Vec::new();
        if !cx.types.for_statics().eq_ty(&old.type_, type_) {
            breaking.push(format!(
                "its type changed from `{}` to `{}`",
                render_type(&old.type_),
                render_type(type_)
            ));
        }
        if old.is_mutable {
            breaking.push("it was a `static mut`, which users could assign to".to_string());
        }
        if let Some(name) = interior_mutability(cx.old, &old.type_) {
            breaking.push(format!(
                "`{name}` has interior mutability: every use of the const is a fresh copy, so state is no longer shared"
            ));
        }
        let message = if breaking.is_empty() {
            format!(
                "static `{}` became a const of the same type: only taking its address behaves differently",
                pair.path
            )
        } else {
            format!(
                "static `{}` became a const: {}",
                pair.path,
                breaking.join("; ")
            )
        };
        let mut finding = Finding::new(&RULE, pair.path, message)
            .spans(pair.old, pair.new)
            .signatures(cx.old, pair.old, cx.new, pair.new);
        if !breaking.is_empty() {
            finding = finding.class(Class::Breaking);
        }
        out.push(finding);
    }
}

/// The standard library's types whose shared state lives behind `&self`.
const INTERIOR: &[&str] = &[
    "UnsafeCell",
    "Cell",
    "RefCell",
    "OnceCell",
    "LazyCell",
    "Mutex",
    "RwLock",
    "OnceLock",
    "LazyLock",
    "Once",
    "Condvar",
    "AtomicBool",
    "AtomicI8",
    "AtomicI16",
    "AtomicI32",
    "AtomicI64",
    "AtomicIsize",
    "AtomicU8",
    "AtomicU16",
    "AtomicU32",
    "AtomicU64",
    "AtomicUsize",
    "AtomicPtr",
];

/// The name of a type with interior mutability that `ty` holds by value: a standard type, or
/// one reached through the public fields of this crate's structs and enums. Private fields are
/// not visible, so a crate type that hides its cell is not seen.
fn interior_mutability(api: &Api, ty: &Type) -> Option<String> {
    let mut seen = Vec::new();
    interior_in(api, ty, &mut seen, 0)
}

fn interior_in(api: &Api, ty: &Type, seen: &mut Vec<rustdoc_types::Id>, depth: usize) -> Option<String> {
    if depth > 32 {
        return None;
    }
    match ty {
        Type::ResolvedPath(p) => {
            let std_name = api
                .krate
                .paths
                .get(&p.id)
                .filter(|s| matches!(s.path.first().map(String::as_str), Some("core" | "std" | "alloc")))
                .and_then(|s| s.path.last());
            if let Some(name) = std_name.filter(|n| INTERIOR.contains(&n.as_str())) {
                return Some(name.clone());
            }
            if seen.contains(&p.id) {
                return None;
            }
            seen.push(p.id);
            let item = api.item(p.id)?;
            fields_of(api, item)
                .into_iter()
                .find_map(|t| interior_in(api, t, seen, depth + 1))
        }
        Type::Tuple(ts) => ts.iter().find_map(|t| interior_in(api, t, seen, depth + 1)),
        Type::Array { type_, .. } => interior_in(api, type_, seen, depth + 1),
        // behind a shared reference or pointer, the const and the static point to the same place
        _ => None,
    }
}

fn fields_of<'a>(api: &'a Api, item: &'a Item) -> Vec<&'a Type> {
    let field = |id: &rustdoc_types::Id| match api.item(*id).map(|f| &f.inner) {
        Some(ItemEnum::StructField(t)) => Some(t),
        _ => None,
    };
    match &item.inner {
        ItemEnum::Struct(s) => match &s.kind {
            rustdoc_types::StructKind::Unit => Vec::new(),
            rustdoc_types::StructKind::Tuple(ids) => ids.iter().flatten().filter_map(field).collect(),
            rustdoc_types::StructKind::Plain { fields, .. } => fields.iter().filter_map(field).collect(),
        },
        ItemEnum::Enum(e) => e
            .variants
            .iter()
            .filter_map(|id| api.item(*id))
            .flat_map(|v| match &v.inner {
                ItemEnum::Variant(var) => match &var.kind {
                    rustdoc_types::VariantKind::Plain => Vec::new(),
                    rustdoc_types::VariantKind::Tuple(ids) => {
                        ids.iter().flatten().filter_map(field).collect()
                    }
                    rustdoc_types::VariantKind::Struct { fields, .. } => {
                        fields.iter().filter_map(field).collect()
                    }
                },
                _ => Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The witness: take the static's address.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::static_address(cx, &f.path)
}
