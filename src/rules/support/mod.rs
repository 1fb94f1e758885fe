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
    crate::api::noun(&item.inner)
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
