//! rust-version-raised: the minimum supported Rust version went up.

use super::{Class, Rule, Template};
use crate::rules::Finding;
use crate::diff::DiffCx;

pub static RULE: Rule = Rule {
    id: "rust-version-raised",
    classes: &[Class::Patch],
    possibly_breaking: true,
    summary: "rust-version (the minimum supported Rust version) was raised",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#env-new-rust",
    explanation: "Users on an older compiler can no longer build the new release (Cargo's MSRV-aware \
resolver then keeps them on the old one). The Cargo Book leaves the class to project policy, and \
many crates raise their MSRV in patch releases, so semgate reports it as a note unless \
configuration says otherwise: `rules = { rust-version-raised = \"breaking\" }` (or \"additive\") in \
`[package.metadata.semgate]`. Declaring a rust-version for the first time is not a raise.",
    example_before: "rust-version = \"1.70\"",
    example_after: "rust-version = \"1.80\"",
    fix: "nothing to fix if intended: release it at least as a minor version and say so in the changelog",
    check,
    witness: Template::Impossible("a toolchain requirement: the witness is compiled with one toolchain, the one the sides were built with"),
};

fn parse(v: &str) -> Option<semver::Version> {
    let mut parts: Vec<u64> = v
        .split('.')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    parts.resize(3, 0);
    Some(semver::Version::new(parts[0], parts[1], parts[2]))
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    let (Some(old), Some(new)) = (cx.old_manifest, cx.new_manifest) else {
        return;
    };
    let Some(after) = new.rust_version.as_deref() else {
        return;
    };
    // no rust-version before means none was promised: declaring one is not a raise
    let Some(before) = old.rust_version.as_deref() else {
        return;
    };
    if parse(after) <= parse(before) {
        return;
    }
    let message = format!(
        "rust-version raised from {before} to {after} (a note by default; `rules = {{ rust-version-raised = \"breaking\" }}` in [package.metadata.semgate] makes it count)"
    );
    out.push(Finding::new(
        &RULE,
        format!("{}/rust-version", new.name),
        message,
    ));
}
