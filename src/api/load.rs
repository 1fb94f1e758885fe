//! Reading a rustdoc JSON file into `rustdoc_types::Crate`, checking `format_version` first.
//!
//! The format version is read before the full deserialisation so that a file from another
//! toolchain gets a message naming both versions instead of a serde error deep in the tree.

use std::path::Path;

use anyhow::{bail, Context, Result};
use rustdoc_types::{Crate, FORMAT_VERSION};

/// The rustdoc JSON format versions this build of semgate reads.
pub const SUPPORTED_FORMAT_VERSIONS: &[u32] = &[FORMAT_VERSION];

/// Loads and validates one rustdoc JSON file.
pub fn load_crate(path: &Path) -> Result<Crate> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read rustdoc JSON file `{}`", path.display()))?;
    parse_crate(&bytes).with_context(|| format!("invalid rustdoc JSON file `{}`", path.display()))
}

/// Parses rustdoc JSON bytes, refusing unsupported format versions with an actionable message.
pub fn parse_crate(bytes: &[u8]) -> Result<Crate> {
    let version = format_version(bytes)?;
    if !SUPPORTED_FORMAT_VERSIONS.contains(&version) {
        bail!(
            "rustdoc JSON format_version {version} is not supported: this semgate reads format_version {}\n\
             help: build the JSON with a toolchain whose rustdoc emits format {} (rustc 1.95 stable or the matching nightly), \
             or use a semgate release built for format {version}",
            FORMAT_VERSION,
            FORMAT_VERSION
        );
    }
    serde_json::from_slice(bytes).context("the file is not a complete rustdoc JSON document (truncated or corrupt?)")
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
