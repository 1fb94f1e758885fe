//! auto-trait-lost: a type stopped being Send, Sync, Unpin, UnwindSafe or RefUnwindSafe.


use super::support::{impls_of, trait_name, AUTO_TRAITS};
use super::{Class, Rule, Template};
use crate::rules::witness::template::{self as t, Code, WitnessCx};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "auto-trait-lost",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a type lost an auto trait (Send, Sync, Unpin, UnwindSafe, RefUnwindSafe)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Auto traits are implemented implicitly from a type's fields, so a private field \
change (an `Rc`, a raw pointer, a `Cell`) can silently remove `Send` or `Sync`. Users who moved the \
type across threads, or held it across an `.await` in a spawned task, stop compiling. This is one of \
the most common breakages shipped in minor releases. Gaining an auto trait is additive: users \
may now send or share the type.",
    example_before: "pub struct Handle { inner: Arc<Inner> }",
    example_after: "pub struct Handle { inner: Rc<Inner> }",
    fix: "keep the field types thread-safe, or add an explicit `unsafe impl Send` if it is sound",
    check,
    witness: Template::Code(witness),
};

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        // which auto traits a side implements, positively: one walk over its impls
        let held = |api, item| {
            let impls = impls_of(api, item);
            AUTO_TRAITS.map(|name| {
                impls
                    .iter()
                    .any(|(_, imp)| !imp.is_negative && trait_name(imp) == Some(name))
            })
        };
        let (old_has, new_has) = (held(cx.old, pair.old), held(cx.new, pair.new));
        for (i, name) in AUTO_TRAITS.iter().enumerate() {
            if !old_has[i] && new_has[i] {
                // users may now move or share it across threads: new abilities
                out.push(
                    Finding::new(&RULE, pair.path, format!("`{}` is now `{name}`", pair.path))
                        .class(Class::Additive)
                        .spans(pair.old, pair.new),
                );
            }
            if old_has[i] && !new_has[i] {
                out.push(
                    Finding::new(
                        &RULE,
                        pair.path,
                        format!("`{}` is no longer `{name}`", pair.path),
                    )
                    .spans(pair.old, pair.new),
                );
            }
        }
    }
}

/// The witness: require the auto trait of the type (`fn is<T: Send>()`).
fn witness(cx: &WitnessCx<'_>, f: &Finding) -> Option<Code> {
    t::implements(cx, &f.path, t::auto_trait_path(t::quoted(&f.message).get(1)?)?)
}
