//! Running `cargo rustdoc` to produce rustdoc JSON and collecting the output, without ever
//! writing the user's `Cargo.lock`: every build resolves against a private copy of it.
//!
//! Two unstable cargo features make that possible on a stable toolchain: `-Z lockfile-path`
//! (the lockfile can live outside the package) and the unstable rustdoc flags. Both are reached
//! with `RUSTC_BOOTSTRAP=1`, given to cargo alone: cargo's `[env]` table (forced) hands rustc,
//! rustdoc and build scripts `RUSTC_BOOTSTRAP=<the documented crate>` instead, so dependencies'
//! build scripts never see a "nightly" compiler and switch on nightly-only code.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};

use super::toolchain::Toolchain;
use super::BuildOptions;
use crate::interrupt::{self, RunOptions};
use crate::progress::Progress;

/// Serialises "run cargo rustdoc, then read target/doc/<crate>.json" per target directory within
/// this process: builds of a crate of one name into one target dir must each read their JSON
/// before the next can overwrite it. Other semgate processes on the same target dir (concurrent
/// CI jobs) are kept out by a file lock, see [`TargetLock`]. (cargo itself serialises builds
/// on a target dir, so neither costs parallelism; the two sides of a comparison build in
/// different target dirs, at the same time.)
static BUILD_LOCKS: Mutex<Vec<(PathBuf, Arc<Mutex<()>>)>> = Mutex::new(Vec::new());

fn build_lock(target_dir: &Path) -> Arc<Mutex<()>> {
    let mut locks = BUILD_LOCKS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, lock)) = locks.iter().find(|(dir, _)| dir == target_dir) {
        return Arc::clone(lock);
    }
    let lock = Arc::new(Mutex::new(()));
    locks.push((target_dir.to_path_buf(), Arc::clone(&lock)));
    lock
}

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
    /// The lockfile resolution starts from (the workspace's own, when it has one); cargo only
    /// ever sees a private copy of it.
    pub lockfile: Option<&'a Path>,
    /// Where cargo runs, which decides the `.cargo/config.toml` it reads (default: the
    /// manifest's directory; a registry placeholder runs in the user's package instead).
    pub cwd: Option<&'a Path>,
    /// cargo's target directory for this build (one per side, see
    /// [`BuildOptions::cargo_target_dir`]).
    pub target_dir: PathBuf,
    /// Pass `--document-private-items`: the crate exports linker symbols, which are API even
    /// from private modules (see [`exports_symbols`]).
    pub document_private: bool,
}

/// Whether a package's Rust sources under `dir` mention `no_mangle` or `export_name`: only then
/// are private items documented, because a `#[no_mangle]` function in a private module is
/// ABI that the public-items-only JSON does not show. Deterministic in the sources, which
/// every cache key already pins. Unreadable files count as not mentioning it.
pub fn exports_symbols(dir: &Path) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                // build output and VCS data hold no sources of this package
                let name = entry.file_name();
                if name != "target" && name != ".git" {
                    stack.push(path);
                }
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
                if let Ok(text) = fs::read_to_string(&path) {
                    if text.contains("no_mangle") || text.contains("export_name") {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// What one successful build produced.
pub(crate) struct Built {
    pub json: Vec<u8>,
    /// The lockfile the build resolved to (its private copy, as cargo left it).
    pub lock: Option<super::manifest::Lockfile>,
}

/// Runs `cargo rustdoc` for `job` and returns its raw output plus, on success, the JSON
/// bytes (read while still holding the build locks) and the lockfile it resolved to.
pub(crate) fn run(
    tc: &Toolchain,
    job: &Job<'_>,
    opts: &BuildOptions,
    progress: &Progress,
) -> Result<(Output, Option<Built>)> {
    let packages = [(job.package_spec.clone(), job.lib_name.to_string())];
    let batch = Batch {
        manifest_path: job.manifest_path,
        packages: &packages,
        features: &job.features,
        lockfile: job.lockfile,
        cwd: job.cwd,
        target_dir: &job.target_dir,
        document_private: job.document_private,
    };
    let (out, built) = run_batch(tc, &batch, opts, progress)?;
    Ok((
        out,
        built.map(|(mut jsons, lock)| Built {
            json: jsons.remove(0),
            lock,
        }),
    ))
}

/// Several packages of one workspace documented by one cargo invocation (`cargo doc
/// --no-deps`), which shares the dependency graph's resolution and builds them in parallel.
pub(crate) struct Batch<'a> {
    pub manifest_path: &'a Path,
    /// (`-p` spec, lib crate name) of every package
    pub packages: &'a [(String, String)],
    pub features: &'a FeatureArgs,
    pub lockfile: Option<&'a Path>,
    pub cwd: Option<&'a Path>,
    pub target_dir: &'a Path,
    /// document private items too (see [`exports_symbols`])
    pub document_private: bool,
}

/// Every package's JSON of a batch, in order, and the lockfile the build resolved to.
pub(crate) type BatchOutput = (Vec<Vec<u8>>, Option<super::manifest::Lockfile>);

/// Runs the build of `batch`: `cargo rustdoc` for one package (rustdoc's flags after `--`, on
/// top of the user's), `cargo doc --no-deps` for several (the flags added to RUSTDOCFLAGS).
/// On success, every package's JSON in order, and the lockfile the build resolved to.
pub(crate) fn run_batch(
    tc: &Toolchain,
    batch: &Batch<'_>,
    opts: &BuildOptions,
    progress: &Progress,
) -> Result<(Output, Option<BatchOutput>)> {
    let target_dir = batch.target_dir;
    let lock = build_lock(target_dir);
    let _guard = lock.lock().unwrap_or_else(|p| p.into_inner());
    fs::create_dir_all(target_dir).with_context(|| {
        format!(
            "failed to create the target directory {}",
            target_dir.display()
        )
    })?;
    let _target_lock = TargetLock::acquire(target_dir)?;
    // cargo resolves into a private copy of the lockfile: the user's is never opened for writing
    let private = super::scratch::create(&opts.target_dir, "semgate-lock-")?;
    let private_lock = private.path().join("Cargo.lock");
    if let Some(lock) = batch.lockfile.filter(|l| l.is_file()) {
        fs::copy(lock, &private_lock).with_context(|| {
            format!(
                "failed to copy {} to {}",
                lock.display(),
                private_lock.display()
            )
        })?;
    }
    // Remove stale output so a JSON found afterwards is certainly from this build.
    let candidates: Vec<Vec<PathBuf>> = batch
        .packages
        .iter()
        .map(|(_, lib)| json_candidates(target_dir, lib))
        .collect();
    for c in candidates.iter().flatten() {
        let _ = fs::remove_file(c);
    }

    // rustdoc's own flags: unstable JSON output, hidden items (the model filters them), and
    // capped lints. A crate that denies lints (`#![deny(warnings)]`, `missing_docs`, broken
    // intra-doc links) builds fine for its users, whose cargo caps lints of dependencies;
    // semgate documents it as the root crate, so it caps them itself, for rustdoc here and for
    // rustc (the workspace members it depends on by path) through the wrapper below. Lints
    // never change the API.
    let mut rustdoc_flags = vec!["-Z", "unstable-options", "--output-format", "json"];
    if opts.document_hidden {
        rustdoc_flags.push("--document-hidden-items");
    }
    if batch.document_private {
        rustdoc_flags.push("--document-private-items");
    }
    rustdoc_flags.extend(["--cap-lints", "allow"]);

    let single = batch.packages.len() == 1;
    let mut cmd = tc.cargo();
    if single {
        cmd.args(["rustdoc", "--lib"]);
    } else {
        cmd.args(["doc", "--no-deps", "--lib"]);
    }
    for (spec, _) in batch.packages {
        cmd.arg("-p").arg(spec);
    }
    cmd.arg("--manifest-path")
        .arg(batch.manifest_path)
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--color", "never"]);
    if let Some(dir) = batch.cwd.or(batch.manifest_path.parent()) {
        cmd.current_dir(dir);
    }
    let libs: Vec<&str> = batch.packages.iter().map(|(_, lib)| lib.as_str()).collect();
    cmd.arg("-Zlockfile-path")
        .arg("--config")
        .arg(format!(
            "resolver.lockfile-path={}",
            toml_string(&private_lock.to_string_lossy())
        ))
        .arg("--config")
        // rustc takes a comma-separated list of crates that may use unstable features
        .arg(format!(
            "env.RUSTC_BOOTSTRAP.value={}",
            toml_string(&libs.join(","))
        ))
        .args(["--config", "env.RUSTC_BOOTSTRAP.force=true"]);
    if batch.features.all_features {
        cmd.arg("--all-features");
    }
    if batch.features.no_default_features {
        cmd.arg("--no-default-features");
    }
    if !batch.features.features.is_empty() {
        cmd.arg("--features").arg(batch.features.features.join(","));
    }
    if single {
        cmd.arg("--").args(&rustdoc_flags);
    } else {
        // added to the user's flags from the environment (cargo reads one source of them)
        match std::env::var("CARGO_ENCODED_RUSTDOCFLAGS")
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(encoded) => {
                let mut all = encoded;
                for flag in &rustdoc_flags {
                    all.push('\u{1f}');
                    all.push_str(flag);
                }
                cmd.env("CARGO_ENCODED_RUSTDOCFLAGS", all);
            }
            None => {
                let mut all = std::env::var("RUSTDOCFLAGS").unwrap_or_default();
                for flag in &rustdoc_flags {
                    all.push(' ');
                    all.push_str(flag);
                }
                cmd.env("RUSTDOCFLAGS", all.trim_start());
            }
        }
    }
    if let Some(wrapper) = lint_cap_wrapper() {
        if let Some(inner) = std::env::var_os("RUSTC_WORKSPACE_WRAPPER").filter(|v| !v.is_empty()) {
            cmd.env(INNER_WRAPPER_ENV, inner);
        }
        cmd.env("RUSTC_WORKSPACE_WRAPPER", wrapper);
        cmd.env(WRAPPER_ENV, "1");
    }
    // Unstable cargo and rustdoc flags on a stable toolchain: cargo itself gets "1", and passes
    // on only the crate-scoped value configured above (see the module docs).
    cmd.env("RUSTC_BOOTSTRAP", "1");
    // No progress bar in captured output.
    cmd.env("CARGO_TERM_PROGRESS_WHEN", "never");

    let out = interrupt::run_with(
        &mut cmd,
        RunOptions {
            echo_stderr: progress.is_verbose(),
            reap: true,
            ..Default::default()
        },
    )?;
    if !out.status.success() {
        return Ok((out, None));
    }
    let mut jsons = Vec::new();
    for ((_, lib), candidates) in batch.packages.iter().zip(&candidates) {
        let Some(json) = candidates.iter().find(|c| c.is_file()) else {
            bail!(
                "cargo succeeded but wrote no {lib}.json under {}; semgate cannot find the rustdoc JSON (is a custom build target configured?)",
                target_dir.display()
            );
        };
        jsons.push(fs::read(json).with_context(|| format!("failed to read {}", json.display()))?);
    }
    let lock = super::manifest::Lockfile::read(&private_lock);
    Ok((out, Some((jsons, lock))))
}

/// `value` as a TOML string literal, for `--config key=value`.
fn toml_string(value: &str) -> String {
    toml_edit::Value::from(value).to_string().trim().to_string()
}

/// An exclusive lock on a target directory, held across "build, then read the JSON" so that
/// concurrent semgate processes sharing the directory never read each other's output.
struct TargetLock {
    #[cfg(unix)]
    _file: fs::File,
}

impl TargetLock {
    fn acquire(target_dir: &Path) -> Result<TargetLock> {
        let path = target_dir.join(".semgate-build.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("failed to open the build lock {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            loop {
                // SAFETY: flock on a descriptor this function owns; released when it closes
                let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
                if rc == 0 {
                    break;
                }
                let err = std::io::Error::last_os_error();
                if err.kind() != std::io::ErrorKind::WouldBlock {
                    return Err(err).with_context(|| format!("failed to lock {}", path.display()));
                }
                interrupt::check()?;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Ok(TargetLock { _file: file })
        }
        #[cfg(not(unix))]
        {
            drop(file);
            Ok(TargetLock {})
        }
    }
}

/// Set in cargo's environment when semgate is cargo's `RUSTC_WORKSPACE_WRAPPER`.
pub const WRAPPER_ENV: &str = "SEMGATE_CAP_LINTS_WRAPPER";
/// The user's own `RUSTC_WORKSPACE_WRAPPER`, which the lint-capping wrapper runs in turn.
const INNER_WRAPPER_ENV: &str = "SEMGATE_INNER_WORKSPACE_WRAPPER";

/// The semgate executable, when this process is one (`semgate` or `cargo-semgate`): cargo then
/// runs it as the rustc wrapper for workspace members, see [`wrap_rustc`]. A test harness
/// using the library is not, and builds without it.
fn lint_cap_wrapper() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let stem = exe.file_stem()?.to_str()?;
    matches!(stem, "semgate" | "cargo-semgate").then_some(exe)
}

/// Runs as cargo's `RUSTC_WORKSPACE_WRAPPER` (`semgate <rustc> <args>...`): compiles with
/// `--cap-lints allow` added, so a workspace member that denies lints still compiles on a
/// toolchain that warns about more than the one it was written for. Returns the exit code.
pub fn wrap_rustc(args: &[std::ffi::OsString]) -> i32 {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("semgate: the rustc wrapper was run without a compiler to run");
        return 2;
    };
    let mut cmd = match std::env::var_os(INNER_WRAPPER_ENV).filter(|v| !v.is_empty()) {
        Some(inner) => {
            let mut c = std::process::Command::new(inner);
            c.arg(rustc);
            c
        }
        None => std::process::Command::new(rustc),
    };
    cmd.args(rest);
    let compiling = rest.iter().any(|a| a == "--crate-name");
    if compiling
        && !rest
            .iter()
            .any(|a| a.to_string_lossy().starts_with("--cap-lints"))
    {
        cmd.args(["--cap-lints", "allow"]);
    }
    cmd.env_remove(WRAPPER_ENV).env_remove(INNER_WRAPPER_ENV);
    match cmd.status() {
        Ok(status) => status.code().unwrap_or(101),
        Err(e) => {
            eprintln!("semgate: could not run {}: {e}", rustc.to_string_lossy());
            101
        }
    }
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
        let _ = write!(
            text,
            "\n... ({note} more lines; rerun with --verbose to see all of cargo's output)"
        );
    }
    text
}

/// Checks that rustdoc JSON `bytes` from `origin` (for messages) are of a format semgate
/// reads; the one implementation of that check lives with the loader.
pub(crate) fn check_header(bytes: &[u8], origin: &str) -> Result<u32> {
    crate::api::load::check_format(bytes, origin)
}
