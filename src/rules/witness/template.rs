//! What a rule's witness template works with: the baseline's API, a renderer that writes a type
//! the way a downstream crate must (or gives up), and the building blocks most templates share
//! (call a function with its old argument types, name a path, implement a trait).
//!
//! Pure: no process, no file. A template returns `None` whenever the item cannot be used from
//! outside without guessing (a type users cannot name, a generic parameter to instantiate, a
//! type from a dependency the witness crate does not have): an honest "no template" beats a
//! witness that fails for its own reasons.

use crate::api::types::last_segment;
use rustdoc_types::{
    Abi, Function, GenericArg, GenericArgs, GenericBound, GenericParamDefKind, Generics, Id, Item,
    ItemEnum, Path, Term, Type,
};
use std::fmt::Write as _;

use crate::api::model::{Namespace, Target};
use crate::api::Api;
use crate::rules::Finding;

/// How a rule witnesses its findings.
#[derive(Clone, Copy)]
pub enum Template {
    /// downstream code that compiles against the baseline and, if the finding is right, fails
    /// against the current side
    Code(fn(&WitnessCx<'_>, &Finding) -> Option<Code>),
    /// no Rust code can witness the rule's findings, and why (a manifest change, a run-time
    /// difference, a policy)
    Impossible(&'static str),
    /// a template could be written but is not yet: what it would do (counted as no template)
    NotYet(&'static str),
}

/// One witness: a function `fn witness_N(<params>) { <body> }` in the generated crate. Items a
/// witness needs (a local type to implement a trait for) are declared in its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// attributes of the witness function (`#[target_feature(enable = "avx2")]`)
    pub attributes: Vec<String>,
    pub params: String,
    pub body: String,
}

impl Code {
    pub fn new(params: impl Into<String>, body: impl Into<String>) -> Code {
        Code {
            attributes: Vec::new(),
            params: params.into(),
            body: body.into(),
        }
    }

    /// A witness without parameters.
    pub fn body(body: impl Into<String>) -> Code {
        Code::new("", body)
    }
}

/// What templates read: the baseline's API (the use must compile against it) and the current
/// one (rarely needed).
pub struct WitnessCx<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    /// why the last template gave up, when it said ([`WitnessCx::skip`])
    skipped: std::cell::Cell<Option<&'static str>>,
    /// generic parameters a witness declares itself, which types may name (see [`generic_call`])
    scope: std::cell::RefCell<Vec<String>>,
}

/// A function as downstream code calls it: typed parameters and the call expression.
pub struct Call {
    /// `a0: &::k::Client, a1: &str`
    pub params: String,
    /// `::k::Client::send(a0, a1)`, wrapped in `unsafe { }` when the baseline's fn was unsafe
    pub expr: String,
    /// the old return type, rendered, when it is one a downstream crate can write
    pub output: Option<String>,
    /// the old function returned nothing
    pub returns_unit: bool,
}

impl<'a> WitnessCx<'a> {
    pub fn new(old: &'a Api, new: &'a Api) -> WitnessCx<'a> {
        WitnessCx {
            old,
            new,
            skipped: std::cell::Cell::new(None),
            scope: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// A template's way to give up with a reason (no code can witness this finding): the
    /// reason becomes the note of its no-template witness.
    pub fn skip(&self, why: &'static str) -> Option<Code> {
        self.skipped.set(Some(why));
        None
    }

    /// The reason the last template gave, if any (cleared).
    pub fn take_skip(&self) -> Option<&'static str> {
        self.skipped.take()
    }

    /// `::path`: a path from the crate root, immune to local names.
    pub fn abs(&self, path: &str) -> String {
        format!("::{path}")
    }

    /// The baseline's item at a public path, in the namespace given (or the first one).
    pub fn item(&self, path: &str, ns: Option<Namespace>) -> Option<&'a Item> {
        let resolved = self.old.resolve(path);
        let target = match ns {
            Some(ns) => resolved.get(ns).map(|(t, _)| t),
            None => resolved.iter().next().map(|(_, t, _)| t),
        }?;
        match target {
            Target::Item(id) => self.old.item(id),
            Target::External(_) => None,
        }
    }

    /// The type (struct, enum, union or trait) a member path's parent names, and the member
    /// of that name: an inherent item of a type (one impl block has it) or a trait's item.
    /// Paths with instance syntax (`Codec::<u16>::sum`) are not looked up.
    pub fn member(&self, path: &str) -> Option<(&'a Item, &'a Item)> {
        if path.contains('<') {
            return None;
        }
        let (parent_path, name) = path.rsplit_once("::")?;
        let parent = self.item(parent_path, Some(Namespace::Type))?;
        let ids: Vec<Id> = match &parent.inner {
            ItemEnum::Trait(t) => t.items.clone(),
            ItemEnum::Struct(_) | ItemEnum::Enum(_) | ItemEnum::Union(_) => {
                let impls = match &parent.inner {
                    ItemEnum::Struct(s) => &s.impls,
                    ItemEnum::Enum(e) => &e.impls,
                    ItemEnum::Union(u) => &u.impls,
                    _ => return None,
                };
                impls
                    .iter()
                    .filter_map(|id| self.old.item(*id))
                    .filter_map(|i| match &i.inner {
                        ItemEnum::Impl(imp) if imp.trait_.is_none() => Some(imp.items.clone()),
                        _ => None,
                    })
                    .flatten()
                    .collect()
            }
            _ => return None,
        };
        let mut found = ids
            .iter()
            .filter_map(|id| self.old.item(*id))
            .filter(|i| i.name.as_deref() == Some(name));
        let member = found.next()?;
        if found.next().is_some() {
            return None; // the name is in several impl blocks: which one is meant is unclear
        }
        Some((parent, member))
    }

    /// A type as a downstream crate writes it, with `Self` standing for `self_ty`; `None` when
    /// it cannot be written (see the module documentation).
    pub fn ty(&self, ty: &Type, self_ty: Option<&str>) -> Option<String> {
        self.ty_at(ty, self_ty, 0)
    }

    fn ty_at(&self, ty: &Type, self_ty: Option<&str>, depth: usize) -> Option<String> {
        let mut s = String::new();
        self.write_ty(&mut s, ty, self_ty, depth)?;
        Some(s)
    }

    /// The path a downstream crate names an item by: its canonical public path in the
    /// baseline, or, for the standard library's items, their `::std` path.
    pub fn path_of(&self, id: Id) -> Option<String> {
        let local = self.old.item(id).is_some_and(|i| i.crate_id == 0)
            || self
                .old
                .krate
                .paths
                .get(&id)
                .is_some_and(|s| s.crate_id == 0);
        if local {
            return self.old.paths_of(id).first().map(|p| self.abs(p));
        }
        let summary = self.old.krate.paths.get(&id)?;
        let (first, rest) = summary.path.split_first()?;
        if !matches!(first.as_str(), "std" | "core" | "alloc") || rest.is_empty() {
            return None;
        }
        Some(format!("::std::{}", std_public_path(rest).join("::")))
    }

    /// A type with no type or const parameters (lifetimes are fine: they are elided), so a
    /// witness can name it without choosing arguments.
    pub fn plain_type(&self, item: &Item) -> bool {
        let generics = match &item.inner {
            ItemEnum::Struct(s) => &s.generics,
            ItemEnum::Enum(e) => &e.generics,
            ItemEnum::Union(u) => &u.generics,
            ItemEnum::Trait(t) => &t.generics,
            ItemEnum::TypeAlias(t) => &t.generics,
            _ => return true,
        };
        only_lifetimes(generics)
    }

    /// A call of the function or method at `path` with arguments of its baseline parameter
    /// types, taken as the witness's parameters. `None` for generic functions, methods of
    /// generic types or trait methods, and parameters that cannot be written downstream.
    pub fn call(&self, path: &str) -> Option<Call> {
        let (item, self_ty) = match self.item(path, Some(Namespace::Value)) {
            Some(
                item @ Item {
                    inner: ItemEnum::Function(_),
                    ..
                },
            ) => (item, None),
            _ => {
                let (parent, member) = self.member(path)?;
                if matches!(parent.inner, ItemEnum::Trait(_)) || !self.plain_type(parent) {
                    return None;
                }
                let parent_path = self.path_of(parent.id)?;
                (member, Some(parent_path))
            }
        };
        let ItemEnum::Function(f) = &item.inner else {
            return None;
        };
        self.call_fn(f, &self.abs(path), self_ty.as_deref())
    }

    /// A call of `f` by `callee` (a path expression), `Self` standing for `self_ty`.
    pub fn call_fn(&self, f: &Function, callee: &str, self_ty: Option<&str>) -> Option<Call> {
        if !only_lifetimes(&f.generics) {
            return None;
        }
        let mut params = Vec::new();
        let mut args = Vec::new();
        for (i, (_, ty)) in f.sig.inputs.iter().enumerate() {
            params.push(format!("a{i}: {}", self.ty(ty, self_ty)?));
            args.push(format!("a{i}"));
        }
        let mut expr = format!("{callee}({})", args.join(", "));
        if f.header.is_unsafe {
            expr = format!("unsafe {{ {expr} }}");
        }
        let output = f.sig.output.as_ref().and_then(|o| self.ty(o, self_ty));
        let returns_unit = match &f.sig.output {
            None => true,
            Some(Type::Tuple(t)) => t.is_empty(),
            Some(_) => false,
        };
        Some(Call {
            params: params.join(", "),
            expr,
            output,
            returns_unit,
        })
    }

    fn write_ty(
        &self,
        s: &mut String,
        ty: &Type,
        self_ty: Option<&str>,
        depth: usize,
    ) -> Option<()> {
        if depth > 32 {
            return None;
        }
        let d = depth + 1;
        match ty {
            Type::Primitive(p) => match p.as_str() {
                "never" => return None,
                other => s.push_str(other),
            },
            Type::Generic(g) if g == "Self" => s.push_str(self_ty?),
            Type::Generic(g) if self.scope.borrow().contains(g) => s.push_str(g),
            // `impl Trait` in argument position, in a witness that declares generics itself
            Type::ImplTrait(bounds) if !self.scope.borrow().is_empty() => {
                s.push_str("impl ");
                s.push_str(&self.bounds(bounds, self_ty)?);
            }
            Type::Generic(_) | Type::ImplTrait(_) | Type::Infer | Type::QualifiedPath { .. } => {
                return None
            }
            Type::Pat { type_, .. } => self.write_ty(s, type_, self_ty, d)?,
            Type::ResolvedPath(p) => self.write_path(s, p, self_ty, d)?,
            Type::DynTrait(dyn_trait) => {
                let mut parts = Vec::new();
                for t in &dyn_trait.traits {
                    let mut one = String::new();
                    if !t.generic_params.is_empty()
                        && t.generic_params
                            .iter()
                            .any(|p| !matches!(p.kind, GenericParamDefKind::Lifetime { .. }))
                    {
                        return None;
                    }
                    self.write_path(&mut one, &t.trait_, self_ty, d)?;
                    parts.push(one);
                }
                if dyn_trait.lifetime.as_deref() == Some("'static") {
                    parts.push("'static".into());
                }
                if parts.len() == 1 {
                    let _ = write!(s, "dyn {}", parts[0]);
                } else {
                    let _ = write!(s, "(dyn {})", parts.join(" + "));
                }
            }
            Type::FunctionPointer(fp) => {
                if fp.header.is_unsafe {
                    s.push_str("unsafe ");
                }
                if let Some(abi) = abi_name(&fp.header.abi) {
                    let _ = write!(s, "extern \"{abi}\" ");
                }
                s.push_str("fn(");
                for (i, (_, t)) in fp.sig.inputs.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_ty(s, t, self_ty, d)?;
                }
                s.push(')');
                if let Some(o) = &fp.sig.output {
                    s.push_str(" -> ");
                    self.write_ty(s, o, self_ty, d)?;
                }
            }
            Type::Tuple(items) => {
                s.push('(');
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_ty(s, t, self_ty, d)?;
                }
                if items.len() == 1 {
                    s.push(',');
                }
                s.push(')');
            }
            Type::Slice(t) => {
                s.push('[');
                self.write_ty(s, t, self_ty, d)?;
                s.push(']');
            }
            Type::Array { type_, len } => {
                if !len.chars().all(|c| c.is_ascii_digit() || c == '_') {
                    return None;
                }
                s.push('[');
                self.write_ty(s, type_, self_ty, d)?;
                let _ = write!(s, "; {len}]");
            }
            Type::RawPointer { is_mutable, type_ } => {
                s.push_str(if *is_mutable { "*mut " } else { "*const " });
                self.write_ty(s, type_, self_ty, d)?;
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => {
                s.push('&');
                if lifetime.as_deref() == Some("'static") {
                    s.push_str("'static ");
                }
                if *is_mutable {
                    s.push_str("mut ");
                }
                self.write_ty(s, type_, self_ty, d)?;
            }
        }
        Some(())
    }

    fn write_path(&self, s: &mut String, p: &Path, self_ty: Option<&str>, d: usize) -> Option<()> {
        s.push_str(&self.path_of(p.id)?);
        let Some(args) = &p.args else {
            return Some(());
        };
        match &**args {
            GenericArgs::AngleBracketed { args, constraints } => {
                if args.is_empty() && constraints.is_empty() {
                    return Some(());
                }
                let mut parts = Vec::new();
                for a in args {
                    parts.push(match a {
                        GenericArg::Lifetime(l) if l == "'static" => l.clone(),
                        GenericArg::Lifetime(_) => "'_".to_string(),
                        GenericArg::Type(t) => self.ty_at(t, self_ty, d)?,
                        GenericArg::Const(c)
                            if c.expr.chars().all(|c| c.is_ascii_digit() || c == '_') =>
                        {
                            c.expr.clone()
                        }
                        GenericArg::Const(_) | GenericArg::Infer => return None,
                    });
                }
                for c in constraints {
                    if c.args.is_some() {
                        return None;
                    }
                    match &c.binding {
                        rustdoc_types::AssocItemConstraintKind::Equality(Term::Type(t)) => {
                            parts.push(format!("{} = {}", c.name, self.ty_at(t, self_ty, d)?));
                        }
                        _ => return None,
                    }
                }
                let _ = write!(s, "<{}>", parts.join(", "));
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let mut ins = Vec::new();
                for t in inputs {
                    ins.push(self.ty_at(t, self_ty, d)?);
                }
                let _ = write!(s, "({})", ins.join(", "));
                if let Some(o) = output {
                    let _ = write!(s, " -> {}", self.ty_at(o, self_ty, d)?);
                }
            }
            GenericArgs::ReturnTypeNotation => return None,
        }
        Some(())
    }

    /// Bounds as a downstream crate writes them (`?Sized + ::std::clone::Clone + 'a`); `None`
    /// for higher-ranked or `~const` bounds.
    fn bounds(&self, bounds: &[GenericBound], self_ty: Option<&str>) -> Option<String> {
        let mut out = Vec::new();
        for b in bounds {
            out.push(match b {
                GenericBound::TraitBound {
                    trait_,
                    modifier,
                    generic_params,
                } if generic_params.is_empty() => {
                    let mut p = String::new();
                    self.write_path(&mut p, trait_, self_ty, 1)?;
                    match modifier {
                        rustdoc_types::TraitBoundModifier::None => p,
                        rustdoc_types::TraitBoundModifier::Maybe => format!("?{p}"),
                        rustdoc_types::TraitBoundModifier::MaybeConst => return None,
                    }
                }
                GenericBound::Outlives(l) => l.clone(),
                _ => return None,
            });
        }
        Some(out.join(" + "))
    }

    /// The declaration (`<'a, T: Bound>` without the brackets), the where clause and the
    /// argument names of generics a witness copies, with the names put in scope (until
    /// [`WitnessCx::leave_scope`]). Synthetic `impl Trait` parameters are left out: they stay
    /// `impl Trait` in the witness's own parameters.
    #[allow(clippy::match_same_arms)] // one arm per kind of generic parameter
    fn enter_generics(&self, g: &Generics) -> Option<(Vec<String>, String, Vec<String>)> {
        let mut decl = Vec::new();
        let mut args = Vec::new();
        let mut scope = Vec::new();
        for p in &g.params {
            match &p.kind {
                GenericParamDefKind::Type {
                    is_synthetic: true, ..
                } => {}
                GenericParamDefKind::Type { .. } => scope.push(p.name.clone()),
                GenericParamDefKind::Lifetime { .. } => {}
                GenericParamDefKind::Const { .. } => return None,
            }
        }
        // a marker so that `impl Trait` renders even without named parameters
        scope.push(String::new());
        *self.scope.borrow_mut() = scope;
        for p in &g.params {
            match &p.kind {
                GenericParamDefKind::Lifetime { outlives } if outlives.is_empty() => {
                    decl.push(p.name.clone())
                }
                GenericParamDefKind::Lifetime { outlives } => {
                    decl.push(format!("{}: {}", p.name, outlives.join(" + ")))
                }
                GenericParamDefKind::Type {
                    is_synthetic: true, ..
                } => {}
                GenericParamDefKind::Type { bounds, .. } => {
                    args.push(p.name.clone());
                    if bounds.is_empty() {
                        decl.push(p.name.clone());
                    } else {
                        decl.push(format!("{}: {}", p.name, self.bounds(bounds, None)?));
                    }
                }
                GenericParamDefKind::Const { .. } => return None,
            }
        }
        let mut preds = Vec::new();
        for w in &g.where_predicates {
            preds.push(match w {
                rustdoc_types::WherePredicate::BoundPredicate {
                    type_,
                    bounds,
                    generic_params,
                } if generic_params.is_empty() => {
                    format!("{}: {}", self.ty(type_, None)?, self.bounds(bounds, None)?)
                }
                rustdoc_types::WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    format!("{lifetime}: {}", outlives.join(" + "))
                }
                _ => return None,
            });
        }
        let where_clause = if preds.is_empty() {
            String::new()
        } else {
            format!(" where {}", preds.join(", "))
        };
        Some((decl, where_clause, args))
    }

    fn leave_scope(&self) {
        self.scope.borrow_mut().clear();
    }

    /// The trait a type implemented in the baseline under this short name (`Display`), as a
    /// path with its arguments a downstream crate writes.
    pub fn implemented_trait(&self, ty: &Item, short: &str) -> Option<String> {
        let impls = match &ty.inner {
            ItemEnum::Struct(s) => &s.impls,
            ItemEnum::Enum(e) => &e.impls,
            ItemEnum::Union(u) => &u.impls,
            _ => return None,
        };
        let mut found = impls
            .iter()
            .filter_map(|id| match &self.old.item(*id)?.inner {
                ItemEnum::Impl(imp) if imp.generics.params.is_empty() => {
                    let t = imp.trait_.as_ref()?;
                    (last_segment(&t.path) == short).then_some(t)
                }
                _ => None,
            });
        let t = found.next()?;
        if found.next().is_some() {
            return None; // `From<A>` and `From<B>`: which one was meant is unclear
        }
        let mut s = String::new();
        self.write_path(&mut s, t, None, 0)?;
        Some(s)
    }
}

/// Modules of the standard library that are private, but appear in the definition paths rustdoc
/// records for its items (`core::ops::function::FnOnce`): the items are re-exported by the
/// module above (`std::ops::FnOnce`).
const STD_PRIVATE_MODULES: &[&str] = &[
    "function",
    "arith",
    "range",
    "deref",
    "drop",
    "index",
    "bit",
    "try_trait",
    "control_flow",
    "traits",
    "iterator",
    "collect",
    "accum",
    "double_ended",
    "exact_size",
    "adapters",
    "sources",
    "future",
    "into_future",
    "iter",
    "error",
    "nonzero",
    "ip_addr",
    "socket_addr",
    "btree",
    "map",
    "set",
    "hash",
    "unit",
    "marker_impls",
];

/// A standard library definition path (after the crate) as users write it: private
/// intermediate modules dropped (the first module and the item's name are kept).
fn std_public_path(rest: &[String]) -> Vec<&str> {
    let last = rest.len().saturating_sub(1);
    rest.iter()
        .enumerate()
        .filter(|(i, seg)| *i == 0 || *i == last || !STD_PRIVATE_MODULES.contains(&seg.as_str()))
        .map(|(_, seg)| seg.as_str())
        .collect()
}

/// Generics with lifetime parameters only, and no bounds on types.
pub fn only_lifetimes(generics: &Generics) -> bool {
    generics
        .params
        .iter()
        .all(|p| matches!(p.kind, GenericParamDefKind::Lifetime { .. }))
        && generics
            .where_predicates
            .iter()
            .all(|w| matches!(w, rustdoc_types::WherePredicate::LifetimePredicate { .. }))
}

/// The ABI string of a non-Rust ABI.
fn abi_name(abi: &Abi) -> Option<String> {
    crate::api::signature::abi_text(abi)
}

/// The backticked names in a message, in order (`no longer implements `Display``).
pub fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// A witness that names the path: `use ::path as _;` for an item of a module, a call or a read
/// for an inherent member.
pub fn name(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    if path.contains('<') {
        return None;
    }
    if cx.old.resolve(path).iter().next().is_some() {
        return Some(Code::body(format!("use {} as _;", cx.abs(path))));
    }
    let (parent, member) = cx.member(path)?;
    match &member.inner {
        ItemEnum::Function(_) => call(cx, path),
        ItemEnum::AssocConst { .. }
            if !matches!(parent.inner, ItemEnum::Trait(_)) && cx.plain_type(parent) =>
        {
            let name = member.name.as_deref()?;
            Some(Code::body(format!(
                "let _ = {}::{name};",
                cx.path_of(parent.id)?
            )))
        }
        _ => None,
    }
}

/// A witness that calls the function at `path` with arguments of its old parameter types.
pub fn call(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let c = cx.call(path)?;
    Some(Code::new(c.params, format!("let _ = {};", c.expr)))
}

/// A witness that calls the function and keeps the result as the old return type; for an
/// `impl Trait` return, requires each of its old bounds of the result.
pub fn call_returning(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let c = cx.call(path)?;
    let (f, _) = function_at(cx, path)?;
    if let (Some(Type::ImplTrait(bounds)), false) = (&f.sig.output, f.header.is_async) {
        let traits: Vec<GenericBound> = bounds
            .iter()
            .filter(|b| !matches!(b, GenericBound::Outlives(_)))
            .cloned()
            .collect();
        if traits.is_empty() {
            return None;
        }
        let bounds = cx.bounds(&traits, None)?;
        return Some(Code::new(
            c.params,
            format!(
                "fn is<T: ?Sized + {bounds}>(_: &T) {{}}\nlet returned = {};\nis(&returned);",
                c.expr
            ),
        ));
    }
    let out = if c.returns_unit {
        "()".to_string()
    } else {
        c.output?
    };
    Some(Code::new(c.params, format!("let _: {out} = {};", c.expr)))
}

/// The struct or variant's fields, when all of them can be written downstream: `(key, type)`.
fn all_fields(
    cx: &WitnessCx<'_>,
    fields: &crate::rules::support::Fields<'_>,
) -> Option<Vec<(String, String)>> {
    if fields.has_private {
        return None;
    }
    let mut out = Vec::new();
    for (key, item) in &fields.public {
        let ty = crate::rules::support::Fields::field_type(item)?;
        out.push((key.clone(), cx.ty(ty, None)?));
    }
    Some(out)
}

fn fields_of<'a>(cx: &WitnessCx<'a>, item: &'a Item) -> Option<crate::rules::support::Fields<'a>> {
    match &item.inner {
        ItemEnum::Struct(_) => crate::rules::support::struct_fields(cx.old, item),
        ItemEnum::Variant(_) => crate::rules::support::variant_fields(cx.old, item),
        _ => None,
    }
}

/// A witness that builds the struct (or the enum variant) at `path` the way the baseline
/// allowed: a literal with every old field, each a parameter of the witness.
pub fn construct(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    use crate::rules::support::Shape;
    let (item, owner) = struct_or_variant(cx, path)?;
    if !cx.plain_type(owner) || crate::api::model::is_non_exhaustive(item) {
        return None;
    }
    let fields = fields_of(cx, item)?;
    let typed = all_fields(cx, &fields)?;
    let params: Vec<String> = typed
        .iter()
        .enumerate()
        .map(|(i, (_, ty))| format!("a{i}: {ty}"))
        .collect();
    let expr_path = cx.abs(path);
    let expr = match fields.shape {
        Shape::Unit => expr_path,
        Shape::Tuple => {
            let args: Vec<String> = (0..typed.len()).map(|i| format!("a{i}")).collect();
            format!("{expr_path}({})", args.join(", "))
        }
        Shape::Plain => {
            let inits: Vec<String> = typed
                .iter()
                .enumerate()
                .map(|(i, (k, _))| format!("{k}: a{i}"))
                .collect();
            format!("{expr_path} {{ {} }}", inits.join(", "))
        }
    };
    // typed: a unit struct that became a tuple struct is still a value (its constructor)
    let ty = cx.path_of(owner.id)?;
    Some(Code::new(
        params.join(", "),
        format!("let _: {ty} = {expr};"),
    ))
}

/// The struct at `path`, or the variant at `path` and its enum.
fn struct_or_variant<'a>(cx: &WitnessCx<'a>, path: &str) -> Option<(&'a Item, &'a Item)> {
    if path.contains('<') {
        return None;
    }
    if let Some(
        item @ Item {
            inner: ItemEnum::Struct(_),
            ..
        },
    ) = cx.item(path, Some(Namespace::Type))
    {
        return Some((item, item));
    }
    let (enum_path, name) = path.rsplit_once("::")?;
    let owner = cx.item(enum_path, Some(Namespace::Type))?;
    let variant = enum_variants(cx, owner)?
        .into_iter()
        .find(|v| v.name.as_deref() == Some(name))?;
    Some((variant, owner))
}

/// Every variant of an enum, hidden ones too (an exhaustive match must list them).
fn enum_variants<'a>(cx: &WitnessCx<'a>, item: &'a Item) -> Option<Vec<&'a Item>> {
    let ItemEnum::Enum(e) = &item.inner else {
        return None;
    };
    e.variants.iter().map(|id| cx.old.item(*id)).collect()
}

/// A witness that matches the enum at `path` exhaustively, one arm per old variant, without
/// a wildcard.
pub fn exhaustive_match(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    if !cx.plain_type(item) || crate::api::model::is_non_exhaustive(item) {
        return None;
    }
    let ty = cx.path_of(item.id)?;
    let mut arms = String::new();
    for v in enum_variants(cx, item)? {
        let _ = writeln!(arms, "    {ty}::{} {{ .. }} => {{}}", v.name.as_deref()?);
    }
    Some(Code::new(
        format!("a0: &{ty}"),
        format!("match a0 {{\n{arms}}}"),
    ))
}

/// A witness that matches the variant at `path` with a pattern naming every old field and no
/// `..` (so a field added, removed or a changed kind breaks it).
pub fn exact_pattern(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    use crate::rules::support::Shape;
    let (variant, owner) = struct_or_variant(cx, path)?;
    if !matches!(variant.inner, ItemEnum::Variant(_))
        || !cx.plain_type(owner)
        || crate::api::model::is_non_exhaustive(variant)
    {
        return None;
    }
    let fields = fields_of(cx, variant)?;
    if fields.has_private {
        return None;
    }
    let ty = cx.path_of(owner.id)?;
    let name = variant.name.as_deref()?;
    let keys: Vec<&str> = fields.public.iter().map(|(k, _)| k.as_str()).collect();
    let pattern = match fields.shape {
        Shape::Unit => format!("{ty}::{name}"),
        Shape::Tuple => format!("{ty}::{name}({})", vec!["_"; keys.len()].join(", ")),
        Shape::Plain => {
            let named: Vec<String> = keys.iter().map(|k| format!("{k}: _")).collect();
            format!("{ty}::{name} {{ {} }}", named.join(", "))
        }
    };
    Some(Code::new(
        format!("a0: &{ty}"),
        format!("let _ = matches!(a0, {pattern});"),
    ))
}

/// A witness that checks the variant at `path` exists: `matches!(e, E::V { .. })`.
pub fn variant_exists(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (variant, owner) = struct_or_variant(cx, path)?;
    if !matches!(variant.inner, ItemEnum::Variant(_)) || !cx.plain_type(owner) {
        return None;
    }
    let ty = cx.path_of(owner.id)?;
    let name = variant.name.as_deref()?;
    Some(Code::new(
        format!("a0: &{ty}"),
        format!("let _ = matches!(a0, {ty}::{name} {{ .. }});"),
    ))
}

/// A witness that reads the field at `path` (`Type::field`) of a struct or union, as the old
/// field type when `typed`.
pub fn read_field(cx: &WitnessCx<'_>, path: &str, typed: bool) -> Option<Code> {
    if path.contains('<') {
        return None;
    }
    let (owner_path, key) = path.rsplit_once("::")?;
    let owner = cx.item(owner_path, Some(Namespace::Type))?;
    if !cx.plain_type(owner) {
        return None;
    }
    let (fields, is_union) = match &owner.inner {
        ItemEnum::Struct(_) => (crate::rules::support::struct_fields(cx.old, owner)?, false),
        ItemEnum::Union(_) => (crate::rules::support::union_fields(cx.old, owner)?, true),
        _ => return None,
    };
    let field = fields.get(key)?;
    let ty = cx.path_of(owner.id)?;
    let annotation = if typed {
        let old = crate::rules::support::Fields::field_type(field)?;
        format!(": &{}", cx.ty(old, None)?)
    } else {
        String::new()
    };
    let read = if is_union {
        format!("unsafe {{ &a0.{key} }}")
    } else {
        format!("&a0.{key}")
    };
    Some(Code::new(
        format!("a0: &{ty}"),
        format!("let _{annotation} = {read};"),
    ))
}

/// A witness that implements the trait at `path` for a local type, with the trait's old
/// required items (methods with bodies of `loop {}`, associated types as `()`): `None` when a
/// required item cannot be written (a generic method, a bounded associated type, a constant).
pub fn implement(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    implement_with(cx, path, None)
}

/// [`implement`], writing the method `also` too even when it has a default.
#[allow(clippy::match_same_arms)] // one arm per kind of trait item, in declaration order
fn implement_with(cx: &WitnessCx<'_>, path: &str, also: Option<&str>) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    if !t.generics.params.is_empty() || !t.generics.where_predicates.is_empty() {
        return None;
    }
    // supertraits a local unit struct has, or derives
    let mut derives = Vec::new();
    for b in &t.bounds {
        match b {
            GenericBound::TraitBound { trait_, .. } => {
                let std_trait = cx
                    .path_of(trait_.id)
                    .is_some_and(|p| p.starts_with("::std::"));
                match last_segment(&trait_.path) {
                    "Sized" | "Send" | "Sync" | "Unpin" => {}
                    d @ ("Debug" | "Clone" | "Copy" | "Default" | "PartialEq" | "Eq" | "Hash"
                    | "PartialOrd" | "Ord")
                        if std_trait && trait_.args.is_none() =>
                    {
                        derives.push(d)
                    }
                    _ => return None,
                }
            }
            GenericBound::Outlives(_) => {}
            GenericBound::Use(_) => return None,
        }
    }
    let mut items = Vec::new();
    for member in t.items.iter().filter_map(|id| cx.old.item(*id)) {
        let name = member.name.as_deref()?;
        match &member.inner {
            ItemEnum::Function(f) if f.has_body && also != Some(name) => {}
            ItemEnum::Function(f) if also == Some(name) => {
                // the method the finding is about: only an error on its signature counts
                let stub = method_stub(cx, name, f)?;
                let (head, rest) = stub.split_once('\n')?;
                items.push(format!("{head} {}\n{rest}", super::generate::FOCUS));
            }
            ItemEnum::Function(f) => items.push(method_stub(cx, name, f)?),
            ItemEnum::AssocType { type_: Some(_), .. } => {}
            ItemEnum::AssocType {
                type_: None,
                bounds,
                generics,
                ..
            } if bounds.is_empty() && generics.params.is_empty() => {
                items.push(format!("type {name} = ();"))
            }
            ItemEnum::AssocConst { value: Some(_), .. } => {}
            _ => return None,
        }
    }
    let path = cx.path_of(item.id)?;
    let unsafety = if t.is_unsafe { "unsafe " } else { "" };
    let local = if derives.is_empty() {
        "struct Local;".to_string()
    } else {
        format!("#[derive({})]\nstruct Local;", derives.join(", "))
    };
    let body = if items.is_empty() {
        format!("{local}\n{unsafety}impl {path} for Local {{}}")
    } else {
        let inner: Vec<String> = items
            .iter()
            .flat_map(|i| i.lines().map(|l| format!("    {l}")).collect::<Vec<_>>())
            .collect();
        format!(
            "{local}\n{unsafety}impl {path} for Local {{\n{}\n}}",
            inner.join("\n")
        )
    };
    Some(Code::body(body))
}

/// A required method, implemented with the old signature and a body that never returns.
fn method_stub(cx: &WitnessCx<'_>, name: &str, f: &Function) -> Option<String> {
    // lifetimes only; a `where Self: Sized` is written back
    let self_sized = |w: &rustdoc_types::WherePredicate| {
        matches!(
            w,
            rustdoc_types::WherePredicate::BoundPredicate { type_: Type::Generic(g), bounds, generic_params }
                if g == "Self" && generic_params.is_empty() && bounds.len() == 1
                    && matches!(&bounds[0], GenericBound::TraitBound { trait_, .. } if last_segment(&trait_.path) == "Sized")
        )
    };
    let lifetimes_only = f
        .generics
        .params
        .iter()
        .all(|p| matches!(p.kind, GenericParamDefKind::Lifetime { .. }));
    let mut where_clause = String::new();
    for w in &f.generics.where_predicates {
        match w {
            rustdoc_types::WherePredicate::LifetimePredicate { .. } => return None,
            w if self_sized(w) => where_clause = " where Self: Sized".to_string(),
            _ => return None,
        }
    }
    if !lifetimes_only || f.header.is_async {
        return None;
    }
    let mut params = Vec::new();
    for (i, (pname, ty)) in f.sig.inputs.iter().enumerate() {
        if i == 0 && pname == "self" {
            let is_self = |t: &Type| matches!(t, Type::Generic(g) if g == "Self");
            params.push(match ty {
                t if is_self(t) => "self".to_string(),
                Type::BorrowedRef {
                    is_mutable, type_, ..
                } if is_self(type_) => {
                    if *is_mutable {
                        "&mut self".to_string()
                    } else {
                        "&self".to_string()
                    }
                }
                other => format!("self: {}", cx.ty(other, Some("Self"))?),
            });
            continue;
        }
        params.push(format!("_a{i}: {}", cx.ty(ty, Some("Self"))?));
    }
    let output = match &f.sig.output {
        Some(o) => format!(" -> {}", cx.ty(o, Some("Self"))?),
        None => String::new(),
    };
    let unsafety = if f.header.is_unsafe { "unsafe " } else { "" };
    Some(format!(
        "{unsafety}fn {name}({}){output}{where_clause} {{\n    loop {{}}\n}}",
        params.join(", ")
    ))
}

/// A witness that the type at `path` implements a trait (a path with its arguments):
/// `fn is<T: ?Sized + Trait>() {}` instantiated with the type.
pub fn implements(cx: &WitnessCx<'_>, path: &str, trait_path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    if !cx.plain_type(item) {
        return None;
    }
    let ty = cx.path_of(item.id)?;
    Some(Code::body(format!(
        "fn is<T: ?Sized + {trait_path}>() {{}}\nis::<{ty}>();"
    )))
}

/// A witness that uses the constant or static at `path` as a value of its old type (statics
/// through a reference; inherent associated constants too).
pub fn value_as_old_type(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let p = cx.abs(path);
    match cx.item(path, Some(Namespace::Value)).map(|i| &i.inner) {
        Some(ItemEnum::Constant { type_, .. }) => {
            Some(Code::body(format!("let _: {} = {p};", cx.ty(type_, None)?)))
        }
        Some(ItemEnum::Static(s)) if !s.is_unsafe => {
            let ty = cx.ty(&s.type_, None)?;
            Some(Code::body(if s.is_mutable {
                format!("let _: *const {ty} = &raw const {p};")
            } else {
                format!("let _: &{ty} = &{p};")
            }))
        }
        Some(_) => None,
        None => {
            let (parent, member) = cx.member(path)?;
            let ItemEnum::AssocConst { type_, .. } = &member.inner else {
                return None;
            };
            if matches!(parent.inner, ItemEnum::Trait(_)) || !cx.plain_type(parent) {
                return None;
            }
            let ty = cx.ty(type_, Some(&cx.path_of(parent.id)?))?;
            Some(Code::body(format!("let _: {ty} = {p};")))
        }
    }
}

/// A witness that uses the static at `path` with its old mutability: a shared borrow without
/// `unsafe` for an immutable static, a mutable raw borrow for a `static mut`.
pub fn static_access(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let ItemEnum::Static(s) = &cx.item(path, Some(Namespace::Value))?.inner else {
        return None;
    };
    if s.is_unsafe {
        return None;
    }
    let p = cx.abs(path);
    Some(Code::body(if s.is_mutable {
        format!("let _ = &raw mut {p};")
    } else {
        format!("let _ = &{p};")
    }))
}

/// A witness that calls the function at `path` in a const context (functions without
/// parameters only: const arguments of any type cannot be invented).
pub fn const_call(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let c = cx.call(path)?;
    if !c.params.is_empty() {
        return None;
    }
    Some(Code::body(format!(
        "const _: () = {{\n    ::core::mem::forget({});\n}};",
        c.expr
    )))
}

/// A witness that a value of the type alias at `path` is a value of its old target type.
pub fn alias_target(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let ItemEnum::TypeAlias(alias) = &item.inner else {
        return None;
    };
    if !only_lifetimes(&alias.generics) {
        return None;
    }
    let target = cx.ty(&alias.type_, None)?;
    Some(Code::new(
        format!("a0: {}", cx.abs(path)),
        format!("let _: {target} = a0;"),
    ))
}

/// A witness that names the trait item at `path` (`Trait::item`) through a type bounded by
/// the trait.
pub fn trait_item(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (parent, member) = cx.member(path)?;
    let ItemEnum::Trait(t) = &parent.inner else {
        return None;
    };
    if !t.generics.params.is_empty() {
        return None;
    }
    let tr = cx.path_of(parent.id)?;
    let name = member.name.as_deref()?;
    let body = match &member.inner {
        ItemEnum::Function(f) if only_lifetimes(&f.generics) => {
            format!("let _ = <T as {tr}>::{name};")
        }
        ItemEnum::AssocConst { .. } => format!("let _ = <T as {tr}>::{name};"),
        ItemEnum::AssocType { generics, .. } if generics.params.is_empty() => {
            format!("let _: ::core::marker::PhantomData<<T as {tr}>::{name}> = ::core::marker::PhantomData;")
        }
        _ => return None,
    };
    Some(Code::body(format!(
        "fn uses<T: ?Sized + {tr}>() {{\n    {body}\n}}"
    )))
}

/// A witness that the trait at `path` can be a trait object (no generics, no associated types
/// to specify).
pub fn dyn_trait(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    if !t.generics.params.is_empty()
        || t.items
            .iter()
            .filter_map(|id| cx.old.item(*id))
            .any(|i| matches!(i.inner, ItemEnum::AssocType { .. }))
    {
        return None;
    }
    Some(Code::new(
        format!("a0: &dyn {}", cx.path_of(item.id)?),
        "let _ = a0;",
    ))
}

/// The path of an auto trait by name.
pub fn auto_trait_path(name: &str) -> Option<&'static str> {
    Some(match name {
        "Send" => "::std::marker::Send",
        "Sync" => "::std::marker::Sync",
        "Unpin" => "::std::marker::Unpin",
        "UnwindSafe" => "::std::panic::UnwindSafe",
        "RefUnwindSafe" => "::std::panic::RefUnwindSafe",
        _ => return None,
    })
}

/// A witness that coerces the function at `path` to a function pointer of its old ABI,
/// safety and types (so a changed ABI, like a changed signature, no longer coerces).
pub fn fn_pointer(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (f, self_ty) = function_at(cx, path)?;
    if !only_lifetimes(&f.generics) || f.header.is_async {
        return None;
    }
    let mut inputs = Vec::new();
    for (_, ty) in &f.sig.inputs {
        inputs.push(cx.ty(ty, self_ty.as_deref())?);
    }
    let output = match &f.sig.output {
        Some(o) => format!(" -> {}", cx.ty(o, self_ty.as_deref())?),
        None => String::new(),
    };
    let unsafety = if f.header.is_unsafe { "unsafe " } else { "" };
    let abi = abi_name(&f.header.abi)
        .map(|a| format!("extern \"{a}\" "))
        .unwrap_or_default();
    Some(Code::body(format!(
        "let _: {unsafety}{abi}fn({}){output} = {};",
        inputs.join(", "),
        cx.abs(path)
    )))
}

/// A witness that the variant at `path` still casts to its old discriminant, checked at compile
/// time: `const _: () = assert!(E::V as i128 == 5);` (fieldless, exhaustive enums only).
pub fn discriminant(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (variant, owner) = struct_or_variant(cx, path)?;
    if !cx.plain_type(owner)
        || crate::api::model::is_non_exhaustive(owner)
        || !crate::rules::support::is_unit_only(owner, cx.old)
    {
        return None;
    }
    let name = variant.name.as_deref()?;
    let value = crate::rules::support::discriminants(cx.old, owner)
        .into_iter()
        .find(|d| d.name == name)?
        .value?;
    let ty = cx.path_of(owner.id)?;
    Some(Code::body(format!(
        "const _: () = assert!({ty}::{name} as i128 == {value});"
    )))
}

/// A witness that uses the item at `path` the way its old kind allows: destructure a struct,
/// match an enum, call a function, read a constant or static, bound a type by a trait, name
/// the contents of a module, use a type alias as its target type.
pub fn as_old_kind(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let resolved = cx.old.resolve(path);
    let (_, target, _) = resolved.iter().next()?;
    let Target::Item(id) = target else {
        return None;
    };
    let item = cx.old.item(id)?;
    let p = cx.abs(path);
    match &item.inner {
        ItemEnum::Struct(_) if cx.plain_type(item) => Some(Code::new(
            format!("a0: &{p}"),
            format!("let {p} {{ .. }} = a0;"),
        )),
        ItemEnum::Enum(_) => exhaustive_match(cx, path),
        ItemEnum::Function(_) => call(cx, path),
        ItemEnum::Constant { .. } => value_as_old_type(cx, path),
        ItemEnum::Static(_) => static_access(cx, path),
        ItemEnum::Trait(t) if t.generics.params.is_empty() => {
            Some(Code::body(format!("fn uses<T: ?Sized + {p}>() {{}}")))
        }
        ItemEnum::Module(_) => Some(Code::body(format!("use {p}::*;"))),
        ItemEnum::TypeAlias(_) => alias_target(cx, path),
        _ => None,
    }
}

/// A witness that relies on the trait at `path` implying each of its old supertraits.
pub fn supertraits_implied(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    if !t.generics.params.is_empty() {
        return None;
    }
    let mut needs = Vec::new();
    for bound in &t.bounds {
        match bound {
            GenericBound::TraitBound {
                trait_,
                generic_params,
                ..
            } if generic_params.is_empty() => {
                let mut s = String::new();
                cx.write_path(&mut s, trait_, None, 0)?;
                needs.push(s);
            }
            GenericBound::Outlives(_) => {}
            _ => return None,
        }
    }
    if needs.is_empty() {
        return None;
    }
    let tr = cx.path_of(item.id)?;
    let mut body = format!("fn uses<T: ?Sized + {tr}>() {{\n");
    for (i, n) in needs.iter().enumerate() {
        let _ = write!(
            body,
            "    fn needs{i}<U: ?Sized + {n}>() {{}}\n    needs{i}::<T>();\n"
        );
    }
    body.push('}');
    Some(Code::body(body))
}

/// A witness that implements the trait that owns the method at `path` for a local type,
/// writing that method with its old signature even when it has a default.
pub fn implement_method(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (trait_path, name) = path.rsplit_once("::")?;
    implement_with(cx, trait_path, Some(name))
}

/// A witness that awaits the old async function's future as its old output type, or keeps a
/// plain function's result as its old return type (a function that became async returns a
/// future instead).
pub fn async_use(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx
        .item(path, Some(Namespace::Value))
        .or_else(|| cx.member(path).map(|(_, m)| m))?;
    let ItemEnum::Function(f) = &item.inner else {
        return None;
    };
    if !f.header.is_async {
        return call_returning(cx, path);
    }
    let c = cx.call(path)?;
    // the output typed: a future whose output changed is a break too
    let out = if c.returns_unit {
        "()".to_string()
    } else {
        c.output?
    };
    Some(Code::new(
        c.params,
        format!(
            "let _ = async move {{\n    let _: {out} = {}.await;\n}};",
            c.expr
        ),
    ))
}

/// A witness that uses the constant at `path` as a pattern (primitive types only, whose
/// constants are always usable as patterns).
pub fn const_pattern(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let ItemEnum::Constant { type_, .. } = &cx.item(path, Some(Namespace::Value))?.inner else {
        return None;
    };
    let primitive = match type_ {
        Type::Primitive(p) => !matches!(p.as_str(), "f32" | "f64" | "never"),
        Type::BorrowedRef { type_, .. } => matches!(&**type_, Type::Primitive(p) if p == "str"),
        _ => false,
    };
    if !primitive {
        return None;
    }
    let ty = cx.ty(type_, None)?;
    let p = cx.abs(path);
    Some(Code::new(
        format!("a0: {ty}"),
        format!("match a0 {{\n    {p} => {{}}\n    _ => {{}}\n}}"),
    ))
}

/// A witness that takes the address of the static at `path` (a constant has none).
pub fn static_address(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let ItemEnum::Static(s) = &cx.item(path, Some(Namespace::Value))?.inner else {
        return None;
    };
    if s.is_unsafe {
        return None;
    }
    Some(Code::body(format!("let _ = &raw const {};", cx.abs(path))))
}

/// A witness that borrows the (extern) static at `path` outside an `unsafe` block.
pub fn safe_static(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let ItemEnum::Static(s) = &cx.item(path, Some(Namespace::Value))?.inner else {
        return None;
    };
    if s.is_unsafe || s.is_mutable {
        return None;
    }
    Some(Code::body(format!("let _ = &{};", cx.abs(path))))
}

/// A witness that instantiates a generic requiring `Sized` with the type at `path`.
pub fn sized(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    if !cx.plain_type(item) {
        return None;
    }
    let ty = cx.path_of(item.id)?;
    Some(Code::body(format!("fn is<T>() {{}}\nis::<{ty}>();")))
}

/// Distinct concrete types for unbounded type parameters.
const FILLERS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "bool", "char",
];

/// The old generic arguments of an item whose parameters are all lifetimes or unbounded type
/// parameters: `'static` for lifetimes, a distinct primitive for each type. `None` otherwise,
/// or when the current side declares as many of each kind (a reorder, which naming the type
/// does not witness).
fn old_arguments(cx: &WitnessCx<'_>, path: &str, old: &Generics) -> Option<String> {
    let kinds = |g: &Generics| -> Option<(usize, usize)> {
        if !g.where_predicates.is_empty() {
            return None;
        }
        let mut counts = (0, 0);
        for p in &g.params {
            match &p.kind {
                GenericParamDefKind::Lifetime { .. } => counts.0 += 1,
                GenericParamDefKind::Type {
                    bounds,
                    is_synthetic: false,
                    ..
                } if bounds.is_empty() => counts.1 += 1,
                _ => return None,
            }
        }
        Some(counts)
    };
    // a default on either side lets the old arguments name another instance that still
    // compiles (`Entry<'a, S = ()>` -> `Entry<'a, R, S = ()>`): no witness then
    let defaulted = |g: &Generics| {
        g.params.iter().any(|p| {
            matches!(
                p.kind,
                GenericParamDefKind::Type {
                    default: Some(_),
                    ..
                }
            )
        })
    };
    if defaulted(old) {
        return None;
    }
    let old_counts = kinds(old)?;
    let new_item = match cx.new.resolve(path).get(Namespace::Type) {
        Some((Target::Item(id), _)) => cx.new.item(id),
        _ => None,
    };
    let new_generics = new_item.and_then(|i| match &i.inner {
        ItemEnum::Struct(s) => Some(&s.generics),
        ItemEnum::Enum(e) => Some(&e.generics),
        ItemEnum::Union(u) => Some(&u.generics),
        ItemEnum::Trait(t) => Some(&t.generics),
        _ => None,
    });
    let new_params = new_generics.map(|g| {
        g.params.iter().fold((0, 0), |(l, t), p| match p.kind {
            GenericParamDefKind::Lifetime { .. } => (l + 1, t),
            _ => (l, t + 1),
        })
    });
    if new_params == Some(old_counts) || new_generics.is_some_and(defaulted) {
        return None;
    }
    let mut args = Vec::new();
    let mut next = 0;
    for p in &old.params {
        if matches!(p.kind, GenericParamDefKind::Lifetime { .. }) {
            args.push("'static".to_string());
        } else {
            args.push(FILLERS.get(next)?.to_string());
            next += 1;
        }
    }
    Some(if args.is_empty() {
        String::new()
    } else {
        format!("<{}>", args.join(", "))
    })
}

/// A witness that names the type at `path` with its old generic arguments, in a local struct's
/// field (where no lifetime or argument may be left out).
pub fn type_with_old_arguments(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let generics = match &item.inner {
        ItemEnum::Struct(s) => &s.generics,
        ItemEnum::Enum(e) => &e.generics,
        ItemEnum::Union(u) => &u.generics,
        _ => return None,
    };
    let args = old_arguments(cx, path, generics)?;
    let ty = cx.path_of(item.id)?;
    Some(Code::body(format!("struct Holder({ty}{args});")))
}

/// A witness that bounds a type by the trait at `path` with its old generic arguments.
pub fn trait_with_old_arguments(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    let args = old_arguments(cx, path, &t.generics)?;
    let tr = cx.path_of(item.id)?;
    Some(Code::body(format!(
        "fn uses<T: ?Sized + {tr}{args}>() {{}}"
    )))
}

/// The function at `path` and the type `Self` stands for (a method's plain type).
fn function_at<'a>(cx: &WitnessCx<'a>, path: &str) -> Option<(&'a Function, Option<String>)> {
    let (item, self_ty) = match cx.item(path, Some(Namespace::Value)) {
        Some(
            item @ Item {
                inner: ItemEnum::Function(_),
                ..
            },
        ) => (item, None),
        _ => {
            let (parent, member) = cx.member(path)?;
            if matches!(parent.inner, ItemEnum::Trait(_)) || !cx.plain_type(parent) {
                return None;
            }
            (member, Some(cx.path_of(parent.id)?))
        }
    };
    match &item.inner {
        ItemEnum::Function(f) => Some((f, self_ty)),
        _ => None,
    }
}

/// A witness for a generic function: a generic function with the old generics and bounds,
/// calling it with arguments of the old parameter types and the old generic arguments
/// (`::k::f::<T>(a0)`; inferred when the function has `impl Trait` parameters, which forbid
/// them). A tightened bound or a changed number of generic parameters then fails.
pub fn generic_call(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let (f, self_ty) = function_at(cx, path)?;
    let rendered = (|| {
        let (decl, where_clause, args) = cx.enter_generics(&f.generics)?;
        let mut params = Vec::new();
        let mut names = Vec::new();
        for (i, (_, ty)) in f.sig.inputs.iter().enumerate() {
            params.push(format!("a{i}: {}", cx.ty(ty, self_ty.as_deref())?));
            names.push(format!("a{i}"));
        }
        Some((decl, where_clause, args, params, names))
    })();
    cx.leave_scope();
    let (decl, where_clause, args, params, names) = rendered?;
    let synthetic = f.generics.params.iter().any(|p| {
        matches!(
            p.kind,
            GenericParamDefKind::Type {
                is_synthetic: true,
                ..
            }
        )
    });
    let turbofish = if synthetic || args.is_empty() {
        String::new()
    } else {
        format!("::<{}>", args.join(", "))
    };
    let mut call = format!("{}{turbofish}({})", cx.abs(path), names.join(", "));
    if f.header.is_unsafe {
        call = format!("unsafe {{ {call} }}");
    }
    let generics = if decl.is_empty() {
        String::new()
    } else {
        format!("<{}>", decl.join(", "))
    };
    Some(Code::body(format!(
        "fn call{generics}({}){where_clause} {{\n    let _ = {call};\n}}",
        params.join(", ")
    )))
}

/// A witness that names the generic type at `path` from a generic struct with the old bounds:
/// `struct Holder<T: Old>(::k::S<T>);`, which a tightened bound makes ill-formed.
pub fn generic_holder(cx: &WitnessCx<'_>, path: &str) -> Option<Code> {
    let item = cx.item(path, Some(Namespace::Type))?;
    let generics = match &item.inner {
        ItemEnum::Struct(s) => &s.generics,
        ItemEnum::Enum(e) => &e.generics,
        ItemEnum::Union(u) => &u.generics,
        _ => return None,
    };
    let rendered = cx.enter_generics(generics);
    cx.leave_scope();
    let (decl, where_clause, _) = rendered?;
    let args: Vec<String> = generics.params.iter().map(|p| p.name.clone()).collect();
    if args.is_empty() {
        return None;
    }
    let ty = cx.path_of(item.id)?;
    Some(Code::body(format!(
        "struct Holder<{}>({ty}<{}>){where_clause};",
        decl.join(", "),
        args.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_paths_skip_private_modules() {
        let path = |p: &str| {
            let segs: Vec<String> = p.split("::").skip(1).map(str::to_string).collect();
            std_public_path(&segs).join("::")
        };
        assert_eq!(path("core::ops::function::FnOnce"), "ops::FnOnce");
        assert_eq!(
            path("core::iter::traits::iterator::Iterator"),
            "iter::Iterator"
        );
        assert_eq!(
            path("std::collections::hash::map::HashMap"),
            "collections::HashMap"
        );
        assert_eq!(path("alloc::string::String"), "string::String");
        assert_eq!(path("core::future::future::Future"), "future::Future");
        assert_eq!(path("std::io::error::Error"), "io::Error");
    }
}
