//! Helpers several rules share: item nouns, field lists, receivers, sealed traits, impls.

use rustdoc_types::{
    Function, GenericBound, Id, Impl, Item, ItemEnum, StructKind, Type, VariantKind, WherePredicate,
};

use crate::api::Api;
use crate::rules::Class;

mod callables;
mod fields;
mod generics;
mod impls;
mod traits;

pub use callables::*;
pub use fields::*;
pub use generics::*;
pub use impls::*;
pub use traits::*;

/// "struct", "function", ... for messages.
pub fn noun(item: &Item) -> &'static str {
    match &item.inner {
        ItemEnum::Module(_) => "module",
        ItemEnum::ExternCrate { .. } => "extern crate",
        ItemEnum::Use(_) => "re-export",
        ItemEnum::Union(_) => "union",
        ItemEnum::Struct(_) => "struct",
        ItemEnum::StructField(_) => "field",
        ItemEnum::Enum(_) => "enum",
        ItemEnum::Variant(_) => "variant",
        ItemEnum::Function(_) => "function",
        ItemEnum::Trait(_) => "trait",
        ItemEnum::TraitAlias(_) => "trait alias",
        ItemEnum::Impl(_) => "impl",
        ItemEnum::TypeAlias(_) => "type alias",
        ItemEnum::Constant { .. } => "constant",
        ItemEnum::Static(_) => "static",
        ItemEnum::ExternType => "extern type",
        ItemEnum::Macro(_) => "macro",
        ItemEnum::ProcMacro(p) => match p.kind {
            rustdoc_types::MacroKind::Bang => "proc macro",
            rustdoc_types::MacroKind::Attr => "attribute macro",
            rustdoc_types::MacroKind::Derive => "derive macro",
        },
        ItemEnum::Primitive(_) => "primitive",
        ItemEnum::AssocConst { .. } => "associated constant",
        ItemEnum::AssocType { .. } => "associated type",
    }
}

/// Whether a trait item has a default (body, value or type).
pub fn has_default(item: &Item) -> bool {
    match &item.inner {
        ItemEnum::Function(f) => f.has_body,
        ItemEnum::AssocConst { value, .. } => value.is_some(),
        ItemEnum::AssocType { type_, .. } => type_.is_some(),
        _ => true,
    }
}

pub fn repr(item: &Item) -> Option<&rustdoc_types::AttributeRepr> {
    item.attrs.iter().find_map(|a| match a {
        rustdoc_types::Attribute::Repr(r) => Some(r),
        _ => None,
    })
}

/// Like [`noun`], but a function inside a trait or impl is a "method".
pub fn member_noun(item: &Item) -> &'static str {
    match &item.inner {
        ItemEnum::Function(_) => "method",
        _ => noun(item),
    }
}
