//! Structural comparison and rendering of types, generics and bounds across two crates.
//!
//! The two sides are separate rustdoc runs, so item ids mean nothing across them: a path in a
//! type is resolved to the item it names and compared by [`Identity`](super::model::Identity).
//! Generic parameters are compared by position, so renaming `T` to `U` is not a change, and
//! lifetime names are ignored except for `'static`, which callers can observe.

use std::cell::Cell;

use rustdoc_types::{
    AssocItemConstraint, AssocItemConstraintKind, FunctionPointer, FunctionSignature, GenericArg,
    GenericArgs, GenericBound, GenericParamDef, GenericParamDefKind, Generics, Path,
    PreciseCapturingArg, Term, TraitBoundModifier, Type, WherePredicate,
};

use super::model::Api;

/// Compares types of the old crate with types of the new one.
pub struct TypeCx<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    /// generic parameter names of the old side mapped to the new side, by position
    renames: Vec<(String, String)>,
    /// generic parameters of a new impl that stand for a fixed type when an old impl is read
    /// as an instance of the new one (see [`TypeCx::with_impl`])
    bindings: Vec<(String, Binding<'a>)>,
    /// the implementing type that `Self` stands for in an inherent impl, per side
    self_types: Option<(&'a Type, &'a Type)>,
    /// compare an elided reference lifetime as `'static` (in consts and statics it is)
    elided_is_static: bool,
}

/// What a generic parameter of a new impl stands for.
#[derive(Clone, Copy)]
enum Binding<'a> {
    /// a parameter the old type did not have and that has no default: any instance
    Any,
    /// the type the old impl had at that position
    Old(&'a Type),
    /// the default of the new type's parameter at that position
    New(&'a Type),
}

impl<'a> TypeCx<'a> {
    pub fn new(old: &'a Api, new: &'a Api) -> Self {
        TypeCx {
            old,
            new,
            renames: Vec::new(),
            bindings: Vec::new(),
            self_types: None,
            elided_is_static: false,
        }
    }

    fn derive(&self) -> TypeCx<'a> {
        TypeCx {
            old: self.old,
            new: self.new,
            renames: self.renames.clone(),
            bindings: self.bindings.clone(),
            self_types: self.self_types,
            elided_is_static: self.elided_is_static,
        }
    }

    /// A context in which `Self` means these types (an inherent impl's self type, per side),
    /// so `-> Self` and `-> Widget` compare equal.
    pub fn with_self(&self, old: &'a Type, new: &'a Type) -> TypeCx<'a> {
        TypeCx {
            self_types: Some((old, new)),
            ..self.derive()
        }
    }

    /// A context for const and static types, where `&str` means `&'static str`.
    pub fn for_statics(&self) -> TypeCx<'a> {
        TypeCx {
            elided_is_static: true,
            ..self.derive()
        }
    }

    /// A comparison context in which the given generic parameter lists correspond by position.
    pub fn with_generics(&self, old: &[&Generics], new: &[&Generics]) -> TypeCx<'a> {
        let mut out = self.derive();
        for (o, n) in old.iter().zip(new) {
            for kind in [ParamKind::Type, ParamKind::Const] {
                let on = o.params.iter().filter(|p| param_kind(p) == Some(kind));
                let nn = n.params.iter().filter(|p| param_kind(p) == Some(kind));
                for (a, b) in on.zip(nn) {
                    out.renames.push((a.name.clone(), b.name.clone()));
                }
            }
        }
        out
    }

    /// A context for reading an old impl block as an instance of a new one. The parameters
    /// are matched through the implementing types (and the traits' arguments, when given)
    /// rather than by position: in `impl<K, V> Map<K, V>` -> `impl<K, V, S> Map<K, V, S>`,
    /// `K` and `V` correspond and `S` stands for the default of `Map`'s new parameter (the
    /// old type is the new one at its defaults); a new parameter without a default stands for
    /// any type (the impl covers every instance); a new parameter where the old impl had a
    /// concrete type stands for that type (the new impl is more general). Parameters not
    /// matched this way correspond by position.
    pub fn with_impl(
        &self,
        old_generics: &'a Generics,
        new_generics: &'a Generics,
        old_for: &'a Type,
        new_for: &'a Type,
        traits: Option<(&'a Path, &'a Path)>,
    ) -> TypeCx<'a> {
        let mut unify = Unify {
            cx: self,
            old_params: type_param_names(old_generics),
            new_params: type_param_names(new_generics),
            renames: Vec::new(),
            bindings: Vec::new(),
        };
        unify.ty(old_for, new_for, 0);
        if let Some((o, n)) = traits {
            unify.path(o, n, 0);
        }
        let Unify {
            old_params,
            new_params,
            renames,
            bindings,
            ..
        } = unify;
        let mut out = self.derive();
        let left_old = old_params
            .iter()
            .filter(|p| !renames.iter().any(|(o, _)| o == *p));
        let left_new = new_params.iter().filter(|p| {
            !renames.iter().any(|(_, n)| n == *p) && !bindings.iter().any(|(n, _)| n == *p)
        });
        let positional: Vec<(String, String)> = left_old
            .zip(left_new)
            .map(|(o, n)| (o.to_string(), n.to_string()))
            .collect();
        out.renames.extend(renames);
        out.renames.extend(positional);
        out.bindings.extend(bindings);
        out
    }

    pub fn same_item(&self, old: rustdoc_types::Id, new: rustdoc_types::Id) -> bool {
        self.old.identity(old).matches(&self.new.identity(new))
    }

    /// Whether old generic parameter `old` corresponds to new parameter `new` in this context.
    pub fn corresponds(&self, old: &str, new: &str) -> bool {
        self.same_generic(old, new)
    }

    fn same_generic(&self, a: &str, b: &str) -> bool {
        match self.renames.iter().rev().find(|(o, _)| o == a) {
            Some((_, n)) => n == b,
            None => a == b,
        }
    }

    fn binding(&self, new_name: &str) -> Option<Binding<'a>> {
        if self.renames.iter().any(|(_, n)| n == new_name) {
            return None;
        }
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == new_name)
            .map(|(_, b)| *b)
    }

    /// Compares two types of the old crate (or two of the new one): used where one side's
    /// type stands in for a type of the other side.
    fn same_side(&self, api: &'a Api) -> TypeCx<'a> {
        TypeCx {
            old: api,
            new: api,
            renames: Vec::new(),
            bindings: Vec::new(),
            self_types: None,
            elided_is_static: self.elided_is_static,
        }
    }

    pub fn eq_ty(&self, a: &Type, b: &Type) -> bool {
        let Some(_guard) = DepthGuard::enter() else {
            return false;
        };
        if let Type::Generic(name) = b {
            if let Some(binding) = self.binding(name) {
                return match binding {
                    Binding::Any => true,
                    Binding::Old(t) => self.same_side(self.old).eq_ty(a, t),
                    Binding::New(t) => self.eq_ty(a, t),
                };
            }
        }
        if self.eq_ty_structural(a, b) {
            return true;
        }
        // a type alias is the type it names: expand either side and compare again
        let expanded_old = alias_expansion(self.old, a);
        let expanded_new = alias_expansion(self.new, b);
        if expanded_old.is_none() && expanded_new.is_none() {
            return std_alias_eq(self, a, b);
        }
        let a = expanded_old.as_ref().unwrap_or(a);
        let b = expanded_new.as_ref().unwrap_or(b);
        self.eq_ty(a, b)
    }

    fn eq_ty_structural(&self, a: &Type, b: &Type) -> bool {
        use Type::*;
        if let Some((old_self, new_self)) = self.self_types {
            let is_self = |t: &Type| matches!(t, Generic(g) if g == "Self");
            match (is_self(a), is_self(b)) {
                (true, false) => return self.eq_ty(old_self, b),
                (false, true) => return self.eq_ty(a, new_self),
                _ => {}
            }
        }
        match (a, b) {
            (ResolvedPath(x), ResolvedPath(y)) => self.eq_path(x, y),
            (DynTrait(x), DynTrait(y)) => {
                x.traits.len() == y.traits.len()
                    && x.traits
                        .iter()
                        .all(|t| y.traits.iter().any(|u| self.eq_path(&t.trait_, &u.trait_)))
                    && is_static(x.lifetime.as_deref()) == is_static(y.lifetime.as_deref())
            }
            (Generic(x), Generic(y)) => self.same_generic(x, y),
            (Primitive(x), Primitive(y)) => x == y,
            (FunctionPointer(x), FunctionPointer(y)) => self.eq_fn_ptr(x, y),
            (Tuple(x), Tuple(y)) => self.eq_list(x, y),
            (Slice(x), Slice(y)) => self.eq_ty(x, y),
            (Array { type_: t1, len: l1 }, Array { type_: t2, len: l2 }) => {
                self.eq_ty(t1, t2) && l1.trim() == l2.trim()
            }
            (Pat { type_: t1, .. }, Pat { type_: t2, .. }) => self.eq_ty(t1, t2),
            (ImplTrait(x), ImplTrait(y)) => self.eq_bounds(x, y),
            (Infer, Infer) => true,
            (
                RawPointer {
                    is_mutable: m1,
                    type_: t1,
                },
                RawPointer {
                    is_mutable: m2,
                    type_: t2,
                },
            ) => m1 == m2 && self.eq_ty(t1, t2),
            (
                BorrowedRef {
                    lifetime: l1,
                    is_mutable: m1,
                    type_: t1,
                },
                BorrowedRef {
                    lifetime: l2,
                    is_mutable: m2,
                    type_: t2,
                },
            ) => {
                let lifetime = |l: &Option<String>| match l {
                    None => self.elided_is_static,
                    Some(l) => is_static(Some(l)),
                };
                m1 == m2 && lifetime(l1) == lifetime(l2) && self.eq_ty(t1, t2)
            }
            (
                QualifiedPath {
                    name: n1,
                    args: a1,
                    self_type: s1,
                    trait_: t1,
                },
                QualifiedPath {
                    name: n2,
                    args: a2,
                    self_type: s2,
                    trait_: t2,
                },
            ) => {
                n1 == n2
                    && self.eq_ty(s1, s2)
                    && self.eq_opt_args(a1.as_deref(), a2.as_deref())
                    && match (t1, t2) {
                        (Some(p), Some(q)) => self.eq_path(p, q),
                        (None, None) => true,
                        _ => false,
                    }
            }
            _ => false,
        }
    }

    pub fn eq_opt_ty(&self, a: Option<&Type>, b: Option<&Type>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => self.eq_ty(x, y),
            // `-> ()` written out is the same as no return type
            (Some(Type::Tuple(t)), None) | (None, Some(Type::Tuple(t))) => t.is_empty(),
            _ => false,
        }
    }

    fn eq_list(&self, a: &[Type], b: &[Type]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.eq_ty(x, y))
    }

    pub fn eq_path(&self, a: &Path, b: &Path) -> bool {
        if !(self.same_item(a.id, b.id) || self.same_unresolved(a, b)) {
            return false;
        }
        if self.eq_opt_args(a.args.as_deref(), b.args.as_deref()) {
            return true;
        }
        self.eq_args_with_defaults(a, b)
    }

    /// Two references to items neither side can describe (a `pub(crate)` type in a public
    /// signature is in neither the index nor the path table): the same when written the same.
    fn same_unresolved(&self, a: &Path, b: &Path) -> bool {
        self.old.is_unresolved(a.id) && self.new.is_unresolved(b.id) && a.path == b.path
    }

    /// Argument lists of different lengths, read with the types' defaults: `Edges<'_, K, V>`
    /// and `Edges<'_, K, V, S>` are the same type when `S` stands for the default of the new
    /// parameter (`S = RandomState`), and `Map<K, V>` is `Map<K, V, RandomState>` when both
    /// sides declare that default.
    fn eq_args_with_defaults(&self, a: &Path, b: &Path) -> bool {
        let (Some((aa, ac)), Some((ba, bc))) =
            (angle_args(a.args.as_deref()), angle_args(b.args.as_deref()))
        else {
            return false;
        };
        if aa.len() == ba.len() || !self.eq_constraints(ac, bc) {
            return false;
        }
        let od = defaults(self.old, a.id);
        let nd = defaults(self.new, b.id);
        let default = |d: &Option<Vec<Option<&'a Type>>>, i: usize| -> Option<&'a Type> {
            d.as_ref()?.get(i).copied().flatten()
        };
        (0..aa.len().max(ba.len())).all(|i| match (aa.get(i), ba.get(i)) {
            (Some(x), Some(y)) => self.eq_arg(x, y),
            (None, Some(GenericArg::Type(y))) => match default(&od, i) {
                Some(d) => self.eq_ty(d, y),
                // a parameter the old type did not have: the new argument must be its default
                None => self.is_new_default(y, default(&nd, i)),
            },
            (Some(GenericArg::Type(x)), None) => default(&nd, i).is_some_and(|d| self.eq_ty(x, d)),
            _ => false,
        })
    }

    /// Whether a new-side argument is the new parameter's default, or stands for it.
    fn is_new_default(&self, arg: &Type, default: Option<&'a Type>) -> bool {
        if let Type::Generic(name) = arg {
            match self.binding(name) {
                Some(Binding::Any) => return true,
                Some(Binding::New(t)) => {
                    return default.is_some_and(|d| self.same_side(self.new).eq_ty(t, d))
                }
                Some(Binding::Old(_)) | None => {}
            }
        }
        default.is_some_and(|d| self.same_side(self.new).eq_ty(arg, d))
    }

    fn eq_constraints(&self, c1: &[AssocItemConstraint], c2: &[AssocItemConstraint]) -> bool {
        c1.len() == c2.len()
            && c1.iter().all(|c| {
                c2.iter().any(|d| {
                    c.name == d.name
                        && self.eq_opt_args(c.args.as_deref(), d.args.as_deref())
                        && match (&c.binding, &d.binding) {
                            (
                                AssocItemConstraintKind::Equality(t1),
                                AssocItemConstraintKind::Equality(t2),
                            ) => self.eq_term(t1, t2),
                            (
                                AssocItemConstraintKind::Constraint(b1),
                                AssocItemConstraintKind::Constraint(b2),
                            ) => self.eq_bounds(b1, b2),
                            _ => false,
                        }
                })
            })
    }

    fn eq_opt_args(&self, a: Option<&GenericArgs>, b: Option<&GenericArgs>) -> bool {
        let empty = |g: Option<&GenericArgs>| match g {
            None => true,
            Some(GenericArgs::AngleBracketed { args, constraints }) => {
                args.is_empty() && constraints.is_empty()
            }
            _ => false,
        };
        match (a, b) {
            _ if empty(a) && empty(b) => true,
            (Some(x), Some(y)) => self.eq_args(x, y),
            _ => false,
        }
    }

    fn eq_args(&self, a: &GenericArgs, b: &GenericArgs) -> bool {
        match (a, b) {
            (
                GenericArgs::AngleBracketed {
                    args: a1,
                    constraints: c1,
                },
                GenericArgs::AngleBracketed {
                    args: a2,
                    constraints: c2,
                },
            ) => {
                // lifetimes elided on one side only are not a change for callers
                let a1: Vec<_> = a1
                    .iter()
                    .filter(|g| !matches!(g, GenericArg::Lifetime(_)))
                    .collect();
                let a2: Vec<_> = a2
                    .iter()
                    .filter(|g| !matches!(g, GenericArg::Lifetime(_)))
                    .collect();
                a1.len() == a2.len()
                    && a1.iter().zip(&a2).all(|(x, y)| self.eq_arg(x, y))
                    && self.eq_constraints(c1, c2)
            }
            (
                GenericArgs::Parenthesized {
                    inputs: i1,
                    output: o1,
                },
                GenericArgs::Parenthesized {
                    inputs: i2,
                    output: o2,
                },
            ) => self.eq_list(i1, i2) && self.eq_opt_ty(o1.as_ref(), o2.as_ref()),
            (GenericArgs::ReturnTypeNotation, GenericArgs::ReturnTypeNotation) => true,
            _ => false,
        }
    }

    fn eq_arg(&self, a: &GenericArg, b: &GenericArg) -> bool {
        match (a, b) {
            (GenericArg::Lifetime(_), GenericArg::Lifetime(_))
            | (GenericArg::Infer, GenericArg::Infer) => true,
            (GenericArg::Type(x), GenericArg::Type(y)) => self.eq_ty(x, y),
            (GenericArg::Const(x), GenericArg::Const(y)) => x.expr == y.expr,
            _ => false,
        }
    }

    fn eq_term(&self, a: &Term, b: &Term) -> bool {
        match (a, b) {
            (Term::Type(x), Term::Type(y)) => self.eq_ty(x, y),
            (Term::Constant(x), Term::Constant(y)) => x.expr == y.expr,
            _ => false,
        }
    }

    fn eq_fn_ptr(&self, a: &FunctionPointer, b: &FunctionPointer) -> bool {
        a.header.is_unsafe == b.header.is_unsafe
            && a.header.abi == b.header.abi
            && self.eq_sig(&a.sig, &b.sig)
    }

    /// Parameter types and return type, ignoring parameter names.
    pub fn eq_sig(&self, a: &FunctionSignature, b: &FunctionSignature) -> bool {
        a.is_c_variadic == b.is_c_variadic
            && a.inputs.len() == b.inputs.len()
            && a.inputs
                .iter()
                .zip(&b.inputs)
                .all(|((_, x), (_, y))| self.eq_ty(x, y))
            && self.eq_opt_ty(a.output.as_ref(), b.output.as_ref())
    }

    pub fn eq_bound(&self, a: &GenericBound, b: &GenericBound) -> bool {
        match (a, b) {
            (
                GenericBound::TraitBound {
                    trait_: t1,
                    modifier: m1,
                    ..
                },
                GenericBound::TraitBound {
                    trait_: t2,
                    modifier: m2,
                    ..
                },
            ) => m1 == m2 && self.eq_path(t1, t2),
            (GenericBound::Outlives(x), GenericBound::Outlives(y)) => {
                is_static(Some(x)) == is_static(Some(y))
            }
            (GenericBound::Use(x), GenericBound::Use(y)) => x.len() == y.len(),
            _ => false,
        }
    }

    /// Two bound lists are equal as sets.
    pub fn eq_bounds(&self, a: &[GenericBound], b: &[GenericBound]) -> bool {
        a.iter().all(|x| b.iter().any(|y| self.eq_bound(x, y)))
            && b.iter().all(|y| a.iter().any(|x| self.eq_bound(x, y)))
    }

    /// Bounds of `b` that no bound of `a` matches (what the new side requires in addition).
    pub fn extra_bounds<'b>(
        &self,
        a: &[&GenericBound],
        b: &[&'b GenericBound],
    ) -> Vec<&'b GenericBound> {
        b.iter()
            .filter(|y| !a.iter().any(|x| self.eq_bound(x, y)))
            .copied()
            .collect()
    }

    /// Bounds of `a` missing from `b` (what the new side no longer provides or requires).
    pub fn missing_bounds<'b>(
        &self,
        a: &[&'b GenericBound],
        b: &[&GenericBound],
    ) -> Vec<&'b GenericBound> {
        a.iter()
            .filter(|x| !b.iter().any(|y| self.eq_bound(x, y)))
            .copied()
            .collect()
    }
}

/// Matches an old impl's implementing type (and trait) against a new one's, collecting which
/// generic parameters correspond and what new parameters stand for (see
/// [`TypeCx::with_impl`]).
struct Unify<'c, 'a> {
    cx: &'c TypeCx<'a>,
    old_params: Vec<&'a str>,
    new_params: Vec<&'a str>,
    renames: Vec<(String, String)>,
    bindings: Vec<(String, Binding<'a>)>,
}

impl<'a> Unify<'_, 'a> {
    fn free_new(&self, name: &str) -> bool {
        self.new_params.contains(&name)
            && !self.renames.iter().any(|(_, n)| n == name)
            && !self.bindings.iter().any(|(n, _)| n == name)
    }

    /// Old parameter `x` corresponds to new parameter `y`, unless either is already taken.
    fn rename(&mut self, x: &str, y: &str) {
        if self.free_new(y) && !self.renames.iter().any(|(o, _)| o == x) {
            self.renames.push((x.to_string(), y.to_string()));
        }
    }

    fn ty(&mut self, o: &'a Type, n: &'a Type, depth: usize) {
        if depth > MAX_UNIFY_DEPTH {
            return;
        }
        match (o, n) {
            (Type::Generic(x), Type::Generic(y)) if self.old_params.contains(&x.as_str()) => {
                self.rename(x, y)
            }
            (_, Type::Generic(y)) if self.free_new(y) => {
                self.bindings.push((y.clone(), Binding::Old(o)));
            }
            (Type::ResolvedPath(p), Type::ResolvedPath(q)) => self.path(p, q, depth + 1),
            (Type::BorrowedRef { type_: x, .. }, Type::BorrowedRef { type_: y, .. })
            | (Type::RawPointer { type_: x, .. }, Type::RawPointer { type_: y, .. })
            | (Type::Slice(x), Type::Slice(y))
            | (Type::Array { type_: x, .. }, Type::Array { type_: y, .. }) => {
                self.ty(x, y, depth + 1)
            }
            (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => {
                for (x, y) in xs.iter().zip(ys) {
                    self.ty(x, y, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn path(&mut self, p: &'a Path, q: &'a Path, depth: usize) {
        let (Some((pa, _)), Some((qa, _))) =
            (angle_args(p.args.as_deref()), angle_args(q.args.as_deref()))
        else {
            return;
        };
        let nd = defaults(self.cx.new, q.id);
        for (i, arg) in qa.iter().enumerate() {
            match (pa.get(i), arg) {
                (Some(GenericArg::Type(x)), GenericArg::Type(y)) => self.ty(x, y, depth),
                (None, GenericArg::Type(Type::Generic(y))) if self.free_new(y) => {
                    let default = nd.as_ref().and_then(|d| d.get(i).copied().flatten());
                    let binding = default.map(Binding::New).unwrap_or(Binding::Any);
                    self.bindings.push((y.clone(), binding));
                }
                _ => {}
            }
        }
    }
}

const MAX_UNIFY_DEPTH: usize = 64;

/// Type comparisons recurse over the type tree; JSON can nest types deeper than any real
/// signature, so the recursion is bounded (past the bound, types compare unequal).
const MAX_TYPE_DEPTH: u32 = 400;

thread_local! {
    static TYPE_DEPTH: Cell<u32> = const { Cell::new(0) };
}

struct DepthGuard;

impl DepthGuard {
    fn enter() -> Option<DepthGuard> {
        TYPE_DEPTH.with(|d| {
            if d.get() >= MAX_TYPE_DEPTH {
                None
            } else {
                d.set(d.get() + 1);
                Some(DepthGuard)
            }
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        TYPE_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The non-lifetime arguments and the constraints of an angle-bracketed argument list (no
/// list is an empty one); None for `Fn(A) -> B` arguments.
fn angle_args(args: Option<&GenericArgs>) -> Option<(Vec<&GenericArg>, &[AssocItemConstraint])> {
    match args {
        None => Some((Vec::new(), &[])),
        Some(GenericArgs::AngleBracketed { args, constraints }) => Some((
            args.iter()
                .filter(|a| !matches!(a, GenericArg::Lifetime(_)))
                .collect(),
            constraints,
        )),
        Some(_) => None,
    }
}

/// Type and const parameter names of a generic parameter list.
fn type_param_names(generics: &Generics) -> Vec<&str> {
    generics
        .params
        .iter()
        .filter(|p| param_kind(p).is_some())
        .map(|p| p.name.as_str())
        .collect()
}

/// The generics of a type, trait or alias of the index.
fn item_generics(api: &Api, id: rustdoc_types::Id) -> Option<&Generics> {
    use rustdoc_types::ItemEnum;
    match &api.item(id)?.inner {
        ItemEnum::Struct(s) => Some(&s.generics),
        ItemEnum::Enum(e) => Some(&e.generics),
        ItemEnum::Union(u) => Some(&u.generics),
        ItemEnum::Trait(t) => Some(&t.generics),
        ItemEnum::TypeAlias(t) => Some(&t.generics),
        _ => None,
    }
}

/// The defaults of an item's type and const parameters, by position among them (lifetimes
/// left out, as in argument lists). A default that mentions other parameters (`U = T`) is left
/// out: it means nothing without the arguments.
fn defaults(api: &Api, id: rustdoc_types::Id) -> Option<Vec<Option<&Type>>> {
    let generics = item_generics(api, id)?;
    Some(
        generics
            .params
            .iter()
            .filter(|p| param_kind(p).is_some())
            .map(|p| match &p.kind {
                GenericParamDefKind::Type {
                    default: Some(d), ..
                } if !mentions_generic(d) => Some(d),
                _ => None,
            })
            .collect(),
    )
}

fn mentions_generic(ty: &Type) -> bool {
    let mut found = false;
    visit_types(ty, &mut |t| found |= matches!(t, Type::Generic(_)));
    found
}

/// Calls `f` on a type and every type nested in it (arguments, pointees, elements, bounds).
fn visit_types(ty: &Type, f: &mut dyn FnMut(&Type)) {
    fn args(a: Option<&GenericArgs>, f: &mut dyn FnMut(&Type)) {
        match a {
            Some(GenericArgs::AngleBracketed { args, constraints }) => {
                for arg in args {
                    if let GenericArg::Type(t) = arg {
                        visit_types(t, f);
                    }
                }
                for c in constraints {
                    if let AssocItemConstraintKind::Equality(Term::Type(t)) = &c.binding {
                        visit_types(t, f);
                    }
                }
            }
            Some(GenericArgs::Parenthesized { inputs, output }) => {
                for t in inputs.iter().chain(output) {
                    visit_types(t, f);
                }
            }
            _ => {}
        }
    }
    let Some(_guard) = DepthGuard::enter() else {
        return;
    };
    f(ty);
    match ty {
        Type::ResolvedPath(p) => args(p.args.as_deref(), f),
        Type::DynTrait(d) => {
            for t in &d.traits {
                args(t.trait_.args.as_deref(), f);
            }
        }
        Type::FunctionPointer(fp) => {
            for (_, t) in &fp.sig.inputs {
                visit_types(t, f);
            }
            if let Some(o) = &fp.sig.output {
                visit_types(o, f);
            }
        }
        Type::Tuple(ts) => ts.iter().for_each(|t| visit_types(t, f)),
        Type::Slice(t)
        | Type::Array { type_: t, .. }
        | Type::Pat { type_: t, .. }
        | Type::RawPointer { type_: t, .. }
        | Type::BorrowedRef { type_: t, .. } => visit_types(t, f),
        Type::ImplTrait(bounds) => {
            for b in bounds {
                if let GenericBound::TraitBound { trait_, .. } = b {
                    args(trait_.args.as_deref(), f);
                }
            }
        }
        Type::QualifiedPath {
            self_type, args: a, ..
        } => {
            visit_types(self_type, f);
            args(a.as_deref(), f);
        }
        Type::Generic(_) | Type::Primitive(_) | Type::Infer => {}
    }
}

/// The type a reference to a type alias of this crate's index stands for, with the alias's
/// parameters replaced by the reference's arguments (or the parameters' defaults).
fn alias_expansion(api: &Api, ty: &Type) -> Option<Type> {
    let Type::ResolvedPath(path) = ty else {
        return None;
    };
    let rustdoc_types::ItemEnum::TypeAlias(alias) = &api.item(path.id)?.inner else {
        return None;
    };
    let given: Vec<&GenericArg> = match path.args.as_deref() {
        None => Vec::new(),
        Some(GenericArgs::AngleBracketed { args, .. }) => args.iter().collect(),
        Some(_) => return None,
    };
    let lifetimes: Vec<&str> = given
        .iter()
        .filter_map(|a| match a {
            GenericArg::Lifetime(l) => Some(l.as_str()),
            _ => None,
        })
        .collect();
    let types: Vec<&GenericArg> = given
        .into_iter()
        .filter(|a| !matches!(a, GenericArg::Lifetime(_)))
        .collect();
    let mut map: Vec<(&str, Subst<'_>)> = Vec::new();
    let (mut li, mut ti) = (0, 0);
    for p in &alias.generics.params {
        match &p.kind {
            GenericParamDefKind::Lifetime { .. } => {
                if let Some(l) = lifetimes.get(li) {
                    map.push((p.name.as_str(), Subst::Lifetime(l)));
                }
                li += 1;
            }
            GenericParamDefKind::Type { default, .. } => {
                match (types.get(ti), default) {
                    (Some(GenericArg::Type(t)), _) | (None, Some(t)) => {
                        map.push((p.name.as_str(), Subst::Type(t)))
                    }
                    _ => return None,
                }
                ti += 1;
            }
            GenericParamDefKind::Const { .. } => ti += 1,
        }
    }
    Some(substitute(&alias.type_, &map))
}

/// A bound with generic parameters replaced by types (`K: Borrow<Q>` of a blanket impl,
/// instantiated for one use).
pub fn instantiate_bound(bound: &GenericBound, map: &[(&str, &Type)]) -> GenericBound {
    let map: Vec<(&str, Subst<'_>)> = map.iter().map(|(n, t)| (*n, Subst::Type(t))).collect();
    match bound {
        GenericBound::TraitBound {
            trait_,
            generic_params,
            modifier,
        } => GenericBound::TraitBound {
            trait_: Path {
                path: trait_.path.clone(),
                id: trait_.id,
                args: trait_
                    .args
                    .as_ref()
                    .map(|a| Box::new(substitute_args(a, &map))),
            },
            generic_params: generic_params.clone(),
            modifier: *modifier,
        },
        other => other.clone(),
    }
}

#[derive(Clone, Copy)]
enum Subst<'a> {
    Type(&'a Type),
    Lifetime(&'a str),
}

/// A copy of `ty` with generic parameters replaced.
fn substitute(ty: &Type, map: &[(&str, Subst<'_>)]) -> Type {
    // bounded like every walk over types: damaged JSON can nest deeper than any signature
    let Some(_depth) = DepthGuard::enter() else {
        return Type::Infer;
    };
    let lifetime = |l: &String| match map.iter().find(|(n, _)| *n == l.as_str()) {
        Some((_, Subst::Lifetime(to))) => to.to_string(),
        _ => l.clone(),
    };
    let args = |a: &Option<Box<GenericArgs>>| -> Option<Box<GenericArgs>> {
        a.as_ref().map(|a| Box::new(substitute_args(a, map)))
    };
    match ty {
        Type::Generic(name) => match map.iter().find(|(n, _)| *n == name.as_str()) {
            Some((_, Subst::Type(t))) => (*t).clone(),
            _ => ty.clone(),
        },
        Type::ResolvedPath(p) => Type::ResolvedPath(Path {
            path: p.path.clone(),
            id: p.id,
            args: args(&p.args),
        }),
        Type::Tuple(ts) => Type::Tuple(ts.iter().map(|t| substitute(t, map)).collect()),
        Type::Slice(t) => Type::Slice(Box::new(substitute(t, map))),
        Type::Array { type_, len } => Type::Array {
            type_: Box::new(substitute(type_, map)),
            len: len.clone(),
        },
        Type::RawPointer { is_mutable, type_ } => Type::RawPointer {
            is_mutable: *is_mutable,
            type_: Box::new(substitute(type_, map)),
        },
        Type::BorrowedRef {
            lifetime: l,
            is_mutable,
            type_,
        } => Type::BorrowedRef {
            lifetime: l.as_ref().map(lifetime),
            is_mutable: *is_mutable,
            type_: Box::new(substitute(type_, map)),
        },
        Type::QualifiedPath {
            name,
            args: a,
            self_type,
            trait_,
        } => Type::QualifiedPath {
            name: name.clone(),
            args: args(a),
            self_type: Box::new(substitute(self_type, map)),
            trait_: trait_.clone(),
        },
        // function pointers, trait objects and `impl Trait` in aliases are kept as written
        other => other.clone(),
    }
}

fn substitute_args(args: &GenericArgs, map: &[(&str, Subst<'_>)]) -> GenericArgs {
    match args {
        GenericArgs::AngleBracketed { args, constraints } => GenericArgs::AngleBracketed {
            args: args
                .iter()
                .map(|a| match a {
                    GenericArg::Type(t) => GenericArg::Type(substitute(t, map)),
                    other => other.clone(),
                })
                .collect(),
            constraints: constraints.clone(),
        },
        GenericArgs::Parenthesized { inputs, output } => GenericArgs::Parenthesized {
            inputs: inputs.iter().map(|t| substitute(t, map)).collect(),
            output: output.as_ref().map(|t| substitute(t, map)),
        },
        other => other.clone(),
    }
}

/// The standard library's `Result` aliases, which the index does not describe:
/// `std::io::Result<T>` is `Result<T, std::io::Error>` and `std::fmt::Result` is
/// `Result<(), std::fmt::Error>`.
fn std_alias_eq(cx: &TypeCx<'_>, a: &Type, b: &Type) -> bool {
    const ALIASES: &[(&[&str], &[&str], bool)] = &[
        (
            &["std", "io", "error", "Result"],
            &["std", "io", "error", "Error"],
            false,
        ),
        (&["core", "fmt", "Result"], &["core", "fmt", "Error"], true),
    ];
    let def = |api: &Api, ty: &Type| -> Option<Vec<String>> {
        match ty {
            Type::ResolvedPath(p) => api.krate.paths.get(&p.id).map(|s| s.path.clone()),
            _ => None,
        }
    };
    let is = |path: &Option<Vec<String>>, want: &[&str]| {
        path.as_ref()
            .is_some_and(|p| p.len() == want.len() && p.iter().zip(want).all(|(x, y)| x == y))
    };
    // (alias side, expanded side): which api each belongs to, and the comparison direction
    let check = |alias: &Type, alias_api: &Api, full: &Type, full_api: &Api, alias_old: bool| {
        let alias_def = def(alias_api, alias);
        let Some((_, error, unit)) = ALIASES.iter().find(|(d, ..)| is(&alias_def, d)) else {
            return false;
        };
        if !is(&def(full_api, full), &["core", "result", "Result"]) {
            return false;
        }
        let (Type::ResolvedPath(ap), Type::ResolvedPath(fp)) = (alias, full) else {
            return false;
        };
        let (Some((aa, _)), Some((fa, _))) = (
            angle_args(ap.args.as_deref()),
            angle_args(fp.args.as_deref()),
        ) else {
            return false;
        };
        let (Some(GenericArg::Type(ok)), Some(GenericArg::Type(err)), 2) =
            (fa.first(), fa.get(1), fa.len())
        else {
            return false;
        };
        let error_ok = is(&def(full_api, err), error)
            && matches!(err, Type::ResolvedPath(p) if angle_args(p.args.as_deref()).is_some_and(|(a, _)| a.is_empty()));
        let ok_ok = if *unit {
            aa.is_empty() && matches!(ok, Type::Tuple(t) if t.is_empty())
        } else {
            match aa.as_slice() {
                [GenericArg::Type(t)] => {
                    if alias_old {
                        cx.eq_ty(t, ok)
                    } else {
                        cx.eq_ty(ok, t)
                    }
                }
                _ => false,
            }
        };
        error_ok && ok_ok
    };
    check(a, cx.old, b, cx.new, true) || check(b, cx.new, a, cx.old, false)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Type,
    Const,
}

fn param_kind(p: &GenericParamDef) -> Option<ParamKind> {
    match p.kind {
        GenericParamDefKind::Type { .. } => Some(ParamKind::Type),
        GenericParamDefKind::Const { .. } => Some(ParamKind::Const),
        GenericParamDefKind::Lifetime { .. } => None,
    }
}

fn is_static(lifetime: Option<&str>) -> bool {
    lifetime == Some("'static")
}

/// All bounds on each type parameter, inline and from where-clauses, in one list per parameter.
pub fn bounds_by_param(generics: &Generics) -> Vec<(&str, Vec<&GenericBound>)> {
    let mut out: Vec<(&str, Vec<&GenericBound>)> = Vec::new();
    for p in &generics.params {
        if let GenericParamDefKind::Type { bounds, .. } = &p.kind {
            out.push((p.name.as_str(), bounds.iter().collect()));
        }
    }
    for pred in &generics.where_predicates {
        if let WherePredicate::BoundPredicate {
            type_: Type::Generic(name),
            bounds,
            ..
        } = pred
        {
            match out.iter_mut().find(|(n, _)| n == name) {
                Some((_, list)) => list.extend(bounds.iter()),
                None => out.push((name.as_str(), bounds.iter().collect())),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering: Rust-like text for reports. Never used for comparison.

/// Two types of a change, rendered so that they read differently: as written when that
/// suffices, else with every path written out in full (`v1::Options` and `v2::Options`, or two
/// versions of `Timestamp` defined in different modules). None when even that reads the same:
/// the difference is not one a reader could see, and a message `T -> T` would only confuse.
pub fn render_pair(old_api: &Api, a: &Type, new_api: &Api, b: &Type) -> Option<(String, String)> {
    let (x, y) = (render_type(a), render_type(b));
    if x != y {
        return Some((x, y));
    }
    let (x, y) = (
        render_type(&qualified(old_api, a)),
        render_type(&qualified(new_api, b)),
    );
    (x != y).then_some((x, y))
}

/// A copy of a type with each path written as the item's canonical public path, or where it is
/// defined when users cannot name it.
fn qualified(api: &Api, ty: &Type) -> Type {
    // past the depth no real signature reaches, `_` (renders as an elision; even cloning the
    // rest would recurse as deep)
    let Some(_depth) = DepthGuard::enter() else {
        return Type::Infer;
    };
    let args = |a: &Option<Box<GenericArgs>>| -> Option<Box<GenericArgs>> {
        a.as_ref().map(|a| {
            Box::new(match &**a {
                GenericArgs::AngleBracketed { args, constraints } => GenericArgs::AngleBracketed {
                    args: args
                        .iter()
                        .map(|g| match g {
                            GenericArg::Type(t) => GenericArg::Type(qualified(api, t)),
                            other => other.clone(),
                        })
                        .collect(),
                    constraints: constraints.clone(),
                },
                other => other.clone(),
            })
        })
    };
    let Some(_guard) = DepthGuard::enter() else {
        return ty.clone();
    };
    match ty {
        Type::ResolvedPath(p) => {
            let full = api
                .paths_of(p.id)
                .first()
                .cloned()
                .or_else(|| api.definition_path(p.id))
                .unwrap_or_else(|| p.path.clone());
            Type::ResolvedPath(Path {
                path: full,
                id: p.id,
                args: args(&p.args),
            })
        }
        Type::Tuple(ts) => Type::Tuple(ts.iter().map(|t| qualified(api, t)).collect()),
        Type::Slice(t) => Type::Slice(Box::new(qualified(api, t))),
        Type::Array { type_, len } => Type::Array {
            type_: Box::new(qualified(api, type_)),
            len: len.clone(),
        },
        Type::RawPointer { is_mutable, type_ } => Type::RawPointer {
            is_mutable: *is_mutable,
            type_: Box::new(qualified(api, type_)),
        },
        Type::BorrowedRef {
            lifetime,
            is_mutable,
            type_,
        } => Type::BorrowedRef {
            lifetime: lifetime.clone(),
            is_mutable: *is_mutable,
            type_: Box::new(qualified(api, type_)),
        },
        other => other.clone(),
    }
}

/// The last segment of a path as written (`Send` for `core::marker::Send`). A byte search,
/// because this runs for every impl of every type in some rules.
pub fn last_segment(path: &str) -> &str {
    let bytes = path.as_bytes();
    // paths are short: a plain backward scan beats setting up a vector search
    let mut end = bytes.len();
    while end >= 2 {
        if bytes[end - 1] == b':' && bytes[end - 2] == b':' {
            return &path[end..];
        }
        end -= 1;
    }
    path
}

pub fn render_type(ty: &Type) -> String {
    let mut s = String::new();
    write_type(&mut s, ty);
    s
}

fn write_type(s: &mut String, ty: &Type) {
    // JSON can nest types deeper than any real signature: past the bound, an ellipsis
    let Some(_depth) = DepthGuard::enter() else {
        s.push('…');
        return;
    };
    match ty {
        Type::ResolvedPath(p) => write_path(s, p),
        Type::DynTrait(d) => {
            s.push_str("dyn ");
            for (i, t) in d.traits.iter().enumerate() {
                if i > 0 {
                    s.push_str(" + ");
                }
                write_path(s, &t.trait_);
            }
            if let Some(l) = &d.lifetime {
                s.push_str(" + ");
                s.push_str(l);
            }
        }
        Type::Generic(g) => s.push_str(g),
        Type::Primitive(p) => s.push_str(p),
        Type::FunctionPointer(f) => {
            if f.header.is_unsafe {
                s.push_str("unsafe ");
            }
            s.push_str("fn(");
            for (i, (_, t)) in f.sig.inputs.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_type(s, t);
            }
            s.push(')');
            if let Some(o) = &f.sig.output {
                s.push_str(" -> ");
                write_type(s, o);
            }
        }
        Type::Tuple(items) => {
            s.push('(');
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_type(s, t);
            }
            if items.len() == 1 {
                s.push(',');
            }
            s.push(')');
        }
        Type::Slice(t) => {
            s.push('[');
            write_type(s, t);
            s.push(']');
        }
        Type::Array { type_, len } => {
            s.push('[');
            write_type(s, type_);
            s.push_str("; ");
            s.push_str(len);
            s.push(']');
        }
        Type::Pat { type_, .. } => write_type(s, type_),
        Type::ImplTrait(bounds) => {
            s.push_str("impl ");
            write_bounds(s, bounds);
        }
        Type::Infer => s.push('_'),
        Type::RawPointer { is_mutable, type_ } => {
            s.push_str(if *is_mutable { "*mut " } else { "*const " });
            write_type(s, type_);
        }
        Type::BorrowedRef {
            lifetime,
            is_mutable,
            type_,
        } => {
            s.push('&');
            if let Some(l) = lifetime {
                s.push_str(l);
                s.push(' ');
            }
            if *is_mutable {
                s.push_str("mut ");
            }
            write_type(s, type_);
        }
        Type::QualifiedPath {
            name,
            args,
            self_type,
            trait_,
        } => {
            match trait_ {
                // `T::Output` as written: rustdoc leaves the trait's path empty
                Some(t) if t.path.is_empty() => write_type(s, self_type),
                Some(t) => {
                    s.push('<');
                    write_type(s, self_type);
                    s.push_str(" as ");
                    write_path(s, t);
                    s.push('>');
                }
                None => write_type(s, self_type),
            }
            s.push_str("::");
            s.push_str(name);
            if let Some(a) = args {
                write_args(s, a);
            }
        }
    }
}

fn write_path(s: &mut String, p: &Path) {
    s.push_str(&p.path);
    if let Some(a) = &p.args {
        write_args(s, a);
    }
}

/// `<u16, T>`: an argument list as written.
pub fn render_args(args: &GenericArgs) -> String {
    let mut s = String::new();
    write_args(&mut s, args);
    s
}

/// An argument list with each path shortened to its last segment, as users write an instance
/// in a path (`DateTime::<Utc>::now`, not `DateTime::<crate::offset::Utc>::now`).
pub fn render_args_short(args: &GenericArgs) -> String {
    fn shorten(ty: &Type) -> Type {
        match ty {
            Type::ResolvedPath(p) => Type::ResolvedPath(Path {
                path: last_segment(&p.path).to_string(),
                id: p.id,
                args: p.args.as_ref().map(|a| Box::new(shorten_args(a))),
            }),
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => Type::BorrowedRef {
                lifetime: lifetime.clone(),
                is_mutable: *is_mutable,
                type_: Box::new(shorten(type_)),
            },
            Type::Tuple(ts) => Type::Tuple(ts.iter().map(shorten).collect()),
            Type::Slice(t) => Type::Slice(Box::new(shorten(t))),
            other => other.clone(),
        }
    }
    fn shorten_args(args: &GenericArgs) -> GenericArgs {
        match args {
            GenericArgs::AngleBracketed { args, constraints } => GenericArgs::AngleBracketed {
                args: args
                    .iter()
                    .map(|a| match a {
                        GenericArg::Type(t) => GenericArg::Type(shorten(t)),
                        other => other.clone(),
                    })
                    .collect(),
                constraints: constraints.clone(),
            },
            other => other.clone(),
        }
    }
    render_args(&shorten_args(args))
}

fn write_args(s: &mut String, args: &GenericArgs) {
    match args {
        GenericArgs::AngleBracketed { args, constraints } => {
            if args.is_empty() && constraints.is_empty() {
                return;
            }
            s.push('<');
            let mut first = true;
            for a in args {
                if !first {
                    s.push_str(", ");
                }
                first = false;
                match a {
                    GenericArg::Lifetime(l) => s.push_str(l),
                    GenericArg::Type(t) => write_type(s, t),
                    GenericArg::Const(c) => s.push_str(&c.expr),
                    GenericArg::Infer => s.push('_'),
                }
            }
            for c in constraints {
                if !first {
                    s.push_str(", ");
                }
                first = false;
                s.push_str(&c.name);
                match &c.binding {
                    rustdoc_types::AssocItemConstraintKind::Equality(Term::Type(t)) => {
                        s.push_str(" = ");
                        write_type(s, t);
                    }
                    rustdoc_types::AssocItemConstraintKind::Equality(Term::Constant(k)) => {
                        s.push_str(" = ");
                        s.push_str(&k.expr);
                    }
                    rustdoc_types::AssocItemConstraintKind::Constraint(b) => {
                        s.push_str(": ");
                        write_bounds(s, b);
                    }
                }
            }
            s.push('>');
        }
        GenericArgs::Parenthesized { inputs, output } => {
            s.push('(');
            for (i, t) in inputs.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_type(s, t);
            }
            s.push(')');
            if let Some(o) = output {
                s.push_str(" -> ");
                write_type(s, o);
            }
        }
        GenericArgs::ReturnTypeNotation => s.push_str("(..)"),
    }
}

pub fn render_bounds(bounds: &[GenericBound]) -> String {
    let mut s = String::new();
    write_bounds(&mut s, bounds);
    s
}

pub fn render_bound(bound: &GenericBound) -> String {
    render_bounds(std::slice::from_ref(bound))
}

fn write_bounds(s: &mut String, bounds: &[GenericBound]) {
    for (i, b) in bounds.iter().enumerate() {
        if i > 0 {
            s.push_str(" + ");
        }
        match b {
            GenericBound::TraitBound {
                trait_,
                modifier,
                generic_params,
            } => {
                if !generic_params.is_empty() {
                    s.push_str("for<");
                    let names: Vec<&str> = generic_params.iter().map(|p| p.name.as_str()).collect();
                    s.push_str(&names.join(", "));
                    s.push_str("> ");
                }
                match modifier {
                    TraitBoundModifier::Maybe => s.push('?'),
                    TraitBoundModifier::MaybeConst => s.push_str("~const "),
                    TraitBoundModifier::None => {}
                }
                write_path(s, trait_);
            }
            GenericBound::Outlives(l) => s.push_str(l),
            GenericBound::Use(args) => {
                s.push_str("use<");
                let names: Vec<&str> = args
                    .iter()
                    .map(|a| match a {
                        PreciseCapturingArg::Lifetime(l) => l.as_str(),
                        PreciseCapturingArg::Param(p) => p.as_str(),
                    })
                    .collect();
                s.push_str(&names.join(", "));
                s.push('>');
            }
        }
    }
}

/// `<'a, T: Clone, const N: usize>`, or the empty string.
pub fn render_generic_params(generics: &Generics) -> String {
    let params: Vec<String> = generics
        .params
        .iter()
        .filter(|p| {
            !matches!(
                p.kind,
                GenericParamDefKind::Type {
                    is_synthetic: true,
                    ..
                }
            )
        })
        .map(|p| match &p.kind {
            GenericParamDefKind::Lifetime { outlives } if outlives.is_empty() => p.name.clone(),
            GenericParamDefKind::Lifetime { outlives } => {
                format!("{}: {}", p.name, outlives.join(" + "))
            }
            GenericParamDefKind::Type {
                bounds, default, ..
            } => {
                let mut s = p.name.clone();
                if !bounds.is_empty() {
                    s.push_str(": ");
                    write_bounds(&mut s, bounds);
                }
                if let Some(d) = default {
                    s.push_str(" = ");
                    write_type(&mut s, d);
                }
                s
            }
            GenericParamDefKind::Const { type_, default } => {
                let mut s = format!("const {}: {}", p.name, render_type(type_));
                if let Some(d) = default {
                    s.push_str(" = ");
                    s.push_str(d);
                }
                s
            }
        })
        .collect();
    if params.is_empty() {
        String::new()
    } else {
        format!("<{}>", params.join(", "))
    }
}

/// ` where T: Clone`, or the empty string.
pub fn render_where(generics: &Generics) -> String {
    let preds: Vec<String> = generics
        .where_predicates
        .iter()
        .map(|p| match p {
            WherePredicate::BoundPredicate { type_, bounds, .. } => {
                format!("{}: {}", render_type(type_), render_bounds(bounds))
            }
            WherePredicate::LifetimePredicate { lifetime, outlives } => {
                format!("{lifetime}: {}", outlives.join(" + "))
            }
            WherePredicate::EqPredicate { lhs, rhs } => match rhs {
                Term::Type(t) => format!("{} == {}", render_type(lhs), render_type(t)),
                Term::Constant(c) => format!("{} == {}", render_type(lhs), c.expr),
            },
        })
        .collect();
    if preds.is_empty() {
        String::new()
    } else {
        format!(" where {}", preds.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::last_segment;

    #[test]
    fn last_segment_is_what_follows_the_last_double_colon() {
        for path in [
            "core::marker::Send",
            "Send",
            "",
            "::",
            "a::",
            "::b",
            "a:::b",
            "a:b",
            "x::y:z",
        ] {
            assert_eq!(
                last_segment(path),
                path.rsplit("::").next().expect("rsplit yields a piece"),
                "{path}"
            );
        }
    }
}
