//! `semgate bump`: read the workspace, run the API gate, write the manifests and refresh
//! Cargo.lock. The arithmetic is in [`crate::versions`], the text edits in
//! [`crate::manifest_edit`]; this layer does the disk and the processes.
//!
//! `bump` is the one command that writes to the user's repository (that is its job): it writes
//! nothing when the gate refuses, when anything fails before writing, or with `--dry-run`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use semver::{BuildMetadata, Version};

use crate::bump::release_of;
use crate::cli::{BumpArgs, CompareArgs};
use crate::manifest_edit::{apply_edits, manifest_edits, Changes, Edit, Location};
use crate::progress::Progress;
use crate::report::Report;
use crate::rules::Class;
use crate::rustdoc::{self, Workspace};
use crate::versions::{metadata_for, next_version, shared_version, utc_date, NewVersion, Target};
use crate::{EXIT_PASS, EXIT_REFUSED};

/// `semgate bump`: writes the new version to every manifest that holds it.
pub fn bump(args: &BumpArgs, progress: &Progress) -> Result<i32> {
    let target = args
        .target
        .as_deref()
        .map(str::parse::<Target>)
        .transpose()?;
    if target.is_none() && !args.dev && !args.metadata {
        bail!("nothing to bump\nhelp: name a level (major, minor, patch), `release`, or a version, or pass --dev or --metadata");
    }
    let ws = Workspace::load(args.compare.manifest_path.as_deref())?;
    let layout = Layout::read(&ws)?;
    let metadata = if args.metadata {
        Some(build_metadata(&layout.root)?)
    } else {
        None
    };
    let scope = layout.scope(&args.compare)?;

    // one computation per distinct current version
    let mut next: BTreeMap<String, NewVersion> = BTreeMap::new();
    let mut new_of = |current: &Version| -> Result<NewVersion> {
        if let Some(n) = next.get(&current.to_string()) {
            return Ok(n.clone());
        }
        let n = next_version(current, target.as_ref(), args.dev, metadata.as_ref())
            .with_context(|| format!("cannot bump {current}"))?;
        next.insert(current.to_string(), n.clone());
        Ok(n)
    };
    let workspace_new = scope.workspace.as_ref().map(&mut new_of).transpose()?;
    let mut packages: BTreeMap<String, (Version, NewVersion)> = BTreeMap::new();
    for (name, current) in &scope.packages {
        packages.insert(name.clone(), (current.clone(), new_of(current)?));
    }

    if target.is_some() {
        let code = gate(args, &ws, &layout, &scope, &packages, progress)?;
        if code != EXIT_PASS {
            return Ok(code);
        }
    }

    let files = layout.plan(workspace_new.as_ref().map(|n| &n.written), &packages)?;
    report_plan(&layout, &scope, &files, progress);
    if args.dry_run {
        progress.warn("dry run: nothing was written");
    } else {
        crate::interrupt::check()?;
        for file in &files {
            std::fs::write(&file.path, &file.text)
                .with_context(|| format!("failed to write {}", file.path.display()))?;
        }
        if !files.is_empty() {
            refresh_lockfile(&layout.root, progress)?;
        }
    }

    let written: BTreeSet<&Version> = packages
        .values()
        .map(|(_, n)| &n.written)
        .chain(workspace_new.as_ref().map(|n| &n.written))
        .collect();
    if written.len() == 1 {
        super::write_stdout(&format!(
            "{}\n",
            written.into_iter().next().expect("one version")
        ))?;
    } else {
        for (name, (_, n)) in &packages {
            super::write_stdout(&format!("{name} {}\n", n.written))?;
        }
    }
    Ok(EXIT_PASS)
}

/// `+<short HEAD hash>.<today, UTC>`.
fn build_metadata(root: &Path) -> Result<BuildMetadata> {
    let hash = rustdoc::short_head(root)?.ok_or_else(|| {
        anyhow!(
            "--metadata needs the commit hash, but {} is not in a git repository with a commit (or git is not installed)",
            root.display()
        )
    })?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    metadata_for(&hash, &utc_date(now.as_secs()))
}

/// A workspace member, as far as versions are concerned.
struct Member {
    name: String,
    manifest: PathBuf,
    /// the package directory, canonical (to match dependency paths)
    dir: PathBuf,
    version: Version,
    /// `version.workspace = true`
    inherits: bool,
    /// writes its own version string (neither inherited nor left out, which means 0.0.0)
    literal: bool,
    publishable: bool,
    has_lib: bool,
}

/// The workspace's manifests and who holds which version.
pub(super) struct Layout {
    root: PathBuf,
    root_manifest: PathBuf,
    /// `[workspace.package] version`
    workspace_version: Option<Version>,
    members: Vec<Member>,
}

/// Which versions a bump moves.
struct Scope {
    /// the current `[workspace.package] version`, when it moves
    workspace: Option<Version>,
    /// package -> current version, for every package whose version moves
    packages: BTreeMap<String, Version>,
    /// packages named with -p
    named: Vec<String>,
}

/// A manifest's new text and what changed in it.
struct FileEdit {
    path: PathBuf,
    /// the package whose manifest this is (None for a virtual workspace root)
    package: Option<String>,
    edits: Vec<Edit>,
    text: String,
}

impl Layout {
    pub(super) fn read(ws: &Workspace) -> Result<Layout> {
        let root = ws.metadata.workspace_root.clone().into_std_path_buf();
        let root_manifest = root.join("Cargo.toml");
        let workspace_version = ws.shared_version()?;
        let mut members = Vec::new();
        for pkg in ws.metadata.workspace_packages() {
            let manifest = pkg.manifest_path.clone().into_std_path_buf();
            let text = read(&manifest)?;
            let doc = toml_edit::ImDocument::parse(text.as_str())
                .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
            let version_item = doc.get("package").and_then(|p| p.get("version"));
            let inherits = version_item
                .and_then(|v| v.get("workspace"))
                .and_then(toml_edit::Item::as_bool)
                .unwrap_or(false);
            let literal = version_item.is_some_and(toml_edit::Item::is_str);
            let dir = manifest
                .parent()
                .map(crate::git::canonical)
                .unwrap_or_else(|| root.clone());
            members.push(Member {
                name: pkg.name.to_string(),
                version: pkg.version.clone(),
                inherits,
                literal,
                publishable: crate::resolve::workspace::is_publishable(ws, &pkg.name),
                has_lib: ws
                    .member_manifest(&pkg.name)
                    .is_some_and(|m| m.lib_target.is_some()),
                manifest,
                dir,
            });
        }
        members.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Layout {
            root,
            root_manifest,
            workspace_version,
            members,
        })
    }

    /// Publishable members (all members when none is: a `publish = false` project still has a
    /// version), with their versions.
    fn counted(&self) -> Vec<(String, Version)> {
        let publishable: Vec<&Member> = self.members.iter().filter(|m| m.publishable).collect();
        let counted = if publishable.is_empty() {
            self.members.iter().collect()
        } else {
            publishable
        };
        counted
            .into_iter()
            .map(|m| (m.name.clone(), m.version.clone()))
            .collect()
    }

    pub(super) fn shared(&self) -> Result<Version, Vec<String>> {
        shared_version(self.workspace_version.as_ref(), &self.counted())
    }

    fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// Without -p, the workspace's one version moves everywhere it is held (members at another
    /// version, e.g. an unpublished tool at 0.0.0, are left alone); with -p, the named
    /// packages move, and a package inheriting `[workspace.package] version` takes the shared
    /// version, and with it every member that holds it, along.
    fn scope(&self, args: &CompareArgs) -> Result<Scope> {
        let names: Vec<String> = self.members.iter().map(|m| m.name.clone()).collect();
        let named = crate::resolve::workspace::expand_specs(&names, &args.package)?;
        crate::resolve::workspace::expand_specs(&names, &args.exclude)?;
        let holders = |v: &Version| -> BTreeMap<String, Version> {
            self.members
                .iter()
                .filter(|m| m.version == *v && (m.literal || m.inherits))
                .map(|m| (m.name.clone(), m.version.clone()))
                .collect()
        };
        if named.is_empty() {
            let shared = self.shared().map_err(|lines| {
                anyhow!(
                    "the workspace's packages do not share one version, so there is no one version to bump:\n  {}\nhelp: bump packages one at a time with -p NAME",
                    lines.join("\n  ")
                )
            })?;
            return Ok(Scope {
                workspace: self.workspace_version.clone(),
                packages: holders(&shared),
                named: Vec::new(),
            });
        }
        let mut scope = Scope {
            workspace: None,
            packages: BTreeMap::new(),
            named: named.clone(),
        };
        for name in &named {
            let member = self.member(name).expect("checked above");
            match (&self.workspace_version, member.inherits) {
                (Some(ws), true) => {
                    scope.workspace = Some(ws.clone());
                    scope.packages.extend(holders(ws));
                }
                _ if member.literal => {
                    scope.packages.insert(member.name.clone(), member.version.clone());
                }
                _ => bail!(
                    "`{name}` has no version of its own in {} to bump (it inherits none and writes none)",
                    member.manifest.display()
                ),
            }
        }
        Ok(scope)
    }

    /// The new text of every manifest the bump changes.
    fn plan(
        &self,
        workspace_new: Option<&Version>,
        packages: &BTreeMap<String, (Version, NewVersion)>,
    ) -> Result<Vec<FileEdit>> {
        let mut manifests: Vec<(PathBuf, Option<&Member>)> =
            vec![(self.root_manifest.clone(), None)];
        for m in &self.members {
            if crate::git::canonical(&m.manifest) == crate::git::canonical(&self.root_manifest) {
                manifests[0].1 = Some(m);
            } else {
                manifests.push((m.manifest.clone(), Some(m)));
            }
        }
        let mut files = Vec::new();
        for (path, member) in manifests {
            let text = read(&path)?;
            let dir = path.parent().unwrap_or(&self.root).to_path_buf();
            let dependency = |rel: &str| -> Option<Version> {
                let target = crate::git::canonical(&dir.join(rel));
                let member = self.members.iter().find(|m| m.dir == target)?;
                packages.get(&member.name).map(|(_, n)| n.written.clone())
            };
            let package = member
                .filter(|m| m.literal)
                .and_then(|m| packages.get(&m.name))
                .map(|(_, n)| &n.written);
            let changes = Changes {
                package,
                workspace: workspace_new.filter(|_| path == self.root_manifest),
                dependency: &dependency,
            };
            let edits = manifest_edits(&text, &changes)
                .with_context(|| format!("cannot update {}", path.display()))?;
            if edits.is_empty() {
                continue;
            }
            let new_text = apply_edits(&text, &edits);
            // the result must still be a manifest (a cheap guard against a bad splice)
            toml_edit::ImDocument::parse(new_text.as_str()).map_err(|e| {
                anyhow!(
                    "internal error: updating {} would make it invalid TOML: {e}",
                    path.display()
                )
            })?;
            files.push(FileEdit {
                path,
                package: member.map(|m| m.name.clone()),
                edits,
                text: new_text,
            });
        }
        Ok(files)
    }

    fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, str> {
        match path.strip_prefix(&self.root) {
            Ok(rel) => rel.to_string_lossy(),
            Err(_) => path.to_string_lossy(),
        }
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("failed to read {}", path.display()))
}

/// `     Bumping core 0.4.1-dev -> 0.5.0 (crates/core/Cargo.toml)`, one line per change.
fn report_plan(layout: &Layout, scope: &Scope, files: &[FileEdit], progress: &Progress) {
    if files.is_empty() {
        progress.note("every manifest already holds the new version; nothing to write");
    }
    for file in files {
        let rel = layout.relative(&file.path);
        for e in &file.edits {
            match &e.location {
                Location::Package => progress.status(
                    "Bumping",
                    format!(
                        "{} {} -> {} ({rel})",
                        file.package.as_deref().unwrap_or("package"),
                        e.old,
                        e.new
                    ),
                ),
                Location::Workspace => {
                    let inheriting: Vec<&str> = layout
                        .members
                        .iter()
                        .filter(|m| m.inherits && scope.packages.contains_key(&m.name))
                        .map(|m| m.name.as_str())
                        .collect();
                    let who = if inheriting.is_empty() {
                        String::new()
                    } else {
                        format!(", inherited by {}", inheriting.join(", "))
                    };
                    progress.status(
                        "Bumping",
                        format!(
                            "workspace {} -> {} ({rel} [workspace.package]{who})",
                            e.old, e.new
                        ),
                    );
                }
                Location::Requirement { table, dependency } => progress.status(
                    "Updating",
                    format!(
                        "{dependency} requirement {} -> {} ({rel} [{table}])",
                        e.old, e.new
                    ),
                ),
            }
        }
    }
}

/// Runs the API comparison for the bumped packages and refuses a release below what their
/// changes need. Returns the exit code: pass, or refused (nothing written).
fn gate(
    args: &BumpArgs,
    ws: &Workspace,
    layout: &Layout,
    scope: &Scope,
    packages: &BTreeMap<String, (Version, NewVersion)>,
    progress: &Progress,
) -> Result<i32> {
    // Publishable libraries among the bumped packages (unpublished ones only when named with -p,
    // or when nothing publishable moves, as for a single `publish = false` crate).
    let member_names: Vec<String> = layout.members.iter().map(|m| m.name.clone()).collect();
    let excluded = crate::resolve::workspace::expand_specs(&member_names, &args.compare.exclude)?;
    let candidates: Vec<&Member> = scope
        .packages
        .keys()
        .filter_map(|name| layout.member(name))
        .filter(|m| m.has_lib && !excluded.contains(&m.name))
        .collect();
    let any_publishable = candidates.iter().any(|m| m.publishable);
    let checked: Vec<String> = candidates
        .iter()
        .filter(|m| m.publishable || !any_publishable || scope.named.contains(&m.name))
        .map(|m| m.name.clone())
        .collect();
    if checked.is_empty() {
        progress.note(
            "none of the bumped packages is a library to check; writing without the API gate",
        );
        return Ok(EXIT_PASS);
    }
    let mut compare_args: CompareArgs = args.compare.clone();
    compare_args.package = checked;
    compare_args.workspace = false;
    compare_args.exclude.clear();
    // a crate never released has nothing to compare with: a first release, not an error; any
    // other failure stops the bump (a tool error must never look like a pass, even with
    // --allow-insufficient, which only overrides a refusal)
    let report: Report = crate::commands::compare::compare(&compare_args, None, progress)
        .context("cannot check the API changes the new version must cover; nothing was written")?;
    // patch releases only from release branches, where the project names them
    let mut off_branch = Vec::new();
    let mut branch = None;
    for p in &report.packages {
        let (Some(baseline), Some(release)) = (
            &p.baseline.version,
            packages.get(&p.name).and_then(|(_, n)| n.release.as_ref()),
        ) else {
            continue;
        };
        let config = ws.config_of(Some(&p.name))?;
        let Some(patterns) = config.release_branches.as_deref() else {
            continue;
        };
        if branch.is_none() {
            let root = ws.repo.as_ref().map(|r| r.root.as_path());
            branch = Some(crate::resolve::workspace::release_branch(
                root,
                args.branch.as_deref(),
            )?);
        }
        if let Some(why) = crate::resolve::workspace::patch_off_release_branch(
            Some(patterns),
            branch.as_ref().and_then(|b| b.as_deref()),
            baseline,
            release,
        )? {
            off_branch.push(format!("`{}` [patch-off-release-branch]: {why}", p.name));
        }
    }
    if !off_branch.is_empty() {
        progress.error(format!(
            "this release is not made from a release branch:\n  {}\nnothing was written",
            off_branch.join("\n  ")
        ));
        return Ok(EXIT_REFUSED);
    }

    let mut short = Vec::new();
    for p in &report.packages {
        let Some(baseline) = &p.baseline.version else {
            continue;
        }; // first release
        let Some(release) = packages.get(&p.name).and_then(|(_, n)| n.release.as_ref()) else {
            continue;
        };
        // the same decision `check` makes: one implementation of the gate
        let decision = crate::gate::decide(baseline, Some(release), &p.findings);
        if decision.verdict != crate::gate::Verdict::Fail {
            if !baseline.pre.is_empty() && release_of(release) < release_of(&p.minimum_version) {
                // a pre-release baseline promises nothing: `check` passes such a release
                progress.warn(format!(
                    "{} {release} is below the {} its changes would need after a release, but the baseline {baseline} is a pre-release",
                    p.name, p.minimum_version
                ));
            }
            continue;
        }
        let counts: Vec<String> = [(Class::Breaking, "breaking"), (Class::Additive, "additive")]
            .into_iter()
            .map(|(class, word)| (p.count(class), word))
            .filter(|(n, _)| *n > 0)
            .map(|(n, word)| format!("{n} {word}"))
            .collect();
        let why = if counts.is_empty() {
            format!("no API change, but a release must come after the baseline {baseline}")
        } else {
            format!(
                "{} change since {baseline}: {} finding(s)",
                p.change.as_str(),
                counts.join(", ")
            )
        };
        short.push(format!(
            "`{}` needs at least {} ({why}), but this bump releases {release}",
            p.name, p.minimum_version
        ));
    }
    if short.is_empty() {
        return Ok(EXIT_PASS);
    }
    let level = report.required_bump.as_str();
    if args.allow_insufficient {
        for line in &short {
            progress.warn(format!(
                "{line}; writing it anyway because of --allow-insufficient"
            ));
        }
        return Ok(EXIT_PASS);
    }
    progress.error(format!(
        "the version bump is too small for the API changes:\n  {}\nhelp: `semgate bump {level}` is large enough; `semgate check` lists the findings; --allow-insufficient writes this version anyway\nnothing was written",
        short.join("\n  ")
    ));
    Ok(EXIT_REFUSED)
}

/// Updates Cargo.lock for the new versions of the workspace's own packages. Failure is a
/// warning, not an error: by then the manifests are written and consistent, the lockfile is
/// derived data that cargo refreshes on the next build anyway, and exiting with "semgate could
/// not decide" would invite CI to run the bump again, moving the version a second time.
fn refresh_lockfile(root: &Path, progress: &Progress) -> Result<()> {
    if !root.join("Cargo.lock").is_file() {
        return Ok(());
    }
    progress.status("Updating", "Cargo.lock (workspace packages only)");
    let mut last = String::new();
    for offline in [true, false] {
        let program = std::env::var_os("CARGO")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(program);
        cmd.args([
            "update",
            "--workspace",
            "--color",
            "never",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .current_dir(root);
        if offline {
            cmd.arg("--offline");
        }
        match crate::interrupt::run(&mut cmd) {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => last = String::from_utf8_lossy(&out.stderr).trim().to_string(),
            Err(e) if crate::interrupt::is_interrupted_error(&e) => return Err(e),
            Err(e) => last = format!("{e:#}"),
        }
    }
    progress.warn(format!(
        "the manifests are updated, but refreshing Cargo.lock failed; run `cargo update --workspace` before building with --locked. cargo said:\n{last}"
    ));
    Ok(())
}
