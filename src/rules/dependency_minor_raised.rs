//! dependency-minor-raised: a normal dependency's minimum version moved to a new minor (for
//! `0.y`, a new patch), so users who stay on the old minor can no longer take this release.

use semver::{Op, Version, VersionReq};

use super::{Class, Rule, Template};
use crate::manifest::{DepInfo, DepKind};
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "dependency-minor-raised",
    classes: &[Class::Patch],
    possibly_breaking: true,
    summary: "a normal dependency's minimum version moved to a new minor (0.y: a new patch)",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "Raising a dependency's minimum to a new minor version forces every user of this \
release onto it: a project pinned to the old minor (by its own requirement or its lockfile) cannot \
take the release without updating the dependency too. Release guides write this as a policy: \
\"if the last release is 2.3.1 against gRPC 1.7.0, 2.3.2 may depend on gRPC 1.7.1, but depending \
on 1.8.0 requires 2.4.0\". Cargo does not treat it as a breaking change, so semgate reports it as a \
note unless configuration makes it count: `rules = { dependency-minor-raised = \"additive\" }`. \
It compares the requirements in Cargo.toml and, when both sides have a lockfile (a committed one \
for a tagged baseline), the locked versions, and says which moved. Development dependencies are \
not part of a release and are ignored.",
    example_before: "[dependencies]\ngrpc = \"1.7.0\"",
    example_after: "[dependencies]\ngrpc = \"1.8.0\"",
    fix: "release it as a minor version, or keep the old minimum if the new features are not needed",
    check,
    witness: Template::Impossible("a Cargo.toml change, and a note or an additive one: no code breaks"),
};

/// The lowest version a requirement admits, from its comparators' lower bounds (`None` for `*`
/// and for requirements with only upper bounds).
fn minimum(req: &str) -> Option<Version> {
    let req = VersionReq::parse(req).ok()?;
    req.comparators
        .iter()
        .filter(|c| !matches!(c.op, Op::Less | Op::LessEq))
        .map(|c| {
            let mut v = Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0));
            v.pre = c.pre.clone();
            v
        })
        .max()
}

/// The part of a version that Cargo's compatibility treats as its minor: `(major, minor)` for
/// `1.y`, `(0, minor, patch)` for `0.y`.
fn minor_line(v: &Version) -> (u64, u64, u64) {
    if v.major == 0 {
        (0, v.minor, v.patch)
    } else {
        (v.major, v.minor, 0)
    }
}

/// The raise from `old` to `new`, if `new` is on a later minor line.
fn raised(old: Option<Version>, new: Option<Version>) -> Option<(Version, Version)> {
    let (old, new) = (old?, new?);
    (minor_line(&new) > minor_line(&old)).then_some((old, new))
}

fn normal(deps: &[DepInfo]) -> Vec<&DepInfo> {
    deps.iter().filter(|d| d.kind == DepKind::Normal).collect()
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    let old_deps = normal(&old.dependencies);
    let mut seen = std::collections::BTreeSet::new();
    for nd in normal(&new.dependencies) {
        // one finding per package, even when it is listed per target
        if !seen.insert(nd.package.as_str()) {
            continue;
        }
        let Some(od) = old_deps.iter().find(|d| d.package == nd.package) else {
            continue; // a new dependency: nothing was raised
        };
        let (what, from, to) = if let Some((a, b)) = raised(minimum(&od.req), minimum(&nd.req)) {
            ("requirement", a, b)
        } else if let Some((a, b)) = raised(od.resolved.clone(), nd.resolved.clone()) {
            ("locked version (Cargo.lock)", a, b)
        } else {
            continue;
        };
        let kind = if to.major != from.major {
            "major version"
        } else if to.major == 0 && to.minor == from.minor {
            "0.y patch"
        } else {
            "minor"
        };
        out.push(Finding::new(
            &RULE,
            format!("{}/{}", new.name, nd.package),
            format!(
                "dependency `{}`: the {what} moved from {from} to {to}, a new {kind} (a note by default; `rules = {{ dependency-minor-raised = \"additive\" }}` makes it require a minor release)",
                nd.package
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_minor_or_0y_patch_is_a_raise() {
        let r = |a: &str, b: &str| raised(minimum(a), minimum(b)).is_some();
        assert!(r("1.7.0", "1.8.0"));
        assert!(r("1.7", "2"));
        assert!(r("0.3.1", "0.3.2"));
        assert!(r(">=1.2, <2", "^1.3"));
        assert!(!r("1.7.0", "1.7.1"));
        assert!(!r("1.8.0", "1.7.0"));
        assert!(!r("*", "1.8"));
        assert!(!r("1.7", "1.7.9"));
        assert!(!r("0.3", "0.3.0"));
    }
}
