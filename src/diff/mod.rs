//! Stage 4: the diff. Matches the two public APIs by path, then runs every rule over the
//! matched pairs in parallel. Pure: a function of two [`Api`]s that returns findings.
//!
//! Matching happens once here so that rules stay short: [`DiffCx`] holds the removed, hidden
//! and added paths, the pairs of items that share a path, their inherent and trait members,
//! and every callable (free function, inherent method, trait method) as one list.

pub mod finding;

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use rustdoc_types::{Function, Generics, Id, Item, ItemEnum, Type};

pub use finding::{Finding, Location};

use crate::api::types::TypeCx;
use crate::api::{Api, Target};
use crate::build::ManifestInfo;
use crate::rules::Rule;

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

/// Everything rules need, matched once.
pub struct DiffCx<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    pub old_manifest: Option<&'a ManifestInfo>,
    pub new_manifest: Option<&'a ManifestInfo>,
    pub types: TypeCx<'a>,
    /// public paths of the baseline that resolve to nothing now (outermost only)
    pub removed: Vec<&'a str>,
    /// public paths of the baseline that now exist only behind `#[doc(hidden)]`
    pub now_hidden: Vec<&'a str>,
    /// new public paths (outermost only)
    pub added: Vec<&'a str>,
    pub pairs: Vec<Pair<'a>>,
    /// inherent members of matched types
    pub members: Vec<Member<'a>>,
    /// items of matched traits
    pub trait_members: Vec<Member<'a>>,
}

impl<'a> DiffCx<'a> {
    pub fn new(old_input: Input<'a>, new_input: Input<'a>) -> DiffCx<'a> {
        let (old, new) = (old_input.api, new_input.api);
        let mut pairs = Vec::new();
        let mut seen: HashSet<(Id, Id)> = HashSet::new();
        // visit shared paths canonical-first so each pair is named by its best path
        let mut shared: Vec<(&'a str, Id, Id)> = old
            .paths
            .iter()
            .filter_map(|(path, target)| match (target, new.paths.get(path)) {
                (Target::Item(o), Some(Target::Item(n))) => Some((path.as_str(), *o, *n)),
                _ => None,
            })
            .collect();
        shared.sort_by(|a, b| crate::api::model::path_order(a.0, b.0));
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
        pairs.sort_by(|a, b| a.path.cmp(b.path));

        let gone: Vec<&'a str> = old
            .paths
            .keys()
            .filter(|p| !new.paths.contains_key(*p))
            .map(String::as_str)
            .collect();
        let (now_hidden, removed): (Vec<&str>, Vec<&str>) = gone
            .into_iter()
            .partition(|p| new.hidden_paths.contains(*p));
        let removed = outermost(removed, &old.paths);
        let now_hidden = outermost(now_hidden, &old.paths);
        let added = outermost(
            new.paths
                .keys()
                .filter(|p| !old.paths.contains_key(*p))
                .map(String::as_str)
                .collect(),
            &new.paths,
        );

        let mut members = Vec::new();
        let mut trait_members = Vec::new();
        for (index, pair) in pairs.iter().enumerate() {
            if let (Some(o), Some(n)) = (
                inherent_members(old, pair.old),
                inherent_members(new, pair.new),
            ) {
                members.extend(match_members(pair.path, index, o, n));
            }
            if let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) {
                let named = |api: &'a Api, ids: &'a [Id], g: &'a Generics| {
                    ids.iter()
                        .filter_map(|id| api.item(*id))
                        .filter(|i| !api.is_hidden(i))
                        .filter_map(|i| Some((i.name.as_deref()?, i, g, None)))
                        .collect::<Vec<_>>()
                };
                trait_members.extend(match_members(
                    pair.path,
                    index,
                    named(old, &ot.items, &ot.generics),
                    named(new, &nt.items, &nt.generics),
                ));
            }
        }

        DiffCx {
            old,
            new,
            old_manifest: old_input.manifest,
            new_manifest: new_input.manifest,
            types: TypeCx::new(old, new),
            removed,
            now_hidden,
            added,
            pairs,
            members,
            trait_members,
        }
    }

    /// Free functions, inherent methods and trait methods present on both sides.
    pub fn callables(&self) -> Vec<Callable<'_>> {
        let mut out = Vec::new();
        for pair in &self.pairs {
            if let (ItemEnum::Function(o), ItemEnum::Function(n)) =
                (&pair.old.inner, &pair.new.inner)
            {
                out.push(Callable {
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
                });
            }
        }
        for (list, kind) in [
            (&self.members, CallableKind::Method),
            (&self.trait_members, CallableKind::TraitMethod),
        ] {
            for m in list {
                if let (Some(oi), Some(ni)) = (m.old, m.new) {
                    if let (ItemEnum::Function(o), ItemEnum::Function(n)) = (&oi.inner, &ni.inner) {
                        out.push(Callable {
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
                        });
                    }
                }
            }
        }
        out
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
        let mut old: Vec<&Generics> = self.old_outer.into_iter().collect();
        let mut new: Vec<&Generics> = self.new_outer.into_iter().collect();
        if old.len() != new.len() {
            old.clear();
            new.clear();
        }
        old.push(&self.old.generics);
        new.push(&self.new.generics);
        let types = cx.types.with_generics(&old, &new);
        match (self.old_self, self.new_self) {
            (Some(o), Some(n)) => types.with_self(o, n),
            _ => types,
        }
    }
}

/// Runs every rule over the two APIs and returns the findings in report order.
pub fn diff(old: Input<'_>, new: Input<'_>, rules: &[&'static Rule]) -> Vec<Finding> {
    let cx = DiffCx::new(old, new);
    let mut findings: Vec<Finding> = rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            (rule.check)(&cx, &mut out);
            out
        })
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    findings
}

/// Drops paths that lie inside a module which is itself in the list, so a removed module is
/// reported once rather than once per child.
fn outermost<'a>(mut paths: Vec<&'a str>, index: &BTreeMap<String, Target>) -> Vec<&'a str> {
    paths.sort();
    let set: HashSet<&str> = paths.iter().copied().collect();
    let _ = index;
    paths
        .iter()
        .copied()
        .filter(|p| {
            let mut prefix_end = 0;
            let mut ancestors = Vec::new();
            while let Some(pos) = p[prefix_end..].find("::") {
                prefix_end += pos;
                ancestors.push(&p[..prefix_end]);
                prefix_end += 2;
            }
            !ancestors.iter().any(|a| set.contains(a))
        })
        .collect()
}

type NamedMember<'a> = (&'a str, &'a Item, &'a Generics, Option<&'a Type>);

/// Public inherent members of a struct, enum or union (None for other kinds).
fn inherent_members<'a>(api: &'a Api, item: &'a Item) -> Option<Vec<NamedMember<'a>>> {
    let impls = match &item.inner {
        ItemEnum::Struct(s) => &s.impls,
        ItemEnum::Enum(e) => &e.impls,
        ItemEnum::Union(u) => &u.impls,
        _ => return None,
    };
    let mut out = Vec::new();
    for impl_id in impls {
        let Some(ItemEnum::Impl(imp)) = api.item(*impl_id).map(|i| &i.inner) else {
            continue;
        };
        if imp.trait_.is_some() || imp.is_synthetic || imp.blanket_impl.is_some() {
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
                if !out.iter().any(|(n, ..): &NamedMember| *n == name) {
                    out.push((name, member, &imp.generics, Some(&imp.for_)));
                }
            }
        }
    }
    Some(out)
}

fn match_members<'a>(
    parent_path: &str,
    parent: usize,
    old: Vec<NamedMember<'a>>,
    new: Vec<NamedMember<'a>>,
) -> Vec<Member<'a>> {
    let mut out = Vec::new();
    for (name, oi, og, os) in &old {
        let found = new
            .iter()
            .find(|(n, ni, ..)| n == name && same_member_kind(oi, ni));
        out.push(Member {
            path: format!("{parent_path}::{name}"),
            name,
            parent,
            old: Some(oi),
            new: found.map(|(_, ni, ..)| *ni),
            old_outer: Some(og),
            new_outer: found.map(|(_, _, ng, _)| *ng),
            old_self: *os,
            new_self: found.and_then(|(.., ns)| *ns),
        });
    }
    for (name, ni, ng, ns) in &new {
        if !old
            .iter()
            .any(|(n, oi, ..)| n == name && same_member_kind(oi, ni))
        {
            out.push(Member {
                path: format!("{parent_path}::{name}"),
                name,
                parent,
                old: None,
                new: Some(ni),
                old_outer: None,
                new_outer: Some(ng),
                old_self: None,
                new_self: *ns,
            });
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
