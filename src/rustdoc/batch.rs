//! Many sides at once: the members of a workspace documented by one cargo invocation per side
//! (`cargo doc --no-deps -p a -p b ...`) instead of one each. cargo then resolves the graph once
//! and documents independent members in parallel, where one invocation per member serialises
//! on the target directory and repeats the resolution.
//!
//! This only warms the cache: every built JSON is stored under the key the member's own build
//! would use, and the comparison then takes each side from the cache as usual. Anything the
//! batch cannot do (one member does not compile, two members share a lib name) leaves the
//! members to their own builds, which report the error precisely.

use std::collections::BTreeMap;

use anyhow::Result;

use super::invoke::{run_batch, Batch, FeatureArgs};
use super::{git, manifest, BuildContext, BuildOptions, Lockfile, Role, SideBuild, Source};
use crate::interrupt;
use crate::progress::Progress;

/// One side a comparison will build.
pub struct Request<'a> {
    pub ctx: &'a BuildContext,
    pub source: Source,
    pub role: Role,
}

/// Builds every working-tree side and every git side (per commit) among `requests` that is not
/// cached yet, in one cargo invocation per group. Only for the default features (the same
/// arguments for every member).
pub fn prebuild(requests: &[Request<'_>], opts: &BuildOptions, progress: &Progress) -> Result<()> {
    if !opts.feature_list().is_empty() {
        return Ok(());
    }
    let mut local: BTreeMap<(std::path::PathBuf, &'static str), Vec<&Request<'_>>> =
        BTreeMap::new();
    let mut at_rev: BTreeMap<(String, &'static str), Vec<&Request<'_>>> = BTreeMap::new();
    for r in requests {
        match &r.source {
            Source::WorkingTree { .. } => local
                .entry((r.ctx.workspace_root.clone(), super::role_str(r.role)))
                .or_default()
                .push(r),
            Source::GitRev { rev } => at_rev
                .entry((rev.clone(), super::role_str(r.role)))
                .or_default()
                .push(r),
            _ => {}
        }
    }
    for group in local.values().filter(|g| g.len() > 1) {
        interrupt::check()?;
        working_tree(group, opts, progress)?;
    }
    for ((rev, _), group) in at_rev.iter().filter(|(_, g)| g.len() > 1) {
        interrupt::check()?;
        at_commit(rev, group, opts, progress)?;
    }
    Ok(())
}

/// The working-tree sides of one workspace.
fn working_tree(group: &[&Request<'_>], opts: &BuildOptions, progress: &Progress) -> Result<()> {
    let mut misses = Vec::new();
    for r in group {
        let b = SideBuild::new(r.ctx.package_name(), r.role, r.ctx, opts, progress)?;
        let plan = b.local_plan(&r.ctx.metadata, true, None)?;
        if b.cache.peek(b.package, &plan.key) {
            continue;
        }
        misses.push((b, plan));
    }
    // members that export symbols are documented with private items: they build on their own
    misses.retain(|(_, p)| !p.document_private);
    if misses.len() < 2 {
        return Ok(());
    }
    let (first, first_plan) = &misses[0];
    let role = first.role;
    let root = first.ctx.workspace_root.clone();
    let packages: Vec<(String, String)> = misses
        .iter()
        .map(|(_, p)| (p.pkg.id.repr.clone(), p.lib_name.clone()))
        .collect();
    let task = progress.task(
        "Building",
        format!(
            "{role} rustdoc for {} packages from the working tree",
            packages.len()
        ),
    );
    let manifest_path = root.join("Cargo.toml");
    let target_dir = opts.cargo_target_dir(role);
    let batch = Batch {
        manifest_path: &manifest_path,
        packages: &packages,
        features: &FeatureArgs::default(),
        lockfile: Some(&first_plan.lock_path),
        cwd: None,
        target_dir: &target_dir,
        document_private: false,
    };
    let (_, built) = run_batch(&first.tc, &batch, opts, progress)?;
    let Some((jsons, lock)) = built else {
        if progress.is_verbose() {
            progress.note("the batch build failed; building the packages one by one");
        }
        return Ok(());
    };
    for ((b, plan), json) in misses.iter().zip(jsons) {
        let info = manifest::manifest_info(plan.pkg, lock.as_ref());
        b.store(&plan.key, &json, &plan.description, Some(&info), None)?;
    }
    task.finish();
    Ok(())
}

/// The git sides of one revision: one export, one cargo invocation.
fn at_commit(
    rev: &str,
    group: &[&Request<'_>],
    opts: &BuildOptions,
    progress: &Progress,
) -> Result<()> {
    let Some(repo) = group[0].ctx.git.as_ref() else {
        return Ok(());
    };
    let resolved = git::resolve_rev(&repo.root, rev)?;
    let mut misses = Vec::new();
    for r in group {
        let b = SideBuild::new(r.ctx.package_name(), r.role, r.ctx, opts, progress)?;
        let key = b.git_key(&resolved.commit);
        if !b.cache.peek(b.package, &key) {
            misses.push((b, key));
        }
    }
    if misses.len() < 2 {
        return Ok(());
    }
    let first = &misses[0].0;
    let task = progress.task(
        "Building",
        format!(
            "{} rustdoc for {} packages from {}",
            first.role,
            misses.len(),
            resolved.description
        ),
    );
    let scratch = first.scratch_dir("semgate-git-")?;
    let tree = scratch.path().join("tree");
    git::export_tree(&repo.root, &resolved.commit, scratch.path(), &tree)?;
    interrupt::check()?;
    let manifest_path = tree.join(&repo.workspace_rel).join("Cargo.toml");
    let Ok(metadata) = manifest::cargo_metadata(first.tc.cargo(), &manifest_path, true) else {
        return Ok(()); // laid out differently then: each member finds its way alone
    };
    let mut found = Vec::new();
    for (b, key) in &misses {
        if let Some(pkg) = manifest::find_member(&metadata, b.package) {
            let private = pkg
                .manifest_path
                .parent()
                .is_some_and(|dir| super::invoke::exports_symbols(dir.as_std_path()));
            if private {
                continue; // built on its own, with private items
            }
            let pre = manifest::manifest_info(pkg, None);
            if let Some(lib) = pre.lib_target.clone() {
                found.push((b, key, pkg, lib));
            }
        }
    }
    if found.len() < 2 {
        return Ok(());
    }
    let workspace_root = metadata.workspace_root.clone().into_std_path_buf();
    let lock_path = workspace_root.join("Cargo.lock");
    if !lock_path.exists() {
        let user_lock = first.ctx.workspace_root.join("Cargo.lock");
        // not committed then: start from today's versions, as a single build does
        super::seed_lockfile(&user_lock, &lock_path)?;
    }
    let packages: Vec<(String, String)> = found
        .iter()
        .map(|(_, _, pkg, lib)| (pkg.id.repr.clone(), lib.clone()))
        .collect();
    let target_dir = opts.cargo_target_dir(first.role);
    let batch = Batch {
        manifest_path: &manifest_path,
        packages: &packages,
        features: &FeatureArgs::default(),
        lockfile: Some(&lock_path),
        cwd: None,
        target_dir: &target_dir,
        document_private: false,
    };
    let (_, built) = run_batch(&first.tc, &batch, opts, progress)?;
    let Some((jsons, lock)) = built else {
        if progress.is_verbose() {
            progress.note("the batch build failed; building the packages one by one");
        }
        return Ok(());
    };
    let lock: Option<Lockfile> = lock;
    for ((b, key, pkg, _), json) in found.iter().zip(jsons) {
        let info = manifest::manifest_info(pkg, lock.as_ref());
        b.store(
            key,
            &json,
            &resolved.description,
            Some(&info),
            Some(&resolved.commit),
        )?;
    }
    super::close_scratch(scratch, progress);
    task.finish();
    Ok(())
}
