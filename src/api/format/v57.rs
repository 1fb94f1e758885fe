//! Format 57 (rustdoc-types 0.57): what rustc 1.95 stable, 1.96 and the 1.97 nightly emit.
//!
//! Formats 58 to 61 only added fields, all optional (`Item::stability`, `Item::const_stability`,
//! `default_unstable` on functions and associated items), and changed the shape of nothing
//! format 57 has. So format 57 is read with the newest types directly: the added fields are
//! absent and read as `None`, which is what they mean (no stability attribute: every crate
//! outside the standard library). tests/formats.rs checks this claim against the
//! rustdoc-types 0.57 structs themselves on real fixture JSON.

use rustc_hash::FxHashMap;
use rustdoc_types::{ExternalCrate, Id, Item, ItemSummary};

use super::{Slim, Supported};

pub(super) const SUPPORTED: Supported = Supported {
    version: 57,
    emitted_by: "rustc 1.95 and 1.96 stable, 1.97 nightly",
};

pub(super) struct Format57;

impl super::Format for Format57 {
    type Item = super::ItemNewest;
    type Summary = ItemSummary;
    type External = ExternalCrate;

    fn slim(item: &super::ItemNewest) -> Slim {
        item.slim()
    }

    fn item(item: super::ItemNewest) -> Item {
        item.into_item()
    }

    fn summaries(paths: FxHashMap<Id, ItemSummary>) -> FxHashMap<Id, ItemSummary> {
        paths
    }

    fn externals(crates: FxHashMap<u32, ExternalCrate>) -> FxHashMap<u32, ExternalCrate> {
        crates
    }
}
