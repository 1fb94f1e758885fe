//! Manifest editing for `semgate bump`, pure: TOML text in and byte-range replacements of
//! string literals out, so every byte outside the changed values (comments, spacing, quoting,
//! key order) stays as it was.

use std::ops::Range;

use anyhow::{anyhow, bail, Context, Result};
use semver::{BuildMetadata, Version, VersionReq};

/// A dependency requirement on a bumped package, rewritten for its new version with the
/// operator kept (`=0.4.1` -> `=0.5.0`, `0.4.1-dev` -> `0.5.0`). Build metadata is left out
/// (cargo ignores it in requirements and warns). A requirement that cannot be carried over
/// (`<`, `>`, ranges, wildcards) is kept when the new version satisfies it, else an error.
pub fn rewrite_requirement(req: &str, new: &Version) -> Result<String> {
    let mut target = new.clone();
    target.build = BuildMetadata::EMPTY;
    let trimmed = req.trim();
    let parsed = VersionReq::parse(trimmed)
        .with_context(|| format!("the requirement `{req}` is not a valid version requirement"))?;
    let digits = trimmed.find(|c: char| c.is_ascii_digit());
    let single =
        parsed.comparators.len() == 1 && !trimmed.contains('*') && !trimmed.contains(['x', 'X']);
    if let (true, Some(at)) = (single, digits) {
        let operator = &trimmed[..at];
        if matches!(operator.trim(), "" | "=" | "^" | "~" | ">=") {
            return Ok(format!("{operator}{target}"));
        }
    }
    if parsed.matches(&target) {
        return Ok(req.to_string());
    }
    bail!("the requirement `{req}` does not allow {target} and cannot be rewritten for it; write it as a single version (e.g. \"{target}\")")
}

/// Where a version string sits in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `[package] version`
    Package,
    /// `[workspace.package] version`
    Workspace,
    /// the `version` requirement of `dependency` in `table` (e.g. `dev-dependencies`,
    /// `target.'cfg(unix)'.dependencies`, `workspace.dependencies`)
    Requirement { table: String, dependency: String },
}

/// One replaced string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// byte range of the literal, quotes included
    pub span: Range<usize>,
    /// what replaces it, quotes included
    pub literal: String,
    pub location: Location,
    pub old: String,
    pub new: String,
}

/// What to change in one manifest.
pub struct Changes<'a> {
    /// the new `[package] version` (when the package is bumped and writes its own version)
    pub package: Option<&'a Version>,
    /// the new `[workspace.package] version`
    pub workspace: Option<&'a Version>,
    /// the new version of the bumped workspace package that a dependency's `path` (as written)
    /// points at, if any
    pub dependency: &'a dyn Fn(&str) -> Option<Version>,
}

const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
];

/// The edits `changes` make to the manifest `text`, in document order.
pub fn manifest_edits(text: &str, changes: &Changes<'_>) -> Result<Vec<Edit>> {
    let doc = toml_edit::ImDocument::parse(text).context("the manifest is not valid TOML")?;
    let root = doc.as_table();
    let mut edits = Vec::new();
    fn package_version(table: Option<&toml_edit::Item>) -> Option<&toml_edit::Value> {
        table
            .and_then(|p| p.get("version"))
            .and_then(toml_edit::Item::as_value)
    }
    if let Some(new) = changes.package {
        let value = package_version(root.get("package"))
            .filter(|v| v.is_str())
            .ok_or_else(|| anyhow!("`[package] version` is not a version string"))?;
        edits.push(literal_edit(
            text,
            value,
            Location::Package,
            &new.to_string(),
        )?);
    }
    if let Some(new) = changes.workspace {
        let value = package_version(root.get("workspace").and_then(|w| w.get("package")))
            .filter(|v| v.is_str())
            .ok_or_else(|| anyhow!("`[workspace.package] version` is not a version string"))?;
        edits.push(literal_edit(
            text,
            value,
            Location::Workspace,
            &new.to_string(),
        )?);
    }
    let mut tables: Vec<(String, &dyn toml_edit::TableLike)> = Vec::new();
    for key in DEPENDENCY_TABLES {
        if let Some(t) = root.get(key).and_then(toml_edit::Item::as_table_like) {
            tables.push((key.to_string(), t));
        }
    }
    if let Some(targets) = root.get("target").and_then(toml_edit::Item::as_table_like) {
        for (cfg, platform) in targets.iter() {
            for key in DEPENDENCY_TABLES {
                if let Some(t) = platform.get(key).and_then(toml_edit::Item::as_table_like) {
                    tables.push((format!("target.{cfg}.{key}"), t));
                }
            }
        }
    }
    if let Some(t) = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml_edit::Item::as_table_like)
    {
        tables.push(("workspace.dependencies".to_string(), t));
    }
    for (table, deps) in tables {
        for (name, dep) in deps.iter() {
            let Some(dep) = dep.as_table_like() else {
                continue;
            }; // "1.0": a registry dependency
            let Some(path) = dep.get("path").and_then(toml_edit::Item::as_str) else {
                continue;
            };
            let Some(new) = (changes.dependency)(path) else {
                continue;
            };
            let Some(value) = dep
                .get("version")
                .and_then(toml_edit::Item::as_value)
                .filter(|v| v.is_str())
            else {
                continue; // path-only: nothing to keep in step
            };
            let old = value.as_str().unwrap_or_default();
            let rewritten = rewrite_requirement(old, &new)
                .with_context(|| format!("cannot update the `{name}` entry of [{table}]"))?;
            if rewritten != old {
                let location = Location::Requirement {
                    table: table.clone(),
                    dependency: name.to_string(),
                };
                edits.push(literal_edit(text, value, location, &rewritten)?);
            }
        }
    }
    edits.sort_by_key(|e| e.span.start);
    Ok(edits)
}

/// Replaces a string literal, keeping its quote style.
fn literal_edit(
    text: &str,
    value: &toml_edit::Value,
    location: Location,
    new: &str,
) -> Result<Edit> {
    let span = value
        .span()
        .ok_or_else(|| anyhow!("internal error: no source position for a manifest value"))?;
    let raw = &text[span.clone()];
    let literal = if raw.starts_with('\'') && !raw.starts_with("'''") {
        format!("'{new}'")
    } else {
        format!("\"{new}\"")
    };
    Ok(Edit {
        span,
        literal,
        location,
        old: value.as_str().unwrap_or_default().to_string(),
        new: new.to_string(),
    })
}

/// `text` with the edits applied; every other byte is kept.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        assert!(e.span.start >= at, "overlapping manifest edits");
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.literal);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn requirements_keep_their_operator() {
        let new = v("0.5.0");
        assert_eq!(rewrite_requirement("0.4.1-dev", &new).unwrap(), "0.5.0");
        assert_eq!(rewrite_requirement("=0.4.1", &new).unwrap(), "=0.5.0");
        assert_eq!(rewrite_requirement("= 0.4.1", &new).unwrap(), "= 0.5.0");
        assert_eq!(rewrite_requirement("^0.4", &new).unwrap(), "^0.5.0");
        assert_eq!(rewrite_requirement("~0.4.1", &new).unwrap(), "~0.5.0");
        assert_eq!(rewrite_requirement(">=0.4.1", &new).unwrap(), ">=0.5.0");
        assert_eq!(
            rewrite_requirement("0.5.0", &v("0.5.1-dev+abc.2026-01-01")).unwrap(),
            "0.5.1-dev"
        );
        assert_eq!(
            rewrite_requirement(">=0.4, <0.6", &new).unwrap(),
            ">=0.4, <0.6",
            "still satisfied: kept"
        );
        assert_eq!(rewrite_requirement("0.*", &new).unwrap(), "0.*");
        let err = rewrite_requirement(">=0.3, <0.5", &new)
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not allow 0.5.0"), "{err}");
    }

    const ROOT: &str = r#"# the workspace
[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.4.1-dev+abc.2026-11-20"  # moved by CI
edition = "2021"

[workspace.dependencies]
core = { path = "crates/core", version = "0.4.1-dev" }
serde = "1"
"#;

    const MEMBER: &str = r#"[package]
name = 'app'
version = '0.4.1-dev'   # own version
edition.workspace = true

[dependencies]
core = { workspace = true }
mid = { path = "../mid", version = "=0.4.1-dev" }
other = { path = "../other", version = "0.1.0" }
anyhow = "1"

[dev-dependencies.core-alias]
package = "core"
path = "../core"
version = "0.4.1-dev" # dev only

[target.'cfg(unix)'.build-dependencies]
mid = { version = "0.4.1-dev", path = "../mid" }
"#;

    fn bumped(path: &str) -> Option<Version> {
        matches!(path, "crates/core" | "../core" | "../mid").then(|| v("0.5.0"))
    }

    #[test]
    fn workspace_manifest_edits_keep_every_other_byte() {
        let new = v("0.5.0");
        let changes = Changes {
            package: None,
            workspace: Some(&new),
            dependency: &bumped,
        };
        let edits = manifest_edits(ROOT, &changes).unwrap();
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[0].location, Location::Workspace);
        assert_eq!(edits[0].old, "0.4.1-dev+abc.2026-11-20");
        assert_eq!(
            apply_edits(ROOT, &edits),
            ROOT.replace("\"0.4.1-dev+abc.2026-11-20\"", "\"0.5.0\"")
                .replace("\"0.4.1-dev\"", "\"0.5.0\"")
        );
    }

    #[test]
    fn member_manifest_edits_every_dependency_table() {
        let new = v("0.5.0");
        let changes = Changes {
            package: Some(&new),
            workspace: None,
            dependency: &bumped,
        };
        let edits = manifest_edits(MEMBER, &changes).unwrap();
        let locations: Vec<String> = edits
            .iter()
            .map(|e| match &e.location {
                Location::Requirement { table, dependency } => format!("{table}.{dependency}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            locations,
            [
                "Package",
                "dependencies.mid",
                "dev-dependencies.core-alias",
                "target.cfg(unix).build-dependencies.mid"
            ]
        );
        let expected = MEMBER
            .replace("'0.4.1-dev'", "'0.5.0'")
            .replace("\"=0.4.1-dev\"", "\"=0.5.0\"")
            .replace("\"0.4.1-dev\"", "\"0.5.0\"");
        assert_eq!(apply_edits(MEMBER, &edits), expected);
    }

    #[test]
    fn inherited_and_unrelated_manifests_are_not_touched() {
        let text = "[package]\nname = \"core\"\nversion.workspace = true\n\n[dependencies]\nother = { path = \"../other\", version = \"0.1\" }\n";
        let changes = Changes {
            package: None,
            workspace: None,
            dependency: &bumped,
        };
        assert!(manifest_edits(text, &changes).unwrap().is_empty());
        let new = v("0.5.0");
        let changes = Changes {
            package: Some(&new),
            workspace: None,
            dependency: &bumped,
        };
        assert!(manifest_edits(text, &changes)
            .unwrap_err()
            .to_string()
            .contains("not a version string"));
    }
}
