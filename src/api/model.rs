//! The public API of one crate: every path a downstream crate can name, and what it names.
//!
//! rustdoc JSON describes definitions; users see paths. This module walks the module tree from
//! the crate root, follows `pub use` re-exports (globs included, with glob names shadowed by
//! explicit ones as rustc does) and records each public path with the item it resolves to.
//! Items behind `#[doc(hidden)]` are kept apart so that "became hidden" can be told from
//! "was removed", and so that a policy switch can put them back into the contract.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rustc_hash::FxHashMap;
use rustdoc_types::{Attribute, Crate, Id, Item, ItemEnum, Span};

/// Paths deeper than this are not followed: they only arise from re-export cycles.
const MAX_PATH_DEPTH: usize = 24;

/// What a public path resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// an item present in this crate's index (local, or inlined from a dependency)
    Item(Id),
    /// a re-export of an item the index does not describe (e.g. `pub use std::collections::HashMap`)
    External(Option<Id>),
}

/// Options that change which items count as public.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiOptions {
    /// treat `#[doc(hidden)]` items as part of the public API
    pub include_hidden: bool,
}

/// One crate's public API, indexed by path and by item id.
pub struct Api {
    pub krate: Crate,
    /// the crate's name as users write it (`my_crate`)
    pub name: String,
    pub options: ApiOptions,
    /// every public path (with the crate name as first segment) and what it names
    pub paths: BTreeMap<String, Target>,
    /// paths that exist but are reachable only through a `#[doc(hidden)]` item
    pub hidden_paths: BTreeSet<String>,
    /// each item's public paths, canonical (shortest, then alphabetical) first
    item_paths: FxHashMap<Id, Vec<String>>,
}

impl Api {
    /// Computes the public API of a loaded crate.
    pub fn new(krate: Crate, options: ApiOptions) -> Api {
        let name = krate
            .index
            .get(&krate.root)
            .and_then(|root| root.name.clone())
            .unwrap_or_else(|| "crate".to_string());
        let mut walker = Walker {
            krate: &krate,
            options,
            paths: BTreeMap::new(),
            hidden_paths: BTreeSet::new(),
            item_paths: FxHashMap::default(),
            stack: Vec::new(),
        };
        walker.walk_module(krate.root, &name, false, &HashSet::new());
        let Walker {
            paths,
            hidden_paths,
            mut item_paths,
            ..
        } = walker;
        for list in item_paths.values_mut() {
            list.sort_by(|a, b| path_order(a, b));
            list.dedup();
        }
        Api {
            krate,
            name,
            options,
            paths,
            hidden_paths,
            item_paths,
        }
    }

    pub fn item(&self, id: Id) -> Option<&Item> {
        self.krate.index.get(&id)
    }

    /// The public paths of an item, canonical first (empty when users cannot name it).
    pub fn paths_of(&self, id: Id) -> &[String] {
        self.item_paths.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether users can name this item through some public path.
    pub fn is_nameable(&self, id: Id) -> bool {
        !self.paths_of(id).is_empty()
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
        Identity {
            paths: self.paths_of(id),
            definition: self.krate.paths.get(&id).map(|s| s.path.as_slice()),
        }
    }
}

/// See [`Api::identity`].
pub struct Identity<'a> {
    paths: &'a [String],
    definition: Option<&'a [String]>,
}

impl Identity<'_> {
    pub fn matches(&self, other: &Identity<'_>) -> bool {
        if let (Some(a), Some(b)) = (self.definition, other.definition) {
            if a == b {
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

/// Canonical order of paths: fewer segments first, then alphabetical.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    let depth = |p: &str| p.matches("::").count();
    depth(a).cmp(&depth(b)).then_with(|| a.cmp(b))
}

pub fn is_doc_hidden(item: &Item) -> bool {
    item.attrs.iter().any(|attr| match attr {
        Attribute::Other(text) => {
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

/// `file:line:column` of a span, for reports.
pub fn span_text(span: &Span) -> String {
    format!(
        "{}:{}:{}",
        span.filename.display(),
        span.begin.0,
        span.begin.1
    )
}

struct Walker<'a> {
    krate: &'a Crate,
    options: ApiOptions,
    paths: BTreeMap<String, Target>,
    hidden_paths: BTreeSet<String>,
    item_paths: FxHashMap<Id, Vec<String>>,
    /// modules being walked, to stop at re-export cycles
    stack: Vec<Id>,
}

impl Walker<'_> {
    fn walk_module(&mut self, module: Id, prefix: &str, hidden: bool, shadowed: &HashSet<String>) {
        let Some(ItemEnum::Module(m)) = self.krate.index.get(&module).map(|i| &i.inner) else {
            return;
        };
        if self.stack.contains(&module) || prefix.matches("::").count() >= MAX_PATH_DEPTH {
            return;
        }
        self.stack.push(module);
        let mut explicit: HashSet<String> = shadowed.clone();
        let mut globs = Vec::new();
        for child_id in &m.items {
            let Some(child) = self.krate.index.get(child_id) else {
                continue;
            };
            if let ItemEnum::Use(u) = &child.inner {
                if u.is_glob {
                    globs.push(child);
                } else {
                    explicit.insert(u.name.clone());
                }
            } else if let Some(name) = &child.name {
                explicit.insert(name.clone());
            }
        }
        for child_id in &m.items {
            let Some(child) = self.krate.index.get(child_id) else {
                continue;
            };
            let child_hidden = hidden || is_doc_hidden(child);
            match &child.inner {
                ItemEnum::Use(u) if u.is_glob => {}
                ItemEnum::Use(u) => {
                    if shadowed.contains(&u.name) {
                        continue;
                    }
                    let path = format!("{prefix}::{}", u.name);
                    match u.id {
                        Some(target) => self.add(path, target, child_hidden),
                        None => {
                            self.insert(path, Target::External(None), None, child_hidden);
                        }
                    }
                }
                ItemEnum::Impl(_) => {}
                _ => {
                    if let Some(name) = &child.name {
                        if !shadowed.contains(name) {
                            self.add(format!("{prefix}::{name}"), *child_id, child_hidden);
                        }
                    }
                }
            }
        }
        for glob in globs {
            let ItemEnum::Use(u) = &glob.inner else {
                continue;
            };
            if let Some(target) = u.id {
                let glob_hidden = hidden || is_doc_hidden(glob);
                // a glob brings in the target module's names, except those defined here
                self.walk_module(target, prefix, glob_hidden, &explicit);
                // names a glob brought in shadow later globs' names too (first wins)
                if let Some(ItemEnum::Module(tm)) = self.krate.index.get(&target).map(|i| &i.inner)
                {
                    for id in &tm.items {
                        if let Some(item) = self.krate.index.get(id) {
                            match &item.inner {
                                ItemEnum::Use(tu) if !tu.is_glob => {
                                    explicit.insert(tu.name.clone());
                                }
                                _ => {
                                    if let Some(n) = &item.name {
                                        explicit.insert(n.clone());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.stack.pop();
    }

    fn add(&mut self, path: String, id: Id, hidden: bool) {
        match self.krate.index.get(&id) {
            None => {
                self.insert(path, Target::External(Some(id)), Some(id), hidden);
            }
            Some(item) => match &item.inner {
                ItemEnum::Module(_) => {
                    let hidden = hidden || is_doc_hidden(item);
                    if self.insert(path.clone(), Target::Item(id), Some(id), hidden) {
                        self.walk_module(id, &path, hidden, &HashSet::new());
                    }
                }
                // variants are part of their enum's contract, not separate paths
                ItemEnum::Variant(_) | ItemEnum::Impl(_) | ItemEnum::Primitive(_) => {}
                _ => {
                    let hidden = hidden || is_doc_hidden(item);
                    self.insert(path, Target::Item(id), Some(id), hidden);
                }
            },
        }
    }

    /// Records a path; returns false when it was already known (the subtree is then walked).
    fn insert(&mut self, path: String, target: Target, id: Option<Id>, hidden: bool) -> bool {
        if hidden && !self.options.include_hidden {
            return self.hidden_paths.insert(path);
        }
        if self.paths.contains_key(&path) {
            return false;
        }
        if let Some(id) = id {
            self.item_paths.entry(id).or_default().push(path.clone());
        }
        self.paths.insert(path, target);
        true
    }
}
