//! The window of rustdoc JSON formats semgate reads, each converted into one model.
//!
//! The model is the newest `rustdoc_types` (format [`NEWEST`]); rules only ever see it. Every
//! other supported format has one file here that says how its JSON differs from the newest and
//! converts it up, item by item, while the index streams in. The format is chosen from the
//! file's `format_version` before deserialising, so a file is always read with the types of
//! the format it claims, never guessed at.
//!
//! Adding a format, dropping one: see "rustdoc JSON formats" in ARCHITECTURE.md.

use std::io::Read;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use rustdoc_types::{ExternalCrate, Id, Item, ItemEnum, ItemSummary};

use super::krate::{Crate, ItemIndex};
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub use stream::{DocError, Entry};

mod stream;
mod v37;
mod v57;
mod v58;
mod v59;
mod v60;
mod v61;

/// The format of the model (the newest `rustdoc_types` semgate depends on).
pub const NEWEST: u32 = rustdoc_types::FORMAT_VERSION;

/// A format semgate reads, and where such JSON comes from.
#[derive(Debug, Clone, Copy)]
pub struct Supported {
    pub version: u32,
    /// Which toolchains emit it, for `--version --verbose` and error messages.
    pub emitted_by: &'static str,
}

/// Every supported format, oldest first.
pub const SUPPORTED: &[Supported] = &[
    v37::SUPPORTED,
    v57::SUPPORTED,
    v58::SUPPORTED,
    v59::SUPPORTED,
    v60::SUPPORTED,
    v61::SUPPORTED,
];

/// Whether `version` is in the window.
pub fn is_supported(version: u32) -> bool {
    SUPPORTED.iter().any(|f| f.version == version)
}

/// The supported versions as text: `37, 57, 58, 59, 60, 61`.
pub fn supported_list() -> String {
    SUPPORTED
        .iter()
        .map(|f| f.version.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one format contributes: the types its JSON is read with and their conversion into the
/// model. Slimming (see `load`) is decided on the format's own item, before converting, so
/// that what is dropped is never converted.
pub(super) trait Format {
    /// An entry of `index` as this format writes it.
    type Item: DeserializeOwned + Send;
    /// An entry of `paths`.
    type Summary: DeserializeOwned;
    /// An entry of `external_crates`.
    type External: DeserializeOwned;

    fn slim(item: &Self::Item) -> Slim;
    fn item(item: Self::Item) -> Item;
    fn summaries(paths: FxHashMap<Id, Self::Summary>) -> FxHashMap<Id, ItemSummary>;
    fn externals(crates: FxHashMap<u32, Self::External>) -> FxHashMap<u32, ExternalCrate>;

    /// Fills in what the format leaves out and the model has, once the whole crate is read.
    fn finish(_krate: &mut Crate) {}
}

/// What the loader does with one index entry.
pub(super) enum Slim {
    Keep,
    /// an impl no rule reads
    Drop,
    /// a blanket impl: dropped with its associated items (`impl<T> From<T> for T`, repeated
    /// for every type, is most of a large crate's JSON)
    DropWithMembers(Vec<Id>),
}

/// Whether an impl is one of the unstable `Freeze`/`UnsafeUnpin` auto-trait impls rustdoc
/// synthesises for every type: no stable code can name those traits.
pub(super) fn is_unstable_auto_impl(is_synthetic: bool, trait_path: Option<&str>) -> bool {
    is_synthetic && matches!(trait_path, Some("Freeze" | "UnsafeUnpin"))
}

/// The result of reading a file: the model, and what slimming dropped (so that validation can
/// tell an id that was dropped on purpose from one that points at nothing).
pub struct Loaded {
    pub krate: Crate,
    pub dropped: Dropped,
}

/// The ids slimming dropped: impls, and the associated items of blanket impls.
#[derive(Default)]
pub struct Dropped {
    pub impls: FxHashSet<Id>,
    pub members: FxHashSet<Id>,
}

/// Reads a document of format `version` from `reader`. `None`: the format is not supported.
pub(super) fn read<R: Read>(version: u32, reader: R) -> Option<Result<Loaded, DocError>> {
    Some(match version {
        37 => read_as::<v37::Format37, R>(reader),
        57 => read_as::<v57::Format57, R>(reader),
        58 => read_as::<v58::Format58, R>(reader),
        59 => read_as::<v59::Format59, R>(reader),
        60 => read_as::<v60::Format60, R>(reader),
        61 => read_as::<v61::Format61, R>(reader),
        _ => return None,
    })
}

fn read_as<F: Format, R: Read>(reader: R) -> Result<Loaded, DocError> {
    let mut items: Vec<(Id, Item)> = Vec::new();
    let mut dropped = Dropped::default();
    let mut blanket_members = Vec::new();
    // slimming and conversion run on the parallel side, entry by entry
    let convert = |entry: Entry<F::Item>| match entry {
        Entry::Blanket(members) => (None, Slim::DropWithMembers(members)),
        Entry::Item(item) => match F::slim(&item) {
            Slim::Keep => {
                let mut item = F::item(item);
                item.docs = None;
                item.links = Default::default();
                (Some(item), Slim::Keep)
            }
            other => (None, other),
        },
    };
    let rest = stream::walk::<R, F::Item, _>(reader, convert, |batch| {
        for (id, (item, slim)) in batch {
            match (item, slim) {
                (Some(item), _) => items.push((id, item)),
                (None, Slim::DropWithMembers(members)) => {
                    dropped.impls.insert(id);
                    blanket_members.extend(members);
                }
                (None, _) => {
                    dropped.impls.insert(id);
                }
            }
        }
    })?;
    // rustdoc's per-type copies of a blanket impl list the generic impl's own members: a
    // member the generic impl (kept) lists stays
    let kept_members: FxHashSet<Id> = items
        .iter()
        .filter_map(|(_, item)| match &item.inner {
            ItemEnum::Impl(imp) => Some(imp.items.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    dropped.members = blanket_members
        .into_iter()
        .filter(|id| !kept_members.contains(id))
        .collect();
    // the dropped impls leave the lists of the types and traits they were listed on: they
    // would resolve to nothing there, and every walk over a type's impls would look each up
    // (in aws-sdk-ec2, two in three ids of a type's impl list are blanket impls)
    if !dropped.impls.is_empty() {
        // (a damaged file can repeat an id: one that a kept entry also has still names it)
        let still_named: FxHashSet<Id> = items
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| dropped.impls.contains(id) && !dropped.members.contains(id))
            .collect();
        let forget = |id: &Id| dropped.impls.contains(id) && !still_named.contains(id);
        items
            .par_iter_mut()
            .for_each(|(_, item)| forget_dropped(item, &forget));
    }
    let doc: Document<F> =
        stream::parse_value(&rest.as_object()).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => {
                DocError::Shape(format!("at the top level of the document: {e}"))
            }
            _ => DocError::Syntax(format!("at the top level of the document: {e}")),
        })?;
    let mut krate = Crate {
        root: doc.root,
        crate_version: doc.crate_version,
        includes_private: doc.includes_private,
        // the dropped members are left out of the index, not moved out of the vector
        index: ItemIndex::without(items, |id| dropped.members.contains(id)),
        paths: F::summaries(doc.paths),
        external_crates: F::externals(doc.external_crates),
    };
    F::finish(&mut krate);
    Ok(Loaded { krate, dropped })
}

/// Removes the ids `forget` says from the impl lists of `item`.
fn forget_dropped(item: &mut Item, forget: &impl Fn(&Id) -> bool) {
    let list = match &mut item.inner {
        ItemEnum::Struct(s) => &mut s.impls,
        ItemEnum::Enum(e) => &mut e.impls,
        ItemEnum::Union(u) => &mut u.impls,
        ItemEnum::Trait(t) => &mut t.implementations,
        ItemEnum::Primitive(p) => &mut p.impls,
        _ => return,
    };
    list.retain(|id| !forget(id));
}

/// The top level of every supported format, but the index (which [`stream`] reads). The
/// rest (`target`, `format_version`) is not needed.
#[derive(Deserialize)]
#[serde(bound = "", expecting = "a rustdoc JSON document (a JSON object)")]
struct Document<F: Format> {
    root: Id,
    crate_version: Option<String>,
    includes_private: bool,
    paths: FxHashMap<Id, F::Summary>,
    external_crates: FxHashMap<u32, F::External>,
}

/// An index entry of every format read with the newest types (57, 61): the newest `Item`
/// without what the loader drops anyway, the doc string and the intra-doc link map, which are
/// skipped while parsing instead of being allocated and freed. Absent stability fields (format
/// 57 has none) read as `None`, which is what they mean.
#[derive(Deserialize)]
pub(super) struct ItemNewest {
    id: Id,
    crate_id: u32,
    name: Option<String>,
    span: Option<rustdoc_types::Span>,
    visibility: rustdoc_types::Visibility,
    #[serde(default, rename = "docs")]
    _docs: serde::de::IgnoredAny,
    #[serde(default, rename = "links")]
    _links: serde::de::IgnoredAny,
    attrs: Vec<rustdoc_types::Attribute>,
    deprecation: Option<rustdoc_types::Deprecation>,
    stability: Option<Box<rustdoc_types::Stability>>,
    const_stability: Option<Box<rustdoc_types::Stability>>,
    inner: ItemEnum,
}

impl ItemNewest {
    pub(super) fn slim(&self) -> Slim {
        slim_newest(&self.inner)
    }

    pub(super) fn into_item(self) -> Item {
        let ItemNewest {
            id,
            crate_id,
            name,
            span,
            visibility,
            _docs,
            _links,
            attrs,
            deprecation,
            stability,
            const_stability,
            inner,
        } = self;
        Item {
            id,
            crate_id,
            name,
            span,
            visibility,
            docs: None,
            links: Default::default(),
            attrs,
            deprecation,
            stability,
            const_stability,
            inner,
        }
    }
}

/// One index entry of a format read with the newest types (57, 61), read as the loader reads
/// it: a blanket impl for its members only, anything else into the model's item. Only for
/// `ci/bench/json-floor`, which times this per-entry work alone against the whole loader.
#[doc(hidden)]
pub fn read_newest_entry(bytes: &[u8]) -> Result<Entry<Item>, serde_json::Error> {
    Ok(match stream::read_entry::<ItemNewest>(bytes)? {
        Entry::Item(item) => Entry::Item(item.into_item()),
        Entry::Blanket(members) => Entry::Blanket(members),
    })
}

/// Slimming for every format whose items are read as the newest `Item`'s inner kinds.
pub(super) fn slim_newest(inner: &ItemEnum) -> Slim {
    let ItemEnum::Impl(imp) = inner else {
        return Slim::Keep;
    };
    if imp.blanket_impl.is_some() {
        return Slim::DropWithMembers(imp.items.clone());
    }
    let trait_path = imp.trait_.as_ref().map(|t| t.path.as_str());
    if is_unstable_auto_impl(imp.is_synthetic, trait_path) {
        return Slim::Drop;
    }
    Slim::Keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u32, inner: &str) -> String {
        format!(
            r#""{id}":{{"id":{id},"crate_id":0,"name":null,"span":null,"visibility":"default","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{inner}}}"#
        )
    }

    fn imp(trait_id: u32, blanket: &str) -> String {
        format!(
            r#"{{"impl":{{"is_unsafe":false,"generics":{{"params":[],"where_predicates":[]}},"provided_trait_methods":[],"trait":{{"path":"Tr","id":{trait_id},"args":null}},"for":{{"generic":"T"}},"items":[],"is_negative":false,"is_synthetic":false,"blanket_impl":{blanket}}}}}"#
        )
    }

    fn impls_of_enum(doc: &str) -> Vec<u32> {
        let loaded = read(57, doc.as_bytes()).unwrap().unwrap();
        match &loaded.krate.index[&Id(2)].inner {
            ItemEnum::Enum(e) => e.impls.iter().map(|id| id.0).collect(),
            _ => unreachable!("item 2 is the enum"),
        }
    }

    #[test]
    fn dropped_impls_leave_the_lists_unless_a_kept_entry_has_the_id() {
        let enum_ = entry(
            2,
            r#"{"enum":{"generics":{"params":[],"where_predicates":[]},"has_stripped_variants":false,"variants":[],"impls":[5,6]}}"#,
        );
        let doc = |index: &str| {
            format!(
                r#"{{"root":2,"crate_version":null,"includes_private":false,"index":{{{index}}},"paths":{{}},"external_crates":{{}},"target":{{"triple":"x","target_features":[]}},"format_version":57}}"#
            )
        };
        let blanket = r#"{"generic":"T"}"#;
        // 5 a blanket impl (dropped), 6 a plain impl (kept)
        let index = [
            enum_.clone(),
            entry(5, &imp(9, blanket)),
            entry(6, &imp(9, "null")),
        ];
        assert_eq!(impls_of_enum(&doc(&index.join(","))), [6]);
        // a damaged file repeats id 5, the later entry a plain impl: 5 names it and stays listed
        let index = [
            enum_,
            entry(5, &imp(9, blanket)),
            entry(5, &imp(9, "null")),
            entry(6, &imp(9, "null")),
        ];
        assert_eq!(impls_of_enum(&doc(&index.join(","))), [5, 6]);
    }
}
