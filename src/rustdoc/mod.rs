//! Resolve + build stage: turns each side of the comparison (a [`Source`]) into rustdoc JSON
//! on disk, and finds the previous release tag to use as the baseline.
//!
//! Guarantees:
//! - The user's working tree, index, refs and `Cargo.lock` are never modified. Git baselines
//!   are exported into a temporary directory through a private index; every build resolves
//!   against a private copy of the lockfile, so cargo never opens the user's for writing (see
//!   [`build_side`]).
//! - Temporary directories are removed on success, on error and on Ctrl-C (every child
//!   process runs through [`crate::interrupt`], so an interrupt unwinds normally).
//! - rustdoc JSON lands in a content-addressed cache (see `cache.rs`); a warm hit runs no
//!   cargo at all.

mod batch;
mod cache;
mod context;
mod export;
mod invoke;
pub mod manifest;
pub mod registry;
mod scratch;
mod side;
mod toolchain;

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};

pub use batch::{prebuild, Request};
pub use invoke::{exports_symbols, wrap_rustc, WRAPPER_ENV};
pub use manifest::{DepInfo, DepKind, ManifestInfo};
pub use toolchain::{installed_formats, ToolchainFormat};

use cache::{Cache, KeyBuilder};
use invoke::{FeatureArgs, Job};
use manifest::Lockfile;
use toolchain::Toolchain;

use crate::git;
use crate::git::canonical;
use crate::git::tags::Repo;
use crate::interrupt;
use crate::progress::Progress;

/// Where one side of the comparison comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The package in the user's working tree (current side, default); may be dirty.
    WorkingTree { manifest_path: PathBuf },
    /// A git revision (tag, commit, branch) of the repo containing the package.
    GitRev { rev: String },
    /// A version of the package downloaded from the registry through cargo.
    Registry { version: semver::Version },
    /// Another checkout of the package (or of its workspace) on disk.
    Path { dir: PathBuf },
    /// A prebuilt rustdoc JSON file (no build).
    Rustdoc { file: PathBuf },
}

/// Which side is being built; used in messages and to decide how strict feature selection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Baseline,
    Current,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Baseline => "baseline",
            Role::Current => "current",
        })
    }
}

/// How both sides are built.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// e.g. `nightly` -> `cargo +nightly`; `None` = the toolchain the user's package selects.
    pub toolchain: Option<String>,
    /// Applied to both sides. On the baseline, features it does not have yet are dropped with
    /// a warning (a feature added in this release must not break the baseline build).
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    /// Shared by both sides so dependencies compile once; default `<workspace target>/semgate`.
    pub target_dir: PathBuf,
    /// Content-addressed rustdoc JSON cache; default `<target_dir>/cache`.
    pub cache_dir: PathBuf,
    /// Pass `--document-hidden-items` (keep it on: the API model filters hidden items itself).
    pub document_hidden: bool,
    /// Where temporary git exports go; `None` = the system temp dir.
    pub scratch_dir: Option<PathBuf>,
    /// The registry baselines and releases are looked up in (`--registry`); `None`: the one
    /// configuration or the package's `publish` names, else crates.io.
    pub registry: Option<String>,
}

impl BuildOptions {
    /// Defaults with an explicit shared target dir (cache inside it).
    /// A relative directory is taken from the current directory, as users write it: cargo runs
    /// in the package's directory, where a relative one would land somewhere else.
    pub fn with_target_dir(target_dir: PathBuf) -> BuildOptions {
        let target_dir = std::path::absolute(&target_dir).unwrap_or(target_dir);
        BuildOptions {
            toolchain: None,
            features: Vec::new(),
            all_features: false,
            no_default_features: false,
            cache_dir: target_dir.join("cache"),
            target_dir,
            document_hidden: true,
            scratch_dir: None,
            registry: None,
        }
    }

    /// cargo's target directory for one side: the two sides build in their own directories
    /// under the shared one, so both can build at once, and each keeps its dependencies built
    /// from run to run.
    pub fn cargo_target_dir(&self, role: Role) -> PathBuf {
        self.target_dir.join(role_str(role))
    }

    /// `features` split on commas and whitespace, like cargo accepts them.
    fn feature_list(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .features
            .iter()
            .flat_map(|f| f.split(|c: char| c == ',' || c.is_whitespace()))
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What one side resolved to.
#[derive(Debug, Clone)]
pub struct Side {
    /// The rustdoc JSON (in the cache, or the user's file for [`Source::Rustdoc`]); stays
    /// valid after all temporary directories are gone.
    pub json: PathBuf,
    /// e.g. "git tag v1.2.0 (3f2c1ab)", "crates.io 1.2.0", "working tree (uncommitted
    /// changes)", "path ../old", "rustdoc file x.json".
    pub description: String,
    /// "git" | "registry" | "path" | "rustdoc" | "working-tree".
    pub source_kind: &'static str,
    /// The package version on that side (its Cargo.toml); `None` for a bare rustdoc file.
    pub version: Option<semver::Version>,
    /// `Cargo.toml` facts of that side; `None` for a bare rustdoc file.
    pub manifest: Option<ManifestInfo>,
    /// True when the JSON came from the cache and nothing was built.
    pub from_cache: bool,
    /// The commit built, for git sources.
    pub commit: Option<String>,
    /// The JSON when the cache could not take it: a temporary file, removed when the last
    /// clone of the side is dropped.
    pub uncached: Option<Arc<tempfile::TempPath>>,
}

impl Side {
    /// A side that is a prebuilt rustdoc JSON file, without touching it (the API loader
    /// validates it). [`build_side`] with [`Source::Rustdoc`] checks the format up front.
    pub fn from_rustdoc(file: &Path) -> Side {
        Side {
            json: absolute(file),
            description: format!("rustdoc file {}", file.display()),
            source_kind: "rustdoc",
            version: None,
            manifest: None,
            from_cache: false,
            commit: None,
            uncached: None,
        }
    }
}

fn absolute(file: &Path) -> PathBuf {
    if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(file))
            .unwrap_or_else(|_| file.to_path_buf())
    }
}

pub use context::*;
pub use export::*;
pub use side::*;

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn role_str(role: Role) -> &'static str {
    match role {
        Role::Baseline => "baseline",
        Role::Current => "current",
    }
}

/// Seeds a build's private lockfile with the user's (`from`, when there is one): cargo starts
/// from those versions and adjusts what does not fit, so the two sides share dependency builds.
/// A copy that fails is an error: a half-written lockfile, or a silently different resolution,
/// would change what is compared.
pub(crate) fn seed_lockfile(from: &Path, to: &Path) -> Result<()> {
    if from.is_file() {
        std::fs::copy(from, to)
            .with_context(|| format!("failed to copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}
