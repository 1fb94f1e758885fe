//! Format 58 (rustdoc-types 0.58): added `Item::stability`, in a shape format 61 changed.
//!
//! In formats 58 to 60 a stability record is one flat object whose `level` field is an
//! internal tag (`{"feature": "f", "level": "stable", "since": "1.0.0"}`); format 61 nests the
//! level (`"level": {"stable": {"since": "1.0.0"}}`). Nothing else differs from format 61 that
//! format 58 has, so only the item's top level is read with these types and the rest with the
//! newest ones. Formats 59 and 60 reuse [`Item58`].
//!
//! No toolchain installable here emits formats 58 to 60 (nightlies of June and July 2026);
//! they are tested with JSON converted from real fixtures through the rustdoc-types 0.61
//! structs, with the stability records rewritten to this shape (tests/formats.rs).

use rustc_hash::FxHashMap;
use rustdoc_types::{
    Attribute, Deprecation, ExternalCrate, Id, Item, ItemEnum, ItemSummary, Span, Stability,
    StabilityLevel, Visibility,
};
use serde::Deserialize;

use super::{Slim, Supported};

pub(super) const SUPPORTED: Supported = Supported {
    version: 58,
    emitted_by: "nightly of late June 2026",
};

/// An index entry of formats 58 to 60.
#[derive(Deserialize)]
pub(super) struct Item58 {
    id: Id,
    crate_id: u32,
    name: Option<String>,
    span: Option<Span>,
    visibility: Visibility,
    docs: Option<String>,
    links: FxHashMap<String, Id>,
    attrs: Vec<Attribute>,
    deprecation: Option<Deprecation>,
    stability: Option<Box<Stability58>>,
    /// added in format 59
    const_stability: Option<Box<Stability58>>,
    inner: ItemEnum,
}

#[derive(Deserialize)]
struct Stability58 {
    feature: String,
    #[serde(flatten)]
    level: Level58,
}

#[derive(Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
enum Level58 {
    Stable { since: Option<String> },
    Unstable,
}

impl Stability58 {
    fn into_newest(self) -> Box<Stability> {
        Box::new(Stability {
            feature: self.feature,
            level: match self.level {
                Level58::Stable { since } => StabilityLevel::Stable { since },
                Level58::Unstable => StabilityLevel::Unstable,
            },
        })
    }
}

pub(super) fn slim_item(item: &Item58) -> Slim {
    super::slim_newest(&item.inner)
}

pub(super) fn convert(item: Item58) -> Item {
    Item {
        id: item.id,
        crate_id: item.crate_id,
        name: item.name,
        span: item.span,
        visibility: item.visibility,
        docs: item.docs,
        links: item.links,
        attrs: item.attrs,
        deprecation: item.deprecation,
        stability: item.stability.map(|s| s.into_newest()),
        const_stability: item.const_stability.map(|s| s.into_newest()),
        inner: item.inner,
    }
}

pub(super) struct Format58;

impl super::Format for Format58 {
    type Item = Item58;
    type Summary = ItemSummary;
    type External = ExternalCrate;

    fn slim(item: &Item58) -> Slim {
        slim_item(item)
    }

    fn item(item: Item58) -> Item {
        convert(item)
    }

    fn summaries(paths: FxHashMap<Id, ItemSummary>) -> FxHashMap<Id, ItemSummary> {
        paths
    }

    fn externals(crates: FxHashMap<u32, ExternalCrate>) -> FxHashMap<u32, ExternalCrate> {
        crates
    }
}
