//! Running `cargo rustdoc` to produce rustdoc JSON, collecting the output, and guarding the
//! user's `Cargo.lock` while doing so.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};

use super::toolchain::Toolchain;
use super::BuildOptions;
use crate::interrupt::{self, RunOptions};
use crate::progress::Progress;

/// Serialises "run cargo rustdoc, then read target/doc/<crate>.json": both sides document a
/// crate of the same name into the same shared target dir, so if the lead runs the two sides
/// in parallel, one side's JSON must be read before the other's build can overwrite it.
/// (cargo itself serialises builds on a target dir, so this costs no parallelism.)
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// How features are passed on the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct FeatureArgs {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
}

/// One `cargo rustdoc` invocation.
pub(crate) struct Job<'a> {
    pub manifest_path: &'a Path,
    /// `-p` spec (`name` or `name@version`).
    pub package_spec: String,
    /// Crate name of the lib target (underscored): names the JSON file and scopes
    /// `RUSTC_BOOTSTRAP`.
    pub lib_name: &'a str,
    pub features: FeatureArgs,
    pub locked: bool,
}

/// Runs `cargo rustdoc` for `job` and returns its raw output plus, on success, the JSON
/// bytes (read while still holding the build lock).
pub(crate) fn run(
    tc: &Toolchain,
    job: &Job<'_>,
    opts: &BuildOptions,
    progress: &Progress,
) -> Result<(Output, Option<Vec<u8>>)> {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    fs::create_dir_all(&opts.target_dir).with_context(|| {
        format!(
            "failed to create the target directory {}",
            opts.target_dir.display()
        )
    })?;
    // Remove stale output so a JSON found afterwards is certainly from this build.
    let candidates = json_candidates(&opts.target_dir, job.lib_name);
    for c in &candidates {
        let _ = fs::remove_file(c);
    }

    let mut cmd = tc.cargo();
    cmd.arg("rustdoc")
        .arg("--lib")
        .arg("-p")
        .arg(&job.package_spec)
        .arg("--manifest-path")
        .arg(job.manifest_path)
        .arg("--target-dir")
        .arg(&opts.target_dir)
        .args(["--color", "never"]);
    if let Some(dir) = job.manifest_path.parent() {
        cmd.current_dir(dir);
    }
    if job.locked {
        cmd.arg("--locked");
    }
    if job.features.all_features {
        cmd.arg("--all-features");
    }
    if job.features.no_default_features {
        cmd.arg("--no-default-features");
    }
    if !job.features.features.is_empty() {
        cmd.arg("--features").arg(job.features.features.join(","));
    }
    cmd.args(["--", "-Z", "unstable-options", "--output-format", "json"]);
    if opts.document_hidden {
        cmd.arg("--document-hidden-items");
    }
    // Unstable rustdoc flags on a stable toolchain. Scoping RUSTC_BOOTSTRAP to the crate name
    // keeps dependencies' build scripts from detecting a "nightly" compiler and switching on
    // nightly-only code paths that then fail to build.
    cmd.env("RUSTC_BOOTSTRAP", job.lib_name);
    // No progress bar in captured output.
    cmd.env("CARGO_TERM_PROGRESS_WHEN", "never");

    let out = interrupt::run_with(
        &mut cmd,
        RunOptions {
            echo_stderr: progress.is_verbose(),
        },
    )?;
    if !out.status.success() {
        return Ok((out, None));
    }
    let found = candidates.iter().find(|c| c.is_file()).cloned();
    let Some(json) = found else {
        bail!(
            "cargo rustdoc succeeded but wrote no {}.json under {}; semgate cannot find the rustdoc JSON (is a custom build target configured?)",
            job.lib_name,
            opts.target_dir.display()
        );
    };
    let bytes = fs::read(&json).with_context(|| format!("failed to read {}", json.display()))?;
    Ok((out, Some(bytes)))
}

/// Where rustdoc may write `<lib>.json`: `<target>/doc/` for host builds and
/// `<target>/<triple>/doc/` when a build target is configured.
fn json_candidates(target_dir: &Path, lib_name: &str) -> Vec<PathBuf> {
    let file = format!("{lib_name}.json");
    let mut out = vec![target_dir.join("doc").join(&file)];
    if let Ok(read) = fs::read_dir(target_dir) {
        let mut more: Vec<PathBuf> = read
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("doc").join(&file))
            .filter(|p| !out.contains(p))
            .collect();
        more.sort();
        out.extend(more);
    }
    out
}

/// True when cargo refused to run because `--locked` was passed and the lockfile is stale.
pub(crate) fn lock_needs_update(stderr: &str) -> bool {
    stderr.contains("--locked was passed")
        || stderr.contains("because --locked")
        || stderr.contains("needs to be updated but --locked")
}

/// The part of cargo's stderr worth showing: from the first `error` line on (the compiler's
/// diagnostics), capped; or the tail when there is no error line.
pub(crate) fn error_excerpt(stderr: &str) -> String {
    const MAX: usize = 60;
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error"));
    let (slice, note) = match start {
        Some(i) => {
            let end = (i + MAX).min(lines.len());
            let more = lines.len() - end;
            (&lines[i..end], more)
        }
        None => {
            let begin = lines.len().saturating_sub(30);
            (&lines[begin..], 0)
        }
    };
    let mut text = slice.join("\n");
    if note > 0 {
        text.push_str(&format!(
            "\n... ({note} more lines; rerun with --verbose to see all of cargo's output)"
        ));
    }
    text
}

/// Checks that rustdoc JSON `bytes` from `origin` (for messages) are of a format semgate
/// reads; the one implementation of that check lives with the loader.
pub(crate) fn check_header(bytes: &[u8], origin: &str) -> Result<u32> {
    crate::api::load::check_format(bytes, origin)
}

/// Snapshot of a lockfile that is put back when dropped: semgate must leave the user's
/// `Cargo.lock` byte-identical even if cargo rewrote it or the build was interrupted.
pub(crate) struct LockGuard {
    path: PathBuf,
    original: Option<Vec<u8>>,
    restored: bool,
}

impl LockGuard {
    pub(crate) fn new(path: &Path) -> Result<LockGuard> {
        let original = match fs::read(path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow!("failed to read {}: {e}", path.display())),
        };
        Ok(LockGuard {
            path: path.to_path_buf(),
            original,
            restored: false,
        })
    }

    /// Puts the original back if cargo changed it; returns whether it had changed.
    pub(crate) fn restore(mut self) -> Result<bool> {
        self.restored = true;
        self.put_back()
    }

    fn put_back(&self) -> Result<bool> {
        let now = fs::read(&self.path).ok();
        if now == self.original {
            return Ok(false);
        }
        match &self.original {
            Some(bytes) => fs::write(&self.path, bytes)
                .with_context(|| format!("failed to restore {}; restore it with `git checkout -- Cargo.lock` or from a backup", self.path.display()))?,
            None => fs::remove_file(&self.path)
                .with_context(|| format!("failed to remove {}, which cargo created during the build", self.path.display()))?,
        }
        Ok(true)
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if !self.restored {
            let _ = self.put_back();
        }
    }
}
