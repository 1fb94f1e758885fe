//! The driver: turns parsed arguments into the pipeline's stages and an exit code.
//! Resolve and build (IO) -> load the APIs -> diff -> decide -> report (print).

use std::io::IsTerminal;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use semver::Version;

use crate::api::{load::load_crate, Api, ApiOptions};
use crate::build::{self, BuildContext, BuildOptions, Role, Side, Source, Workspace};
use crate::bump::apply;
use crate::cli::{BaselineSource, CheckArgs, Cli, Command, CompareArgs, FeatureSet};
use crate::config::Config;
use crate::diff::{diff, Finding, Input};
use crate::gate::{decide, Verdict};
use crate::progress::{resolve_color, Progress};
use crate::report::{self, Format, PackageReport, Report, SideReport};
use crate::rules::{self, RULES};
use crate::workspace;

/// Exit codes: a contract for CI.
pub const EXIT_PASS: i32 = 0;
pub const EXIT_REFUSED: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs semgate with parsed arguments and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let progress = Progress::new(cli.quiet, cli.verbose, cli.color);
    match dispatch(&cli, &progress) {
        Ok(code) => code,
        Err(err) => {
            progress.error(format_error(&err));
            EXIT_ERROR
        }
    }
}

/// `error: what failed` followed by the cause chain, one `caused by:` per line.
fn format_error(err: &anyhow::Error) -> String {
    let mut text = format!("{err}");
    for cause in err.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text.push_str("\nsemgate could not decide; the gate did not pass");
    text
}

fn dispatch(cli: &Cli, progress: &Progress) -> Result<i32> {
    if cli.version {
        print!("{}", version_text(cli.verbose));
        return Ok(EXIT_PASS);
    }
    match &cli.command {
        None => {
            print!("{}", version_text(false));
            Ok(EXIT_PASS)
        }
        Some(Command::Version(args)) => crate::release::version_command(args, progress),
        Some(Command::Bump(args)) => {
            crate::interrupt::install()?;
            crate::release::bump_command(args, progress)
        }
        Some(Command::Rules) => {
            print!("{}", rules_text());
            Ok(EXIT_PASS)
        }
        Some(Command::Explain { id }) => {
            let explanation = rules::explain(id)
                .ok_or_else(|| anyhow!("no rule `{id}`; `semgate rules` lists every rule id"))?;
            print!("{}", explain_text(&explanation));
            Ok(EXIT_PASS)
        }
        Some(Command::Check(args)) => {
            crate::interrupt::install()?;
            let report = compare(&args.compare, Some(args), progress)?;
            print!("{}", render(&report, args.compare.format, cli));
            Ok(if report.verdict == Verdict::Pass {
                EXIT_PASS
            } else {
                EXIT_REFUSED
            })
        }
        Some(Command::Suggest(args)) => {
            crate::interrupt::install()?;
            let report = compare(&args.compare, None, progress)?;
            match args.compare.format {
                Format::Human => {
                    for p in &report.packages {
                        progress.note(format!(
                            "{}: {} change since {} -> {} release (at least {})",
                            p.name,
                            p.change.as_str(),
                            p.baseline
                                .version
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            p.required_bump.as_str(),
                            p.minimum_version
                        ));
                        for f in p.findings.iter().filter(|f| f.accepted.is_none()) {
                            progress.note(format!(
                                "  {} [{}] {}",
                                f.class.as_str(),
                                f.rule,
                                f.message
                            ));
                        }
                    }
                    println!("{}", report.required_bump.as_str());
                }
                other => print!("{}", render(&report, other, cli)),
            }
            Ok(EXIT_PASS)
        }
    }
}

fn render(report: &Report, format: Format, cli: &Cli) -> String {
    match format {
        Format::Json => report::json::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Github => report::github::render(report),
        Format::GithubOutput => report::github_output(report),
        Format::Human => {
            let color = resolve_color(
                cli.color,
                |k| std::env::var(k).ok(),
                std::io::stdout().is_terminal(),
            );
            report::human::render(report, report::human::Paint { color })
        }
    }
}

/// Resolves every package's two sides, builds what needs building, diffs and decides.
pub fn compare(
    args: &CompareArgs,
    check: Option<&CheckArgs>,
    progress: &Progress,
) -> Result<Report> {
    compare_with(args, check, progress, false)
}

/// [`compare`], where a package with no earlier release at all is a first release rather than
/// an error even when it is the only package (`semgate bump` on a crate never released).
pub fn compare_with(
    args: &CompareArgs,
    check: Option<&CheckArgs>,
    progress: &Progress,
    first_release_ok: bool,
) -> Result<Report> {
    let started = std::time::Instant::now();
    if let (Some(b), Some(c)) = (&args.baseline_rustdoc, &args.current_rustdoc) {
        // pure JSON mode: no build and no git; the project's configuration still applies when
        // there is a manifest (named with --manifest-path, or found from here)
        let config = json_mode_config(args)?;
        let options = ApiOptions {
            include_hidden: args.include_hidden || config.include_hidden.unwrap_or(false),
        };
        let diffed = diff_sides(
            None,
            &Side::from_rustdoc(b),
            &Side::from_rustdoc(c),
            None,
            options,
            progress,
        )?;
        let package = conclude(diffed, &config, check, progress)?;
        finished(progress, std::slice::from_ref(&package.report), started);
        return Ok(Report::new(vec![package.report]));
    }
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let mut selection = workspace::select(&ws, args)?;
    selection.multi |= first_release_ok;
    if selection.packages.len() > 1 {
        for (flag, set) in [
            ("--baseline-version", args.baseline_version.is_some()),
            ("--baseline-path", args.baseline_path.is_some()),
            ("--baseline-rustdoc", args.baseline_rustdoc.is_some()),
            ("--current-rustdoc", args.current_rustdoc.is_some()),
            ("--current-version", args.current_version.is_some()),
            ("--proposed", check.is_some_and(|c| c.proposed.is_some())),
        ] {
            if set {
                bail!("{flag} names one package's baseline or version, but {} packages are selected; pick one with -p", selection.packages.len());
            }
        }
    }
    let contexts: Vec<BuildContext> = selection
        .packages
        .iter()
        .map(|name| ws.context(Some(name)))
        .collect::<Result<_>>()?;
    let Some(first) = contexts.first() else {
        bail!(
            "no package to check: every member was skipped ({})",
            selection.skipped.join("; ")
        );
    };
    let opts = build_options(args, first);

    // packages build and diff in parallel; the shared target directory serialises cargo itself
    let outcomes: Vec<Result<Compared>> = contexts
        .par_iter()
        .map(|ctx| {
            compare_package(ctx, &opts, args, check, selection.multi, progress)
                .with_context(|| format!("while checking package `{}`", ctx.package_name()))
        })
        .collect();
    let outcomes: Vec<Compared> = outcomes.into_iter().collect::<Result<_>>()?;
    let (mut packages, exposed): (Vec<PackageReport>, Vec<workspace::Exposed>) =
        outcomes.into_iter().map(|c| (c.report, c.exposed)).unzip();
    workspace::propagate(&ws, &mut packages, &exposed);

    let mut problems = Vec::new();
    if let Some(check) = check {
        if let Some(shared) = workspace::shared_version(&ws) {
            let differing = workspace::non_uniform(&ws, &shared);
            if !differing.is_empty() {
                problems.push(format!(
                    "the workspace shares one version, but: {}",
                    differing.join("; ")
                ));
            }
        }
        if check.release {
            for ctx in &contexts {
                for blocker in workspace::release_blockers(
                    &ws,
                    ctx,
                    &opts,
                    &selection.packages,
                    args.tag_pattern.as_deref(),
                )? {
                    problems.push(format!(
                        "`{}` cannot be released [unreleased-dependency]: {blocker}",
                        ctx.package_name()
                    ));
                }
            }
        }
    }
    finished(progress, &packages, started);
    Ok(Report::with_problems(packages, problems, selection.skipped))
}

/// The closing status line, with a timing summary: how long the rustdoc builds took in all,
/// and how much of that overlapped (packages build in parallel).
fn finished(progress: &Progress, packages: &[PackageReport], started: std::time::Instant) {
    let findings: usize = packages.iter().map(|p| p.findings.len()).sum();
    let wall = started.elapsed();
    let builds = progress.timings();
    let build_total: std::time::Duration = builds.iter().map(|(_, d)| *d).sum();
    let timing = if builds.is_empty() {
        String::new()
    } else {
        format!(
            "; {} rustdoc build(s) took {} in all ({:.1}x overlap)",
            builds.len(),
            crate::progress::format_duration(build_total),
            build_total.as_secs_f64() / wall.as_secs_f64().max(0.001)
        )
    };
    progress.status(
        "Finished",
        format!(
            "{findings} finding(s) in {} package(s) in {}{timing}",
            packages.len(),
            crate::progress::format_duration(wall)
        ),
    );
}

/// One package's report, plus what its API exposes of other crates (for propagation).
struct Compared {
    report: PackageReport,
    exposed: workspace::Exposed,
}

fn compare_package(
    ctx: &BuildContext,
    opts: &BuildOptions,
    args: &CompareArgs,
    check: Option<&CheckArgs>,
    multi: bool,
    progress: &Progress,
) -> Result<Compared> {
    let name = ctx.package_name().to_string();
    let config = package_config(ctx)?;
    let Some(baseline_source) = baseline_source(args, ctx, opts, multi, progress)? else {
        return Ok(Compared {
            report: first_release(ctx),
            exposed: Default::default(),
        });
    };
    let current_source = match (&args.current_rustdoc, &args.current_version) {
        (Some(file), _) => Source::Rustdoc { file: file.clone() },
        (None, Some(version)) => Source::Registry {
            version: version.clone(),
        },
        (None, None) => Source::WorkingTree {
            manifest_path: ctx.manifest_path().to_path_buf(),
        },
    };
    if matches!(current_source, Source::WorkingTree { .. }) && ctx.is_dirty() {
        progress.warn(format!(
            "{name}: the working tree has uncommitted changes: comparing the working tree as it is"
        ));
    }
    let options = ApiOptions {
        include_hidden: args.include_hidden || config.include_hidden.unwrap_or(false),
    };
    // cargo names a workspace member's files from the workspace root
    let member_dir = ctx
        .package_dir
        .strip_prefix(&ctx.workspace_root)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.is_empty());
    let mut runs = Vec::new();
    for (label, opts) in feature_set_options(args, opts) {
        let baseline = build::build_side(
            &name,
            &baseline_source,
            ctx,
            &opts,
            Role::Baseline,
            progress,
        )?;
        let current =
            build::build_side(&name, &current_source, ctx, &opts, Role::Current, progress)?;
        runs.push((
            label,
            diff_sides(
                Some(&name),
                &baseline,
                &current,
                member_dir.as_deref(),
                options,
                progress,
            )?,
        ));
    }
    let mut compared = conclude(merge_feature_sets(runs), &config, check, progress)?;
    // where the package lives in the repository, so annotations can name repository paths
    compared.report.package_dir = ctx
        .git
        .as_ref()
        .map(|g| g.package_rel.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.is_empty());
    locate_in_manifest(ctx, &mut compared.report);
    Ok(compared)
}

/// Findings about Cargo.toml (features, rust-version, dependencies) have no rustdoc span; point
/// them at the line of the working tree's manifest that holds the key, so annotations land on
/// it (the section header when the key is gone, the first line when nothing matches).
fn locate_in_manifest(ctx: &BuildContext, report: &mut PackageReport) {
    let Ok(text) = std::fs::read_to_string(ctx.manifest_path()) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let find =
        |pred: &dyn Fn(&str) -> bool| lines.iter().position(|l| pred(l.trim())).map(|i| i + 1);
    let key_line = |key: &str| {
        find(&|l: &str| {
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('=') || rest.starts_with(']'))
                || l.ends_with(&format!(".{key}]"))
        })
    };
    for f in &mut report.findings {
        if f.current_span.is_some() || f.baseline_span.is_some() {
            continue;
        }
        let key = f.path.rsplit_once('/').map(|(_, k)| k).unwrap_or_default();
        let line = match f.rule {
            "feature-added" | "feature-no-longer-enables" | "feature-default-removed" => {
                key_line(key)
            }
            "rust-version-raised" => key_line("rust-version"),
            "public-dependency-major-bump" => key_line(key),
            "feature-removed" => find(&|l: &str| l == "[features]"),
            _ => continue,
        };
        f.current_span = Some(crate::diff::Location {
            file: "Cargo.toml".into(),
            line: line.unwrap_or(1),
            column: 1,
        });
    }
}

/// One set of build options per `--feature-sets` entry (just the given options without it).
fn feature_set_options(args: &CompareArgs, opts: &BuildOptions) -> Vec<(String, BuildOptions)> {
    if args.feature_sets.is_empty() {
        return vec![("given".to_string(), opts.clone())];
    }
    args.feature_sets
        .iter()
        .map(|set| {
            let mut o = opts.clone();
            match set {
                FeatureSet::Default => {
                    o.all_features = false;
                    o.no_default_features = false;
                }
                FeatureSet::All => o.all_features = true,
                FeatureSet::None => {
                    o.all_features = false;
                    o.no_default_features = true;
                }
            }
            (set.as_str().to_string(), o)
        })
        .collect()
}

/// The package's `[package.metadata.semgate]` over the workspace's `[workspace.metadata.semgate]`.
/// Configuration for a comparison of two prebuilt JSON files: from the manifest named with
/// `--manifest-path` (an error if it cannot be read), or from one found from the current
/// directory (none found: the defaults).
fn json_mode_config(args: &CompareArgs) -> Result<Config> {
    let found = || -> Result<Config> {
        let ws = Workspace::load(args.manifest_path.as_deref())?;
        match args
            .package
            .first()
            .cloned()
            .or_else(|| ws.default_package())
        {
            Some(name) => package_config(&ws.context(Some(&name))?),
            None => Ok(Config::default()),
        }
    };
    match (found(), &args.manifest_path) {
        (Ok(config), _) => Ok(config),
        (Err(e), Some(_)) => Err(e),
        // no usable manifest around (or a bin-only one): nothing configures this comparison
        (Err(_), None) => Ok(Config::default()),
    }
}

fn package_config(ctx: &BuildContext) -> Result<Config> {
    let package = ctx
        .metadata
        .packages
        .iter()
        .find(|p| {
            p.name.as_str() == ctx.package_name() && ctx.metadata.workspace_members.contains(&p.id)
        })
        .map(|p| p.metadata.clone())
        .unwrap_or_default();
    Config::from_metadata(&ctx.metadata.workspace_metadata, &package).with_context(|| {
        format!(
            "reading semgate's configuration in {}",
            ctx.manifest_path().display()
        )
    })
}

/// One comparison of a package's two sides, under one feature set.
struct Diffed {
    name: String,
    findings: Vec<Finding>,
    exposed: workspace::Exposed,
    baseline: SideReport,
    current: SideReport,
}

/// Loads both sides' APIs (in parallel) and diffs them.
fn diff_sides(
    name: Option<&str>,
    baseline: &Side,
    current: &Side,
    member_dir: Option<&str>,
    options: ApiOptions,
    progress: &Progress,
) -> Result<Diffed> {
    progress.status(
        "Comparing",
        format!("public APIs of {}", name.unwrap_or("the crate")),
    );
    let loading = std::time::Instant::now();
    let (old, new) = rayon::join(
        || load_api(baseline, options),
        || load_api(current, options),
    );
    let (old, new) = (old?, new?);
    let diffing = std::time::Instant::now();
    let mut findings = diff(
        Input::new(&old, baseline.manifest.as_ref()),
        Input::new(&new, current.manifest.as_ref()),
        RULES,
    );
    if progress.is_verbose() {
        progress.note(format!(
            "loaded {} + {} items in {:.2}s, diffed {} public paths in {:.2}s",
            old.krate.index.len(),
            new.krate.index.len(),
            (diffing - loading).as_secs_f64(),
            new.paths.len(),
            diffing.elapsed().as_secs_f64()
        ));
    }
    for f in &mut findings {
        for span in [&mut f.baseline_span, &mut f.current_span]
            .into_iter()
            .flatten()
        {
            span.file = package_relative(&span.file, member_dir);
        }
    }
    let baseline_version = side_version(baseline, &old)
        .context("cannot tell the baseline's version: its rustdoc JSON has no crate version")?;
    let diffed = Diffed {
        name: name.map(str::to_string).unwrap_or_else(|| new.name.clone()),
        findings,
        exposed: crate::api::uses::exposed_crates(&new),
        baseline: side_report(baseline, Some(baseline_version)),
        current: side_report(current, side_version(current, &new)),
    };
    // freeing two large models is hundreds of thousands of deallocations: do it off the
    // critical path (if the process exits first, the OS reclaims the memory at once)
    std::thread::spawn(move || drop((old, new)));
    Ok(diffed)
}

/// A span's file relative to its package (`src/lib.rs`), which is how reports show it. Crates
/// built from the registry have absolute paths into cargo's source cache
/// (`~/.cargo/registry/src/<index>/name-1.2.3/src/lib.rs`); workspace members have paths from
/// the workspace root (`crates/core/src/lib.rs`, with `member_dir` = `crates/core`).
fn package_relative(file: &str, member_dir: Option<&str>) -> String {
    let normalised = file.replace('\\', "/");
    if let Some(rest) = member_dir.and_then(|dir| normalised.strip_prefix(&format!("{dir}/"))) {
        return rest.to_string();
    }
    match normalised.find("/registry/src/") {
        Some(at) => {
            let rest = &normalised[at + "/registry/src/".len()..];
            // skip `<index>/<name>-<version>/`
            let mut parts = rest.splitn(3, '/');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(_), Some(_), Some(inner)) => inner.to_string(),
                _ => normalised,
            }
        }
        None => normalised,
    }
}

/// Merges the comparisons of several feature sets: each finding once, with the sets it
/// appears in.
fn merge_feature_sets(mut runs: Vec<(String, Diffed)>) -> Diffed {
    if runs.len() == 1 {
        return runs.remove(0).1;
    }
    let (first_label, mut merged) = runs.remove(0);
    for f in &mut merged.findings {
        f.feature_sets.push(first_label.clone());
    }
    for (label, run) in runs {
        for exposed in run.exposed {
            merged.exposed.entry(exposed.0).or_insert(exposed.1);
        }
        for mut f in run.findings {
            match merged
                .findings
                .iter_mut()
                .find(|m| m.rule == f.rule && m.path == f.path && m.message == f.message)
            {
                Some(m) => m.feature_sets.push(label.clone()),
                None => {
                    f.feature_sets.push(label.clone());
                    merged.findings.push(f);
                }
            }
        }
    }
    merged
}

/// Applies configuration, works out the proposed version and decides.
fn conclude(
    diffed: Diffed,
    config: &Config,
    check: Option<&CheckArgs>,
    progress: &Progress,
) -> Result<Compared> {
    let Diffed {
        name,
        mut findings,
        exposed,
        baseline,
        current,
    } = diffed;
    for stale in config.apply(&mut findings) {
        progress.warn(format!(
            "{name}: the accepted finding {} at `{}` did not occur; remove it from the configuration",
            stale.rule, stale.path
        ));
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let baseline_version = baseline
        .version
        .clone()
        .context("the baseline has no version")?;
    let (proposed, proposed_from) = match check {
        Some(CheckArgs {
            proposed: Some(v), ..
        }) => (Some(v.clone()), Some("--proposed".to_string())),
        Some(CheckArgs {
            bump: Some(level), ..
        }) => (
            Some(apply(*level, &baseline_version)),
            Some(format!("--bump {}", level.as_str())),
        ),
        Some(_) => match &current.version {
            Some(v) => {
                let from = if current.source == "rustdoc" {
                    "the rustdoc JSON's crate version"
                } else {
                    "Cargo.toml"
                };
                (Some(v.clone()), Some(from.to_string()))
            }
            None => {
                bail!("cannot tell the proposed version: pass --proposed VERSION or --bump LEVEL")
            }
        },
        None => (None, None),
    };
    let decision = decide(&baseline_version, proposed.as_ref(), &findings);
    let report = PackageReport::new(name, baseline, current, proposed_from, decision, findings);
    Ok(Compared { report, exposed })
}

/// A package with no earlier release: nothing to compare, nothing to refuse.
fn first_release(ctx: &BuildContext) -> PackageReport {
    let version = ctx.current_version.clone();
    let mut decision = decide(&version, None, &[]);
    decision.minimum_version = version.clone();
    decision.proposed_version = Some(version.clone());
    decision
        .notes
        .push("first release: no release tag or published version to compare with".into());
    PackageReport::new(
        ctx.package_name().to_string(),
        SideReport {
            version: None,
            source: "none".into(),
            description: "no earlier release".into(),
        },
        SideReport {
            version: Some(version),
            source: "working-tree".into(),
            description: "working tree".into(),
        },
        Some("Cargo.toml".into()),
        decision,
        Vec::new(),
    )
}

fn load_api(side: &Side, options: ApiOptions) -> Result<Api> {
    let krate = load_crate(&side.json)?;
    Ok(Api::new(krate, options))
}

fn side_version(side: &Side, api: &Api) -> Option<Version> {
    side.version.clone().or_else(|| {
        api.krate
            .crate_version
            .as_deref()
            .and_then(|v| Version::parse(v).ok())
    })
}

fn side_report(side: &Side, version: Option<Version>) -> SideReport {
    SideReport {
        version,
        source: side.source_kind.to_string(),
        description: side.description.clone(),
    }
}

fn build_options(args: &CompareArgs, ctx: &BuildContext) -> BuildOptions {
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| ctx.default_target_dir());
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| target_dir.join("cache"));
    BuildOptions {
        toolchain: args.toolchain.clone(),
        features: args.features.clone(),
        all_features: args.all_features,
        no_default_features: args.no_default_features,
        cache_dir,
        ..BuildOptions::with_target_dir(target_dir)
    }
}

/// The baseline of one package: explicit flags, else its newest release tag, else (when
/// published) its newest registry version. `None` is a first release (only when several
/// packages are checked: for one package a missing baseline is an error that says what to do).
fn baseline_source(
    args: &CompareArgs,
    ctx: &BuildContext,
    opts: &BuildOptions,
    multi: bool,
    progress: &Progress,
) -> Result<Option<Source>> {
    if let Some(rev) = &args.baseline_rev {
        return Ok(Some(Source::GitRev { rev: rev.clone() }));
    }
    if let Some(version) = &args.baseline_version {
        return Ok(Some(Source::Registry {
            version: version.clone(),
        }));
    }
    if let Some(dir) = &args.baseline_path {
        return Ok(Some(Source::Path { dir: dir.clone() }));
    }
    if let Some(file) = &args.baseline_rustdoc {
        return Ok(Some(Source::Rustdoc { file: file.clone() }));
    }
    let name = ctx.package_name();
    if args.baseline_source != BaselineSource::Registry {
        if let Some(tag) =
            build::find_baseline_tag(ctx, name, args.tag_pattern.as_deref(), args.prerelease_tags)?
        {
            progress.status(
                "Baseline",
                format!("{name} {} (git tag {})", tag.version, tag.name),
            );
            return Ok(Some(Source::GitRev { rev: tag.name }));
        }
    }
    if args.baseline_source != BaselineSource::Tag
        && (multi || args.baseline_source == BaselineSource::Registry)
    {
        if let Some(version) = build::newest_version(ctx, opts, name, &ctx.current_version)? {
            progress.status(
                "Baseline",
                format!("{name} {version} (newest published version)"),
            );
            return Ok(Some(Source::Registry { version }));
        }
        if args.baseline_source == BaselineSource::Registry {
            bail!("`{name}` has no published version on the registry; pass another baseline");
        }
    }
    if multi {
        progress.note(format!(
            "{name}: no earlier release found; checking it as a first release"
        ));
        return Ok(None);
    }
    // one package: say exactly what was looked for and how to name a baseline
    let tag =
        build::require_baseline_tag(ctx, name, args.tag_pattern.as_deref(), args.prerelease_tags)?;
    Ok(Some(Source::GitRev { rev: tag.name }))
}

fn version_text(verbose: bool) -> String {
    let mut s = format!("semgate {}\n", env!("CARGO_PKG_VERSION"));
    if verbose {
        use crate::api::format;
        s.push_str(&format!(
            "rustdoc JSON format_version: {} (read into format {})\n",
            format::supported_list(),
            format::NEWEST
        ));
        for f in format::SUPPORTED {
            s.push_str(&format!("  {:>3}  {}\n", f.version, f.emitted_by));
        }
        let installed = build::installed_formats();
        if installed.is_empty() {
            s.push_str("installed toolchains: none found through rustup\n");
        } else {
            s.push_str("installed toolchains:\n");
            let width = installed.iter().map(|t| t.name.len()).max().unwrap_or(0);
            for t in &installed {
                let emits = match t.format {
                    Some(v) if format::is_supported(v) => format!("format {v}"),
                    Some(v) => format!("format {v} (not readable by this semgate)"),
                    None => "no rustdoc JSON".to_string(),
                };
                let default = if t.is_default { " (default)" } else { "" };
                s.push_str(&format!(
                    "  {:width$}  {emits}  {}{default}\n",
                    t.name, t.release
                ));
            }
        }
        s.push_str(&format!("rules: {}\n", RULES.len()));
    }
    s
}

fn rules_text() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for rule in RULES {
        let class = if rule.possibly_breaking {
            format!("{}*", rule.class.as_str())
        } else {
            rule.class.as_str().to_string()
        };
        s.push_str(&format!(
            "{:width$}  {:9}  {}\n",
            rule.id, class, rule.summary
        ));
    }
    s.push_str("\n* possibly-breaking: the Cargo Book leaves it to project policy; configuration can make it breaking\n");
    s.push_str("\nRelease checks (semgate check --release):\n");
    for check in rules::RELEASE_CHECKS {
        s.push_str(&format!(
            "{:width$}  {:9}  {}\n",
            check.id, "blocking", check.summary
        ));
    }
    s
}

fn explain_text(e: &rules::Explanation) -> String {
    let indent = |code: &str| {
        code.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    format!(
        "{id} ({class})\n\n{summary}.\n\n{explanation}\n\nBefore:\n{before}\nAfter:\n{after}\nHow to avoid the break:\n    {fix}\n\nReference: {reference}\n",
        id = e.id,
        class = e.class,
        summary = capitalise(e.summary),
        explanation = e.explanation,
        before = indent(e.example_before),
        after = indent(e.example_after),
        fix = e.fix,
        reference = e.reference
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
