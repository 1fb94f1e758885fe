//! Stage 4: the diff. Matches the two public APIs by path, then runs every rule over the
//! matched pairs in parallel. Pure: a function of two [`Api`]s that returns findings.
//!
//! Matching happens once here so that rules stay short: [`DiffCx`] holds the removed, hidden
//! and added paths, the pairs of items that share a path, their inherent and trait members,
//! and every callable (free function, inherent method, trait method) as one list.

use std::collections::HashSet;

use rustdoc_types::{Function, Generics, Id, Item, ItemEnum, Type};

use crate::api::model::Namespace;
use crate::api::types::TypeCx;
use crate::api::{Api, Target};
use crate::manifest::ManifestInfo;

/// An item present under the same public path on both sides.
pub struct Pair<'a> {
    /// canonical shared path
    pub path: &'a str,
    pub old: &'a Item,
    pub new: &'a Item,
    /// the path became a type alias of a type of the old kind (`pub type Old = New;`), and
    /// `new` is that type: the alias keeps most uses compiling, so the types are compared
    pub via_alias: bool,
}

/// A named member of a matched type or trait (method, associated const or type), on either side.
pub struct Member<'a> {
    /// `crate::Type::name`
    pub path: String,
    pub name: &'a str,
    /// index of the owning pair in [`DiffCx::pairs`]
    pub parent: usize,
    pub old: Option<&'a Item>,
    pub new: Option<&'a Item>,
    /// generics of the impl block (inherent members) or of the trait (trait members)
    pub old_outer: Option<&'a Generics>,
    pub new_outer: Option<&'a Generics>,
    /// the impl's self type (inherent members only), what `Self` means in signatures
    pub old_self: Option<&'a Type>,
    pub new_self: Option<&'a Type>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallableKind {
    Function,
    Method,
    TraitMethod,
}

impl CallableKind {
    pub fn noun(self) -> &'static str {
        match self {
            CallableKind::Function => "function",
            CallableKind::Method => "method",
            CallableKind::TraitMethod => "trait method",
        }
    }
}

/// A function-like item present on both sides.
pub struct Callable<'a> {
    pub kind: CallableKind,
    pub path: &'a str,
    pub old_item: &'a Item,
    pub new_item: &'a Item,
    pub old: &'a Function,
    pub new: &'a Function,
    pub old_outer: Option<&'a Generics>,
    pub new_outer: Option<&'a Generics>,
    pub old_self: Option<&'a Type>,
    pub new_self: Option<&'a Type>,
}

/// One side of the comparison as the diff sees it: the public API and, when the side was built
/// from a package, the facts of its Cargo.toml (features, dependencies, rust-version).
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub api: &'a Api,
    pub manifest: Option<&'a ManifestInfo>,
}

impl<'a> Input<'a> {
    pub fn new(api: &'a Api, manifest: Option<&'a ManifestInfo>) -> Input<'a> {
        Input { api, manifest }
    }

    /// A side with no manifest (a bare rustdoc JSON file): manifest rules stay silent.
    pub fn api(api: &'a Api) -> Input<'a> {
        Input {
            api,
            manifest: None,
        }
    }
}

/// A public path and what it names on the side it was taken from.
#[derive(Debug, Clone)]
pub struct PathItem<'a> {
    /// the canonical one of the paths that changed, when one item changed at several
    pub path: &'a str,
    pub target: Target,
    /// the item's other paths that changed the same way (re-exports), canonical order
    pub others: Vec<&'a str>,
}

impl PathItem<'_> {
    /// ` (also at `a::B` and 2 more paths)`, or nothing when only one path changed.
    pub fn others_note(&self) -> String {
        match self.others.as_slice() {
            [] => String::new(),
            [one] => format!(" (also at `{one}`)"),
            [first, rest @ ..] => format!(
                " (also at `{first}` and {} more path{})",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

/// Everything rules need, matched once.
pub struct DiffCx<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    pub old_manifest: Option<&'a ManifestInfo>,
    pub new_manifest: Option<&'a ManifestInfo>,
    pub types: TypeCx<'a>,
    /// public paths of the baseline that name nothing now, per namespace (outermost only)
    pub removed: Vec<PathItem<'a>>,
    /// public paths of the baseline that now exist only behind `#[doc(hidden)]`
    pub now_hidden: Vec<PathItem<'a>>,
    /// new public paths, per namespace (outermost only)
    pub added: Vec<PathItem<'a>>,
    pub pairs: Vec<Pair<'a>>,
    /// inherent members of matched types
    pub members: Vec<Member<'a>>,
    /// items of matched traits
    pub trait_members: Vec<Member<'a>>,
}

impl<'a> DiffCx<'a> {
    pub fn new(old_input: Input<'a>, new_input: Input<'a>) -> DiffCx<'a> {
        let (old, new) = (old_input.api, new_input.api);
        let types = TypeCx::new(old, new);
        let visible = |api: &Api, hidden: bool| !hidden || api.options.include_hidden;

        // Each stored path of one side is looked up in the other side's name tables, so a
        // path that side did not store (an item with many paths) is still found. Items are
        // matched per namespace; a path that names one item on each side in different
        // namespaces is the same path changing kind (`pub fn x` -> `pub mod x`), unless either
        // side has several items there (`pub mod walk` beside `pub fn walk`).
        let mut shared: Vec<(&'a str, Id, Id)> = Vec::new();
        let mut removed = Vec::new();
        let mut now_hidden = Vec::new();
        for (path, targets) in &old.paths {
            let there = new.resolve(path);
            let there_visible: Vec<(Namespace, Target)> = there
                .iter()
                .filter(|(_, _, h)| visible(new, *h))
                .map(|(ns, t, _)| (ns, t))
                .collect();
            for (ns, target) in targets.iter() {
                let counterpart = match there.get(ns) {
                    Some((t, h)) if visible(new, h) => Some(t),
                    Some(_) => {
                        now_hidden.push(PathItem::new(path, target));
                        continue;
                    }
                    None if targets.len() == 1 && there_visible.len() == 1 => {
                        Some(there_visible[0].1)
                    }
                    None => None,
                };
                match (target, counterpart) {
                    (Target::Item(o), Some(Target::Item(n))) => shared.push((path.as_str(), o, n)),
                    (_, Some(_)) => {}
                    (_, None) => {
                        removed.push(PathItem::new(path, target));
                    }
                }
            }
        }
        let mut added = Vec::new();
        for (path, targets) in &new.paths {
            let before = old.resolve(path);
            let before_visible = before.iter().filter(|(_, _, h)| visible(old, *h)).count();
            for (ns, target) in targets.iter() {
                let existed = match before.get(ns) {
                    Some((_, h)) => visible(old, h),
                    None => targets.len() == 1 && before_visible == 1,
                };
                if !existed {
                    added.push(PathItem::new(path, target));
                }
            }
        }

        // visit shared paths canonical-first so each pair is named by its best path
        shared.sort_by(|a, b| crate::api::model::path_order(a.0, b.0));
        let mut pairs = Vec::new();
        let mut seen: HashSet<(Id, Id)> = HashSet::new();
        for (path, o, n) in shared {
            if seen.insert((o, n)) {
                if let (Some(oi), Some(ni)) = (old.item(o), new.item(n)) {
                    let (ni, via_alias) = match alias_target(new, ni) {
                        Some(target)
                            if !matches!(oi.inner, ItemEnum::TypeAlias(_))
                                && same_kind(oi, target) =>
                        {
                            (target, true)
                        }
                        _ => (ni, false),
                    };
                    pairs.push(Pair {
                        path,
                        old: oi,
                        new: ni,
                        via_alias,
                    });
                }
            }
        }
        pairs.sort_by(|a, b| a.path.cmp(b.path).then_with(|| a.old.id.0.cmp(&b.old.id.0)));

        let removed = outermost(removed);
        let now_hidden = outermost(now_hidden);
        let added = outermost(added);

        // members of each pair are matched independently: in parallel, gathered in pair order
        use rayon::prelude::*;
        let matched: Vec<(Vec<Member<'a>>, Vec<Member<'a>>)> = pairs
            .par_iter()
            .enumerate()
            .map(|(index, pair)| {
                let mut members = Vec::new();
                let mut trait_members = Vec::new();
                if let (Some(o), Some(n)) = (
                    inherent_members(old, pair.old),
                    inherent_members(new, pair.new),
                ) {
                    members = match_inherent(&types, pair.path, index, &o, &n);
                }
                if let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) =
                    (&pair.old.inner, &pair.new.inner)
                {
                    let named = |api: &'a Api, ids: &'a [Id], g: &'a Generics| {
                        ids.iter()
                            .filter_map(|id| api.item(*id))
                            .filter(|i| !api.is_hidden(i))
                            .filter_map(|i| {
                                Some(NamedMember {
                                    name: i.name.as_deref()?,
                                    item: i,
                                    generics: g,
                                    self_type: None,
                                })
                            })
                            .collect::<Vec<_>>()
                    };
                    trait_members = match_trait_items(
                        pair.path,
                        index,
                        &named(old, &ot.items, &ot.generics),
                        &named(new, &nt.items, &nt.generics),
                    );
                }
                (members, trait_members)
            })
            .collect();
        let mut members = Vec::new();
        let mut trait_members = Vec::new();
        for (m, t) in matched {
            members.extend(m);
            trait_members.extend(t);
        }

        DiffCx {
            old,
            new,
            old_manifest: old_input.manifest,
            new_manifest: new_input.manifest,
            types,
            removed,
            now_hidden,
            added,
            pairs,
            members,
            trait_members,
        }
    }

    /// Free functions, inherent methods and trait methods present on both sides, made as they
    /// are walked (a dozen rules walk them, and large crates have a hundred thousand).
    pub fn callables(&self) -> impl Iterator<Item = Callable<'_>> {
        let functions = self.pairs.iter().filter_map(|pair| {
            let (ItemEnum::Function(o), ItemEnum::Function(n)) = (&pair.old.inner, &pair.new.inner)
            else {
                return None;
            };
            Some(Callable {
                kind: CallableKind::Function,
                path: pair.path,
                old_item: pair.old,
                new_item: pair.new,
                old: o,
                new: n,
                old_outer: None,
                new_outer: None,
                old_self: None,
                new_self: None,
            })
        });
        let members = [
            (&self.members, CallableKind::Method),
            (&self.trait_members, CallableKind::TraitMethod),
        ]
        .into_iter()
        .flat_map(|(list, kind)| {
            list.iter().filter_map(move |m| {
                let (Some(oi), Some(ni)) = (m.old, m.new) else {
                    return None;
                };
                let (ItemEnum::Function(o), ItemEnum::Function(n)) = (&oi.inner, &ni.inner) else {
                    return None;
                };
                Some(Callable {
                    kind,
                    path: &m.path,
                    old_item: oi,
                    new_item: ni,
                    old: o,
                    new: n,
                    old_outer: m.old_outer,
                    new_outer: m.new_outer,
                    old_self: m.old_self,
                    new_self: m.new_self,
                })
            })
        });
        functions.chain(members)
    }

    /// Pairs of structs, enums and unions: the types that carry fields, variants and impls.
    pub fn type_pairs(&self) -> impl Iterator<Item = &Pair<'a>> {
        self.pairs_where(|i| {
            matches!(
                i,
                ItemEnum::Struct(_) | ItemEnum::Enum(_) | ItemEnum::Union(_)
            )
        })
    }

    /// Pairs whose items are both of the given shape, e.g. `cx.pairs_of(|i| matches!(i, ItemEnum::Struct(_)))`.
    pub fn pairs_where(&self, f: impl Fn(&ItemEnum) -> bool) -> impl Iterator<Item = &Pair<'a>> {
        self.pairs
            .iter()
            .filter(move |p| f(&p.old.inner) && f(&p.new.inner))
    }
}

impl Callable<'_> {
    /// A type comparison context in which the callable's generics (and its impl's or trait's)
    /// correspond by position.
    pub fn types<'t>(&self, cx: &'t DiffCx<'t>) -> TypeCx<'t>
    where
        Self: 't,
    {
        match (self.old_outer, self.new_outer, self.old_self, self.new_self) {
            // an inherent method: the impls' parameters correspond through their self types
            (Some(og), Some(ng), Some(os), Some(ns)) => cx
                .types
                .with_impl(og, ng, os, ns, None)
                .with_generics(&[&self.old.generics], &[&self.new.generics])
                .with_self(os, ns),
            (Some(og), Some(ng), ..) => cx
                .types
                .with_generics(&[og, &self.old.generics], &[ng, &self.new.generics]),
            _ => cx
                .types
                .with_generics(&[&self.old.generics], &[&self.new.generics]),
        }
    }
}

impl<'a> PathItem<'a> {
    fn new(path: &'a str, target: Target) -> PathItem<'a> {
        PathItem {
            path,
            target,
            others: Vec::new(),
        }
    }
}

/// Drops paths that lie inside a module which is itself in the list, so a removed module is
/// reported once rather than once per child; then folds the paths of one item together (an
/// item re-exported at many paths is one change, named by its canonical path).
fn outermost(mut paths: Vec<PathItem<'_>>) -> Vec<PathItem<'_>> {
    paths.sort_by(|a, b| a.path.cmp(b.path));
    let set: HashSet<&str> = paths.iter().map(|p| p.path).collect();
    paths.retain(|p| {
        let mut end = 0;
        while let Some(pos) = p.path[end..].find("::") {
            end += pos;
            if set.contains(&p.path[..end]) {
                return false;
            }
            end += 2;
        }
        true
    });
    paths.sort_by(|a, b| crate::api::model::path_order(a.path, b.path));
    let mut out: Vec<PathItem<'_>> = Vec::new();
    let mut by_item: std::collections::HashMap<Id, usize> = Default::default();
    for p in paths {
        match p.target.id() {
            Some(id) => match by_item.get(&id) {
                Some(&i) => out[i].others.push(p.path),
                None => {
                    by_item.insert(id, out.len());
                    out.push(p);
                }
            },
            None => out.push(p),
        }
    }
    out.sort_by(|a, b| a.path.cmp(b.path));
    out
}

/// A named member of an impl block or trait, before matching.
#[derive(Clone, Copy)]
struct NamedMember<'a> {
    name: &'a str,
    item: &'a Item,
    /// generics of the impl block or trait
    generics: &'a Generics,
    /// the impl's self type (inherent members)
    self_type: Option<&'a Type>,
}

/// Public inherent members of a struct, enum or union (None for other kinds). Members of a
/// `#[doc(hidden)]` impl block are hidden with it.
fn inherent_members<'a>(api: &'a Api, item: &'a Item) -> Option<Vec<NamedMember<'a>>> {
    let impls = match &item.inner {
        ItemEnum::Struct(s) => &s.impls,
        ItemEnum::Enum(e) => &e.impls,
        ItemEnum::Union(u) => &u.impls,
        _ => return None,
    };
    let mut out = Vec::new();
    for impl_id in impls {
        let Some(impl_item) = api.item(*impl_id) else {
            continue;
        };
        let ItemEnum::Impl(imp) = &impl_item.inner else {
            continue;
        };
        if imp.trait_.is_some() || imp.is_synthetic || imp.blanket_impl.is_some() {
            continue;
        }
        if api.is_hidden(impl_item) {
            continue;
        }
        for id in &imp.items {
            let Some(member) = api.item(*id) else {
                continue;
            };
            if member.visibility != rustdoc_types::Visibility::Public || api.is_hidden(member) {
                continue;
            }
            if let Some(name) = member.name.as_deref() {
                out.push(NamedMember {
                    name,
                    item: member,
                    generics: &imp.generics,
                    self_type: Some(&imp.for_),
                });
            }
        }
    }
    Some(out)
}

fn member<'a>(
    path: String,
    name: &'a str,
    parent: usize,
    old: Option<NamedMember<'a>>,
    new: Option<NamedMember<'a>>,
) -> Member<'a> {
    Member {
        path,
        name,
        parent,
        old: old.map(|m| m.item),
        new: new.map(|m| m.item),
        old_outer: old.map(|m| m.generics),
        new_outer: new.map(|m| m.generics),
        old_self: old.and_then(|m| m.self_type),
        new_self: new.and_then(|m| m.self_type),
    }
}

/// Matches inherent members by name, kind and the impl's self type: `impl Codec<u16> { fn
/// sum() }` and `impl Codec<u128> { fn sum() }` are two methods. An old member is matched with
/// a new one of the same name whose impl covers the old impl's self type (the same instance,
/// a more general one, or the type with a new defaulted or generic parameter). A name defined
/// in several impl blocks is reported with the instance, `Codec::<u16>::sum`, as users would
/// write it.
fn match_inherent<'a>(
    types: &TypeCx<'a>,
    parent_path: &str,
    parent: usize,
    old: &[NamedMember<'a>],
    new: &[NamedMember<'a>],
) -> Vec<Member<'a>> {
    let defined =
        |list: &[NamedMember<'_>], name: &str| list.iter().filter(|m| m.name == name).count();
    let path_of = |m: &NamedMember<'_>| {
        let ambiguous = defined(old, m.name) > 1 || defined(new, m.name) > 1;
        let shown = m
            .self_type
            .filter(|t| ambiguous || is_instance(t, m.generics));
        match shown.and_then(instance_args) {
            Some(args) => format!("{parent_path}::<{args}>::{}", m.name),
            None => format!("{parent_path}::{}", m.name),
        }
    };
    let covers = |o: &NamedMember<'a>, n: &NamedMember<'a>| match (o.self_type, n.self_type) {
        (Some(os), Some(ns)) => types
            .with_impl(o.generics, n.generics, os, ns, None)
            .eq_ty(os, ns),
        _ => true,
    };
    let mut out = Vec::new();
    let mut taken = vec![false; new.len()];
    for o in old {
        let found = new.iter().enumerate().position(|(i, n)| {
            !taken[i] && n.name == o.name && same_member_kind(o.item, n.item) && covers(o, n)
        });
        if let Some(i) = found {
            taken[i] = true;
        }
        out.push(member(
            path_of(o),
            o.name,
            parent,
            Some(*o),
            found.map(|i| new[i]),
        ));
    }
    for (i, n) in new.iter().enumerate() {
        if !taken[i] {
            // the same name for another instance of an ambiguous name is a new member; a name
            // matched with none of the old ones is new too
            out.push(member(path_of(n), n.name, parent, None, Some(*n)));
        }
    }
    out
}

/// The generic arguments of an impl's self type, rendered (`u16` for `Codec<u16>`).
fn instance_args(self_type: &Type) -> Option<String> {
    let Type::ResolvedPath(path) = self_type else {
        return None;
    };
    let rendered = crate::api::types::render_args_short(path.args.as_deref()?);
    let args = rendered.strip_prefix('<')?.strip_suffix('>')?;
    Some(args.to_string())
}

/// Whether an impl is for one instance of its type (`impl Codec<u16>`) rather than for the
/// type as declared (`impl<T> Codec<T>`): some argument is not one of the impl's parameters.
fn is_instance(self_type: &Type, generics: &Generics) -> bool {
    let Type::ResolvedPath(path) = self_type else {
        return false;
    };
    let Some(rustdoc_types::GenericArgs::AngleBracketed { args, .. }) = path.args.as_deref() else {
        return false;
    };
    args.iter().any(|a| match a {
        rustdoc_types::GenericArg::Type(Type::Generic(name)) => {
            !generics.params.iter().any(|p| &p.name == name)
        }
        rustdoc_types::GenericArg::Type(_) => true,
        _ => false,
    })
}

/// Trait items match by name and kind: a trait cannot define two items of one name and kind.
fn match_trait_items<'a>(
    parent_path: &str,
    parent: usize,
    old: &[NamedMember<'a>],
    new: &[NamedMember<'a>],
) -> Vec<Member<'a>> {
    let mut out = Vec::new();
    for o in old {
        let found = new
            .iter()
            .find(|n| n.name == o.name && same_member_kind(o.item, n.item));
        out.push(member(
            format!("{parent_path}::{}", o.name),
            o.name,
            parent,
            Some(*o),
            found.copied(),
        ));
    }
    for n in new {
        if !old
            .iter()
            .any(|o| o.name == n.name && same_member_kind(o.item, n.item))
        {
            out.push(member(
                format!("{parent_path}::{}", n.name),
                n.name,
                parent,
                None,
                Some(*n),
            ));
        }
    }
    out
}

/// The type a non-generic alias names, when it is an item of this crate's index
/// (`pub type Config = Settings;`).
fn alias_target<'a>(api: &'a Api, item: &'a Item) -> Option<&'a Item> {
    let ItemEnum::TypeAlias(alias) = &item.inner else {
        return None;
    };
    if !alias.generics.params.is_empty() {
        return None;
    }
    let Type::ResolvedPath(path) = &alias.type_ else {
        return None;
    };
    let no_args = match path.args.as_deref() {
        None => true,
        Some(rustdoc_types::GenericArgs::AngleBracketed { args, constraints }) => {
            args.is_empty() && constraints.is_empty()
        }
        Some(_) => false,
    };
    if no_args {
        api.item(path.id)
    } else {
        None
    }
}

fn same_kind(a: &Item, b: &Item) -> bool {
    std::mem::discriminant(&a.inner) == std::mem::discriminant(&b.inner)
}

/// Methods, associated consts and associated types live in separate namespaces only in part;
/// a member counts as the same when its name and kind match.
fn same_member_kind(a: &Item, b: &Item) -> bool {
    std::mem::discriminant(&a.inner) == std::mem::discriminant(&b.inner)
}
