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

pub mod baseline;
mod batch;
mod cache;
mod git;
mod manifest;
mod registry;
mod releases;
mod rustdoc;
mod scratch;
mod toolchain;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};

pub use batch::{prebuild, Request};
pub use manifest::{DepInfo, DepKind, ManifestInfo};
pub use rustdoc::{wrap_rustc, WRAPPER_ENV};
pub use toolchain::{installed_formats, ToolchainFormat};

use cache::{Cache, KeyBuilder};
use manifest::Lockfile;
use rustdoc::{FeatureArgs, Job};
use toolchain::Toolchain;

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
    /// Defaults for `ctx`: target `<workspace target>/semgate`, cache `<that>/cache`.
    pub fn new(ctx: &BuildContext) -> BuildOptions {
        BuildOptions::with_target_dir(ctx.default_target_dir())
    }

    /// Defaults with an explicit shared target dir (cache inside it).
    pub fn with_target_dir(target_dir: PathBuf) -> BuildOptions {
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

/// The git repository around the user's package.
#[derive(Debug, Clone)]
pub struct GitRepo {
    /// What the repository knows, shared by every member of the workspace.
    pub repo: Arc<Repo>,
    /// Top level of the work tree.
    pub root: PathBuf,
    /// The package directory relative to `root` (empty when the package is at the root).
    pub package_rel: PathBuf,
    /// The workspace root relative to `root`.
    pub workspace_rel: PathBuf,
    /// The commit HEAD points at; `None` before the first commit.
    pub head: Option<String>,
    /// A shallow clone (CI); tags and history may be missing.
    pub shallow: bool,
}

/// The user's workspace and the package being checked.
#[derive(Debug)]
pub struct BuildContext {
    /// `cargo metadata --no-deps` of the user's workspace.
    pub metadata: Arc<cargo_metadata::Metadata>,
    pub workspace_root: PathBuf,
    /// The workspace's cargo target directory.
    pub target_directory: PathBuf,
    /// The selected package.
    pub package: String,
    pub manifest_path: PathBuf,
    pub package_dir: PathBuf,
    pub current_version: semver::Version,
    /// Manifest facts of the package in the working tree.
    pub manifest: ManifestInfo,
    /// Names of all workspace members.
    pub members: Vec<String>,
    pub git: Option<GitRepo>,
    /// Uncommitted (or untracked) changes under the package directory.
    pub dirty: bool,
    /// one toolchain per name for the whole workspace (resolved from its root)
    toolchains: Arc<Toolchains>,
    /// source digests of this run, shared by every member
    digests: Arc<cache::Digests>,
}

impl BuildContext {
    /// Loads the workspace of `manifest_path` (default: the nearest `Cargo.toml` from the
    /// current directory up) and picks the package: the one named by `package`, else the
    /// package of that manifest, else the only member; otherwise an error listing members.
    pub fn discover(manifest_path: Option<&Path>, package: Option<&str>) -> Result<BuildContext> {
        Workspace::load(manifest_path)?.context(package)
    }
}

/// A loaded cargo workspace, before a package is picked: `semgate check --workspace` builds one
/// [`BuildContext`] per member from it without running `cargo metadata` again.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub metadata: Arc<cargo_metadata::Metadata>,
    /// The git repository around the workspace root, read once for every member.
    pub repo: Option<Arc<Repo>>,
    /// the manifest semgate was pointed at (or found from the current directory)
    pub manifest: PathBuf,
    /// the workspace's Cargo.lock, read once (resolved dependency versions of every member)
    lock: Option<Lockfile>,
    /// where builds go when the workspace's own target directory must not be used (a package
    /// unpacked in cargo's registry cache, see [`Workspace::published`])
    target_override: Option<PathBuf>,
    /// source digests and the toolchain, shared by every member's context: read once per run
    digests: Arc<cache::Digests>,
    toolchains: Arc<Toolchains>,
}

impl Workspace {
    /// Loads the workspace of `manifest_path` (default: the nearest `Cargo.toml` from the
    /// current directory up).
    pub fn load(manifest_path: Option<&Path>) -> Result<Workspace> {
        let cwd = std::env::current_dir().context("failed to read the current directory")?;
        let manifest = match manifest_path {
            Some(p) => {
                let p = if p.is_absolute() { p.to_path_buf() } else { cwd.join(p) };
                let p = if p.is_dir() { p.join("Cargo.toml") } else { p };
                if !p.is_file() {
                    bail!("manifest {} does not exist; pass the path of a Cargo.toml with --manifest-path", p.display());
                }
                p
            }
            None => find_manifest_upwards(&cwd).ok_or_else(|| {
                anyhow!(
                    "could not find Cargo.toml in {} or any parent directory; run semgate inside a cargo package or pass --manifest-path",
                    cwd.display()
                )
            })?,
        };
        let metadata =
            manifest::cargo_metadata(plain_cargo(), &manifest, true).with_context(|| {
                format!(
                    "could not load the cargo workspace of {}",
                    manifest.display()
                )
            })?;
        let lock = Lockfile::read(&metadata.workspace_root.as_std_path().join("Cargo.lock"));
        let repo = Repo::discover(metadata.workspace_root.as_std_path())?.map(Arc::new);
        Ok(Workspace {
            metadata: Arc::new(metadata),
            repo,
            manifest,
            lock,
            target_override: None,
            digests: Arc::default(),
            toolchains: Arc::default(),
        })
    }

    /// A stand-in workspace for comparing two published releases with no local package: the
    /// package `name` at `version`, as cargo unpacks it from its registry. Builds go to
    /// `target_dir` (default: semgate's cache directory), never into cargo's registry cache.
    pub fn published(
        name: &str,
        version: &semver::Version,
        target_dir: Option<&Path>,
    ) -> Result<Workspace> {
        let target = match target_dir {
            Some(dir) => dir.to_path_buf(),
            None => user_cache_dir().join("published"),
        };
        std::fs::create_dir_all(&target)
            .with_context(|| format!("failed to create {}", target.display()))?;
        let manifest = registry::unpacked_manifest(name, version, &target)?;
        let mut ws = Workspace::load(Some(&manifest))?;
        ws.target_override = Some(target);
        Ok(ws)
    }

    /// Names of the workspace members, sorted.
    pub fn member_names(&self) -> Vec<String> {
        let mut names: Vec<String> = manifest::members(&self.metadata)
            .iter()
            .map(|p| p.name.clone())
            .collect();
        names.sort();
        names
    }

    /// The member a manifest without `-p` selects: the package of that manifest, or the only
    /// member; `None` for a virtual workspace of several packages.
    pub fn default_package(&self) -> Option<String> {
        let members = manifest::members(&self.metadata);
        let manifest_c = canonical(&self.manifest);
        members
            .iter()
            .find(|p| canonical(p.manifest_path.as_std_path()) == manifest_c)
            .or(if members.len() == 1 {
                members.first()
            } else {
                None
            })
            .map(|p| p.name.clone())
    }

    /// The project's semgate configuration for `package` (its table over the workspace's), or
    /// the workspace's alone when no package is named.
    pub fn config_of(&self, package: Option<&str>) -> Result<crate::config::Config> {
        let package = package
            .map(|name| member_metadata(&self.metadata, name))
            .unwrap_or_default();
        crate::config::Config::from_metadata(&self.metadata.workspace_metadata, &package)
    }

    /// `[workspace.package] version`: the version every member shares in a shared-version
    /// workspace, or `None` when members are versioned independently. A root manifest that
    /// cannot be read, or a version that is not a version string, is an error.
    pub fn shared_version(&self) -> Result<Option<semver::Version>> {
        let root = self
            .metadata
            .workspace_root
            .as_std_path()
            .join("Cargo.toml");
        let text = std::fs::read_to_string(&root)
            .with_context(|| format!("failed to read {}", root.display()))?;
        manifest::workspace_version(&text)
            .with_context(|| format!("cannot read the workspace version in {}", root.display()))
    }

    /// `<workspace target dir>/semgate`, where semgate's builds and probes go.
    pub fn default_target_dir(&self) -> PathBuf {
        self.target_override
            .clone()
            .unwrap_or_else(|| self.metadata.target_directory.clone().into_std_path_buf())
            .join("semgate")
    }

    /// Where registry questions are asked from for this workspace (from its root).
    pub fn lookup(&self, opts: &BuildOptions) -> Result<Lookup<'_>> {
        Ok(Lookup {
            metadata: &self.metadata,
            dir: self.metadata.workspace_root.as_std_path(),
            tc: resolve_toolchain(
                &self.toolchains,
                self.metadata.workspace_root.as_std_path(),
                opts.toolchain.as_deref(),
            )?,
        })
    }

    /// Whether a member may be published (`publish = false` and `publish = []` say no).
    pub fn is_publishable(&self, name: &str) -> bool {
        manifest::find_member(&self.metadata, name).is_none_or(manifest::publishable)
    }

    /// The directory of member `name`.
    pub fn member_dir(&self, name: &str) -> Option<PathBuf> {
        manifest::find_member(&self.metadata, name)?
            .manifest_path
            .parent()
            .map(|p| p.as_std_path().to_path_buf())
    }

    /// Manifest facts of a member as it is in the working tree (no build, no git).
    pub fn member_manifest(&self, name: &str) -> Option<ManifestInfo> {
        let pkg = manifest::find_member(&self.metadata, name)?;
        Some(manifest::manifest_info(pkg, self.lock.as_ref()))
    }

    /// Picks the package: the one named by `package`, else the package of the manifest, else
    /// the only member; otherwise an error listing members.
    pub fn context(&self, package: Option<&str>) -> Result<BuildContext> {
        let metadata = Arc::clone(&self.metadata);
        let manifest = self.manifest.clone();
        let members = manifest::members(&metadata);
        let mut names: Vec<String> = members.iter().map(|p| p.name.clone()).collect();
        names.sort();
        let manifest_c = canonical(&manifest);
        let pkg = match package {
            Some(name) => manifest::find_member(&metadata, name).ok_or_else(|| {
                anyhow!(
                    "package `{name}` is not a member of the workspace at {}; its packages are: {}",
                    metadata.workspace_root,
                    names.join(", ")
                )
            })?,
            None => match members
                .iter()
                .find(|p| canonical(p.manifest_path.as_std_path()) == manifest_c)
            {
                Some(p) => p,
                None if members.len() == 1 => members[0],
                None => bail!(
                    "{} is a workspace with several packages; pick one with -p/--package: {}",
                    manifest.display(),
                    names.join(", ")
                ),
            },
        };

        let workspace_root = metadata.workspace_root.clone().into_std_path_buf();
        let manifest_path = pkg.manifest_path.clone().into_std_path_buf();
        let package_dir = manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| workspace_root.clone());
        let lock = Lockfile::read(&workspace_root.join("Cargo.lock"));
        let info = manifest::manifest_info(pkg, lock.as_ref());
        // Fail before anything else (tag discovery, builds): nothing can be checked.
        if info.lib_target.is_none() {
            bail!(
                "package `{}` has no library target; semgate checks library APIs (its manifest is {})",
                pkg.name,
                pkg.manifest_path
            );
        }

        let git = self.repo.as_ref().and_then(|repo| {
            let package_rel = canonical(&package_dir)
                .strip_prefix(&repo.root)
                .ok()?
                .to_path_buf();
            Some(GitRepo {
                workspace_rel: canonical(&workspace_root)
                    .strip_prefix(&repo.root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| package_rel.clone()),
                root: repo.root.clone(),
                head: repo.head.clone(),
                shallow: repo.shallow,
                repo: Arc::clone(repo),
                package_rel,
            })
        });
        let dirty = git
            .as_ref()
            .is_some_and(|g| g.repo.is_dirty_under(&g.package_rel));

        Ok(BuildContext {
            workspace_root,
            target_directory: self
                .target_override
                .clone()
                .unwrap_or_else(|| metadata.target_directory.clone().into_std_path_buf()),
            package: pkg.name.clone(),
            current_version: pkg.version.clone(),
            manifest: info,
            manifest_path,
            package_dir,
            members: names,
            git,
            dirty,
            toolchains: Arc::clone(&self.toolchains),
            digests: Arc::clone(&self.digests),
            metadata,
        })
    }
}

impl BuildContext {
    /// The selected package's name.
    pub fn package_name(&self) -> &str {
        &self.package
    }

    /// The selected package's `Cargo.toml`.
    pub fn manifest_path(&self) -> &Path {
        &self.manifest_path
    }

    /// Whether the package directory has uncommitted or untracked changes.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Where this package's registry questions are asked from.
    pub fn lookup(&self, opts: &BuildOptions) -> Result<Lookup<'_>> {
        Ok(Lookup {
            metadata: &self.metadata,
            dir: &self.package_dir,
            tc: self.toolchain(opts.toolchain.as_deref())?,
        })
    }

    /// Whether the package may be published (`publish = false` and `publish = []` say no).
    pub fn is_publishable(&self) -> bool {
        manifest::find_member(&self.metadata, &self.package).is_none_or(manifest::publishable)
    }

    /// `<workspace target dir>/semgate`: shared by both sides so dependencies compile once.
    pub fn default_target_dir(&self) -> PathBuf {
        self.target_directory.join("semgate")
    }

    /// The toolchain for `name`, resolved once per workspace (from the first package that
    /// asks: members share the workspace's toolchain, and both sides must use one rustdoc).
    pub(crate) fn toolchain(&self, name: Option<&str>) -> Result<Arc<Toolchain>> {
        resolve_toolchain(&self.toolchains, &self.package_dir, name)
    }

    fn not_a_repo(&self, what: &str) -> anyhow::Error {
        anyhow!(
            "{} is not in a git repository (or git is not installed), so semgate cannot {what}; name the baseline explicitly with --baseline-version, --baseline-path or --baseline-rustdoc",
            self.package_dir.display()
        )
    }
}

/// The abbreviated hash of HEAD in the git repository around `dir`; `None` outside a
/// repository (or without git) and before the first commit. Read-only, like all git use here.
pub fn short_head(dir: &Path) -> Result<Option<String>> {
    let Some(root) = git::toplevel(dir)? else {
        return Ok(None);
    };
    if git::head(&root)?.is_none() {
        return Ok(None);
    }
    git::short_head(&root).map(Some)
}

type Toolchains = Mutex<HashMap<Option<String>, Arc<Toolchain>>>;

fn resolve_toolchain(map: &Toolchains, dir: &Path, name: Option<&str>) -> Result<Arc<Toolchain>> {
    let key = name.map(str::to_string);
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(tc) = map.get(&key) {
        return Ok(Arc::clone(tc));
    }
    let tc = Arc::new(Toolchain::resolve(dir, name)?);
    map.insert(key, Arc::clone(&tc));
    Ok(tc)
}

/// `cargo` as the user would run it (the one that invoked us as a subcommand, if any).
fn plain_cargo() -> Command {
    let program = std::env::var_os("CARGO")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "cargo".into());
    Command::new(program)
}

/// The `[package.metadata]` of member `name` (JSON null when there is none).
pub fn member_metadata(metadata: &cargo_metadata::Metadata, name: &str) -> serde_json::Value {
    manifest::find_member(metadata, name)
        .map(|p| p.metadata.clone())
        .unwrap_or_default()
}

/// semgate's own cache directory, for runs outside any project: `$CARGO_TARGET_DIR/semgate`,
/// else `$XDG_CACHE_HOME/semgate`, `~/.cache/semgate`, or the system temporary directory.
fn user_cache_dir() -> PathBuf {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    from("CARGO_TARGET_DIR")
        .or_else(|| from("XDG_CACHE_HOME"))
        .or_else(|| from("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("semgate")
}

/// Whether there is a `Cargo.toml` in the current directory or above.
pub fn manifest_around() -> Result<bool> {
    let cwd = std::env::current_dir().context("failed to read the current directory")?;
    Ok(find_manifest_upwards(&cwd).is_some())
}

fn find_manifest_upwards(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())
}

pub(crate) fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

// ---------------------------------------------------------------------------------------
// Baseline tags
// ---------------------------------------------------------------------------------------

pub use registry::{is_published, newest_version, Lookup, Published};
pub use releases::{
    baseline_tag_shapes, same_version, suggested_tag, tag_name, Repo, Tag, TagScan,
};

/// The tag scan for `package`: its newest earlier release tag reachable from HEAD, and what
/// was skipped (see [`releases::scan_tags`]). Errors when there is no git repository.
pub fn scan_baseline_tags(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<TagScan> {
    let git = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo("find the previous release tag"))?;
    let Some(head) = &git.head else {
        return Ok(TagScan::default());
    };
    let current = if package == ctx.package {
        ctx.current_version.clone()
    } else {
        manifest::find_member(&ctx.metadata, package)
            .map(|p| p.version.clone())
            .unwrap_or_else(|| ctx.current_version.clone())
    };
    releases::scan_tags(
        &git.repo.merged_tags()?,
        head,
        package,
        &current,
        pattern,
        include_prerelease,
    )
}

/// Newest release tag reachable from HEAD that names an earlier release of `package` (see
/// [`releases::scan_tags`]); `Ok(None)` when no tag qualifies.
pub fn find_baseline_tag(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<Option<Tag>> {
    Ok(scan_baseline_tags(ctx, package, pattern, include_prerelease)?.best)
}

/// Why no tag qualified, as one sentence listing what was looked for and what was skipped.
pub fn no_tag_reason(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    scan: &TagScan,
) -> Result<String> {
    let shapes = releases::TagMatcher::new(package, pattern)?.describe();
    let root = ctx
        .git
        .as_ref()
        .map(|g| g.root.display().to_string())
        .unwrap_or_default();
    let mut msg = format!(
        "no release tag of `{package}` found among the tags reachable from HEAD in {root} (looked for tags shaped like {})",
        shapes.join(", ")
    );
    if !scan.at_head.is_empty() {
        msg.push_str(&format!(
            "; {} points at HEAD itself, which is the release being checked, and there is no earlier one",
            scan.at_head.join(", ")
        ));
    }
    if !scan.prerelease.is_empty() {
        msg.push_str(&format!(
            "; pre-release tags ({}) were skipped, include them with --prerelease-tags",
            scan.prerelease.join(", ")
        ));
    }
    if !scan.newer.is_empty() {
        msg.push_str(&format!(
            "; tags newer than the current version {} ({}) were skipped",
            ctx.current_version,
            scan.newer.join(", ")
        ));
    }
    Ok(msg)
}

/// Creates the annotated tag `name` on `commit` in the repository at `root`.
pub fn create_tag(root: &Path, name: &str, message: &str, commit: &str) -> Result<()> {
    git::create_tag(root, name, message, commit)
}

/// Pushes `tags` to `remote` from the repository at `root`, atomically.
pub fn push_tags(root: &Path, remote: &str, tags: &[String]) -> Result<()> {
    git::push_tags(root, remote, tags)
}

/// The branch HEAD is on in the repository at `root`, `None` when detached.
pub fn current_branch(root: &Path) -> Result<Option<String>> {
    git::current_branch(root)
}

/// The commit a git revision names, in the package's repository.
pub fn resolve_commit(ctx: &BuildContext, rev: &str) -> Result<String> {
    let git = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo(&format!("build git revision `{rev}`")))?;
    Ok(git::resolve_rev(&git.root, rev)?.commit)
}

/// The release tag of `package` at exactly `version` (build metadata ignored), on any branch.
pub fn release_tag_of(
    ctx: &BuildContext,
    package: &str,
    version: &semver::Version,
    pattern: Option<&str>,
) -> Result<Option<Tag>> {
    match &ctx.git {
        Some(git) => git.repo.release_tag_of(package, version, pattern),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------
// Building a side
// ---------------------------------------------------------------------------------------

/// Everything one side's build needs.
struct SideBuild<'a> {
    package: &'a str,
    role: Role,
    ctx: &'a BuildContext,
    opts: &'a BuildOptions,
    progress: &'a Progress,
    tc: Arc<Toolchain>,
    cache: Cache,
}

/// Produces rustdoc JSON for one side of the comparison.
///
/// Working tree and `Path` sources are built in place, resolving against a private copy of
/// their `Cargo.lock` (cargo's `resolver.lockfile-path`): cargo may update the copy (a stale
/// lockfile right after a version bump, none committed at all), never the original, and a
/// process killed at any moment leaves the user's lockfile as it was.
///
/// Git sources are exported (whole repo at that commit) into a temp dir and built there with
/// the lockfile committed at that revision; if none was committed, the user's current
/// lockfile seeds it so both sides share dependency builds. Registry sources go through a
/// temporary placeholder package inside the target dir (so cargo sees the project's
/// `.cargo/config.toml` registries and source replacements).
pub fn build_side(
    package: &str,
    source: &Source,
    ctx: &BuildContext,
    opts: &BuildOptions,
    role: Role,
    progress: &Progress,
) -> Result<Side> {
    interrupt::check()?;
    if let Source::Rustdoc { file } = source {
        return rustdoc_file_side(package, role, file, progress);
    }
    let b = SideBuild::new(package, role, ctx, opts, progress)?;
    b.tc.announce(progress);
    match source {
        Source::WorkingTree { manifest_path } => {
            let manifest_path = std::path::absolute(manifest_path)
                .with_context(|| format!("invalid path {}", manifest_path.display()))?;
            b.local(&manifest_path, None)
        }
        Source::Path { dir } => {
            // cargo runs in other directories; a relative path means relative to ours (the
            // report keeps the path as the user wrote it)
            let label = dir;
            let dir = &std::path::absolute(dir)
                .with_context(|| format!("invalid path {}", dir.display()))?;
            let manifest = if dir.file_name().is_some_and(|n| n == "Cargo.toml") && dir.is_file() {
                dir.clone()
            } else {
                dir.join("Cargo.toml")
            };
            if !manifest.is_file() {
                bail!(
                    "no Cargo.toml in {}; a baseline path must be a checkout of the package or of its workspace",
                    dir.display()
                );
            }
            b.local(&manifest, Some(label))
        }
        Source::GitRev { rev } => b.git(rev),
        Source::Registry { version } => registry::build(&b, version),
        Source::Rustdoc { file } => rustdoc_file_side(package, role, file, progress),
    }
}

fn rustdoc_file_side(package: &str, role: Role, file: &Path, progress: &Progress) -> Result<Side> {
    let description = format!("rustdoc file {}", file.display());
    let bytes = std::fs::read(file).with_context(|| {
        format!(
            "failed to read the rustdoc JSON file {}; check the path you passed",
            file.display()
        )
    })?;
    rustdoc::check_header(&bytes, &description)?;
    progress.status(
        "Using",
        format_args!("{role} rustdoc for {package} from {description}"),
    );
    Ok(Side::from_rustdoc(file))
}

impl<'a> SideBuild<'a> {
    fn new(
        package: &'a str,
        role: Role,
        ctx: &'a BuildContext,
        opts: &'a BuildOptions,
        progress: &'a Progress,
    ) -> Result<SideBuild<'a>> {
        Ok(SideBuild {
            package,
            role,
            ctx,
            opts,
            progress,
            tc: ctx.toolchain(opts.toolchain.as_deref())?,
            cache: Cache::new(&opts.cache_dir),
        })
    }

    /// The cache key of a git side at `commit`.
    fn git_key(&self, commit: &str) -> String {
        let features = self.opts.feature_list();
        let mut key = self.base_key(&features);
        key.field("source", "git").field("commit", commit);
        key.finish()
    }
}

impl SideBuild<'_> {
    /// Key fields shared by every source kind.
    fn base_key(&self, features: &[String]) -> KeyBuilder {
        let mut k = KeyBuilder::new();
        let rustdocflags = [
            std::env::var("RUSTDOCFLAGS").unwrap_or_default(),
            std::env::var("CARGO_ENCODED_RUSTDOCFLAGS").unwrap_or_default(),
        ]
        .join("\u{1f}");
        k.field("rustc", &self.tc.rustc_vv)
            .field("rustdoc", &self.tc.rustdoc_v)
            .field("target", &self.tc.target_triple())
            .field("rustdocflags", &rustdocflags)
            .field("package", self.package)
            .field("features", &features.join(","))
            .field("all-features", bool_str(self.opts.all_features))
            .field(
                "no-default-features",
                bool_str(self.opts.no_default_features),
            )
            .field("document-hidden", bool_str(self.opts.document_hidden))
            // private items are documented when the sources export symbols (a function of
            // the sources the key pins); naming the policy keeps entries built before it apart
            .field("document-private", "when-exporting-symbols")
            // Unknown features are dropped on the baseline but an error on the current side.
            .field(
                "feature-policy",
                if features.is_empty() {
                    ""
                } else {
                    role_str(self.role)
                },
            );
        k
    }

    /// cargo, running in the user's package directory: a placeholder package elsewhere (the
    /// registry baseline's) then still reads the project's `.cargo/config.toml`, which names
    /// its registries and source replacements.
    fn in_project(&self) -> Command {
        let mut cmd = self.tc.cargo();
        cmd.current_dir(&self.ctx.package_dir);
        cmd
    }

    /// Starts the visible part of a build: a spinner on a terminal, a status line elsewhere.
    fn start(&self, description: &str) -> crate::progress::Task {
        self.progress.task("Building", self.verb_line(description))
    }

    fn verb_line(&self, description: &str) -> String {
        format!(
            "{} rustdoc for {} from {description}",
            self.role, self.package
        )
    }

    fn cache_hit(&self, key: &str, description: &str) -> Result<Option<cache::Hit>> {
        let hit = self.cache.load(self.package, key, self.progress)?;
        if hit.is_some() {
            self.progress.status(
                "Fresh",
                format_args!("{} (cache)", self.verb_line(description)),
            );
        }
        Ok(hit)
    }

    fn lib_name<'m>(&self, manifest: &'m ManifestInfo, description: &str) -> Result<&'m str> {
        manifest.lib_target.as_deref().ok_or_else(|| {
            anyhow!(
                "package `{}` has no library target in the {} ({description}); semgate checks library APIs",
                self.package,
                self.role
            )
        })
    }

    /// Features for this side: on the baseline, drop those it does not define yet.
    fn feature_args(&self, manifest: &ManifestInfo, description: &str) -> FeatureArgs {
        let mut features = self.opts.feature_list();
        if self.role == Role::Baseline && !self.opts.all_features {
            features.retain(|f| {
                let ok = manifest.accepts_feature(f);
                if !ok {
                    self.progress.warn(format_args!(
                        "feature `{f}` does not exist in the baseline ({description}); building the baseline without it"
                    ));
                }
                ok
            });
        }
        FeatureArgs {
            features,
            all_features: self.opts.all_features,
            no_default_features: self.opts.no_default_features,
        }
    }

    fn build_failure(&self, description: &str, out: &Output) -> anyhow::Error {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let excerpt = manifest::indent(&rustdoc::error_excerpt(&stderr));
        let hint = if stderr.contains("none of the selected packages contains")
            || stderr.contains("does not have the feature")
            || stderr.contains("does not contain this feature")
        {
            "a requested feature does not exist there; check --features".to_string()
        } else if self.role == Role::Baseline {
            "the baseline must compile for semgate to compare against it; if it cannot be built with this toolchain, pick one with --toolchain or pass a prebuilt --baseline-rustdoc".to_string()
        } else {
            "the crate must compile for semgate to check it; fix the error above".to_string()
        };
        anyhow!(
            "failed to build the {} rustdoc for `{}` from {description}; cargo reported:\n{excerpt}\n{hint}",
            self.role,
            self.package
        )
    }

    /// Checks and caches built JSON. A cache that cannot take it (read-only, full, something
    /// in the way) never fails the gate: the JSON goes to a temporary file for this run.
    fn store(
        &self,
        key: &str,
        bytes: &[u8],
        description: &str,
        manifest: Option<&ManifestInfo>,
        commit: Option<&str>,
    ) -> Result<Stored> {
        rustdoc::check_header(bytes, &format!("the rustdoc JSON built from {description}"))?;
        match self
            .cache
            .store(self.package, key, bytes, description, manifest, commit)
        {
            Ok(json) => Ok((json, None)),
            Err(e) => {
                self.progress.warn(format_args!(
                    "cannot write the rustdoc cache ({e:#}); continuing without caching"
                ));
                let mut tmp = tempfile::Builder::new()
                    .prefix("semgate-uncached-")
                    .suffix(".json")
                    .tempfile()
                    .context(
                        "failed to write the rustdoc JSON to a temporary file (check TMPDIR)",
                    )?;
                std::io::Write::write_all(&mut tmp, bytes)
                    .context("failed to write the rustdoc JSON to a temporary file")?;
                let path = tmp.into_temp_path();
                Ok((path.to_path_buf(), Some(Arc::new(path))))
            }
        }
    }

    /// Working tree (`path_label` None) or another checkout on disk.
    fn local(&self, manifest_path: &Path, path_label: Option<&Path>) -> Result<Side> {
        let is_ctx_manifest = self.is_ctx_manifest(manifest_path);
        let owned;
        let metadata = if is_ctx_manifest {
            &self.ctx.metadata
        } else {
            owned = manifest::cargo_metadata(self.tc.cargo(), manifest_path, true).with_context(
                || format!("could not load the package at {}", manifest_path.display()),
            )?;
            &owned
        };
        let plan = self.local_plan(metadata, is_ctx_manifest, path_label)?;
        let side = |(json, uncached): Stored, from_cache: bool, info: ManifestInfo| Side {
            json,
            description: plan.description.clone(),
            source_kind: plan.source_kind,
            version: Some(info.version.clone()),
            manifest: Some(info),
            from_cache,
            commit: None,
            uncached,
        };
        if let Some(hit) = self.cache_hit(&plan.key, &plan.description)? {
            let info = hit
                .meta
                .manifest
                .clone()
                .unwrap_or_else(|| plan.info.clone());
            return Ok(side((hit.json, None), true, info));
        }

        let task = self.start(&plan.description);
        let job = Job {
            manifest_path: plan.pkg.manifest_path.as_std_path(),
            package_spec: plan.pkg.id.repr.clone(),
            lib_name: &plan.lib_name,
            features: plan.features.clone(),
            lockfile: Some(&plan.lock_path),
            cwd: None,
            target_dir: self.opts.cargo_target_dir(self.role),
            document_private: plan.document_private,
        };
        let (out, built) = rustdoc::run(&self.tc, &job, self.opts, self.progress)?;
        let built = built.ok_or_else(|| self.build_failure(&plan.description, &out))?;
        // resolved versions as of the lockfile the build actually used
        let info = manifest::manifest_info(plan.pkg, built.lock.as_ref());
        let stored = self.store(&plan.key, &built.json, &plan.description, Some(&info), None)?;
        task.finish();
        Ok(side(stored, false, info))
    }

    /// Whether `manifest_path` is the user's own package (or its workspace root).
    fn is_ctx_manifest(&self, manifest_path: &Path) -> bool {
        canonical(manifest_path) == canonical(&self.ctx.manifest_path)
            || canonical(manifest_path) == canonical(&self.ctx.workspace_root.join("Cargo.toml"))
    }

    /// Everything a local side's build needs, worked out without building: the cache key
    /// covers the package's sources, its path dependencies', the workspace manifest and lock.
    fn local_plan<'m>(
        &self,
        metadata: &'m cargo_metadata::Metadata,
        is_ctx_manifest: bool,
        path_label: Option<&Path>,
    ) -> Result<LocalPlan<'m>> {
        let pkg = manifest::find_member(metadata, self.package).ok_or_else(|| {
            let mut names: Vec<&str> = manifest::members(metadata)
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            names.sort();
            anyhow!(
                "package `{}` not found in the workspace at {}; its packages are: {}",
                self.package,
                metadata.workspace_root,
                names.join(", ")
            )
        })?;
        let workspace_root = metadata.workspace_root.clone().into_std_path_buf();
        let lock_path = workspace_root.join("Cargo.lock");
        let info = manifest::manifest_info(pkg, Lockfile::read(&lock_path).as_ref());
        let (description, source_kind) = match path_label {
            None if is_ctx_manifest && self.ctx.dirty => (
                "working tree (uncommitted changes)".to_string(),
                "working-tree",
            ),
            None => ("working tree".to_string(), "working-tree"),
            Some(dir) => (format!("path {}", dir.display()), "path"),
        };
        let lib_name = self.lib_name(&info, &description)?.to_string();

        let pkg_dir = pkg
            .manifest_path
            .parent()
            .map(|p| p.as_std_path().to_path_buf())
            .unwrap_or_else(|| workspace_root.clone());
        let mut dirs = vec![pkg_dir];
        dirs.extend(manifest::path_dependency_dirs(metadata, pkg));
        let extra = vec![workspace_root.join("Cargo.toml"), lock_path.clone()];
        let exclude = vec![
            self.opts.target_dir.clone(),
            self.opts.cache_dir.clone(),
            metadata.target_directory.clone().into_std_path_buf(),
        ];
        let fingerprint = cache::fingerprint_sources(&self.ctx.digests, &dirs, &extra, &exclude)?;
        let features = self.feature_args(&info, &description);
        let mut key = self.base_key(&features.features);
        key.field("source", "local").field("content", &fingerprint);
        Ok(LocalPlan {
            pkg,
            key: key.finish(),
            description,
            source_kind,
            info,
            lib_name,
            lock_path,
            features,
            document_private: pkg
                .manifest_path
                .parent()
                .is_some_and(|dir| rustdoc::exports_symbols(dir.as_std_path())),
        })
    }

    fn git(&self, rev: &str) -> Result<Side> {
        let repo = self
            .ctx
            .git
            .as_ref()
            .ok_or_else(|| self.ctx.not_a_repo(&format!("build git revision `{rev}`")))?;
        let resolved = git::resolve_rev(&repo.root, rev)?;
        let description = resolved.description.clone();
        let key = self.git_key(&resolved.commit);

        if let Some(hit) = self.cache_hit(&key, &description)? {
            return Ok(Side {
                json: hit.json,
                description,
                source_kind: "git",
                version: hit.meta.manifest.as_ref().map(|m| m.version.clone()),
                manifest: hit.meta.manifest,
                from_cache: true,
                commit: Some(resolved.commit),
                uncached: None,
            });
        }

        let task = self.start(&description);
        let scratch = self.scratch_dir("semgate-git-")?;
        let tree = scratch.path().join("tree");
        git::export_tree(&repo.root, &resolved.commit, scratch.path(), &tree)?;
        interrupt::check()?;

        let (metadata, manifest_path) = self.locate_in_export(&tree, repo, &description)?;
        let pkg = manifest::find_member(&metadata, self.package).ok_or_else(|| {
            anyhow!(
                "internal error: package `{}` vanished from the exported tree",
                self.package
            )
        })?;
        let workspace_root = metadata.workspace_root.clone().into_std_path_buf();
        let lock_path = workspace_root.join("Cargo.lock");
        if !lock_path.exists() {
            let user_lock = self.ctx.workspace_root.join("Cargo.lock");
            if user_lock.is_file() {
                // Not committed at that revision: start from today's versions (cargo adjusts
                // whatever no longer fits), so the two sides share most dependency builds.
                let _ = std::fs::copy(&user_lock, &lock_path);
            }
        }
        let pre = manifest::manifest_info(pkg, None);
        let lib_name = self.lib_name(&pre, &description)?.to_string();
        let job = Job {
            manifest_path: &manifest_path,
            package_spec: pkg.id.repr.clone(),
            lib_name: &lib_name,
            features: self.feature_args(&pre, &description),
            lockfile: Some(&lock_path),
            cwd: None,
            target_dir: self.opts.cargo_target_dir(self.role),
            document_private: pkg
                .manifest_path
                .parent()
                .is_some_and(|dir| rustdoc::exports_symbols(dir.as_std_path())),
        };
        let (out, built) = rustdoc::run(&self.tc, &job, self.opts, self.progress)?;
        let built = built.ok_or_else(|| self.build_failure(&description, &out))?;
        // Resolved versions as of the lockfile the build actually used.
        let info = manifest::manifest_info(pkg, built.lock.as_ref());
        let (json, uncached) = self.store(
            &key,
            &built.json,
            &description,
            Some(&info),
            Some(&resolved.commit),
        )?;
        close_scratch(scratch, self.progress);
        task.finish();
        Ok(Side {
            json,
            description,
            source_kind: "git",
            version: Some(info.version.clone()),
            manifest: Some(info),
            from_cache: false,
            commit: Some(resolved.commit),
            uncached,
        })
    }

    /// Finds the package in an exported tree: where it lives today, else in the workspace
    /// as it was laid out then (packages move between releases).
    fn locate_in_export(
        &self,
        tree: &Path,
        repo: &GitRepo,
        description: &str,
    ) -> Result<(cargo_metadata::Metadata, PathBuf)> {
        let mut tried = Vec::new();
        let candidates = [
            tree.join(&repo.package_rel).join("Cargo.toml"),
            tree.join(&repo.workspace_rel).join("Cargo.toml"),
            tree.join("Cargo.toml"),
        ];
        let mut last_err = None;
        for manifest_path in candidates {
            if tried.contains(&manifest_path) {
                continue;
            }
            tried.push(manifest_path.clone());
            if !manifest_path.is_file() {
                continue;
            }
            match manifest::cargo_metadata(self.tc.cargo(), &manifest_path, true) {
                Ok(metadata) => {
                    if let Some(pkg) = manifest::find_member(&metadata, self.package) {
                        let path = pkg.manifest_path.clone().into_std_path_buf();
                        return Ok((metadata, path));
                    }
                }
                Err(e) => {
                    interrupt::check()?;
                    last_err = Some(e);
                }
            }
        }
        let looked: Vec<String> = tried
            .iter()
            .map(|p| p.strip_prefix(tree).unwrap_or(p).display().to_string())
            .collect();
        let mut msg = format!(
            "package `{}` not found in {description} (looked in {})",
            self.package,
            looked.join(", ")
        );
        if let Some(e) = last_err {
            msg.push_str(&format!("; cargo could not load the manifest there: {e:#}"));
        }
        msg.push_str("; pick a revision that contains the package, or name the baseline with --baseline-version or --baseline-path");
        Err(anyhow!(msg))
    }

    fn scratch_dir(&self, prefix: &str) -> Result<tempfile::TempDir> {
        let dir = self
            .opts
            .scratch_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        scratch::create(&dir, prefix)
    }
}

/// A local side's build, planned (see [`SideBuild::local_plan`]).
struct LocalPlan<'m> {
    pkg: &'m cargo_metadata::Package,
    key: String,
    description: String,
    source_kind: &'static str,
    info: ManifestInfo,
    lib_name: String,
    lock_path: PathBuf,
    features: FeatureArgs,
    /// the package exports symbols (see [`rustdoc::exports_symbols`])
    document_private: bool,
}

/// Where stored JSON lives: the cache entry, or a temporary file that must outlive its use.
type Stored = (PathBuf, Option<Arc<tempfile::TempPath>>);

/// Removes a side's cache entry (after its JSON failed to load), so it is built again.
pub fn evict(side: &Side) {
    if side.from_cache {
        cache::Cache::evict(&side.json);
    }
}

/// Removes a temp dir now, so a failure to do so can be reported (Drop would be silent).
fn close_scratch(dir: tempfile::TempDir, progress: &Progress) {
    let path = dir.path().to_path_buf();
    if let Err(e) = dir.close() {
        progress.warn(format_args!(
            "failed to remove the temporary directory {}: {e}",
            path.display()
        ));
    }
}

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

/// A scratch directory for `check --prove`'s generated crate (see [`scratch`]).
pub fn prove_scratch(dir: &Path) -> Result<tempfile::TempDir> {
    scratch::create(dir, "semgate-prove-")
}

/// How many exported git trees `check --prove` keeps (the most recently used).
const PROVE_TREES: usize = 3;

/// The sources of the package at a git revision, for `check --prove`: the revision exported
/// once into `<dir>/trees/<commit>` and kept (at most [`PROVE_TREES`], the most recently used),
/// so that its builds in proving's target directory are reused from run to run; the package's
/// directory in it, and the lockfile its workspace resolved with. An export is made in a
/// scratch directory and moved into place whole, marked done by `<commit>.done` beside it.
pub fn export_package(ctx: &BuildContext, rev: &str, dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let repo = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo(&format!("export git revision `{rev}`")))?;
    let resolved = git::resolve_rev(&repo.root, rev)?;
    let trees = dir.join("trees");
    let tree = trees.join(&resolved.commit);
    let done = trees.join(format!("{}.done", resolved.commit));
    if !done.is_file() {
        let scratch = scratch::create(dir, "semgate-prove-")?;
        let staging = scratch.path().join("tree");
        git::export_tree(&repo.root, &resolved.commit, scratch.path(), &staging)?;
        std::fs::create_dir_all(&trees)
            .with_context(|| format!("failed to create {}", trees.display()))?;
        // a tree without its mark is what an interrupted run left
        let _ = std::fs::remove_dir_all(&tree);
        if let Err(e) = std::fs::rename(&staging, &tree) {
            if !done.is_file() {
                return Err(e)
                    .with_context(|| format!("failed to move the export to {}", tree.display()));
            }
        }
        std::fs::write(&done, &resolved.commit)
            .with_context(|| format!("failed to write {}", done.display()))?;
    }
    // used now: the mark's time orders the trees for pruning
    if let Ok(file) = std::fs::File::options().write(true).open(&done) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    prune_trees(&trees, &resolved.commit);
    let package_dir = tree.join(&repo.package_rel);
    if !package_dir.join("Cargo.toml").is_file() {
        bail!(
            "package `{}` is not at {} in {}",
            ctx.package_name(),
            repo.package_rel.display(),
            resolved.description
        );
    }
    let lock = [tree.join(&repo.workspace_rel), tree.clone()]
        .into_iter()
        .map(|d| d.join("Cargo.lock"))
        .find(|l| l.is_file())
        .unwrap_or_else(|| ctx.workspace_root.join("Cargo.lock"));
    Ok((package_dir, lock))
}

/// Removes the exported trees beyond the [`PROVE_TREES`] most recently used (never `keep`).
fn prune_trees(trees: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(trees) else {
        return;
    };
    let mut marks: Vec<(std::time::SystemTime, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let commit = name.strip_suffix(".done")?.to_string();
            let time = e.metadata().and_then(|m| m.modified()).ok()?;
            Some((time, commit))
        })
        .collect();
    marks.sort();
    marks.reverse();
    for (_, commit) in marks.into_iter().skip(PROVE_TREES) {
        if commit != keep {
            let _ = std::fs::remove_file(trees.join(format!("{commit}.done")));
            let _ = std::fs::remove_dir_all(trees.join(&commit));
        }
    }
}
