//! Workspace-level decisions: which packages to check, whether a shared-version workspace is
//! uniform, whether a release depends on unreleased siblings, and how a breaking change
//! propagates to the crates that expose it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};

use crate::bump::Change;
use crate::cli::CompareArgs;
use crate::config::Config;
use crate::gate::decide;
use crate::report::PackageReport;
use crate::resolve::tags;
use crate::rules::Finding;
use crate::rules::{self, Class};
use crate::rustdoc::{self, BuildContext, BuildOptions, DepKind, Published, Workspace};

/// The packages a run checks, and the members it left out with the reason.
pub struct Selection {
    pub packages: Vec<String>,
    pub skipped: Vec<String>,
}

/// Package specs as given to `-p`/`--exclude`, with globs (`hyperlight_*`, as cargo reads
/// them) expanded to the members they match, sorted. A name that is not a member, or a glob
/// that matches none, is an error.
pub fn expand_specs(members: &[String], specs: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for spec in specs {
        if crate::pattern::is_glob(spec) {
            let matched: Vec<&String> = members
                .iter()
                .filter(|m| crate::pattern::matches(spec, m))
                .collect();
            if matched.is_empty() {
                bail!(
                    "`{spec}` matches no member of this workspace; its packages are: {}",
                    members.join(", ")
                );
            }
            out.extend(matched.into_iter().cloned());
        } else if members.contains(spec) {
            out.push(spec.clone());
        } else {
            bail!(
                "package `{spec}` is not a member of this workspace; its packages are: {}",
                members.join(", ")
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|name| seen.insert(name.clone()));
    Ok(out)
}

/// Splits `packages` into `count` parts of similar cost (the longest first into the lightest
/// part, ties by name then by part number): the same inputs give the same split in every job
/// of a CI matrix, which is why the cost is the package's source size, known from the commit
/// alone, and not anything a job's local cache holds.
pub fn partition(packages: &[(String, u64)], count: usize) -> Vec<Vec<String>> {
    let mut order: Vec<&(String, u64)> = packages.iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut parts: Vec<(u64, Vec<String>)> = vec![(0, Vec::new()); count.max(1)];
    for (name, cost) in order {
        let lightest = parts
            .iter()
            .enumerate()
            .min_by_key(|(i, p)| (p.0, *i))
            .map(|(i, _)| i)
            .unwrap_or(0);
        parts[lightest].0 += (*cost).max(1);
        parts[lightest].1.push(name.clone());
    }
    parts
        .into_iter()
        .map(|(_, mut names)| {
            names.sort();
            names
        })
        .collect()
}

/// A package's source size in bytes (its manifest and the files under `src/`): the cost
/// [`partition`] balances.
pub fn source_size(ws: &Workspace, name: &str) -> u64 {
    fn walk(dir: &std::path::Path) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => walk(&e.path()),
                Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
                Err(_) => 0,
            })
            .sum()
    }
    ws.member_dir(name)
        .map(|dir| {
            std::fs::metadata(dir.join("Cargo.toml"))
                .map(|m| m.len())
                .unwrap_or(0)
                + walk(&dir.join("src"))
        })
        .unwrap_or(0)
}

/// `-p`, `--workspace` and `--exclude`, as cargo reads them (globs included). `publish = false`
/// members are checked only when named.
pub fn select(ws: &Workspace, args: &CompareArgs) -> Result<Selection> {
    let members = ws.member_names();
    if members.is_empty() {
        bail!(
            "the workspace of {} has no member packages, so there is nothing to check; add members to `[workspace] members`",
            ws.manifest.display()
        );
    }
    let named = expand_specs(&members, &args.package)?;
    let excluded = expand_specs(&members, &args.exclude)?;
    let args = CompareArgs {
        package: named,
        exclude: excluded,
        ..args.clone()
    };
    let args = &args;
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
        return Ok(Selection {
            packages,
            skipped: Vec::new(),
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
    Ok(Selection { packages, skipped })
}

/// Whether a member may be published (`publish = false` or `publish = []` say no).
pub fn is_publishable(ws: &Workspace, name: &str) -> bool {
    ws.is_publishable(name)
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
            if !tags::same_version(&info.version, shared) {
                out.push(format!(
                    "{name} is at {} (the workspace version is {shared})",
                    info.version
                ));
            }
        }
    }
    out
}

/// The normal dependencies of a release that require a pre-release version (`foo =
/// "1.2.0-dev"`, registry or path), as `name = "req"`; none for a pre-release itself.
/// `rewritten` are dependencies whose requirement the release rewrites (workspace siblings
/// released in the same `bump`), which do not count.
pub fn prerelease_dependencies(
    info: &crate::rustdoc::ManifestInfo,
    proposed: &semver::Version,
    rewritten: &[String],
) -> Vec<String> {
    if !proposed.pre.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = info
        .dependencies
        .iter()
        .filter(|d| d.kind == DepKind::Normal && !rewritten.contains(&d.package))
        .filter(|d| {
            semver::VersionReq::parse(&d.req)
                .is_ok_and(|r| r.comparators.iter().any(|c| !c.pre.is_empty()))
        })
        .map(|d| format!("{} = \"{}\"", d.package, d.req))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The branch a release is made from: `--branch`, else the CI's (a pull request's target,
/// `GITHUB_BASE_REF`; otherwise `GITHUB_REF_NAME`), else git's current branch. `None` on a
/// detached HEAD with nothing else to say.
pub fn release_branch(
    repo: Option<&std::path::Path>,
    explicit: Option<&str>,
) -> Result<Option<String>> {
    if let Some(b) = explicit {
        return Ok(Some(b.to_string()));
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let Some(base) = env("GITHUB_BASE_REF") {
        return Ok(Some(base));
    }
    if env("GITHUB_REF_TYPE").is_none_or(|t| t == "branch") {
        if let Some(name) = env("GITHUB_REF_NAME") {
            return Ok(Some(name));
        }
    }
    match repo {
        Some(root) => tags::current_branch(root),
        None => Ok(None),
    }
}

/// Why a patch-level release from `branch` is refused under `release_branches` (globs); `None`
/// when no release branches are configured, the release is not a patch, or the branch is one.
pub fn patch_off_release_branch(
    release_branches: Option<&[String]>,
    branch: Option<&str>,
    baseline: &semver::Version,
    proposed: &semver::Version,
) -> Result<Option<String>> {
    let Some(patterns) = release_branches.filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    if crate::bump::level_between(baseline, proposed) != Some(crate::bump::Level::Patch) {
        return Ok(None);
    }
    let Some(branch) = branch else {
        bail!(
            "{proposed} is a patch release and patch releases must come from a release branch ({}), but the branch cannot be told (a detached HEAD); pass --branch NAME",
            patterns.join(", ")
        );
    };
    if patterns.iter().any(|p| crate::pattern::matches(p, branch)) {
        return Ok(None);
    }
    Ok(Some(format!(
        "{proposed} is a patch release of {baseline}, but `{branch}` is not a release branch ({}); patch a release branch, or release a minor version from here",
        patterns.join(", ")
    )))
}

/// Why `version` of the package cannot be released: a release tag already names it, or the
/// registry already has it (build metadata ignored, yanked versions included); `None` when it
/// is free. An error when the registry cannot answer for a publishable package.
pub fn already_released(
    ctx: &BuildContext,
    opts: &BuildOptions,
    version: &semver::Version,
    tag_pattern: Option<&str>,
) -> Result<Option<String>> {
    let name = ctx.package_name();
    if let Some(tag) = tags::release_tag_of(ctx, name, version, tag_pattern)? {
        return Ok(Some(format!(
            "tag {} already names release {} (commit {}); bump the version",
            tag.name,
            tag.version,
            &tag.commit[..tag.commit.len().min(7)]
        )));
    }
    if !ctx.is_publishable() {
        return Ok(None);
    }
    match rustdoc::is_published(&ctx.lookup(opts)?, opts, name, version)? {
        Published::Version(v) => Ok(Some(format!(
            "the registry already has {v} (a registry never takes a version twice, and build metadata does not make a new one); bump the version"
        ))),
        Published::No => Ok(None),
        Published::Unknown(reason) => bail!(
            "cannot tell whether `{name}` {version} is already released: it has no release tag, and {reason}"
        ),
    }
}

/// Why a package cannot be released yet: each entry is a whole dependency chain and the
/// reason, e.g. "app -> mid -> core: `core` 0.2.0 has no release tag and is not on the
/// registry; release it first (mid is released in this run)". The walk goes through every
/// normal and build dependency on a workspace package, also past packages released in this
/// run and past blocked ones, so the report names every link that must be released.
pub fn release_blockers(
    ws: &Workspace,
    ctx: &BuildContext,
    opts: &BuildOptions,
    releasing: &[String],
    tag_pattern: Option<&str>,
) -> Result<Vec<String>> {
    let mut walk = ReleaseWalk {
        ws,
        ctx,
        opts,
        releasing,
        tag_pattern,
        members: ws.member_names(),
        visited: BTreeSet::new(),
        out: Vec::new(),
    };
    walk.visit(std::slice::from_ref(&ctx.package))?;
    Ok(walk.out)
}

struct ReleaseWalk<'a> {
    ws: &'a Workspace,
    ctx: &'a BuildContext,
    opts: &'a BuildOptions,
    releasing: &'a [String],
    tag_pattern: Option<&'a str>,
    members: Vec<String>,
    visited: BTreeSet<String>,
    out: Vec<String>,
}

impl ReleaseWalk<'_> {
    fn visit(&mut self, chain: &[String]) -> Result<()> {
        let Some(here) = chain.last().and_then(|n| self.ws.member_manifest(n)) else {
            return Ok(());
        };
        for dep in &here.dependencies {
            if dep.kind == DepKind::Dev || !self.visited.insert(dep.package.clone()) {
                continue;
            }
            let mut path = chain.to_vec();
            path.push(dep.package.clone());
            let shown = path.join(" -> ");
            // the links of the chain (not its ends) that this run releases
            let in_run: Vec<&str> = path[1..path.len() - 1]
                .iter()
                .filter(|p| self.releasing.contains(p))
                .map(String::as_str)
                .collect();
            let also = if in_run.is_empty() {
                String::new()
            } else {
                format!(" ({} released in this run)", in_run.join(", "))
            };
            if !self.members.contains(&dep.package) {
                // a path dependency outside the workspace can block the release just the same
                if let Some(blocker) =
                    outside_path_blocker(self.ws, &here.name, &dep.package, &dep.req)?
                {
                    self.out.push(format!("{shown}: {blocker}{also}"));
                }
                continue;
            }
            let Some(info) = self.ws.member_manifest(&dep.package) else {
                continue;
            };
            if !self.ws.is_publishable(&dep.package) {
                self.out.push(format!(
                    "{shown}: `{}` is publish = false, so the published crate could not depend on it{also}",
                    dep.package
                ));
                continue;
            }
            if dep.req == "*" {
                self.out.push(format!(
                    "{shown}: a path dependency without a version requirement cannot be published (add `version = \"{}\"`){also}",
                    info.version
                ));
                continue;
            }
            if !self.releasing.contains(&dep.package)
                && !self.is_released(&dep.package, &info.version)?
            {
                self.out.push(format!(
                    "{shown}: `{}` {} has no release tag and is not on the registry; release it first{also}",
                    dep.package, info.version
                ));
            }
            self.visit(&path)?;
        }
        Ok(())
    }

    /// A release tag at exactly this version, or the version on the registry; an error when
    /// neither can answer (a pass on doubt would publish against code users cannot get).
    fn is_released(&self, package: &str, version: &semver::Version) -> Result<bool> {
        if tags::release_tag_of(self.ctx, package, version, self.tag_pattern)?.is_some() {
            return Ok(true);
        }
        if !self.ws.is_publishable(package) {
            return Ok(false);
        }
        match rustdoc::is_published(&self.ctx.lookup(self.opts)?, self.opts, package, version)? {
            Published::Version(_) => Ok(true),
            Published::No => Ok(false),
            Published::Unknown(reason) => bail!(
                "cannot tell whether `{package}` {version} is released: it has no release tag, and {reason}"
            ),
        }
    }
}

/// Why a path dependency that is not a workspace member cannot be published along (its
/// manifest says `publish = false`, or the dependency has no version requirement); `None` for
/// registry and git dependencies. A manifest that cannot be read is an error.
fn outside_path_blocker(
    ws: &Workspace,
    from: &str,
    package: &str,
    req: &str,
) -> Result<Option<String>> {
    let Some(from) = ws
        .metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == from)
    else {
        return Ok(None);
    };
    let Some(dir) = from
        .dependencies
        .iter()
        .filter(|d| d.name == package && d.kind != cargo_metadata::DependencyKind::Development)
        .find_map(|d| d.path.clone())
    else {
        return Ok(None);
    };
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| {
        format!("cannot read {manifest}, the manifest of path dependency `{package}`")
    })?;
    let doc = text.parse::<toml_edit::DocumentMut>().with_context(|| {
        format!("{manifest}, the manifest of path dependency `{package}`, is not valid TOML")
    })?;
    let publish = doc.get("package").and_then(|p| p.get("publish"));
    let unpublished = publish
        .is_some_and(|p| p.as_bool() == Some(false) || p.as_array().is_some_and(|a| a.is_empty()));
    Ok(if unpublished {
        Some(format!("`{package}` (path {dir}) is publish = false, so the published crate could not depend on it"))
    } else if req == "*" {
        Some(format!("`{package}` (path {dir}) is a path dependency without a version requirement, which cannot be published"))
    } else {
        None
    })
}

/// What a package's public API exposes of other crates (crate name -> an example path).
pub type Exposed = BTreeMap<String, String>;

/// A workspace crate with a breaking change makes every crate that exposes its types in its
/// public API break too. Adds a finding to each such crate, pointing at the cause, and
/// re-decides it; repeats until nothing changes, so chains propagate.
pub fn propagate(
    ws: &Workspace,
    packages: &mut [PackageReport],
    exposed: &[Exposed],
    configs: &[Config],
) {
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
                let mut finding = Finding::new(
                    rule,
                    path,
                    format!(
                        "workspace dependency `{dep_name}` has breaking changes (see its findings), and its types are part of this crate's public API (e.g. `{example}`)"
                    ),
                )
                .class(Class::Breaking);
                configs[i].classify(&mut finding);
                package.findings.push(finding);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_balanced_and_deterministic() {
        let p = |list: &[(&str, u64)]| {
            list.iter()
                .map(|(n, c)| (n.to_string(), *c))
                .collect::<Vec<_>>()
        };
        let parts = partition(&p(&[("a", 10), ("b", 9), ("c", 2), ("d", 1), ("e", 1)]), 2);
        assert_eq!(parts, vec![vec!["a", "d", "e"], vec!["b", "c"]]);
        assert_eq!(
            parts,
            partition(&p(&[("e", 1), ("d", 1), ("c", 2), ("b", 9), ("a", 10)]), 2)
        );
        let parts = partition(&p(&[("a", 1)]), 3);
        assert_eq!(parts, vec![vec!["a"], vec![], vec![]]);
    }
}
