//! trait-method-signature-changed: any change to a trait method's signature.

use super::async_changed::async_change;
use super::support::{compare_bounds, params, receiver, reordered_params};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::api::types::bounds_by_param;
use crate::diff::{CallableKind, DiffCx};
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "trait-method-signature-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a trait method's signature changed (receiver, parameters, return type, safety, generics)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#trait-item-signature",
    explanation: "A trait method's signature is a contract with callers and with implementors. Even a \
change that callers would not notice, such as a generalised parameter, breaks every downstream impl, \
whose method no longer matches the trait.",
    example_before: "pub trait Visitor { fn visit(&mut self, node: &Node); }",
    example_after: "pub trait Visitor { fn visit(&mut self, node: &Node, depth: usize); }",
    fix: "add a new defaulted method instead of changing the existing one",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for c in cx.callables() {
        if c.kind != CallableKind::TraitMethod {
            continue;
        }
        // when the trait's parameters were reordered (trait-generics-changed), match them by
        // name so the methods are not reported again for the same change
        let reordered = match (c.old_outer, c.new_outer) {
            (Some(o), Some(n)) => reordered_params(o, n).is_some(),
            _ => false,
        };
        let types = if reordered {
            cx.types
                .with_generics(&[&c.old.generics], &[&c.new.generics])
        } else {
            c.types(cx)
        };
        let mut changes = Vec::new();
        if receiver(c.old) != receiver(c.new) {
            changes.push(format!(
                "receiver {} -> {}",
                receiver(c.old).describe(),
                receiver(c.new).describe()
            ));
        }
        let (op, np) = (params(c.old), params(c.new));
        if op.len() != np.len() {
            changes.push(format!("{} parameter(s) -> {}", op.len(), np.len()));
        } else if op.iter().zip(np).any(|((_, a), (_, b))| !types.eq_ty(a, b)) {
            changes.push("parameter types".into());
        }
        if c.old.header.is_async != c.new.header.is_async {
            // `async fn` and `fn -> impl Future<Output = T>` are the same trait item
            if let Some(why) = async_change(&types, c.old, c.new, true) {
                let what = if c.new.header.is_async {
                    "became async"
                } else {
                    "is no longer async"
                };
                changes.push(format!("{what} ({why})"));
            }
        } else if !types.eq_opt_ty(c.old.sig.output.as_ref(), c.new.sig.output.as_ref()) {
            changes.push("return type".into());
        }
        if c.old.header.is_unsafe != c.new.header.is_unsafe {
            changes.push(
                if c.new.header.is_unsafe {
                    "became unsafe"
                } else {
                    "is no longer unsafe"
                }
                .into(),
            );
        }
        let (ob, nb) = (
            bounds_by_param(&c.old.generics),
            bounds_by_param(&c.new.generics),
        );
        if ob.len() != nb.len() {
            changes.push("generic parameters".into());
        } else {
            let (tightened, loosened) = compare_bounds(&types, &c.old.generics, &c.new.generics);
            if !tightened.is_empty() {
                changes.push(format!("new bounds {}", tightened.join(", ")));
            }
            if !loosened.is_empty() {
                changes.push(format!("dropped bounds {} (implementors' signatures no longer match)", loosened.join(", ")));
            }
        }
        if !changes.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    c.path,
                    format!(
                        "trait method `{}` changed signature: {}",
                        c.path,
                        changes.join(", ")
                    ),
                )
                .spans(c.old_item, c.new_item)
                .signatures(cx.old, c.old_item, cx.new, c.new_item),
            );
        }
    }
}

/// The witness: implement the trait for a local type, writing the method with its old signature.
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implement_method(cx, &f.path)
}
