//! fn-param-type-changed: a parameter of a function or inherent method changed type.

use rustdoc_types::{GenericArg, GenericArgs, GenericBound, TraitBoundModifier, Type};
use crate::api::types::last_segment;

use super::support::{impls_of, params, trait_name};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::{bounds_by_param, render_pair, render_type, TypeCx};
use crate::diff::{CallableKind, DiffCx};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "fn-param-type-changed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a parameter of a function or method changed type",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-generalize-mismatch",
    explanation: "Callers pass values of the old type; a different type makes their calls fail to \
compile. Types are compared structurally: the same item reached through another path, or a renamed \
generic parameter, is not a change. Replacing a concrete type with a generic that still accepts it \
(`u8` -> `impl Into<u8>`, `&str` -> `impl AsRef<str>`) is compatible for free functions and inherent \
methods and is reported as additive (fn-generalize-compatible); semgate proves the old type meets \
every new bound from the crate's own impls and a table of standard-library impls, and otherwise \
reports a break.",
    example_before: "pub fn load(path: &str) -> Config",
    example_after: "pub fn load(path: PathBuf) -> Config",
    fix: "accept every old argument, e.g. `pub fn load(path: impl AsRef<Path>) -> Config`",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod {
            continue;
        }
        let (before, after) = (params(c.old), params(c.new));
        if before.len() != after.len() {
            continue;
        }
        let types = c.types(cx);
        // the new side's bounds by parameter, once a parameter's type differs
        let mut bounds = None;
        let mut breaking = Vec::new();
        let mut generalised = Vec::new();
        for ((name, a), (_, b)) in before.iter().zip(after) {
            if types.eq_ty(a, b) {
                continue;
            }
            let Some((x, y)) = render_pair(cx.old, a, cx.new, b) else {
                continue; // no difference a reader could see (see render_pair)
            };
            let text = format!("`{name}`: `{x}` -> `{y}`");
            let new_bounds: Option<Vec<&GenericBound>> = match b {
                Type::Generic(g) => bounds
                    .get_or_insert_with(|| bounds_by_param(&c.new.generics))
                    .iter()
                    .find(|(n, _)| n == g)
                    .map(|(_, list)| list.clone()),
                Type::ImplTrait(list) => Some(list.iter().collect()),
                _ => None,
            };
            match new_bounds {
                Some(list) if list.iter().all(|bound| satisfies(cx, &types, a, bound)) => {
                    generalised.push(text)
                }
                _ => breaking.push(text),
            }
        }
        let (class, list, verb) = if !breaking.is_empty() {
            (Class::Breaking, breaking, "changed parameter type")
        } else if !generalised.is_empty() {
            (
                Class::Additive,
                generalised,
                "generalised a parameter (every old argument is still accepted)",
            )
        } else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                c.path,
                format!("{} `{}` {verb}: {}", c.kind.noun(), c.path, list.join(", ")),
            )
            .class(class)
            .spans(c.old_item, c.new_item)
            .signatures(cx.old, c.old_item, cx.new, c.new_item),
        );
    }
}

/// The last path segment of a type, with `&` kept: `&str`, `String`, `Vec`, `u8`.
fn short(ty: &Type) -> String {
    match ty {
        Type::ResolvedPath(p) => last_segment(&p.path).to_string(),
        Type::Primitive(p) => p.clone(),
        Type::BorrowedRef { type_, .. } => format!("&{}", short(type_)),
        Type::Slice(t) => format!("[{}]", short(t)),
        other => render_type(other),
    }
}

fn first_arg(bound_args: Option<&GenericArgs>) -> Option<&Type> {
    match bound_args? {
        GenericArgs::AngleBracketed { args, .. } => args.iter().find_map(|a| match a {
            GenericArg::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// Standard-library conversions: `From<from> for to`, so `from: Into<to>`.
const INTO: &[(&str, &str)] = &[
    ("&str", "String"),
    ("&str", "PathBuf"),
    ("&str", "OsString"),
    ("&str", "Box<str>"),
    ("&str", "Vec<u8>"),
    ("String", "PathBuf"),
    ("String", "OsString"),
    ("String", "Box<str>"),
    ("String", "Vec<u8>"),
    ("char", "String"),
    ("char", "u32"),
    ("char", "u64"),
    ("u8", "u16"),
    ("u8", "u32"),
    ("u8", "u64"),
    ("u8", "u128"),
    ("u8", "usize"),
    ("u8", "i16"),
    ("u8", "i32"),
    ("u8", "i64"),
    ("u8", "char"),
    ("u16", "u32"),
    ("u16", "u64"),
    ("u16", "u128"),
    ("u16", "usize"),
    ("u16", "i32"),
    ("u16", "i64"),
    ("u32", "u64"),
    ("u32", "u128"),
    ("u32", "i64"),
    ("u64", "u128"),
    ("u64", "i128"),
    ("i8", "i16"),
    ("i8", "i32"),
    ("i8", "i64"),
    ("i8", "isize"),
    ("i16", "i32"),
    ("i16", "i64"),
    ("i16", "isize"),
    ("i32", "i64"),
    ("i32", "i128"),
    ("i64", "i128"),
    ("f32", "f64"),
    ("u8", "f32"),
    ("u16", "f32"),
    ("u8", "f64"),
    ("u16", "f64"),
    ("u32", "f64"),
    ("i8", "f32"),
    ("i16", "f32"),
    ("i8", "f64"),
    ("i16", "f64"),
    ("i32", "f64"),
    ("bool", "u8"),
    ("bool", "i32"),
    ("bool", "u32"),
    ("bool", "u64"),
];

/// `AsRef<target>` implementations: `(implementor, target)`; a reference forwards to its referent.
const AS_REF: &[(&str, &str)] = &[
    ("str", "str"),
    ("String", "str"),
    ("str", "Path"),
    ("String", "Path"),
    ("Path", "Path"),
    ("PathBuf", "Path"),
    ("OsStr", "Path"),
    ("OsString", "Path"),
    ("str", "OsStr"),
    ("String", "OsStr"),
    ("OsStr", "OsStr"),
    ("OsString", "OsStr"),
    ("Path", "OsStr"),
    ("PathBuf", "OsStr"),
    ("str", "[u8]"),
    ("String", "[u8]"),
    ("[u8]", "[u8]"),
    ("Vec", "[u8]"),
];

/// Traits every primitive number, `bool`, `char`, `String` and `&str` implement.
const COMMON: &[&str] = &[
    "Clone",
    "Debug",
    "Display",
    "ToString",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Send",
    "Sync",
    "Unpin",
    "UnwindSafe",
    "RefUnwindSafe",
    "Sized",
];

/// Whether the old parameter type certainly meets one bound of the new generic parameter.
fn satisfies(cx: &DiffCx<'_>, types: &TypeCx<'_>, old: &Type, bound: &GenericBound) -> bool {
    let GenericBound::TraitBound {
        trait_, modifier, ..
    } = bound
    else {
        // lifetime bounds: owned types without references outlive anything
        return !contains_borrow(old);
    };
    if *modifier == TraitBoundModifier::Maybe {
        return true; // `?Sized` only loosens
    }
    let name = last_segment(&trait_.path);
    let target = first_arg(trait_.args.as_deref());
    let old_short = short(old);
    match name {
        "Into" => target.is_some_and(|t| {
            types.eq_ty(old, t)
                || INTO
                    .iter()
                    .any(|(f, to)| *f == old_short && *to == short_with_args(t))
        }),
        "AsRef" => target.is_some_and(|t| {
            let referent = old_short.trim_start_matches('&');
            let t = short(t);
            AS_REF.iter().any(|(f, to)| *f == referent && *to == t)
        }),
        "Borrow" => target.is_some_and(|t| {
            types.eq_ty(old, t)
                || matches!(old, Type::BorrowedRef { type_, .. } if types.eq_ty(type_, t))
        }),
        "Copy" => {
            matches!(old, Type::Primitive(p) if p != "str")
                || matches!(
                    old,
                    Type::BorrowedRef {
                        is_mutable: false,
                        ..
                    }
                )
        }
        "Default" => matches!(old, Type::Primitive(p) if p != "str") || old_short == "String",
        _ if COMMON.contains(&name) && is_std_value(old) => true,
        _ => local_type_implements(cx, old, name),
    }
}

/// `Vec<u8>`-style short text for table lookups of the conversion target.
fn short_with_args(ty: &Type) -> String {
    match ty {
        Type::ResolvedPath(p) => {
            let base = short(ty);
            match first_arg(p.args.as_deref()) {
                Some(arg) => format!("{base}<{}>", short(arg)),
                None => base,
            }
        }
        other => short(other),
    }
}

fn is_std_value(ty: &Type) -> bool {
    match ty {
        Type::Primitive(p) => p != "str",
        Type::ResolvedPath(p) => last_segment(&p.path) == "String",
        Type::BorrowedRef {
            type_,
            is_mutable: false,
            ..
        } => matches!(&**type_, Type::Primitive(p) if p == "str") || is_std_value(type_),
        _ => false,
    }
}

fn contains_borrow(ty: &Type) -> bool {
    match ty {
        Type::BorrowedRef { lifetime, .. } => lifetime.as_deref() != Some("'static"),
        Type::Slice(t) | Type::RawPointer { type_: t, .. } | Type::Array { type_: t, .. } => {
            contains_borrow(t)
        }
        Type::Tuple(ts) => ts.iter().any(contains_borrow),
        Type::ResolvedPath(p) => match p.args.as_deref() {
            Some(GenericArgs::AngleBracketed { args, .. }) => args.iter().any(|a| match a {
                GenericArg::Type(t) => contains_borrow(t),
                GenericArg::Lifetime(l) => l != "'static",
                _ => false,
            }),
            _ => false,
        },
        _ => false,
    }
}

/// A type of this crate meets a trait bound when the new side implements that trait for it.
fn local_type_implements(cx: &DiffCx<'_>, old: &Type, trait_name_wanted: &str) -> bool {
    let Type::ResolvedPath(p) = old else {
        return false;
    };
    let Some(pair) = cx.pairs.iter().find(|pair| pair.old.id == p.id) else {
        return false;
    };
    impls_of(cx.new, pair.new)
        .iter()
        .any(|(_, imp)| !imp.is_negative && trait_name(imp) == Some(trait_name_wanted))
}

/// The witness: call the function with arguments of its old parameter types.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::call(cx, &f.path)
}
