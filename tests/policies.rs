//! The release policies teams write down, enforced: no release on a pre-release dependency,
//! patch releases only from release branches, `semgate tag`, package globs, and a private
//! registry (a git index and crate files on disk, published to for real, no network).
//!
//! Crate names are unique per test: every test shares one target directory.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::repo::{
    assert_contains, assert_exit, semgate, semgate_env, show, stderr, stdout, TestRepo,
};

fn package(name: &str, version: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n{extra}")
}

// ---------------------------------------------------------------------------------------------
// prerelease-dependency
// ---------------------------------------------------------------------------------------------

#[test]
fn a_release_never_requires_a_prerelease() {
    let app = |req: &str, config: &str| {
        package(
            "pol_pre_app",
            "1.0.0",
            &format!("publish = false\n\n[dependencies]\npol_pre_core = {{ path = \"../core\", version = \"{req}\" }}\n{config}"),
        )
    };
    // the dependency's release state is another check's business here
    let config =
        "\n[package.metadata.semgate]\nrelease-checks = { unreleased-dependency = \"off\" }\n";
    let repo = TestRepo::workspace(
        "pol_pre",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n",
            ),
            (
                "core/Cargo.toml",
                &package("pol_pre_core", "0.9.0-dev", "publish = false\n"),
            ),
            ("core/src/lib.rs", "pub fn core() {}\n"),
            ("app/Cargo.toml", &app("0.9.0-dev", config)),
            ("app/src/lib.rs", "pub fn app() {}\n"),
        ],
    );
    let out = semgate(&repo.dir, &["check", "--release", "-p", "pol_pre_app"]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &["[prerelease-dependency]", "pol_pre_core = \"^0.9.0-dev\""],
    );
    // a pre-release may depend on pre-releases
    let out = semgate(
        &repo.dir,
        &[
            "check",
            "--release",
            "-p",
            "pol_pre_app",
            "--proposed",
            "1.0.0-rc.1",
        ],
    );
    assert_exit(&out, 0);
    // a released requirement is fine
    repo.write(
        "core/Cargo.toml",
        &package("pol_pre_core", "0.9.0", "publish = false\n"),
    );
    repo.write("app/Cargo.toml", &app("0.9.0", config));
    let out = semgate(&repo.dir, &["check", "--release", "-p", "pol_pre_app"]);
    assert_exit(&out, 0);
    // and the check can be switched off
    repo.write(
        "core/Cargo.toml",
        &package("pol_pre_core", "0.9.0-dev", "publish = false\n"),
    );
    repo.write(
        "app/Cargo.toml",
        &app(
            "0.9.0-dev",
            "\n[package.metadata.semgate]\nrelease-checks = { unreleased-dependency = \"off\", prerelease-dependency = \"off\" }\n",
        ),
    );
    let out = semgate(&repo.dir, &["check", "--release", "-p", "pol_pre_app"]);
    assert_exit(&out, 0);
}

// ---------------------------------------------------------------------------------------------
// patch-off-release-branch
// ---------------------------------------------------------------------------------------------

#[test]
fn patch_releases_come_only_from_release_branches() {
    let manifest = |version: &str| {
        package(
            "pol_branch",
            version,
            "publish = false\n\n[package.metadata.semgate]\nrelease-branches = [\"release/v*\"]\n\n[workspace]\n",
        )
    };
    let repo = TestRepo::workspace(
        "pol_branch",
        &[
            ("Cargo.toml", &manifest("1.2.0")),
            ("src/lib.rs", "pub fn a() {}\n"),
        ],
    );
    repo.tag("v1.2.0");
    repo.write("src/lib.rs", "pub fn a() {}\n// a fix\n");
    repo.write("Cargo.toml", &manifest("1.2.1-dev"));
    repo.commit("fix on main");

    let gate = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "--release"];
        all.extend_from_slice(args);
        semgate_env(&repo.dir, &all, env)
    };
    // on main: a patch is refused, a minor is fine
    let out = gate(&["--bump", "patch"], &[]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "[patch-off-release-branch]",
            "`main` is not a release branch (release/v*)",
        ],
    );
    assert_exit(&gate(&["--bump", "minor"], &[]), 0);
    // bump agrees, and writes nothing
    let before = repo.fingerprint();
    let out = semgate(&repo.dir, &["bump", "patch"]);
    assert_exit(&out, 1);
    assert_contains(
        &stderr(&out),
        &["[patch-off-release-branch]", "nothing was written"],
    );
    assert_eq!(repo.fingerprint(), before);

    // on a release branch the patch is fine
    repo.git(&["checkout", "-q", "-b", "release/v1.2"]);
    assert_exit(&gate(&["--bump", "patch"], &[]), 0);
    let out = semgate(&repo.dir, &["bump", "patch", "--dry-run"]);
    assert_exit(&out, 0);

    // a detached HEAD (CI): the branch comes from --branch or the CI's variables
    repo.git(&["checkout", "-q", "--detach"]);
    let out = gate(&["--bump", "patch"], &[]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["--branch"]);
    assert_exit(
        &gate(&["--bump", "patch"], &[("GITHUB_REF_NAME", "release/v1.2")]),
        0,
    );
    assert_exit(&gate(&["--bump", "patch", "--branch", "main"], &[]), 1);
}

// ---------------------------------------------------------------------------------------------
// semgate tag
// ---------------------------------------------------------------------------------------------

fn tags_of(repo: &TestRepo) -> Vec<String> {
    let listed = repo.git(&["tag", "--list"]);
    listed.lines().map(str::to_string).collect()
}

#[test]
fn tag_tags_what_changed_in_release_order_and_refuses_unreleased_dependencies() {
    let manifest = |name: &str, version: &str, deps: &str| {
        package(
            name,
            version,
            &format!("publish = false\n\n[dependencies]\n{deps}"),
        )
    };
    let core_dep =
        |v: &str| format!("pol_tag_core = {{ path = \"../core\", version = \"{v}\" }}\n");
    let repo = TestRepo::workspace(
        "pol_tag",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\", \"tool\"]\nresolver = \"2\"\n",
            ),
            ("core/Cargo.toml", &manifest("pol_tag_core", "0.1.0", "")),
            ("core/src/lib.rs", "pub fn core() {}\n"),
            (
                "app/Cargo.toml",
                &manifest("pol_tag_app", "0.1.0", &core_dep("0.1.0")),
            ),
            ("app/src/lib.rs", "pub fn app() {}\n"),
            ("tool/Cargo.toml", &manifest("pol_tag_tool", "0.1.0", "")),
            ("tool/src/lib.rs", "pub fn tool() {}\n"),
        ],
    );
    for t in [
        "pol_tag_core-v0.1.0",
        "pol_tag_app-v0.1.0",
        "pol_tag_tool@0.1.0",
    ] {
        repo.annotated_tag(t);
    }
    // core and app move on; tool is on its way to the next release (-dev)
    repo.write("core/Cargo.toml", &manifest("pol_tag_core", "0.2.0", ""));
    repo.write(
        "app/Cargo.toml",
        &manifest("pol_tag_app", "0.1.1", &core_dep("0.2.0")),
    );
    repo.write(
        "tool/Cargo.toml",
        &manifest("pol_tag_tool", "0.1.1-dev", ""),
    );
    repo.commit("core 0.2.0, app 0.1.1");
    let all = ["-p", "pol_tag_*"];

    // app alone would depend on a core that is neither released nor tagged now
    let out = semgate(&repo.dir, &["tag", "-p", "pol_tag_app", "--execute"]);
    assert_exit(&out, 1);
    assert_contains(
        &stderr(&out),
        &[
            "pol_tag_app -> pol_tag_core",
            "neither released nor tagged in this run",
        ],
    );
    assert_eq!(tags_of(&repo).len(), 3, "nothing was tagged");

    // a dry run: the plan, dependencies first, in each package's own tag shape
    let before = repo.fingerprint();
    let out = semgate(&repo.dir, &[&["tag"][..], &all].concat());
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "pol_tag_core-v0.2.0 pol_tag_core 0.2.0\npol_tag_app-v0.1.1 pol_tag_app 0.1.1\n"
    );
    assert_contains(
        &stderr(&out),
        &["not tagged: pol_tag_tool 0.1.1-dev", "dry run"],
    );
    assert_eq!(repo.fingerprint(), before, "a dry run writes nothing");

    // --execute creates annotated tags on HEAD, and pushes them to a remote
    let remote = tempfile::tempdir().expect("tempdir");
    let bare = remote.path().join("origin.git");
    let out = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&bare)
        .output()
        .expect("git runs");
    assert!(out.status.success());
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    let out = semgate_env(
        &repo.dir,
        &[&["tag", "--execute", "--push", "origin"][..], &all].concat(),
        &[
            ("GIT_AUTHOR_NAME", "t"),
            ("GIT_AUTHOR_EMAIL", "t@t"),
            ("GIT_COMMITTER_NAME", "t"),
            ("GIT_COMMITTER_EMAIL", "t@t"),
        ],
    );
    assert_exit(&out, 0);
    let head = repo.head();
    for t in ["pol_tag_core-v0.2.0", "pol_tag_app-v0.1.1"] {
        assert_eq!(repo.git(&["cat-file", "-t", t]), "tag", "{t} is annotated");
        assert_eq!(repo.git(&["rev-parse", &format!("{t}^{{commit}}")]), head);
        let pushed = Command::new("git")
            .arg("-C")
            .arg(&bare)
            .args(["rev-parse", "--verify", "-q", &format!("refs/tags/{t}")])
            .output()
            .expect("git runs");
        assert!(pushed.status.success(), "{t} reached the remote");
    }

    // idempotent: the same tags on HEAD are fine
    let out = semgate(&repo.dir, &[&["tag", "--execute"][..], &all].concat());
    assert_exit(&out, 0);
    assert_contains(&stderr(&out), &["already on HEAD"]);

    // a tag of this version on another commit is an error
    repo.write("core/src/lib.rs", "pub fn core() {}\npub fn more() {}\n");
    repo.commit("more, same version");
    repo.git(&["tag", "-d", "pol_tag_core-v0.2.0"]);
    repo.git(&["checkout", "-q", "-b", "elsewhere", "HEAD~1"]);
    repo.git(&["commit", "-q", "--allow-empty", "-m", "elsewhere"]);
    repo.tag("pol_tag_core-v0.2.0");
    repo.git(&["checkout", "-q", "main"]);
    let out = semgate(&repo.dir, &["tag", "-p", "pol_tag_core"]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["already names commit", "not HEAD"]);
}

#[test]
fn a_shared_version_workspace_gets_one_tag() {
    let root = |v: &str| {
        format!("[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"{v}\"\nedition = \"2021\"\n")
    };
    let member = |n: &str| {
        format!("[package]\nname = \"{n}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n")
    };
    let repo = TestRepo::workspace(
        "pol_shared",
        &[
            ("Cargo.toml", &root("0.4.0")),
            ("a/Cargo.toml", &member("pol_shared_a")),
            ("a/src/lib.rs", "pub fn a() {}\n"),
            ("b/Cargo.toml", &member("pol_shared_b")),
            ("b/src/lib.rs", "pub fn b() {}\n"),
        ],
    );
    let out = semgate(&repo.dir, &["tag", "-p", "pol_shared_*"]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "v0.4.0 pol_shared_a 0.4.0\nv0.4.0 pol_shared_b 0.4.0\n"
    );
    // main at the next development version: nothing to tag
    repo.write("Cargo.toml", &root("0.4.1-dev"));
    repo.commit("0.4.1-dev");
    let out = semgate(&repo.dir, &["tag", "-p", "pol_shared_*"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).is_empty(), "{}", show(&out));
}

// ---------------------------------------------------------------------------------------------
// package globs
// ---------------------------------------------------------------------------------------------

#[test]
fn package_globs_select_members_for_check_and_bump() {
    let member = |n: &str| package(n, "0.1.0", "publish = false\n");
    let repo = TestRepo::workspace(
        "pol_glob",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"host\", \"guest\", \"other\"]\nresolver = \"2\"\n",
            ),
            ("host/Cargo.toml", &member("pol_glob_hl_host")),
            ("host/src/lib.rs", "pub fn host() {}\n"),
            ("guest/Cargo.toml", &member("pol_glob_hl_guest")),
            ("guest/src/lib.rs", "pub fn guest() {}\n"),
            ("other/Cargo.toml", &member("pol_glob_other")),
            ("other/src/lib.rs", "pub fn other() {}\n"),
        ],
    );
    repo.tag("v0.1.0");
    let out = semgate(
        &repo.dir,
        &["check", "-p", "pol_glob_hl_*", "--format", "json"],
    );
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let names: Vec<&str> = report["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["pol_glob_hl_guest", "pol_glob_hl_host"]);
    let out = semgate(&repo.dir, &["check", "-p", "nothing_*"]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["matches no member"]);

    // an explicit version for the matching members only
    let out = semgate(&repo.dir, &["bump", "0.3.0", "-p", "pol_glob_hl_*"]);
    assert_exit(&out, 0);
    assert_contains(&repo.read("host/Cargo.toml"), &["version = \"0.3.0\""]);
    assert_contains(&repo.read("guest/Cargo.toml"), &["version = \"0.3.0\""]);
    assert_contains(&repo.read("other/Cargo.toml"), &["version = \"0.1.0\""]);
}

// ---------------------------------------------------------------------------------------------
// a private registry on disk
// ---------------------------------------------------------------------------------------------

/// A cargo registry on the file system: a git index whose `config.json` downloads crates
/// from a directory (`file://`), published to the way a registry would take a publish: the
/// `.crate` that `cargo package` makes, and an index line with its checksum.
struct LocalRegistry {
    _dir: tempfile::TempDir,
    index: PathBuf,
    crates: PathBuf,
}

impl LocalRegistry {
    fn new() -> LocalRegistry {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = dir.path().join("index");
        let crates = dir.path().join("crates");
        std::fs::create_dir_all(&index).unwrap();
        std::fs::create_dir_all(&crates).unwrap();
        std::fs::write(
            index.join("config.json"),
            format!(
                "{{\"dl\": \"file://{}/{{crate}}-{{version}}.crate\"}}\n",
                crates.display()
            ),
        )
        .unwrap();
        git(&index, &["init", "-q"]);
        git(&index, &["add", "-A"]);
        git(&index, &["commit", "-q", "-m", "registry"]);
        LocalRegistry {
            _dir: dir,
            index,
            crates,
        }
    }

    fn url(&self) -> String {
        format!("file://{}", self.index.display())
    }

    /// `cargo package` the crate at `dir`, and publish the result.
    fn publish(&self, dir: &Path, name: &str, version: &str) {
        let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["package", "--allow-dirty", "--no-verify", "--quiet"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = format!("{name}-{version}.crate");
        let packaged = dir.join("target/package").join(&file);
        let bytes = std::fs::read(&packaged).expect("the packaged crate");
        std::fs::write(self.crates.join(&file), &bytes).unwrap();
        let cksum = {
            use sha2::{Digest, Sha256};
            Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let rel = match name.len() {
            1 => format!("1/{name}"),
            2 => format!("2/{name}"),
            3 => format!("3/{}/{name}", &name[..1]),
            _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
        };
        let path = self.index.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut lines = std::fs::read_to_string(&path).unwrap_or_default();
        lines.push_str(&format!(
            "{{\"name\":\"{name}\",\"vers\":\"{version}\",\"deps\":[],\"cksum\":\"{cksum}\",\"features\":{{}},\"yanked\":false}}\n"
        ));
        std::fs::write(&path, lines).unwrap();
        git(&self.index, &["add", "-A"]);
        git(
            &self.index,
            &["commit", "-q", "-m", &format!("{name} {version}")],
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_private_registry_on_disk_serves_baselines_first_releases_and_the_release_gate() {
    let registry = LocalRegistry::new();
    let manifest = |name: &str, version: &str, publish: &str| {
        package(
            name,
            version,
            &format!("description = \"test\"\nlicense = \"MIT\"\n{publish}\n[workspace]\n"),
        )
    };
    let config = format!(
        "[registries.semgate-local]\nindex = \"{}\"\n",
        registry.url()
    );
    let name = "pol_reg_lib";
    let repo = TestRepo::workspace(
        "pol_reg",
        &[
            (
                "Cargo.toml",
                &manifest(name, "0.1.0", "publish = [\"semgate-local\"]\n"),
            ),
            ("src/lib.rs", "pub fn a() {}\npub fn b() {}\n"),
            (".cargo/config.toml", &config),
        ],
    );
    registry.publish(&repo.dir, name, "0.1.0");
    repo.write(
        "src/lib.rs",
        "pub fn a() {}\npub fn b() {}\npub fn c() {}\n",
    );
    repo.write(
        "Cargo.toml",
        &manifest(name, "0.2.0", "publish = [\"semgate-local\"]\n"),
    );
    repo.commit("0.2.0");
    registry.publish(&repo.dir, name, "0.2.0");
    // main goes on: b is removed, a breaking change (0.x: a minor release)
    repo.write("src/lib.rs", "pub fn a() {}\npub fn c() {}\n");
    repo.write(
        "Cargo.toml",
        &manifest(name, "0.2.1", "publish = [\"semgate-local\"]\n"),
    );
    repo.commit("remove b");

    // no tag: the baseline is the newest version on the package's registry
    let out = semgate(&repo.dir, &["check"]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &[
            "baseline: 0.2.0 (registry semgate-local 0.2.0",
            "pol_reg_lib::b",
        ],
    );
    // a version the registry has is not released again, build metadata or not
    for version in ["0.2.0", "0.2.0+build.3"] {
        repo.write(
            "Cargo.toml",
            &manifest(name, version, "publish = [\"semgate-local\"]\n"),
        );
        let out = semgate(
            &repo.dir,
            &["check", "--release", "--baseline-version", "0.1.0"],
        );
        assert_exit(&out, 1);
        assert_contains(
            &stdout(&out),
            &[
                "[version-already-released]",
                "the registry already has 0.2.0",
            ],
        );
    }
    // --registry names it for a crate whose manifest does not
    repo.write("Cargo.toml", &manifest(name, "0.2.1", ""));
    let out = semgate(&repo.dir, &["check", "--registry", "semgate-local"]);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        &["baseline: 0.2.0 (registry semgate-local 0.2.0"],
    );

    // a crate the registry has never seen: its first release, on the registry's word
    let fresh = TestRepo::workspace(
        "pol_reg_fresh",
        &[
            (
                "Cargo.toml",
                &manifest("pol_reg_fresh", "0.1.0", "publish = [\"semgate-local\"]\n"),
            ),
            ("src/lib.rs", "pub fn a() {}\n"),
            (".cargo/config.toml", &config),
        ],
    );
    let out = semgate(&fresh.dir, &["check"]);
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        &[
            "first release",
            "the registry has no release of `pol_reg_fresh`",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// dependency-minor-raised
// ---------------------------------------------------------------------------------------------

/// "2.3.2 may depend on 1.7.1, depending on 1.8.0 requires 2.4.0": a note by default, a minor
/// release once the team opts in.
#[test]
fn a_dependency_on_a_new_minor_needs_a_minor_release_when_the_policy_says_so() {
    let app = |req: &str, version: &str, config: &str| {
        package(
            "pol_dmr_app",
            version,
            &format!("publish = false\n\n[dependencies]\npol_dmr_grpc = {{ path = \"../grpc\", version = \"{req}\" }}\n{config}"),
        )
    };
    let repo = TestRepo::workspace(
        "pol_dmr",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"app\"]\nexclude = [\"grpc\"]\nresolver = \"2\"\n",
            ),
            (
                "grpc/Cargo.toml",
                &package("pol_dmr_grpc", "1.8.0", "publish = false\n"),
            ),
            ("grpc/src/lib.rs", "pub fn call() {}\n"),
            ("app/Cargo.toml", &app("1.7.0", "2.3.1", "")),
            ("app/src/lib.rs", "pub fn app() { pol_dmr_grpc::call() }\n"),
        ],
    );
    repo.tag("v2.3.1");
    let check = |args: &[&str]| {
        let mut all = vec!["check", "-p", "pol_dmr_app"];
        all.extend_from_slice(args);
        semgate(&repo.dir, &all)
    };

    // a new patch of the dependency is fine for a patch release, and says nothing
    repo.write("app/Cargo.toml", &app("1.7.1", "2.3.2", ""));
    let out = check(&[]);
    assert_exit(&out, 0);
    assert!(
        !stdout(&out).contains("dependency-minor-raised"),
        "{}",
        show(&out)
    );

    // a new minor: a note by default, the patch release passes
    repo.write("app/Cargo.toml", &app("1.8.0", "2.3.2", ""));
    let out = check(&[]);
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        &[
            "dependency-minor-raised",
            "requirement moved from 1.7.0 to 1.8.0",
        ],
    );

    // the policy makes it count: 2.3.2 is refused, 2.4.0 passes, suggest says minor
    let policy =
        "\n[package.metadata.semgate]\nrules = { dependency-minor-raised = \"additive\" }\n";
    repo.write("app/Cargo.toml", &app("1.8.0", "2.3.2", policy));
    let out = check(&[]);
    assert_exit(&out, 1);
    assert_contains(&stdout(&out), &["dependency-minor-raised", "2.4.0"]);
    let out = check(&["--proposed", "2.4.0"]);
    assert_exit(&out, 0);
    let out = semgate(&repo.dir, &["suggest", "-p", "pol_dmr_app"]);
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), &["minor"]);
}
