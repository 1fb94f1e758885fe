//! Reading a rustdoc JSON file into `rustdoc_types::Crate`, checking `format_version` first.
//!
//! The format version is read before the full deserialisation so that a file from another
//! toolchain gets a message naming both versions instead of a serde error deep in the tree.
//!
//! The index is deserialised item by item and slimmed on the way in, because the largest
//! crates are dominated by what no rule reads: in aws-sdk-ec2, 282k of 538k items are blanket
//! impls (`impl<T> From<T> for T` and friends, repeated for every type) and the JSON of those
//! alone is 60% of the file. Dropped: blanket impls and the items only they contain, the
//! unstable `Freeze`/`UnsafeUnpin` auto-trait impls, doc strings and intra-doc link maps. Ids
//! that point at dropped items simply resolve to nothing, which every lookup already handles.

use std::path::Path;

use std::fmt;

use anyhow::{bail, Context, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use rustdoc_types::{
    Crate, ExternalCrate, Id, Item, ItemEnum, ItemSummary, Target, FORMAT_VERSION,
};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// The rustdoc JSON format versions this build of semgate reads.
pub const SUPPORTED_FORMAT_VERSIONS: &[u32] = &[FORMAT_VERSION];

/// Loads and validates one rustdoc JSON file.
///
/// The file is streamed rather than read whole: for the largest crates the raw bytes of both
/// sides would otherwise be held alongside the parsed models (2 x 440 MB for aws-sdk-ec2).
pub fn load_crate(path: &Path) -> Result<Crate> {
    use std::io::{Read, Seek, SeekFrom};
    let context = || format!("cannot read rustdoc JSON file `{}`", path.display());
    let mut file = std::fs::File::open(path).with_context(context)?;
    let len = file.metadata().with_context(context)?.len();
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(len.saturating_sub(64)))
        .with_context(context)?;
    file.read_to_end(&mut tail).with_context(context)?;
    let parsed = match version_in_tail(&tail) {
        Some(version) => {
            check_version(version)?;
            file.seek(SeekFrom::Start(0)).with_context(context)?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            serde_json::from_reader::<_, SlimCrate>(reader)
                .map(SlimCrate::into_crate)
                .context("the file is not a complete rustdoc JSON document (truncated or corrupt?)")
        }
        // unusual layout (or not rustdoc JSON at all): read it whole for the careful path
        None => std::fs::read(path)
            .with_context(context)
            .and_then(|bytes| parse_crate(&bytes)),
    };
    parsed.with_context(|| format!("invalid rustdoc JSON file `{}`", path.display()))
}

/// Parses rustdoc JSON bytes, refusing unsupported format versions with an actionable message.
pub fn parse_crate(bytes: &[u8]) -> Result<Crate> {
    check_version(format_version(bytes)?)?;
    let slim: SlimCrate = serde_json::from_slice(bytes)
        .context("the file is not a complete rustdoc JSON document (truncated or corrupt?)")?;
    Ok(slim.into_crate())
}

fn check_version(version: u32) -> Result<()> {
    if !SUPPORTED_FORMAT_VERSIONS.contains(&version) {
        bail!(
            "rustdoc JSON format_version {version} is not supported: this semgate reads format_version {}\n\
             help: build the JSON with a toolchain whose rustdoc emits format {} (rustc 1.95 stable or the matching nightly), \
             or use a semgate release built for format {version}",
            FORMAT_VERSION,
            FORMAT_VERSION
        );
    }
    Ok(())
}

/// `rustdoc_types::Crate` with a streaming, slimming index (see the module docs).
#[derive(Deserialize)]
struct SlimCrate {
    root: Id,
    crate_version: Option<String>,
    includes_private: bool,
    #[serde(deserialize_with = "slim_index")]
    index: FxHashMap<Id, Item>,
    paths: FxHashMap<Id, ItemSummary>,
    external_crates: FxHashMap<u32, ExternalCrate>,
    target: TargetTriple,
    format_version: u32,
}

/// The target's triple; the long list of target features is not needed.
#[derive(Deserialize)]
struct TargetTriple {
    triple: String,
}

impl SlimCrate {
    fn into_crate(self) -> Crate {
        Crate {
            root: self.root,
            crate_version: self.crate_version,
            includes_private: self.includes_private,
            index: self.index,
            paths: self.paths,
            external_crates: self.external_crates,
            target: Target {
                triple: self.target.triple,
                target_features: Vec::new(),
            },
            format_version: self.format_version,
        }
    }
}

fn slim_index<'de, D: Deserializer<'de>>(deserializer: D) -> Result<FxHashMap<Id, Item>, D::Error> {
    struct IndexVisitor;

    impl<'de> Visitor<'de> for IndexVisitor {
        type Value = FxHashMap<Id, Item>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the rustdoc index: a map from item id to item")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut index = FxHashMap::with_capacity_and_hasher(
                map.size_hint().unwrap_or(0),
                Default::default(),
            );
            let mut blanket_members: FxHashSet<Id> = FxHashSet::default();
            while let Some(id) = map.next_key::<Id>()? {
                let mut item: Item = map.next_value()?;
                if let ItemEnum::Impl(imp) = &item.inner {
                    if imp.blanket_impl.is_some() {
                        blanket_members.extend(imp.items.iter().copied());
                        continue;
                    }
                    let unstable_auto = imp.is_synthetic
                        && imp
                            .trait_
                            .as_ref()
                            .is_some_and(|t| matches!(t.path.as_str(), "Freeze" | "UnsafeUnpin"));
                    if unstable_auto {
                        continue;
                    }
                }
                item.docs = None;
                item.links = Default::default();
                index.insert(id, item);
            }
            for id in blanket_members {
                index.remove(&id);
            }
            index.shrink_to_fit();
            Ok(index)
        }
    }

    deserializer.deserialize_map(IndexVisitor)
}

/// Finds `format_version` without deserialising the whole document.
///
/// rustdoc writes the field last, so the tail of the file is checked first; anything
/// unusual falls back to a streaming parse that ignores every other field.
fn format_version(bytes: &[u8]) -> Result<u32> {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    if let Some(v) = version_in_tail(tail) {
        return Ok(v);
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        format_version: Option<u32>,
    }
    let probe: Probe = serde_json::from_slice(bytes)
        .context("the file is not valid JSON (truncated or corrupt?)")?;
    match probe.format_version {
        Some(v) => Ok(v),
        None => bail!("the JSON has no `format_version` field: it is not rustdoc JSON output"),
    }
}

fn version_in_tail(tail: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(tail).ok()?;
    let rest = text.split("\"format_version\":").nth(1)?;
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    // only trust the shortcut when the document visibly ends right after the number
    let after = rest[digits.len()..].trim();
    if digits.is_empty() || after != "}" {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_version_from_tail() {
        assert_eq!(version_in_tail(br#"...,"format_version":57}"#), Some(57));
        assert_eq!(version_in_tail(br#"...,"format_version": 12 }"#), Some(12));
        assert_eq!(version_in_tail(br#"...,"format_version":57,"x":1}"#), None);
    }

    #[test]
    fn rejects_other_format_versions_with_both_numbers() {
        let err = parse_crate(br#"{"root":0,"format_version":12}"#).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("format_version 12"), "{msg}");
        assert!(msg.contains(&FORMAT_VERSION.to_string()), "{msg}");
    }

    #[test]
    fn rejects_truncated_and_non_rustdoc_json() {
        assert!(parse_crate(br#"{"root":0,"index":{"#).is_err());
        let err = parse_crate(br#"{"hello":1}"#).unwrap_err();
        assert!(format!("{err:#}").contains("not rustdoc JSON"));
    }
}
