//! Real git repositories in temporary directories, for end-to-end tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A git repository holding one library crate, in a temporary directory removed on drop.
pub struct TestRepo {
    _tmp: TempDir,
    pub dir: PathBuf,
}

impl TestRepo {
    /// `git init` with a crate `name` at `version` whose `src/lib.rs` is `lib`, committed.
    pub fn new(name: &str, version: &str, lib: &str) -> TestRepo {
        let tmp = tempfile::Builder::new()
            .prefix("semgate-e2e-")
            .tempdir()
            .expect("tempdir");
        let dir = tmp.path().join(name);
        fs::create_dir_all(&dir).expect("mkdir");
        let repo = TestRepo { _tmp: tmp, dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.write("Cargo.toml", &manifest(name, version));
        repo.write("src/lib.rs", lib);
        repo.write(".gitignore", "/target\n");
        repo.commit("initial");
        repo
    }

    /// `git init` with `files` (paths relative to the repository root, contents), committed as
    /// "initial": for workspaces and other layouts `new` does not cover. `name` names the
    /// repository directory.
    pub fn workspace(name: &str, files: &[(&str, &str)]) -> TestRepo {
        let tmp = tempfile::Builder::new()
            .prefix("semgate-e2e-")
            .tempdir()
            .expect("tempdir");
        let dir = tmp.path().join(name);
        fs::create_dir_all(&dir).expect("mkdir");
        let repo = TestRepo { _tmp: tmp, dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.write(".gitignore", "/target\n");
        repo.write_all(files);
        repo.commit("initial");
        repo
    }

    pub fn write_all(&self, files: &[(&str, &str)]) {
        for (rel, content) in files {
            self.write(rel, content);
        }
    }

    /// Writes Cargo.lock for the workspace as it is (offline: path dependencies only).
    pub fn lock(&self) {
        let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(&self.dir)
            .args(["generate-lockfile", "--offline", "--quiet"])
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "cargo generate-lockfile: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The abbreviated hash of HEAD.
    pub fn short_head(&self) -> String {
        self.git(&["rev-parse", "--short", "HEAD"])
    }

    pub fn write(&self, rel: &str, content: &str) {
        let path = self.dir.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, content).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.join(rel)).expect("read")
    }

    pub fn set_version(&self, name: &str, version: &str) {
        self.write("Cargo.toml", &manifest(name, version));
    }

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    pub fn tag(&self, tag: &str) {
        self.git(&["tag", tag]);
    }

    /// An annotated tag `tag` (message: the tag name) on HEAD.
    pub fn annotated_tag(&self, tag: &str) {
        self.git(&["tag", "-a", "-m", tag, tag]);
    }

    /// The full hash of HEAD.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Everything a test must find unchanged after semgate ran: status, refs, index, lockfile.
    pub fn fingerprint(&self) -> String {
        let lock = fs::read_to_string(self.dir.join("Cargo.lock")).unwrap_or_default();
        format!(
            "{}\n{}\n{}\n{}",
            self.git(&["status", "--porcelain", "--ignored=no"]),
            self.git(&["show-ref"]),
            self.git(&["ls-files", "-s"]),
            lock
        )
    }
}

pub fn manifest(name: &str, version: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n")
}

/// Runs the semgate binary in `dir` with the shared test target directory.
pub fn semgate(dir: &Path, args: &[&str]) -> Output {
    semgate_env(dir, args, &[])
}

/// [`semgate`] with extra environment variables (e.g. `CARGO_NET_OFFLINE`).
pub fn semgate_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_semgate"))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("NO_COLOR")
        .env("SEMGATE_TARGET_DIR", super::shared_target())
        .envs(env.iter().copied())
        .output()
        .expect("semgate runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status and both streams, for assertion messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    )
}

/// The process exited with `code`; otherwise fails showing everything it printed.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", show(out));
}

/// `text` contains every one of `needles`; otherwise fails showing the text.
#[track_caller]
pub fn assert_contains(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "expected `{needle}` in:\n{text}");
    }
}
