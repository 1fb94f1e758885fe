//! Pins the Rust toolchain used for every build of a run.
//!
//! Both sides must be documented by the same rustdoc (same JSON format, same rendering), but
//! an exported baseline tree may carry its own `rust-toolchain.toml`, and a registry
//! placeholder lives outside the user's project. So the toolchain is resolved once, from the
//! user's package directory (or `--toolchain`), and every cargo invocation gets absolute
//! `RUSTC`/`RUSTDOC` paths into that toolchain's sysroot.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::interrupt;

/// A resolved toolchain: how to run cargo, and what it is (for the cache key).
#[derive(Debug, Clone)]
pub(crate) struct Toolchain {
    /// The cargo program.
    cargo: OsString,
    /// Leading arguments for cargo (`+name` when we must go through the rustup proxy).
    cargo_args: Vec<String>,
    /// Environment pinned for cargo (RUSTC, RUSTDOC, RUSTUP_TOOLCHAIN).
    env: Vec<(String, OsString)>,
    /// `rustc -vV` output.
    pub rustc_vv: String,
    /// `rustdoc -V` output.
    pub rustdoc_v: String,
    /// Host triple from `rustc -vV`.
    pub host: String,
}

impl Toolchain {
    /// Resolves the toolchain as seen from `dir` (where rustup's overrides apply), or the
    /// explicitly requested `toolchain`.
    pub(crate) fn resolve(dir: &Path, toolchain: Option<&str>) -> Result<Toolchain> {
        let explicit = toolchain.filter(|t| !t.trim().is_empty());
        if let Some(tc) = explicit {
            if tc.starts_with('-') || tc.contains(char::is_whitespace) {
                bail!(
                    "invalid toolchain name `{tc}`: expected e.g. `stable`, `nightly` or `1.85.0`"
                );
            }
        }
        // Without --toolchain, respect a user's RUSTC exactly like cargo would.
        let user_rustc = if explicit.is_none() {
            std::env::var_os("RUSTC").filter(|v| !v.is_empty())
        } else {
            None
        };
        let rustc_program = user_rustc
            .clone()
            .unwrap_or_else(|| OsString::from("rustc"));

        let mut sysroot_cmd = Command::new(&rustc_program);
        if let Some(tc) = explicit {
            sysroot_cmd.arg(format!("+{tc}"));
        }
        sysroot_cmd.args(["--print", "sysroot"]).current_dir(dir);
        let out =
            interrupt::run(&mut sysroot_cmd).context("failed to locate the rust toolchain")?;
        if !out.status.success() {
            let stderr = first_error(&String::from_utf8_lossy(&out.stderr));
            if let Some(tc) = explicit {
                bail!(
                    "toolchain `{tc}` is not available ({stderr}); install it with `rustup toolchain install {tc}` or pick another with --toolchain"
                );
            }
            bail!(
                "failed to run `rustc --print sysroot` in {}: {stderr}",
                dir.display()
            );
        }
        let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let bin = sysroot.join("bin");
        let exe = std::env::consts::EXE_SUFFIX;
        let in_sysroot = |name: &str| {
            let p = bin.join(format!("{name}{exe}"));
            p.is_file().then_some(p)
        };

        let rustc: OsString = match (&user_rustc, in_sysroot("rustc")) {
            (Some(user), _) => user.clone(),
            (None, Some(p)) => p.into_os_string(),
            (None, None) => rustc_program.clone(),
        };
        let user_rustdoc = if explicit.is_none() {
            std::env::var_os("RUSTDOC").filter(|v| !v.is_empty())
        } else {
            None
        };
        let rustdoc: Option<OsString> = user_rustdoc
            .clone()
            .or_else(|| in_sysroot("rustdoc").map(PathBuf::into_os_string));

        let mut cargo_args = Vec::new();
        let cargo: OsString = match (explicit, in_sysroot("cargo")) {
            (Some(_), Some(p)) => p.into_os_string(),
            (Some(tc), None) => {
                cargo_args.push(format!("+{tc}"));
                OsString::from("cargo")
            }
            // As a cargo subcommand, CARGO is the cargo that invoked us: keep using it.
            (None, sysroot_cargo) => std::env::var_os("CARGO")
                .filter(|v| !v.is_empty())
                .or_else(|| sysroot_cargo.map(PathBuf::into_os_string))
                .unwrap_or_else(|| OsString::from("cargo")),
        };

        let mut env = vec![("RUSTC".to_string(), rustc.clone())];
        if let Some(rd) = &rustdoc {
            env.push(("RUSTDOC".to_string(), rd.clone()));
        }
        if let Some(tc) = explicit {
            // Anything reaching the rustup proxies (build scripts running `rustc`) agrees.
            env.push(("RUSTUP_TOOLCHAIN".to_string(), OsString::from(tc)));
        }

        let rustc_vv = capture(
            Command::new(&rustc).arg("-vV").current_dir(dir),
            "rustc -vV",
        )?;
        let host = rustc_vv
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let rustdoc_v = match &rustdoc {
            Some(rd) => capture(Command::new(rd).arg("-V").current_dir(dir), "rustdoc -V")?,
            None => {
                let mut cmd = Command::new("rustdoc");
                if let Some(tc) = explicit {
                    cmd.arg(format!("+{tc}"));
                }
                capture(cmd.arg("-V").current_dir(dir), "rustdoc -V")?
            }
        };

        Ok(Toolchain {
            cargo,
            cargo_args,
            env,
            rustc_vv,
            rustdoc_v,
            host,
        })
    }

    /// A cargo command using this toolchain, with `RUSTC_BOOTSTRAP` unset (callers that need
    /// unstable rustdoc flags set it themselves, scoped to one crate).
    pub(crate) fn cargo(&self) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.args(&self.cargo_args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.env_remove("RUSTC_BOOTSTRAP");
        cmd
    }

    /// The target triple builds produce docs for: `CARGO_BUILD_TARGET` if set, else the host.
    pub(crate) fn target_triple(&self) -> String {
        std::env::var("CARGO_BUILD_TARGET")
            .ok()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.host.clone())
    }
}

/// The first meaningful line of a tool's stderr (rustup appends backtraces when
/// RUST_BACKTRACE is set), without a leading `error:`.
fn first_error(stderr: &str) -> String {
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("no error message");
    line.trim_start_matches("error:").trim().to_string()
}

fn capture(cmd: &mut Command, what: &str) -> Result<String> {
    let out = interrupt::run(cmd).with_context(|| format!("failed to run `{what}`"))?;
    if !out.status.success() {
        bail!(
            "`{what}` failed: {}",
            first_error(&String::from_utf8_lossy(&out.stderr))
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
