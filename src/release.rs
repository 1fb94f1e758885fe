//! Release versioning: `semgate version` and `semgate bump`.

use anyhow::{bail, Result};

use crate::cli::{BumpArgs, VersionArgs};
use crate::progress::Progress;

/// `semgate version`: prints the workspace's one version; exit 1 listing the packages that differ.
pub fn version_command(_args: &VersionArgs, _progress: &Progress) -> Result<i32> {
    bail!("`semgate version` is not implemented yet")
}

/// `semgate bump`: writes the new version to every manifest that holds it.
pub fn bump_command(_args: &BumpArgs, _progress: &Progress) -> Result<i32> {
    bail!("`semgate bump` is not implemented yet")
}
