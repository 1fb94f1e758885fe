//! Registry baselines: a published version of the package, fetched and documented by cargo
//! itself (so registries, mirrors and source replacement from the user's cargo config apply).
//!
//! A throw-away placeholder package depending on `name = "=VERSION"` is created inside the
//! shared target dir (inside the user's project, so cargo still finds the project's
//! `.cargo/config.toml`) and `cargo rustdoc -p name@VERSION` runs in it.

use std::path::Path;

use anyhow::{anyhow, Context, Result};

use super::manifest::{self, Lockfile, ManifestInfo};
use super::rustdoc::{self, FeatureArgs, Job};
use super::{close_scratch, Side, SideBuild};

const PLACEHOLDER: &str = "semgate-registry-baseline";

pub(super) fn build(b: &SideBuild<'_>, version: &semver::Version) -> Result<Side> {
    let package = b.package;
    let registry = publish_registry(b);
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
            description,
            source_kind: "registry",
            version: Some(version.clone()),
            manifest: hit.meta.manifest,
            from_cache: true,
            commit: None,
        });
    }

    let task = b.start(&description);
    std::fs::create_dir_all(&b.opts.target_dir).with_context(|| {
        format!(
            "failed to create the target directory {}",
            b.opts.target_dir.display()
        )
    })?;
    let scratch = tempfile::Builder::new()
        .prefix("semgate-registry-")
        .tempdir_in(&b.opts.target_dir)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in {}",
                b.opts.target_dir.display()
            )
        })?;
    let dir = scratch.path();
    let manifest_path = dir.join("Cargo.toml");
    std::fs::write(dir.join("lib.rs"), "")
        .with_context(|| format!("failed to write {}", dir.display()))?;
    write_placeholder(
        &manifest_path,
        package,
        &format!("={version}"),
        registry.as_deref(),
        &[],
        !b.opts.no_default_features,
    )?;
    let user_lock = b.ctx.workspace_root.join("Cargo.lock");
    if user_lock.is_file() {
        // Start from the user's resolved versions so dependencies built for the current side
        // are reused; cargo drops or adjusts whatever does not fit.
        let _ = std::fs::copy(&user_lock, dir.join("Cargo.lock"));
    }

    // Resolving first gives a clear "no such version" error and the published manifest
    // (features, dependencies) before any compilation.
    let metadata = manifest::cargo_metadata(b.tc.cargo(), &manifest_path, false)
        .map_err(|e| resolve_error(e, package, version, &description))?;
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
            &format!("={version}"),
            registry.as_deref(),
            &wanted,
            !b.opts.no_default_features,
        )?;
    }

    let job = Job {
        manifest_path: &manifest_path,
        package_spec: format!("{package}@{version}"),
        lib_name: &lib_name,
        features: FeatureArgs::default(),
        locked: false,
        document_private: pkg
            .manifest_path
            .parent()
            .is_some_and(|dir| super::rustdoc::exports_symbols(dir.as_std_path())),
    };
    let (out, bytes) = rustdoc::run(&b.tc, &job, b.opts, b.progress)?;
    let bytes = bytes.ok_or_else(|| b.build_failure(&description, &out))?;
    let info = manifest::manifest_info(pkg, Lockfile::read(&dir.join("Cargo.lock")).as_ref());
    let json = b.store(&key, &bytes, &description, Some(&info), None)?;
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
    })
}

/// The newest version of `package` published on its registry that is not newer than `at_most`
/// (pre-releases excluded), resolved by cargo itself; `None` when the package was never
/// published.
pub fn newest_version(
    ctx: &super::BuildContext,
    opts: &super::BuildOptions,
    package: &str,
    at_most: &semver::Version,
) -> Result<Option<semver::Version>> {
    let tc = ctx.toolchain(opts.toolchain.as_deref())?;
    std::fs::create_dir_all(&opts.target_dir).with_context(|| {
        format!(
            "failed to create the target directory {}",
            opts.target_dir.display()
        )
    })?;
    let scratch = tempfile::Builder::new()
        .prefix("semgate-registry-probe-")
        .tempdir_in(&opts.target_dir)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in {}",
                opts.target_dir.display()
            )
        })?;
    let dir = scratch.path();
    std::fs::write(dir.join("lib.rs"), "")
        .with_context(|| format!("failed to write {}", dir.display()))?;
    let manifest_path = dir.join("Cargo.toml");
    let registry = manifest::find_member(&ctx.metadata, package).and_then(|p| {
        p.publish
            .as_ref()?
            .first()
            .filter(|r| r.as_str() != "crates-io")
            .cloned()
    });
    let bound = format!("<={}.{}.{}", at_most.major, at_most.minor, at_most.patch);
    write_placeholder(
        &manifest_path,
        package,
        &bound,
        registry.as_deref(),
        &[],
        true,
    )?;
    match manifest::cargo_metadata(tc.cargo(), &manifest_path, false) {
        Ok(metadata) => Ok(metadata
            .packages
            .iter()
            .filter(|p| p.name == package && p.source.is_some())
            .map(|p| p.version.clone())
            .max()),
        Err(e) => {
            let unpublished = e
                .downcast_ref::<manifest::MetadataError>()
                .is_some_and(|m| {
                    m.stderr.contains("no matching package named")
                        || m.stderr.contains("failed to select a version")
                });
            if unpublished {
                Ok(None)
            } else {
                Err(e.context(format!(
                    "failed to look up the published versions of `{package}` through cargo"
                )))
            }
        }
    }
}

/// The registry the package publishes to, when it is not crates.io (`publish = ["name"]`).
fn publish_registry(b: &SideBuild<'_>) -> Option<String> {
    let pkg = manifest::find_member(&b.ctx.metadata, b.package)?;
    let publish = pkg.publish.as_ref()?;
    publish
        .first()
        .filter(|r| r.as_str() != "crates-io")
        .cloned()
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
    let said = manifest::indent(&rustdoc::error_excerpt(&stderr));
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
