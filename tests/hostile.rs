//! Hostile conditions, the way CI meets them: concurrent runs in one tree, a read-only
//! lockfile, signals at every stage, a report nobody can receive, a damaged cache, a killed
//! semgate. Two promises are checked each time: a failure never looks like a pass, and the
//! user's repository is never changed.
//!
//! Crate names are unique per test: every test shares one target directory unless it needs a
//! fresh one.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::repo::{
    assert_contains, assert_exit, semgate, semgate_env, show, stderr, stdout, TestRepo,
};

/// A two-crate workspace with a committed Cargo.lock, released at v0.1.0, then changed
/// (an additive change, released as 0.1.1).
fn workspace_with_lock(name: &str) -> TestRepo {
    let core = format!("{name}_core");
    let member = |pkg: &str, version: &str, deps: &str| {
        format!("[package]\nname = \"{pkg}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{deps}")
    };
    let repo = TestRepo::workspace(
        name,
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n",
            ),
            ("core/Cargo.toml", &member(&core, "0.1.0", "")),
            ("core/src/lib.rs", "pub fn core() {}\n"),
            (
                "app/Cargo.toml",
                &member(
                    name,
                    "0.1.0",
                    &format!("{core} = {{ path = \"../core\", version = \"0.1.0\" }}\n"),
                ),
            ),
            ("app/src/lib.rs", "pub fn app() {}\n"),
        ],
    );
    repo.lock();
    repo.commit("lock");
    repo.tag("v0.1.0");
    repo.write("app/src/lib.rs", "pub fn app() {}\npub fn more() {}\n");
    // the version moves, the lockfile is not refreshed: cargo wants to rewrite it
    repo.write(
        "app/Cargo.toml",
        &member(
            name,
            "0.1.1",
            &format!("{core} = {{ path = \"../core\", version = \"0.1.0\" }}\n"),
        ),
    );
    repo.commit("0.1.1, lockfile stale");
    repo
}

fn lock_state(repo: &TestRepo) -> (Vec<u8>, std::time::SystemTime) {
    let path = repo.dir.join("Cargo.lock");
    (
        std::fs::read(&path).expect("Cargo.lock"),
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
    )
}

#[test]
fn eight_concurrent_checks_in_one_tree_agree_and_never_write_the_lockfile() {
    let repo = workspace_with_lock("hs_conc");
    let before = repo.fingerprint();
    let lock_before = lock_state(&repo);
    // a fresh target directory, so the eight runs really build at the same time
    let target = tempfile::tempdir().expect("tempdir");
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_semgate"))
                .current_dir(&repo.dir)
                .args(["check", "-p", "hs_conc", "--format", "json"])
                .env("SEMGATE_TARGET_DIR", target.path())
                .env("CARGO_TERM_COLOR", "never")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("semgate starts")
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("semgate ends"))
        .collect();
    for out in &outputs {
        assert_exit(out, 0);
        assert_eq!(stdout(out), stdout(&outputs[0]), "identical reports");
    }
    assert_contains(&stdout(&outputs[0]), &["hs_conc::more"]);
    assert_eq!(lock_state(&repo), lock_before, "Cargo.lock bytes and mtime");
    assert_eq!(repo.fingerprint(), before);
}

/// As root `chmod 0444` stops nothing, so the lockfile is made immutable (`chattr +i`) where
/// the filesystem allows it, read-only otherwise: a build that needed to write it would fail.
#[test]
fn a_lockfile_nobody_may_write_is_never_needed() {
    let repo = workspace_with_lock("hs_rolock");
    let lock = repo.dir.join("Cargo.lock");
    let immutable = Command::new("chattr")
        .arg("+i")
        .arg(&lock)
        .status()
        .is_ok_and(|s| s.success());
    struct Unfreeze(std::path::PathBuf, bool);
    impl Drop for Unfreeze {
        fn drop(&mut self) {
            if self.1 {
                let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
            }
        }
    }
    let _unfreeze = Unfreeze(lock.clone(), immutable);
    if !immutable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let lock_before = lock_state(&repo);
    let target = tempfile::tempdir().expect("tempdir");
    let out = semgate_env(
        &repo.dir,
        &["check", "-p", "hs_rolock"],
        &[("SEMGATE_TARGET_DIR", target.path().to_str().unwrap())],
    );
    assert_exit(&out, 0);
    assert_eq!(lock_state(&repo), lock_before);
}

/// A signal at any stage (loading, diffing, before the report) stops the run with 130, as
/// cargo does, and no verdict: before, an interrupt after the builds was ignored and the run
/// printed PASS.
#[test]
fn an_interrupt_at_any_stage_exits_130_without_a_verdict() {
    let repo = TestRepo::new("hs_signal", "1.0.0", "pub fn a() {}\n");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("hs_signal", "1.1.0");
    repo.commit("add b");
    // warm the cache, so each run reaches its stage at once
    assert_exit(&semgate(&repo.dir, &["check"]), 0);
    for stage in ["load", "diff", "report"] {
        for signal in ["INT", "TERM"] {
            let child = Command::new(env!("CARGO_BIN_EXE_semgate"))
                .current_dir(&repo.dir)
                .arg("check")
                .env("SEMGATE_TARGET_DIR", common::shared_target())
                .env("SEMGATE_TEST_PAUSE", stage)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("semgate starts");
            std::thread::sleep(Duration::from_millis(1000));
            let sent = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .expect("kill runs");
            assert!(sent.success());
            let out = child.wait_with_output().expect("semgate ends");
            assert_eq!(
                out.status.code(),
                Some(130),
                "{stage} {signal}: {}",
                show(&out)
            );
            assert!(
                stdout(&out).is_empty(),
                "{stage} {signal}: no verdict: {}",
                show(&out)
            );
            assert_contains(&stderr(&out), &["interrupted"]);
        }
    }
}

#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    let repo = TestRepo::new("hs_output", "1.0.0", "pub fn a() {}\n");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("hs_output", "1.1.0");
    repo.commit("add b");
    let run = |stdout: Stdio, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_semgate"))
            .current_dir(&repo.dir)
            .args(args)
            .env("SEMGATE_TARGET_DIR", common::shared_target())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .expect("semgate runs")
    };
    // a full disk: before, a panic (exit 101) for `rules` and a lost report for `check`
    for args in [&["check"][..], &["rules"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = run(Stdio::from(full), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", show(&out));
    }
    // a closed stdout (`>&-`): before, exit 0 with the report lost
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec \"{}\" check >&-",
            env!("CARGO_BIN_EXE_semgate")
        ))
        .current_dir(&repo.dir)
        .env("SEMGATE_TARGET_DIR", common::shared_target())
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_contains(&stderr(&out), &["stdout is closed"]);
    // `> /dev/null` is a choice, not an error: the exit code is the answer
    let null = std::fs::File::create("/dev/null").expect("/dev/null");
    let out = run(Stdio::from(null), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    // so is a read-write `/dev/null` (Python's `subprocess.DEVNULL`): before, taken for a closed
    // stdout (exit 2)
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .expect("/dev/null");
    let out = run(Stdio::from(null), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    // a reader that stops early (`semgate rules | head -0`): information, so a quiet exit
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "\"{}\" rules | head -c 0; exit ${{PIPESTATUS:-0}}",
            env!("CARGO_BIN_EXE_semgate")
        ))
        .output()
        .expect("sh runs");
    assert!(!stderr(&out).contains("panicked"), "{}", show(&out));
}

/// What a killed run leaves is cleaned up, and a damaged cache heals itself instead of failing
/// every later run: an entry that is a directory, a package directory that is a file, an entry
/// that verifies but is not rustdoc JSON, a cache that cannot be written at all.
#[test]
fn a_damaged_or_read_only_cache_never_fails_the_gate() {
    let repo = TestRepo::new("hs_cache", "1.0.0", "pub fn a() {}\n");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("hs_cache", "1.1.0");
    repo.commit("add b");
    let cache = tempfile::tempdir().expect("tempdir");
    let cache_arg = cache.path().to_str().unwrap();
    let check = || semgate(&repo.dir, &["check", "--cache-dir", cache_arg]);
    assert_exit(&check(), 0);
    let package_dir = cache.path().join("hs_cache");
    let entries = || -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(&package_dir)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        v.retain(|p| p.extension().is_some_and(|x| x == "json"));
        v.sort();
        v
    };
    let jsons = entries();
    assert_eq!(jsons.len(), 2, "two sides cached: {jsons:?}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&jsons[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o644,
            "entries are readable by a shared CI cache's users"
        );
    }

    // an entry that is a directory
    std::fs::remove_file(&jsons[0]).unwrap();
    std::fs::create_dir_all(jsons[0].join("inner")).unwrap();
    let out = check();
    assert_exit(&out, 0);
    assert!(jsons[0].is_file(), "rebuilt: {}", show(&out));

    // an entry whose sidecar still verifies but whose content is not rustdoc JSON
    let bytes = std::fs::read(&jsons[1]).unwrap();
    let mut garbage = vec![b' '; bytes.len()];
    let n = bytes.len().min(1 << 20);
    garbage[..n].copy_from_slice(&bytes[..n]);
    let end = bytes.len() - n;
    garbage[end..].copy_from_slice(&bytes[end..]);
    if bytes.len() <= 2 * n {
        // small enough that the sampled ends cover it all: keep the ends, break the middle
        // by making the sidecar's length and sample agree with a different, invalid file
        let mut meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(jsons[1].with_extension("meta")).unwrap())
                .unwrap();
        let broken = b"{\"root\":0,\"format_version\":57}".to_vec();
        meta["len"] = broken.len().into();
        meta["sample"] = sample(&broken).into();
        std::fs::write(jsons[1].with_extension("meta"), meta.to_string()).unwrap();
        std::fs::write(&jsons[1], &broken).unwrap();
    } else {
        std::fs::write(&jsons[1], &garbage).unwrap();
    }
    let out = check();
    assert_exit(&out, 0);
    assert_contains(&stderr(&out), &["could not be loaded", "rebuilding"]);
    let out = check();
    assert_exit(&out, 0);
    assert!(
        !stderr(&out).contains("rebuilding"),
        "healed: {}",
        show(&out)
    );

    // the package's cache directory is a file
    std::fs::remove_dir_all(&package_dir).unwrap();
    std::fs::write(&package_dir, "in the way").unwrap();
    assert_exit(&check(), 0);
    assert!(package_dir.is_dir());

    // a cache that cannot be written at all: a warning, and the gate still decides
    let out = semgate(
        &repo.dir,
        &["check", "--cache-dir", "/dev/null/semgate-cache"],
    );
    assert_exit(&out, 0);
    assert_contains(&stderr(&out), &["continuing without caching"]);
}

/// The verification sample of a cache entry, as semgate computes it.
fn sample(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let n = (1usize << 20).min(bytes.len());
    let mut h = Sha256::new();
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(&bytes[..n]);
    h.update(&bytes[bytes.len() - n..]);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A git export left by a SIGKILLed run is removed by the next run; a stale temporary cache
/// file too.
#[test]
fn what_a_killed_run_left_behind_is_removed() {
    let repo = TestRepo::new("hs_orphans", "1.0.0", "pub fn a() {}\n");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.set_version("hs_orphans", "1.1.0");
    repo.commit("add b");
    let tmp = tempfile::tempdir().expect("tempdir");
    let orphan = tmp.path().join("semgate-git-killed");
    std::fs::create_dir_all(orphan.join("tree")).unwrap();
    std::fs::write(orphan.join(".semgate-owner"), "4194305").unwrap(); // no such process
    let target = tempfile::tempdir().expect("tempdir");
    let out = semgate_env(
        &repo.dir,
        &["check"],
        &[
            ("TMPDIR", tmp.path().to_str().unwrap()),
            ("SEMGATE_TARGET_DIR", target.path().to_str().unwrap()),
        ],
    );
    assert_exit(&out, 0);
    assert!(!orphan.exists(), "the orphaned export is gone");
}

/// SIGKILL leaves no handler to run: the kernel's parent-death signal takes the build down
/// (cargo, and through the reaper every process cargo started). Before, cargo and the build
/// script ran on for as long as they wanted.
#[test]
fn nothing_outlives_a_killed_semgate() {
    let repo = TestRepo::new("hs_sigkill", "1.0.0", "pub fn a() {}\n");
    let marker = format!("hs-sigkill-{}", std::process::id());
    repo.write(
        "build.rs",
        "fn main() { std::thread::sleep(std::time::Duration::from_secs(120)); }\n",
    );
    repo.commit("slow build script");
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    repo.commit("change");
    let target = tempfile::tempdir().expect("tempdir");
    let target_dir = target.path().join(&marker);
    let mut child = Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(&repo.dir)
        .arg("check")
        .env("SEMGATE_TARGET_DIR", &target_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("semgate starts");
    // wait until the build script runs (its process names the target directory)
    let running = || {
        Command::new("pgrep")
            .args(["-f", &marker])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false)
    };
    let started = Instant::now();
    while !running() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the build never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let killed = Instant::now();
    while running() {
        assert!(
            killed.elapsed() < Duration::from_secs(3),
            "processes outlived semgate by 3 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_workspace_without_members_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let out = semgate(dir.path(), &["check"]);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["has no member packages"]);
    assert!(!stderr(&out).contains("()"), "{}", show(&out));
}

/// A published release compared with an unpacked copy of its own sources (two separate builds,
/// not one cache entry with itself) has nothing to report, for crates of every shape: no_std,
/// a build script that probes the compiler, macro-heavy, a proc macro, a very large API.
/// Needs crates.io.
#[test]
fn published_crates_compared_with_their_own_sources_have_no_findings() {
    if !common::online("building published crates from crates.io") {
        return;
    }
    let crates = [
        ("itoa", "1.0.11"),           // no_std
        ("anyhow", "1.0.86"),         // a build script probing for nightly features
        ("bitflags", "2.6.0"),        // macro-heavy
        ("thiserror-impl", "1.0.63"), // a proc macro
        ("libc", "0.2.155"),          // a very large API and a build script
    ];
    let work = tempfile::tempdir().expect("tempdir");
    for (name, version) in crates {
        let copy = unpacked_copy(name, version, work.path());
        let out = semgate(
            work.path(),
            &[
                "check",
                "--manifest-path",
                copy.join("Cargo.toml").to_str().unwrap(),
                "--baseline-version",
                version,
                "--format",
                "json",
            ],
        );
        assert_exit(&out, 0);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            report["packages"][0]["findings"],
            serde_json::json!([]),
            "{name} {version} against itself: {}",
            show(&out)
        );
    }
}

/// The sources of `name` `version` as published, fetched by cargo and copied under `into`.
fn unpacked_copy(name: &str, version: &str, into: &std::path::Path) -> std::path::PathBuf {
    let probe = into.join(format!("probe-{name}"));
    std::fs::create_dir_all(&probe).unwrap();
    std::fs::write(probe.join("lib.rs"), "").unwrap();
    std::fs::write(
        probe.join("Cargo.toml"),
        format!("[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[lib]\npath = \"lib.rs\"\n[dependencies]\n{name} = \"={version}\"\n[workspace]\n"),
    )
    .unwrap();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(probe.join("Cargo.toml"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata");
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find(|p| p["name"] == name && p["version"] == version)
        })
        .and_then(|p| p["manifest_path"].as_str())
        .expect("the package is in the metadata")
        .to_string();
    let src = std::path::Path::new(&manifest)
        .parent()
        .expect("package dir");
    let dest = into.join(format!("{name}-{version}"));
    let status = Command::new("cp")
        .arg("-r")
        .arg(src)
        .arg(&dest)
        .status()
        .expect("cp runs");
    assert!(status.success());
    dest
}
