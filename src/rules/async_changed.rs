//! async-changed: `async fn` became a plain fn, or the reverse, with a non-equivalent future.

use rustdoc_types::{AssocItemConstraintKind, GenericArgs, GenericBound, Term, Type};

use super::{Class, Rule};
use crate::api::types::TypeCx;
use crate::diff::{CallableKind, DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "async-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "async fn <-> fn returning something other than an equivalent future",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity",
    explanation: "Callers `.await` an async function's result. `async fn f() -> T` and \
`fn f() -> impl Future<Output = T>` are interchangeable, but turning an async function into one \
that returns `T` directly (or the reverse) breaks every caller.",
    example_before: "pub async fn fetch(url: &str) -> Bytes",
    example_after: "pub fn fetch(url: &str) -> Bytes",
    fix: "keep the function async, or return `impl Future<Output = Bytes>`",
    check,
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind == CallableKind::TraitMethod || c.old.header.is_async == c.new.header.is_async {
            continue;
        }
        let types = c.types(cx);
        let equivalent = if c.old.header.is_async {
            future_output_matches(
                &types,
                c.old.sig.output.as_ref(),
                c.new.sig.output.as_ref(),
                false,
            )
        } else {
            future_output_matches(
                &types,
                c.new.sig.output.as_ref(),
                c.old.sig.output.as_ref(),
                true,
            )
        };
        if !equivalent {
            let what = if c.old.header.is_async {
                "is no longer async"
            } else {
                "became async"
            };
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!("{} `{}` {what}", c.kind.noun(), c.path),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// Whether `plain` is `impl Future<Output = T>` where `T` is the async side's declared output.
/// `async_is_new` says which crate each type comes from.
fn future_output_matches(
    types: &TypeCx<'_>,
    async_out: Option<&Type>,
    plain: Option<&Type>,
    async_is_new: bool,
) -> bool {
    let Some(Type::ImplTrait(bounds)) = plain else {
        return false;
    };
    let unit = Type::Tuple(Vec::new());
    let declared = async_out.unwrap_or(&unit);
    bounds.iter().any(|b| {
        let GenericBound::TraitBound { trait_, .. } = b else {
            return false;
        };
        if !trait_.path.ends_with("Future") {
            return false;
        }
        let Some(GenericArgs::AngleBracketed { constraints, .. }) = trait_.args.as_deref() else {
            return false;
        };
        constraints.iter().any(|c| match &c.binding {
            AssocItemConstraintKind::Equality(Term::Type(t)) if c.name == "Output" => {
                if async_is_new {
                    types.eq_ty(t, declared)
                } else {
                    types.eq_ty(declared, t)
                }
            }
            _ => false,
        })
    })
}
