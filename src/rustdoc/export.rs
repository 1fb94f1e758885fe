//! Kept exports of a git revision and scratch directories for `check --prove`'s generated
//! crates.

use super::*;

/// A scratch directory for `check --prove`'s generated crate (see [`scratch`]).
pub fn prove_scratch(dir: &Path) -> Result<tempfile::TempDir> {
    scratch::create(dir, "semgate-prove-")
}

/// How many exported git trees `check --prove` keeps (the most recently used).
const PROVE_TREES: usize = 3;

/// The sources of the package at a git revision, for `check --prove`: the revision exported
/// once into `<dir>/trees/<commit>` and kept (at most [`PROVE_TREES`], the most recently used),
/// so that its builds in proving's target directory are reused from run to run; the package's
/// directory in it, and the lockfile its workspace resolved with. An export is made in a
/// scratch directory and moved into place whole, marked done by `<commit>.done` beside it.
pub fn export_package(ctx: &BuildContext, rev: &str, dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let repo = ctx
        .git
        .as_ref()
        .ok_or_else(|| ctx.not_a_repo(&format!("export git revision `{rev}`")))?;
    let resolved = git::resolve_rev(&repo.root, rev)?;
    let trees = dir.join("trees");
    let tree = trees.join(&resolved.commit);
    let done = trees.join(format!("{}.done", resolved.commit));
    if !done.is_file() {
        let scratch = scratch::create(dir, "semgate-prove-")?;
        let staging = scratch.path().join("tree");
        git::export_tree(&repo.root, &resolved.commit, scratch.path(), &staging)?;
        std::fs::create_dir_all(&trees)
            .with_context(|| format!("failed to create {}", trees.display()))?;
        // a tree without its mark is what an interrupted run left
        let _ = std::fs::remove_dir_all(&tree);
        if let Err(e) = std::fs::rename(&staging, &tree) {
            if !done.is_file() {
                return Err(e)
                    .with_context(|| format!("failed to move the export to {}", tree.display()));
            }
        }
        std::fs::write(&done, &resolved.commit)
            .with_context(|| format!("failed to write {}", done.display()))?;
    }
    // used now: the mark's time orders the trees for pruning
    if let Ok(file) = std::fs::File::options().write(true).open(&done) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    prune_trees(&trees, &resolved.commit);
    let package_dir = tree.join(&repo.package_rel);
    if !package_dir.join("Cargo.toml").is_file() {
        bail!(
            "package `{}` is not at {} in {}",
            ctx.package_name(),
            repo.package_rel.display(),
            resolved.description
        );
    }
    let lock = [tree.join(&repo.workspace_rel), tree.clone()]
        .into_iter()
        .map(|d| d.join("Cargo.lock"))
        .find(|l| l.is_file())
        .unwrap_or_else(|| ctx.workspace_root.join("Cargo.lock"));
    Ok((package_dir, lock))
}

/// Removes the exported trees beyond the [`PROVE_TREES`] most recently used (never `keep`).
fn prune_trees(trees: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(trees) else {
        return;
    };
    let mut marks: Vec<(std::time::SystemTime, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let commit = name.strip_suffix(".done")?.to_string();
            let time = e.metadata().and_then(|m| m.modified()).ok()?;
            Some((time, commit))
        })
        .collect();
    marks.sort();
    marks.reverse();
    for (_, commit) in marks.into_iter().skip(PROVE_TREES) {
        if commit != keep {
            let _ = std::fs::remove_file(trees.join(format!("{commit}.done")));
            let _ = std::fs::remove_dir_all(trees.join(&commit));
        }
    }
}
