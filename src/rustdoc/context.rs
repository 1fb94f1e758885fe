//! The build context: a cargo workspace loaded once (`Workspace`) and, per package, what a
//! build needs (`BuildContext`: the package, its manifest facts, the git repository around it,
//! the toolchain, source digests).

use super::*;

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
    pub(super) toolchains: Arc<Toolchains>,
    /// source digests of this run, shared by every member
    pub(super) digests: Arc<cache::Digests>,
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
    pub(super) lock: Option<Lockfile>,
    /// where builds go when the workspace's own target directory must not be used (a package
    /// unpacked in cargo's registry cache, see [`Workspace::published`])
    pub(super) target_override: Option<PathBuf>,
    /// source digests and the toolchain, shared by every member's context: read once per run
    pub(super) digests: Arc<cache::Digests>,
    pub(super) toolchains: Arc<Toolchains>,
}

impl Workspace {
    /// Loads the workspace of `manifest_path` (default: the nearest `Cargo.toml` from the
    /// current directory up).
    pub fn load(manifest_path: Option<&Path>) -> Result<Workspace> {
        Workspace::load_with(manifest_path, false)
    }

    /// [`Workspace::load`], for a run that builds rustdoc with the project's toolchain: its
    /// `rustc --print sysroot` starts at once, beside `cargo metadata`, instead of after it.
    pub fn load_for_build(manifest_path: Option<&Path>) -> Result<Workspace> {
        Workspace::load_with(manifest_path, true)
    }

    fn load_with(manifest_path: Option<&Path>, prefetch: bool) -> Result<Workspace> {
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
        if let (true, Some(dir)) = (prefetch, manifest.parent()) {
            super::toolchain::prefetch_sysroot(dir);
        }
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

    pub(crate) fn not_a_repo(&self, what: &str) -> anyhow::Error {
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

pub(super) type Toolchains = Mutex<HashMap<Option<String>, Arc<Toolchain>>>;

pub(super) fn resolve_toolchain(
    map: &Toolchains,
    dir: &Path,
    name: Option<&str>,
) -> Result<Arc<Toolchain>> {
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
pub(super) fn plain_cargo() -> Command {
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
pub(super) fn user_cache_dir() -> PathBuf {
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

pub(super) fn find_manifest_upwards(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())
}

pub use registry::{is_published, newest_version, Lookup, Published};
