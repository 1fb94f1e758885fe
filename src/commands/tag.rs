//! `semgate tag`: tag the release of every package whose version changed since its last
//! release tag, in the shape the project already uses, dependencies first.
//!
//! A dry run by default: it prints the tags in release order and changes nothing. `--execute`
//! creates them (annotated, on HEAD) and `--push REMOTE` pushes them, all or none. It is
//! idempotent: a tag that already names HEAD is fine, one that names another commit is an error.
//! It refuses to tag a package that depends on a workspace package that is neither released
//! nor tagged in the same run, and never tags a version that means "not released yet" (`-dev`,
//! the `alpha.0`-style placeholders; the `unreleased` key configures them).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{anyhow, bail, Context, Result};
use semver::Version;

use super::write_stdout as emit;
use crate::cli::TagArgs;
use crate::progress::Progress;
use crate::resolve::tags;
use crate::rustdoc::{self, BuildOptions, DepKind, Published, Workspace};
use crate::{EXIT_PASS, EXIT_REFUSED};

/// One package's place in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub package: String,
    pub version: Version,
    pub tag: String,
    /// the tag exists already, on HEAD
    pub exists: bool,
}

/// `semgate tag`.
pub fn tag(args: &TagArgs, progress: &Progress) -> Result<i32> {
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let repo = ws.repo.clone().ok_or_else(|| {
        anyhow!(
            "{} is not in a git repository, so there is nothing to tag",
            ws.manifest.display()
        )
    })?;
    let head = repo.head.clone().ok_or_else(|| {
        anyhow!(
            "the repository at {} has no commit to tag",
            repo.root.display()
        )
    })?;
    let config = ws.config_of(None)?;
    let members = ws.member_names();
    let named = crate::resolve::workspace::expand_specs(&members, &args.package)?;
    // every publishable member (every member, when none is: an internal project still
    // releases), or the ones named
    let candidates: Vec<String> = if named.is_empty() {
        let publishable: Vec<String> = members
            .iter()
            .filter(|m| ws.is_publishable(m))
            .cloned()
            .collect();
        if publishable.is_empty() {
            members.clone()
        } else {
            publishable
        }
    } else {
        named
    };
    if args.execute && repo.is_dirty_under(std::path::Path::new("")) {
        bail!(
            "the work tree of {} has uncommitted changes, and a tag names a commit: commit them first (a dry run shows the plan anyway)",
            repo.root.display()
        );
    }

    // which shape: configured, else the one the package's tags have, else one tag `vX.Y.Z` for
    // a workspace that shares a version (or a single package), else `name-vX.Y.Z`
    let shared = ws.shared_version()?;
    let versions: BTreeMap<String, Version> = candidates
        .iter()
        .filter_map(|n| Some((n.clone(), ws.member_manifest(n)?.version)))
        .collect();
    let all_share = versions.values().collect::<BTreeSet<_>>().len() <= 1;
    let default_shape = if (shared.is_some() && all_share) || members.len() == 1 {
        "v{version}"
    } else {
        "{name}-v{version}"
    };

    let mut plan: Vec<Planned> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for name in &candidates {
        let version = versions
            .get(name)
            .cloned()
            .ok_or_else(|| anyhow!("package `{name}` has no manifest in this workspace"))?;
        if config.is_unreleased(&version) {
            skipped.push(format!(
                "{name} {version}: a pre-release that is not a release yet"
            ));
            continue;
        }
        let shape = match (&config.tag_format, repo.tag_shape_of(name)?) {
            (Some(configured), _) => configured.clone(),
            (None, Some(in_use)) => in_use,
            (None, None) => default_shape.to_string(),
        };
        let tag = tags::tag_name(&shape, name, &version);
        match repo.release_tag_of(name, &version, Some(&shape))? {
            Some(existing) if existing.commit == head => plan.push(Planned {
                package: name.clone(),
                version,
                tag,
                exists: true,
            }),
            Some(existing) if repo.tag_reachable(&existing.name)? => skipped.push(format!(
                "{name} {version}: unchanged since {} (bump the version to release it)",
                existing.name
            )),
            Some(existing) => bail!(
                "tag {} (for {name} {version}) already names commit {}, not HEAD; a version is released once: bump `{name}`",
                existing.name,
                &existing.commit[..existing.commit.len().min(7)]
            ),
            None => plan.push(Planned {
                package: name.clone(),
                version,
                tag,
                exists: false,
            }),
        }
    }

    // every workspace dependency of a tagged package must be released or tagged with it
    let tagged: BTreeSet<&str> = plan.iter().map(|p| p.package.as_str()).collect();
    let opts = BuildOptions::with_target_dir(ws.default_target_dir());
    let mut blockers = Vec::new();
    for p in &plan {
        let Some(info) = ws.member_manifest(&p.package) else {
            continue;
        };
        for dep in info.dependencies.iter().filter(|d| d.kind != DepKind::Dev) {
            if !members.contains(&dep.package) || tagged.contains(dep.package.as_str()) {
                continue;
            }
            let Some(dep_info) = ws.member_manifest(&dep.package) else {
                continue;
            };
            if !is_released(&ws, &repo, &opts, &dep.package, &dep_info.version)? {
                blockers.push(format!(
                    "{} -> {}: `{}` {} is neither released nor tagged in this run",
                    p.package, dep.package, dep.package, dep_info.version
                ));
            }
        }
    }
    for line in &skipped {
        progress.note(format!("not tagged: {line}"));
    }
    if !blockers.is_empty() {
        progress.error(format!(
            "refusing to tag [unreleased-dependency]:\n  {}\nhelp: release those first, or tag them in the same run (-p)\nnothing was tagged",
            blockers.join("\n  ")
        ));
        return Ok(EXIT_REFUSED);
    }
    let plan = release_order(plan, &ws);
    if plan.is_empty() {
        progress.note("nothing to tag: no package's version changed since its last release tag");
        return Ok(EXIT_PASS);
    }

    let mut out = String::new();
    for p in &plan {
        let _ = writeln!(out, "{} {} {}", p.tag, p.package, p.version);
    }
    let mut created = BTreeSet::new();
    for p in &plan {
        if p.exists || created.contains(&p.tag) {
            progress.status("Tagged", format!("{} (already on HEAD)", p.tag));
            continue;
        }
        if !args.execute {
            progress.status(
                "Would tag",
                format!("{} for {} {}", p.tag, p.package, p.version),
            );
            continue;
        }
        let members_of_tag: Vec<&str> = plan
            .iter()
            .filter(|q| q.tag == p.tag)
            .map(|q| q.package.as_str())
            .collect();
        let message = if members_of_tag.len() > 1 {
            format!("Release {} ({})", p.tag, members_of_tag.join(", "))
        } else {
            format!("Release {} {}", p.package, p.version)
        };
        crate::interrupt::check()?;
        tags::create_tag(&repo.root, &p.tag, &message, &head)?;
        created.insert(p.tag.clone());
        progress.status(
            "Tagged",
            format!("{} for {} {}", p.tag, p.package, p.version),
        );
    }
    if !args.execute {
        progress.warn("dry run: no tag was created; `--execute` creates them");
    }
    if let Some(remote) = &args.push {
        if !args.execute {
            progress.warn(format!("dry run: nothing was pushed to {remote}"));
        } else {
            let tags: Vec<String> = plan
                .iter()
                .map(|p| p.tag.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            tags::push_tags(&repo.root, remote, &tags)
                .with_context(|| format!("the tags were created locally; push them with `git push {remote} --tags` once {remote} is reachable"))?;
            progress.status("Pushed", format!("{} to {remote}", tags.join(", ")));
        }
    }
    emit(&out)?;
    Ok(EXIT_PASS)
}

/// Released: a release tag at exactly this version, or the version on the registry.
fn is_released(
    ws: &Workspace,
    repo: &tags::Repo,
    opts: &BuildOptions,
    package: &str,
    version: &Version,
) -> Result<bool> {
    if repo.release_tag_of(package, version, None)?.is_some() {
        return Ok(true);
    }
    if !ws.is_publishable(package) {
        return Ok(false);
    }
    match rustdoc::is_published(&ws.lookup(opts)?, opts, package, version)? {
        Published::Version(_) => Ok(true),
        Published::No => Ok(false),
        Published::Unknown(reason) => bail!(
            "cannot tell whether `{package}` {version} is released: it has no release tag, and {reason}"
        ),
    }
}

/// The plan in release order: every package after the workspace packages it depends on
/// (normal and build dependencies), ties by name.
fn release_order(plan: Vec<Planned>, ws: &Workspace) -> Vec<Planned> {
    let names: BTreeSet<String> = plan.iter().map(|p| p.package.clone()).collect();
    let deps: BTreeMap<String, BTreeSet<String>> = names
        .iter()
        .map(|n| {
            let d = ws
                .member_manifest(n)
                .map(|m| {
                    m.dependencies
                        .into_iter()
                        .filter(|d| {
                            d.kind != DepKind::Dev && names.contains(&d.package) && d.package != *n
                        })
                        .map(|d| d.package)
                        .collect()
                })
                .unwrap_or_default();
            (n.clone(), d)
        })
        .collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while done.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !done.contains(*n) && deps[*n].iter().all(|d| done.contains(d)))
            .cloned()
            .collect();
        // a dependency cycle (cargo forbids it between normal dependencies): keep name order
        let ready = if ready.is_empty() {
            names
                .iter()
                .filter(|n| !done.contains(*n))
                .take(1)
                .cloned()
                .collect()
        } else {
            ready
        };
        for n in ready {
            done.insert(n.clone());
            order.push(n);
        }
    }
    let mut by_name: BTreeMap<String, Planned> =
        plan.into_iter().map(|p| (p.package.clone(), p)).collect();
    order
        .into_iter()
        .filter_map(|n| by_name.remove(&n))
        .collect()
}
