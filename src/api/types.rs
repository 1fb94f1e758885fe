//! Structural comparison and rendering of types, generics and bounds across two crates.
//!
//! The two sides are separate rustdoc runs, so item ids mean nothing across them: a path in a
//! type is resolved to the item it names and compared by [`Identity`](super::model::Identity).
//! Generic parameters are compared by position, so renaming `T` to `U` is not a change, and
//! lifetime names are ignored except for `'static`, which callers can observe.

use rustdoc_types::{
    FunctionPointer, FunctionSignature, GenericArg, GenericArgs, GenericBound, GenericParamDef,
    GenericParamDefKind, Generics, Path, PreciseCapturingArg, Term, TraitBoundModifier, Type,
    WherePredicate,
};

use super::model::Api;

/// Compares types of the old crate with types of the new one.
pub struct TypeCx<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    /// generic parameter names of the old side mapped to the new side, by position
    renames: Vec<(String, String)>,
    /// the implementing type that `Self` stands for in an inherent impl, per side
    self_types: Option<(&'a Type, &'a Type)>,
    /// compare an elided reference lifetime as `'static` (in consts and statics it is)
    elided_is_static: bool,
}

impl<'a> TypeCx<'a> {
    pub fn new(old: &'a Api, new: &'a Api) -> Self {
        TypeCx {
            old,
            new,
            renames: Vec::new(),
            self_types: None,
            elided_is_static: false,
        }
    }

    /// A context in which `Self` means these types (an inherent impl's self type, per side),
    /// so `-> Self` and `-> Widget` compare equal.
    pub fn with_self(&self, old: &'a Type, new: &'a Type) -> TypeCx<'a> {
        TypeCx {
            renames: self.renames.clone(),
            self_types: Some((old, new)),
            ..*self
        }
    }

    /// A context for const and static types, where `&str` means `&'static str`.
    pub fn for_statics(&self) -> TypeCx<'a> {
        TypeCx {
            renames: self.renames.clone(),
            elided_is_static: true,
            ..*self
        }
    }

    /// A comparison context in which the given generic parameter lists correspond by position.
    pub fn with_generics(&self, old: &[&Generics], new: &[&Generics]) -> TypeCx<'a> {
        let mut renames = self.renames.clone();
        for (o, n) in old.iter().zip(new) {
            for kind in [ParamKind::Type, ParamKind::Const] {
                let on = o.params.iter().filter(|p| param_kind(p) == Some(kind));
                let nn = n.params.iter().filter(|p| param_kind(p) == Some(kind));
                for (a, b) in on.zip(nn) {
                    renames.push((a.name.clone(), b.name.clone()));
                }
            }
        }
        TypeCx {
            old: self.old,
            new: self.new,
            renames,
            self_types: self.self_types,
            elided_is_static: self.elided_is_static,
        }
    }

    pub fn same_item(&self, old: rustdoc_types::Id, new: rustdoc_types::Id) -> bool {
        self.old.identity(old).matches(&self.new.identity(new))
    }

    fn same_generic(&self, a: &str, b: &str) -> bool {
        match self.renames.iter().rev().find(|(o, _)| o == a) {
            Some((_, n)) => n == b,
            None => a == b,
        }
    }

    pub fn eq_ty(&self, a: &Type, b: &Type) -> bool {
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
        self.same_item(a.id, b.id) && self.eq_opt_args(a.args.as_deref(), b.args.as_deref())
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
                    && c1.len() == c2.len()
                    && c1.iter().all(|c| {
                        c2.iter().any(|d| {
                            c.name == d.name
                                && self.eq_opt_args(c.args.as_deref(), d.args.as_deref())
                                && match (&c.binding, &d.binding) {
                                    (
                                        rustdoc_types::AssocItemConstraintKind::Equality(t1),
                                        rustdoc_types::AssocItemConstraintKind::Equality(t2),
                                    ) => self.eq_term(t1, t2),
                                    (
                                        rustdoc_types::AssocItemConstraintKind::Constraint(b1),
                                        rustdoc_types::AssocItemConstraintKind::Constraint(b2),
                                    ) => self.eq_bounds(b1, b2),
                                    _ => false,
                                }
                        })
                    })
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
            (GenericArg::Lifetime(_), GenericArg::Lifetime(_)) => true,
            (GenericArg::Type(x), GenericArg::Type(y)) => self.eq_ty(x, y),
            (GenericArg::Const(x), GenericArg::Const(y)) => x.expr == y.expr,
            (GenericArg::Infer, GenericArg::Infer) => true,
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

pub fn render_type(ty: &Type) -> String {
    let mut s = String::new();
    write_type(&mut s, ty);
    s
}

fn write_type(s: &mut String, ty: &Type) {
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
