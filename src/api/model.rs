//! The public API of one crate: every path a downstream crate can name, and what it names.
//!
//! rustdoc JSON describes definitions; users see paths. This module builds, once per module,
//! the table of names the module exposes (its public items and `pub use` re-exports, globs
//! included, with glob names shadowed by explicit ones as rustc does), in each of Rust's three
//! namespaces: a function and a module of the same name are two items. Paths are then
//! enumerated breadth-first from the crate root, shortest first.
//!
//! Re-exports can make the number of paths grow exponentially with depth (modules that each
//! re-export the next twice) or without bound (re-export cycles). So each item keeps at most
//! [`MAX_PATHS_PER_ITEM`] paths, the shortest, and counts the rest; each module is expanded at
//! most that many times. Whether an arbitrary path exists is answered by [`Api::resolve`],
//! which walks the name tables, so a path that was not stored on one side is never mistaken
//! for a removed one.
//!
//! Items behind `#[doc(hidden)]` are kept apart so that "became hidden" can be told from
//! "was removed", and so that a policy switch can put them back into the contract. Only
//! `pub` items count: when rustdoc documented private items (to see exported symbols), they
//! are in the index but never become paths.

use std::collections::BTreeMap;
use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};
use rustdoc_types::{Attribute, Id, Item, ItemEnum, ItemKind, Visibility};

use super::krate::Crate;

/// Paths deeper than this are not followed: they only arise from re-export cycles.
const MAX_PATH_DEPTH: usize = 24;

/// How many public paths are stored per item (the shortest ones); the rest are counted.
pub const MAX_PATHS_PER_ITEM: usize = 16;

/// What a public path resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// an item present in this crate's index (local, or inlined from a dependency)
    Item(Id),
    /// a re-export of an item the index does not describe (e.g. `pub use std::collections::HashMap`)
    External(Option<Id>),
}

impl Target {
    /// The id this target refers to, if any.
    pub fn id(self) -> Option<Id> {
        match self {
            Target::Item(id) | Target::External(Some(id)) => Some(id),
            Target::External(None) => None,
        }
    }
}

/// Rust's namespaces: one path can name one item in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// modules, structs, enums, unions, traits, type aliases
    Type,
    /// functions, constants, statics
    Value,
    /// macros of every kind
    Macro,
}

const NAMESPACES: [Namespace; 3] = [Namespace::Type, Namespace::Value, Namespace::Macro];

impl Namespace {
    fn index(self) -> usize {
        self as usize
    }

    /// The namespace an item lives in.
    pub fn of(item: &Item) -> Namespace {
        match &item.inner {
            ItemEnum::Function(_) | ItemEnum::Constant { .. } | ItemEnum::Static(_) => {
                Namespace::Value
            }
            ItemEnum::Macro(_) | ItemEnum::ProcMacro(_) => Namespace::Macro,
            _ => Namespace::Type,
        }
    }

    fn of_kind(kind: &ItemKind) -> Namespace {
        match kind {
            ItemKind::Function | ItemKind::Constant | ItemKind::Static => Namespace::Value,
            ItemKind::Macro | ItemKind::ProcAttribute | ItemKind::ProcDerive => Namespace::Macro,
            _ => Namespace::Type,
        }
    }
}

/// What one path names, per namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets([Option<Target>; 3]);

impl Targets {
    pub fn get(&self, ns: Namespace) -> Option<Target> {
        self.0[ns.index()]
    }

    /// Every target with its namespace, types first.
    pub fn iter(&self) -> impl Iterator<Item = (Namespace, Target)> + '_ {
        NAMESPACES
            .iter()
            .filter_map(|ns| Some((*ns, self.0[ns.index()]?)))
    }

    /// The target in the first namespace that has one (types, then values, then macros).
    pub fn first(&self) -> Option<Target> {
        self.iter().next().map(|(_, t)| t)
    }

    pub fn len(&self) -> usize {
        self.0.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What [`Api::resolve`] found at a path: per namespace, the target and whether it is reachable
/// only through a `#[doc(hidden)]` item.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resolved([Option<(Target, bool)>; 3]);

impl Resolved {
    pub fn get(&self, ns: Namespace) -> Option<(Target, bool)> {
        self.0[ns.index()]
    }

    pub fn iter(&self) -> impl Iterator<Item = (Namespace, Target, bool)> + '_ {
        NAMESPACES
            .iter()
            .filter_map(|ns| self.0[ns.index()].map(|(t, h)| (*ns, t, h)))
    }
}

/// Options that change which items count as public.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiOptions {
    /// treat `#[doc(hidden)]` items as part of the public API
    pub include_hidden: bool,
}

/// The item graph of a rustdoc JSON file cannot come from valid Rust.
#[derive(Debug)]
pub struct ModelError(String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

/// One crate's public API, indexed by path and by item id.
pub struct Api {
    pub krate: Crate,
    /// the crate's name as users write it (`my_crate`)
    pub name: String,
    pub options: ApiOptions,
    /// public paths (with the crate name as first segment, at most [`MAX_PATHS_PER_ITEM`] per
    /// item) and what they name in each namespace
    pub paths: BTreeMap<String, Targets>,
    /// each item's stored public paths, canonical (shortest, then alphabetical) first
    item_paths: FxHashMap<Id, Vec<String>>,
    /// public paths of an item beyond the stored ones, counted (saturating)
    omitted: FxHashMap<Id, u64>,
    /// the names each reachable module exposes
    tables: FxHashMap<Id, Table>,
    /// (crate, name, kind) of dependency items, counted, to tell when a name is unambiguous
    external_names: FxHashMap<u64, u32>,
}

impl Api {
    /// Computes the public API of a loaded crate. Fails when the item graph cannot come from
    /// valid Rust (a root that is not a module, an item that contains itself), which would
    /// otherwise make the walk loop or the API silently empty.
    pub fn new(krate: Crate, options: ApiOptions) -> Result<Api, ModelError> {
        let name = match krate.index.get(&krate.root) {
            Some(root @ Item {
                inner: ItemEnum::Module(_),
                ..
            }) => root.name.clone().ok_or_else(|| {
                ModelError("the crate root module of the rustdoc JSON has no name".into())
            })?,
            Some(_) => {
                return Err(ModelError(format!(
                    "the rustdoc JSON's root item (id {}) is not a module; the file is corrupt: rebuild it",
                    krate.root.0
                )))
            }
            None => {
                return Err(ModelError(format!(
                    "the rustdoc JSON's root item (id {}) is missing from its index; the file is corrupt: rebuild it",
                    krate.root.0
                )))
            }
        };
        check_containment(&krate)?;
        let tables = build_tables(&krate);
        let mut walker = Walker {
            krate: &krate,
            options,
            tables: &tables,
            paths: BTreeMap::new(),
            item_paths: FxHashMap::default(),
            omitted: FxHashMap::default(),
        };
        walker.walk(&name);
        let Walker {
            paths,
            mut item_paths,
            omitted,
            ..
        } = walker;
        for list in item_paths.values_mut() {
            list.sort_by(|a, b| path_order(a, b));
            list.dedup();
        }
        let mut external_names: FxHashMap<u64, u32> = FxHashMap::default();
        for summary in krate.paths.values() {
            if summary.crate_id != 0 {
                *external_names
                    .entry(external_key(&summary.path, &summary.kind))
                    .or_default() += 1;
            }
        }
        Ok(Api {
            krate,
            name,
            options,
            paths,
            item_paths,
            omitted,
            tables,
            external_names,
        })
    }

    pub fn item(&self, id: Id) -> Option<&Item> {
        self.krate.index.get(&id)
    }

    /// The stored public paths of an item, canonical first (empty when users cannot name it).
    pub fn paths_of(&self, id: Id) -> &[String] {
        self.item_paths.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// How many public paths of the item were counted but not stored.
    pub fn omitted_paths(&self, id: Id) -> u64 {
        self.omitted.get(&id).copied().unwrap_or(0)
    }

    /// Whether users can name this item through some public path.
    pub fn is_nameable(&self, id: Id) -> bool {
        !self.paths_of(id).is_empty()
    }

    /// What a path names, in every namespace, walking the module name tables; works for any
    /// path, stored or not. Paths behind `#[doc(hidden)]` items are found and marked hidden.
    pub fn resolve(&self, path: &str) -> Resolved {
        let mut out = Resolved::default();
        let mut segments = path.split("::");
        if segments.next() != Some(self.name.as_str()) {
            return out;
        }
        let Some(mut module) = self.tables.get(&self.krate.root) else {
            return out;
        };
        let mut hidden = false;
        let mut segments = segments.peekable();
        while let Some(segment) = segments.next() {
            let Some(entry) = module.get(segment) else {
                return Resolved::default();
            };
            if segments.peek().is_none() {
                for (i, slot) in entry.0.iter().enumerate() {
                    out.0[i] = slot.map(|(t, h)| (t, h || hidden));
                }
                return out;
            }
            let next = match entry.get(Namespace::Type) {
                Some((Target::Item(id), h)) => {
                    hidden |= h;
                    self.tables.get(&id)
                }
                _ => None,
            };
            match next {
                Some(table) => module = table,
                None => return Resolved::default(),
            }
        }
        out
    }

    /// The innermost module or type along `path` that this side still has (the crate root at
    /// worst): where a report points for an item that is gone from this side.
    pub fn enclosing_item(&self, path: &str) -> Option<&Item> {
        let mut prefix = path;
        while let Some((parent, _)) = prefix.rsplit_once("::") {
            prefix = parent;
            if prefix == self.name {
                return self.item(self.krate.root);
            }
            if let Some((Target::Item(id), false)) = self.resolve(prefix).get(Namespace::Type) {
                return self.item(id);
            }
        }
        None
    }

    /// Whether a path names something users can use (not hidden, unless hidden items count).
    pub fn resolves(&self, path: &str) -> bool {
        self.resolve(path)
            .iter()
            .any(|(_, _, hidden)| !hidden || self.options.include_hidden)
    }

    /// The path where the item is defined, as rustdoc records it (`alloc::string::String`).
    pub fn definition_path(&self, id: Id) -> Option<String> {
        self.krate
            .paths
            .get(&id)
            .map(|summary| summary.path.join("::"))
    }

    /// The name of the crate an item comes from.
    pub fn crate_of(&self, id: Id) -> Option<&str> {
        let crate_id = match self.krate.index.get(&id) {
            Some(item) => item.crate_id,
            None => self.krate.paths.get(&id)?.crate_id,
        };
        if crate_id == 0 {
            Some(&self.name)
        } else {
            self.krate
                .external_crates
                .get(&crate_id)
                .map(|c| c.name.as_str())
        }
    }

    /// Whether the item is hidden from documentation, which places it outside the contract.
    pub fn is_hidden(&self, item: &Item) -> bool {
        !self.options.include_hidden && is_doc_hidden(item)
    }

    /// Identities under which two sides may refer to the same item: its public paths and its
    /// definition path. Two references are the same item when these sets intersect, so a type
    /// reached through another re-export, or moved and re-exported, still compares equal.
    pub fn identity(&self, id: Id) -> Identity<'_> {
        let summary = self.krate.paths.get(&id);
        let unique_external = summary.is_some_and(|s| {
            s.crate_id != 0
                && self
                    .external_names
                    .get(&external_key(&s.path, &s.kind))
                    .is_some_and(|n| *n == 1)
        });
        let crate_file = summary
            .filter(|s| s.crate_id != 0)
            .and_then(|s| self.krate.external_crates.get(&s.crate_id))
            .and_then(|c| c.path.file_name());
        Identity {
            paths: self.paths_of(id),
            definition: summary.map(|s| s.path.as_slice()),
            kind: summary.map(|s| &s.kind),
            unique_external,
            crate_file,
        }
    }

    /// Whether the id names nothing this side can describe: not in the index, not in the
    /// path table (a `pub(crate)` type in a public signature, for instance).
    pub fn is_unresolved(&self, id: Id) -> bool {
        !self.krate.index.contains_key(&id) && !self.krate.paths.contains_key(&id)
    }
}

/// A function or method of this crate that exports a linker symbol (`#[no_mangle]`,
/// `#[export_name]`): ABI that foreign code links against, whatever the Rust path's visibility.
pub struct Export<'a> {
    pub symbol: String,
    pub item: &'a Item,
    /// where it is defined (`my_crate::ffi::open`, or `Engine::start` for a method), to find
    /// the same function on the other side when its symbol changed
    pub key: String,
}

/// The symbol a function exports, if it exports one.
pub fn exported_symbol(item: &Item) -> Option<String> {
    item.attrs.iter().find_map(|a| match a {
        Attribute::NoMangle => item.name.clone(),
        Attribute::ExportName(name) => Some(name.clone()),
        _ => None,
    })
}

impl Api {
    /// Every function and method of this crate that exports a symbol, with a definition key
    /// for each function and method of the crate (`keys`), so a function whose symbol changed
    /// or went away can be found by where it is defined.
    pub fn functions_by_definition(&self) -> (Vec<Export<'_>>, FxHashMap<String, &Item>) {
        let mut exports = Vec::new();
        let mut keys: FxHashMap<String, &Item> = FxHashMap::default();
        // module-level functions, private modules included, by module path
        let mut stack = vec![(self.krate.root, self.name.clone())];
        let mut seen: FxHashSet<Id> = FxHashSet::default();
        while let Some((module, prefix)) = stack.pop() {
            if !seen.insert(module) {
                continue;
            }
            for id in module_items(&self.krate, module).unwrap_or(&[]) {
                let Some(item) = self.krate.index.get(id) else {
                    continue;
                };
                match &item.inner {
                    ItemEnum::Module(_) => {
                        if let Some(name) = &item.name {
                            stack.push((*id, format!("{prefix}::{name}")));
                        }
                    }
                    ItemEnum::Function(_) => {
                        if let Some(name) = &item.name {
                            keys.insert(format!("{prefix}::{name}"), item);
                        }
                    }
                    _ => {}
                }
            }
        }
        // methods, by the type their impl block is for
        for item in self.krate.index.values() {
            let ItemEnum::Impl(imp) = &item.inner else {
                continue;
            };
            if item.crate_id != 0 || imp.trait_.is_some() {
                continue;
            }
            let owner = match &imp.for_ {
                rustdoc_types::Type::ResolvedPath(p) => {
                    self.definition_path(p.id).unwrap_or_else(|| p.path.clone())
                }
                other => crate::api::types::render_type(other),
            };
            for id in &imp.items {
                if let Some(method) = self.krate.index.get(id) {
                    if let (ItemEnum::Function(_), Some(name)) = (&method.inner, &method.name) {
                        keys.entry(format!("{owner}::{name}")).or_insert(method);
                    }
                }
            }
        }
        for (key, item) in &keys {
            if let Some(symbol) = exported_symbol(item) {
                exports.push(Export {
                    symbol,
                    item,
                    key: key.clone(),
                });
            }
        }
        exports.sort_by(|a, b| a.symbol.cmp(&b.symbol).then_with(|| a.key.cmp(&b.key)));
        (exports, keys)
    }
}

/// See [`Api::identity`].
pub struct Identity<'a> {
    paths: &'a [String],
    definition: Option<&'a [String]>,
    kind: Option<&'a ItemKind>,
    /// a dependency's item whose crate, name and kind no other item of that crate shares
    unique_external: bool,
    /// the compiled dependency the item comes from (`libdep-<hash>.rmeta`): the hash covers
    /// the dependency's version, so the same file on both sides means the same version
    crate_file: Option<&'a std::ffi::OsStr>,
}

impl Identity<'_> {
    pub fn matches(&self, other: &Identity<'_>) -> bool {
        if let (Some(a), Some(b)) = (self.definition, other.definition) {
            if a == b {
                return true;
            }
            // the two sides may resolve a dependency to different compatible versions, which
            // may define the item in another module and re-export it at the same path: an
            // item of the same crate, name and kind, unambiguous on both sides, is the same.
            // Only across two builds of the dependency: within one version a definition path
            // that differs is another item.
            let other_build = matches!(
                (self.crate_file, other.crate_file),
                (Some(a), Some(b)) if a != b
            );
            if other_build
                && self.unique_external
                && other.unique_external
                && self.kind == other.kind
                && a.first() == b.first()
                && a.last() == b.last()
            {
                return true;
            }
        }
        let joined_eq = |path: &str, segments: Option<&[String]>| {
            segments.is_some_and(|segs| {
                let mut parts = path.split("::");
                segs.iter().all(|s| parts.next() == Some(s.as_str())) && parts.next().is_none()
            })
        };
        self.paths
            .iter()
            .any(|p| other.paths.contains(p) || joined_eq(p, other.definition))
            || other.paths.iter().any(|p| joined_eq(p, self.definition))
    }
}

fn external_key(path: &[String], kind: &ItemKind) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    path.first().hash(&mut h);
    path.last().hash(&mut h);
    std::mem::discriminant(kind).hash(&mut h);
    h.finish()
}

/// Canonical order of paths: fewer segments first, then alphabetical.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    let depth = |p: &str| p.matches("::").count();
    depth(a).cmp(&depth(b)).then_with(|| a.cmp(b))
}

pub fn is_doc_hidden(item: &Item) -> bool {
    item.attrs.iter().any(|attr| match attr {
        // most attributes do not mention `hidden` at all: only those are compacted
        Attribute::Other(text) if text.as_bytes().windows(6).any(|w| w == b"hidden") => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            compact.contains("doc(hidden)")
        }
        _ => false,
    })
}

pub fn is_non_exhaustive(item: &Item) -> bool {
    item.attrs
        .iter()
        .any(|a| matches!(a, Attribute::NonExhaustive))
}

/// Items that contain other items by id: a cycle among these edges cannot come from Rust
/// source, and would make every walk over them loop.
fn contained(item: &Item) -> Vec<Id> {
    match &item.inner {
        ItemEnum::Module(m) => m.items.clone(),
        ItemEnum::Struct(s) => {
            let mut out: Vec<Id> = match &s.kind {
                rustdoc_types::StructKind::Unit => Vec::new(),
                rustdoc_types::StructKind::Tuple(f) => f.iter().flatten().copied().collect(),
                rustdoc_types::StructKind::Plain { fields, .. } => fields.clone(),
            };
            out.extend(&s.impls);
            out
        }
        ItemEnum::Enum(e) => e.variants.iter().chain(&e.impls).copied().collect(),
        ItemEnum::Union(u) => u.fields.iter().chain(&u.impls).copied().collect(),
        ItemEnum::Variant(v) => match &v.kind {
            rustdoc_types::VariantKind::Plain => Vec::new(),
            rustdoc_types::VariantKind::Tuple(f) => f.iter().flatten().copied().collect(),
            rustdoc_types::VariantKind::Struct { fields, .. } => fields.clone(),
        },
        ItemEnum::Trait(t) => t.items.clone(),
        ItemEnum::Impl(i) => i.items.clone(),
        _ => Vec::new(),
    }
}

/// Depth-first search with an explicit stack over the containment edges, so that neither a
/// cycle nor a deep but valid graph can overflow the call stack.
fn check_containment(krate: &Crate) -> Result<(), ModelError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Active,
        Done,
    }
    let mut state: FxHashMap<Id, State> = FxHashMap::default();
    let mut ids: Vec<&Id> = krate.index.keys().collect();
    ids.sort_by_key(|id| id.0);
    for &start in ids {
        if state.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(Id, Vec<Id>)> = Vec::new();
        state.insert(start, State::Active);
        stack.push((start, contained(&krate.index[&start])));
        while let Some((id, children)) = stack.last_mut() {
            let Some(child) = children.pop() else {
                state.insert(*id, State::Done);
                stack.pop();
                continue;
            };
            let Some(item) = krate.index.get(&child) else {
                continue; // dangling ids are dropped items (blanket impls), not cycles
            };
            match state.get(&child) {
                Some(State::Active) => {
                    let parent = &krate.index[id];
                    return Err(ModelError(format!(
                        "the rustdoc JSON is corrupt: item {} (`{}`) contains item {} (`{}`), which contains it in turn; rustdoc never writes such a cycle: rebuild the file",
                        id.0,
                        parent.name.as_deref().unwrap_or("_"),
                        child.0,
                        item.name.as_deref().unwrap_or("_"),
                    )));
                }
                Some(State::Done) => {}
                None => {
                    state.insert(child, State::Active);
                    stack.push((child, contained(item)));
                }
            }
        }
    }
    Ok(())
}

/// One module's names: per name, per namespace, the target and whether it is hidden.
type Table = BTreeMap<String, Entry>;

#[derive(Debug, Clone, Copy, Default)]
struct Entry([Option<(Target, bool)>; 3]);

impl Entry {
    fn get(&self, ns: Namespace) -> Option<(Target, bool)> {
        self.0[ns.index()]
    }
}

fn module_items(krate: &Crate, id: Id) -> Option<&[Id]> {
    match krate.index.get(&id).map(|i| &i.inner) {
        Some(ItemEnum::Module(m)) => Some(&m.items),
        _ => None,
    }
}

/// Whether a module child is part of the public API at all: with private items documented,
/// private and `pub(crate)` items are in the index too.
fn is_public(item: &Item) -> bool {
    item.visibility == Visibility::Public
}

/// The namespace and target a `use` brings in.
fn use_target(krate: &Crate, id: Option<Id>) -> (Namespace, Target) {
    let Some(id) = id else {
        return (Namespace::Type, Target::External(None));
    };
    match krate.index.get(&id) {
        Some(item) => (Namespace::of(item), Target::Item(id)),
        None => {
            let ns = krate
                .paths
                .get(&id)
                .map(|s| Namespace::of_kind(&s.kind))
                .unwrap_or(Namespace::Type);
            (ns, Target::External(Some(id)))
        }
    }
}

/// Builds the name table of every module reachable from the root: explicit names first, then
/// glob imports to a fixed point (globs may import each other, in cycles too).
fn build_tables(krate: &Crate) -> FxHashMap<Id, Table> {
    let mut tables: FxHashMap<Id, Table> = FxHashMap::default();
    let mut globs: Vec<(Id, Vec<(Id, bool)>)> = Vec::new();
    let mut queue = vec![krate.root];
    let mut seen: FxHashSet<Id> = FxHashSet::default();
    seen.insert(krate.root);
    while let Some(module) = queue.pop() {
        let Some(items) = module_items(krate, module) else {
            continue;
        };
        let mut table = Table::new();
        let mut module_globs = Vec::new();
        let mut reach = |id: Id, queue: &mut Vec<Id>| {
            if module_items(krate, id).is_some() && seen.insert(id) {
                queue.push(id);
            }
        };
        for child_id in items {
            let Some(child) = krate.index.get(child_id) else {
                continue;
            };
            if !is_public(child) {
                continue;
            }
            let hidden = is_doc_hidden(child);
            let (name, ns, target) = match &child.inner {
                ItemEnum::Use(u) if u.is_glob => {
                    if let Some(target) = u.id {
                        reach(target, &mut queue);
                        module_globs.push((target, hidden));
                    }
                    continue;
                }
                // `use Trait as _` brings a trait into scope without a name users could write
                ItemEnum::Use(u) if u.name == "_" => continue,
                ItemEnum::Use(u) => {
                    let (ns, target) = use_target(krate, u.id);
                    // re-exported variants and primitives are not separate items of the API
                    if let Target::Item(id) = target {
                        if matches!(
                            krate.index.get(&id).map(|i| &i.inner),
                            Some(ItemEnum::Variant(_) | ItemEnum::Impl(_) | ItemEnum::Primitive(_))
                        ) {
                            continue;
                        }
                    }
                    if let Target::Item(id) = target {
                        reach(id, &mut queue);
                    }
                    // a re-exported item hidden at its definition is hidden here too
                    let target_hidden = match target {
                        Target::Item(id) => krate.index.get(&id).is_some_and(is_doc_hidden),
                        Target::External(_) => false,
                    };
                    (u.name.clone(), ns, (target, hidden || target_hidden))
                }
                // impls have no name; variants are part of their enum, primitives of the language
                ItemEnum::Impl(_) | ItemEnum::Variant(_) | ItemEnum::Primitive(_) => continue,
                _ => {
                    let Some(name) = &child.name else { continue };
                    reach(*child_id, &mut queue);
                    (
                        name.clone(),
                        Namespace::of(child),
                        (Target::Item(*child_id), hidden),
                    )
                }
            };
            let slot = &mut table.entry(name).or_default().0[ns.index()];
            // two explicit items of one name and namespace cannot both exist in valid Rust;
            // keep the first, as the previous walk did
            if slot.is_none() {
                *slot = Some(target);
            }
        }
        tables.insert(module, table);
        if !module_globs.is_empty() {
            globs.push((module, module_globs));
        }
    }
    // names brought in by globs, never over explicit names of the same namespace; repeated
    // until nothing changes, leaves first so chains of globs settle in one or two passes
    globs.reverse();
    loop {
        let mut changed = false;
        for (module, list) in &globs {
            for (target, glob_hidden) in list {
                let Some(source) = tables.get(target).cloned() else {
                    continue;
                };
                let table = tables.get_mut(module).expect("table of a walked module");
                for (name, entry) in source {
                    let here = table.entry(name).or_default();
                    for (i, slot) in entry.0.iter().enumerate() {
                        if let (Some((t, h)), None) = (slot, here.0[i]) {
                            here.0[i] = Some((*t, *h || *glob_hidden));
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    tables
}

/// Enumerates public paths breadth-first, shortest first, bounded per item and per module.
struct Walker<'a> {
    krate: &'a Crate,
    options: ApiOptions,
    tables: &'a FxHashMap<Id, Table>,
    paths: BTreeMap<String, Targets>,
    item_paths: FxHashMap<Id, Vec<String>>,
    omitted: FxHashMap<Id, u64>,
}

/// A module reached while enumerating paths.
struct Reached {
    /// the path it was reached by (unused for counted-only entries)
    prefix: String,
    module: Id,
    hidden: bool,
    /// the modules on the path: a module is not entered again below itself (re-export cycles)
    ancestors: Vec<Id>,
    /// how many paths this entry stands for: 1 for a stored path; for a counted-only entry,
    /// every path past the bound that reached the module at this depth
    weight: u64,
    counted_only: bool,
}

impl Walker<'_> {
    fn walk(&mut self, crate_name: &str) {
        let root = self.krate.root;
        let mut level = vec![Reached {
            prefix: crate_name.to_string(),
            module: root,
            hidden: false,
            ancestors: vec![root],
            weight: 1,
            counted_only: false,
        }];
        for _ in 0..MAX_PATH_DEPTH {
            if level.is_empty() {
                break;
            }
            let mut next: Vec<Reached> = Vec::new();
            // paths past the bound are not enumerated but counted: one entry per module and
            // depth carries their number
            let mut counted: FxHashMap<Id, usize> = FxHashMap::default();
            let mut count =
                |next: &mut Vec<Reached>, from: &Reached, id: Id, weight: u64| match counted
                    .get(&id)
                {
                    Some(&i) => next[i].weight = next[i].weight.saturating_add(weight),
                    None => {
                        counted.insert(id, next.len());
                        let mut ancestors = from.ancestors.clone();
                        ancestors.push(id);
                        next.push(Reached {
                            prefix: String::new(),
                            module: id,
                            hidden: from.hidden,
                            ancestors,
                            weight,
                            counted_only: true,
                        });
                    }
                };
            for entry in &level {
                let Some(table) = self.tables.get(&entry.module) else {
                    continue;
                };
                for (name, names) in table {
                    for ns in NAMESPACES {
                        let Some((target, entry_hidden)) = names.get(ns) else {
                            continue;
                        };
                        let hidden = entry.hidden || entry_hidden;
                        if hidden && !self.options.include_hidden {
                            continue;
                        }
                        let module_id = match target {
                            Target::Item(id)
                                if self.tables.contains_key(&id)
                                    && !entry.ancestors.contains(&id) =>
                            {
                                Some(id)
                            }
                            _ => None,
                        };
                        if entry.counted_only {
                            if let Some(id) = target.id() {
                                let n = self.omitted.entry(id).or_default();
                                *n = n.saturating_add(entry.weight);
                            }
                            if let Some(id) = module_id {
                                count(&mut next, entry, id, entry.weight);
                            }
                            continue;
                        }
                        let path = format!("{}::{name}", entry.prefix);
                        let stored = self.record(path.clone(), ns, target);
                        // a module is expanded once per stored path, so at most
                        // MAX_PATHS_PER_ITEM times however many paths reach it
                        match module_id {
                            Some(id) if stored => {
                                let mut ancestors = entry.ancestors.clone();
                                ancestors.push(id);
                                next.push(Reached {
                                    prefix: path,
                                    module: id,
                                    hidden,
                                    ancestors,
                                    weight: 1,
                                    counted_only: false,
                                });
                            }
                            Some(id) => count(&mut next, entry, id, 1),
                            None => {}
                        }
                    }
                }
            }
            next.sort_by(|a, b| {
                (a.counted_only, &a.prefix, a.module.0).cmp(&(
                    b.counted_only,
                    &b.prefix,
                    b.module.0,
                ))
            });
            level = next;
        }
    }

    /// Records a path unless its item already has the maximum (then it is counted); returns
    /// whether it was stored.
    fn record(&mut self, path: String, ns: Namespace, target: Target) -> bool {
        if let Some(id) = target.id() {
            let list = self.item_paths.entry(id).or_default();
            if list.len() >= MAX_PATHS_PER_ITEM {
                let n = self.omitted.entry(id).or_default();
                *n = n.saturating_add(1);
                return false;
            }
            list.push(path.clone());
        }
        let slot = &mut self.paths.entry(path).or_default().0[ns.index()];
        if slot.is_none() {
            *slot = Some(target);
        }
        true
    }
}

/// "struct", "function", "re-export", ... for messages.
pub fn noun(inner: &ItemEnum) -> &'static str {
    match inner {
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
