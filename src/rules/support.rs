//! Helpers several rules share: item nouns, field lists, receivers, sealed traits, impls.

use rustdoc_types::{
    Function, GenericBound, Id, Impl, Item, ItemEnum, StructKind, Type, VariantKind, WherePredicate,
};

use crate::api::Api;
use crate::rules::Class;

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
fn sort_fields<'a>(
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

fn tuple_fields<'a>(api: &'a Api, ids: &[Option<Id>], own_visibility: bool) -> Fields<'a> {
    let fields = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (index.to_string(), id.and_then(|id| api.item(id))));
    sort_fields(api, fields, Shape::Tuple, false, own_visibility)
}

fn plain_fields<'a>(api: &'a Api, ids: &[Id], stripped: bool, own_visibility: bool) -> Fields<'a> {
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

/// How a method takes `self`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    None,
    Value,
    Ref,
    RefMut,
    /// `self: Box<Self>`, `self: Rc<Self>`, `self: Pin<&mut Self>`...
    Typed(String),
}

impl Receiver {
    pub fn describe(&self) -> String {
        match self {
            Receiver::None => "no receiver (an associated function)".into(),
            Receiver::Value => "`self`".into(),
            Receiver::Ref => "`&self`".into(),
            Receiver::RefMut => "`&mut self`".into(),
            Receiver::Typed(t) => format!("`self: {t}`"),
        }
    }
}

pub fn receiver(f: &Function) -> Receiver {
    let Some((name, ty)) = f.sig.inputs.first() else {
        return Receiver::None;
    };
    if name != "self" {
        return Receiver::None;
    }
    let is_self = |t: &Type| matches!(t, Type::Generic(g) if g == "Self");
    match ty {
        t if is_self(t) => Receiver::Value,
        Type::BorrowedRef {
            is_mutable: false,
            type_,
            ..
        } if is_self(type_) => Receiver::Ref,
        Type::BorrowedRef {
            is_mutable: true,
            type_,
            ..
        } if is_self(type_) => Receiver::RefMut,
        other => Receiver::Typed(crate::api::types::render_type(other)),
    }
}

/// Parameters other than the receiver.
pub fn params(f: &Function) -> &[(String, Type)] {
    match f.sig.inputs.first() {
        Some((name, _)) if name == "self" => &f.sig.inputs[1..],
        _ => &f.sig.inputs,
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

/// A trait is sealed when downstream crates cannot implement it: a supertrait they cannot name
/// (the usual `private::Sealed` pattern), or a required method whose signature names a type
/// they cannot name.
pub fn is_sealed(api: &Api, item: &Item) -> bool {
    seal_reason(api, item).is_some()
}

fn is_local_unnameable(api: &Api, id: Id) -> bool {
    api.crate_of(id) == Some(api.name.as_str()) && !api.is_nameable(id)
}

fn mentions_unnameable(api: &Api, ty: &Type) -> bool {
    match ty {
        Type::ResolvedPath(p) => {
            is_local_unnameable(api, p.id)
                || match p.args.as_deref() {
                    Some(rustdoc_types::GenericArgs::AngleBracketed { args, .. }) => {
                        args.iter().any(|a| match a {
                            rustdoc_types::GenericArg::Type(t) => mentions_unnameable(api, t),
                            _ => false,
                        })
                    }
                    _ => false,
                }
        }
        Type::BorrowedRef { type_, .. } | Type::RawPointer { type_, .. } | Type::Slice(type_) => {
            mentions_unnameable(api, type_)
        }
        Type::Array { type_, .. } => mentions_unnameable(api, type_),
        Type::Tuple(ts) => ts.iter().any(|t| mentions_unnameable(api, t)),
        _ => false,
    }
}

/// Impl blocks listed on a struct, enum or union.
pub fn impls_of<'a>(api: &'a Api, item: &'a Item) -> Vec<(&'a Item, &'a Impl)> {
    let ids = match &item.inner {
        ItemEnum::Struct(s) => &s.impls,
        ItemEnum::Enum(e) => &e.impls,
        ItemEnum::Union(u) => &u.impls,
        _ => return Vec::new(),
    };
    ids.iter()
        .filter_map(|id| api.item(*id))
        .filter_map(|i| match &i.inner {
            ItemEnum::Impl(imp) => Some((i, imp)),
            _ => None,
        })
        .collect()
}

/// The auto traits rustdoc synthesises impls for. `Freeze` and `UnsafeUnpin` are unstable
/// and not part of any stable contract, so they are left out.
pub const AUTO_TRAITS: &[&str] = &["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// The last segment of a trait path as written (`Send` for `core::marker::Send`).
pub fn trait_name(imp: &Impl) -> Option<&str> {
    imp.trait_
        .as_ref()
        .map(|p| p.path.rsplit("::").next().unwrap_or(&p.path))
}

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

/// The fields of a union as users see them (a union is always struct-like).
pub fn union_fields<'a>(api: &'a Api, item: &'a Item) -> Option<Fields<'a>> {
    let ItemEnum::Union(u) = &item.inner else {
        return None;
    };
    Some(plain_fields(api, &u.fields, u.has_stripped_fields, true))
}

/// Why downstream crates cannot implement a trait, in words (None when they can). Mirrors
/// [`is_sealed`].
pub fn seal_reason(api: &Api, item: &Item) -> Option<String> {
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    for bound in supertraits(&t.bounds, &t.generics) {
        if let GenericBound::TraitBound { trait_, .. } = bound {
            if is_local_unnameable(api, trait_.id) {
                return Some(format!(
                    "its supertrait `{}` is private or #[doc(hidden)]",
                    trait_.path
                ));
            }
        }
    }
    for member in t.items.iter().filter_map(|id| api.item(*id)) {
        if let ItemEnum::Function(f) = &member.inner {
            if !f.has_body
                && f.sig
                    .inputs
                    .iter()
                    .any(|(_, ty)| mentions_unnameable(api, ty))
            {
                return Some(format!(
                    "its required method `{}` takes a type that is private or #[doc(hidden)]",
                    member.name.as_deref().unwrap_or("_")
                ));
            }
        }
    }
    None
}

/// Whether a trait path (as written in a bound) names a trait of this crate that users cannot name.
pub fn is_unnameable_trait(api: &Api, id: Id) -> bool {
    is_local_unnameable(api, id)
}

/// A trait's supertraits: the bounds after `trait Name:` together with `where Self: ...`
/// predicates, which mean the same.
pub fn supertraits<'a>(
    bounds: &'a [GenericBound],
    generics: &'a rustdoc_types::Generics,
) -> Vec<&'a GenericBound> {
    let mut out: Vec<&GenericBound> = bounds.iter().collect();
    for p in &generics.where_predicates {
        if let WherePredicate::BoundPredicate {
            type_: Type::Generic(g),
            bounds,
            ..
        } = p
        {
            if g == "Self" {
                out.extend(bounds.iter());
            }
        }
    }
    out
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

fn parse_discriminant(value: &str) -> Option<i128> {
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

/// Whether the type has a `#[derive]`d (automatically derived) impl of the named trait.
pub fn derives(api: &Api, item: &Item, trait_: &str) -> bool {
    impls_of(api, item).iter().any(|(i, imp)| {
        trait_name(imp) == Some(trait_)
            && !imp.is_synthetic
            && i.attrs
                .iter()
                .any(|a| matches!(a, rustdoc_types::Attribute::AutomaticallyDerived))
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

/// Whether two positive trait impls implement the same trait (with the same generic arguments)
/// for the same type.
pub fn same_trait_impl(cx: &crate::diff::DiffCx<'_>, old: &Impl, new: &Impl) -> bool {
    let (Some(ot), Some(nt)) = (&old.trait_, &new.trait_) else {
        return false;
    };
    if old.is_negative || new.is_negative || trait_name(old) != trait_name(new) {
        return false;
    }
    let types = cx.types.with_impl(
        &old.generics,
        &new.generics,
        &old.for_,
        &new.for_,
        Some((ot, nt)),
    );
    types.eq_path(ot, nt) && types.eq_ty(&old.for_, &new.for_)
}

/// The trait impls of one type, indexed so that finding "the same impl" on the other side is
/// cheap: types in large crates carry dozens of impls of one trait (`From<A>`, `From<B>`...),
/// and comparing every pair structurally is quadratic.
pub struct TraitImpls<'a> {
    by_text: rustc_hash::FxHashMap<(String, String), Vec<&'a Impl>>,
    by_name: rustc_hash::FxHashMap<String, Vec<&'a Impl>>,
}

impl<'a> TraitImpls<'a> {
    pub fn new(impls: &[(&'a Item, &'a Impl)]) -> TraitImpls<'a> {
        let mut by_text: rustc_hash::FxHashMap<(String, String), Vec<&'a Impl>> =
            Default::default();
        let mut by_name: rustc_hash::FxHashMap<String, Vec<&'a Impl>> = Default::default();
        for (_, imp) in impls {
            if imp.trait_.is_none() || imp.is_negative {
                continue;
            }
            by_text.entry(impl_text(imp)).or_default().push(imp);
            by_name
                .entry(trait_name(imp).unwrap_or_default().to_string())
                .or_default()
                .push(imp);
        }
        TraitImpls { by_text, by_name }
    }

    /// Whether an impl on this side matches `other` (from the other side). Impls whose text
    /// is identical are tried first; the rest of the same trait only when none of those match.
    pub fn contains(&self, cx: &crate::diff::DiffCx<'_>, other: &Impl, other_is_old: bool) -> bool {
        let matches = |candidate: &&Impl| {
            if other_is_old {
                same_trait_impl(cx, other, candidate)
            } else {
                same_trait_impl(cx, candidate, other)
            }
        };
        if self
            .by_text
            .get(&impl_text(other))
            .is_some_and(|list| list.iter().any(matches))
        {
            return true;
        }
        let name = trait_name(other).unwrap_or_default();
        self.by_name
            .get(name)
            .is_some_and(|list| list.iter().any(matches))
    }
}

/// `(trait name with arguments, implementing type)` as text: equal for the common case of an
/// unchanged impl, and only a shortcut (never the verdict) otherwise.
fn impl_text(imp: &Impl) -> (String, String) {
    let trait_text = imp
        .trait_
        .as_ref()
        .map(|t| crate::api::types::render_type(&Type::ResolvedPath(t.clone())))
        .unwrap_or_default();
    (trait_text, crate::api::types::render_type(&imp.for_))
}

/// What an impl listed on a type implements the trait for, in words: "`crate::Wrapper`" for
/// the type as declared, "`crate::Wrapper` (for `Wrapper<u8>`)" for one instance of it, and
/// "`u64`" for an impl that only mentions the type (`impl From<Meters> for u64` is listed on
/// `Meters`).
pub fn impl_subject(api: &Api, path: &str, item: &Item, imp: &Impl) -> String {
    match &imp.for_ {
        Type::ResolvedPath(p) if p.id == item.id => format!("`{path}`{}", instance_note(&imp.for_)),
        // another type of this crate: by its public path, not as the impl happened to write it
        Type::ResolvedPath(p) if api.is_nameable(p.id) => format!("`{}`", api.paths_of(p.id)[0]),
        other => format!("`{}`", crate::api::types::render_type(other)),
    }
}

/// An impl listed on `item` that implements the trait for another public type of the crate
/// (`impl From<Uri> for Builder` appears on both `Uri` and `Builder`): it belongs to the other
/// type's list, so it is reported from there, once.
pub fn listed_elsewhere(api: &Api, item: &Item, imp: &Impl) -> bool {
    matches!(&imp.for_, Type::ResolvedPath(p) if p.id != item.id && api.is_nameable(p.id))
}

/// ` (for `Wrapper<u8>`)` when an impl is for a particular instance of a generic type, and
/// nothing when it is for the type as declared (`Wrapper<T>`, whatever path it is written with).
fn instance_note(for_: &Type) -> String {
    let Type::ResolvedPath(path) = for_ else {
        return format!(" (for `{}`)", crate::api::types::render_type(for_));
    };
    let generic_only = match path.args.as_deref() {
        None => true,
        Some(rustdoc_types::GenericArgs::AngleBracketed { args, .. }) => args.iter().all(|a| {
            matches!(
                a,
                rustdoc_types::GenericArg::Lifetime(_)
                    | rustdoc_types::GenericArg::Type(Type::Generic(_))
                    | rustdoc_types::GenericArg::Const(_)
            )
        }),
        Some(_) => false,
    };
    if generic_only {
        String::new()
    } else {
        format!(" (for `{}`)", crate::api::types::render_type(for_))
    }
}

/// Supertraits a matched trait gained and lost (merged from `trait T: A` and `where Self: A`),
/// rendered, leaving out traits downstream crates cannot name (sealing is its own rule).
pub fn supertrait_changes(
    cx: &crate::diff::DiffCx<'_>,
    pair: &crate::diff::Pair<'_>,
) -> (Vec<String>, Vec<String>) {
    let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) else {
        return (Vec::new(), Vec::new());
    };
    let types = cx.types.with_generics(&[&ot.generics], &[&nt.generics]);
    let old = supertraits(&ot.bounds, &ot.generics);
    let new = supertraits(&nt.bounds, &nt.generics);
    let shown = |api: &Api, bounds: Vec<&GenericBound>| -> Vec<String> {
        bounds
            .into_iter()
            .filter(|b| !matches!(b, GenericBound::TraitBound { trait_, .. } if is_unnameable_trait(api, trait_.id)))
            .map(|b| format!("`{}`", crate::api::types::render_bound(b)))
            .collect()
    };
    (
        shown(cx.new, types.extra_bounds(&old, &new)),
        shown(cx.old, types.missing_bounds(&old, &new)),
    )
}
