//! variance-changed: a public type is no longer covariant (or contravariant) in one of its
//! lifetime or type parameters. rustdoc JSON does not record variance, so this rule finds
//! nothing in a diff: its findings come from the probes of `check --prove` (`prove::probe`),
//! each proven by the compiler.

use super::{Class, Rule, Template};
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "variance-changed",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a type is no longer covariant or contravariant in a lifetime or type parameter (found by check --prove)",
    reference: "https://doc.rust-lang.org/reference/subtyping.html#variance",
    explanation: "Variance says when a `Holder<'long>` may be used where a `Holder<'short>` is \
expected. It follows from the type's fields, so a private field change (a `&'a T` wrapped in a \
`Cell`, a `fn(T)` added) can make a type invariant, and code that shortened a lifetime stops \
compiling. rustdoc JSON does not record variance: `check --prove` compiles a probe per parameter \
against both sides and reports the ones that only the baseline passes.",
    example_before: "pub struct Reader<'a> { buf: &'a [u8] }",
    example_after: "pub struct Reader<'a> { buf: Cell<&'a [u8]> }",
    fix: "keep the field covariant (`PhantomData<&'a ()>` beside an invariant private field does not help: wrap the invariant part differently), or release a major version",
    check,
    witness: Template::Impossible("its findings come from compiled probes, each already proven"),
};

/// Nothing to see in rustdoc JSON: `prove::probe` reports this rule's findings.
fn check(_cx: &DiffCx<'_>, _out: &mut Vec<Finding>) {}
