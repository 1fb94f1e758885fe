//! Compiling the generated crate against one side: write it into a scratch directory that
//! depends on the side (by path or by registry version), `cargo check` it with the side's
//! toolchain and a target directory kept from run to run, and attribute each error to the
//! witness its primary span lands in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::generate::{generate, Generated, CRATE};
use super::outcome::Compiled;

/// How many compilations a side gets: an error can hide another witness's (name resolution
/// errors stop rustc before borrow checking), so the witnesses without an error are compiled
/// again on their own until a compilation succeeds.
const MAX_ROUNDS: usize = 4;

/// Where the generated crate finds one side.
#[derive(Debug, Clone)]
pub enum DepSource {
    /// the package's directory (the working tree, a checkout, an export of a git revision)
    Path(PathBuf),
    /// a published version, from the named registry or the default one
    Registry {
        version: semver::Version,
        registry: Option<String>,
    },
}

/// One side as a dependency of the generated crate.
#[derive(Debug, Clone)]
pub struct SideDep {
    /// the package name (`my-crate`)
    pub package: String,
    /// the library's crate name (`my_crate`): the name witnesses use
    pub lib: String,
    pub source: DepSource,
    pub features: Vec<String>,
    pub default_features: bool,
    /// a lockfile to start resolution from (the side's own), so the dependency builds with the
    /// versions the side was documented with
    pub lockfile: Option<PathBuf>,
    /// "baseline" or "current": the target directory's name and the messages'
    pub role: &'static str,
}

/// Where compilations happen.
pub struct Place<'a> {
    /// a cargo command of the toolchain the sides were documented with
    pub cargo: &'a (dyn Fn() -> Command + Sync),
    /// `<semgate target>/prove`: `<role>` below it is cargo's target directory for that side,
    /// and the scratch crates are created in it (inside the project, so its
    /// `.cargo/config.toml` applies)
    pub dir: PathBuf,
}

/// Compiles the witnesses `(key, function text)` against a side; one result per key.
pub fn check_side(
    side: &SideDep,
    witnesses: &[(usize, String)],
    place: &Place<'_>,
) -> Result<BTreeMap<usize, Compiled>> {
    // cargo runs in the scratch crate: a relative target directory would land inside it, and
    // go with it
    let absolute = Place {
        cargo: place.cargo,
        dir: std::path::absolute(&place.dir)
            .with_context(|| format!("invalid directory {}", place.dir.display()))?,
    };
    let place = &absolute;
    let mut results = BTreeMap::new();
    let mut pending: Vec<(usize, &str)> = witnesses.iter().map(|(k, t)| (*k, t.as_str())).collect();
    for _ in 0..MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        crate::interrupt::check()?;
        let generated = generate(&pending);
        let out = compile(side, &generated, place)?;
        match out {
            Compilation::Success => {
                for (k, _) in &pending {
                    results.insert(*k, Compiled::Ok);
                }
                pending.clear();
            }
            Compilation::Failed { attributed, other } => {
                if let Some(why) = &other.dependency {
                    for (k, _) in &pending {
                        results.insert(*k, Compiled::Unknown(why.clone()));
                    }
                    pending.clear();
                    break;
                }
                if attributed.is_empty() {
                    let why = other
                        .stray
                        .clone()
                        .unwrap_or_else(|| "cargo failed without a compiler error".to_string());
                    for (k, _) in &pending {
                        results.insert(*k, Compiled::Unknown(why.clone()));
                    }
                    pending.clear();
                    break;
                }
                results.extend(attributed);
                pending.retain(|(k, _)| !results.contains_key(k));
            }
        }
    }
    for (k, _) in pending {
        results.insert(
            k,
            Compiled::Unknown(format!(
                "other witnesses kept failing after {MAX_ROUNDS} compilations"
            )),
        );
    }
    Ok(results)
}

/// What one `cargo check` said.
enum Compilation {
    Success,
    Failed {
        /// each witness with an error: the first error in the lines it is about, or unknown
        /// when its errors are all elsewhere in it
        attributed: BTreeMap<usize, Compiled>,
        other: Stray,
    },
}

#[derive(Default)]
struct Stray {
    /// the side itself failed to compile (an error in another package)
    dependency: Option<String>,
    /// an error in the generated crate outside every witness, or cargo's own failure
    stray: Option<String>,
}

fn compile(side: &SideDep, generated: &Generated, place: &Place<'_>) -> Result<Compilation> {
    std::fs::create_dir_all(&place.dir)
        .with_context(|| format!("failed to create {}", place.dir.display()))?;
    let scratch = crate::rustdoc::prove_scratch(&place.dir)?;
    let dir = scratch.path();
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("failed to write in {}", dir.display()))?;
    // a version of its own per scratch crate: cargo names a workspace root's artifacts by its
    // path relative to itself, so every scratch crate would otherwise share one artifact in
    // the shared target directory, and a concurrent run's build (another `--prove` in the same
    // project, another test) could be taken as fresh for this one, diagnostics and all
    let unique: String = dir
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect()
        })
        .filter(|u: &String| !u.is_empty())
        .with_context(|| {
            format!(
                "scratch directory {} has no name to version the witness crate by",
                dir.display()
            )
        })?;
    std::fs::write(dir.join("Cargo.toml"), manifest(side, &unique))
        .with_context(|| format!("failed to write in {}", dir.display()))?;
    std::fs::write(dir.join("src/lib.rs"), &generated.source)
        .with_context(|| format!("failed to write in {}", dir.display()))?;
    if let Some(lock) = side.lockfile.as_deref() {
        // a seed only: cargo adds the witness crate and drops what it does not need
        crate::rustdoc::seed_lockfile(lock, &dir.join("Cargo.lock"))?;
    }
    let mut cmd = (place.cargo)();
    cmd.arg("check")
        .arg("--message-format=json")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(place.dir.join(side.role))
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let out = crate::interrupt::run(&mut cmd)
        .with_context(|| format!("failed to run cargo check for the {} witnesses", side.role))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed = parse(&stdout, generated, dir);
    if out.status.success() && parsed.is_none() {
        return Ok(Compilation::Success);
    }
    Ok(match parsed {
        Some(c) => c,
        None => Compilation::Failed {
            attributed: BTreeMap::new(),
            other: Stray {
                dependency: None,
                stray: Some(format!(
                    "cargo check failed: {}",
                    first_error_line(&String::from_utf8_lossy(&out.stderr))
                )),
            },
        },
    })
}

/// The generated crate's manifest, depending on the side.
fn manifest(side: &SideDep, unique: &str) -> String {
    let mut dep = format!("package = {}", toml_str(&side.package));
    match &side.source {
        DepSource::Path(dir) => {
            let _ = write!(dep, ", path = {}", toml_str(&dir.to_string_lossy()));
        }
        DepSource::Registry { version, registry } => {
            let _ = write!(dep, ", version = {}", toml_str(&format!("={version}")));
            if let Some(r) = registry {
                let _ = write!(dep, ", registry = {}", toml_str(r));
            }
        }
    }
    if !side.default_features {
        dep.push_str(", default-features = false");
    }
    if !side.features.is_empty() {
        let list: Vec<String> = side.features.iter().map(|f| toml_str(f)).collect();
        let _ = write!(dep, ", features = [{}]", list.join(", "));
    }
    format!(
        "[package]\nname = \"{CRATE}\"\nversion = \"0.0.0-w{unique}\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n[dependencies]\n{} = {{ {dep} }}\n\n[workspace]\n",
        side.lib
    )
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Deserialize)]
struct CargoLine {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    message: String,
    level: String,
    #[serde(default)]
    code: Option<DiagnosticCode>,
    #[serde(default)]
    spans: Vec<DiagSpan>,
}

#[derive(Deserialize)]
struct DiagnosticCode {
    code: String,
}

#[derive(Deserialize)]
struct DiagSpan {
    file_name: String,
    line_start: usize,
    is_primary: bool,
    /// for a span inside a macro's expansion: where the macro was called
    #[serde(default)]
    expansion: Option<Box<Expansion>>,
}

#[derive(Deserialize)]
struct Expansion {
    span: DiagSpan,
}

impl DiagSpan {
    /// The line in the generated file: the span's own, or its macro call site's (`matches!`).
    fn line_in(&self, dir: &Path) -> Option<usize> {
        let mut span = self;
        for _ in 0..64 {
            if in_generated(&span.file_name, dir) {
                return Some(span.line_start);
            }
            span = &span.expansion.as_ref()?.span;
        }
        None
    }
}

/// The errors of a `cargo check --message-format json` run, attributed; `None` when there
/// were none.
fn parse(stdout: &str, generated: &Generated, dir: &Path) -> Option<Compilation> {
    let mut attributed: BTreeMap<usize, String> = BTreeMap::new();
    // errors in a witness but outside the lines it is about
    let mut unfocused: BTreeMap<usize, String> = BTreeMap::new();
    let mut other = Stray::default();
    let mut any = false;
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<CargoLine>(line) else {
            continue;
        };
        if msg.reason != "compiler-message" {
            continue;
        }
        let (Some(target), Some(diag)) = (msg.target, msg.message) else {
            continue;
        };
        if !diag.level.starts_with("error") {
            continue;
        }
        if diag.spans.is_empty() && diag.message.starts_with("aborting due to") {
            continue;
        }
        any = true;
        let text = match &diag.code {
            Some(c) => format!("error[{}]: {}", c.code, diag.message),
            None => format!("error: {}", diag.message),
        };
        if target.name != CRATE {
            other.dependency.get_or_insert_with(|| {
                format!("the side does not compile as a dependency: {text}")
            });
            continue;
        }
        let witness = diag
            .spans
            .iter()
            .filter(|s| s.is_primary)
            .find_map(|s| s.line_in(dir))
            .and_then(|line| generated.witness_at(line));
        match witness {
            Some((k, true)) => {
                attributed.entry(k).or_insert(text);
            }
            Some((k, false)) => {
                unfocused.entry(k).or_insert(text);
            }
            None => {
                other
                    .stray
                    .get_or_insert_with(|| format!("an error outside every witness: {text}"));
            }
        }
    }
    let mut judged: BTreeMap<usize, Compiled> = attributed
        .into_iter()
        .map(|(k, e)| (k, Compiled::Error(e)))
        .collect();
    for (k, text) in unfocused {
        judged.entry(k).or_insert_with(|| {
            Compiled::Unknown(format!(
                "an error elsewhere in the witness than the lines it is about: {text}"
            ))
        });
    }
    any.then_some(Compilation::Failed {
        attributed: judged,
        other,
    })
}

/// Whether a span's file is the generated `src/lib.rs` (cargo reports it relative to the
/// package, or absolute).
fn in_generated(file: &str, dir: &Path) -> bool {
    let file = file.replace('\\', "/");
    file == "src/lib.rs" || Path::new(&file) == dir.join("src/lib.rs")
}

fn first_error_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with("error"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("no output")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(target: &str, level: &str, code: Option<&str>, file: &str, at: usize) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "target": { "name": target },
            "message": {
                "message": "this function takes 2 arguments but 1 argument was supplied",
                "level": level,
                "code": code.map(|c| serde_json::json!({ "code": c })),
                "spans": [{ "file_name": file, "line_start": at, "is_primary": true }],
            }
        })
        .to_string()
    }

    #[test]
    fn errors_are_attributed_to_the_witness_they_land_in() {
        let f = super::super::generate::function(
            3,
            "t",
            &super::super::template::Code::body("::k::f(1);"),
        );
        let g = generate(&[(3, &f)]);
        let at = g.placed[0].lines.0 + 2;
        let out = [
            line(CRATE, "warning", None, "src/lib.rs", at),
            line(CRATE, "error", Some("E0061"), "src/lib.rs", at),
            line(CRATE, "error", Some("E0308"), "src/lib.rs", at),
        ]
        .join("\n");
        let Some(Compilation::Failed { attributed, other }) = parse(&out, &g, Path::new("/x"))
        else {
            panic!("an error was reported");
        };
        assert_eq!(
            attributed.get(&3),
            Some(&Compiled::Error(
                "error[E0061]: this function takes 2 arguments but 1 argument was supplied".into()
            )),
            "the first error in the witness"
        );
        assert!(other.dependency.is_none() && other.stray.is_none());

        let out = line("k", "error", Some("E0425"), "src/lib.rs", 1);
        let Some(Compilation::Failed { attributed, other }) = parse(&out, &g, Path::new("/x"))
        else {
            panic!("an error was reported");
        };
        assert!(attributed.is_empty());
        assert!(other.dependency.is_some(), "an error in the side itself");
        assert!(parse("", &g, Path::new("/x")).is_none());
    }

    #[test]
    fn the_manifest_depends_on_the_side() {
        let side = SideDep {
            package: "my-crate".into(),
            lib: "my_crate".into(),
            source: DepSource::Path(PathBuf::from("/w/my \"crate\"")),
            features: vec!["serde".into()],
            default_features: false,
            lockfile: None,
            role: "baseline",
        };
        let m = manifest(&side, "abc");
        assert!(m.contains(
            "my_crate = { package = \"my-crate\", path = \"/w/my \\\"crate\\\"\", default-features = false, features = [\"serde\"] }"
        ), "{m}");
        assert!(m.contains("\n[workspace]\n"));
        let parsed: toml_edit::DocumentMut = m.parse().expect("valid TOML");
        assert!(parsed.get("dependencies").is_some());
    }
}
