//! Where the generated crate finds each side of a comparison: the package's directory for the
//! working tree and checkouts, an export of the revision for git baselines (kept by commit, so
//! its builds are reused), the published version for registry sides. A bare rustdoc JSON file has no sources: nothing to compile
//! against.

use std::path::Path;

use anyhow::Result;

use super::run::{DepSource, SideDep};
use crate::rustdoc::{BuildContext, BuildOptions, ManifestInfo, Role, Source};

/// A side as a dependency, or why there is none.
pub struct Materialised {
    pub dep: Option<SideDep>,
    /// why there is no dependency (a rustdoc file, an export that failed)
    pub missing: Option<String>,
}

/// The side built from `source`, as a dependency of the generated crate.
pub fn materialise(
    ctx: &BuildContext,
    opts: &BuildOptions,
    source: &Source,
    role: Role,
    manifest: Option<&ManifestInfo>,
    dir: &Path,
) -> Result<Materialised> {
    let role_name = match role {
        Role::Baseline => "baseline",
        Role::Current => "current",
    };
    let (dep_source, lockfile) = match source {
        Source::WorkingTree { manifest_path } => {
            let package_dir = if crate::git::canonical(manifest_path)
                == crate::git::canonical(ctx.manifest_path())
            {
                ctx.package_dir.clone()
            } else {
                manifest_path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| ctx.package_dir.clone())
            };
            (
                DepSource::Path(std::path::absolute(package_dir)?),
                Some(ctx.workspace_root.join("Cargo.lock")),
            )
        }
        Source::Path { dir: checkout } => {
            let checkout = std::path::absolute(checkout)?;
            let checkout = if checkout.ends_with("Cargo.toml") {
                checkout.parent().map(Path::to_path_buf).unwrap_or(checkout)
            } else {
                checkout
            };
            let member = ctx
                .package_dir
                .strip_prefix(&ctx.workspace_root)
                .ok()
                .filter(|r| !r.as_os_str().is_empty())
                .map(|r| checkout.join(r));
            let package_dir = member
                .filter(|d| d.join("Cargo.toml").is_file())
                .unwrap_or_else(|| checkout.clone());
            (
                DepSource::Path(package_dir),
                Some(checkout.join("Cargo.lock")),
            )
        }
        Source::GitRev { rev } => match crate::rustdoc::export_package(ctx, rev, dir) {
            Ok((package_dir, lock)) => (DepSource::Path(package_dir), Some(lock)),
            Err(e) if crate::interrupt::is_interrupted_error(&e) => return Err(e),
            Err(e) => {
                return Ok(Materialised {
                    dep: None,
                    missing: Some(format!("the {role_name} could not be exported: {e:#}")),
                })
            }
        },
        Source::Registry { version } => (
            DepSource::Registry {
                version: version.clone(),
                registry: opts.registry.clone(),
            },
            None,
        ),
        Source::Rustdoc { .. } => {
            return Ok(Materialised {
                dep: None,
                missing: Some(format!(
                    "the {role_name} is a rustdoc JSON file, without sources to compile against"
                )),
            })
        }
    };
    let mut features: Vec<String> = if opts.all_features {
        manifest
            .map(|m| m.features.keys().cloned().collect())
            .unwrap_or_default()
    } else {
        opts.features
            .iter()
            .flat_map(|f| f.split(|c: char| c == ',' || c.is_whitespace()))
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect()
    };
    if let Some(m) = manifest {
        features.retain(|f| m.accepts_feature(f));
    }
    features.sort();
    features.dedup();
    let lib = manifest
        .and_then(|m| m.lib_target.clone())
        .or_else(|| ctx.manifest.lib_target.clone())
        .unwrap_or_else(|| ctx.package_name().replace('-', "_"));
    Ok(Materialised {
        dep: Some(SideDep {
            package: ctx.package_name().to_string(),
            lib,
            source: dep_source,
            features,
            default_features: !opts.no_default_features,
            lockfile,
            role: role_name,
        }),
        missing: None,
    })
}
