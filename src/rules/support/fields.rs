//! Fields of structs, variants and unions as rules compare them; enum variants and discriminants.

use super::*;

/// The shape of a struct or variant: how users construct and match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Unit,
    Tuple,
    Plain,
}

impl Shape {
    pub fn noun(self) -> &'static str {
        match self {
            Shape::Unit => "unit",
            Shape::Tuple => "tuple",
            Shape::Plain => "struct-like",
        }
    }
}

/// The fields of a struct or enum variant as users see them.
pub struct Fields<'a> {
    pub shape: Shape,
    /// public fields keyed by name (plain) or index (tuple)
    pub public: Vec<(String, &'a Item)>,
    /// `pub` fields behind `#[doc(hidden)]`, outside the contract but still there
    pub hidden: Vec<(String, &'a Item)>,
    /// some fields are private (or `#[doc(hidden)]`), so users cannot construct it by literal
    pub has_private: bool,
}

impl<'a> Fields<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Item> {
        self.public.iter().find(|(k, _)| k == key).map(|(_, i)| *i)
    }

    /// A `pub` field behind `#[doc(hidden)]` (it left the documented API, but it is there).
    pub fn get_hidden(&self, key: &str) -> Option<&'a Item> {
        self.hidden.iter().find(|(k, _)| k == key).map(|(_, i)| *i)
    }

    fn unit() -> Fields<'a> {
        Fields {
            shape: Shape::Unit,
            public: Vec::new(),
            hidden: Vec::new(),
            has_private: false,
        }
    }

    pub fn field_type(item: &Item) -> Option<&Type> {
        match &item.inner {
            ItemEnum::StructField(t) => Some(t),
            _ => None,
        }
    }
}

pub fn struct_fields<'a>(api: &'a Api, item: &'a Item) -> Option<Fields<'a>> {
    let ItemEnum::Struct(s) = &item.inner else {
        return None;
    };
    Some(match &s.kind {
        StructKind::Unit => Fields::unit(),
        StructKind::Tuple(ids) => tuple_fields(api, ids, true),
        StructKind::Plain {
            fields,
            has_stripped_fields,
        } => plain_fields(api, fields, *has_stripped_fields, true),
    })
}

pub fn variant_fields<'a>(api: &'a Api, item: &'a Item) -> Option<Fields<'a>> {
    let ItemEnum::Variant(v) = &item.inner else {
        return None;
    };
    Some(match &v.kind {
        VariantKind::Plain => Fields::unit(),
        VariantKind::Tuple(ids) => tuple_fields(api, ids, false),
        VariantKind::Struct {
            fields,
            has_stripped_fields,
        } => plain_fields(api, fields, *has_stripped_fields, false),
    })
}

/// Sorts fields into public, hidden and private ones. Struct and union fields carry their own
/// visibility (private ones are in the index when rustdoc documented private items); a
/// variant's fields are public with the variant (`own_visibility` false).
pub(super) fn sort_fields<'a>(
    api: &'a Api,
    fields: impl Iterator<Item = (String, Option<&'a Item>)>,
    shape: Shape,
    stripped: bool,
    own_visibility: bool,
) -> Fields<'a> {
    let mut out = Fields {
        shape,
        public: Vec::new(),
        hidden: Vec::new(),
        has_private: stripped,
    };
    for (key, field) in fields {
        match field {
            Some(f) if own_visibility && f.visibility != rustdoc_types::Visibility::Public => {
                out.has_private = true
            }
            Some(f) if api.is_hidden(f) => {
                out.has_private = true;
                out.hidden.push((key, f));
            }
            Some(f) => out.public.push((key, f)),
            None => out.has_private = true,
        }
    }
    out
}

pub(super) fn tuple_fields<'a>(
    api: &'a Api,
    ids: &[Option<Id>],
    own_visibility: bool,
) -> Fields<'a> {
    let fields = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (index.to_string(), id.and_then(|id| api.item(id))));
    sort_fields(api, fields, Shape::Tuple, false, own_visibility)
}

pub(super) fn plain_fields<'a>(
    api: &'a Api,
    ids: &[Id],
    stripped: bool,
    own_visibility: bool,
) -> Fields<'a> {
    let fields = ids.iter().map(|id| {
        let field = api.item(*id);
        let name = field.and_then(|f| f.name.clone()).unwrap_or_default();
        (name, field)
    });
    sort_fields(api, fields, Shape::Plain, stripped, own_visibility)
}

/// The variants of an enum users can name, by name.
pub fn variants<'a>(api: &'a Api, item: &'a Item) -> Vec<(&'a str, &'a Item)> {
    let ItemEnum::Enum(e) = &item.inner else {
        return Vec::new();
    };
    e.variants
        .iter()
        .filter_map(|id| api.item(*id))
        .filter(|v| !api.is_hidden(v))
        .filter_map(|v| Some((v.name.as_deref()?, v)))
        .collect()
}

/// A variant of the enum that is there but behind `#[doc(hidden)]`.
pub fn hidden_variant<'a>(api: &'a Api, item: &'a Item, name: &str) -> Option<&'a Item> {
    let ItemEnum::Enum(e) = &item.inner else {
        return None;
    };
    e.variants
        .iter()
        .filter_map(|id| api.item(*id))
        .find(|v| v.name.as_deref() == Some(name) && api.is_hidden(v))
}

/// A public inherent member of the type, or an item of the trait, of this name and kind that
/// is there but behind `#[doc(hidden)]` (on itself or on its impl block).
pub fn hidden_member<'a>(api: &'a Api, parent: &'a Item, like: &Item) -> Option<&'a Item> {
    let name = like.name.as_deref()?;
    let same = |m: &Item| {
        m.name.as_deref() == Some(name)
            && std::mem::discriminant(&m.inner) == std::mem::discriminant(&like.inner)
    };
    if let ItemEnum::Trait(t) = &parent.inner {
        return t
            .items
            .iter()
            .filter_map(|id| api.item(*id))
            .find(|m| same(m) && api.is_hidden(m));
    }
    impls_of(api, parent)
        .into_iter()
        .filter(|(_, imp)| imp.trait_.is_none() && !imp.is_synthetic && imp.blanket_impl.is_none())
        .find_map(|(block, imp)| {
            imp.items.iter().filter_map(|id| api.item(*id)).find(|m| {
                same(m)
                    && m.visibility == rustdoc_types::Visibility::Public
                    && (api.is_hidden(m) || api.is_hidden(block))
            })
        })
}

/// A variant present on both sides of a matched enum, with its fields.
pub struct VariantPair<'a> {
    /// the enum's pair
    pub parent: &'a crate::diff::Pair<'a>,
    pub name: &'a str,
    pub old: &'a Item,
    pub new: &'a Item,
    pub old_fields: Fields<'a>,
    pub new_fields: Fields<'a>,
}

impl VariantPair<'_> {
    /// `crate::Enum::Variant`
    pub fn path(&self) -> String {
        format!("{}::{}", self.parent.path, self.name)
    }
}

/// Every variant (not hidden) present by name in both versions of every matched enum.
pub fn variant_pairs<'a>(cx: &'a crate::diff::DiffCx<'a>) -> Vec<VariantPair<'a>> {
    let mut out = Vec::new();
    for parent in cx.pairs_where(|i| matches!(i, ItemEnum::Enum(_))) {
        let new = variants(cx.new, parent.new);
        for (name, old) in variants(cx.old, parent.old) {
            let Some((_, new)) = new.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let (Some(old_fields), Some(new_fields)) =
                (variant_fields(cx.old, old), variant_fields(cx.new, new))
            else {
                continue;
            };
            out.push(VariantPair {
                parent,
                name,
                old,
                new,
                old_fields,
                new_fields,
            });
        }
    }
    out
}

/// The fields of a union as users see them (a union is always struct-like).
pub fn union_fields<'a>(api: &'a Api, item: &'a Item) -> Option<Fields<'a>> {
    let ItemEnum::Union(u) = &item.inner else {
        return None;
    };
    Some(plain_fields(api, &u.fields, u.has_stripped_fields, true))
}

/// A variant and its discriminant: the explicit value, or the previous one plus one (from 0).
pub struct Discriminant<'a> {
    pub name: &'a str,
    pub item: &'a Item,
    pub value: Option<i128>,
    pub explicit: bool,
}

/// Discriminants of every variant of an enum (hidden ones included: they count for the
/// implicit values of the variants after them), in declaration order.
pub fn discriminants<'a>(api: &'a Api, item: &'a Item) -> Vec<Discriminant<'a>> {
    let ItemEnum::Enum(e) = &item.inner else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut next: Option<i128> = Some(0);
    for v in e.variants.iter().filter_map(|id| api.item(*id)) {
        let ItemEnum::Variant(var) = &v.inner else {
            continue;
        };
        let (value, explicit) = match &var.discriminant {
            Some(d) => (parse_discriminant(&d.value), true),
            None => (next, false),
        };
        next = value.and_then(|x| x.checked_add(1));
        out.push(Discriminant {
            name: v.name.as_deref().unwrap_or("_"),
            item: v,
            value,
            explicit,
        });
    }
    out
}

pub(super) fn parse_discriminant(value: &str) -> Option<i128> {
    let v = value.trim();
    v.parse::<i128>()
        .ok()
        .or_else(|| v.parse::<u128>().ok().and_then(|u| i128::try_from(u).ok()))
}

/// Whether every variant of the enum is a unit variant (so `as` casts to integers compile).
pub fn is_unit_only(item: &Item, api: &Api) -> bool {
    let ItemEnum::Enum(e) = &item.inner else {
        return false;
    };
    !e.variants.is_empty()
        && e.variants.iter().filter_map(|id| api.item(*id)).all(|v| {
            matches!(&v.inner, ItemEnum::Variant(var) if matches!(var.kind, VariantKind::Plain))
        })
}

/// Public fields of a tuple struct whose index moved because fields were inserted before them
/// (`Frame(u8, pub u16)` -> `Frame(u8, u8, pub u16)`): `(old index, new index, old, new)`.
/// The field is the same when it has the same type at its index shifted by the number of
/// fields the struct gained.
pub fn shifted_tuple_fields<'a>(
    types: &crate::api::types::TypeCx<'_>,
    old_api: &'a Api,
    old: &'a Item,
    new_api: &'a Api,
    new: &'a Item,
) -> Vec<(usize, usize, &'a Item, &'a Item)> {
    let (ItemEnum::Struct(os), ItemEnum::Struct(ns)) = (&old.inner, &new.inner) else {
        return Vec::new();
    };
    let (StructKind::Tuple(oids), StructKind::Tuple(nids)) = (&os.kind, &ns.kind) else {
        return Vec::new();
    };
    if nids.len() <= oids.len() {
        return Vec::new();
    }
    let types = types.with_generics(&[&os.generics], &[&ns.generics]);
    let public = |api: &'a Api, id: &Option<Id>| -> Option<(&'a Item, &'a Type)> {
        let item = api.item((*id)?)?;
        if api.is_hidden(item) {
            return None;
        }
        Some((item, Fields::field_type(item)?))
    };
    let shift = nids.len() - oids.len();
    let mut out = Vec::new();
    for (i, oid) in oids.iter().enumerate() {
        let Some((oi, ot)) = public(old_api, oid) else {
            continue;
        };
        let same_at = |j: usize| {
            nids.get(j)
                .and_then(|id| public(new_api, id))
                .filter(|(_, nt)| types.eq_ty(ot, nt))
        };
        if same_at(i).is_some() {
            continue;
        }
        if let Some((ni, _)) = same_at(i + shift) {
            out.push((i, i + shift, oi, ni));
        }
    }
    out
}

/// Which kind of container [`field_sets`] walks.
#[derive(Clone, Copy)]
pub enum Container {
    Struct,
    Union,
}

/// A struct or union present on both sides, with its fields on each: what every field rule
/// starts from.
pub struct FieldSet<'c> {
    pub pair: &'c crate::diff::Pair<'c>,
    pub old: Fields<'c>,
    pub new: Fields<'c>,
}

/// The structs (or unions) matched on both sides whose fields semgate can read on both.
pub fn field_sets<'c>(
    cx: &'c crate::diff::DiffCx<'c>,
    kind: Container,
) -> impl Iterator<Item = FieldSet<'c>> + 'c {
    let is_kind = move |i: &ItemEnum| match kind {
        Container::Struct => matches!(i, ItemEnum::Struct(_)),
        Container::Union => matches!(i, ItemEnum::Union(_)),
    };
    let fields = move |api: &'c Api, item: &'c Item| match kind {
        Container::Struct => struct_fields(api, item),
        Container::Union => union_fields(api, item),
    };
    cx.pairs_where(is_kind).filter_map(move |pair| {
        Some(FieldSet {
            pair,
            old: fields(cx.old, pair.old)?,
            new: fields(cx.new, pair.new)?,
        })
    })
}
