//! Release versioning: `semgate version` and `semgate bump`.
//!
//! Three layers, top to bottom:
//! - **version arithmetic** ([`Target`], [`next_version`], [`dev_after`], [`shared_version`],
//!   [`metadata_for`]): pure functions of versions;
//! - **manifest editing** ([`manifest_edits`], [`rewrite_requirement`], [`apply_edits`]): pure
//!   too, TOML text in and byte-range replacements of string literals out, so every byte outside
//!   the changed values (comments, spacing, quoting, key order) stays as it was;
//! - **the commands** ([`version_command`], [`bump_command`]): read the workspace, run the API
//!   gate, write the manifests and refresh Cargo.lock. Only this layer touches the disk or runs
//!   processes.
//!
//! `bump` is the one command that writes to the user's repository (that is its job): it writes
//! nothing when the gate refuses, when anything fails before writing, or with `--dry-run`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use semver::{BuildMetadata, Prerelease, Version, VersionReq};

use crate::build::{self, Workspace};
use crate::bump::{apply, release_of, Level};
use crate::cli::{BumpArgs, CompareArgs, VersionArgs};
use crate::progress::Progress;
use crate::report::Report;
use crate::rules::Class;
use crate::run::{EXIT_PASS, EXIT_REFUSED};

// ---------------------------------------------------------------------------------------------
// Version arithmetic (pure)
// ---------------------------------------------------------------------------------------------

/// What `semgate bump` was asked for: a level, `release` (drop the pre-release) or a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Level(Level),
    Release,
    Version(Version),
}

impl std::str::FromStr for Target {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Target> {
        match s {
            "major" => Ok(Target::Level(Level::Major)),
            "minor" => Ok(Target::Level(Level::Minor)),
            "patch" => Ok(Target::Level(Level::Patch)),
            "release" => Ok(Target::Release),
            other => Version::parse(other).map(Target::Version).map_err(|e| {
                let hint = match other.strip_prefix('v').map(Version::parse) {
                    Some(Ok(v)) => format!("write the version without the `v`: {v}"),
                    _ => {
                        "pass major, minor, patch, release, or a version such as 1.4.0".to_string()
                    }
                };
                anyhow!("`{other}` is neither a bump level nor a version ({e})\nhelp: {hint}")
            }),
        }
    }
}

/// A package's next version: the release it makes (`None` for `--dev` or `--metadata` alone,
/// which make no release) and the version written to the manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub release: Option<Version>,
    pub written: Version,
}

/// The next version after `current`.
///
/// A level follows release tools ([`apply`]): the pre-release and build metadata go, and a
/// `-dev` version is released at its own number by `patch` (`1.2.3-dev` -> `1.2.3`, `minor` ->
/// `1.3.0`, `major` -> `2.0.0`). `release` only drops the pre-release. An explicit version must
/// not be older than `current`. `dev` then moves to the next development version, and
/// `metadata` stamps the result.
pub fn next_version(
    current: &Version,
    target: Option<&Target>,
    dev: bool,
    metadata: Option<&BuildMetadata>,
) -> Result<NewVersion> {
    let release = match target {
        None => None,
        Some(Target::Level(level)) => Some(apply(*level, current)),
        Some(Target::Release) => {
            if current.pre.is_empty() {
                bail!(
                    "{current} is not a pre-release, so `release` has nothing to drop\nhelp: bump a level instead, e.g. `semgate bump patch` makes {}",
                    apply(Level::Patch, current)
                );
            }
            Some(release_of(current))
        }
        Some(Target::Version(v)) => {
            if v.cmp_precedence(current) == Ordering::Less {
                bail!(
                    "{v} is older than the current version {current}; a bump cannot go backwards"
                );
            }
            Some(v.clone())
        }
    };
    if release.is_none() && !dev && metadata.is_none() {
        bail!("nothing to bump\nhelp: name a level (major, minor, patch), `release`, or a version, or pass --dev or --metadata");
    }
    let mut written = match (&release, dev) {
        (Some(r), true) => dev_after(r),
        (None, true) => dev_after(current),
        (Some(r), false) => r.clone(),
        // --metadata alone re-stamps the current version
        (None, false) => current.clone(),
    };
    if let Some(m) = metadata {
        written.build = m.clone();
    }
    Ok(NewVersion { release, written })
}

/// The development version after `v`'s release: `X.Y.(Z+1)-dev` (`0.5.0` -> `0.5.1-dev`,
/// `1.2.3-dev` -> `1.2.4-dev`).
pub fn dev_after(v: &Version) -> Version {
    Version {
        major: v.major,
        minor: v.minor,
        patch: v.patch + 1,
        pre: Prerelease::new("dev").expect("valid pre-release"),
        build: BuildMetadata::EMPTY,
    }
}

/// Build metadata `<shorthash>.<YYYY-MM-DD>`.
pub fn metadata_for(short_hash: &str, date: &str) -> Result<BuildMetadata> {
    BuildMetadata::new(&format!("{short_hash}.{date}"))
        .map_err(|e| anyhow!("`{short_hash}.{date}` is not valid build metadata: {e}"))
}

/// `YYYY-MM-DD` (UTC) of a Unix time in seconds (proleptic Gregorian calendar).
pub fn utc_date(unix_secs: u64) -> String {
    // Howard Hinnant's days_from_civil inverse, on days since 1970-01-01.
    let z = (unix_secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The one version of a workspace: `reference` (its `[workspace.package] version`) if given,
/// else the version every package has. `Err` lists the versions and the packages at each,
/// the reference first, when they differ.
pub fn shared_version(
    reference: Option<&Version>,
    packages: &[(String, Version)],
) -> Result<Version, Vec<String>> {
    let mut versions: Vec<&Version> = reference
        .into_iter()
        .chain(packages.iter().map(|(_, v)| v))
        .collect();
    versions.dedup();
    let first = versions.first().copied();
    if let Some(v) = first.filter(|f| versions.iter().all(|v| v == f)) {
        return Ok(v.clone());
    }
    let mut groups: BTreeMap<&Version, Vec<&str>> = BTreeMap::new();
    for (name, v) in packages {
        groups.entry(v).or_default().push(name);
    }
    let mut lines = Vec::new();
    if let Some(r) = reference {
        let names = groups.remove(r).unwrap_or_default();
        let mut line = format!("{r}: the workspace version ([workspace.package])");
        if !names.is_empty() {
            line.push_str(&format!(", {}", names.join(", ")));
        }
        lines.push(line);
    }
    for (v, names) in groups {
        lines.push(format!("{v}: {}", names.join(", ")));
    }
    Err(lines)
}

// ---------------------------------------------------------------------------------------------
// Manifest editing (pure)
// ---------------------------------------------------------------------------------------------

/// A dependency requirement on a bumped package, rewritten for its new version with the
/// operator kept (`=0.4.1` -> `=0.5.0`, `0.4.1-dev` -> `0.5.0`). Build metadata is left out
/// (cargo ignores it in requirements and warns). A requirement that cannot be carried over
/// (`<`, `>`, ranges, wildcards) is kept when the new version satisfies it, else an error.
pub fn rewrite_requirement(req: &str, new: &Version) -> Result<String> {
    let mut target = new.clone();
    target.build = BuildMetadata::EMPTY;
    let trimmed = req.trim();
    let parsed = VersionReq::parse(trimmed)
        .with_context(|| format!("the requirement `{req}` is not a valid version requirement"))?;
    let digits = trimmed.find(|c: char| c.is_ascii_digit());
    let single =
        parsed.comparators.len() == 1 && !trimmed.contains('*') && !trimmed.contains(['x', 'X']);
    if let (true, Some(at)) = (single, digits) {
        let operator = &trimmed[..at];
        if matches!(operator.trim(), "" | "=" | "^" | "~" | ">=") {
            return Ok(format!("{operator}{target}"));
        }
    }
    if parsed.matches(&target) {
        return Ok(req.to_string());
    }
    bail!("the requirement `{req}` does not allow {target} and cannot be rewritten for it; write it as a single version (e.g. \"{target}\")")
}

/// Where a version string sits in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `[package] version`
    Package,
    /// `[workspace.package] version`
    Workspace,
    /// the `version` requirement of `dependency` in `table` (e.g. `dev-dependencies`,
    /// `target.'cfg(unix)'.dependencies`, `workspace.dependencies`)
    Requirement { table: String, dependency: String },
}

/// One replaced string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// byte range of the literal, quotes included
    pub span: Range<usize>,
    /// what replaces it, quotes included
    pub literal: String,
    pub location: Location,
    pub old: String,
    pub new: String,
}

/// What to change in one manifest.
pub struct Changes<'a> {
    /// the new `[package] version` (when the package is bumped and writes its own version)
    pub package: Option<&'a Version>,
    /// the new `[workspace.package] version`
    pub workspace: Option<&'a Version>,
    /// the new version of the bumped workspace package that a dependency's `path` (as written)
    /// points at, if any
    pub dependency: &'a dyn Fn(&str) -> Option<Version>,
}

const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
];

/// The edits `changes` make to the manifest `text`, in document order.
pub fn manifest_edits(text: &str, changes: &Changes<'_>) -> Result<Vec<Edit>> {
    let doc = toml_edit::ImDocument::parse(text).context("the manifest is not valid TOML")?;
    let root = doc.as_table();
    let mut edits = Vec::new();
    fn package_version(table: Option<&toml_edit::Item>) -> Option<&toml_edit::Value> {
        table
            .and_then(|p| p.get("version"))
            .and_then(toml_edit::Item::as_value)
    }
    if let Some(new) = changes.package {
        let value = package_version(root.get("package"))
            .filter(|v| v.is_str())
            .ok_or_else(|| anyhow!("`[package] version` is not a version string"))?;
        edits.push(literal_edit(
            text,
            value,
            Location::Package,
            &new.to_string(),
        )?);
    }
    if let Some(new) = changes.workspace {
        let value = package_version(root.get("workspace").and_then(|w| w.get("package")))
            .filter(|v| v.is_str())
            .ok_or_else(|| anyhow!("`[workspace.package] version` is not a version string"))?;
        edits.push(literal_edit(
            text,
            value,
            Location::Workspace,
            &new.to_string(),
        )?);
    }
    let mut tables: Vec<(String, &dyn toml_edit::TableLike)> = Vec::new();
    for key in DEPENDENCY_TABLES {
        if let Some(t) = root.get(key).and_then(toml_edit::Item::as_table_like) {
            tables.push((key.to_string(), t));
        }
    }
    if let Some(targets) = root.get("target").and_then(toml_edit::Item::as_table_like) {
        for (cfg, platform) in targets.iter() {
            for key in DEPENDENCY_TABLES {
                if let Some(t) = platform.get(key).and_then(toml_edit::Item::as_table_like) {
                    tables.push((format!("target.{cfg}.{key}"), t));
                }
            }
        }
    }
    if let Some(t) = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml_edit::Item::as_table_like)
    {
        tables.push(("workspace.dependencies".to_string(), t));
    }
    for (table, deps) in tables {
        for (name, dep) in deps.iter() {
            let Some(dep) = dep.as_table_like() else {
                continue;
            }; // "1.0": a registry dependency
            let Some(path) = dep.get("path").and_then(toml_edit::Item::as_str) else {
                continue;
            };
            let Some(new) = (changes.dependency)(path) else {
                continue;
            };
            let Some(value) = dep
                .get("version")
                .and_then(toml_edit::Item::as_value)
                .filter(|v| v.is_str())
            else {
                continue; // path-only: nothing to keep in step
            };
            let old = value.as_str().unwrap_or_default();
            let rewritten = rewrite_requirement(old, &new)
                .with_context(|| format!("cannot update the `{name}` entry of [{table}]"))?;
            if rewritten != old {
                let location = Location::Requirement {
                    table: table.clone(),
                    dependency: name.to_string(),
                };
                edits.push(literal_edit(text, value, location, &rewritten)?);
            }
        }
    }
    edits.sort_by_key(|e| e.span.start);
    Ok(edits)
}

/// Replaces a string literal, keeping its quote style.
fn literal_edit(
    text: &str,
    value: &toml_edit::Value,
    location: Location,
    new: &str,
) -> Result<Edit> {
    let span = value
        .span()
        .ok_or_else(|| anyhow!("internal error: no source position for a manifest value"))?;
    let raw = &text[span.clone()];
    let literal = if raw.starts_with('\'') && !raw.starts_with("'''") {
        format!("'{new}'")
    } else {
        format!("\"{new}\"")
    };
    Ok(Edit {
        span,
        literal,
        location,
        old: value.as_str().unwrap_or_default().to_string(),
        new: new.to_string(),
    })
}

/// `text` with the edits applied; every other byte is kept.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        assert!(e.span.start >= at, "overlapping manifest edits");
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.literal);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

// ---------------------------------------------------------------------------------------------
// The commands (IO)
// ---------------------------------------------------------------------------------------------

/// `semgate version`: prints the workspace's one version; exit 1 listing the packages that differ.
pub fn version_command(args: &VersionArgs, progress: &Progress) -> Result<i32> {
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let layout = Layout::read(&ws)?;
    match layout.shared() {
        Ok(v) => {
            crate::report::emit(&format!("{v}\n"))?;
            Ok(EXIT_PASS)
        }
        Err(lines) => {
            progress.error(format!(
                "the workspace's packages do not share one version:\n  {}\nhelp: `semgate bump` writes one version to every manifest; an independently versioned workspace has no single version (read each package's own)",
                lines.join("\n  ")
            ));
            Ok(EXIT_REFUSED)
        }
    }
}

/// `semgate bump`: writes the new version to every manifest that holds it.
pub fn bump_command(args: &BumpArgs, progress: &Progress) -> Result<i32> {
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
        crate::report::emit(&format!(
            "{}\n",
            written.into_iter().next().expect("one version")
        ))?;
    } else {
        for (name, (_, n)) in &packages {
            crate::report::emit(&format!("{name} {}\n", n.written))?;
        }
    }
    Ok(EXIT_PASS)
}

/// `+<short HEAD hash>.<today, UTC>`.
fn build_metadata(root: &Path) -> Result<BuildMetadata> {
    let hash = build::short_head(root)?.ok_or_else(|| {
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
struct Layout {
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
    fn read(ws: &Workspace) -> Result<Layout> {
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
                .map(build::canonical)
                .unwrap_or_else(|| root.clone());
            members.push(Member {
                name: pkg.name.to_string(),
                version: pkg.version.clone(),
                inherits,
                literal,
                publishable: crate::workspace::is_publishable(ws, &pkg.name),
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

    fn shared(&self) -> Result<Version, Vec<String>> {
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
        let named = crate::workspace::expand_specs(&names, &args.package)?;
        crate::workspace::expand_specs(&names, &args.exclude)?;
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
            if build::canonical(&m.manifest) == build::canonical(&self.root_manifest) {
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
                let target = build::canonical(&dir.join(rel));
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
    let excluded = crate::workspace::expand_specs(&member_names, &args.compare.exclude)?;
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
    let report: Report = crate::run::compare(&compare_args, None, progress)
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
            branch = Some(crate::workspace::release_branch(
                root,
                args.branch.as_deref(),
            )?);
        }
        if let Some(why) = crate::workspace::patch_off_release_branch(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn next(current: &str, target: Option<&str>, dev: bool) -> Result<Version> {
        let target = target.map(|t| t.parse::<Target>().unwrap());
        next_version(&v(current), target.as_ref(), dev, None).map(|n| n.written)
    }

    #[test]
    fn levels_release_a_dev_version() {
        assert_eq!(next("1.2.3-dev", Some("patch"), false).unwrap(), v("1.2.3"));
        assert_eq!(next("1.2.3-dev", Some("minor"), false).unwrap(), v("1.3.0"));
        assert_eq!(next("1.2.3-dev", Some("major"), false).unwrap(), v("2.0.0"));
        assert_eq!(next("0.4.1-dev", Some("minor"), false).unwrap(), v("0.5.0"));
        assert_eq!(next("1.2.3", Some("patch"), false).unwrap(), v("1.2.4"));
        assert_eq!(next("1.2.3", Some("minor"), false).unwrap(), v("1.3.0"));
        assert_eq!(next("1.2.3", Some("major"), false).unwrap(), v("2.0.0"));
    }

    #[test]
    fn build_metadata_is_dropped_on_bump() {
        assert_eq!(
            next("0.4.1-dev+abc1234.2026-11-20", Some("patch"), false).unwrap(),
            v("0.4.1")
        );
        assert_eq!(
            next("0.4.1-dev+abc1234.2026-11-20", Some("minor"), false).unwrap(),
            v("0.5.0")
        );
        assert_eq!(next("1.2.3+abc", Some("patch"), false).unwrap(), v("1.2.4"));
        assert_eq!(
            next("1.2.3-dev+abc", Some("release"), false).unwrap(),
            v("1.2.3")
        );
        assert_eq!(next("0.4.1-dev+abc", None, true).unwrap(), v("0.4.2-dev"));
    }

    #[test]
    fn release_drops_the_prerelease_only() {
        assert_eq!(
            next("1.2.3-dev", Some("release"), false).unwrap(),
            v("1.2.3")
        );
        assert_eq!(
            next("2.0.0-rc.1", Some("release"), false).unwrap(),
            v("2.0.0")
        );
        let err = next("1.2.3", Some("release"), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("1.2.3 is not a pre-release"), "{err}");
        assert!(err.contains("`semgate bump patch` makes 1.2.4"), "{err}");
    }

    #[test]
    fn dev_alone_and_after_a_level() {
        assert_eq!(next("0.5.0", None, true).unwrap(), v("0.5.1-dev"));
        assert_eq!(next("1.2.3-dev", None, true).unwrap(), v("1.2.4-dev"));
        assert_eq!(
            next("1.2.3-dev", Some("minor"), true).unwrap(),
            v("1.3.1-dev")
        );
        assert_eq!(
            next("1.2.3-dev", Some("patch"), true).unwrap(),
            v("1.2.4-dev")
        );
        let n = next_version(
            &v("1.2.3-dev"),
            Some(&Target::Level(Level::Minor)),
            true,
            None,
        )
        .unwrap();
        assert_eq!(
            n.release,
            Some(v("1.3.0")),
            "the gate judges the release, not the dev version"
        );
        assert_eq!(
            next_version(&v("0.5.0"), None, true, None).unwrap().release,
            None
        );
    }

    #[test]
    fn explicit_versions_and_metadata() {
        assert_eq!(next("1.2.3-dev", Some("1.4.0"), false).unwrap(), v("1.4.0"));
        assert_eq!(
            next("1.2.3-dev", Some("2.0.0-rc.1"), false).unwrap(),
            v("2.0.0-rc.1")
        );
        let err = next("1.2.4-dev", Some("1.2.3"), false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("older than the current version 1.2.4-dev"),
            "{err}"
        );
        let meta = metadata_for("abc1234", "2026-11-22").unwrap();
        let n = next_version(
            &v("1.2.3-dev"),
            Some(&Target::Level(Level::Patch)),
            true,
            Some(&meta),
        )
        .unwrap();
        assert_eq!(n.written, v("1.2.4-dev+abc1234.2026-11-22"));
        let n = next_version(&v("1.2.3-dev+old.2026-01-01"), None, false, Some(&meta)).unwrap();
        assert_eq!(
            n.written,
            v("1.2.3-dev+abc1234.2026-11-22"),
            "--metadata alone re-stamps"
        );
        assert!(next("1.2.3", None, false)
            .unwrap_err()
            .to_string()
            .contains("nothing to bump"));
    }

    #[test]
    fn targets_parse() {
        assert_eq!(
            "minor".parse::<Target>().unwrap(),
            Target::Level(Level::Minor)
        );
        assert_eq!("release".parse::<Target>().unwrap(), Target::Release);
        assert_eq!(
            "1.0.0".parse::<Target>().unwrap(),
            Target::Version(v("1.0.0"))
        );
        let err = "v1.0.0".parse::<Target>().unwrap_err().to_string();
        assert!(err.contains("without the `v`: 1.0.0"), "{err}");
        assert!("huge"
            .parse::<Target>()
            .unwrap_err()
            .to_string()
            .contains("major, minor, patch, release"));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_709_164_800 + 86_399), "2024-02-29");
        assert_eq!(utc_date(1_798_761_600), "2027-01-01");
    }

    #[test]
    fn one_shared_version_or_the_differences() {
        let pk = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(n, s)| (n.to_string(), v(s)))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shared_version(None, &pk(&[("a", "1.0.0"), ("b", "1.0.0")])),
            Ok(v("1.0.0"))
        );
        assert_eq!(
            shared_version(Some(&v("0.5.1-dev")), &[]),
            Ok(v("0.5.1-dev"))
        );
        assert_eq!(
            shared_version(
                Some(&v("0.5.1-dev")),
                &pk(&[("a", "0.5.1-dev"), ("b", "0.6.0"), ("c", "0.5.1-dev")])
            ),
            Err(vec![
                "0.5.1-dev: the workspace version ([workspace.package]), a, c".to_string(),
                "0.6.0: b".to_string()
            ])
        );
        assert_eq!(
            shared_version(None, &pk(&[("app", "0.1.0"), ("core", "0.2.0")])),
            Err(vec!["0.1.0: app".to_string(), "0.2.0: core".to_string()])
        );
    }

    #[test]
    fn requirements_keep_their_operator() {
        let new = v("0.5.0");
        assert_eq!(rewrite_requirement("0.4.1-dev", &new).unwrap(), "0.5.0");
        assert_eq!(rewrite_requirement("=0.4.1", &new).unwrap(), "=0.5.0");
        assert_eq!(rewrite_requirement("= 0.4.1", &new).unwrap(), "= 0.5.0");
        assert_eq!(rewrite_requirement("^0.4", &new).unwrap(), "^0.5.0");
        assert_eq!(rewrite_requirement("~0.4.1", &new).unwrap(), "~0.5.0");
        assert_eq!(rewrite_requirement(">=0.4.1", &new).unwrap(), ">=0.5.0");
        assert_eq!(
            rewrite_requirement("0.5.0", &v("0.5.1-dev+abc.2026-01-01")).unwrap(),
            "0.5.1-dev"
        );
        assert_eq!(
            rewrite_requirement(">=0.4, <0.6", &new).unwrap(),
            ">=0.4, <0.6",
            "still satisfied: kept"
        );
        assert_eq!(rewrite_requirement("0.*", &new).unwrap(), "0.*");
        let err = rewrite_requirement(">=0.3, <0.5", &new)
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not allow 0.5.0"), "{err}");
    }

    const ROOT: &str = r#"# the workspace
[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.4.1-dev+abc.2026-11-20"  # moved by CI
edition = "2021"

[workspace.dependencies]
core = { path = "crates/core", version = "0.4.1-dev" }
serde = "1"
"#;

    const MEMBER: &str = r#"[package]
name = 'app'
version = '0.4.1-dev'   # own version
edition.workspace = true

[dependencies]
core = { workspace = true }
mid = { path = "../mid", version = "=0.4.1-dev" }
other = { path = "../other", version = "0.1.0" }
anyhow = "1"

[dev-dependencies.core-alias]
package = "core"
path = "../core"
version = "0.4.1-dev" # dev only

[target.'cfg(unix)'.build-dependencies]
mid = { version = "0.4.1-dev", path = "../mid" }
"#;

    fn bumped(path: &str) -> Option<Version> {
        matches!(path, "crates/core" | "../core" | "../mid").then(|| v("0.5.0"))
    }

    #[test]
    fn workspace_manifest_edits_keep_every_other_byte() {
        let new = v("0.5.0");
        let changes = Changes {
            package: None,
            workspace: Some(&new),
            dependency: &bumped,
        };
        let edits = manifest_edits(ROOT, &changes).unwrap();
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[0].location, Location::Workspace);
        assert_eq!(edits[0].old, "0.4.1-dev+abc.2026-11-20");
        assert_eq!(
            apply_edits(ROOT, &edits),
            ROOT.replace("\"0.4.1-dev+abc.2026-11-20\"", "\"0.5.0\"")
                .replace("\"0.4.1-dev\"", "\"0.5.0\"")
        );
    }

    #[test]
    fn member_manifest_edits_every_dependency_table() {
        let new = v("0.5.0");
        let changes = Changes {
            package: Some(&new),
            workspace: None,
            dependency: &bumped,
        };
        let edits = manifest_edits(MEMBER, &changes).unwrap();
        let locations: Vec<String> = edits
            .iter()
            .map(|e| match &e.location {
                Location::Requirement { table, dependency } => format!("{table}.{dependency}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            locations,
            [
                "Package",
                "dependencies.mid",
                "dev-dependencies.core-alias",
                "target.cfg(unix).build-dependencies.mid"
            ]
        );
        let expected = MEMBER
            .replace("'0.4.1-dev'", "'0.5.0'")
            .replace("\"=0.4.1-dev\"", "\"=0.5.0\"")
            .replace("\"0.4.1-dev\"", "\"0.5.0\"");
        assert_eq!(apply_edits(MEMBER, &edits), expected);
    }

    #[test]
    fn inherited_and_unrelated_manifests_are_not_touched() {
        let text = "[package]\nname = \"core\"\nversion.workspace = true\n\n[dependencies]\nother = { path = \"../other\", version = \"0.1\" }\n";
        let changes = Changes {
            package: None,
            workspace: None,
            dependency: &bumped,
        };
        assert!(manifest_edits(text, &changes).unwrap().is_empty());
        let new = v("0.5.0");
        let changes = Changes {
            package: Some(&new),
            workspace: None,
            dependency: &bumped,
        };
        assert!(manifest_edits(text, &changes)
            .unwrap_err()
            .to_string()
            .contains("not a version string"));
    }
}
