//! The loaded crate: `rustdoc_types::Crate` with its index held as a vector, in id order.
//!
//! rustdoc's own `Crate` keeps the index in a hash map of whole items. An item is 568 bytes,
//! and a map of the 238k items aws-sdk-ec2 keeps (after slimming) has 524,288 buckets of
//! them: 290 MB per side, half the model, most of it empty slots, moved on every resize while
//! loading. Here the items stay where the loader put them, in one vector in file order
//! (exactly their size, never moved again), and a lookup goes through a table from id to
//! position: a direct table when ids are dense (rustdoc numbers items from 0), a binary
//! search over the ids when a (damaged or unusual) file uses a few huge ids. Iteration is in
//! id order, so everything that walks the index sees the same order on every run.

use std::ops::Index;

use rustc_hash::FxHashMap;
use rustdoc_types::{ExternalCrate, Id, Item, ItemSummary};

/// A crate as the rules see it (the fields of `rustdoc_types::Crate` semgate reads).
#[derive(Debug, PartialEq)]
pub struct Crate {
    pub root: Id,
    pub crate_version: Option<String>,
    pub includes_private: bool,
    pub index: ItemIndex,
    pub paths: FxHashMap<Id, ItemSummary>,
    pub external_crates: FxHashMap<u32, ExternalCrate>,
}

/// Items by id; see the module docs.
#[derive(Debug, Default)]
pub struct ItemIndex {
    /// entries in the order they were read, each with the id it is stored under (an item's
    /// own `id` field may differ in a damaged file); an entry shadowed by a later one with
    /// the same id stays here but is never reached
    entries: Vec<(Id, Item)>,
    /// positions in `entries` of the live entries, in id order
    order: Vec<usize>,
    /// `slots[id]` is the position + 1 of item `id`, 0 for none; empty when ids are sparse
    slots: Vec<usize>,
}

/// The direct table is used while it costs at most this many slots per item.
const DENSE_SLOTS_PER_ITEM: usize = 8;

impl ItemIndex {
    /// Indexes entries in any order, without moving them; of two entries with one id, the
    /// later is the one found (as a JSON object with a repeated key reads).
    pub fn new(entries: Vec<(Id, Item)>) -> ItemIndex {
        ItemIndex::without(entries, |_| false)
    }

    /// [`ItemIndex::new`], leaving out the ids `left_out` says: their entries stay where they
    /// are (unreachable, like a shadowed entry) instead of every later entry moving down.
    pub fn without(mut entries: Vec<(Id, Item)>, left_out: impl Fn(&Id) -> bool) -> ItemIndex {
        entries.shrink_to_fit();
        // sorted as (id, position) pairs: sorting positions by looking each id up in the
        // entries would touch a 568-byte item per comparison
        let mut keyed: Vec<(u32, usize)> = entries
            .iter()
            .enumerate()
            .filter(|(_, (id, _))| !left_out(id))
            .map(|(at, (id, _))| (id.0, at))
            .collect();
        // by id, the later entry of a repeated id first, then keep the first of each run
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        keyed.dedup_by_key(|k| k.0);
        let max = keyed.last().map_or(0, |k| k.0 as usize);
        let slots = if max < keyed.len().saturating_mul(DENSE_SLOTS_PER_ITEM).max(1024) {
            let mut slots = vec![0; max + 1];
            for &(id, at) in &keyed {
                slots[id as usize] = at + 1;
            }
            slots
        } else {
            Vec::new()
        };
        ItemIndex {
            entries,
            order: keyed.into_iter().map(|(_, at)| at).collect(),
            slots,
        }
    }

    fn position(&self, id: &Id) -> Option<usize> {
        if self.slots.is_empty() {
            return self
                .order
                .binary_search_by_key(&id.0, |at| self.entries[*at].0 .0)
                .ok()
                .map(|i| self.order[i]);
        }
        match self.slots.get(id.0 as usize) {
            Some(&slot) if slot > 0 => Some(slot - 1),
            _ => None,
        }
    }

    pub fn get(&self, id: &Id) -> Option<&Item> {
        self.position(id).map(|at| &self.entries[at].1)
    }

    pub fn contains_key(&self, id: &Id) -> bool {
        self.position(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// `(id, item)` in id order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            index: self,
            order: self.order.iter(),
        }
    }

    /// Items in id order.
    pub fn values(&self) -> impl Iterator<Item = &Item> + '_ {
        self.iter().map(|(_, item)| item)
    }

    /// Ids in order.
    pub fn keys(&self) -> impl Iterator<Item = &Id> + '_ {
        self.iter().map(|(id, _)| id)
    }
}

/// See [`ItemIndex::iter`].
pub struct Iter<'a> {
    index: &'a ItemIndex,
    order: std::slice::Iter<'a, usize>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Id, &'a Item);

    fn next(&mut self) -> Option<Self::Item> {
        let (id, item) = &self.index.entries[*self.order.next()?];
        Some((id, item))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Two indexes are equal when they hold the same items under the same ids (however they were
/// read).
impl PartialEq for ItemIndex {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Index<&Id> for ItemIndex {
    type Output = Item;

    fn index(&self, id: &Id) -> &Item {
        self.get(id)
            .unwrap_or_else(|| panic!("item {} is not in the index", id.0))
    }
}

impl<'a> IntoIterator for &'a ItemIndex {
    type Item = (&'a Id, &'a Item);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: u32, name: &str) -> (Id, Item) {
        let json = format!(
            r#"{{"id":{id},"crate_id":0,"name":"{name}","span":null,"visibility":"public","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{{"module":{{"is_crate":false,"items":[],"is_stripped":false}}}}}}"#
        );
        (Id(id), serde_json::from_str(&json).unwrap())
    }

    #[test]
    fn lookups_agree_dense_and_sparse() {
        for ids in [vec![5u32, 0, 3, 9], vec![4_000_000_000, 7, 12]] {
            let index = ItemIndex::new(ids.iter().map(|&i| item(i, &i.to_string())).collect());
            assert_eq!(index.slots.is_empty(), ids[0] > 1_000_000);
            assert_eq!(index.len(), ids.len());
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            assert_eq!(index.keys().map(|id| id.0).collect::<Vec<_>>(), sorted);
            for &i in &ids {
                assert_eq!(
                    index.get(&Id(i)).unwrap().name.as_deref(),
                    Some(&*i.to_string())
                );
            }
            for missing in [1, 8, 13, 1_000_000, u32::MAX] {
                assert!(!index.contains_key(&Id(missing)));
            }
        }
    }

    #[test]
    fn a_repeated_id_keeps_the_later_entry() {
        let index = ItemIndex::new(vec![item(3, "first"), item(1, "one"), item(3, "second")]);
        assert_eq!(index.len(), 2);
        assert_eq!(index[&Id(3)].name.as_deref(), Some("second"));
    }

    #[test]
    fn left_out_ids_are_not_found_and_the_rest_are() {
        let entries = vec![
            item(3, "three"),
            item(1, "one"),
            item(3, "again"),
            item(2, "two"),
        ];
        let index = ItemIndex::without(entries, |id| id.0 == 3);
        assert_eq!(index.len(), 2);
        assert!(!index.contains_key(&Id(3)));
        assert_eq!(index.keys().map(|id| id.0).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(index[&Id(2)].name.as_deref(), Some("two"));
    }
}
