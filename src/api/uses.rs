//! Which external crates the public API exposes: the crates whose types appear in public
//! signatures, fields, variants, trait impls and re-exports. A dependency moving to an
//! incompatible version is a breaking change only for these.
//!
//! The walk follows containment (a struct's fields and impls, an impl's items...) with a
//! visited set, so an item shared by several parents is read once and a corrupt file whose
//! items contain each other cannot make it loop.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use rustdoc_types::{
    GenericArg, GenericArgs, GenericBound, Id, Item, ItemEnum, Term, Type, VariantKind,
    WherePredicate,
};

use super::model::{Api, Target};

/// External crate name -> the first public path (in path order) where one of its items shows.
pub fn exposed_crates(api: &Api) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut visited: FxHashSet<Id> = FxHashSet::default();
    for (path, targets) in &api.paths {
        let mut found = Vec::new();
        for (_, target) in targets.iter() {
            match target {
                Target::External(Some(id)) => found.push(id),
                Target::External(None) => {}
                Target::Item(id) => {
                    if let Some(item) = api.item(id) {
                        if item.crate_id != 0 {
                            found.push(id); // inlined re-export of a dependency's item
                        } else {
                            Visitor {
                                api,
                                found: &mut found,
                                visited: &mut visited,
                                stack: Vec::new(),
                                depth: 0,
                            }
                            .run(item);
                        }
                    }
                }
            }
        }
        for id in found {
            if let Some(name) = api.crate_of(id) {
                if name != api.name && !is_sysroot(name) {
                    out.entry(name.to_string()).or_insert_with(|| path.clone());
                }
            }
        }
    }
    out
}

/// The standard library's crates are not dependencies a manifest could bump.
fn is_sysroot(name: &str) -> bool {
    matches!(name, "std" | "core" | "alloc" | "proc_macro" | "test")
}

struct Visitor<'a, 'b> {
    api: &'a Api,
    found: &'b mut Vec<Id>,
    /// items already read, across the whole walk
    visited: &'b mut FxHashSet<Id>,
    /// items still to read: an explicit stack, so depth costs heap rather than call stack
    stack: Vec<&'a Item>,
    /// nesting of the type being read
    depth: usize,
}

/// Deeper types than this are not read further (no real signature nests this deep).
const MAX_TYPE_DEPTH: usize = 256;

/// Whose visibility decides whether a member is public: its own (struct fields, inherent
/// items), or its parent's (variants and their fields, trait items, items of trait impls).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    Visibility,
    Parent,
}

impl<'a> Visitor<'a, '_> {
    fn run(&mut self, item: &'a Item) {
        self.push(item);
        while let Some(item) = self.stack.pop() {
            self.item(item);
        }
    }

    fn push(&mut self, item: &'a Item) {
        if self.visited.insert(item.id) {
            self.stack.push(item);
        }
    }

    fn item(&mut self, item: &'a Item) {
        match &item.inner {
            ItemEnum::Function(f) => {
                for (_, t) in &f.sig.inputs {
                    self.ty(t);
                }
                if let Some(t) = &f.sig.output {
                    self.ty(t);
                }
                self.generics(&f.generics);
            }
            ItemEnum::Struct(s) => {
                let ids: Vec<Id> = match &s.kind {
                    rustdoc_types::StructKind::Unit => Vec::new(),
                    rustdoc_types::StructKind::Tuple(f) => f.iter().flatten().copied().collect(),
                    rustdoc_types::StructKind::Plain { fields, .. } => fields.clone(),
                };
                self.children(&ids, Own::Visibility);
                self.generics(&s.generics);
                self.impls(&s.impls);
            }
            ItemEnum::Enum(e) => {
                self.children(&e.variants, Own::Parent);
                self.generics(&e.generics);
                self.impls(&e.impls);
            }
            ItemEnum::Union(u) => {
                self.children(&u.fields, Own::Visibility);
                self.impls(&u.impls);
            }
            ItemEnum::Variant(v) => match &v.kind {
                VariantKind::Plain => {}
                VariantKind::Tuple(f) => self.children(
                    &f.iter().flatten().copied().collect::<Vec<_>>(),
                    Own::Parent,
                ),
                VariantKind::Struct { fields, .. } => self.children(fields, Own::Parent),
            },
            ItemEnum::StructField(t) => self.ty(t),
            ItemEnum::Trait(t) => {
                self.bounds(&t.bounds);
                self.generics(&t.generics);
                self.children(&t.items, Own::Parent);
            }
            ItemEnum::TypeAlias(t) => self.ty(&t.type_),
            ItemEnum::Constant { type_, .. } | ItemEnum::AssocConst { type_, .. } => self.ty(type_),
            ItemEnum::Static(s) => self.ty(&s.type_),
            ItemEnum::AssocType { bounds, type_, .. } => {
                self.bounds(bounds);
                if let Some(t) = type_ {
                    self.ty(t);
                }
            }
            ItemEnum::Impl(imp) => {
                if let Some(t) = &imp.trait_ {
                    self.found.push(t.id);
                    self.args(t.args.as_deref());
                }
                let own = if imp.trait_.is_some() {
                    Own::Parent
                } else {
                    Own::Visibility
                };
                self.children(&imp.items, own);
            }
            _ => {}
        }
    }

    fn children(&mut self, ids: &[Id], visibility: Own) {
        for id in ids {
            if let Some(child) = self.api.item(*id) {
                // private fields and items are in the index when rustdoc documented them
                let public = visibility == Own::Parent
                    || child.visibility == rustdoc_types::Visibility::Public;
                if public && !self.api.is_hidden(child) {
                    self.push(child);
                }
            }
        }
    }

    /// Explicit impls only: synthetic auto-trait and blanket impls name std traits.
    fn impls(&mut self, ids: &[Id]) {
        for id in ids {
            if let Some(item) = self.api.item(*id) {
                if let ItemEnum::Impl(imp) = &item.inner {
                    if !imp.is_synthetic && imp.blanket_impl.is_none() {
                        self.push(item);
                    }
                }
            }
        }
    }

    fn generics(&mut self, g: &rustdoc_types::Generics) {
        for p in &g.params {
            if let rustdoc_types::GenericParamDefKind::Type {
                bounds, default, ..
            } = &p.kind
            {
                self.bounds(bounds);
                if let Some(d) = default {
                    self.ty(d);
                }
            }
        }
        for pred in &g.where_predicates {
            if let WherePredicate::BoundPredicate { type_, bounds, .. } = pred {
                self.ty(type_);
                self.bounds(bounds);
            }
        }
    }

    fn bounds(&mut self, bounds: &[GenericBound]) {
        for b in bounds {
            if let GenericBound::TraitBound { trait_, .. } = b {
                self.found.push(trait_.id);
                self.args(trait_.args.as_deref());
            }
        }
    }

    fn args(&mut self, args: Option<&GenericArgs>) {
        match args {
            Some(GenericArgs::AngleBracketed { args, constraints }) => {
                for a in args {
                    if let GenericArg::Type(t) = a {
                        self.ty(t);
                    }
                }
                for c in constraints {
                    match &c.binding {
                        rustdoc_types::AssocItemConstraintKind::Equality(Term::Type(t)) => {
                            self.ty(t)
                        }
                        rustdoc_types::AssocItemConstraintKind::Constraint(b) => self.bounds(b),
                        _ => {}
                    }
                }
            }
            Some(GenericArgs::Parenthesized { inputs, output }) => {
                for t in inputs {
                    self.ty(t);
                }
                if let Some(o) = output {
                    self.ty(o);
                }
            }
            _ => {}
        }
    }

    fn ty(&mut self, ty: &Type) {
        // types are trees inside one item; bound the recursion for absurdly nested JSON
        if self.depth > MAX_TYPE_DEPTH {
            return;
        }
        self.depth += 1;
        self.ty_inner(ty);
        self.depth -= 1;
    }

    fn ty_inner(&mut self, ty: &Type) {
        match ty {
            Type::ResolvedPath(p) => {
                self.found.push(p.id);
                self.args(p.args.as_deref());
            }
            Type::DynTrait(d) => {
                for t in &d.traits {
                    self.found.push(t.trait_.id);
                    self.args(t.trait_.args.as_deref());
                }
            }
            Type::FunctionPointer(f) => {
                for (_, t) in &f.sig.inputs {
                    self.ty(t);
                }
                if let Some(o) = &f.sig.output {
                    self.ty(o);
                }
            }
            Type::Tuple(ts) => ts.iter().for_each(|t| self.ty(t)),
            Type::Slice(type_)
            | Type::Array { type_, .. }
            | Type::Pat { type_, .. }
            | Type::RawPointer { type_, .. }
            | Type::BorrowedRef { type_, .. } => self.ty(type_),
            Type::ImplTrait(b) => self.bounds(b),
            Type::QualifiedPath {
                self_type,
                trait_,
                args,
                ..
            } => {
                self.ty(self_type);
                if let Some(t) = trait_ {
                    self.found.push(t.id);
                }
                self.args(args.as_deref());
            }
            Type::Generic(_) | Type::Primitive(_) | Type::Infer => {}
        }
    }
}
