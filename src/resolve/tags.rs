//! Release tags: which tag is a package's previous release, why none qualified, and the
//! tagging `semgate tag` does. Reading tags is in [`crate::git::tags`]; this module answers
//! for a package of a workspace.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::git;
use crate::rustdoc::{manifest, BuildContext};

pub use crate::git::tags::{baseline_tag_shapes, same_version, tag_name, Repo, Tag, TagScan};

/// The tag scan for `package`: its newest earlier release tag reachable from HEAD, and what
/// was skipped (see [`crate::git::tags::scan_tags`]). Errors when there is no git repository.
pub fn scan_baseline_tags(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<TagScan> {
    let git = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo("find the previous release tag"))?;
    let Some(head) = &git.head else {
        return Ok(TagScan::default());
    };
    let current = if package == ctx.package {
        ctx.current_version.clone()
    } else {
        manifest::find_member(&ctx.metadata, package)
            .map(|p| p.version.clone())
            .unwrap_or_else(|| ctx.current_version.clone())
    };
    crate::git::tags::scan_tags(
        &git.repo.merged_tags()?,
        head,
        package,
        &current,
        pattern,
        include_prerelease,
    )
}

/// Newest release tag reachable from HEAD that names an earlier release of `package` (see
/// [`crate::git::tags::scan_tags`]); `Ok(None)` when no tag qualifies.
pub fn find_baseline_tag(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<Option<Tag>> {
    Ok(scan_baseline_tags(ctx, package, pattern, include_prerelease)?.best)
}

/// Why no tag qualified, as one sentence listing what was looked for and what was skipped.
pub fn no_tag_reason(
    ctx: &BuildContext,
    package: &str,
    pattern: Option<&str>,
    scan: &TagScan,
) -> Result<String> {
    let shapes = crate::git::tags::TagMatcher::new(package, pattern)?.describe();
    let root = ctx
        .git
        .as_ref()
        .map(|g| g.root.display().to_string())
        .unwrap_or_default();
    let mut msg = format!(
        "no release tag of `{package}` found among the tags reachable from HEAD in {root} (looked for tags shaped like {})",
        shapes.join(", ")
    );
    if !scan.at_head.is_empty() {
        let _ = write!(msg,
            "; {} points at HEAD itself, which is the release being checked, and there is no earlier one",
            scan.at_head.join(", ")
        );
    }
    if !scan.prerelease.is_empty() {
        let _ = write!(
            msg,
            "; pre-release tags ({}) were skipped, include them with --prerelease-tags",
            scan.prerelease.join(", ")
        );
    }
    if !scan.newer.is_empty() {
        let _ = write!(
            msg,
            "; tags newer than the current version {} ({}) were skipped",
            ctx.current_version,
            scan.newer.join(", ")
        );
    }
    Ok(msg)
}

/// Creates the annotated tag `name` on `commit` in the repository at `root`.
pub fn create_tag(root: &Path, name: &str, message: &str, commit: &str) -> Result<()> {
    git::create_tag(root, name, message, commit)
}

/// Pushes `tags` to `remote` from the repository at `root`, atomically.
pub fn push_tags(root: &Path, remote: &str, tags: &[String]) -> Result<()> {
    git::push_tags(root, remote, tags)
}

/// The branch HEAD is on in the repository at `root`, `None` when detached.
pub fn current_branch(root: &Path) -> Result<Option<String>> {
    git::current_branch(root)
}

/// The commit a git revision names, in the package's repository.
pub fn resolve_commit(ctx: &BuildContext, rev: &str) -> Result<String> {
    let git = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo(&format!("build git revision `{rev}`")))?;
    Ok(git::resolve_rev(&git.root, rev)?.commit)
}

/// The release tag of `package` at exactly `version` (build metadata ignored), on any branch.
pub fn release_tag_of(
    ctx: &BuildContext,
    package: &str,
    version: &semver::Version,
    pattern: Option<&str>,
) -> Result<Option<Tag>> {
    match &ctx.git {
        Some(git) => git.repo.release_tag_of(package, version, pattern),
        None => Ok(None),
    }
}
