//! `semgate version`: the one version of a shared-version workspace.

use anyhow::Result;

use super::bump::Layout;
use crate::cli::VersionArgs;
use crate::progress::Progress;
use crate::rustdoc::Workspace;
use crate::{EXIT_PASS, EXIT_REFUSED};

/// `semgate version`: prints the workspace's one version; exit 1 listing the packages that differ.
pub fn version(args: &VersionArgs, progress: &Progress) -> Result<i32> {
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let layout = Layout::read(&ws)?;
    match layout.shared() {
        Ok(v) => {
            super::write_stdout(&format!("{v}\n"))?;
            Ok(EXIT_PASS)
        }
        Err(lines) => {
            progress.error(format!(
                "the workspace's packages do not share one version:\n  {}\nhelp: `semgate bump` writes one version to every manifest; an independently versioned workspace has no single version (read each package's own)",
                lines.join("\n  ")
            ));
            Ok(EXIT_REFUSED)
        }
    }
}
