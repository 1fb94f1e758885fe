//! The release checks of `check --release`: reasons a release is blocked that are not API
//! changes (what the release depends on, whether its version is free). Each is documented and
//! explained like a rule; the checks themselves run in the workspace stage.

use super::ReleaseCheck;

/// The release check behind `check --release`, documented like a rule.
pub static UNRELEASED_DEPENDENCY: ReleaseCheck = ReleaseCheck {
    id: "unreleased-dependency",
    summary: "a crate to be released depends on a workspace crate that is not released",
    reference: "https://doc.rust-lang.org/cargo/reference/publishing.html#before-publishing-a-new-crate",
    explanation: "A published crate can only depend on published crates. Releasing `app` while \
it depends on a workspace sibling that is `publish = false`, a path dependency without a version, \
or a version of the sibling that has neither a release tag nor a registry entry either fails at \
`cargo publish` or, worse, publishes `app` against code its users cannot get. The pre-release gate \
refuses it and prints the dependency chain (app -> mid -> core).",
    example_before: "[dependencies]\ncore = { path = \"../core\", version = \"0.2.0\" }  # core 0.2.0 never released",
    example_after: "# release core 0.2.0 (tag core-v0.2.0, cargo publish) first",
    fix: "release the dependency first, or release both in one run (`--workspace`) when they share a version",
};

/// A version that is already tagged or published cannot be released again.
pub static VERSION_ALREADY_RELEASED: ReleaseCheck = ReleaseCheck {
    id: "version-already-released",
    summary: "the version to be released is already tagged or published",
    reference: "https://doc.rust-lang.org/cargo/reference/publishing.html#publishing-a-new-version-of-an-existing-crate",
    explanation: "A registry never takes the same version twice, and a release tag names one commit. \
Releasing 1.3.0 when tag v1.3.0 exists or the registry already has 1.3.0 either fails at \
`cargo publish`, or tags different code under a number users already have. Build metadata does \
not make a version new: cargo treats 1.3.0+abc and 1.3.0 as the same version. Yanked versions \
count: their numbers are taken.",
    example_before: "version = \"1.3.0\"   # tag v1.3.0 exists",
    example_after: "version = \"1.3.1\"",
    fix: "bump the version (`semgate bump patch`, or the level `semgate suggest` prints)",
};

/// A release must not depend on a pre-release.
pub static PRERELEASE_DEPENDENCY: ReleaseCheck = ReleaseCheck {
    id: "prerelease-dependency",
    summary: "a release (not a pre-release) requires a pre-release version of a dependency",
    reference: "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#pre-releases",
    explanation: "A release promises what it was tested against will stay available; a pre-release \
of a dependency promises nothing, and `foo = \"1.2.0-dev\"` (or a path dependency at a `-dev` \
version) means the release depends on code that is not released yet. Release guides say it \
plainly: never release a crate that has a -dev dependency. Pre-releases of the crate itself may \
depend on pre-releases.",
    example_before: "version = \"1.4.0\"\n[dependencies]\ncore = { path = \"../core\", version = \"0.9.0-dev\" }",
    example_after: "version = \"1.4.0\"\n[dependencies]\ncore = { path = \"../core\", version = \"0.9.0\" }   # released first",
    fix: "release the dependency first and require its release, or make this a pre-release too; switch the check off with `release-checks = { prerelease-dependency = \"off\" }`",
};

/// Patch releases come from release branches (when the project says which those are).
pub static PATCH_OFF_RELEASE_BRANCH: ReleaseCheck = ReleaseCheck {
    id: "patch-off-release-branch",
    summary: "a patch release made from a branch that is not a release branch",
    reference: "https://semver.org/#spec-item-6",
    explanation: "Teams that keep release branches release from the development branch only minor \
or major versions, and patch releases only by patching a release branch: a patch cut from main \
would carry whatever main holds besides the fix. With `release-branches = [\"release/v*\"]` in \
[workspace.metadata.semgate], `check --release` and `bump patch` refuse a patch-level release on any \
other branch. The branch is `--branch`, else the CI's (GITHUB_BASE_REF for a pull request, \
GITHUB_REF_NAME), else git's current branch; off until release-branches is set.",
    example_before: "# on main, 1.4.0 -> 1.4.1",
    example_after: "# on release/v1.4: 1.4.0 -> 1.4.1; on main: 1.4.0 -> 1.5.0",
    fix: "make the patch on the release branch (cherry-pick the fix), or release a minor version from main",
};

/// Every release check.
pub static RELEASE_CHECKS: &[&ReleaseCheck] = &[
    &UNRELEASED_DEPENDENCY,
    &VERSION_ALREADY_RELEASED,
    &PRERELEASE_DEPENDENCY,
    &PATCH_OFF_RELEASE_BRANCH,
];
