//! Facts about a side's `Cargo.toml` (name, version, features, dependencies, lib target),
//! taken from `cargo metadata --no-deps` plus a read-only look at the side's `Cargo.lock`.
//!
//! `--no-deps` is deliberate: a full `cargo metadata` resolves the graph, which can hit the
//! network and *writes* `Cargo.lock` when it is missing or stale; semgate never writes the
//! user's lockfile. Resolved dependency versions are read from the lockfile instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use cargo_metadata::{DependencyKind, Metadata, Package};

use crate::interrupt;
pub use crate::manifest::{DepInfo, DepKind, ManifestInfo};

/// Names of the lib-like target kinds (what `cargo rustdoc --lib` documents).
fn lib_target(pkg: &Package) -> Option<&cargo_metadata::Target> {
    pkg.targets.iter().find(|t| {
        t.is_lib()
            || t.is_rlib()
            || t.is_dylib()
            || t.is_cdylib()
            || t.is_staticlib()
            || t.is_proc_macro()
    })
}

/// Builds [`ManifestInfo`] for `pkg`, resolving versions from `lock` when given.
pub(crate) fn manifest_info(pkg: &Package, lock: Option<&Lockfile>) -> ManifestInfo {
    let lib = lib_target(pkg);
    let dependencies = pkg
        .dependencies
        .iter()
        .map(|d| {
            let kind = match d.kind {
                DependencyKind::Development => DepKind::Dev,
                DependencyKind::Build => DepKind::Build,
                _ => DepKind::Normal,
            };
            DepInfo {
                name: d
                    .rename
                    .clone()
                    .unwrap_or_else(|| d.name.clone())
                    .replace('-', "_"),
                package: d.name.clone(),
                req: d.req.to_string(),
                resolved: lock.and_then(|l| l.resolve(&d.name, &d.req)),
                kind,
                optional: d.optional,
                target: d.target.as_ref().map(|t| t.to_string()),
            }
        })
        .collect();
    ManifestInfo {
        name: pkg.name.clone(),
        version: pkg.version.clone(),
        rust_version: pkg.rust_version.as_ref().map(|v| v.to_string()),
        features: pkg.features.clone().into_iter().collect(),
        dependencies,
        lib_target: lib.map(|t| t.name.replace('-', "_")),
        is_proc_macro: lib.is_some_and(|t| t.is_proc_macro()),
    }
}

/// The `[[package]]` entries of a Cargo.lock.
#[derive(Debug, Default, Clone)]
pub(crate) struct Lockfile {
    packages: Vec<(String, semver::Version)>,
}

impl Lockfile {
    /// Reads `path`; `None` if it does not exist or cannot be parsed (versions are a nicety).
    pub(crate) fn read(path: &Path) -> Option<Lockfile> {
        let text = std::fs::read_to_string(path).ok()?;
        let doc: toml_edit::DocumentMut = text.parse().ok()?;
        let packages = doc
            .get("package")?
            .as_array_of_tables()?
            .iter()
            .filter_map(|t| {
                let name = t.get("name")?.as_str()?.to_string();
                let version = semver::Version::parse(t.get("version")?.as_str()?).ok()?;
                Some((name, version))
            })
            .collect();
        Some(Lockfile { packages })
    }

    /// The highest locked version of `name` matching `req`.
    pub(crate) fn resolve(&self, name: &str, req: &semver::VersionReq) -> Option<semver::Version> {
        self.packages
            .iter()
            .filter(|(n, v)| n == name && req.matches(v))
            .map(|(_, v)| v.clone())
            .max()
    }
}

/// `cargo metadata` exited with an error; keeps cargo's stderr for callers that classify it.
#[derive(Debug)]
pub(crate) struct MetadataError {
    pub manifest: PathBuf,
    pub stderr: String,
}

impl std::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`cargo metadata` failed for {}:\n{}",
            self.manifest.display(),
            indent(&super::invoke::error_excerpt(&self.stderr))
        )
    }
}

impl std::error::Error for MetadataError {}

/// Runs `cargo metadata --format-version 1 [--no-deps] --manifest-path <manifest>`.
pub(crate) fn cargo_metadata(
    mut cargo: Command,
    manifest: &Path,
    no_deps: bool,
) -> Result<Metadata> {
    cargo.args(["metadata", "--format-version", "1", "--color", "never"]);
    if no_deps {
        cargo.arg("--no-deps");
    }
    cargo.arg("--manifest-path").arg(manifest);
    // cargo reads its configuration from where it runs: the manifest's directory, unless the
    // caller chose (a placeholder package runs where the user's project configures registries)
    if cargo.get_current_dir().is_none() {
        if let Some(dir) = manifest.parent() {
            cargo.current_dir(dir);
        }
    }
    let out = interrupt::run(&mut cargo)
        .with_context(|| format!("failed to run `cargo metadata` for {}", manifest.display()))?;
    if !out.status.success() {
        return Err(MetadataError {
            manifest: manifest.to_path_buf(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }
        .into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    cargo_metadata::MetadataCommand::parse(text.as_ref()).with_context(|| {
        format!(
            "failed to parse `cargo metadata` output for {}",
            manifest.display()
        )
    })
}

/// Workspace members of `metadata`.
pub(crate) fn members(metadata: &Metadata) -> Vec<&Package> {
    // a set: `workspace_members.contains` per package is quadratic, and a 200-member
    // workspace asks this for every member and every path dependency
    let ids: rustc_hash::FxHashSet<&cargo_metadata::PackageId> =
        metadata.workspace_members.iter().collect();
    metadata
        .packages
        .iter()
        .filter(|p| ids.contains(&p.id))
        .collect()
}

/// `[workspace.package] version` of a root manifest's text: `None` when there is none; an
/// error when the text is not TOML or the value is not a version string (never skipped: a
/// wrong shared version would judge every member against the wrong number).
pub(crate) fn workspace_version(text: &str) -> Result<Option<semver::Version>> {
    let doc = toml_edit::ImDocument::parse(text).context("the manifest is not valid TOML")?;
    let Some(item) = doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
    else {
        return Ok(None);
    };
    let s = item
        .as_str()
        .context("`[workspace.package] version` is not a string")?;
    semver::Version::parse(s)
        .map(Some)
        .with_context(|| format!("`[workspace.package] version = \"{s}\"` is not a version"))
}

/// Whether a package may be published: `publish = false` and `publish = []` say no.
pub(crate) fn publishable(pkg: &Package) -> bool {
    pkg.publish
        .as_ref()
        .is_none_or(|registries| !registries.is_empty())
}

/// The workspace member named `name`.
pub(crate) fn find_member<'m>(metadata: &'m Metadata, name: &str) -> Option<&'m Package> {
    metadata
        .packages
        .iter()
        .find(|p| p.name == name && metadata.workspace_members.contains(&p.id))
}

/// Directories of `pkg`'s path dependencies (normal and build, transitively through workspace
/// members): their sources shape `pkg`'s API through re-exports.
pub(crate) fn path_dependency_dirs(metadata: &Metadata, pkg: &Package) -> Vec<PathBuf> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stack = vec![pkg];
    while let Some(p) = stack.pop() {
        for d in &p.dependencies {
            if d.kind == DependencyKind::Development {
                continue;
            }
            let Some(path) = &d.path else { continue };
            let dir = path.clone().into_std_path_buf();
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir.clone());
            if let Some(member) = members(metadata)
                .into_iter()
                .find(|m| m.manifest_path.parent().map(|p| p.as_std_path()) == Some(dir.as_path()))
            {
                stack.push(member);
            }
        }
    }
    seen.sort();
    seen
}

pub(crate) fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_version_is_read_strictly() {
        let v = |text: &str| workspace_version(text).map_err(|e| format!("{e:#}"));
        assert_eq!(
            v("[workspace.package]\nversion = \"0.5.1-dev+abc.2026-11-20\"\n").unwrap(),
            Some(semver::Version::parse("0.5.1-dev+abc.2026-11-20").unwrap())
        );
        assert_eq!(v("[workspace]\nmembers = []\n").unwrap(), None);
        assert!(v("[workspace.package]\nversion = 5\n")
            .unwrap_err()
            .contains("not a string"));
        assert!(v("[workspace.package]\nversion = \"five\"\n")
            .unwrap_err()
            .contains("not a version"));
        assert!(v("[workspace.package\n")
            .unwrap_err()
            .contains("not valid TOML"));
    }
}
