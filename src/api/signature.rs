//! One-line, Rust-like signatures of items, shown in reports and signature diffs.

use rustdoc_types::{Abi, Function, Item, ItemEnum, StructKind, VariantKind};
use std::fmt::Write as _;

use super::model::Api;
use super::types::{render_bounds, render_generic_params, render_type, render_where};

/// The declaration of an item as a user would read it, without bodies.
pub fn signature(api: &Api, item: &Item) -> String {
    let name = item.name.as_deref().unwrap_or("_");
    match &item.inner {
        ItemEnum::Function(f) => function(name, f),
        ItemEnum::Struct(s) => {
            let g = render_generic_params(&s.generics);
            let w = render_where(&s.generics);
            match &s.kind {
                StructKind::Unit => format!("pub struct {name}{g}{w};"),
                StructKind::Tuple(fields) => {
                    let fs: Vec<String> = fields
                        .iter()
                        .map(
                            |f| match f.and_then(|id| api.item(id)).filter(|fi| is_pub(fi)) {
                                Some(fi) => match &fi.inner {
                                    ItemEnum::StructField(t) => format!("pub {}", render_type(t)),
                                    _ => "_".into(),
                                },
                                None => "_".into(),
                            },
                        )
                        .collect();
                    format!("pub struct {name}{g}({}){w};", fs.join(", "))
                }
                StructKind::Plain {
                    fields,
                    has_stripped_fields,
                } => {
                    let shown: Vec<&Item> = fields
                        .iter()
                        .filter_map(|id| api.item(*id))
                        .filter(|f| is_pub(f))
                        .collect();
                    let private = *has_stripped_fields || shown.len() < fields.len();
                    let mut fs: Vec<String> = shown.into_iter().map(field).collect();
                    if private {
                        fs.push("/* private fields */".into());
                    }
                    format!("pub struct {name}{g}{w} {{ {} }}", fs.join(", "))
                }
            }
        }
        ItemEnum::Enum(e) => {
            let vs: Vec<String> = e
                .variants
                .iter()
                .filter_map(|id| api.item(*id))
                .map(|v| variant(api, v))
                .collect();
            format!(
                "pub enum {name}{}{} {{ {} }}",
                render_generic_params(&e.generics),
                render_where(&e.generics),
                vs.join(", ")
            )
        }
        ItemEnum::Union(u) => format!("pub union {name}{}", render_generic_params(&u.generics)),
        ItemEnum::Trait(t) => {
            let mut s = String::new();
            if t.is_unsafe {
                s.push_str("unsafe ");
            }
            s.push_str("pub trait ");
            s.push_str(name);
            s.push_str(&render_generic_params(&t.generics));
            if !t.bounds.is_empty() {
                s.push_str(": ");
                s.push_str(&render_bounds(&t.bounds));
            }
            s.push_str(&render_where(&t.generics));
            s
        }
        ItemEnum::TypeAlias(t) => format!(
            "pub type {name}{}{} = {};",
            render_generic_params(&t.generics),
            render_where(&t.generics),
            render_type(&t.type_)
        ),
        ItemEnum::Constant { type_, .. } => format!("pub const {name}: {};", render_type(type_)),
        ItemEnum::Static(s) => format!(
            "pub static {}{name}: {};",
            if s.is_mutable { "mut " } else { "" },
            render_type(&s.type_)
        ),
        ItemEnum::StructField(_) => field(item),
        ItemEnum::Variant(_) => variant(api, item),
        ItemEnum::AssocConst { type_, .. } => format!("const {name}: {};", render_type(type_)),
        ItemEnum::AssocType { bounds, type_, .. } => {
            let mut s = format!("type {name}");
            if !bounds.is_empty() {
                s.push_str(": ");
                s.push_str(&render_bounds(bounds));
            }
            if let Some(t) = type_ {
                s.push_str(" = ");
                s.push_str(&render_type(t));
            }
            s.push(';');
            s
        }
        ItemEnum::Macro(_) => format!("macro_rules! {name}"),
        ItemEnum::ProcMacro(p) => format!("{:?} proc macro {name}", p.kind).to_lowercase(),
        ItemEnum::Module(_) => format!("pub mod {name}"),
        ItemEnum::TraitAlias(_) => format!("pub trait {name} = ..."),
        ItemEnum::ExternType => format!("extern type {name}"),
        _ => name.to_string(),
    }
}

pub fn function(name: &str, f: &Function) -> String {
    let mut s = String::from("pub ");
    if f.header.is_const {
        s.push_str("const ");
    }
    if f.header.is_async {
        s.push_str("async ");
    }
    if f.header.is_unsafe {
        s.push_str("unsafe ");
    }
    if let Some(abi) = abi_text(&f.header.abi) {
        let _ = write!(s, "extern \"{abi}\" ");
    }
    s.push_str("fn ");
    s.push_str(name);
    s.push_str(&render_generic_params(&f.generics));
    s.push('(');
    let params: Vec<String> = f
        .sig
        .inputs
        .iter()
        .map(|(pname, ty)| {
            receiver_text(pname, ty).unwrap_or_else(|| format!("{pname}: {}", render_type(ty)))
        })
        .collect();
    s.push_str(&params.join(", "));
    if f.sig.is_c_variadic {
        s.push_str(", ...");
    }
    s.push(')');
    if let Some(out) = &f.sig.output {
        s.push_str(" -> ");
        s.push_str(&render_type(out));
    }
    s.push_str(&render_where(&f.generics));
    s
}

/// `self`, `&self`, `&mut self` shorthand for receivers.
fn receiver_text(name: &str, ty: &rustdoc_types::Type) -> Option<String> {
    use rustdoc_types::Type;
    if name != "self" {
        return None;
    }
    Some(match ty {
        Type::Generic(g) if g == "Self" => "self".into(),
        Type::BorrowedRef {
            is_mutable,
            type_,
            lifetime,
        } if matches!(&**type_, Type::Generic(g) if g == "Self") => {
            let l = lifetime
                .as_deref()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            format!("&{l}{}self", if *is_mutable { "mut " } else { "" })
        }
        other => format!("self: {}", render_type(other)),
    })
}

pub fn abi_text(abi: &Abi) -> Option<String> {
    let (name, unwind) = match abi {
        Abi::Rust => return None,
        Abi::C { unwind } => ("C", *unwind),
        Abi::Cdecl { unwind } => ("cdecl", *unwind),
        Abi::Stdcall { unwind } => ("stdcall", *unwind),
        Abi::Fastcall { unwind } => ("fastcall", *unwind),
        Abi::Aapcs { unwind } => ("aapcs", *unwind),
        Abi::Win64 { unwind } => ("win64", *unwind),
        Abi::SysV64 { unwind } => ("sysv64", *unwind),
        Abi::System { unwind } => ("system", *unwind),
        Abi::Other(s) => return Some(s.clone()),
    };
    Some(if unwind {
        format!("{name}-unwind")
    } else {
        name.to_string()
    })
}

/// Struct fields carry their own visibility; private ones are in the index when rustdoc
/// documented private items.
fn is_pub(field: &Item) -> bool {
    field.visibility == rustdoc_types::Visibility::Public
}

fn field(item: &Item) -> String {
    match &item.inner {
        ItemEnum::StructField(t) => {
            format!(
                "pub {}: {}",
                item.name.as_deref().unwrap_or("_"),
                render_type(t)
            )
        }
        _ => String::new(),
    }
}

fn variant(api: &Api, item: &Item) -> String {
    let name = item.name.as_deref().unwrap_or("_");
    let ItemEnum::Variant(v) = &item.inner else {
        return name.to_string();
    };
    let field_ty = |id: &rustdoc_types::Id| match api.item(*id).map(|i| &i.inner) {
        Some(ItemEnum::StructField(t)) => render_type(t),
        _ => "_".into(),
    };
    let body = match &v.kind {
        VariantKind::Plain => String::new(),
        VariantKind::Tuple(fields) => {
            let fs: Vec<String> = fields
                .iter()
                .map(|f| f.as_ref().map(field_ty).unwrap_or_else(|| "_".into()))
                .collect();
            format!("({})", fs.join(", "))
        }
        VariantKind::Struct {
            fields,
            has_stripped_fields,
        } => {
            let mut fs: Vec<String> = fields
                .iter()
                .filter_map(|id| api.item(*id))
                .map(|f| format!("{}: {}", f.name.as_deref().unwrap_or("_"), field_ty(&f.id)))
                .collect();
            if *has_stripped_fields {
                fs.push("..".into());
            }
            format!(" {{ {} }}", fs.join(", "))
        }
    };
    let disc = v
        .discriminant
        .as_ref()
        .map(|d| format!(" = {}", d.expr))
        .unwrap_or_default();
    format!("{name}{body}{disc}")
}
