//! Format 60 (rustdoc-types 0.60): added `default_unstable` to functions and associated items, in the shape format 61 keeps.
//!
//! Read with format 58's item (see `v58`); not emitted by any toolchain installable here, so
//! tested with JSON converted from real fixtures (tests/formats.rs).

use rustc_hash::FxHashMap;
use rustdoc_types::{ExternalCrate, Id, Item, ItemSummary};

use super::v58::{self, Item58};
use super::{Slim, Supported};

pub(super) const SUPPORTED: Supported = Supported {
    version: 60,
    emitted_by: "nightlies of July 2026",
};

pub(super) struct Format60;

impl super::Format for Format60 {
    type Item = Item58;
    type Summary = ItemSummary;
    type External = ExternalCrate;

    fn slim(item: &Item58) -> Slim {
        v58::slim_item(item)
    }

    fn item(item: Item58) -> Item {
        v58::convert(item)
    }

    fn summaries(paths: FxHashMap<Id, ItemSummary>) -> FxHashMap<Id, ItemSummary> {
        paths
    }

    fn externals(crates: FxHashMap<u32, ExternalCrate>) -> FxHashMap<u32, ExternalCrate> {
        crates
    }
}
