//! trait-no-longer-dyn-compatible: a trait that could be used as `dyn Trait` no longer can.

use rustdoc_types::{GenericArg, GenericArgs, GenericBound, Item, ItemEnum, Type, WherePredicate};
use crate::api::types::last_segment;

use super::support::{receiver, Receiver};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::Api;
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "trait-no-longer-dyn-compatible",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait lost dyn compatibility (object safety)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#trait-object-safety",
    explanation: "`dyn Trait` is only allowed for dyn-compatible traits. An associated const, a generic \
method, a method without a `self` receiver, or one that takes or returns `Self`, makes the trait \
incompatible unless the method is fenced off with `where Self: Sized`. Every `Box<dyn Trait>` and \
`&dyn Trait` downstream then stops compiling. Rustdoc computes dyn compatibility, so this rule uses \
the compiler's verdict and only names the likely cause.",
    example_before: "pub trait Visitor { fn visit(&self, node: u32); }",
    example_after: "pub trait Visitor { fn visit(&self, node: u32); fn visit_all<I: IntoIterator<Item = u32>>(&self, nodes: I) {} }",
    fix: "add `where Self: Sized` to the new method, or move it to an extension trait",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.pairs_where(|i| matches!(i, ItemEnum::Trait(_))) {
        let (ItemEnum::Trait(ot), ItemEnum::Trait(nt)) = (&pair.old.inner, &pair.new.inner) else {
            continue;
        };
        if !ot.is_dyn_compatible || nt.is_dyn_compatible {
            continue;
        }
        let why = cause(cx.new, pair.new)
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        out.push(
            Finding::new(
                &RULE,
                pair.path,
                format!(
                    "trait `{}` is no longer dyn-compatible{why}: `dyn {}` no longer compiles",
                    pair.path,
                    pair.new.name.as_deref().unwrap_or("_")
                ),
            )
            .spans(pair.old, pair.new),
        );
    }
}

/// The first thing in the trait that makes it dyn-incompatible, in words.
fn cause(api: &Api, item: &Item) -> Option<String> {
    let ItemEnum::Trait(t) = &item.inner else {
        return None;
    };
    let self_sized = t.bounds.iter().any(is_sized)
        || t.generics.where_predicates.iter().any(|p| match p {
            WherePredicate::BoundPredicate {
                type_: Type::Generic(g),
                bounds,
                ..
            } => g == "Self" && bounds.iter().any(is_sized),
            _ => false,
        });
    if self_sized {
        return Some("it now requires `Self: Sized`".into());
    }
    for member in t.items.iter().filter_map(|id| api.item(*id)) {
        let name = member.name.as_deref().unwrap_or("_");
        match &member.inner {
            ItemEnum::AssocConst { .. } => return Some(format!("associated const `{name}`")),
            ItemEnum::AssocType { generics, .. } if !generics.params.is_empty() => {
                return Some(format!("generic associated type `{name}`"))
            }
            ItemEnum::Function(f) => {
                let fenced = f.generics.where_predicates.iter().any(|p| match p {
                    WherePredicate::BoundPredicate {
                        type_: Type::Generic(g),
                        bounds,
                        ..
                    } => g == "Self" && bounds.iter().any(is_sized),
                    _ => false,
                });
                if fenced {
                    continue;
                }
                let generic = f.generics.params.iter().any(|p| {
                    !matches!(p.kind, rustdoc_types::GenericParamDefKind::Lifetime { .. })
                });
                if generic {
                    return Some(format!(
                        "method `{name}` is generic and not fenced off with `where Self: Sized`"
                    ));
                }
                let recv = receiver(f);
                if recv == Receiver::None {
                    return Some(format!(
                        "associated function `{name}` has no `self` receiver"
                    ));
                }
                let rest = &f.sig.inputs[1..];
                if rest.iter().any(|(_, ty)| mentions_self(ty))
                    || f.sig.output.as_ref().is_some_and(mentions_self)
                {
                    return Some(format!("method `{name}` takes or returns `Self`"));
                }
                if f.header.is_async || matches!(f.sig.output, Some(Type::ImplTrait(_))) {
                    return Some(format!(
                        "method `{name}` returns an opaque `impl Trait` type"
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

fn is_sized(b: &GenericBound) -> bool {
    matches!(b, GenericBound::TraitBound { trait_, modifier: rustdoc_types::TraitBoundModifier::None, .. }
        if last_segment(&trait_.path) == "Sized")
}

/// Whether a type names `Self` itself (a projection such as `Self::Item` is allowed).
fn mentions_self(ty: &Type) -> bool {
    match ty {
        Type::Generic(g) => g == "Self",
        Type::ResolvedPath(p) => match p.args.as_deref() {
            Some(GenericArgs::AngleBracketed { args, .. }) => args.iter().any(|a| match a {
                GenericArg::Type(t) => mentions_self(t),
                _ => false,
            }),
            Some(GenericArgs::Parenthesized { inputs, output }) => {
                inputs.iter().any(mentions_self) || output.as_ref().is_some_and(mentions_self)
            }
            _ => false,
        },
        Type::BorrowedRef { type_, .. } | Type::RawPointer { type_, .. } | Type::Slice(type_) => {
            mentions_self(type_)
        }
        Type::Array { type_, .. } => mentions_self(type_),
        Type::Tuple(ts) => ts.iter().any(mentions_self),
        _ => false,
    }
}

/// The witness: take a `&dyn Trait`.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::dyn_trait(cx, &f.path)
}
