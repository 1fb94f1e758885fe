//! Choosing a package's baseline when none is named: one rule for a single package and for
//! every member of a workspace.
//!
//! 1. **Tags** (unless `--baseline-source registry`): the newest earlier release tag reachable
//!    from HEAD (see [`crate::git::tags::scan_tags`]). A package that does not exist at that
//!    tag's commit was added since: that is evidence of a first release, not an error.
//! 2. **Registry** (unless `--baseline-source tag`, and only for a publishable package): the
//!    newest published version before the current one.
//! 3. **First release**, only on positive evidence: every source that was consulted answered
//!    that there is no earlier release (the git history is complete, not shallow, and holds no
//!    release of the package; the registry, online, has no version of it). Anything that could
//!    not answer (offline cargo, a shallow clone, no git, tags in an unknown shape) makes the
//!    answer unknown, and an unknown baseline is an error, never a pass, unless the user says
//!    `--allow-first-release`.

use anyhow::{bail, Result};
use semver::Version;
use std::fmt::Write as _;

use super::tags::{no_tag_reason, scan_baseline_tags};
use crate::git::tags::Tag;
use crate::rustdoc::registry::{self, Published};
use crate::rustdoc::{BuildContext, BuildOptions, Source};

/// Where default baselines come from (`--baseline-source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// release tags, then the registry
    Auto,
    /// release tags only
    Tag,
    /// the registry only
    Registry,
}

/// How to choose baselines for a run.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub mode: Mode,
    pub tag_pattern: Option<&'a str>,
    pub prerelease_tags: bool,
    /// treat "cannot tell" as a first release (with a warning) instead of an error
    pub allow_first_release: bool,
}

/// The baseline chosen for a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// Build this side. `release` is the version a release tag names (which the report uses
    /// even when the tagged manifest says otherwise); `why` is for the progress line.
    Side {
        source: Source,
        release: Option<Version>,
        why: String,
    },
    /// Nothing earlier to compare with; `why` says how semgate knows (or that it was told).
    /// `since` is the release tag the package is absent from: a member added to a workspace
    /// after that release, whose whole API is new since it.
    FirstRelease {
        why: String,
        assumed: bool,
        since: Option<Tag>,
    },
}

/// The baseline of `ctx`'s package under `policy`; `members` are the workspace's packages
/// (their tag shapes explain tags that are not this package's).
pub fn choose(
    ctx: &BuildContext,
    opts: &BuildOptions,
    policy: &Policy<'_>,
    members: &[String],
) -> Result<Baseline> {
    let name = ctx.package_name();
    let publishable = ctx.is_publishable();
    let mut evidence: Vec<String> = Vec::new();
    let mut doubts: Vec<String> = Vec::new();
    let mut since = None;

    if policy.mode != Mode::Registry {
        match &ctx.git {
            None => doubts.push(format!(
                "{} is not in a git repository (or git is not installed), so its release tags cannot be read",
                ctx.package_dir.display()
            )),
            Some(git) => {
                let scan = scan_baseline_tags(
                    ctx,
                    name,
                    policy.tag_pattern,
                    policy.prerelease_tags,
                )?;
                if let Some(tag) = scan.best {
                    if git.repo.has_package_at(&tag.commit, name)? {
                        return Ok(Baseline::Side {
                            why: format!("{name} {} (git tag {})", tag.version, tag.name),
                            release: Some(tag.version),
                            source: Source::GitRev { rev: tag.name },
                        });
                    }
                    evidence.push(format!(
                        "`{name}` does not exist at {}, the newest release tag, so it was added since",
                        tag.name
                    ));
                    since = Some(tag);
                } else {
                    evidence.push(no_tag_reason(ctx, name, policy.tag_pattern, &scan)?);
                    let foreign = git.repo.foreign_version_tags(members, policy.tag_pattern)?;
                    if !foreign.is_empty() {
                        let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
                        doubts.push(format!(
                            "the repository has tags that look like releases in a shape semgate does not know ({}{}): pass --tag-pattern to read them",
                            shown.join(", "),
                            if foreign.len() > shown.len() { ", ..." } else { "" }
                        ));
                    }
                }
                if git.shallow {
                    doubts.push(
                        "this is a shallow clone, so release tags and history may be missing: fetch them first (`git fetch --tags --unshallow`, or `fetch-depth: 0` in actions/checkout)"
                            .to_string(),
                    );
                } else if git.head.is_none() {
                    doubts.push("the repository has no commit yet".to_string());
                }
            }
        }
    }

    if policy.mode != Mode::Tag {
        if !publishable {
            if policy.mode == Mode::Registry {
                bail!("`{name}` is publish = false, so no registry has a release of it; --baseline-source registry cannot find a baseline for it (use tags, or name the baseline with --baseline-rev or --baseline-path)");
            }
            evidence.push(format!(
                "`{name}` is publish = false, so no registry has a release of it"
            ));
        } else {
            match registry::newest_version(&ctx.lookup(opts)?, opts, name, &ctx.current_version)? {
                Published::Version(version) => {
                    return Ok(Baseline::Side {
                        why: format!("{name} {version} (newest published version)"),
                        release: None,
                        source: Source::Registry { version },
                    })
                }
                Published::No => evidence.push(format!(
                    "the registry has no release of `{name}` before {}",
                    ctx.current_version
                )),
                Published::Unknown(reason) => doubts.push(reason),
            }
        }
    }

    if doubts.is_empty() && !evidence.is_empty() {
        return Ok(Baseline::FirstRelease {
            why: evidence.join("; "),
            assumed: false,
            since,
        });
    }
    if policy.allow_first_release {
        return Ok(Baseline::FirstRelease {
            why: format!(
                "assumed because of --allow-first-release, though {}",
                doubts.join("; ")
            ),
            assumed: true,
            since,
        });
    }
    let mut msg = format!(
        "cannot tell whether `{name}` was released before, so there is no baseline to compare with: {}",
        doubts.join("; ")
    );
    if !evidence.is_empty() {
        let _ = write!(msg, " (what is known: {})", evidence.join("; "));
    }
    msg.push_str("\nhelp: name the baseline with --baseline-rev, --baseline-version, --baseline-path or --baseline-rustdoc");
    if policy.mode == Mode::Tag && publishable {
        msg.push_str(", or look it up on the registry with --baseline-source registry");
    }
    msg.push_str("; if this really is its first release, pass --allow-first-release");
    bail!(msg)
}
