//! repr-changed: a type's layout guarantee (`repr`) was removed or changed.

use rustdoc_types::{AttributeRepr, ReprKind};

use super::support::{repr, struct_fields};
use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "repr-changed",
    classes: &[Class::Breaking, Class::Additive],
    possibly_breaking: false,
    summary: "a type's repr (C, transparent, integer, packed, align) was removed or changed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#type-layout",
    explanation:
        "`repr(C)`, `repr(transparent)` and `repr(u8)`-style reprs are layout promises that \
FFI code, transmutes and `as` casts depend on. Removing or changing them breaks that code, often \
silently. `packed` and `align` change size and alignment, so adding, removing or changing them \
breaks too, and reordering the public fields of a `repr(C)` struct changes its layout. Adding \
`repr(C)`, `repr(transparent)` or an integer repr to a type without one is additive.",
    example_before: "#[repr(C)]\npub struct Header { pub len: u32, pub kind: u16 }",
    example_after: "pub struct Header { pub len: u32, pub kind: u16 }",
    fix: "keep the repr",
    check,
    witness: Template::NotYet("compile-time assertions on size_of and align_of"),
};

fn describe(r: Option<&AttributeRepr>) -> String {
    let Some(r) = r else {
        return "the default layout".into();
    };
    let mut parts = Vec::new();
    match r.kind {
        ReprKind::C => parts.push("C".to_string()),
        ReprKind::Transparent => parts.push("transparent".into()),
        ReprKind::Simd => parts.push("simd".into()),
        ReprKind::Rust => {}
    }
    if let Some(i) = &r.int {
        parts.push(i.clone());
    }
    if let Some(p) = r.packed {
        parts.push(format!("packed({p})"));
    }
    if let Some(a) = r.align {
        parts.push(format!("align({a})"));
    }
    if parts.is_empty() {
        "the default layout".into()
    } else {
        format!("repr({})", parts.join(", "))
    }
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.type_pairs() {
        let (o, n) = (repr(pair.old), repr(pair.new));
        let kind = |r: Option<&AttributeRepr>| r.map(|r| r.kind.clone()).unwrap_or(ReprKind::Rust);
        let int = |r: Option<&AttributeRepr>| r.and_then(|r| r.int.clone());
        let packed = |r: Option<&AttributeRepr>| r.and_then(|r| r.packed);
        let align = |r: Option<&AttributeRepr>| r.and_then(|r| r.align);
        let mut problems = Vec::new();
        if kind(o) != ReprKind::Rust && kind(o) != kind(n) {
            problems.push("layout kind");
        }
        if int(o).is_some() && int(o) != int(n) {
            problems.push("integer representation");
        }
        if packed(o) != packed(n) {
            problems.push("packing");
        }
        if align(o) != align(n) {
            problems.push("alignment");
        }
        if !problems.is_empty() {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!(
                        "`{}` changed from {} to {} ({})",
                        pair.path,
                        describe(o),
                        describe(n),
                        problems.join(", ")
                    ),
                )
                .spans(pair.old, pair.new),
            );
            continue;
        }
        if kind(o) == ReprKind::C && kind(n) == ReprKind::C {
            if let (Some(of), Some(nf)) = (
                struct_fields(cx.old, pair.old),
                struct_fields(cx.new, pair.new),
            ) {
                let order = |f: &super::support::Fields| {
                    f.public.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()
                };
                let (a, b) = (order(&of), order(&nf));
                let common_a: Vec<&String> = a.iter().filter(|k| b.contains(k)).collect();
                let common_b: Vec<&String> = b.iter().filter(|k| a.contains(k)).collect();
                if common_a != common_b {
                    out.push(
                        Finding::new(
                            &RULE,
                            pair.path,
                            format!("fields of repr(C) struct `{}` were reordered", pair.path),
                        )
                        .spans(pair.old, pair.new)
                        .signatures(cx.old, pair.old, cx.new, pair.new),
                    );
                    continue;
                }
            }
        }
        if o.is_none_or(|r| r.kind == ReprKind::Rust && r.int.is_none()) && n != o && n.is_some() {
            out.push(
                Finding::new(
                    &RULE,
                    pair.path,
                    format!("`{}` now has {}", pair.path, describe(n)),
                )
                .class(Class::Additive)
                .spans(pair.old, pair.new),
            );
        }
    }
}
