//! Facts about a side's `Cargo.toml` as plain data: name, version, rust-version, features,
//! dependencies, lib target. The rules that read the manifest (features, rust-version,
//! dependencies) see only this; `rustdoc::manifest` fills it from `cargo metadata` and the
//! side's lockfile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Parsed `Cargo.toml` facts of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestInfo {
    pub name: String,
    pub version: semver::Version,
    pub rust_version: Option<String>,
    /// All features, including the implicit ones of optional dependencies.
    pub features: BTreeMap<String, Vec<String>>,
    pub dependencies: Vec<DepInfo>,
    /// The library crate name (underscored); `None` for a bin-only package.
    pub lib_target: Option<String>,
    pub is_proc_macro: bool,
}

/// One dependency declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepInfo {
    /// The name code uses: the rename if any, else the package name, with `-` as `_`.
    /// (A dependency whose `[lib] name` differs from its package name is not detected.)
    pub name: String,
    /// The package name on the registry.
    pub package: String,
    /// The version requirement as written (`*` for none).
    pub req: String,
    /// The version in the side's Cargo.lock, if there is a lockfile and it names one.
    pub resolved: Option<semver::Version>,
    pub kind: DepKind,
    pub optional: bool,
    /// The `cfg(...)`/triple this dependency is limited to, if any.
    pub target: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

impl ManifestInfo {
    /// Whether `feature` (as passed to `--features`) can be enabled on this side: a feature
    /// name (implicit optional-dependency features included) or `dep/feat`, `dep?/feat`.
    pub fn accepts_feature(&self, feature: &str) -> bool {
        match feature.split_once('/') {
            None => self.features.contains_key(feature),
            Some((dep, _)) => {
                let dep = dep.trim_end_matches('?');
                self.features.contains_key(dep)
                    || self.dependencies.iter().any(|d| {
                        d.kind != DepKind::Dev
                            && (d.package == dep || d.name == dep.replace('-', "_"))
                    })
            }
        }
    }
}

impl ManifestInfo {
    /// Everything enabling `feature` turns on, transitively: feature names, `dep:name` and
    /// `dep/feature` entries (the latter two are not followed further).
    pub fn enabled_by(&self, feature: &str) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![feature.to_string()];
        while let Some(f) = stack.pop() {
            if let Some(list) = self.features.get(&f) {
                for entry in list {
                    if seen.insert(entry.clone()) {
                        stack.push(entry.clone());
                    }
                }
            }
        }
        seen
    }
}
