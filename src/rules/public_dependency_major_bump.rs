//! public-dependency-major-bump: a dependency whose types the public API exposes moved to an
//! incompatible version.

use semver::{Version, VersionReq};

use super::{Class, Rule, Template};
use crate::api::uses::exposed_crates;
use crate::manifest::{DepInfo, DepKind};
use crate::diff::DiffCx;
use crate::rules::Finding;

pub static RULE: Rule = Rule {
    id: "public-dependency-major-bump",
    classes: &[Class::Breaking],
    possibly_breaking: false,
    summary: "a dependency whose types appear in the public API moved to an incompatible version",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html",
    explanation: "When a public signature, field, trait impl or re-export names a dependency's type, \
that dependency's version is part of your API: downstream code built against `dep 1.x` types cannot \
pass them to a function that now wants `dep 2.x` types. cargo_metadata 0.10.1 shipped exactly this \
in a patch release. semgate finds the exposed crates through the external items the public API \
mentions, and compares the resolved versions (or the requirements) of both sides.",
    example_before: "[dependencies]\nhttp = \"0.2\"   # pub fn send(req: http::Request<()>)",
    example_after: "[dependencies]\nhttp = \"1\"",
    fix: "release it as a breaking change, or stop exposing the dependency's types (wrap them)",
    check,
    witness: Template::Impossible("a Cargo.toml change: seeing it takes a downstream crate that also depends on the old major version of the dependency, which semgate does not have"),
};

/// The version a dependency is at: the lockfile's if known, else the requirement's lower bound.
fn effective(dep: &DepInfo) -> Option<Version> {
    if let Some(v) = &dep.resolved {
        return Some(v.clone());
    }
    let req = VersionReq::parse(&dep.req).ok()?;
    let c = req.comparators.first()?;
    Some(Version::new(
        c.major,
        c.minor.unwrap_or(0),
        c.patch.unwrap_or(0),
    ))
}

/// Cargo's compatibility: same left-most non-zero component.
fn compatible(a: &Version, b: &Version) -> bool {
    match (a.major, a.minor) {
        (0, 0) => b.major == 0 && b.minor == 0 && a.patch == b.patch,
        (0, m) => b.major == 0 && b.minor == m,
        (m, _) => b.major == m,
    }
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    let mut exposed = exposed_crates(cx.new);
    for (name, path) in exposed_crates(cx.old) {
        exposed.entry(name).or_insert(path);
    }
    for nd in new
        .dependencies
        .iter()
        .filter(|d| d.kind == DepKind::Normal)
    {
        let Some(example) = exposed.get(&nd.name) else {
            continue;
        };
        let Some(od) = old
            .dependencies
            .iter()
            .find(|d| d.kind == DepKind::Normal && d.package == nd.package)
        else {
            continue;
        };
        let (Some(a), Some(b)) = (effective(od), effective(nd)) else {
            continue;
        };
        if !compatible(&a, &b) {
            out.push(Finding::new(
                &RULE,
                format!("{}/{}", new.name, nd.package),
                format!(
                    "dependency `{}` moved from {a} to the incompatible {b}, and its types are part of the public API (e.g. `{example}`)",
                    nd.package
                ),
            ));
        }
    }
}
