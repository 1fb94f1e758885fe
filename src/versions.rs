//! Version arithmetic for the release flows, pure: the next version after a bump level,
//! `release` or an explicit version, the `-dev` version after a release, build metadata
//! (`<shorthash>.<YYYY-MM-DD>`), and the one version of a shared-version workspace.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{anyhow, bail, Result};
use semver::{BuildMetadata, Prerelease, Version};

use crate::bump::{apply, release_of, Level};

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
    let z = i64::try_from(unix_secs / 86_400).unwrap_or(i64::MAX / 2) + 719_468;
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
            let _ = write!(line, ", {}", names.join(", "));
        }
        lines.push(line);
    }
    for (v, names) in groups {
        lines.push(format!("{v}: {}", names.join(", ")));
    }
    Err(lines)
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
}
