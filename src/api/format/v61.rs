//! Format 61 (rustdoc-types 0.61): the model itself, read as is.
//!
//! Not emitted by any toolchain installable here yet (nightlies after 1.97); tested with JSON
//! converted from real fixtures through the rustdoc-types 0.61 structs (tests/formats.rs).

use rustc_hash::FxHashMap;
use rustdoc_types::{ExternalCrate, Id, Item, ItemSummary};

use super::{Slim, Supported};

pub(super) const SUPPORTED: Supported = Supported {
    version: 61,
    emitted_by: "nightly from late July 2026 on",
};

pub(super) struct Format61;

impl super::Format for Format61 {
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
