//! Workspace-level decisions: which packages to check, whether a shared-version workspace is
//! uniform, whether a release depends on unreleased siblings, and how a breaking change
//! propagates to the crates that expose it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};

use crate::build::{self, BuildContext, BuildOptions, DepKind, Workspace};
use crate::bump::Change;
use crate::cli::CompareArgs;
use crate::diff::Finding;
use crate::gate::decide;
use crate::report::PackageReport;
use crate::rules::{self, Class};

/// The packages a run checks, and the members it left out with the reason.
pub struct Selection {
    pub packages: Vec<String>,
    pub skipped: Vec<String>,
    /// more than one package is in play: a package without a baseline is a first release
    pub multi: bool,
}

/// `-p`, `--workspace` and `--exclude`, as cargo reads them. `publish = false` members are
/// checked only when named.
pub fn select(ws: &Workspace, args: &CompareArgs) -> Result<Selection> {
    let members = ws.member_names();
    for name in args.package.iter().chain(&args.exclude) {
        if !members.contains(name) {
            bail!(
                "package `{name}` is not a member of this workspace; its packages are: {}",
                members.join(", ")
            );
        }
    }
    if !args.workspace {
        let packages = match (args.package.is_empty(), ws.default_package()) {
            (false, _) => args.package.clone(),
            (true, Some(p)) => vec![p],
            (true, None) => bail!(
                "{} is a workspace with several packages; pick one with -p/--package or check them all with --workspace ({})",
                ws.manifest.display(),
                members.join(", ")
            ),
        };
        let multi = packages.len() > 1;
        return Ok(Selection {
            packages,
            skipped: Vec::new(),
            multi,
        });
    }
    let mut packages = Vec::new();
    let mut skipped = Vec::new();
    for name in members {
        if args.exclude.contains(&name) {
            skipped.push(format!("{name}: excluded"));
            continue;
        }
        let Some(info) = ws.member_manifest(&name) else {
            continue;
        };
        if info.lib_target.is_none() {
            skipped.push(format!("{name}: no library target"));
        } else if !is_publishable(ws, &name) && !args.package.contains(&name) {
            skipped.push(format!("{name}: publish = false"));
        } else {
            packages.push(name);
        }
    }
    Ok(Selection {
        packages,
        skipped,
        multi: true,
    })
}

/// Whether a member may be published (`publish = false` or `publish = []` say no).
pub fn is_publishable(ws: &Workspace, name: &str) -> bool {
    ws.metadata
        .packages
        .iter()
        .find(|p| p.name.as_str() == name && ws.metadata.workspace_members.contains(&p.id))
        .is_none_or(|p| {
            p.publish
                .as_ref()
                .is_none_or(|registries| !registries.is_empty())
        })
}

/// The version every member shares in a shared-version workspace (`[workspace.package]
/// version`), or `None` when members are versioned independently.
pub fn shared_version(ws: &Workspace) -> Option<semver::Version> {
    let root = ws.metadata.workspace_root.as_std_path().join("Cargo.toml");
    let text = std::fs::read_to_string(root).ok()?;
    let doc: toml_edit::DocumentMut = text.parse().ok()?;
    let v = doc
        .get("workspace")?
        .get("package")?
        .get("version")?
        .as_str()?;
    semver::Version::parse(v).ok()
}

/// Members whose version differs from the workspace's shared one, as `name version` lines.
pub fn non_uniform(ws: &Workspace, shared: &semver::Version) -> Vec<String> {
    let mut out = Vec::new();
    for name in ws.member_names() {
        if !is_publishable(ws, &name) {
            continue;
        }
        if let Some(info) = ws.member_manifest(&name) {
            // build metadata never distinguishes versions (semver: it has no precedence)
            let same = info.version.major == shared.major
                && info.version.minor == shared.minor
                && info.version.patch == shared.patch
                && info.version.pre == shared.pre;
            if !same {
                out.push(format!(
                    "{name} is at {} (the workspace version is {shared})",
                    info.version
                ));
            }
        }
    }
    out
}

/// The release check behind `check --release`, documented like a rule.
pub static UNRELEASED_DEPENDENCY: crate::rules::ReleaseCheck = crate::rules::ReleaseCheck {
    id: "unreleased-dependency",
    summary: "a crate to be released depends on a workspace crate that is not released",
    reference: "https://doc.rust-lang.org/cargo/reference/publishing.html#before-publishing-a-new-crate",
    explanation: "A published crate can only depend on published crates. Releasing `app` while \
it depends on a workspace sibling that is `publish = false`, a path dependency without a version, \
or a version of the sibling that has neither a release tag nor a registry entry either fails at \
`cargo publish` or, worse, publishes `app` against code its users cannot get. The pre-release gate \
refuses it and prints the dependency chain (app -> mid -> core).",
    example_before: "[dependencies]\ncore = { path = \"../core\", version = \"0.2.0\" }  # core 0.2.0 never released",
    example_after: "# release core 0.2.0 (tag core-v0.2.0, cargo publish) first",
    fix: "release the dependency first, or release both in one run (`--workspace`) when they share a version",
};

/// Why a package cannot be released yet: each entry is a dependency chain and the reason,
/// e.g. "app -> core: core 0.2.0 has no release tag and is not on the registry".
pub fn release_blockers(
    ws: &Workspace,
    ctx: &BuildContext,
    opts: &BuildOptions,
    releasing: &[String],
    tag_pattern: Option<&str>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut visited = BTreeSet::new();
    walk_release_deps(
        ws,
        ctx,
        opts,
        releasing,
        tag_pattern,
        std::slice::from_ref(&ctx.package),
        &mut visited,
        &mut out,
    )?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn walk_release_deps(
    ws: &Workspace,
    ctx: &BuildContext,
    opts: &BuildOptions,
    releasing: &[String],
    tag_pattern: Option<&str>,
    chain: &[String],
    visited: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) -> Result<()> {
    let members = ws.member_names();
    let Some(here) = chain.last().and_then(|n| ws.member_manifest(n)) else {
        return Ok(());
    };
    for dep in &here.dependencies {
        if dep.kind == DepKind::Dev || !visited.insert(dep.package.clone()) {
            continue;
        }
        let mut path = chain.to_vec();
        path.push(dep.package.clone());
        let shown = path.join(" -> ");
        if !members.contains(&dep.package) {
            // a path dependency outside the workspace can block the release just the same
            if let Some(blocker) = outside_path_blocker(ws, &here.name, &dep.package, &dep.req) {
                out.push(format!("{shown}: {blocker}"));
            }
            continue;
        }
        let Some(info) = ws.member_manifest(&dep.package) else {
            continue;
        };
        if !is_publishable(ws, &dep.package) {
            out.push(format!(
                "{shown}: `{}` is publish = false, so the published crate could not depend on it",
                dep.package
            ));
            continue;
        }
        if dep.req == "*" {
            out.push(format!(
                "{shown}: a path dependency without a version requirement cannot be published (add `version = \"{}\"`)",
                info.version
            ));
            continue;
        }
        if releasing.contains(&dep.package) {
            continue; // released in the same run, at the version in its manifest
        }
        let released = build::release_tag_of(ctx, &dep.package, &info.version, tag_pattern)?
            .is_some()
            || build::newest_version(ctx, opts, &dep.package, &info.version)?.as_ref()
                == Some(&info.version);
        if !released {
            out.push(format!(
                "{shown}: `{}` {} has no release tag and is not on the registry; release it first",
                dep.package, info.version
            ));
            continue;
        }
        walk_release_deps(ws, ctx, opts, releasing, tag_pattern, &path, visited, out)?;
    }
    Ok(())
}

/// Why a path dependency that is not a workspace member cannot be published along (its
/// manifest says `publish = false`, or the dependency has no version requirement); `None` for
/// registry and git dependencies.
fn outside_path_blocker(ws: &Workspace, from: &str, package: &str, req: &str) -> Option<String> {
    let from = ws
        .metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == from)?;
    let dir = from
        .dependencies
        .iter()
        .filter(|d| d.name == package && d.kind != cargo_metadata::DependencyKind::Development)
        .find_map(|d| d.path.clone())?;
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let publish = text
        .parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|doc| doc.get("package")?.get("publish").cloned());
    let unpublished = publish
        .as_ref()
        .is_some_and(|p| p.as_bool() == Some(false) || p.as_array().is_some_and(|a| a.is_empty()));
    if unpublished {
        Some(format!("`{package}` (path {dir}) is publish = false, so the published crate could not depend on it"))
    } else if req == "*" {
        Some(format!("`{package}` (path {dir}) is a path dependency without a version requirement, which cannot be published"))
    } else {
        None
    }
}

/// What a package's public API exposes of other crates (crate name -> an example path).
pub type Exposed = BTreeMap<String, String>;

/// A workspace crate with a breaking change makes every crate that exposes its types in its
/// public API break too. Adds a finding to each such crate, pointing at the cause, and
/// re-decides it; repeats until nothing changes, so chains propagate.
pub fn propagate(ws: &Workspace, packages: &mut [PackageReport], exposed: &[Exposed]) {
    let lib_name = |pkg: &str| -> String {
        ws.member_manifest(pkg)
            .and_then(|m| m.lib_target)
            .unwrap_or_else(|| pkg.replace('-', "_"))
    };
    let rule = rules::find("public-dependency-major-bump").expect("registered");
    loop {
        let breaking: Vec<(String, String)> = packages
            .iter()
            .filter(|p| p.change == Change::Breaking)
            .map(|p| (p.name.clone(), lib_name(&p.name)))
            .collect();
        let mut changed = false;
        for (i, package) in packages.iter_mut().enumerate() {
            let Some(deps) = ws.member_manifest(&package.name).map(|m| m.dependencies) else {
                continue;
            };
            for (dep_name, dep_lib) in &breaking {
                if *dep_name == package.name
                    || !deps
                        .iter()
                        .any(|d| d.kind == DepKind::Normal && &d.package == dep_name)
                {
                    continue;
                }
                let Some(example) = exposed[i].get(dep_lib) else {
                    continue;
                };
                let path = format!("{}/{dep_name}", package.name);
                if package
                    .findings
                    .iter()
                    .any(|f| f.rule == rule.id && f.path == path)
                {
                    continue;
                }
                package.findings.push(
                    Finding::new(
                        rule,
                        path,
                        format!(
                            "workspace dependency `{dep_name}` has breaking changes (see its findings), and its types are part of this crate's public API (e.g. `{example}`)"
                        ),
                    )
                    .class(Class::Breaking),
                );
                package
                    .findings
                    .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                if let Some(baseline) = package.baseline.version.clone() {
                    let decision = decide(
                        &baseline,
                        package.proposed_version.as_ref(),
                        &package.findings,
                    );
                    package.apply(decision);
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}
