//! What the repository knows about earlier releases: release tags, the packages that exist at
//! a tagged commit, and the repository's state (HEAD, shallow, uncommitted changes). Read once
//! per run and shared by every member, so that all members of a workspace see the same tags
//! and the same rules pick their baselines: a bare `v1.2.3` tag names the same commit for every
//! member, whatever one member's directory looks like.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Result};

use super::{self as git, RawTag};

/// A release tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub version: semver::Version,
    /// The tagged commit (annotated tags peeled).
    pub commit: String,
}

/// How tag names map to versions for one package.
pub(crate) struct TagMatcher {
    /// (prefix, suffix, per-crate) around the version.
    shapes: Vec<(String, String, bool)>,
}

impl TagMatcher {
    pub(crate) fn new(package: &str, pattern: Option<&str>) -> Result<TagMatcher> {
        if let Some(pattern) = pattern {
            let expanded = pattern.replace("{name}", package);
            let Some((prefix, suffix)) = expanded.split_once("{version}") else {
                bail!("tag pattern `{pattern}` has no `{{version}}` placeholder; write it like `release-{{version}}` or `{{name}}-v{{version}}`");
            };
            if suffix.contains("{version}") {
                bail!("tag pattern `{pattern}` contains `{{version}}` more than once");
            }
            return Ok(TagMatcher {
                shapes: vec![(prefix.to_string(), suffix.to_string(), true)],
            });
        }
        let per_crate = ["-v", "@", "-", "/v"]
            .iter()
            .map(|sep| (format!("{package}{sep}"), String::new(), true));
        let bare = ["v", ""]
            .iter()
            .map(|p| (p.to_string(), String::new(), false));
        Ok(TagMatcher {
            shapes: per_crate.chain(bare).collect(),
        })
    }

    /// The version a tag names, and whether it is a per-crate tag.
    pub(crate) fn parse(&self, tag: &str) -> Option<(semver::Version, bool)> {
        self.shapes.iter().find_map(|(prefix, suffix, per_crate)| {
            let middle = tag
                .strip_prefix(prefix.as_str())?
                .strip_suffix(suffix.as_str())?;
            semver::Version::parse(middle).ok().map(|v| (v, *per_crate))
        })
    }

    /// The shape a tag has, as a pattern with `{version}` (and `{name}` for per-crate shapes),
    /// e.g. `{name}-v{version}` for `core-v1.2.3`.
    pub(crate) fn pattern_of(&self, tag: &str, package: &str) -> Option<String> {
        self.shapes.iter().find_map(|(prefix, suffix, _)| {
            let middle = tag
                .strip_prefix(prefix.as_str())?
                .strip_suffix(suffix.as_str())?;
            semver::Version::parse(middle).ok()?;
            let prefix = match prefix.strip_prefix(package) {
                Some(rest) => format!("{{name}}{rest}"),
                None => prefix.clone(),
            };
            Some(format!("{prefix}{{version}}{suffix}"))
        })
    }

    /// Human list of the shapes, instantiated with an example version.
    pub(crate) fn describe(&self) -> Vec<String> {
        self.shapes
            .iter()
            .map(|(p, s, _)| format!("{p}1.2.3{s}"))
            .collect()
    }
}

/// The tag shapes looked for (with an example version), for messages and `--help`.
pub fn baseline_tag_shapes(package: &str, pattern: Option<&str>) -> Result<Vec<String>> {
    Ok(TagMatcher::new(package, pattern)?.describe())
}

/// The shape (`{name}-v{version}`, `v{version}`, ...) of the newest release tag of `package`
/// among `tags`, if it has any.
pub(crate) fn tag_shape_in_use(tags: &[RawTag], package: &str) -> Option<String> {
    let matcher = TagMatcher::new(package, None).ok()?;
    let mut found: Vec<(semver::Version, bool, String)> = tags
        .iter()
        .filter_map(|t| {
            let (v, per_crate) = matcher.parse(&t.name)?;
            Some((v, per_crate, matcher.pattern_of(&t.name, package)?))
        })
        .collect();
    // per-crate shapes first (they are the package's own), then the newest
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp_precedence(&a.0)));
    found.into_iter().next().map(|(_, _, shape)| shape)
}

/// A tag name from a shape: `{name}` and `{version}` filled in.
pub fn tag_name(shape: &str, package: &str, version: &semver::Version) -> String {
    shape
        .replace("{name}", package)
        .replace("{version}", &version.to_string())
}

/// Two versions are the same release when they differ at most in build metadata (semver gives
/// metadata no precedence, and cargo treats such versions as one).
pub fn same_version(a: &semver::Version, b: &semver::Version) -> bool {
    a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.pre == b.pre
}

/// The git repository around a workspace, read once per run.
#[derive(Debug)]
pub struct Repo {
    /// Top level of the work tree (canonical).
    pub root: PathBuf,
    /// The commit HEAD points at; `None` before the first commit.
    pub head: Option<String>,
    /// A shallow clone (CI): tags and history may be missing.
    pub shallow: bool,
    /// Paths (relative to `root`) with uncommitted or untracked changes.
    changed: Vec<PathBuf>,
    merged_tags: Mutex<Option<Arc<Vec<RawTag>>>>,
    all_tags: Mutex<Option<Arc<Vec<RawTag>>>>,
    /// commit -> package name -> manifest path in that commit's tree
    packages_at: Mutex<HashMap<String, Arc<BTreeMap<String, String>>>>,
}

impl Repo {
    /// The repository around `dir`; `None` outside a git work tree (or without git). Only
    /// changes under `dir` are read (a workspace in a large monorepo need not stat the rest).
    pub(crate) fn discover(dir: &Path) -> Result<Option<Repo>> {
        let Some(root) = git::toplevel(dir)? else {
            return Ok(None);
        };
        let root = super::canonical(&root);
        let scope = super::canonical(dir)
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let head = git::head(&root)?;
        let shallow = git::is_shallow(&root);
        let changed = git::changed_paths(&root, &scope)?;
        Ok(Some(Repo {
            root,
            head,
            shallow,
            changed,
            merged_tags: Mutex::new(None),
            all_tags: Mutex::new(None),
            packages_at: Mutex::new(HashMap::new()),
        }))
    }

    /// Whether anything under `rel` (relative to the root; empty = everything) has uncommitted
    /// or untracked changes.
    pub fn is_dirty_under(&self, rel: &Path) -> bool {
        self.changed.iter().any(|p| p.starts_with(rel))
    }

    /// Tags whose commit is HEAD or one of its ancestors.
    pub(crate) fn merged_tags(&self) -> Result<Arc<Vec<RawTag>>> {
        cached(&self.merged_tags, || git::merged_tags(&self.root))
    }

    /// Every tag of the repository, on any branch.
    pub(crate) fn all_tags(&self) -> Result<Arc<Vec<RawTag>>> {
        cached(&self.all_tags, || git::all_tags(&self.root))
    }

    /// Whether a package named `name` exists anywhere in the tree of `commit` (any
    /// `Cargo.toml` whose `[package] name` is `name`): a member added since that commit is
    /// absent, which makes it a first release, not an error.
    pub fn has_package_at(&self, commit: &str, name: &str) -> Result<bool> {
        let packages = {
            let cache = self.packages_at.lock().unwrap_or_else(|p| p.into_inner());
            cache.get(commit).cloned()
        };
        let packages = match packages {
            Some(p) => p,
            None => {
                let found = Arc::new(git::packages_at(&self.root, commit)?);
                self.packages_at
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(commit.to_string(), Arc::clone(&found));
                found
            }
        };
        Ok(packages.contains_key(name))
    }

    /// The release tag of `package` at exactly `version` (build metadata ignored), on any
    /// branch, per-crate shapes first.
    pub fn release_tag_of(
        &self,
        package: &str,
        version: &semver::Version,
        pattern: Option<&str>,
    ) -> Result<Option<Tag>> {
        let matcher = TagMatcher::new(package, pattern)?;
        let mut found: Vec<(bool, Tag)> = self
            .all_tags()?
            .iter()
            .filter_map(|t| {
                let (v, per_crate) = matcher.parse(&t.name)?;
                same_version(&v, version).then(|| {
                    (
                        !per_crate,
                        Tag {
                            name: t.name.clone(),
                            version: v,
                            commit: t.commit.clone(),
                        },
                    )
                })
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        Ok(found.into_iter().next().map(|(_, t)| t))
    }

    /// The shape of `package`'s release tags in this repository (per-crate shapes first), if it
    /// has any: `semgate tag` keeps to it.
    pub fn tag_shape_of(&self, package: &str) -> Result<Option<String>> {
        Ok(tag_shape_in_use(&self.all_tags()?, package))
    }

    /// Whether `commit` is HEAD or an ancestor of it (among tagged commits).
    pub fn tag_reachable(&self, name: &str) -> Result<bool> {
        Ok(self.merged_tags()?.iter().any(|t| t.name == name))
    }

    /// Tags that hold a version but name no release of any of `members` in a shape semgate
    /// knows (`release-1.2.3` when no `--tag-pattern` says so): when nothing else matched,
    /// their presence means the project tags releases in a shape semgate cannot read.
    pub fn foreign_version_tags(
        &self,
        members: &[String],
        pattern: Option<&str>,
    ) -> Result<Vec<String>> {
        let matchers: Vec<TagMatcher> = members
            .iter()
            .map(|m| TagMatcher::new(m, pattern))
            .collect::<Result<_>>()?;
        let tags = self.all_tags()?;
        if tags
            .iter()
            .any(|t| matchers.iter().any(|m| m.parse(&t.name).is_some()))
        {
            return Ok(Vec::new());
        }
        Ok(tags
            .iter()
            .filter(|t| contains_version(&t.name))
            .map(|t| t.name.clone())
            .collect())
    }
}

fn cached<T>(slot: &Mutex<Option<Arc<T>>>, load: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(v) = slot.as_ref() {
        return Ok(Arc::clone(v));
    }
    let v = Arc::new(load()?);
    *slot = Some(Arc::clone(&v));
    Ok(v)
}

/// Whether `text` contains something shaped like a semver version (`1.2.3`).
fn contains_version(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        (i == 0 || !bytes[i - 1].is_ascii_digit())
            && semver::Version::parse(
                text[i..]
                    .split(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')
                    })
                    .next()
                    .unwrap_or(""),
            )
            .is_ok()
    })
}

/// What the tag scan saw, to explain an empty result.
#[derive(Debug, Default)]
pub struct TagScan {
    pub best: Option<Tag>,
    /// tags at HEAD naming the version being checked: HEAD *is* that release
    pub at_head: Vec<String>,
    pub prerelease: Vec<String>,
    pub newer: Vec<String>,
}

/// The newest release tag of `package` among `tags` (reachable from HEAD) that is an earlier
/// release than `current`:
/// - a tag at HEAD whose version is `current` (build metadata ignored) is the release being
///   checked, so the one before it is the baseline. Uncommitted changes do not change this:
///   the choice depends on versions and tags only, so every member of a shared-version
///   workspace makes the same choice whatever its own directory looks like;
/// - a tag newer than `current` cannot be an earlier release (another crate's numbering);
/// - per-crate shapes win over bare ones when the package has any;
/// - pre-releases count only with `include_prerelease`; "newest" is the highest version,
///   ties broken by commit date, then name.
pub fn scan_tags(
    tags: &[RawTag],
    head: &str,
    package: &str,
    current: &semver::Version,
    pattern: Option<&str>,
    include_prerelease: bool,
) -> Result<TagScan> {
    let matcher = TagMatcher::new(package, pattern)?;
    let mut scan = TagScan::default();
    // (tag, commit date, per-crate)
    let mut candidates: Vec<(Tag, i64, bool)> = Vec::new();
    for raw in tags {
        let Some((version, per_crate)) = matcher.parse(&raw.name) else {
            continue;
        };
        if !version.pre.is_empty() && !include_prerelease {
            scan.prerelease.push(raw.name.clone());
            continue;
        }
        if raw.commit == head && same_version(&version, current) {
            scan.at_head.push(raw.name.clone());
            continue;
        }
        if version.cmp_precedence(current) == std::cmp::Ordering::Greater {
            scan.newer.push(raw.name.clone());
            continue;
        }
        candidates.push((
            Tag {
                name: raw.name.clone(),
                version,
                commit: raw.commit.clone(),
            },
            raw.date,
            per_crate,
        ));
    }
    if candidates.iter().any(|c| c.2) {
        candidates.retain(|c| c.2);
    }
    scan.best = candidates
        .into_iter()
        .max_by(|a, b| {
            a.0.version
                .cmp_precedence(&b.0.version)
                .then(a.1.cmp(&b.1))
                .then_with(|| b.0.name.cmp(&a.0.name))
        })
        .map(|c| c.0);
    Ok(scan)
}

/// Reads `[package] name` of every manifest text, keyed by name (first path wins).
pub(crate) fn package_names<'a>(
    manifests: impl IntoIterator<Item = (String, &'a str)>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (path, text) in manifests {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        if let Some(name) = doc
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml_edit::Item::as_str)
        {
            out.entry(name.to_string()).or_insert(path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, commit: &str, date: i64) -> RawTag {
        RawTag {
            name: name.to_string(),
            commit: commit.to_string(),
            date,
        }
    }

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn every_shape_parses_and_per_crate_wins() {
        let m = TagMatcher::new("demo", None).unwrap();
        for t in [
            "v1.2.3",
            "1.2.3",
            "demo-v1.2.3",
            "demo@1.2.3",
            "demo-1.2.3",
            "demo/v1.2.3",
        ] {
            assert_eq!(m.parse(t).map(|p| p.0), Some(v("1.2.3")), "{t}");
        }
        assert_eq!(m.parse("other-v1.2.3"), None);
        let tags = [raw("v1.5.0", "b", 2), raw("demo-v1.0.0", "a", 1)];
        let scan = scan_tags(&tags, "head", "demo", &v("2.0.0"), None, false).unwrap();
        assert_eq!(scan.best.unwrap().name, "demo-v1.0.0");
    }

    #[test]
    fn the_release_at_head_is_decided_by_version_not_by_dirt() {
        let tags = [raw("v0.4.0", "old", 1), raw("v0.5.0", "head", 2)];
        // checking release 0.5.0 itself: the one before
        let scan = scan_tags(&tags, "head", "x", &v("0.5.0+abc.2026-01-01"), None, false).unwrap();
        assert_eq!(scan.best.unwrap().name, "v0.4.0");
        assert_eq!(scan.at_head, ["v0.5.0"]);
        // after `bump --dev` on the release commit: 0.5.0 is the previous release
        let scan = scan_tags(&tags, "head", "x", &v("0.5.1-dev"), None, false).unwrap();
        assert_eq!(scan.best.unwrap().name, "v0.5.0");
    }

    #[test]
    fn newer_and_prerelease_tags_are_skipped() {
        let tags = [
            raw("v1.2.0", "a", 1),
            raw("v1.3.0-rc.1", "b", 2),
            raw("v9.0.0", "c", 3),
        ];
        let scan = scan_tags(&tags, "head", "x", &v("1.3.0"), None, false).unwrap();
        assert_eq!(scan.best.unwrap().name, "v1.2.0");
        assert_eq!(scan.prerelease, ["v1.3.0-rc.1"]);
        assert_eq!(scan.newer, ["v9.0.0"]);
        let scan = scan_tags(&tags, "head", "x", &v("1.3.0"), None, true).unwrap();
        assert_eq!(scan.best.unwrap().name, "v1.3.0-rc.1");
    }

    #[test]
    fn semver_beats_date() {
        let tags = [raw("v1.10.0", "a", 1), raw("v1.9.1", "b", 5)];
        let scan = scan_tags(&tags, "head", "x", &v("1.11.0"), None, false).unwrap();
        assert_eq!(scan.best.unwrap().name, "v1.10.0");
    }

    #[test]
    fn patterns_and_names() {
        let m = TagMatcher::new("demo", Some("release-{version}")).unwrap();
        assert_eq!(m.parse("release-2.1.0").unwrap().0, v("2.1.0"));
        assert_eq!(
            tag_name("release-{version}", "demo", &v("2.2.0")),
            "release-2.2.0"
        );
        assert!(TagMatcher::new("demo", Some("release")).is_err());
    }

    #[test]
    fn version_like_tags() {
        assert!(contains_version("release-1.2.3"));
        assert!(contains_version("1.0.0"));
        assert!(!contains_version("deploy-2024-01"));
        assert!(!contains_version("v1.2"));
    }

    #[test]
    fn manifests_name_their_packages() {
        let names = package_names([
            ("a/Cargo.toml".to_string(), "[package]\nname = \"a\"\n"),
            ("Cargo.toml".to_string(), "[workspace]\nmembers = [\"a\"]\n"),
            ("b/Cargo.toml".to_string(), "not toml ["),
        ]);
        assert_eq!(names.len(), 1);
        assert_eq!(names["a"], "a/Cargo.toml");
    }
}
