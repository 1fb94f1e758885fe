//! Format 37 (rustdoc-types 0.33): what rustc 1.85 emits, Debian 12's `rustc-web` among others.
//!
//! Read with the rustdoc-types 0.33 structs and converted into the model type by type. What
//! changed between 37 and 61 and what the conversion does about it:
//! - attributes were strings (`"#[repr(C, align(8))]"`) and are structured since 54: the ones
//!   the model structures are parsed, everything else stays text (`Attribute::Other`), and
//!   `#[deprecated]` (listed in 37, left to `Item::deprecation` since) is dropped;
//! - span columns were 0-based and are 1-based since 45;
//! - `Path::name` became `Path::path` in 39, with the same content (the path as written);
//! - `AssocItemConstraint::args` and `QualifiedPath::args` became optional in 51, absent when
//!   empty;
//! - `use<..>` bounds were strings and are tagged lifetimes or parameters since 41;
//! - `Crate::target` (44) and `ExternalCrate::path` (57) did not exist: the triple is empty
//!   and the path unknown. Without the path, `Identity` cannot tell that the two sides built a
//!   dependency at different versions, so an item the dependency moved to another module
//!   between them reads as another item: reported, never hidden (the one fixture where format
//!   37 differs, `dependency-drift`);
//! - `paths` had no entry for public types inside private modules (later rustdoc records their
//!   definition path). Without one such a type has no identity, and a signature naming it
//!   reads as changed even against itself (1,049 false findings comparing aws-sdk-ec2 1.121.0
//!   with itself). The entry is rebuilt from the item's source file, `src/error/sealed.rs`
//!   giving `krate::error::sealed::Name`: the real path for out-of-line modules, and the same
//!   on both sides either way.
//!
//! Format 46 made rustdoc list `#[repr]` in cases it used to leave out (rust#141126); the reprs
//! of the fixtures (C, transparent over a private or a public field, integers, align, packed)
//! are all listed by rustc 1.85 too.
//!
//! Tested by building the same fixtures with rustc 1.85 and with the stable toolchain and
//! comparing the findings (tests/formats.rs).

use rustc_hash::FxHashMap;
use rustdoc_types as new;
use rustdoc_types_v37 as old;

use super::{Slim, Supported};
use crate::api::krate::Crate;

pub(super) const SUPPORTED: Supported = Supported {
    version: 37,
    emitted_by: "rustc 1.85 (Debian 12's rustc-web, and the 1.85 stable release)",
};

pub(super) struct Format37;

impl super::Format for Format37 {
    type Item = old::Item;
    type Summary = old::ItemSummary;
    type External = old::ExternalCrate;

    fn slim(item: &old::Item) -> Slim {
        let old::ItemEnum::Impl(imp) = &item.inner else {
            return Slim::Keep;
        };
        if imp.blanket_impl.is_some() {
            return Slim::DropWithMembers(imp.items.iter().map(|&i| id(i)).collect());
        }
        let trait_path = imp.trait_.as_ref().map(|t| t.name.as_str());
        if super::is_unstable_auto_impl(imp.is_synthetic, trait_path) {
            return Slim::Drop;
        }
        Slim::Keep
    }

    fn item(item: old::Item) -> new::Item {
        new::Item {
            id: id(item.id),
            crate_id: item.crate_id,
            name: item.name,
            span: item.span.map(span),
            visibility: visibility(item.visibility),
            // the loader drops docs and links; not converting them saves the work
            docs: None,
            links: Default::default(),
            attrs: item.attrs.iter().filter_map(|a| attribute(a)).collect(),
            deprecation: item.deprecation.map(|d| new::Deprecation {
                since: d.since,
                note: d.note,
            }),
            stability: None,
            const_stability: None,
            inner: item_enum(item.inner),
        }
    }

    fn summaries(
        paths: FxHashMap<new::Id, old::ItemSummary>,
    ) -> FxHashMap<new::Id, new::ItemSummary> {
        paths
            .into_iter()
            .map(|(k, s)| {
                let summary = new::ItemSummary {
                    crate_id: s.crate_id,
                    path: s.path,
                    kind: item_kind(s.kind),
                };
                (k, summary)
            })
            .collect()
    }

    fn externals(crates: FxHashMap<u32, old::ExternalCrate>) -> FxHashMap<u32, new::ExternalCrate> {
        crates
            .into_iter()
            .map(|(k, c)| {
                let krate = new::ExternalCrate {
                    name: c.name,
                    html_root_url: c.html_root_url,
                    path: Default::default(),
                };
                (k, krate)
            })
            .collect()
    }

    fn finish(krate: &mut Crate) {
        add_missing_paths(krate);
    }
}

/// See the module docs: a definition path for every local type `paths` lacks, and for the
/// variants of such enums.
fn add_missing_paths(krate: &mut Crate) {
    use new::{ItemEnum as E, ItemKind as K};
    let Some(crate_name) = krate.index.get(&krate.root).and_then(|r| r.name.clone()) else {
        return;
    };
    let mut added = Vec::new();
    for (id, item) in &krate.index {
        if item.crate_id != 0 || krate.paths.contains_key(id) {
            continue;
        }
        let kind = match item.inner {
            E::Struct(_) => K::Struct,
            E::Enum(_) => K::Enum,
            E::Union(_) => K::Union,
            E::Trait(_) => K::Trait,
            E::TraitAlias(_) => K::TraitAlias,
            E::TypeAlias(_) => K::TypeAlias,
            _ => continue,
        };
        let (Some(name), Some(span)) = (&item.name, &item.span) else {
            continue;
        };
        let mut path = vec![crate_name.clone()];
        path.extend(module_of_file(&span.filename));
        path.push(name.clone());
        added.push((*id, kind, path));
    }
    for (id, kind, path) in added {
        if let Some(E::Enum(e)) = krate.index.get(&id).map(|i| &i.inner) {
            for v in &e.variants {
                let name = krate.index.get(v).and_then(|i| i.name.clone());
                if let (Some(name), false) = (name, krate.paths.contains_key(v)) {
                    let mut variant = path.clone();
                    variant.push(name);
                    let summary = new::ItemSummary {
                        crate_id: 0,
                        path: variant,
                        kind: K::Variant,
                    };
                    krate.paths.insert(*v, summary);
                }
            }
        }
        let summary = new::ItemSummary {
            crate_id: 0,
            path,
            kind,
        };
        krate.paths.insert(id, summary);
    }
}

/// The module path a source file stands for under the usual layout: `src/a/b.rs` and
/// `src/a/b/mod.rs` give `a::b`, `src/lib.rs` gives the crate root.
fn module_of_file(file: &std::path::Path) -> Vec<String> {
    let parts: Vec<&str> = file.iter().filter_map(|c| c.to_str()).collect();
    let start = match parts.iter().rposition(|c| *c == "src") {
        Some(src) => src + 1,
        None => parts.len().saturating_sub(1),
    };
    let mut segments: Vec<String> = parts[start..]
        .iter()
        .map(|p| p.strip_suffix(".rs").unwrap_or(p).to_string())
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

fn id(i: old::Id) -> new::Id {
    new::Id(i.0)
}

fn ids(v: Vec<old::Id>) -> Vec<new::Id> {
    v.into_iter().map(id).collect()
}

fn span(s: old::Span) -> new::Span {
    new::Span {
        filename: s.filename,
        begin: (s.begin.0, s.begin.1 + 1),
        end: (s.end.0, s.end.1 + 1),
    }
}

fn visibility(v: old::Visibility) -> new::Visibility {
    match v {
        old::Visibility::Public => new::Visibility::Public,
        old::Visibility::Default => new::Visibility::Default,
        old::Visibility::Crate => new::Visibility::Crate,
        old::Visibility::Restricted { parent, path } => new::Visibility::Restricted {
            parent: id(parent),
            path,
        },
    }
}

fn item_kind(k: old::ItemKind) -> new::ItemKind {
    use new::ItemKind as N;
    use old::ItemKind as O;
    match k {
        O::Module => N::Module,
        O::ExternCrate => N::ExternCrate,
        O::Use => N::Use,
        O::Struct => N::Struct,
        O::StructField => N::StructField,
        O::Union => N::Union,
        O::Enum => N::Enum,
        O::Variant => N::Variant,
        O::Function => N::Function,
        O::TypeAlias => N::TypeAlias,
        O::Constant => N::Constant,
        O::Trait => N::Trait,
        O::TraitAlias => N::TraitAlias,
        O::Impl => N::Impl,
        O::Static => N::Static,
        O::ExternType => N::ExternType,
        O::Macro => N::Macro,
        O::ProcAttribute => N::ProcAttribute,
        O::ProcDerive => N::ProcDerive,
        O::AssocConst => N::AssocConst,
        O::AssocType => N::AssocType,
        O::Primitive => N::Primitive,
        O::Keyword => N::Keyword,
    }
}

/// One attribute as format 37 wrote it (source text, pretty-printed) in the model's terms.
/// `None` for `#[deprecated]`, which the model keeps in `Item::deprecation` only.
fn attribute(text: &str) -> Option<new::Attribute> {
    use new::Attribute as A;
    let Some(body) = text
        .strip_prefix("#[")
        .and_then(|rest| rest.strip_suffix(']'))
    else {
        return Some(A::Other(text.to_string()));
    };
    let body = body.trim();
    // edition 2024 writes `#[unsafe(no_mangle)]`; the model does not distinguish
    let body = body
        .strip_prefix("unsafe(")
        .and_then(|b| b.strip_suffix(')'))
        .map(str::trim)
        .unwrap_or(body);
    let (name, rest) = match body.find(|c: char| !(c.is_alphanumeric() || c == '_')) {
        Some(at) => (&body[..at], body[at..].trim()),
        None => (body, ""),
    };
    let value = || {
        rest.strip_prefix('=')
            .map(str::trim)
            .and_then(string_literal)
    };
    let parsed = match (name, rest) {
        ("deprecated", _) => return None,
        ("non_exhaustive", "") => A::NonExhaustive,
        ("macro_export", "") => A::MacroExport,
        ("automatically_derived", "") => A::AutomaticallyDerived,
        ("no_mangle", "") => A::NoMangle,
        ("must_use", "") => A::MustUse { reason: None },
        ("must_use", _) => match value() {
            Some(reason) => A::MustUse {
                reason: Some(reason),
            },
            None => A::Other(text.to_string()),
        },
        ("export_name", _) => match value() {
            Some(name) => A::ExportName(name),
            None => A::Other(text.to_string()),
        },
        ("link_section", _) => match value() {
            Some(section) => A::LinkSection(section),
            None => A::Other(text.to_string()),
        },
        ("target_feature", _) => match target_features(rest) {
            Some(enable) => A::TargetFeature { enable },
            None => A::Other(text.to_string()),
        },
        ("repr", _) => match repr(rest) {
            Some(r) => A::Repr(r),
            None => A::Other(text.to_string()),
        },
        _ => A::Other(text.to_string()),
    };
    Some(parsed)
}

/// The content of a plain string literal (`"abc"`, with `\"` and `\\` escapes).
fn string_literal(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(chars.next()?);
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `(enable = "avx2,bmi2")` -> `["avx2", "bmi2"]`.
fn target_features(args: &str) -> Option<Vec<String>> {
    let inner = args.strip_prefix('(')?.strip_suffix(')')?.trim();
    let value = inner.strip_prefix("enable")?.trim().strip_prefix('=')?;
    let list = string_literal(value.trim())?;
    Some(
        list.split(',')
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect(),
    )
}

/// `(C, align(8))`, `(u8)`, `(transparent)`, `(packed)` in the model's terms.
fn repr(args: &str) -> Option<new::AttributeRepr> {
    let inner = args.strip_prefix('(')?.strip_suffix(')')?;
    let mut r = new::AttributeRepr {
        kind: new::ReprKind::Rust,
        align: None,
        packed: None,
        int: None,
    };
    for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let number = |prefix: &str| -> Option<u64> {
            part.strip_prefix(prefix)?
                .trim()
                .strip_prefix('(')?
                .strip_suffix(')')?
                .trim()
                .parse()
                .ok()
        };
        match part {
            "C" => r.kind = new::ReprKind::C,
            "transparent" => r.kind = new::ReprKind::Transparent,
            "simd" => r.kind = new::ReprKind::Simd,
            "Rust" => r.kind = new::ReprKind::Rust,
            "packed" => r.packed = Some(1),
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
            | "i128" | "isize" => r.int = Some(part.to_string()),
            _ if part.starts_with("align") => r.align = Some(number("align")?),
            _ if part.starts_with("packed") => r.packed = Some(number("packed")?),
            _ => return None,
        }
    }
    Some(r)
}

fn item_enum(inner: old::ItemEnum) -> new::ItemEnum {
    use new::ItemEnum as N;
    use old::ItemEnum as O;
    match inner {
        O::Module(m) => N::Module(new::Module {
            is_crate: m.is_crate,
            items: ids(m.items),
            is_stripped: m.is_stripped,
        }),
        O::ExternCrate { name, rename } => N::ExternCrate { name, rename },
        O::Use(u) => N::Use(new::Use {
            source: u.source,
            name: u.name,
            id: u.id.map(id),
            is_glob: u.is_glob,
        }),
        O::Union(u) => N::Union(new::Union {
            generics: generics(u.generics),
            has_stripped_fields: u.has_stripped_fields,
            fields: ids(u.fields),
            impls: ids(u.impls),
        }),
        O::Struct(s) => N::Struct(new::Struct {
            kind: match s.kind {
                old::StructKind::Unit => new::StructKind::Unit,
                old::StructKind::Tuple(fields) => {
                    new::StructKind::Tuple(fields.into_iter().map(|f| f.map(id)).collect())
                }
                old::StructKind::Plain {
                    fields,
                    has_stripped_fields,
                } => new::StructKind::Plain {
                    fields: ids(fields),
                    has_stripped_fields,
                },
            },
            generics: generics(s.generics),
            impls: ids(s.impls),
        }),
        O::StructField(t) => N::StructField(ty(t)),
        O::Enum(e) => N::Enum(new::Enum {
            generics: generics(e.generics),
            has_stripped_variants: e.has_stripped_variants,
            variants: ids(e.variants),
            impls: ids(e.impls),
        }),
        O::Variant(v) => N::Variant(new::Variant {
            kind: match v.kind {
                old::VariantKind::Plain => new::VariantKind::Plain,
                old::VariantKind::Tuple(fields) => {
                    new::VariantKind::Tuple(fields.into_iter().map(|f| f.map(id)).collect())
                }
                old::VariantKind::Struct {
                    fields,
                    has_stripped_fields,
                } => new::VariantKind::Struct {
                    fields: ids(fields),
                    has_stripped_fields,
                },
            },
            discriminant: v.discriminant.map(|d| new::Discriminant {
                expr: d.expr,
                value: d.value,
            }),
        }),
        O::Function(f) => N::Function(new::Function {
            sig: signature(f.sig),
            generics: generics(f.generics),
            header: header(f.header),
            has_body: f.has_body,
            default_unstable: None,
        }),
        O::Trait(t) => N::Trait(new::Trait {
            is_auto: t.is_auto,
            is_unsafe: t.is_unsafe,
            is_dyn_compatible: t.is_dyn_compatible,
            items: ids(t.items),
            generics: generics(t.generics),
            bounds: bounds(t.bounds),
            implementations: ids(t.implementations),
        }),
        O::TraitAlias(t) => N::TraitAlias(new::TraitAlias {
            generics: generics(t.generics),
            params: bounds(t.params),
        }),
        O::Impl(i) => N::Impl(new::Impl {
            is_unsafe: i.is_unsafe,
            generics: generics(i.generics),
            provided_trait_methods: i.provided_trait_methods,
            trait_: i.trait_.map(path),
            for_: ty(i.for_),
            items: ids(i.items),
            is_negative: i.is_negative,
            is_synthetic: i.is_synthetic,
            blanket_impl: i.blanket_impl.map(ty),
        }),
        O::TypeAlias(t) => N::TypeAlias(new::TypeAlias {
            type_: ty(t.type_),
            generics: generics(t.generics),
        }),
        O::Constant { type_, const_ } => N::Constant {
            type_: ty(type_),
            const_: constant(const_),
        },
        O::Static(s) => N::Static(new::Static {
            type_: ty(s.type_),
            is_mutable: s.is_mutable,
            expr: s.expr,
            is_unsafe: s.is_unsafe,
        }),
        O::ExternType => N::ExternType,
        O::Macro(m) => N::Macro(m),
        O::ProcMacro(p) => N::ProcMacro(new::ProcMacro {
            kind: match p.kind {
                old::MacroKind::Bang => new::MacroKind::Bang,
                old::MacroKind::Attr => new::MacroKind::Attr,
                old::MacroKind::Derive => new::MacroKind::Derive,
            },
            helpers: p.helpers,
        }),
        O::Primitive(p) => N::Primitive(new::Primitive {
            name: p.name,
            impls: ids(p.impls),
        }),
        O::AssocConst { type_, value } => N::AssocConst {
            type_: ty(type_),
            value,
            default_unstable: None,
        },
        O::AssocType {
            generics: g,
            bounds: b,
            type_,
        } => N::AssocType {
            generics: generics(g),
            bounds: bounds(b),
            type_: type_.map(ty),
            default_unstable: None,
        },
    }
}

fn constant(c: old::Constant) -> new::Constant {
    new::Constant {
        expr: c.expr,
        value: c.value,
        is_literal: c.is_literal,
    }
}

fn header(h: old::FunctionHeader) -> new::FunctionHeader {
    new::FunctionHeader {
        is_const: h.is_const,
        is_unsafe: h.is_unsafe,
        is_async: h.is_async,
        abi: match h.abi {
            old::Abi::Rust => new::Abi::Rust,
            old::Abi::C { unwind } => new::Abi::C { unwind },
            old::Abi::Cdecl { unwind } => new::Abi::Cdecl { unwind },
            old::Abi::Stdcall { unwind } => new::Abi::Stdcall { unwind },
            old::Abi::Fastcall { unwind } => new::Abi::Fastcall { unwind },
            old::Abi::Aapcs { unwind } => new::Abi::Aapcs { unwind },
            old::Abi::Win64 { unwind } => new::Abi::Win64 { unwind },
            old::Abi::SysV64 { unwind } => new::Abi::SysV64 { unwind },
            old::Abi::System { unwind } => new::Abi::System { unwind },
            old::Abi::Other(s) => new::Abi::Other(s),
        },
    }
}

fn signature(s: old::FunctionSignature) -> new::FunctionSignature {
    new::FunctionSignature {
        inputs: s.inputs.into_iter().map(|(n, t)| (n, ty(t))).collect(),
        output: s.output.map(ty),
        is_c_variadic: s.is_c_variadic,
    }
}

fn generics(g: old::Generics) -> new::Generics {
    new::Generics {
        params: params(g.params),
        where_predicates: g
            .where_predicates
            .into_iter()
            .map(|p| match p {
                old::WherePredicate::BoundPredicate {
                    type_,
                    bounds: b,
                    generic_params,
                } => new::WherePredicate::BoundPredicate {
                    type_: ty(type_),
                    bounds: bounds(b),
                    generic_params: params(generic_params),
                },
                old::WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    new::WherePredicate::LifetimePredicate { lifetime, outlives }
                }
                old::WherePredicate::EqPredicate { lhs, rhs } => new::WherePredicate::EqPredicate {
                    lhs: ty(lhs),
                    rhs: term(rhs),
                },
            })
            .collect(),
    }
}

fn params(ps: Vec<old::GenericParamDef>) -> Vec<new::GenericParamDef> {
    ps.into_iter()
        .map(|p| new::GenericParamDef {
            name: p.name,
            kind: match p.kind {
                old::GenericParamDefKind::Lifetime { outlives } => {
                    new::GenericParamDefKind::Lifetime { outlives }
                }
                old::GenericParamDefKind::Type {
                    bounds: b,
                    default,
                    is_synthetic,
                } => new::GenericParamDefKind::Type {
                    bounds: bounds(b),
                    default: default.map(ty),
                    is_synthetic,
                },
                old::GenericParamDefKind::Const { type_, default } => {
                    new::GenericParamDefKind::Const {
                        type_: ty(type_),
                        default,
                    }
                }
            },
        })
        .collect()
}

fn bounds(bs: Vec<old::GenericBound>) -> Vec<new::GenericBound> {
    bs.into_iter()
        .map(|b| match b {
            old::GenericBound::TraitBound {
                trait_,
                generic_params,
                modifier,
            } => new::GenericBound::TraitBound {
                trait_: path(trait_),
                generic_params: params(generic_params),
                modifier: match modifier {
                    old::TraitBoundModifier::None => new::TraitBoundModifier::None,
                    old::TraitBoundModifier::Maybe => new::TraitBoundModifier::Maybe,
                    old::TraitBoundModifier::MaybeConst => new::TraitBoundModifier::MaybeConst,
                },
            },
            old::GenericBound::Outlives(l) => new::GenericBound::Outlives(l),
            old::GenericBound::Use(args) => new::GenericBound::Use(
                args.into_iter()
                    .map(|a| {
                        if a.starts_with('\'') {
                            new::PreciseCapturingArg::Lifetime(a)
                        } else {
                            new::PreciseCapturingArg::Param(a)
                        }
                    })
                    .collect(),
            ),
        })
        .collect()
}

fn term(t: old::Term) -> new::Term {
    match t {
        old::Term::Type(t) => new::Term::Type(ty(t)),
        old::Term::Constant(c) => new::Term::Constant(constant(c)),
    }
}

fn path(p: old::Path) -> new::Path {
    new::Path {
        path: p.name,
        id: id(p.id),
        args: p.args.map(|a| Box::new(generic_args(*a))),
    }
}

/// Since format 51 rustdoc omits empty angle-bracketed arguments where they are optional.
fn optional_args(a: old::GenericArgs) -> Option<Box<new::GenericArgs>> {
    match &a {
        old::GenericArgs::AngleBracketed { args, constraints }
            if args.is_empty() && constraints.is_empty() =>
        {
            None
        }
        _ => Some(Box::new(generic_args(a))),
    }
}

fn generic_args(a: old::GenericArgs) -> new::GenericArgs {
    match a {
        old::GenericArgs::AngleBracketed { args, constraints } => {
            new::GenericArgs::AngleBracketed {
                args: args
                    .into_iter()
                    .map(|g| match g {
                        old::GenericArg::Lifetime(l) => new::GenericArg::Lifetime(l),
                        old::GenericArg::Type(t) => new::GenericArg::Type(ty(t)),
                        old::GenericArg::Const(c) => new::GenericArg::Const(constant(c)),
                        old::GenericArg::Infer => new::GenericArg::Infer,
                    })
                    .collect(),
                constraints: constraints
                    .into_iter()
                    .map(|c| new::AssocItemConstraint {
                        name: c.name,
                        args: optional_args(c.args),
                        binding: match c.binding {
                            old::AssocItemConstraintKind::Equality(t) => {
                                new::AssocItemConstraintKind::Equality(term(t))
                            }
                            old::AssocItemConstraintKind::Constraint(b) => {
                                new::AssocItemConstraintKind::Constraint(bounds(b))
                            }
                        },
                    })
                    .collect(),
            }
        }
        old::GenericArgs::Parenthesized { inputs, output } => new::GenericArgs::Parenthesized {
            inputs: inputs.into_iter().map(ty).collect(),
            output: output.map(ty),
        },
    }
}

fn poly_trait(p: old::PolyTrait) -> new::PolyTrait {
    new::PolyTrait {
        trait_: path(p.trait_),
        generic_params: params(p.generic_params),
    }
}

fn ty(t: old::Type) -> new::Type {
    use new::Type as N;
    use old::Type as O;
    match t {
        O::ResolvedPath(p) => N::ResolvedPath(path(p)),
        O::DynTrait(d) => N::DynTrait(new::DynTrait {
            traits: d.traits.into_iter().map(poly_trait).collect(),
            lifetime: d.lifetime,
        }),
        O::Generic(g) => N::Generic(g),
        O::Primitive(p) => N::Primitive(p),
        O::FunctionPointer(f) => {
            let f = *f;
            N::FunctionPointer(Box::new(new::FunctionPointer {
                sig: signature(f.sig),
                generic_params: params(f.generic_params),
                header: header(f.header),
            }))
        }
        O::Tuple(ts) => N::Tuple(ts.into_iter().map(ty).collect()),
        O::Slice(t) => N::Slice(Box::new(ty(*t))),
        O::Array { type_, len } => N::Array {
            type_: Box::new(ty(*type_)),
            len,
        },
        O::Pat {
            type_,
            __pat_unstable_do_not_use,
        } => N::Pat {
            type_: Box::new(ty(*type_)),
            __pat_unstable_do_not_use,
        },
        O::ImplTrait(b) => N::ImplTrait(bounds(b)),
        O::Infer => N::Infer,
        O::RawPointer { is_mutable, type_ } => N::RawPointer {
            is_mutable,
            type_: Box::new(ty(*type_)),
        },
        O::BorrowedRef {
            lifetime,
            is_mutable,
            type_,
        } => N::BorrowedRef {
            lifetime,
            is_mutable,
            type_: Box::new(ty(*type_)),
        },
        O::QualifiedPath {
            name,
            args,
            self_type,
            trait_,
        } => N::QualifiedPath {
            name,
            args: optional_args(*args),
            self_type: Box::new(ty(*self_type)),
            trait_: trait_.map(path),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use new::Attribute as A;

    #[test]
    fn files_stand_for_their_modules() {
        let m = |f: &str| module_of_file(std::path::Path::new(f)).join("::");
        assert_eq!(m("src/lib.rs"), "");
        assert_eq!(m("src/error/sealed.rs"), "error::sealed");
        assert_eq!(m("/r/aws-sdk-ec2-1.120.0/src/types/mod.rs"), "types");
        assert_eq!(m("/out/generated.rs"), "generated");
    }

    #[test]
    fn attributes_take_the_models_shape() {
        assert_eq!(attribute("#[non_exhaustive]"), Some(A::NonExhaustive));
        assert_eq!(attribute("#[deprecated(since = \"1\")]"), None);
        assert_eq!(
            attribute("#[must_use = \"why \\\"not\\\"\"]"),
            Some(A::MustUse {
                reason: Some("why \"not\"".into())
            })
        );
        assert_eq!(attribute("#[unsafe(no_mangle)]"), Some(A::NoMangle));
        assert_eq!(
            attribute("#[export_name = \"exp\"]"),
            Some(A::ExportName("exp".into()))
        );
        assert_eq!(
            attribute("#[target_feature(enable = \"avx2,bmi2\")]"),
            Some(A::TargetFeature {
                enable: vec!["avx2".into(), "bmi2".into()]
            })
        );
        assert_eq!(
            attribute("#[repr(C, packed(2))]"),
            Some(A::Repr(new::AttributeRepr {
                kind: new::ReprKind::C,
                align: None,
                packed: Some(2),
                int: None
            }))
        );
        assert_eq!(
            attribute("#[repr(u8)]"),
            Some(A::Repr(new::AttributeRepr {
                kind: new::ReprKind::Rust,
                align: None,
                packed: None,
                int: Some("u8".into())
            }))
        );
        assert_eq!(
            attribute("#[doc(hidden)]"),
            Some(A::Other("#[doc(hidden)]".into()))
        );
        assert_eq!(attribute("#![no_std]"), Some(A::Other("#![no_std]".into())));
        // a shape the parser does not know stays text rather than being guessed at
        assert_eq!(
            attribute("#[repr(align(x))]"),
            Some(A::Other("#[repr(align(x))]".into()))
        );
    }
}
