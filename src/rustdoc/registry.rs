//! Registry baselines: a published version of the package, fetched and documented by cargo
//! itself (so registries, mirrors and source replacement from the user's cargo config apply).
//!
//! A throw-away placeholder package depending on `name = "=VERSION"` is created inside the
//! shared target dir (inside the user's project, so cargo still finds the project's
//! `.cargo/config.toml`) and `cargo rustdoc -p name@VERSION` runs in it.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use super::invoke::{self, FeatureArgs, Job};
use super::manifest::{self, ManifestInfo};
use super::{close_scratch, Side, SideBuild};

const PLACEHOLDER: &str = "semgate-registry-baseline";

pub(super) fn build(b: &SideBuild<'_>, version: &semver::Version) -> Result<Side> {
    let package = b.package;
    let registry = registry_of(&b.ctx.metadata, b.opts, package);
    let description = match &registry {
        None => format!("crates.io {version}"),
        Some(r) => format!("registry {r} {version}"),
    };
    let features = b.opts.feature_list();
    let mut key = b.base_key(&features);
    key.field("source", "registry")
        .field("registry", registry.as_deref().unwrap_or("crates-io"))
        .field("version", &version.to_string());
    let key = key.finish();
    if let Some(hit) = b.cache_hit(&key, &description)? {
        return Ok(Side {
            json: hit.json,
            // as built: it says how the dependencies were resolved
            description: hit.meta.description,
            source_kind: "registry",
            version: Some(version.clone()),
            manifest: hit.meta.manifest,
            from_cache: true,
            commit: None,
            uncached: None,
        });
    }

    let task = b.start(&description);
    let scratch = super::scratch::create(&b.opts.target_dir, "semgate-registry-")?;
    let dir = scratch.path();
    let manifest_path = dir.join("Cargo.toml");
    std::fs::write(dir.join("lib.rs"), "")
        .with_context(|| format!("failed to write {}", dir.display()))?;
    let exact = format!("={version}");
    write_placeholder(
        &manifest_path,
        package,
        &exact,
        registry.as_deref(),
        &[],
        !b.opts.no_default_features,
    )?;

    // Resolving first gives a clear "no such version" error and the published manifest
    // (features, dependencies) before any compilation. A yanked version is still a release
    // users built against: cargo takes it when a lockfile pins it (`--precise`).
    let mut requirement = exact.clone();
    let metadata = match manifest::cargo_metadata(b.in_project(), &manifest_path, false) {
        Ok(metadata) => metadata,
        Err(e) if metadata_stderr(&e).is_some_and(|s| s.contains("is yanked")) => {
            requirement = "*".to_string();
            write_placeholder(
                &manifest_path,
                package,
                &requirement,
                registry.as_deref(),
                &[],
                !b.opts.no_default_features,
            )?;
            pin_precise(b, &manifest_path, package, version)?;
            b.progress.note(format_args!(
                "{package} {version} is yanked; comparing with it as released"
            ));
            manifest::cargo_metadata(b.in_project(), &manifest_path, false)
                .map_err(|e| resolve_error(e, package, version, &description))?
        }
        Err(e) => return Err(resolve_error(e, package, version, &description)),
    };
    let pkg = metadata
        .packages
        .iter()
        .find(|p| p.name == package && p.version == *version && p.source.is_some())
        .ok_or_else(|| anyhow!("cargo resolved {description} but `{package}` {version} is missing from its metadata"))?;
    let pre: ManifestInfo = manifest::manifest_info(pkg, None);
    let lib_name = b.lib_name(&pre, &description)?.to_string();

    // Features of a non-workspace package cannot be passed on the command line: they go
    // into the placeholder's dependency declaration.
    let wanted = if b.opts.all_features {
        pre.features.keys().cloned().collect()
    } else {
        b.feature_args(&pre, &description).features
    };
    if !wanted.is_empty() {
        write_placeholder(
            &manifest_path,
            package,
            &requirement,
            registry.as_deref(),
            &wanted,
            !b.opts.no_default_features,
        )?;
    }

    // Its dependencies as they were when it was released: what its users built. A break that
    // came in through a dependency upgrade since then is then visible in the comparison.
    let description = match resolve_as_of_release(b, &manifest_path, package, version, &requirement)
    {
        Ok(when) => format!("{description}, dependencies as of its release {when}"),
        Err(why) => {
            b.progress.note(format_args!(
                "{package} {version}: dependencies resolved as of today ({why})"
            ));
            // start from the user's versions so the current side's dependency builds are
            // reused; cargo adjusts whatever does not fit
            super::seed_lockfile(
                &b.ctx.workspace_root.join("Cargo.lock"),
                &dir.join("Cargo.lock"),
            )?;
            format!("{description}, dependencies as of today")
        }
    };

    let job = Job {
        manifest_path: &manifest_path,
        package_spec: pkg.id.repr.clone(),
        lib_name: &lib_name,
        features: FeatureArgs::default(),
        lockfile: Some(&dir.join("Cargo.lock")),
        cwd: Some(&b.ctx.package_dir),
        target_dir: b.opts.cargo_target_dir(b.role),
        document_private: pkg
            .manifest_path
            .parent()
            .is_some_and(|dir| super::invoke::exports_symbols(dir.as_std_path())),
    };
    let (out, built) = invoke::run(&b.tc, &job, b.opts, b.progress)?;
    let built = built.ok_or_else(|| b.build_failure(&description, &out))?;
    let info = manifest::manifest_info(pkg, built.lock.as_ref());
    let (json, uncached) = b.store(&key, &built.json, &description, Some(&info), None)?;
    close_scratch(scratch, b.progress);
    task.finish();
    Ok(Side {
        json,
        description,
        source_kind: "registry",
        version: Some(version.clone()),
        manifest: Some(info),
        from_cache: false,
        commit: None,
        uncached,
    })
}

fn metadata_stderr(e: &anyhow::Error) -> Option<&str> {
    e.downcast_ref::<manifest::MetadataError>()
        .map(|m| m.stderr.as_str())
}

/// Pins `package` to exactly `version` in the placeholder's lockfile (`cargo update --precise`,
/// which also takes a yanked version).
fn pin_precise(
    b: &SideBuild<'_>,
    manifest_path: &Path,
    package: &str,
    version: &semver::Version,
) -> Result<()> {
    let mut cmd = b.in_project();
    cmd.args(["update", "--color", "never", "-p", package, "--precise"])
        .arg(version.to_string())
        .arg("--manifest-path")
        .arg(manifest_path);
    let out = crate::interrupt::run(&mut cmd).context("failed to run `cargo update`")?;
    if !out.status.success() {
        bail!(
            "cannot pin {package} {version}: cargo said:\n{}",
            manifest::indent(&invoke::error_excerpt(&String::from_utf8_lossy(
                &out.stderr
            )))
        );
    }
    Ok(())
}

/// Writes the placeholder's lockfile as cargo would have resolved it when `package` `version`
/// was published (`cargo generate-lockfile --publish-time`, unstable, reached through
/// `RUSTC_BOOTSTRAP=1` for cargo alone: nothing is compiled). Returns the publish time, or why
/// the resolution could not be made as of then.
fn resolve_as_of_release(
    b: &SideBuild<'_>,
    manifest_path: &Path,
    package: &str,
    version: &semver::Version,
    requirement: &str,
) -> std::result::Result<String, String> {
    let when = publish_time(package, version)
        .ok_or_else(|| "the registry index records no publish time for it".to_string())?;
    let lock = manifest_path.with_file_name("Cargo.lock");
    let _ = std::fs::remove_file(&lock);
    let mut cmd = b.in_project();
    cmd.env("RUSTC_BOOTSTRAP", "1")
        .args([
            "generate-lockfile",
            "-Zunstable-options",
            "--color",
            "never",
        ])
        .args(["--publish-time", &when])
        .arg("--manifest-path")
        .arg(manifest_path);
    let out = crate::interrupt::run(&mut cmd).map_err(|e| format!("{e:#}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&lock);
        return Err(format!(
            "cargo could not resolve as of {when}: {}",
            invoke::error_excerpt(&String::from_utf8_lossy(&out.stderr))
                .lines()
                .next()
                .unwrap_or_default()
        ));
    }
    if requirement == "*" {
        pin_precise(b, manifest_path, package, version).map_err(|e| format!("{e:#}"))?;
    }
    Ok(when)
}

/// When `package` `version` was published, from cargo's cache of the registry index (entries of
/// crates.io's index carry `pubtime`); `None` when cargo has not cached it or the registry does
/// not record it.
fn publish_time(package: &str, version: &semver::Version) -> Option<String> {
    let name = package.to_lowercase();
    let rel = match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    };
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let wanted = version.to_string();
    let indexes = std::fs::read_dir(cargo_home.join("registry").join("index")).ok()?;
    let mut dirs: Vec<_> = indexes.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    dirs.into_iter().find_map(|dir| {
        let bytes = std::fs::read(dir.join(".cache").join(&rel)).ok()?;
        pubtime_in_cache(&bytes, &wanted)
    })
}

/// The `pubtime` of `version` in one of cargo's index cache files: a small header, then
/// `version NUL json NUL` per published version.
fn pubtime_in_cache(bytes: &[u8], version: &str) -> Option<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|chunk| chunk.first() == Some(&b'{'))
        .filter_map(|chunk| serde_json::from_slice::<serde_json::Value>(chunk).ok())
        .find(|entry| entry["vers"] == version)
        .and_then(|entry| entry["pubtime"].as_str().map(str::to_string))
        .filter(|t| t.len() >= 10 && t.is_ascii())
}

/// What a registry said about a package, through cargo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// this version exists (for an exact question it may be yanked: it was still released)
    Version(semver::Version),
    /// the registry answered, online, that there is no such package, or no such version
    No,
    /// the registry could not answer (cargo is offline, the network failed, the source is a
    /// vendored copy): why, with what to do
    Unknown(String),
}

/// The newest version of `package` published on its registry that is an earlier release than
/// `current` (`<=X.Y.Z`, or `<X.Y.Z` when `current` is a pre-release of X.Y.Z), yanked and
/// pre-release versions excluded, resolved by cargo itself.
pub fn newest_version(
    at: &Lookup<'_>,
    opts: &super::BuildOptions,
    package: &str,
    current: &semver::Version,
) -> Result<Published> {
    let op = if current.pre.is_empty() { "<=" } else { "<" };
    let bound = format!("{op}{}.{}.{}", current.major, current.minor, current.patch);
    match probe(at, opts, package, &bound)? {
        Ok(metadata) => Ok(metadata
            .packages
            .iter()
            .filter(|p| p.name == package && p.source.is_some())
            .map(|p| p.version.clone())
            .max()
            .map_or_else(
                || Published::Unknown(format!("cargo resolved `{package} {bound}` but did not list it")),
                Published::Version,
            )),
        Err(stderr) => Ok(match registry_answer(&stderr) {
            Some(Answer::NoPackage | Answer::NoVersion { yanked: false }) => Published::No,
            Some(Answer::NoVersion { yanked: true }) => Published::Unknown(format!(
                "`{package}` is published, but every version at or below {current} is yanked; name the baseline with --baseline-version"
            )),
            None => Published::Unknown(unknown_reason(package, &stderr)),
        }),
    }
}

/// Whether `version` of `package` (build metadata ignored) was ever published on its
/// registry; a yanked version counts: it was released and its number is taken.
pub fn is_published(
    at: &Lookup<'_>,
    opts: &super::BuildOptions,
    package: &str,
    version: &semver::Version,
) -> Result<Published> {
    let mut exact = version.clone();
    exact.build = semver::BuildMetadata::EMPTY;
    match probe(at, opts, package, &format!("={exact}"))? {
        Ok(_) => Ok(Published::Version(exact)),
        Err(stderr) => Ok(match registry_answer(&stderr) {
            Some(Answer::NoVersion { yanked: true }) => Published::Version(exact),
            Some(_) => Published::No,
            None => Published::Unknown(unknown_reason(package, &stderr)),
        }),
    }
}

/// Where registry questions are asked from: the workspace (which names the package's registry)
/// and the directory cargo runs in (whose `.cargo/config.toml` configures registries).
pub struct Lookup<'a> {
    pub(super) metadata: &'a cargo_metadata::Metadata,
    pub(super) dir: &'a Path,
    pub(super) tc: std::sync::Arc<super::toolchain::Toolchain>,
}

/// Resolves a placeholder depending on `package = "<requirement>"` on the package's registry:
/// cargo's metadata, or cargo's stderr when resolution failed.
fn probe(
    at: &Lookup<'_>,
    opts: &super::BuildOptions,
    package: &str,
    requirement: &str,
) -> Result<std::result::Result<cargo_metadata::Metadata, String>> {
    let tc = &at.tc;
    let scratch = super::scratch::create(&opts.target_dir, "semgate-registry-probe-")?;
    let dir = scratch.path();
    std::fs::write(dir.join("lib.rs"), "")
        .with_context(|| format!("failed to write {}", dir.display()))?;
    let manifest_path = dir.join("Cargo.toml");
    let registry = registry_of(at.metadata, opts, package);
    write_placeholder(
        &manifest_path,
        package,
        requirement,
        registry.as_deref(),
        &[],
        true,
    )?;
    let mut cargo = tc.cargo();
    cargo.current_dir(at.dir);
    match manifest::cargo_metadata(cargo, &manifest_path, false) {
        Ok(metadata) => Ok(Ok(metadata)),
        Err(e) => match e.downcast_ref::<manifest::MetadataError>() {
            Some(m) => Ok(Err(m.stderr.clone())),
            None => Err(e.context(format!(
                "failed to look up the published versions of `{package}` through cargo"
            ))),
        },
    }
}

/// A definite "no" from a registry index that cargo queried online.
enum Answer {
    NoPackage,
    NoVersion { yanked: bool },
}

/// Reads cargo's resolution error: a definite answer only when cargo was online and searched
/// a registry index (offline, cargo says "no matching package" for anything it has not
/// cached; a vendored directory source knows only what was vendored).
fn registry_answer(stderr: &str) -> Option<Answer> {
    let offline = stderr.contains("offline mode")
        || std::env::var("CARGO_NET_OFFLINE").is_ok_and(|v| v == "true" || v == "1");
    let searched_index = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("location searched:"))
        .any(|l| {
            l.contains("index") && !l.contains("directory source") && !l.contains("replacing")
        });
    if offline || !searched_index {
        return None;
    }
    if stderr.contains("no matching package named") {
        Some(Answer::NoPackage)
    } else if stderr.contains("failed to select a version") {
        Some(Answer::NoVersion {
            yanked: stderr.contains("is yanked"),
        })
    } else {
        None
    }
}

fn unknown_reason(package: &str, stderr: &str) -> String {
    let offline = stderr.contains("offline mode")
        || std::env::var("CARGO_NET_OFFLINE").is_ok_and(|v| v == "true" || v == "1");
    let why = if offline {
        "cargo is offline, so the registry was not asked".to_string()
    } else {
        format!(
            "cargo could not get an answer from the registry:\n{}",
            manifest::indent(&invoke::error_excerpt(stderr))
        )
    };
    format!("whether `{package}` was published is unknown: {why}")
}

/// The `Cargo.toml` of `name` `version` as cargo unpacks it from crates.io into its source
/// cache (fetching it through cargo, so the user's registry configuration applies).
pub(super) fn unpacked_manifest(
    name: &str,
    version: &semver::Version,
    scratch_in: &Path,
) -> Result<std::path::PathBuf> {
    let scratch = super::scratch::create(scratch_in, "semgate-published-")?;
    let dir = scratch.path();
    std::fs::write(dir.join("lib.rs"), "")
        .with_context(|| format!("failed to write {}", dir.display()))?;
    let manifest_path = dir.join("Cargo.toml");
    write_placeholder(
        &manifest_path,
        name,
        &format!("={version}"),
        None,
        &[],
        true,
    )?;
    let description = format!("crates.io {version}");
    let metadata = manifest::cargo_metadata(super::plain_cargo(), &manifest_path, false)
        .map_err(|e| resolve_error(e, name, version, &description))?;
    let pkg = metadata
        .packages
        .iter()
        .find(|p| p.name == name && p.version == *version && p.source.is_some())
        .ok_or_else(|| {
            anyhow!(
                "cargo resolved {description} but `{name}` {version} is missing from its metadata"
            )
        })?;
    Ok(pkg.manifest_path.clone().into_std_path_buf())
}

/// The registry the package publishes to, when it is not crates.io (`publish = ["name"]`).
/// The registry `package` is published to and looked up in, by cargo's name for it (`None`:
/// crates.io): `--registry`, else `registry` in semgate's configuration, else the first entry
/// of the package's `publish = [...]`.
pub(super) fn registry_of(
    metadata: &cargo_metadata::Metadata,
    opts: &super::BuildOptions,
    package: &str,
) -> Option<String> {
    let configured = || {
        let meta = super::member_metadata(metadata, package);
        crate::config::Config::from_metadata(&metadata.workspace_metadata, &meta)
            .ok()
            .and_then(|c| c.registry)
    };
    let published = || {
        manifest::find_member(metadata, package)?
            .publish
            .as_ref()?
            .first()
            .cloned()
    };
    opts.registry
        .clone()
        .or_else(configured)
        .or_else(published)
        .filter(|r| r != "crates-io")
}

fn resolve_error(
    e: anyhow::Error,
    package: &str,
    version: &semver::Version,
    description: &str,
) -> anyhow::Error {
    let Some(stderr) = e
        .downcast_ref::<manifest::MetadataError>()
        .map(|m| m.stderr.clone())
    else {
        return e.context(format!(
            "failed to fetch {description} of `{package}` through cargo"
        ));
    };
    let said = manifest::indent(&invoke::error_excerpt(&stderr));
    if stderr.contains("failed to select a version") {
        anyhow!(
            "version {version} of `{package}` is not available ({description} does not exist or was yanked); cargo said:\n{said}\npass a published version (cargo lists the candidates above)"
        )
    } else if stderr.contains("no matching package named") {
        anyhow!(
            "`{package}` is not published on the registry, so {description} cannot be used as the baseline; cargo said:\n{said}\nname the baseline with --baseline-rev or --baseline-path instead"
        )
    } else {
        e.context(format!(
            "failed to fetch {description} of `{package}` through cargo"
        ))
    }
}

fn write_placeholder(
    path: &Path,
    package: &str,
    requirement: &str,
    registry: Option<&str>,
    features: &[String],
    default_features: bool,
) -> Result<()> {
    use toml_edit::{value, Array, DocumentMut, InlineTable};
    let mut doc = DocumentMut::new();
    let name = if package == PLACEHOLDER {
        format!("{PLACEHOLDER}-x")
    } else {
        PLACEHOLDER.to_string()
    };
    doc["package"] = toml_edit::table();
    doc["package"]["name"] = value(name);
    doc["package"]["version"] = value("0.0.0");
    doc["package"]["edition"] = value("2021");
    doc["package"]["publish"] = value(false);
    doc["lib"] = toml_edit::table();
    doc["lib"]["path"] = value("lib.rs");
    let mut dep = InlineTable::new();
    dep.insert("version", requirement.into());
    if let Some(r) = registry {
        dep.insert("registry", r.into());
    }
    if !default_features {
        dep.insert("default-features", false.into());
    }
    if !features.is_empty() {
        dep.insert("features", Array::from_iter(features.iter()).into());
    }
    doc["dependencies"] = toml_edit::table();
    doc["dependencies"][package] = value(dep);
    // Its own workspace root, so it never attaches to the user's workspace around it.
    doc["workspace"] = toml_edit::table();
    std::fs::write(path, doc.to_string())
        .with_context(|| format!("failed to write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_times_are_read_from_cargos_index_cache() {
        let mut cache = vec![3, 2, 0, 0, 0];
        cache.extend_from_slice(b"etag\0");
        for (v, t) in [
            ("1.0.9", "2023-11-01T10:00:00Z"),
            ("1.0.10", "2023-12-09T01:26:26Z"),
        ] {
            cache.extend_from_slice(v.as_bytes());
            cache.push(0);
            cache.extend_from_slice(
                format!("{{\"name\": \"x\", \"vers\": \"{v}\", \"pubtime\": \"{t}\"}}").as_bytes(),
            );
            cache.push(0);
        }
        assert_eq!(
            pubtime_in_cache(&cache, "1.0.10").as_deref(),
            Some("2023-12-09T01:26:26Z")
        );
        assert_eq!(pubtime_in_cache(&cache, "1.0.11"), None);
    }
}
