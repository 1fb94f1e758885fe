//! Stage 7: reports. The only stage that formats output; it returns strings and `run` prints
//! them, the report to stdout. Every format is a pure function of [`Report`], so the same
//! inputs give byte-identical output.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod rules;

use semver::Version;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

use crate::bump::{Change, Level};
use crate::gate::{Decision, Verdict};
use crate::rules::Finding;

/// Output format of `check` and `suggest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style diagnostics and a summary
    Human,
    /// the stable JSON schema documented in README.md
    Json,
    /// a pull-request comment or job summary ($GITHUB_STEP_SUMMARY)
    Markdown,
    /// GitHub Actions workflow commands: ::error / ::warning annotations on the changed lines
    Github,
    /// `key=value` lines for $GITHUB_OUTPUT: bumpLevel, minimumVersion, verdict
    GithubOutput,
}

/// One side of the comparison, as reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SideReport {
    pub version: Option<Version>,
    /// git | registry | path | rustdoc | working-tree
    pub source: String,
    /// human description, e.g. "git tag v1.2.0 (3f2c1ab)"
    pub description: String,
}

/// Everything semgate concluded about one package.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageReport {
    pub name: String,
    pub baseline: SideReport,
    pub current: SideReport,
    pub change: Change,
    pub required_bump: Level,
    pub minimum_version: Version,
    pub proposed_version: Option<Version>,
    /// where the proposed version came from: "Cargo.toml", "--proposed", "--bump <level>"
    pub proposed_from: Option<String>,
    pub verdict: Verdict,
    pub notes: Vec<String>,
    pub findings: Vec<Finding>,
    /// the package's directory relative to the repository root (e.g. `crates/core`), when known:
    /// CI formats prefix it to [`crate::rules::Location::file`] (relative to the package) so
    /// annotations land on repository paths
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_dir: Option<String>,
    /// what the package's public API exposes of other crates (crate -> an example path), for
    /// propagating a workspace dependency's break across partial runs (`semgate merge`)
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub exposed: std::collections::BTreeMap<String, String>,
}

impl PackageReport {
    pub fn new(
        name: String,
        baseline: SideReport,
        current: SideReport,
        proposed_from: Option<String>,
        decision: Decision,
        findings: Vec<Finding>,
    ) -> PackageReport {
        PackageReport {
            name,
            baseline,
            current,
            change: decision.change,
            required_bump: decision.required_bump,
            minimum_version: decision.minimum_version,
            proposed_version: decision.proposed_version,
            proposed_from,
            verdict: decision.verdict,
            notes: decision.notes,
            findings,
            package_dir: None,
            exposed: Default::default(),
        }
    }

    /// Replaces the decision (after findings changed, e.g. by propagation).
    pub fn apply(&mut self, decision: Decision) {
        self.change = decision.change;
        self.required_bump = decision.required_bump;
        self.minimum_version = decision.minimum_version;
        self.verdict = decision.verdict;
        self.notes = decision.notes;
    }

    /// `location`'s file as a repository path: `package_dir/file` when the package directory is
    /// known (and not the root itself), else the file as reported.
    pub fn repo_path(&self, location: &crate::rules::Location) -> String {
        match self.package_dir.as_deref().map(|d| d.trim_end_matches('/')) {
            Some(dir) if !dir.is_empty() && dir != "." => format!("{dir}/{}", location.file),
            _ => location.file.clone(),
        }
    }

    pub fn count(&self, class: crate::rules::Class) -> usize {
        self.findings
            .iter()
            .filter(|f| f.class == class && f.counts())
            .count()
    }
}

/// The whole report: one entry per package and one overall verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// bumped only on incompatible changes to this JSON schema
    pub schema_version: u32,
    pub semgate_version: String,
    pub verdict: Verdict,
    /// the largest bump any package needs
    pub required_bump: Level,
    /// workspace-level reasons the gate refused (versions not uniform, unreleased dependencies)
    pub problems: Vec<String>,
    /// packages the run left out, with the reason
    pub skipped: Vec<String>,
    pub packages: Vec<PackageReport>,
    /// set on a partial report (`--partition K/N`): which part, of what selection
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
}

/// Which part of a partitioned run a report is, and of what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// 1-based
    pub index: usize,
    pub count: usize,
    /// every package of the whole run, in order: the merge checks the parts cover it
    pub selection: Vec<String>,
}

pub const SCHEMA_VERSION: u32 = 1;

impl Report {
    pub fn new(packages: Vec<PackageReport>) -> Report {
        Report::with_problems(packages, Vec::new(), Vec::new())
    }

    pub fn with_problems(
        packages: Vec<PackageReport>,
        problems: Vec<String>,
        skipped: Vec<String>,
    ) -> Report {
        let failed = packages.iter().any(|p| p.verdict == Verdict::Fail) || !problems.is_empty();
        let judged = packages.iter().any(|p| p.verdict != Verdict::None);
        let verdict = if failed {
            Verdict::Fail
        } else if judged {
            Verdict::Pass
        } else {
            Verdict::None
        };
        let required_bump = packages
            .iter()
            .map(|p| p.required_bump)
            .max()
            .unwrap_or(Level::Patch);
        Report {
            schema_version: SCHEMA_VERSION,
            semgate_version: env!("CARGO_PKG_VERSION").to_string(),
            verdict,
            required_bump,
            problems,
            skipped,
            packages,
            partition: None,
        }
    }

    pub fn change(&self) -> Change {
        self.packages
            .iter()
            .map(|p| p.change)
            .max()
            .unwrap_or(Change::None)
    }
}

/// `key=value` lines for `$GITHUB_OUTPUT`.
pub fn github_output(report: &Report) -> String {
    let mut s = format!("bumpLevel={}\n", report.required_bump.as_str());
    let _ = writeln!(s, "change={}", report.change().as_str());
    if let [only] = report.packages.as_slice() {
        let _ = writeln!(s, "minimumVersion={}", only.minimum_version);
    }
    let _ = writeln!(
        s,
        "verdict={}",
        match report.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::None => "none",
        }
    );
    s
}
