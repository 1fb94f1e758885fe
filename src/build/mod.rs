//! Resolve + build stage: turns each side of the comparison (a [`Source`]) into rustdoc JSON
//! on disk, and finds the previous release tag to use as the baseline.
//!
//! Guarantees:
//! - The user's working tree, index, refs and `Cargo.lock` are never modified. Git baselines
//!   are exported into a temporary directory through a private index; the working tree is
//!   built in place with `--locked` when possible, and the lockfile is restored byte-for-byte
//!   otherwise (see [`build_side`]).
//! - Temporary directories are removed on success, on error and on Ctrl-C (every child
//!   process runs through [`crate::interrupt`], so an interrupt unwinds normally).
//! - rustdoc JSON lands in a content-addressed cache (see `cache.rs`); a warm hit runs no
//!   cargo at all.

mod cache;
mod git;
mod manifest;
mod registry;
mod rustdoc;
mod toolchain;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};

pub use manifest::{DepInfo, DepKind, ManifestInfo};
pub use toolchain::{installed_formats, ToolchainFormat};

use cache::{Cache, KeyBuilder};
use manifest::Lockfile;
use rustdoc::{FeatureArgs, Job, LockGuard};
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
        }
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
    pub metadata: cargo_metadata::Metadata,
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
    toolchains: Mutex<HashMap<Option<String>, Arc<Toolchain>>>,
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
    pub metadata: cargo_metadata::Metadata,
    /// the manifest semgate was pointed at (or found from the current directory)
    pub manifest: PathBuf,
    /// the workspace's Cargo.lock, read once (resolved dependency versions of every member)
    lock: Option<Lockfile>,
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
        Ok(Workspace {
            metadata,
            manifest,
            lock,
        })
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

    /// Manifest facts of a member as it is in the working tree (no build, no git).
    pub fn member_manifest(&self, name: &str) -> Option<ManifestInfo> {
        let pkg = manifest::find_member(&self.metadata, name)?;
        Some(manifest::manifest_info(pkg, self.lock.as_ref()))
    }

    /// Picks the package: the one named by `package`, else the package of the manifest, else
    /// the only member; otherwise an error listing members.
    pub fn context(&self, package: Option<&str>) -> Result<BuildContext> {
        let metadata = self.metadata.clone();
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

        let git = match git::toplevel(&package_dir)? {
            Some(root) => {
                let root = canonical(&root);
                let package_rel = canonical(&package_dir)
                    .strip_prefix(&root)
                    .ok()
                    .map(Path::to_path_buf);
                match package_rel {
                    Some(package_rel) => Some(GitRepo {
                        workspace_rel: canonical(&workspace_root)
                            .strip_prefix(&root)
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|_| package_rel.clone()),
                        package_rel,
                        head: git::head(&root)?,
                        shallow: git::is_shallow(&root),
                        root,
                    }),
                    None => None,
                }
            }
            None => None,
        };
        let dirty = match &git {
            Some(g) => !git::status_porcelain(&g.root, &g.package_rel)?
                .trim()
                .is_empty(),
            None => false,
        };

        Ok(BuildContext {
            workspace_root,
            target_directory: metadata.target_directory.clone().into_std_path_buf(),
            package: pkg.name.clone(),
            current_version: pkg.version.clone(),
            manifest: info,
            manifest_path,
            package_dir,
            members: names,
            git,
            dirty,
            toolchains: Mutex::new(HashMap::new()),
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

    /// `<workspace target dir>/semgate`: shared by both sides so dependencies compile once.
    pub fn default_target_dir(&self) -> PathBuf {
        self.target_directory.join("semgate")
    }

    /// The toolchain for `name`, resolved once per context from the package directory.
    pub(crate) fn toolchain(&self, name: Option<&str>) -> Result<Arc<Toolchain>> {
        let key = name.map(str::to_string);
        let mut map = self.toolchains.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tc) = map.get(&key) {
            return Ok(Arc::clone(tc));
        }
        let tc = Arc::new(Toolchain::resolve(&self.package_dir, name)?);
        map.insert(key, Arc::clone(&tc));
        Ok(tc)
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

/// `cargo` as the user would run it (the one that invoked us as a subcommand, if any).
fn plain_cargo() -> Command {
    let program = std::env::var_os("CARGO")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "cargo".into());
    Command::new(program)
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
// Baseline tag discovery
// ---------------------------------------------------------------------------------------

/// A release tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub version: semver::Version,
    /// The tagged commit (annotated tags peeled).
    pub commit: String,
}

/// How tag names map to versions.
struct TagMatcher {
    /// (prefix, suffix, per-crate) around the version.
    shapes: Vec<(String, String, bool)>,
}

impl TagMatcher {
    fn new(package: &str, pattern: Option<&str>) -> Result<TagMatcher> {
        if let Some(pattern) = pattern {
            let expanded = pattern.replace("{name}", package);
            let Some((prefix, suffix)) = expanded.split_once("{version}") else {
                bail!("tag pattern `{pattern}` has no `{{version}}` placeholder; write it like `release-{{version}}` or `{{name}}-v{{version}}`");
            };
            if suffix.contains("{version}") {
                bail!("tag pattern `{pattern}` contains `{{version}}` more than once");
            }
            return Ok(TagMatcher {
                shapes: vec![(prefix.to_string(), suffix.to_string(), true)],
            });
        }
        let per_crate = ["-v", "@", "-", "/v"]
            .iter()
            .map(|sep| (format!("{package}{sep}"), String::new(), true));
        let bare = ["v", ""]
            .iter()
            .map(|p| (p.to_string(), String::new(), false));
        Ok(TagMatcher {
            shapes: per_crate.chain(bare).collect(),
        })
    }

    /// The version a tag names, and whether it is a per-crate tag.
    fn parse(&self, tag: &str) -> Option<(semver::Version, bool)> {
        self.shapes.iter().find_map(|(prefix, suffix, per_crate)| {
            let middle = tag
                .strip_prefix(prefix.as_str())?
                .strip_suffix(suffix.as_str())?;
            semver::Version::parse(middle).ok().map(|v| (v, *per_crate))
        })
    }

    /// Human list of the shapes, instantiated with an example version.
    fn describe(&self) -> Vec<String> {
        self.shapes
            .iter()
            .map(|(p, s, _)| format!("{p}1.2.3{s}"))
            .collect()
    }
}

/// The tag shapes looked for (with an example version), for messages and `--help`.
pub fn baseline_tag_shapes(package: &str, pattern: Option<&str>) -> Result<Vec<String>> {
    Ok(TagMatcher::new(package, pattern)?.describe())
}

/// The release tag of `package` at exactly `version`, on any branch, if the repository has one.
pub fn release_tag_of(
    ctx: &BuildContext,
    package: &str,
    version: &semver::Version,
    pattern: Option<&str>,
) -> Result<Option<String>> {
    let matcher = TagMatcher::new(package, pattern)?;
    let Some(git) = &ctx.git else { return Ok(None) };
    let mut found: Vec<(bool, String)> = git::all_tags(&git.root)?
        .into_iter()
        .filter_map(|t| {
            let (v, per_crate) = matcher.parse(&t.name)?;
            (v == *version).then_some((!per_crate, t.name))
        })
        .collect();
    found.sort(); // per-crate tags first
    Ok(found.into_iter().next().map(|(_, name)| name))
}

pub use registry::newest_version;

/// What the tag scan saw, to explain an empty result.
#[derive(Default)]
struct TagScan {
    best: Option<Tag>,
    at_head: Vec<String>,
    prerelease: Vec<String>,
    newer: Vec<String>,
}

fn scan_tags(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<TagScan> {
    let matcher = TagMatcher::new(package, pattern)?;
    let git = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo("find the previous release tag"))?;
    let Some(head) = &git.head else {
        return Ok(TagScan::default());
    };
    let current_version = if package == ctx.package {
        Some(ctx.current_version.clone())
    } else {
        manifest::find_member(&ctx.metadata, package).map(|p| p.version.clone())
    };
    let mut scan = TagScan::default();
    // (tag, commit date, per-crate)
    let mut candidates: Vec<(Tag, i64, bool)> = Vec::new();
    for raw in git::merged_tags(&git.root)? {
        let Some((version, per_crate)) = matcher.parse(&raw.name) else {
            continue;
        };
        if !version.pre.is_empty() && !include_prerelease {
            scan.prerelease.push(raw.name);
            continue;
        }
        // A clean HEAD that is itself tagged *is* that release: the baseline is the one
        // before. With uncommitted changes, HEAD's release is exactly what they change.
        if raw.commit == *head && !ctx.dirty {
            scan.at_head.push(raw.name);
            continue;
        }
        // A "previous release" newer than the version being released makes no sense (a tag
        // of another crate, or of a branch merged back); skip it.
        if current_version.as_ref().is_some_and(|cur| version > *cur) {
            scan.newer.push(raw.name);
            continue;
        }
        candidates.push((
            Tag {
                name: raw.name,
                version,
                commit: raw.commit,
            },
            raw.date,
            per_crate,
        ));
    }
    // In a multi-crate repo bare `v1.2.3` tags usually belong to the main crate: per-crate
    // tags, when this package has any, are the authoritative ones.
    if candidates.iter().any(|c| c.2) {
        candidates.retain(|c| c.2);
    }
    scan.best = candidates
        .into_iter()
        .max_by(|a, b| {
            a.0.version
                .cmp(&b.0.version)
                .then(a.1.cmp(&b.1))
                .then_with(|| b.0.name.cmp(&a.0.name))
        })
        .map(|c| c.0);
    Ok(scan)
}

/// Newest release tag reachable from HEAD that names a release of `package` and is older
/// than the current state: not HEAD itself when the package is clean, and not a higher
/// version than the package's current one. Tag shapes: `v1.2.3`, `1.2.3`, `name-v1.2.3`,
/// `name@1.2.3`, `name-1.2.3`, `name/v1.2.3` (per-crate shapes win when any exist), or
/// `pattern` with `{version}` (and optionally `{name}`). Pre-releases only count when
/// `include_prerelease`. "Newest" = highest semver, ties broken by commit date.
///
/// Errors when there is no git repository; `Ok(None)` when no tag qualifies.
pub fn find_baseline_tag(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<Option<Tag>> {
    Ok(scan_tags(ctx, package, pattern, include_prerelease)?.best)
}

/// [`find_baseline_tag`], turning "no tag" into an error that says what was looked for and
/// how to name a baseline instead.
pub fn require_baseline_tag(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<Tag> {
    let scan = scan_tags(ctx, package, pattern, include_prerelease)?;
    if let Some(tag) = scan.best {
        return Ok(tag);
    }
    let shapes = TagMatcher::new(package, pattern)?.describe();
    let root = ctx
        .git
        .as_ref()
        .map(|g| g.root.display().to_string())
        .unwrap_or_default();
    let mut msg = format!(
        "no release tag of `{package}` found among the tags reachable from HEAD in {root}; looked for tags shaped like {}",
        shapes.join(", ")
    );
    if !scan.at_head.is_empty() {
        msg.push_str(&format!(
            "; {} points at HEAD itself, which is the release being checked, and there is no earlier one (a first release has nothing to compare against)",
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
    if ctx.git.as_ref().is_some_and(|g| g.shallow) {
        msg.push_str("; this is a shallow clone, so fetch history and tags first (`git fetch --tags --unshallow`)");
    }
    msg.push_str(
        "; tag the previous release, pass --tag-pattern if your tags look different, or name the baseline with --baseline-rev, --baseline-version, --baseline-path or --baseline-rustdoc",
    );
    Err(anyhow!(msg))
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
/// Working tree and `Path` sources are built in place with their own `Cargo.lock`: with
/// `--locked` when a lockfile exists (so cargo cannot write it); if cargo refuses because the
/// lockfile is stale (typically right after a version bump), the build is retried without
/// `--locked` under a guard that restores the original bytes afterwards (also on error and
/// Ctrl-C); a lockfile cargo creates where there was none is removed again. Copying the
/// workspace instead would be safe too, but slow for big trees.
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
    let b = SideBuild {
        package,
        role,
        ctx,
        opts,
        progress,
        tc: ctx.toolchain(opts.toolchain.as_deref())?,
        cache: Cache::new(&opts.cache_dir),
    };
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

    fn store(
        &self,
        key: &str,
        bytes: &[u8],
        description: &str,
        manifest: Option<&ManifestInfo>,
        commit: Option<&str>,
    ) -> Result<PathBuf> {
        rustdoc::check_header(bytes, &format!("the rustdoc JSON built from {description}"))?;
        self.cache
            .store(self.package, key, bytes, description, manifest, commit)
    }

    /// Working tree (`path_label` None) or another checkout on disk.
    fn local(&self, manifest_path: &Path, path_label: Option<&Path>) -> Result<Side> {
        let is_ctx_manifest = canonical(manifest_path) == canonical(&self.ctx.manifest_path)
            || canonical(manifest_path) == canonical(&self.ctx.workspace_root.join("Cargo.toml"));
        let owned;
        let metadata = if is_ctx_manifest {
            &self.ctx.metadata
        } else {
            owned = manifest::cargo_metadata(self.tc.cargo(), manifest_path, true).with_context(
                || format!("could not load the package at {}", manifest_path.display()),
            )?;
            &owned
        };
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
        let fingerprint = cache::fingerprint_sources(&dirs, &extra, &exclude)?;
        let features = self.feature_args(&info, &description);
        let mut key = self.base_key(&features.features);
        key.field("source", "local").field("content", &fingerprint);
        let key = key.finish();

        let side = |json: PathBuf, from_cache: bool| Side {
            json,
            description: description.clone(),
            source_kind,
            version: Some(info.version.clone()),
            manifest: Some(info.clone()),
            from_cache,
            commit: None,
        };
        if let Some(hit) = self.cache_hit(&key, &description)? {
            return Ok(side(hit.json, true));
        }

        let task = self.start(&description);
        let job = Job {
            manifest_path: pkg.manifest_path.as_std_path(),
            package_spec: self.package.to_string(),
            lib_name: &lib_name,
            features,
            locked: false,
        };
        let bytes = self.build_in_user_tree(job, &lock_path, &description)?;
        let json = self.store(&key, &bytes, &description, Some(&info), None)?;
        task.finish();
        Ok(side(json, false))
    }

    /// Builds in a directory that belongs to the user, leaving its Cargo.lock untouched.
    fn build_in_user_tree(
        &self,
        mut job: Job<'_>,
        lock_path: &Path,
        description: &str,
    ) -> Result<Vec<u8>> {
        let existed = lock_path.is_file();
        if existed {
            job.locked = true;
            let (out, bytes) = rustdoc::run(&self.tc, &job, self.opts, self.progress)?;
            if let Some(bytes) = bytes {
                return Ok(bytes);
            }
            if !rustdoc::lock_needs_update(&String::from_utf8_lossy(&out.stderr)) {
                return Err(self.build_failure(description, &out));
            }
            self.progress.note(format_args!(
                "{} is out of date (cargo wants to update it); building anyway and restoring it afterwards",
                lock_path.display()
            ));
            job.locked = false;
        }
        let guard = LockGuard::new(lock_path)?;
        let result = rustdoc::run(&self.tc, &job, self.opts, self.progress);
        let restored = guard.restore();
        let (out, bytes) = result?;
        let changed = restored?;
        // Routine for libraries that do not commit a lockfile: only worth a word in verbose.
        if changed && !existed && self.progress.is_verbose() {
            self.progress.note(format_args!(
                "removed the {} cargo generated during the build",
                lock_path.display()
            ));
        }
        bytes.ok_or_else(|| self.build_failure(description, &out))
    }

    fn git(&self, rev: &str) -> Result<Side> {
        let repo = self
            .ctx
            .git
            .as_ref()
            .ok_or_else(|| self.ctx.not_a_repo(&format!("build git revision `{rev}`")))?;
        let resolved = git::resolve_rev(&repo.root, rev)?;
        let description = resolved.description.clone();
        let features = self.opts.feature_list();
        let mut key = self.base_key(&features);
        key.field("source", "git").field("commit", &resolved.commit);
        let key = key.finish();

        if let Some(hit) = self.cache_hit(&key, &description)? {
            return Ok(Side {
                json: hit.json,
                description,
                source_kind: "git",
                version: hit.meta.manifest.as_ref().map(|m| m.version.clone()),
                manifest: hit.meta.manifest,
                from_cache: true,
                commit: Some(resolved.commit),
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
            package_spec: self.package.to_string(),
            lib_name: &lib_name,
            features: self.feature_args(&pre, &description),
            locked: false,
        };
        let (out, bytes) = rustdoc::run(&self.tc, &job, self.opts, self.progress)?;
        let bytes = bytes.ok_or_else(|| self.build_failure(&description, &out))?;
        // Resolved versions as of the lockfile the build actually used.
        let info = manifest::manifest_info(pkg, Lockfile::read(&lock_path).as_ref());
        let json = self.store(
            &key,
            &bytes,
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
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        match &self.opts.scratch_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("failed to create the scratch directory {}", dir.display())
                })?;
                builder.tempdir_in(dir).with_context(|| {
                    format!(
                        "failed to create a temporary directory in {}",
                        dir.display()
                    )
                })
            }
            None => builder
                .tempdir()
                .context("failed to create a temporary directory (check TMPDIR)"),
        }
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
