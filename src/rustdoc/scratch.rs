//! Temporary directories (git exports, registry placeholders, private lockfiles) that record
//! their owner, so that what a killed run left behind is removed by the next one.
//!
//! A run that exits, fails or is interrupted removes its own directories (they are dropped).
//! Only SIGKILL (or a power cut) leaves them; each holds an `.semgate-owner` file with the
//! process id, and creating a new scratch directory removes the siblings of the same family
//! whose owner no longer runs.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// The file inside each scratch directory naming the process that owns it.
const OWNER: &str = ".semgate-owner";

/// Every prefix semgate gives its temporary directories.
const FAMILY: &[&str] = &[
    "semgate-git-",
    "semgate-registry-",
    "semgate-lock-",
    "semgate-published-",
    "semgate-prove-",
];

/// A new temporary directory `<dir>/<prefix>XXXXXX` (created with `dir`), owned by this
/// process; leftovers of dead runs next to it are removed first.
pub(crate) fn create(dir: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    fs::create_dir_all(dir)
        .with_context(|| format!("failed to create the directory {}", dir.display()))?;
    prune_orphans(dir);
    let scratch = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(dir)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in {}; check that it is writable",
                dir.display()
            )
        })?;
    fs::write(scratch.path().join(OWNER), std::process::id().to_string())
        .with_context(|| format!("failed to write in {}", scratch.path().display()))?;
    Ok(scratch)
}

/// Removes scratch directories in `dir` whose owner process is gone.
fn prune_orphans(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !FAMILY.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let path = entry.path();
        let Some(pid) = fs::read_to_string(path.join(OWNER))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        else {
            continue; // not ours, or still being created
        };
        if pid != std::process::id() && !alive(pid) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only asks whether the process exists
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_owners_directory_is_removed_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join("semgate-git-dead");
        fs::create_dir_all(&dead).unwrap();
        // a pid beyond pid_max: no such process
        fs::write(dead.join(OWNER), "4194305").unwrap();
        let live = dir.path().join("semgate-lock-live");
        fs::create_dir_all(&live).unwrap();
        fs::write(live.join(OWNER), std::process::id().to_string()).unwrap();
        let foreign = dir.path().join("semgate-git-no-owner");
        fs::create_dir_all(&foreign).unwrap();
        let made = create(dir.path(), "semgate-git-").unwrap();
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(foreign.exists());
        assert!(made.path().join(OWNER).is_file());
    }
}
