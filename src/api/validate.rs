//! Structural checks on a loaded crate, so that a damaged file is an error and never a
//! smaller API.
//!
//! The public-API walk treats a missing item as "not public": right for an id that points at
//! something slimming dropped, disastrous for a corrupt file, where a missing root would read as
//! "every item was removed" on the current side, or as "nothing existed" on the baseline (and
//! a real removal then passes as an addition). So before any rule runs, everything the walk
//! follows must exist and have the kind its parent says it has. Ids that the loader dropped on
//! purpose (blanket impls and their members) are known and allowed; so are re-exports of items
//! of other crates, which rustdoc describes in `paths` rather than in the index.

use std::fmt::Write;

use anyhow::{bail, Result};
use rustc_hash::FxHashSet;
use rustdoc_types::{Id, Item, ItemEnum, StructKind, VariantKind};

use super::krate::Crate;

use super::format::{Dropped, Loaded};

/// How many defects are named in the message; the rest are counted.
const SHOWN: usize = 5;

/// Validates a loaded crate and hands back the model.
pub(super) fn checked(loaded: Loaded) -> Result<Crate> {
    let defects = defects(&loaded.krate, &loaded.dropped);
    if defects.is_empty() {
        return Ok(loaded.krate);
    }
    let mut msg = format!(
        "the rustdoc JSON is damaged: {} structural defect(s), so its public API cannot be trusted",
        defects.len()
    );
    for d in defects.iter().take(SHOWN) {
        let _ = write!(msg, "\n  - {d}");
    }
    if defects.len() > SHOWN {
        let _ = write!(msg, "\n  - ... and {} more", defects.len() - SHOWN);
    }
    msg.push_str("\nhelp: rebuild it with `cargo rustdoc -- -Z unstable-options --output-format json` (or delete the cached copy under target/semgate/cache); a file edited by hand or cut short cannot be compared");
    bail!(msg)
}

/// Every defect, in id order (so the message is the same on every run).
fn defects(krate: &Crate, dropped: &Dropped) -> Vec<String> {
    let mut found: Vec<(u32, String)> = Vec::new();
    let root_defect = match krate.index.get(&krate.root) {
        None => Some("the crate root is not in the index".to_string()),
        Some(item) => match &item.inner {
            ItemEnum::Module(m) if m.is_crate && item.name.is_some() => None,
            ItemEnum::Module(_) => {
                Some("the crate root is a module without a crate name".to_string())
            }
            other => Some(format!(
                "the crate root is {}, not a module",
                super::model::noun(other)
            )),
        },
    };
    if let Some(d) = root_defect {
        found.push((krate.root.0, format!("{d} (root id {})", krate.root.0)));
    }

    // a `use` no module lists is unreachable, and rustdoc leaves such orphans behind with
    // targets it stripped (itertools 0.12.0: `pub use self::map::map_into` in a private module)
    let listed: FxHashSet<Id> = krate
        .index
        .values()
        .filter_map(|item| match &item.inner {
            ItemEnum::Module(m) => Some(m.items.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    let check = Check {
        krate,
        dropped,
        listed,
    };
    for (id, item) in &krate.index {
        let mut push = |d: String| found.push((id.0, format!("{} {d}", describe(*id, item))));
        if item.id != *id {
            push(format!("is stored under id {}", id.0));
        }
        check.item(*id, item, &mut push);
    }
    found.sort();
    found.into_iter().map(|(_, d)| d).collect()
}

struct Check<'a> {
    krate: &'a Crate,
    dropped: &'a Dropped,
    /// the items some module lists
    listed: FxHashSet<Id>,
}

#[derive(Clone, Copy, PartialEq)]
enum Want {
    Any,
    Field,
    Variant,
    Impl,
    AssocItem,
}

impl Want {
    fn accepts(self, inner: &ItemEnum) -> bool {
        match self {
            Want::Any => true,
            Want::Field => matches!(inner, ItemEnum::StructField(_)),
            Want::Variant => matches!(inner, ItemEnum::Variant(_)),
            Want::Impl => matches!(inner, ItemEnum::Impl(_)),
            Want::AssocItem => matches!(
                inner,
                ItemEnum::Function(_) | ItemEnum::AssocConst { .. } | ItemEnum::AssocType { .. }
            ),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Want::Any => "item",
            Want::Field => "field",
            Want::Variant => "variant",
            Want::Impl => "impl",
            Want::AssocItem => "associated item",
        }
    }
}

impl Check<'_> {
    fn item(&self, id: Id, item: &Item, push: &mut impl FnMut(String)) {
        // a type without a definition path has no identity to compare across versions (or
        // with itself); rustdoc records one for every type of the crate it documents
        let is_type = matches!(
            item.inner,
            ItemEnum::Struct(_)
                | ItemEnum::Enum(_)
                | ItemEnum::Union(_)
                | ItemEnum::Trait(_)
                | ItemEnum::TraitAlias(_)
                | ItemEnum::TypeAlias(_)
        );
        if is_type && item.crate_id == 0 && !self.krate.paths.contains_key(&id) {
            push(
                "has no entry in `paths`, which rustdoc writes for every type of the crate"
                    .to_string(),
            );
        }
        let mut child = |list: &str, child: Id, want: Want| {
            self.child(id, list, child, want, push);
        };
        match &item.inner {
            ItemEnum::Module(m) => {
                for &c in &m.items {
                    child("items", c, Want::Any);
                }
            }
            ItemEnum::Struct(s) => {
                match &s.kind {
                    StructKind::Unit => {}
                    StructKind::Tuple(fields) => {
                        for &f in fields.iter().flatten() {
                            child("fields", f, Want::Field);
                        }
                    }
                    StructKind::Plain { fields, .. } => {
                        for &f in fields {
                            child("fields", f, Want::Field);
                        }
                    }
                }
                for &i in &s.impls {
                    child("impls", i, Want::Impl);
                }
            }
            ItemEnum::Union(u) => {
                for &f in &u.fields {
                    child("fields", f, Want::Field);
                }
                for &i in &u.impls {
                    child("impls", i, Want::Impl);
                }
            }
            ItemEnum::Enum(e) => {
                for &v in &e.variants {
                    child("variants", v, Want::Variant);
                }
                for &i in &e.impls {
                    child("impls", i, Want::Impl);
                }
            }
            ItemEnum::Variant(v) => match &v.kind {
                VariantKind::Plain => {}
                VariantKind::Tuple(fields) => {
                    for &f in fields.iter().flatten() {
                        child("fields", f, Want::Field);
                    }
                }
                VariantKind::Struct { fields, .. } => {
                    for &f in fields {
                        child("fields", f, Want::Field);
                    }
                }
            },
            ItemEnum::Trait(t) => {
                for &i in &t.items {
                    child("items", i, Want::AssocItem);
                }
                for &i in &t.implementations {
                    child("implementations", i, Want::Impl);
                }
            }
            ItemEnum::Impl(imp) => {
                for &i in &imp.items {
                    child("items", i, Want::AssocItem);
                }
            }
            ItemEnum::Primitive(p) => {
                for &i in &p.impls {
                    child("impls", i, Want::Impl);
                }
            }
            ItemEnum::Use(u) if self.listed.contains(&id) => {
                if let Some(target) = u.id {
                    let known = self.krate.index.contains_key(&target)
                        || self.krate.paths.contains_key(&target)
                        || self.dropped.impls.contains(&target)
                        || self.dropped.members.contains(&target);
                    if !known {
                        push(format!(
                            "re-exports id {}, which is neither in the index nor a known item of another crate",
                            target.0
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    fn child(&self, parent: Id, list: &str, child: Id, want: Want, push: &mut impl FnMut(String)) {
        if child == parent {
            push(format!("lists itself among its {list}"));
            return;
        }
        match self.krate.index.get(&child) {
            Some(item) if want.accepts(&item.inner) => {}
            Some(item) => push(format!(
                "lists {} among its {list}, which is not a {}",
                describe(child, item),
                want.noun()
            )),
            // kept items list dropped impls (a type's blanket impls), never dropped members
            None if self.dropped.impls.contains(&child)
                && matches!(want, Want::Impl | Want::Any) => {}
            None if self.dropped.impls.contains(&child)
                || self.dropped.members.contains(&child) =>
            {
                push(format!(
                    "lists impl item {} among its {list}, which is not a {}",
                    child.0,
                    want.noun()
                ))
            }
            None => push(format!(
                "lists id {} among its {list}, which is not in the index",
                child.0
            )),
        }
    }
}

/// `enum 17 (`Color`)`.
fn describe(id: Id, item: &Item) -> String {
    match &item.name {
        Some(name) => format!("{} {} (`{name}`)", super::model::noun(&item.inner), id.0),
        None => format!("{} {}", super::model::noun(&item.inner), id.0),
    }
}

#[cfg(test)]
mod tests {
    use crate::api::load::parse_crate;

    const FN: &str = r#""1":{"id":1,"crate_id":0,"name":"f","span":null,"visibility":"public","docs":null,"links":{},"attrs":[],"deprecation":null,"inner":{"function":{"sig":{"inputs":[],"output":null,"is_c_variadic":false},"generics":{"params":[],"where_predicates":[]},"header":{"is_const":false,"is_unsafe":false,"is_async":false,"abi":"Rust"},"has_body":true}}}"#;

    fn doc(root: u32, index: &str) -> String {
        format!(
            r#"{{"root":{root},"crate_version":null,"includes_private":false,"index":{{{index}}},"paths":{{}},"external_crates":{{}},"target":{{"triple":"x","target_features":[]}},"format_version":57}}"#
        )
    }

    fn module(id: u32, items: &str) -> String {
        format!(
            r#""{id}":{{"id":{id},"crate_id":0,"name":"demo","span":null,"visibility":"public","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{{"module":{{"is_crate":true,"items":[{items}],"is_stripped":false}}}}}}"#
        )
    }

    fn error(doc: &str) -> String {
        format!(
            "{:#}",
            parse_crate(doc.as_bytes()).expect_err("must be refused")
        )
    }

    fn use_of(id: u32, target: u32) -> String {
        format!(
            r#""{id}":{{"id":{id},"crate_id":0,"name":null,"span":null,"visibility":"public","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{{"use":{{"source":"self::x","name":"x","id":{target},"is_glob":false}}}}}}"#
        )
    }

    #[test]
    fn a_dangling_re_export_counts_only_where_a_module_lists_it() {
        // listed by the root: the walk would follow it, so the file is damaged
        let msg = error(&doc(0, &format!("{},{}", module(0, "5"), use_of(5, 99))));
        assert!(msg.contains("re-exports id 99"), "{msg}");
        // listed by no module (rustdoc's leftover from a stripped private module): harmless
        let krate = parse_crate(doc(0, &format!("{},{}", module(0, ""), use_of(5, 99))).as_bytes())
            .expect("an orphan re-export is not a defect");
        assert_eq!(krate.index.len(), 2);
    }

    #[test]
    fn a_sound_crate_loads() {
        let krate =
            parse_crate(doc(0, &format!("{},{FN}", module(0, "1"))).as_bytes()).expect("valid");
        assert_eq!(krate.index.len(), 2);
    }

    #[test]
    fn a_missing_or_wrong_root_is_named() {
        let msg = error(&doc(7, &format!("{},{FN}", module(0, "1"))));
        assert!(msg.contains("crate root is not in the index"), "{msg}");
        let msg = error(&doc(1, &format!("{},{FN}", module(0, "1"))));
        assert!(
            msg.contains("crate root is function, not a module"),
            "{msg}"
        );
    }

    #[test]
    fn ids_pointing_at_nothing_or_the_wrong_kind_are_named() {
        let msg = error(&doc(0, &format!("{},{FN}", module(0, "1,9"))));
        assert!(
            msg.contains("module 0 (`demo`) lists id 9 among its items, which is not in the index"),
            "{msg}"
        );
        let enum_of_itself = r#""2":{"id":2,"crate_id":0,"name":"E","span":null,"visibility":"public","docs":null,"links":{},"attrs":[],"deprecation":null,"inner":{"enum":{"generics":{"params":[],"where_predicates":[]},"has_stripped_variants":false,"variants":[2,1],"impls":[]}}}"#;
        let msg = error(&doc(
            0,
            &format!("{},{FN},{enum_of_itself}", module(0, "1,2")),
        ));
        assert!(
            msg.contains("enum 2 (`E`) lists itself among its variants"),
            "{msg}"
        );
        assert!(
            msg.contains("lists function 1 (`f`) among its variants, which is not a variant"),
            "{msg}"
        );
        assert!(
            msg.contains("enum 2 (`E`) has no entry in `paths`"),
            "{msg}"
        );
        assert!(msg.contains("3 structural defect(s)"), "{msg}");
    }
}
