//! Read-only git plumbing: repository discovery, revisions, release tags, and exporting a
//! revision's tree into a temporary directory.
//!
//! Nothing here writes to the user's repository: every command runs with
//! `GIT_OPTIONAL_LOCKS=0` (so even `git status` does not refresh the index), and exports go
//! through a private temporary index file (`GIT_INDEX_FILE`) rather than the real one.

pub mod tags;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{anyhow, bail, Context, Result};

use crate::interrupt;

/// A git command running in `dir`, isolated from anything that could write to the repo or
/// wait for a human.
pub(crate) fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    cmd.env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        // Messages are only shown to the user, but a stable language keeps them searchable.
        .env("LC_ALL", "C");
    cmd
}

/// Runs a git command and returns its stdout, or an error quoting git's stderr.
fn run_ok(mut cmd: Command, what: &str) -> Result<String> {
    let out = interrupt::run(&mut cmd).with_context(|| format!("failed to {what}"))?;
    if !out.status.success() {
        bail!("failed to {what}: {}", stderr_text(&out));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn stderr_text(out: &Output) -> String {
    let s = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if s.is_empty() {
        format!("git exited with {}", out.status)
    } else {
        s
    }
}

/// The top-level directory of the work tree containing `dir`, or `None` when `dir` is not in
/// a git work tree or git is not installed (both mean "no git history to use").
/// The output of a git command that succeeded; `None` when git is missing or the command failed
/// (outside a repository, say), an error only for an interrupt.
fn succeeded(cmd: &mut Command) -> Result<Option<Output>> {
    match interrupt::run(cmd) {
        Ok(out) if out.status.success() => Ok(Some(out)),
        Err(e) if interrupt::is_interrupted_error(&e) => Err(e),
        Ok(_) | Err(_) => Ok(None),
    }
}

pub(crate) fn toplevel(dir: &Path) -> Result<Option<PathBuf>> {
    let mut cmd = git(dir);
    cmd.args(["rev-parse", "--show-toplevel"]);
    let Some(out) = succeeded(&mut cmd)? else {
        return Ok(None);
    };
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if line.is_empty() {
        return Ok(None);
    }
    Ok(Some(PathBuf::from(line)))
}

/// The commit HEAD points at, or `None` in a repository without commits.
pub(crate) fn head(root: &Path) -> Result<Option<String>> {
    let mut cmd = git(root);
    cmd.args(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
    let out = interrupt::run(&mut cmd).context("failed to run `git rev-parse HEAD`")?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ))
}

/// The abbreviated hash of HEAD (`git rev-parse --short HEAD`).
pub(crate) fn short_head(root: &Path) -> Result<String> {
    let mut cmd = git(root);
    cmd.args(["rev-parse", "--short", "HEAD"]);
    Ok(run_ok(cmd, "run `git rev-parse --short HEAD`")?
        .trim()
        .to_string())
}

/// Paths (relative to `root`) under `scope` (relative to `root`; empty: everything) with
/// uncommitted or untracked changes, from one `git status`. Untracked files count: they can
/// change a build just as much.
pub(crate) fn changed_paths(root: &Path, scope: &Path) -> Result<Vec<PathBuf>> {
    let mut cmd = git(root);
    cmd.args([
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=normal",
        "--",
    ]);
    cmd.arg(if scope.as_os_str().is_empty() {
        Path::new(".")
    } else {
        scope
    });
    let out = interrupt::run(&mut cmd).context("failed to run `git status`")?;
    if !out.status.success() {
        bail!(
            "failed to run `git status` in {}: {}",
            root.display(),
            stderr_text(&out)
        );
    }
    let mut paths = Vec::new();
    let mut entries = out.stdout.split(|b| *b == 0).filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        paths.push(path_from_bytes(&entry[3..]));
        // a rename or copy is followed by its original path
        if matches!(entry[0], b'R' | b'C') {
            if let Some(orig) = entries.next() {
                paths.push(path_from_bytes(orig));
            }
        }
    }
    Ok(paths)
}

/// Every package in the tree of `commit`: `[package] name` of each `Cargo.toml`, read from git's
/// object store (no checkout), name -> manifest path.
pub(crate) fn packages_at(root: &Path, commit: &str) -> Result<BTreeMap<String, String>> {
    let mut ls = git(root);
    ls.args(["ls-tree", "-r", "-z", "--full-tree", "--name-only", commit]);
    let listing = run_ok(ls, &format!("list the files of commit {}", short(commit)))?;
    let manifests: Vec<&str> = listing
        .split('\0')
        .filter(|p| *p == "Cargo.toml" || p.ends_with("/Cargo.toml"))
        .collect();
    if manifests.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut input = Vec::new();
    for path in &manifests {
        input.extend_from_slice(format!("{commit}:{path}\n").as_bytes());
    }
    let mut cat = git(root);
    cat.args(["cat-file", "--batch"]);
    let out = interrupt::run_with(
        &mut cat,
        interrupt::RunOptions {
            input: Some(&input),
            ..Default::default()
        },
    )
    .context("failed to run `git cat-file`")?;
    if !out.status.success() {
        bail!(
            "failed to read the manifests of commit {}: {}",
            short(commit),
            stderr_text(&out)
        );
    }
    // `<oid> blob <size>\n<content>\n`, once per requested object, in order
    // every manifest gets an answer: a short or garbled reply would make a package look absent
    // at the commit, which reads as a first release, so it is an error instead
    let garbled = || {
        anyhow!(
            "`git cat-file` gave an incomplete answer for the manifests of commit {}",
            short(commit)
        )
    };
    let mut texts = Vec::new();
    let mut rest: &[u8] = &out.stdout;
    for path in &manifests {
        let eol = rest.iter().position(|b| *b == b'\n').ok_or_else(garbled)?;
        let header = String::from_utf8_lossy(&rest[..eol]).into_owned();
        rest = &rest[eol + 1..];
        let (kind, size): (&str, usize) = match header.split(' ').collect::<Vec<_>>().as_slice() {
            [_, "missing"] => continue, // a submodule or a symlink target
            [_, kind, size] => (kind, size.parse().map_err(|_| garbled())?),
            _ => return Err(garbled()),
        };
        if rest.len() < size {
            return Err(garbled());
        }
        if kind == "blob" {
            let body = &rest[..size];
            texts.push((path.to_string(), String::from_utf8_lossy(body).into_owned()));
        }
        rest = &rest[(size + 1).min(rest.len())..];
    }
    Ok(tags::package_names(
        texts.iter().map(|(p, t)| (p.clone(), t.as_str())),
    ))
}

/// The branch HEAD is on (`git symbolic-ref --short -q HEAD`); `None` when detached.
pub(crate) fn current_branch(root: &Path) -> Result<Option<String>> {
    let mut cmd = git(root);
    cmd.args(["symbolic-ref", "--short", "-q", "HEAD"]);
    let out = interrupt::run(&mut cmd).context("failed to run `git symbolic-ref`")?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok((out.status.success() && !name.is_empty()).then_some(name))
}

/// Creates the annotated tag `name` on `commit` (this is `semgate tag --execute`'s one write).
pub(crate) fn create_tag(root: &Path, name: &str, message: &str, commit: &str) -> Result<()> {
    let mut cmd = git(root);
    cmd.args([
        "tag",
        "--annotate",
        "--message",
        message,
        "--",
        name,
        commit,
    ]);
    run_ok(cmd, &format!("create the tag {name}")).map(|_| ())
}

/// Pushes `tags` to `remote`, all or none.
pub(crate) fn push_tags(root: &Path, remote: &str, tags: &[String]) -> Result<()> {
    let mut cmd = git(root);
    cmd.args(["push", "--atomic", "--", remote]);
    cmd.args(tags.iter().map(|t| format!("refs/tags/{t}")));
    run_ok(cmd, &format!("push the tags to {remote}")).map(|_| ())
}

/// Whether the repository is a shallow clone (CI checkouts often are, and lack tags).
pub(crate) fn is_shallow(root: &Path) -> bool {
    let mut cmd = git(root);
    cmd.args(["rev-parse", "--is-shallow-repository"]);
    interrupt::run(&mut cmd)
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true")
        .unwrap_or(false)
}

/// A revision resolved to a commit, with a human description of what it was.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedRev {
    pub commit: String,
    pub description: String,
}

pub(crate) fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// Resolves `rev` (tag, branch, commit, any rev expression) to a commit id.
pub(crate) fn resolve_rev(root: &Path, rev: &str) -> Result<ResolvedRev> {
    if rev.is_empty() || rev.starts_with('-') {
        bail!("invalid git revision `{rev}`: expected a tag, branch or commit");
    }
    let mut cmd = git(root);
    cmd.args(["rev-parse", "--verify", "--quiet"]);
    cmd.arg(format!("{rev}^{{commit}}"));
    let out = interrupt::run(&mut cmd).context("failed to run `git rev-parse`")?;
    if !out.status.success() {
        let mut msg = format!(
            "unknown git revision `{rev}` in {}: it is not a tag, branch or commit of this repository",
            root.display()
        );
        if is_shallow(root) {
            msg.push_str(
                "; this is a shallow clone, so fetch history and tags first \
                 (`git fetch --tags --unshallow`)",
            );
        } else {
            msg.push_str(
                "; list release tags with `git tag --list` or fetch them with `git fetch --tags`",
            );
        }
        bail!(msg);
    }
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let description = describe_rev(root, rev, &commit);
    Ok(ResolvedRev {
        commit,
        description,
    })
}

fn ref_exists(root: &Path, full_ref: &str) -> bool {
    let mut cmd = git(root);
    cmd.args(["rev-parse", "--verify", "--quiet", full_ref]);
    interrupt::run(&mut cmd)
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn describe_rev(root: &Path, rev: &str, commit: &str) -> String {
    let short = short(commit);
    if ref_exists(root, &format!("refs/tags/{rev}")) {
        format!("git tag {rev} ({short})")
    } else if ref_exists(root, &format!("refs/heads/{rev}")) {
        format!("git branch {rev} ({short})")
    } else if commit.starts_with(&rev.to_ascii_lowercase()) && rev.len() >= 4 {
        format!("git commit {short}")
    } else {
        format!("git rev {rev} ({short})")
    }
}

/// A tag reachable from HEAD, peeled to its commit.
#[derive(Debug, Clone)]
pub struct RawTag {
    pub name: String,
    pub commit: String,
    /// Committer date of the tagged commit (unix seconds), for tie-breaking.
    pub date: i64,
}

/// All tags whose commit is an ancestor of (or equal to) HEAD.
pub(crate) fn merged_tags(root: &Path) -> Result<Vec<RawTag>> {
    list_tags(root, true)
}

/// Every tag of the repository, on any branch.
pub(crate) fn all_tags(root: &Path) -> Result<Vec<RawTag>> {
    list_tags(root, false)
}

fn list_tags(root: &Path, merged_only: bool) -> Result<Vec<RawTag>> {
    let mut cmd = git(root);
    cmd.arg("for-each-ref");
    if merged_only {
        cmd.args(["--merged", "HEAD"]);
    }
    // %(*...) are the peeled (annotated tag -> commit) fields; lightweight tags fill the
    // plain ones. Ref names cannot contain NUL or newlines, so this parses unambiguously.
    cmd.args([
        "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(committerdate:unix)%00%(*committerdate:unix)",
        "refs/tags",
    ]);
    let text = run_ok(cmd, &format!("list the git tags of {}", root.display()))?;
    let mut tags = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\0').collect();
        if fields.len() != 5 {
            continue;
        }
        let (commit, date) = if fields[2].is_empty() {
            (fields[1], fields[3])
        } else {
            (fields[2], fields[4])
        };
        tags.push(RawTag {
            name: fields[0].to_string(),
            commit: commit.to_string(),
            date: date.trim().parse().unwrap_or(0),
        });
    }
    Ok(tags)
}

/// Writes the complete tree of `commit` into `dest` (which must not exist yet or be empty).
///
/// This uses a throw-away index (`GIT_INDEX_FILE` pointing into `scratch`) plus
/// `git checkout-index --prefix`, which touches neither the user's index nor work tree.
/// Unlike `git archive` it ignores `export-ignore`/`export-subst` attributes: crates often
/// `export-ignore` tests or benches that their Cargo.toml still names, which would make the
/// exported package fail to load. Submodules are not exported.
pub(crate) fn export_tree(root: &Path, commit: &str, scratch: &Path, dest: &Path) -> Result<()> {
    let index = scratch.join("semgate-export.index");
    let mut read = git(root);
    read.env("GIT_INDEX_FILE", &index)
        .args(["read-tree", commit]);
    run_ok(read, &format!("read the tree of commit {}", short(commit)))?;

    std::fs::create_dir_all(dest)
        .with_context(|| format!("failed to create the export directory {}", dest.display()))?;
    // checkout-index wants a prefix that ends in a separator to treat it as a directory.
    let mut prefix = dest.as_os_str().to_owned();
    prefix.push("/");
    let mut prefix_arg = OsString::from("--prefix=");
    prefix_arg.push(&prefix);
    let mut checkout = git(root);
    checkout
        .env("GIT_INDEX_FILE", &index)
        .args(["checkout-index", "--all", "--force"])
        .arg(prefix_arg);
    run_ok(
        checkout,
        &format!("export commit {} into {}", short(commit), dest.display()),
    )?;
    // Best effort: the index lives in a temp dir that is removed anyway.
    let _ = std::fs::remove_file(&index);
    Ok(())
}

/// Files git considers part of `dir` (tracked plus untracked-but-not-ignored), relative to
/// `dir`; `None` when `dir` is not in a git work tree.
pub(crate) fn list_files(dir: &Path) -> Result<Option<Vec<PathBuf>>> {
    let mut cmd = git(dir);
    cmd.args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--",
        ".",
    ]);
    let Some(out) = succeeded(&mut cmd)? else {
        return Ok(None);
    };
    let mut files: Vec<PathBuf> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(path_from_bytes)
        .collect();
    files.sort();
    files.dedup();
    Ok(Some(files))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The path with symlinks resolved, or as given when it does not exist.
pub(crate) fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}
