//! Stage 5: from findings to the minimum next version, under Cargo's semver rules.
//!
//! Cargo treats the left-most non-zero component as the major one: for `0.y.z` a breaking change
//! needs `0.(y+1).0` and an additive one `0.y.(z+1)`; for `0.0.z` every release is incompatible,
//! so the next patch is always enough and always breaking. Build metadata never matters.

use semver::{BuildMetadata, Prerelease, Version};
use serde::{Deserialize, Serialize};

use crate::rules::Class;
use crate::rules::Finding;

/// The overall API change between baseline and current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    None,
    Additive,
    Breaking,
}

impl Change {
    /// The largest class among findings that count (not accepted by configuration, not
    /// disproven by a witness).
    pub fn of(findings: &[Finding]) -> Change {
        findings
            .iter()
            .filter(|f| f.counts())
            .map(|f| match f.class {
                Class::Breaking => Change::Breaking,
                Class::Additive => Change::Additive,
                Class::Patch => Change::None,
            })
            .max()
            .unwrap_or(Change::None)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Change::None => "none",
            Change::Additive => "additive",
            Change::Breaking => "breaking",
        }
    }
}

/// Which version component a release bumps: the `bumpLevel` of release workflows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// The smallest bump level that Cargo's rules allow for this change from this baseline.
pub fn required_level(change: Change, baseline: &Version) -> Level {
    // the arms are Cargo's table, row by row: order matters more than merging equal rows
    #[allow(clippy::match_same_arms)]
    match (baseline.major, baseline.minor, change) {
        (0, 0, _) => Level::Patch,
        (0, _, Change::Breaking) => Level::Minor,
        (0, _, _) => Level::Patch,
        (_, _, Change::Breaking) => Level::Major,
        (_, _, Change::Additive) => Level::Minor,
        (_, _, Change::None) => Level::Patch,
    }
}

/// The version a release of `level` after `baseline` carries. A pre-release baseline is
/// released at its own version by a patch (`1.3.0-rc.1` -> `1.3.0`), as release tools do.
pub fn apply(level: Level, baseline: &Version) -> Version {
    let mut v = baseline.clone();
    let was_pre = !v.pre.is_empty();
    v.pre = Prerelease::EMPTY;
    v.build = BuildMetadata::EMPTY;
    match level {
        Level::Major if !(was_pre && v.minor == 0 && v.patch == 0) => {
            v.major += 1;
            v.minor = 0;
            v.patch = 0;
        }
        Level::Minor if !(was_pre && v.patch == 0) => {
            v.minor += 1;
            v.patch = 0;
        }
        Level::Patch if !was_pre => v.patch += 1,
        _ => {}
    }
    v
}

/// The level a proposed version represents relative to the baseline, in Cargo's terms.
pub fn level_between(baseline: &Version, proposed: &Version) -> Option<Level> {
    let p = release_of(proposed);
    let b = release_of(baseline);
    if p <= b {
        return None;
    }
    Some(if b.major == 0 && b.minor == 0 {
        if p.major > 0 || p.minor > 0 {
            Level::Major
        } else {
            Level::Patch
        }
    } else if b.major == 0 {
        if p.major > 0 {
            Level::Major
        } else if p.minor > b.minor {
            Level::Minor
        } else {
            Level::Patch
        }
    } else if p.major > b.major {
        Level::Major
    } else if p.minor > b.minor {
        Level::Minor
    } else {
        Level::Patch
    })
}

/// The release a version leads to: `1.3.0-dev+abc.2026-01-01` is judged as `1.3.0`.
pub fn release_of(v: &Version) -> Version {
    Version::new(v.major, v.minor, v.patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn cargo_rules_for_required_level() {
        assert_eq!(required_level(Change::Breaking, &v("1.2.3")), Level::Major);
        assert_eq!(required_level(Change::Additive, &v("1.2.3")), Level::Minor);
        assert_eq!(required_level(Change::None, &v("1.2.3")), Level::Patch);
        assert_eq!(required_level(Change::Breaking, &v("0.4.1")), Level::Minor);
        assert_eq!(required_level(Change::Additive, &v("0.4.1")), Level::Patch);
        assert_eq!(required_level(Change::Breaking, &v("0.0.7")), Level::Patch);
    }

    #[test]
    fn minimum_versions() {
        assert_eq!(apply(Level::Major, &v("1.2.3")), v("2.0.0"));
        assert_eq!(apply(Level::Minor, &v("1.2.3+build.5")), v("1.3.0"));
        assert_eq!(apply(Level::Patch, &v("0.0.7")), v("0.0.8"));
        assert_eq!(apply(Level::Minor, &v("0.4.1")), v("0.5.0"));
        assert_eq!(apply(Level::Patch, &v("1.3.0-rc.1")), v("1.3.0"));
        assert_eq!(apply(Level::Minor, &v("1.3.0-rc.1")), v("1.3.0"));
        assert_eq!(apply(Level::Major, &v("2.0.0-alpha")), v("2.0.0"));
        assert_eq!(apply(Level::Major, &v("1.3.0-rc.1")), v("2.0.0"));
    }

    #[test]
    fn cargo_compatibility() {}

    #[test]
    fn level_of_a_proposed_version() {
        assert_eq!(
            level_between(&v("1.2.3"), &v("1.3.0-dev")),
            Some(Level::Minor)
        );
        assert_eq!(level_between(&v("1.2.3"), &v("2.0.0")), Some(Level::Major));
        assert_eq!(level_between(&v("0.4.1"), &v("0.5.0")), Some(Level::Minor));
        assert_eq!(
            level_between(&v("0.4.1"), &v("0.4.2+abc.2026-11-22")),
            Some(Level::Patch)
        );
        assert_eq!(level_between(&v("0.0.3"), &v("0.0.4")), Some(Level::Patch));
        assert_eq!(level_between(&v("1.2.3"), &v("1.2.3")), None);
        assert_eq!(level_between(&v("1.2.3"), &v("1.2.3-dev")), None);
    }
}
