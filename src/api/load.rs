//! Reading a rustdoc JSON file of any supported format into the model (`krate::Crate`).
//!
//! The format version is read first (from the file's tail, where rustdoc writes it), so that
//! the file is deserialised with the types of its own format (see `format`) and a file from an
//! unsupported toolchain gets a message naming both versions instead of a serde error deep in
//! the tree. This is the one place that decides whether a format is readable: the build stage
//! asks [`check_format`] too.
//!
//! The index is read entry by entry (`format::stream`) and slimmed on the way in, because the
//! largest crates are dominated by what no rule reads: in aws-sdk-ec2, 282k of 538k items are
//! blanket impls (`impl<T> From<T> for T` and friends, repeated for every type) and the JSON
//! of those alone is 55% of the file. Dropped: blanket impls (read only for their member
//! lists) and the items only they contain, the unstable `Freeze`/`UnsafeUnpin` auto-trait
//! impls, doc strings and intra-doc link maps. Ids that point at dropped items resolve to
//! nothing, which every lookup already handles.
//!
//! rustdoc JSON nests one level per type constructor, and serde_json refuses values nested
//! deeper than 128 levels by default, which real crates with deep generic types reach. Such an
//! entry is parsed again without the limit, on a stack that grows on the heap
//! (serde_stacker), so depth costs memory, never a stack overflow; only the rare deep entry
//! pays for the growable stack. Every loaded crate is then checked by `validate` before any
//! rule sees it.

use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::krate::Crate;
use anyhow::{anyhow, bail, Context, Result};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::format::{self, DocError, Loaded};
use super::validate;

/// Loads, converts and validates one rustdoc JSON file.
///
/// The file is read through a window (see `format::stream`) rather than whole: for the
/// largest crates the raw bytes of both sides would otherwise be held alongside the parsed
/// models (2 x 440 MB for aws-sdk-ec2).
pub fn load_crate(path: &Path) -> Result<Crate> {
    let context = || format!("cannot read rustdoc JSON file `{}`", path.display());
    let mut file = std::fs::File::open(path).with_context(context)?;
    let len = file.metadata().with_context(context)?.len();
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(len.saturating_sub(64)))
        .with_context(context)?;
    file.read_to_end(&mut tail).with_context(context)?;
    let loaded = match version_in_tail(&tail) {
        Some(version) => {
            check_version(version)?;
            file.seek(SeekFrom::Start(0)).with_context(context)?;
            read_document(version, file)
        }
        // unusual layout (or not rustdoc JSON at all): read it whole for the careful path
        None => std::fs::read(path)
            .with_context(context)
            .and_then(|bytes| parse_bytes(&bytes)),
    };
    loaded
        .and_then(validate::checked)
        .with_context(|| format!("invalid rustdoc JSON file `{}`", path.display()))
}

/// Parses, converts and validates rustdoc JSON bytes.
pub fn parse_crate(bytes: &[u8]) -> Result<Crate> {
    parse_bytes(bytes).and_then(validate::checked)
}

fn parse_bytes(bytes: &[u8]) -> Result<Loaded> {
    let version = format_version(bytes)?;
    check_version(version)?;
    read_document(version, bytes)
}

/// Checks that `bytes` are rustdoc JSON of a format this semgate reads, without building the
/// model; `origin` names the file in messages. Returns the format version.
pub fn check_format(bytes: &[u8], origin: &str) -> Result<u32> {
    format_version(bytes)
        .and_then(|version| check_version(version).map(|()| version))
        .with_context(|| format!("{origin} cannot be used"))
}

/// The `format_version` of rustdoc JSON `bytes`, without checking it.
pub fn format_of(bytes: &[u8]) -> Result<u32> {
    format_version(bytes)
}

fn check_version(version: u32) -> Result<()> {
    if format::is_supported(version) {
        return Ok(());
    }
    let newest = format::NEWEST;
    let hint = if version > newest {
        format!("it comes from a toolchain newer than this semgate knows; build it with a toolchain that emits format {newest} or older (e.g. `--toolchain 1.95.0`), or upgrade semgate")
    } else {
        "build it with a toolchain that emits one of these (rustc 1.85 emits 37, rustc 1.95 emits 57; pick one with --toolchain)".to_string()
    };
    bail!(
        "rustdoc JSON format_version {version} is not supported: this semgate reads format_version {}\nhelp: {hint}",
        format::supported_list()
    );
}

fn read_document(version: u32, reader: impl Read) -> Result<Loaded> {
    match format::read(version, reader) {
        None => bail!("format {version} has no reader"),
        Some(read) => read.map_err(|e| describe(e, version)),
    }
}

/// Says which kind of defect a document has: the file ends early, it is not JSON, or it is
/// JSON of a shape that format `version` does not have.
fn describe(e: DocError, version: u32) -> anyhow::Error {
    match e {
        DocError::Eof(e) => anyhow!("the file ends in the middle of the document (truncated or corrupt?): {e}"),
        DocError::Syntax(e) => anyhow!("the file is not valid JSON (truncated or corrupt?): {e}"),
        DocError::Shape(e) => anyhow!(
            "the JSON does not have the shape of rustdoc JSON format {version}: {e}\nhelp: regenerate it with `cargo rustdoc -- -Z unstable-options --output-format json`"
        ),
        DocError::Io(e) => anyhow!("reading the file failed: {e}"),
    }
}

/// Finds `format_version` without deserialising the whole document.
///
/// rustdoc writes the field last, so the tail of the file is checked first; anything unusual
/// falls back to a streaming pass over the top-level object that skips every other value.
fn format_version(bytes: &[u8]) -> Result<u32> {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    if let Some(v) = version_in_tail(tail) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    let stacked = serde_stacker::Deserializer::new(&mut de);
    match stacked.deserialize_map(VersionProbe) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => bail!("the JSON has no `format_version` field: it is not rustdoc JSON output"),
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            bail!("the file is JSON but not a rustdoc JSON document: {e}")
        }
        Err(e) => bail!("the file is not valid JSON (truncated or corrupt?): {e}"),
    }
}

/// Reads only the top-level `format_version` of a JSON object.
struct VersionProbe;

impl<'de> Visitor<'de> for VersionProbe {
    type Value = Option<u32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with a numeric `format_version` field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut version = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "format_version" {
                version = Some(map.next_value::<u32>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(version)
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
        assert!(msg.contains(&format::NEWEST.to_string()), "{msg}");
        assert!(msg.contains("37"), "{msg}");
    }

    #[test]
    fn rejects_truncated_and_non_rustdoc_json() {
        let err = parse_crate(br#"{"root":0,"index":{"#).unwrap_err();
        assert!(format!("{err:#}").contains("truncated"), "{err:#}");
        let err = parse_crate(br#"{"hello":1}"#).unwrap_err();
        assert!(format!("{err:#}").contains("not rustdoc JSON"));
    }

    #[test]
    fn wrong_shapes_name_no_internal_type() {
        for doc in [
            &br#"[1, 2, 3]"#[..],
            br#""format_version""#,
            br#"{"format_version": "57"}"#,
            br#"{"format_version": 57, "root": 0, "index": 5, "x": 1}"#,
            br#"{"root": "x", "format_version": 57}"#,
        ] {
            let msg = format!("{:#}", parse_crate(doc).unwrap_err());
            for internal in ["Probe", "Document", "Slim", "Item58", "expected struct"] {
                assert!(
                    !msg.contains(internal),
                    "{}: {msg}",
                    String::from_utf8_lossy(doc)
                );
            }
        }
    }

    #[test]
    fn nesting_deeper_than_serde_jsons_default_limit_loads() {
        // a function returning `&&&...&u8`, 300 references deep: 600 levels of JSON
        let depth = 300;
        let mut ty = r#"{"primitive":"u8"}"#.to_string();
        for _ in 0..depth {
            ty =
                format!(r#"{{"borrowed_ref":{{"lifetime":null,"is_mutable":false,"type":{ty}}}}}"#);
        }
        let doc = minimal_crate(&format!(
            r#""1":{{"id":1,"crate_id":0,"name":"f","span":null,"visibility":"public","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{{"function":{{"sig":{{"inputs":[],"output":{ty},"is_c_variadic":false}},"generics":{{"params":[],"where_predicates":[]}},"header":{{"is_const":false,"is_unsafe":false,"is_async":false,"abi":"Rust"}},"has_body":true}}}}}}"#
        ));
        let krate = parse_crate(doc.as_bytes()).expect("deep but valid");
        assert_eq!(krate.index.len(), 2);
    }

    /// A format-57 crate `demo` whose root module lists item 1, plus `extra` index entries.
    pub(crate) fn minimal_crate(extra: &str) -> String {
        format!(
            r#"{{"root":0,"crate_version":null,"includes_private":false,"index":{{"0":{{"id":0,"crate_id":0,"name":"demo","span":null,"visibility":"public","docs":null,"links":{{}},"attrs":[],"deprecation":null,"inner":{{"module":{{"is_crate":true,"items":[1],"is_stripped":false}}}}}},{extra}}},"paths":{{}},"external_crates":{{}},"target":{{"triple":"x","target_features":[]}},"format_version":57}}"#
        )
    }
}
