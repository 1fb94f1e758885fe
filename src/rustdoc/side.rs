//! Building one side: from its `Source` to rustdoc JSON and manifest facts (`build_side`),
//! through the cache, a git export, the registry or a path.

use super::*;

/// Everything one side's build needs.
pub(super) struct SideBuild<'a> {
    pub(super) package: &'a str,
    pub(super) role: Role,
    pub(super) ctx: &'a BuildContext,
    pub(super) opts: &'a BuildOptions,
    pub(super) progress: &'a Progress,
    pub(super) tc: Arc<Toolchain>,
    pub(super) cache: Cache,
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

pub(super) fn rustdoc_file_side(
    package: &str,
    role: Role,
    file: &Path,
    progress: &Progress,
) -> Result<Side> {
    let description = format!("rustdoc file {}", file.display());
    let bytes = std::fs::read(file).with_context(|| {
        format!(
            "failed to read the rustdoc JSON file {}; check the path you passed",
            file.display()
        )
    })?;
    invoke::check_header(&bytes, &description)?;
    progress.status(
        "Using",
        format_args!("{role} rustdoc for {package} from {description}"),
    );
    Ok(Side::from_rustdoc(file))
}

impl<'a> SideBuild<'a> {
    pub(super) fn new(
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
    pub(super) fn git_key(&self, commit: &str) -> String {
        let features = self.opts.feature_list();
        let mut key = self.base_key(&features);
        key.field("source", "git").field("commit", commit);
        key.finish()
    }
}

impl SideBuild<'_> {
    /// Key fields shared by every source kind.
    pub(super) fn base_key(&self, features: &[String]) -> KeyBuilder {
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
    pub(super) fn in_project(&self) -> Command {
        let mut cmd = self.tc.cargo();
        cmd.current_dir(&self.ctx.package_dir);
        cmd
    }

    /// Starts the visible part of a build: a spinner on a terminal, a status line elsewhere.
    pub(super) fn start(&self, description: &str) -> crate::progress::Task {
        self.progress.task("Building", self.verb_line(description))
    }

    pub(super) fn verb_line(&self, description: &str) -> String {
        format!(
            "{} rustdoc for {} from {description}",
            self.role, self.package
        )
    }

    pub(super) fn cache_hit(&self, key: &str, description: &str) -> Result<Option<cache::Hit>> {
        let hit = self.cache.load(self.package, key, self.progress)?;
        if hit.is_some() {
            self.progress.status(
                "Fresh",
                format_args!("{} (cache)", self.verb_line(description)),
            );
        }
        Ok(hit)
    }

    pub(super) fn lib_name<'m>(
        &self,
        manifest: &'m ManifestInfo,
        description: &str,
    ) -> Result<&'m str> {
        manifest.lib_target.as_deref().ok_or_else(|| {
            anyhow!(
                "package `{}` has no library target in the {} ({description}); semgate checks library APIs",
                self.package,
                self.role
            )
        })
    }

    /// Features for this side: on the baseline, drop those it does not define yet.
    pub(super) fn feature_args(&self, manifest: &ManifestInfo, description: &str) -> FeatureArgs {
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

    pub(super) fn build_failure(&self, description: &str, out: &Output) -> anyhow::Error {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let excerpt = manifest::indent(&invoke::error_excerpt(&stderr));
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
    pub(super) fn store(
        &self,
        key: &str,
        bytes: &[u8],
        description: &str,
        manifest: Option<&ManifestInfo>,
        commit: Option<&str>,
    ) -> Result<Stored> {
        invoke::check_header(bytes, &format!("the rustdoc JSON built from {description}"))?;
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
    pub(super) fn local(&self, manifest_path: &Path, path_label: Option<&Path>) -> Result<Side> {
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
        let (out, built) = invoke::run(&self.tc, &job, self.opts, self.progress)?;
        let built = built.ok_or_else(|| self.build_failure(&plan.description, &out))?;
        // resolved versions as of the lockfile the build actually used
        let info = manifest::manifest_info(plan.pkg, built.lock.as_ref());
        let stored = self.store(&plan.key, &built.json, &plan.description, Some(&info), None)?;
        task.finish();
        Ok(side(stored, false, info))
    }

    /// Whether `manifest_path` is the user's own package (or its workspace root).
    pub(super) fn is_ctx_manifest(&self, manifest_path: &Path) -> bool {
        canonical(manifest_path) == canonical(&self.ctx.manifest_path)
            || canonical(manifest_path) == canonical(&self.ctx.workspace_root.join("Cargo.toml"))
    }

    /// Everything a local side's build needs, worked out without building: the cache key
    /// covers the package's sources, its path dependencies', the workspace manifest and lock.
    pub(super) fn local_plan<'m>(
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
                .is_some_and(|dir| invoke::exports_symbols(dir.as_std_path())),
        })
    }

    pub(super) fn git(&self, rev: &str) -> Result<Side> {
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
            // Not committed at that revision: start from today's versions (cargo adjusts
            // whatever no longer fits), so the two sides share most dependency builds.
            seed_lockfile(&self.ctx.workspace_root.join("Cargo.lock"), &lock_path)?;
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
                .is_some_and(|dir| invoke::exports_symbols(dir.as_std_path())),
        };
        let (out, built) = invoke::run(&self.tc, &job, self.opts, self.progress)?;
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
    pub(super) fn locate_in_export(
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
            let _ = write!(msg, "; cargo could not load the manifest there: {e:#}");
        }
        msg.push_str("; pick a revision that contains the package, or name the baseline with --baseline-version or --baseline-path");
        Err(anyhow!(msg))
    }

    pub(super) fn scratch_dir(&self, prefix: &str) -> Result<tempfile::TempDir> {
        let dir = self
            .opts
            .scratch_dir
            .clone()
            .unwrap_or_else(std::env::temp_dir);
        scratch::create(&dir, prefix)
    }
}

/// A local side's build, planned (see [`SideBuild::local_plan`]).
pub(super) struct LocalPlan<'m> {
    pub(super) pkg: &'m cargo_metadata::Package,
    pub(super) key: String,
    pub(super) description: String,
    pub(super) source_kind: &'static str,
    pub(super) info: ManifestInfo,
    pub(super) lib_name: String,
    pub(super) lock_path: PathBuf,
    pub(super) features: FeatureArgs,
    /// the package exports symbols (see [`invoke::exports_symbols`])
    pub(super) document_private: bool,
}

/// Where stored JSON lives: the cache entry, or a temporary file that must outlive its use.
pub(super) type Stored = (PathBuf, Option<Arc<tempfile::TempPath>>);

/// Removes a side's cache entry (after its JSON failed to load), so it is built again.
pub fn evict(side: &Side) {
    if side.from_cache {
        cache::Cache::evict(&side.json);
    }
}

/// Removes a temp dir now, so a failure to do so can be reported (Drop would be silent).
pub(super) fn close_scratch(dir: tempfile::TempDir, progress: &Progress) {
    let path = dir.path().to_path_buf();
    if let Err(e) = dir.close() {
        progress.warn(format_args!(
            "failed to remove the temporary directory {}: {e}",
            path.display()
        ));
    }
}
