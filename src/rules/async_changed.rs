//! async-changed: `async fn` became a plain fn, or the reverse, with a non-equivalent future.

use rustdoc_types::{AssocItemConstraintKind, Function, GenericArgs, GenericBound, Term, Type};
use crate::api::types::last_segment;

use super::support::AUTO_TRAITS;
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::{render_type, TypeCx};
use crate::diff::{CallableKind, DiffCx};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "async-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "async fn <-> fn returning something other than an equivalent future",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Callers `.await` an async function's result. `async fn f() -> T` and \
`fn f() -> impl Future<Output = T>` are interchangeable, but turning an async function into one \
that returns `T` directly (or the reverse), changing the future's output, dropping a bound the \
written future promised (`Unpin`), or making a `'static` future borrow its arguments breaks \
callers. Auto traits such as `Send` leak through both forms, so they are not a difference.",
    example_before: "pub async fn fetch(url: &str) -> Bytes",
    example_after: "pub fn fetch(url: &str) -> Bytes",
    fix: "keep the function async, or return `impl Future<Output = Bytes>`",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        // trait methods: trait-method-signature-changed, which uses the same comparison
        if c.kind == CallableKind::TraitMethod || c.old.header.is_async == c.new.header.is_async {
            continue;
        }
        let Some(why) = async_change(&c.types(cx), c.old, c.new, false) else {
            continue;
        };
        let what = if c.old.header.is_async {
            "is no longer async"
        } else {
            "became async"
        };
        out.push(
            Finding::new(
                &RULE,
                c.path,
                format!("{} `{}` {what}: {why}", c.kind.noun(), c.path),
            )
            .spans(c.old_item, c.new_item)
            .signatures(cx.old, c.old_item, cx.new, c.new_item),
        );
    }
}

/// Compares an `async fn` with a function returning `impl Future` (exactly one of `old` and
/// `new` is async). None when they are the same API; otherwise what changed, in words.
///
/// `async fn f(..) -> T` is `fn f(..) -> impl Future<Output = T>` capturing every argument's
/// lifetime. What can differ: the output type; bounds on the written future other than
/// `Future` (lost `Unpin` breaks callers; for trait methods any extra bound binds
/// implementors); a future that was `'static` and now borrows its arguments. Auto traits
/// leak through both forms, so `+ Send` on a free function's future is neither gained nor
/// lost; in a trait it is part of the contract between callers and implementors.
pub(super) fn async_change(
    types: &TypeCx<'_>,
    old: &Function,
    new: &Function,
    trait_method: bool,
) -> Option<String> {
    let unit = Type::Tuple(Vec::new());
    let (async_fn, plain, async_is_old) = if old.header.is_async {
        (old, new, true)
    } else {
        (new, old, false)
    };
    let declared = async_fn.sig.output.as_ref().unwrap_or(&unit);
    let shown = |t: &Type| render_type(t);
    let Some(Type::ImplTrait(bounds)) = &plain.sig.output else {
        let returned = plain.sig.output.as_ref().unwrap_or(&unit);
        return Some(if async_is_old {
            format!("it returns `{}` directly, not a future", shown(returned))
        } else {
            format!("it returned `{}` directly, not a future", shown(returned))
        });
    };
    let mut output = None;
    let mut extra = Vec::new();
    let mut is_static = false;
    for bound in bounds {
        match bound {
            GenericBound::TraitBound { trait_, .. } if trait_.path.ends_with("Future") => {
                output = future_output(trait_.args.as_deref());
            }
            GenericBound::TraitBound { trait_, .. } => {
                let name = last_segment(&trait_.path);
                if trait_method || !AUTO_TRAITS.contains(&name) {
                    extra.push(name.to_string());
                }
            }
            GenericBound::Outlives(l) => is_static |= l == "'static",
            GenericBound::Use(_) => {}
        }
    }
    let Some(output) = output else {
        return Some("the returned `impl Trait` is not a `Future` with a known output".into());
    };
    let same_output = if async_is_old {
        types.eq_ty(declared, output)
    } else {
        types.eq_ty(output, declared)
    };
    if !same_output {
        let (before, after) = if async_is_old {
            (declared, output)
        } else {
            (output, declared)
        };
        return Some(format!(
            "its future's output changed from `{}` to `{}`",
            shown(before),
            shown(after)
        ));
    }
    if !extra.is_empty() {
        let list = extra.join(" + ");
        return Some(match (async_is_old, trait_method) {
            (true, true) => format!("implementors' futures must now be `{list}`"),
            (true, false) => return None, // callers gain a guarantee
            (false, _) => format!("callers can no longer rely on the future being `{list}`"),
        });
    }
    if is_static && !async_is_old && borrows(async_fn) {
        return Some("its future was `'static` and now borrows the arguments".into());
    }
    None
}

/// Whether an async function's future borrows from its arguments (it captures every input
/// lifetime).
fn borrows(f: &Function) -> bool {
    f.sig.inputs.iter().any(|(_, t)| has_reference(t))
        || f
            .generics
            .params
            .iter()
            .any(|p| matches!(p.kind, rustdoc_types::GenericParamDefKind::Lifetime { .. }))
}

fn has_reference(ty: &Type) -> bool {
    match ty {
        Type::BorrowedRef { .. } | Type::DynTrait(_) | Type::ImplTrait(_) => true,
        Type::ResolvedPath(p) => match p.args.as_deref() {
            Some(GenericArgs::AngleBracketed { args, .. }) => args.iter().any(|a| match a {
                rustdoc_types::GenericArg::Lifetime(_) => true,
                rustdoc_types::GenericArg::Type(t) => has_reference(t),
                _ => false,
            }),
            _ => false,
        },
        Type::Tuple(ts) => ts.iter().any(has_reference),
        Type::Slice(t) | Type::Array { type_: t, .. } => has_reference(t),
        _ => false,
    }
}

/// `T` in `Future<Output = T>`.
fn future_output(args: Option<&GenericArgs>) -> Option<&Type> {
    let Some(GenericArgs::AngleBracketed { constraints, .. }) = args else {
        return None;
    };
    constraints.iter().find_map(|c| match &c.binding {
        AssocItemConstraintKind::Equality(Term::Type(t)) if c.name == "Output" => Some(t),
        _ => None,
    })
}

/// The witness: await the old future, or keep the old plain result.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::async_use(cx, &f.path)
}
