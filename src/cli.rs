//! Command-line interface: argument definitions only. Flag names follow cargo-semver-checks
//! where the meaning is the same, so users can switch without relearning.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};
use semver::Version;

use crate::bump::Level;
use crate::progress::ColorChoice;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "semgate",
    bin_name = "semgate",
    about = "A release gate for Rust crates: derives the minimum semver bump from public API changes and enforces it",
    long_about = None,
    disable_version_flag = true,
    arg_required_else_help = true,
    after_help = "Exit status: 0 the gate passed, 1 the gate refused (version bump too small), 2 semgate could not decide."
)]
pub struct Cli {
    /// Print version (with --verbose: the rustdoc JSON format versions it reads)
    #[arg(short = 'V', long = "version")]
    pub version: bool,

    /// Use verbose output (stream cargo's output while building)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// No progress output on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Coloring: auto, always, never (also honours NO_COLOR and CARGO_TERM_COLOR)
    #[arg(long, global = true, value_parser = color_choices(), default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that the proposed version is large enough for the API changes since the baseline
    Check(CheckArgs),
    /// Print the minimum bump level (major, minor or patch) the API changes require
    Suggest(SuggestArgs),
    /// Print the workspace's shared version, or fail listing the packages whose version differs
    Version(VersionArgs),
    /// Write a new version to every manifest that holds it (refuses a level the API changes do not allow)
    Bump(BumpArgs),
    /// Tag the release of every package whose version changed since its last release tag
    /// (a dry run unless --execute)
    Tag(TagArgs),
    /// Combine the JSON reports of a partitioned run (`--partition K/N`) into one verdict
    Merge(MergeArgs),
    /// List every rule with its class and a one-line summary
    Rules,
    /// Explain a rule: why it matters, an example of the change and how to avoid breaking users
    Explain {
        /// Rule id, as shown in reports and by `semgate rules`
        id: String,
    },
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("baseline").args(["baseline_rev", "baseline_version", "baseline_path", "baseline_rustdoc"])))]
pub struct CompareArgs {
    /// Path to Cargo.toml of the package or workspace
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Package to check; repeat for several (default: the package in the current directory)
    #[arg(short, long, value_name = "SPEC")]
    pub package: Vec<String>,

    /// Check every member of the workspace (publish = false members only when named with -p)
    #[arg(long)]
    pub workspace: bool,

    /// Leave this package out of --workspace; repeatable
    #[arg(long, value_name = "SPEC", requires = "workspace")]
    pub exclude: Vec<String>,

    /// Baseline: a git revision (tag, branch, commit)
    #[arg(long, value_name = "REV", help_heading = "What to compare")]
    pub baseline_rev: Option<String>,

    /// Baseline: this version of the package from the registry
    #[arg(long, value_name = "VERSION", help_heading = "What to compare")]
    pub baseline_version: Option<Version>,

    /// Baseline: another checkout of the package on disk
    #[arg(
        long,
        alias = "baseline-root",
        value_name = "DIR",
        help_heading = "What to compare"
    )]
    pub baseline_path: Option<PathBuf>,

    /// Baseline: a prebuilt rustdoc JSON file
    #[arg(long, value_name = "FILE", help_heading = "What to compare")]
    pub baseline_rustdoc: Option<PathBuf>,

    /// Current side: a prebuilt rustdoc JSON file instead of building the working tree
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "current_version",
        help_heading = "What to compare"
    )]
    pub current_rustdoc: Option<PathBuf>,

    /// Current side: this published version instead of the working tree (compare two releases)
    #[arg(long, value_name = "VERSION", help_heading = "What to compare")]
    pub current_version: Option<Version>,

    /// Release tag shape, with {version} and optionally {name}, e.g. "release-{version}"
    #[arg(long, value_name = "PATTERN", help_heading = "What to compare")]
    pub tag_pattern: Option<String>,

    /// Let pre-release tags (v1.3.0-rc.1) be the baseline
    #[arg(long, help_heading = "What to compare")]
    pub prerelease_tags: bool,

    /// The registry to look releases up in, by cargo's name for it (default: `registry` in the
    /// configuration, else the package's `publish = [...]`, else crates.io)
    #[arg(long, value_name = "NAME", help_heading = "What to compare")]
    pub registry: Option<String>,

    /// When semgate cannot tell whether a package was released before (offline registry,
    /// shallow clone, no git), treat it as a first release instead of failing
    #[arg(long, help_heading = "What to compare")]
    pub allow_first_release: bool,

    /// Where default baselines come from: release tags, then the newest published version (auto),
    /// only tags (tag), or only the registry (registry)
    #[arg(long, value_enum, default_value_t = BaselineSource::Auto, value_name = "SOURCE", help_heading = "What to compare")]
    pub baseline_source: BaselineSource,

    /// Features to activate on both sides (comma or space separated)
    #[arg(
        short = 'F',
        long,
        value_delimiter = ',',
        value_name = "FEATURES",
        help_heading = "Features"
    )]
    pub features: Vec<String>,

    /// Activate all features on both sides
    #[arg(long, help_heading = "Features")]
    pub all_features: bool,

    /// Do not activate the default feature on either side
    #[arg(long, help_heading = "Features")]
    pub no_default_features: bool,

    /// Check several feature sets (default, all, none), comma separated; each finding is
    /// reported once with the sets it appears in
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "SETS",
        help_heading = "Features"
    )]
    pub feature_sets: Vec<FeatureSet>,

    /// Toolchain to build rustdoc JSON with, e.g. `nightly` (default: the active one, via RUSTC_BOOTSTRAP)
    #[arg(long, value_name = "TOOLCHAIN", help_heading = "Build")]
    pub toolchain: Option<String>,

    /// Target directory shared by both builds (default: <workspace>/target/semgate)
    #[arg(
        long,
        env = "SEMGATE_TARGET_DIR",
        hide_env_values = true,
        value_name = "DIR",
        help_heading = "Build"
    )]
    pub target_dir: Option<PathBuf>,

    /// Where built rustdoc JSON is cached (default: <target-dir>/cache)
    #[arg(
        long,
        env = "SEMGATE_CACHE_DIR",
        hide_env_values = true,
        value_name = "DIR",
        help_heading = "Build"
    )]
    pub cache_dir: Option<PathBuf>,

    /// Count #[doc(hidden)] items as public API (by default they are outside the contract)
    #[arg(long)]
    pub include_hidden: bool,

    /// Report format
    #[arg(long, value_parser = formats(), default_value = "human")]
    pub format: Format,

    /// Check only part K of N of the selected packages (balanced by source size, the same
    /// split in every job); `semgate merge` combines the parts' JSON reports
    #[arg(long, value_name = "K/N", value_parser = parse_partition)]
    pub partition: Option<(usize, usize)>,
}

fn parse_partition(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not K/N (e.g. 2/4)"))?;
    let parse = |x: &str| {
        x.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{s}` is not K/N (e.g. 2/4)"))
    };
    let (k, n) = (parse(k)?, parse(n)?);
    if n == 0 || k == 0 || k > n {
        return Err(format!(
            "`{s}`: K must be between 1 and N, and N at least 1"
        ));
    }
    Ok((k, n))
}

/// A feature set for `--feature-sets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeatureSet {
    /// the default features (plus --features)
    Default,
    /// every feature
    All,
    /// no features at all (plus --features)
    None,
}

impl FeatureSet {
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureSet::Default => "default",
            FeatureSet::All => "all",
            FeatureSet::None => "none",
        }
    }
}

/// Where a package's default baseline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BaselineSource {
    /// the newest release tag; when there is none, the newest published version
    Auto,
    /// release tags only
    Tag,
    /// the newest version published on the registry
    Registry,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub compare: CompareArgs,

    /// Pre-release gate: also refuse when a crate to be released depends on a workspace crate
    /// that is not released (publish = false, a path dependency without a version, or a
    /// version with neither a release tag nor a registry entry)
    #[arg(long)]
    pub release: bool,

    /// Judge this version instead of the one in Cargo.toml
    #[arg(long, value_name = "VERSION", conflicts_with = "bump")]
    pub proposed: Option<Version>,

    /// Judge the release of this level after the baseline (a release workflow's bumpLevel)
    #[arg(long, alias = "release-type", value_parser = levels(), value_name = "LEVEL")]
    pub bump: Option<Level>,

    /// The branch the release is made from, for `release-branches` (default: the CI's, else
    /// git's current branch)
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    /// Judge each breaking finding by a witness: downstream code that must compile against
    /// the baseline and fail against the current side (one `cargo check` per side)
    #[arg(long)]
    pub prove: bool,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Path to Cargo.toml of the package or workspace
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BumpArgs {
    /// major, minor, patch, release (drop the pre-release), or an explicit version;
    /// may be omitted with --dev (the next development version)
    #[arg(value_name = "LEVEL|VERSION")]
    pub target: Option<String>,

    /// Write the next development version X.Y.(Z+1)-dev (after the bump, if a level is given)
    #[arg(long)]
    pub dev: bool,

    /// Append build metadata +<shorthash>.<YYYY-MM-DD> from git
    #[arg(long)]
    pub metadata: bool,

    /// Write the version even when the API changes need a larger bump (with a warning)
    #[arg(long)]
    pub allow_insufficient: bool,

    /// Show what would change without writing anything
    #[arg(long)]
    pub dry_run: bool,

    /// The branch the release is made from, for `release-branches` (default: the CI's, else
    /// git's current branch)
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    #[command(flatten)]
    pub compare: CompareArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The parts' JSON reports (`semgate check --partition K/N --format json`), one per part
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Path to Cargo.toml of the workspace the parts checked (for what crosses parts:
    /// breaking changes that propagate through re-exports)
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Report format
    #[arg(long, value_parser = formats(), default_value = "human")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Path to Cargo.toml of the package or workspace
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Only these packages (globs like `hyperlight_*` allowed); repeatable (default: every
    /// publishable member)
    #[arg(short, long, value_name = "SPEC")]
    pub package: Vec<String>,

    /// Create the tags (annotated, on HEAD); without it semgate only prints them
    #[arg(long)]
    pub execute: bool,

    /// Push the tags to this remote after creating them, all or none
    #[arg(long, value_name = "REMOTE")]
    pub push: Option<String>,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub compare: CompareArgs,
}

// The core's enums know nothing of clap: their command-line names and help live here.

/// A typed parser over a fixed list of `(name, help, value)`.
fn choices<T: Clone + Send + Sync + 'static>(
    list: &'static [(&'static str, &'static str, T)],
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(list.iter().map(|(name, help, _)| {
        let value = PossibleValue::new(*name);
        if help.is_empty() {
            value
        } else {
            value.help(*help)
        }
    }))
    .map(move |name| {
        list.iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v.clone())
            .expect("clap only passes the names it was given")
    })
}

fn formats() -> impl clap::builder::TypedValueParser<Value = Format> {
    choices(&[
        ("human", "rustc-style diagnostics and a summary", Format::Human),
        ("json", "the stable JSON schema documented in README.md", Format::Json),
        (
            "markdown",
            "a pull-request comment or job summary ($GITHUB_STEP_SUMMARY)",
            Format::Markdown,
        ),
        (
            "github",
            "GitHub Actions workflow commands: ::error / ::warning annotations on the changed lines",
            Format::Github,
        ),
        (
            "github-output",
            "`key=value` lines for $GITHUB_OUTPUT: bumpLevel, minimumVersion, verdict",
            Format::GithubOutput,
        ),
    ])
}

fn levels() -> impl clap::builder::TypedValueParser<Value = Level> {
    choices(&[
        ("patch", "", Level::Patch),
        ("minor", "", Level::Minor),
        ("major", "", Level::Major),
    ])
}

fn color_choices() -> impl clap::builder::TypedValueParser<Value = ColorChoice> {
    choices(&[
        (
            "auto",
            "Colour when stderr is a terminal and the environment does not say otherwise",
            ColorChoice::Auto,
        ),
        ("always", "", ColorChoice::Always),
        ("never", "", ColorChoice::Never),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
