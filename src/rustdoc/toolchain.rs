//! Pins the Rust toolchain used for every build of a run, and makes sure it can build JSON
//! semgate reads.
//!
//! Both sides must be documented by the same rustdoc (same JSON format, same rendering), but
//! an exported baseline tree may carry its own `rust-toolchain.toml`, and a registry
//! placeholder lives outside the user's project. So the toolchain is resolved once, from the
//! user's package directory (or `--toolchain`), and every cargo invocation gets absolute
//! `RUSTC`/`RUSTDOC` paths into that toolchain's sysroot.
//!
//! Which JSON format a rustdoc emits is asked of the rustdoc itself (it documents a one-line
//! crate), not guessed from its version. When the project's toolchain emits a format semgate
//! cannot read, or no JSON at all (projects pinning an old stable for their MSRV), another
//! installed toolchain that can is chosen, and the progress output says which; `--toolchain`
//! is never overridden.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::api::format;
use crate::interrupt;

/// What to install when no toolchain can build readable JSON: a release whose rustdoc emits
/// a supported format (57), in rustup's smallest profile (which has rustdoc).
const INSTALL: &str = "rustup toolchain install 1.95.0 --profile minimal";

/// `format` of a rustdoc that cannot emit JSON at all.
const NO_JSON: u32 = 0;

/// An installed toolchain and the format its rustdoc emits (`None`: it emits no JSON).
#[derive(Debug, Clone)]
pub struct ToolchainFormat {
    pub name: String,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`
    pub release: String,
    pub is_default: bool,
    pub format: Option<u32>,
}

/// Every toolchain rustup has installed, in rustup's order (the default first), with the
/// format each emits; empty without rustup. For `--version --verbose` and for choosing a
/// toolchain when the project's cannot be used.
pub fn installed_formats() -> Vec<ToolchainFormat> {
    installed(Path::new("."))
}

fn installed(dir: &Path) -> Vec<ToolchainFormat> {
    let mut cmd = Command::new("rustup");
    cmd.args(["toolchain", "list"]).current_dir(dir);
    let Ok(out) = interrupt::run(&mut cmd) else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    let mut list: Vec<ToolchainFormat> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let name = line.split_whitespace().next()?.to_string();
            if name == "no" {
                return None; // "no installed toolchains"
            }
            let is_default = line.contains("(default") || line.contains(" default");
            let mut rustc = Command::new("rustc");
            rustc.arg(format!("+{name}")).arg("-V").current_dir(dir);
            let release = capture(&mut rustc, "rustc -V").ok()?.trim().to_string();
            let mut version = Command::new("rustdoc");
            version.arg(format!("+{name}")).arg("-V").current_dir(dir);
            let rustdoc_v = capture(&mut version, "rustdoc -V").ok()?;
            let mut rustdoc = Command::new("rustdoc");
            rustdoc.arg(format!("+{name}"));
            let format = emitted_format(rustdoc, &format!("+{name}"), &rustdoc_v)
                .ok()
                .filter(|&f| f != NO_JSON);
            Some(ToolchainFormat {
                name,
                release,
                is_default,
                format,
            })
        })
        .collect();
    // the default toolchain is the least surprising choice; rustup's order otherwise
    list.sort_by_key(|t| !t.is_default);
    list
}

/// `rustc -vV` and `rustdoc -V` answers remembered by the identity of the two executables (path,
/// size, modification time), as cargo remembers `rustc -vV` in `.rustc_info.json`: asking costs
/// two process spawns on every run, and an updated toolchain (rustup replaces the files) has
/// another identity. Only real files are remembered: a bare `rustdoc` found on `PATH` is asked.
struct VersionMemo {
    file: PathBuf,
}

impl VersionMemo {
    fn new(rustc: &std::ffi::OsStr, rustdoc: Option<&std::ffi::OsStr>) -> Option<VersionMemo> {
        use std::fmt::Write;
        let mut key = String::from("versions v1\n");
        for exe in [Some(rustc), rustdoc] {
            let path = Path::new(exe?);
            if !path.is_absolute() {
                return None;
            }
            let meta = std::fs::metadata(path).ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            let _ = writeln!(
                key,
                "{}\0{}\0{}",
                path.display(),
                meta.len(),
                modified.as_nanos()
            );
        }
        Some(VersionMemo {
            file: memo_file("versions-", &key),
        })
    }

    fn read(&self) -> Option<(String, String)> {
        let text = std::fs::read_to_string(&self.file).ok()?;
        let (rustc_vv, rustdoc_v) = text.split_once('\0')?;
        (rustc_vv.contains("host: ") && !rustdoc_v.trim().is_empty())
            .then(|| (rustc_vv.to_string(), rustdoc_v.to_string()))
    }

    fn write(&self, rustc_vv: &str, rustdoc_v: &str) {
        write_memo(&self.file, &format!("{rustc_vv}\0{rustdoc_v}"));
    }
}

/// `rustc --print sysroot` in `dir` (with `+toolchain` when one is named), through the user's
/// `RUSTC` when it is set and no toolchain is named, as cargo would.
fn sysroot_command(dir: &Path, explicit: Option<&str>) -> Command {
    let user_rustc = std::env::var_os("RUSTC").filter(|v| !v.is_empty() && explicit.is_none());
    let mut cmd = Command::new(user_rustc.unwrap_or_else(|| OsString::from("rustc")));
    if let Some(tc) = explicit {
        cmd.arg(format!("+{tc}"));
    }
    cmd.args(["--print", "sysroot"]).current_dir(dir);
    cmd
}

type Prefetch = (
    PathBuf,
    std::thread::JoinHandle<Result<std::process::Output>>,
);

/// The project toolchain's sysroot query, started early by [`prefetch_sysroot`].
static PREFETCH: std::sync::Mutex<Option<Prefetch>> = std::sync::Mutex::new(None);

/// Starts `rustc --print sysroot` in `dir` on a thread: the first thing resolving the project's
/// toolchain needs, and a rustup proxy hop long (tens of ms), so a run overlaps it with
/// `cargo metadata`. Only this query is started early: it has no side effect, and a run that
/// ends first simply never reads it.
pub(crate) fn prefetch_sysroot(dir: &Path) {
    let owned = dir.to_path_buf();
    let cmd_dir = owned.clone();
    let handle = std::thread::spawn(move || interrupt::run(&mut sysroot_command(&cmd_dir, None)));
    *PREFETCH.lock().unwrap_or_else(|p| p.into_inner()) = Some((owned, handle));
}

/// The prefetched answer for `dir`, if one was started there (taken: it is used once).
fn prefetched(dir: &Path) -> Option<Result<std::process::Output>> {
    let mut slot = PREFETCH.lock().unwrap_or_else(|p| p.into_inner());
    match slot.take() {
        Some((at, handle)) if at == dir => {
            Some(handle.join().unwrap_or_else(|_| {
                Err(anyhow::anyhow!("`rustc --print sysroot` could not be run"))
            }))
        }
        other => {
            *slot = other;
            None
        }
    }
}

/// `rustc 1.95.0 (...)` from `rustc -vV` output.
fn release(rustc_vv: &str) -> String {
    rustc_vv
        .lines()
        .find_map(|l| l.strip_prefix("release: "))
        .map(|r| format!("rustc {}", r.trim()))
        .unwrap_or_else(|| "rustc of unknown version".to_string())
}

/// The rustdoc JSON format `rustdoc` emits, found by documenting a one-line crate;
/// [`NO_JSON`] when it cannot emit JSON at all.
///
/// Asking costs a rustdoc run (about a second through rustup's proxy), on every semgate run
/// and for every fixture in the tests, so answers are remembered by the rustdoc's identity
/// (`which`: its path or `+toolchain`, and its `rustdoc -V`): in memory, and in a file per
/// rustdoc in the user's cache directory ([`memo_dir`]). A memo that cannot be read is asked
/// again.
/// Where the format memos live: `$XDG_CACHE_HOME/semgate/rustdoc-formats`, else
/// `$HOME/.cache/semgate/rustdoc-formats`; the system's temporary directory only without a home.
/// Not a temporary directory: a run must leave nothing behind there.
fn memo_dir() -> PathBuf {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("semgate")
        .join("rustdoc-formats")
}

/// The memo file for `key` in [`memo_dir`]: `prefix` and a digest of the key.
fn memo_file(prefix: &str, key: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let digest: String = Sha256::digest(key.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    memo_dir().join(format!("{prefix}{digest}"))
}

/// Writes a memo whole (temporary file, then rename). Best effort: a memo that cannot be
/// written only costs the next run the question it answers.
fn write_memo(file: &Path, text: &str) {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return;
    };
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, text))
        .and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn emitted_format(rustdoc: Command, which: &str, rustdoc_v: &str) -> Result<u32> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static MEMO: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

    let key = format!("{which}\n{}", rustdoc_v.trim());
    let remembered = |memo: &mut Option<HashMap<String, u32>>| {
        memo.get_or_insert_with(HashMap::new).get(&key).copied()
    };
    if let Some(f) = remembered(&mut MEMO.lock().unwrap_or_else(|p| p.into_inner())) {
        return Ok(f);
    }
    let file = memo_file("", &key);
    let on_disk = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok());
    let format = match on_disk {
        Some(f) => f,
        None => {
            let f = ask_format(rustdoc)?;
            write_memo(&file, &f.to_string());
            f
        }
    };
    MEMO.lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(key, format);
    Ok(format)
}

fn ask_format(mut rustdoc: Command) -> Result<u32> {
    let scratch = tempfile::Builder::new()
        .prefix("semgate-format-probe-")
        .tempdir()
        .context("failed to create a temporary directory to ask rustdoc for its JSON format")?;
    let lib = scratch.path().join("lib.rs");
    std::fs::write(&lib, "pub fn probe() {}\n")
        .with_context(|| format!("failed to write {}", lib.display()))?;
    rustdoc
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .args([
            "--crate-name",
            "semgate_format_probe",
            "--crate-type",
            "lib",
            "-o",
        ])
        .arg(scratch.path())
        .arg(&lib)
        .current_dir(scratch.path())
        .env("RUSTC_BOOTSTRAP", "1");
    let out = interrupt::run(&mut rustdoc).context("failed to run rustdoc")?;
    let json = scratch.path().join("semgate_format_probe.json");
    if !out.status.success() || !json.is_file() {
        return Ok(NO_JSON);
    }
    let bytes =
        std::fs::read(&json).with_context(|| format!("failed to read {}", json.display()))?;
    Ok(crate::api::load::format_of(&bytes).unwrap_or(NO_JSON))
}

/// A resolved toolchain: how to run cargo, and what it is (for the cache key).
#[derive(Debug)]
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
    /// The rustdoc JSON format this toolchain emits.
    pub format: u32,
    /// Why this toolchain was chosen instead of the project's, when it was.
    pub switched: Option<String>,
    announced: std::sync::atomic::AtomicBool,
}

impl Toolchain {
    /// Resolves the toolchain as seen from `dir` (where rustup's overrides apply), or the
    /// explicitly requested `toolchain`, and checks that it emits a readable JSON format;
    /// without `--toolchain`, an installed toolchain that does replaces one that does not.
    pub(crate) fn resolve(dir: &Path, toolchain: Option<&str>) -> Result<Toolchain> {
        let explicit = toolchain.filter(|t| !t.trim().is_empty());
        let project = Toolchain::resolve_as(dir, explicit)?;
        let problem = match project.format {
            f if format::is_supported(f) => return Ok(project),
            NO_JSON => "cannot emit rustdoc JSON".to_string(),
            f => format!(
                "emits rustdoc JSON format {f}, which semgate does not read (it reads {})",
                format::supported_list()
            ),
        };
        let which = match explicit {
            Some(tc) => format!("toolchain `{tc}` ({})", release(&project.rustc_vv)),
            None => format!("the project's toolchain ({})", release(&project.rustc_vv)),
        };
        let installed = installed(dir);
        let usable: Vec<&ToolchainFormat> = installed
            .iter()
            .filter(|t| t.format.is_some_and(format::is_supported))
            .collect();
        if let Some(tc) = explicit {
            let hint = match usable.first() {
                Some(t) => format!("pick one that can, e.g. `--toolchain {}`", t.name),
                None => format!("install one that can with `{INSTALL}`"),
            };
            bail!("{which} {problem}\nhelp: {hint}, or leave --toolchain out (it was `{tc}`)");
        }
        let Some(choice) = usable.first() else {
            bail!(
                "{which} {problem}, and no installed toolchain emits a format it reads\nhelp: install one with `{INSTALL}` (semgate then uses it for both sides)"
            );
        };
        let mut chosen = Toolchain::resolve_as(dir, Some(&choice.name))?;
        if !format::is_supported(chosen.format) {
            bail!(
                "{which} {problem}, and toolchain `{}` did not emit a readable format when asked again\nhelp: pass a toolchain with --toolchain",
                choice.name
            );
        }
        chosen.switched = Some(format!(
            "toolchain `{}` (rustdoc JSON format {}) for both sides: {which} {problem}",
            choice.name, chosen.format
        ));
        Ok(chosen)
    }

    /// Prints, once per run, which toolchain was chosen instead of the project's.
    pub(crate) fn announce(&self, progress: &crate::progress::Progress) {
        use std::sync::atomic::Ordering;
        if let Some(why) = &self.switched {
            if !self.announced.swap(true, Ordering::Relaxed) {
                progress.status("Using", why);
            }
        }
    }

    fn resolve_as(dir: &Path, explicit: Option<&str>) -> Result<Toolchain> {
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

        let out = match explicit.is_none().then(|| prefetched(dir)).flatten() {
            Some(out) => out,
            None => interrupt::run(&mut sysroot_command(dir, explicit)),
        }
        .context("failed to locate the rust toolchain")?;
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

        let rustdoc_cmd = || match &rustdoc {
            Some(rd) => Command::new(rd),
            None => {
                let mut cmd = Command::new("rustdoc");
                if let Some(tc) = explicit {
                    cmd.arg(format!("+{tc}"));
                }
                cmd
            }
        };
        let memo = VersionMemo::new(&rustc, rustdoc.as_deref());
        let remembered = memo.as_ref().and_then(VersionMemo::read);
        let asked = remembered.is_none();
        // the two version queries are independent: run them at once
        let (rustc_vv, rustdoc_v) = match remembered {
            Some(versions) => (Ok(versions.0), Ok(versions.1)),
            None => std::thread::scope(|scope| {
                let rustdoc_v =
                    scope.spawn(|| capture(rustdoc_cmd().arg("-V").current_dir(dir), "rustdoc -V"));
                let rustc_vv = capture(
                    Command::new(&rustc).arg("-vV").current_dir(dir),
                    "rustc -vV",
                );
                let rustdoc_v = rustdoc_v
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("`rustdoc -V` could not be run")));
                (rustc_vv, rustdoc_v)
            }),
        };
        let (rustc_vv, rustdoc_v) = (rustc_vv?, rustdoc_v?);
        if let (Some(memo), true) = (&memo, asked) {
            memo.write(&rustc_vv, &rustdoc_v);
        }
        let host = rustc_vv
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let which = match (&rustdoc, explicit) {
            (Some(path), _) => path.to_string_lossy().into_owned(),
            (None, Some(tc)) => format!("+{tc}"),
            (None, None) => "rustdoc".to_string(),
        };
        let format = emitted_format(rustdoc_cmd(), &which, &rustdoc_v)?;

        Ok(Toolchain {
            cargo,
            cargo_args,
            env,
            rustc_vv,
            rustdoc_v,
            host,
            format,
            switched: None,
            announced: Default::default(),
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
