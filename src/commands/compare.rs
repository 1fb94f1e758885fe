//! The comparison behind `check`, `suggest` and `bump`: every selected package's baseline, both
//! sides built (together where they share a build), loaded, diffed and decided, then what
//! crosses packages (propagation, uniform versions, the release checks).

use crate::api::{load::load_crate, Api, ApiOptions};
use crate::bump::apply;
use crate::cli::{BaselineSource, CheckArgs, CompareArgs, FeatureSet};
use crate::config::Config;
use crate::diff::Input;
use crate::gate::{decide, Verdict};
use crate::progress::Progress;
use crate::report::{PackageReport, Partition, Report, SideReport};
use crate::resolve::baseline::{Baseline, Mode, Policy};
use crate::resolve::tags;
use crate::resolve::workspace;
use crate::rules::release_checks::{
    PATCH_OFF_RELEASE_BRANCH, PRERELEASE_DEPENDENCY, UNRELEASED_DEPENDENCY,
    VERSION_ALREADY_RELEASED,
};
use crate::rules::{self, RULES};
use crate::rules::{run, Finding};
use crate::rustdoc::{self, BuildContext, BuildOptions, Role, Side, Source, Workspace};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use semver::Version;
use std::cell::OnceCell;

/// Resolves every package's two sides, builds what needs building, diffs and decides.
pub(crate) fn compare(
    args: &CompareArgs,
    check: Option<&CheckArgs>,
    progress: &Progress,
) -> Result<Report> {
    let started = std::time::Instant::now();
    if let (Some(b), Some(c)) = (&args.baseline_rustdoc, &args.current_rustdoc) {
        // pure JSON mode: no build and no git; the project's configuration still applies when
        // there is a manifest (named with --manifest-path, or found from here)
        let config = json_mode_config(args)?;
        let options = ApiOptions {
            include_hidden: args.include_hidden || config.include_hidden.unwrap_or(false),
        };
        if check.is_some_and(|c| c.prove) || config.prove == Some(true) {
            progress.warn("--prove needs the sides' sources: two rustdoc JSON files cannot be compiled against; findings are not proven");
        }
        let diffed = diff_sides(
            None,
            &Side::from_rustdoc(b),
            &Side::from_rustdoc(c),
            None,
            options,
            None,
            progress,
        )?;
        let package = conclude(diffed, &config, check)?;
        warn_stale(progress, &package.report, &config);
        finished(progress, std::slice::from_ref(&package.report), started);
        return Ok(Report::new(vec![package.report]));
    }
    let ws = match (
        &args.current_version,
        &args.baseline_version,
        args.package.as_slice(),
    ) {
        // two published releases, from anywhere: no local package needed
        (Some(current), Some(_), [name])
            if args.manifest_path.is_none() && !rustdoc::manifest_around()? =>
        {
            Workspace::published(name, current, args.target_dir.as_deref())?
        }
        _ if args.toolchain.is_none() => Workspace::load_for_build(args.manifest_path.as_deref())?,
        _ => Workspace::load(args.manifest_path.as_deref())?,
    };
    let selection = workspace::select(&ws, args)?;
    let members = ws.member_names();
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
    // a partitioned run checks its part; the release checks still see the whole selection
    let here: Vec<String> = match args.partition {
        Some((index, count)) => {
            let costs: Vec<(String, u64)> = selection
                .packages
                .iter()
                .map(|p| (p.clone(), workspace::source_size(&ws, p)))
                .collect();
            workspace::partition(&costs, count).swap_remove(index - 1)
        }
        None => selection.packages.clone(),
    };
    let partition = args.partition.map(|(index, count)| Partition {
        index,
        count,
        selection: selection.packages.clone(),
    });
    let contexts: Vec<BuildContext> = here
        .iter()
        .map(|name| ws.context(Some(name)))
        .collect::<Result<_>>()?;
    let Some(first) = contexts.first() else {
        if let Some(partition) = partition {
            // a part with nothing in it (more parts than packages): an empty partial report
            progress.note(format!(
                "part {}/{} has no package to check",
                partition.index, partition.count
            ));
            let mut report = Report::with_problems(Vec::new(), Vec::new(), selection.skipped);
            report.partition = Some(partition);
            return Ok(report);
        }
        bail!(
            "no package to check: every member was skipped ({})",
            selection.skipped.join("; ")
        );
    };
    let opts = build_options(args, first);

    // every package's baseline first: then the sides that share a build (the working tree, a
    // release tag's export) are built together, one cargo invocation per side
    let baselines: Vec<Result<Baseline>> = contexts
        .par_iter()
        .map(|ctx| {
            baseline_of(args, ctx, &opts, &members)
                .with_context(|| format!("while checking package `{}`", ctx.package_name()))
        })
        .collect();
    let baselines: Vec<Baseline> = baselines.into_iter().collect::<Result<_>>()?;
    if contexts.len() > 1 && args.feature_sets.len() <= 1 {
        prebuild_sides(&contexts, &baselines, args, &opts, progress)?;
    }

    // packages build and diff in parallel; cargo serialises builds per target directory itself
    let outcomes: Vec<Result<Compared>> = contexts
        .par_iter()
        .zip(baselines)
        .map(|(ctx, baseline)| {
            compare_package(ctx, baseline, &opts, args, check, progress)
                .with_context(|| format!("while checking package `{}`", ctx.package_name()))
        })
        .collect();
    let outcomes: Vec<Compared> = outcomes.into_iter().collect::<Result<_>>()?;
    let mut packages = Vec::new();
    let mut exposed = Vec::new();
    let mut configs = Vec::new();
    for c in outcomes {
        packages.push(c.report);
        exposed.push(c.exposed);
        configs.push(c.config);
    }
    if partition.is_some() {
        // a break propagates across parts: `semgate merge` does it, from what each exposes
        for (package, exposed) in packages.iter_mut().zip(&exposed) {
            package.exposed = exposed.clone();
        }
    } else {
        workspace::propagate(&ws, &mut packages, &exposed, &configs);
        for (package, config) in packages.iter().zip(&configs) {
            warn_stale(progress, package, config);
        }
    }

    let problems = match check {
        Some(check) => release_problems(
            &ws,
            &contexts,
            &packages,
            &configs,
            &selection.packages,
            &opts,
            args,
            check,
        )?,
        None => Vec::new(),
    };
    finished(progress, &packages, started);
    let mut report = Report::with_problems(packages, problems, selection.skipped);
    report.partition = partition;
    Ok(report)
}

/// Builds the sides that share a build together, before the packages are compared one by one:
/// every release tag's export and the working tree, one cargo invocation per side, both sides at
/// once in their own target directories.
fn prebuild_sides(
    contexts: &[BuildContext],
    baselines: &[Baseline],
    args: &CompareArgs,
    opts: &BuildOptions,
    progress: &Progress,
) -> Result<()> {
    let (mut baseline_requests, mut current_requests) = (Vec::new(), Vec::new());
    for (ctx, baseline) in contexts.iter().zip(baselines) {
        if let Baseline::Side {
            source: source @ Source::GitRev { .. },
            ..
        } = baseline
        {
            baseline_requests.push(rustdoc::Request {
                ctx,
                source: source.clone(),
                role: Role::Baseline,
            });
        }
        if args.current_rustdoc.is_none() && args.current_version.is_none() {
            current_requests.push(rustdoc::Request {
                ctx,
                source: Source::WorkingTree {
                    manifest_path: ctx.manifest_path().to_path_buf(),
                },
                role: Role::Current,
            });
        }
    }
    // the two sides build at once, in their own target directories
    let (done_baseline, done_current) = rayon::join(
        || rustdoc::prebuild(&baseline_requests, opts, progress),
        || rustdoc::prebuild(&current_requests, opts, progress),
    );
    done_baseline?;
    done_current?;
    Ok(())
}

/// What keeps the workspace or a release from passing beyond its API: a shared version that is
/// not uniform, and under `--release` the release checks of every package.
#[allow(clippy::too_many_arguments)]
fn release_problems(
    ws: &Workspace,
    contexts: &[BuildContext],
    packages: &[PackageReport],
    configs: &[Config],
    selected: &[String],
    opts: &BuildOptions,
    args: &CompareArgs,
    check: &CheckArgs,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if let Some(shared) = ws.shared_version()? {
        let differing = workspace::non_uniform(ws, &shared);
        if !differing.is_empty() {
            problems.push(format!(
                "the workspace shares one version, but: {}",
                differing.join("; ")
            ));
        }
    }
    if check.release {
        let branch = OnceCell::new();
        for ((ctx, package), config) in contexts.iter().zip(packages).zip(configs) {
            let name = ctx.package_name();
            let mut refuse = |id: &str, why: String| {
                if config.check_enabled(id) {
                    problems.push(format!("`{name}` cannot be released [{id}]: {why}"));
                }
            };
            if let Some(version) = &package.proposed_version {
                if let Some(why) =
                    workspace::already_released(ctx, opts, version, args.tag_pattern.as_deref())?
                {
                    refuse(VERSION_ALREADY_RELEASED.id, format!("{version}: {why}"));
                }
                // with --bump, `semgate bump` rewrites the requirements on the siblings it
                // releases together: their -dev requirement is not what gets published
                let rewritten: &[String] = if check.bump.is_some() { selected } else { &[] };
                let pre = workspace::prerelease_dependencies(&ctx.manifest, version, rewritten);
                if !pre.is_empty() {
                    refuse(
                        PRERELEASE_DEPENDENCY.id,
                        format!(
                            "{version} is a release, but it requires pre-releases: {}",
                            pre.join(", ")
                        ),
                    );
                }
                if let (Some(baseline), Some(patterns)) = (
                    &package.baseline.version,
                    config.release_branches.as_deref(),
                ) {
                    let branch = match branch.get() {
                        Some(b) => b,
                        None => {
                            let root = ctx.git.as_ref().map(|g| g.root.as_path());
                            let found = workspace::release_branch(root, check.branch.as_deref())?;
                            branch.get_or_init(|| found)
                        }
                    };
                    if let Some(why) = workspace::patch_off_release_branch(
                        Some(patterns),
                        branch.as_deref(),
                        baseline,
                        version,
                    )? {
                        refuse(PATCH_OFF_RELEASE_BRANCH.id, why);
                    }
                }
            }
            for blocker in
                workspace::release_blockers(ws, ctx, opts, selected, args.tag_pattern.as_deref())?
            {
                refuse(UNRELEASED_DEPENDENCY.id, blocker);
            }
        }
    }
    Ok(problems)
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
    /// the package's configuration, for findings added later (propagation)
    config: Config,
}

/// Warns about `accept` entries that matched no finding of the package (after propagation, so
/// an entry may name a propagated finding).
pub(crate) fn warn_stale(progress: &Progress, report: &PackageReport, config: &Config) {
    for stale in config.stale(&report.findings) {
        progress.warn(format!(
            "{}: the accepted finding {} at `{}` did not occur; remove it from the configuration",
            report.name, stale.rule, stale.path
        ));
    }
}

fn compare_package(
    ctx: &BuildContext,
    baseline: Baseline,
    opts: &BuildOptions,
    args: &CompareArgs,
    check: Option<&CheckArgs>,
    progress: &Progress,
) -> Result<Compared> {
    let name = ctx.package_name().to_string();
    let config = package_config(ctx)?;
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
    let (baseline_source, release) = match baseline {
        Baseline::Side {
            source,
            release,
            why,
        } => {
            progress.status("Baseline", why);
            (source, release)
        }
        Baseline::FirstRelease {
            why,
            assumed,
            since,
        } => {
            if assumed {
                progress.warn(format!("{name}: first release {why}"));
            } else {
                progress.status(
                    "Baseline",
                    format!("none: {name} is a first release ({why})"),
                );
            }
            // nothing to compare with, but the release must still document: a crate that does
            // not build is not a pass
            let current =
                rustdoc::build_side(&name, &current_source, ctx, opts, Role::Current, progress)?;
            let api = load_api(&current, options)?;
            let first = FirstRelease {
                why,
                since,
                public_paths: api.paths.len(),
                current: side_report(&current, side_version(&current, &api)),
                exposed: crate::api::uses::exposed_crates(&api),
            };
            return first_release(ctx, first, config, check);
        }
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
        // the two sides build at once, each in its own target directory
        let build_both = || -> Result<(Side, Side)> {
            let (baseline, current) = rayon::join(
                || {
                    rustdoc::build_side(
                        &name,
                        &baseline_source,
                        ctx,
                        &opts,
                        Role::Baseline,
                        progress,
                    )
                },
                || rustdoc::build_side(&name, &current_source, ctx, &opts, Role::Current, progress),
            );
            // an interrupt reaches both builds: report it rather than the other side's error
            let (mut baseline, current) = match (baseline, current) {
                (Ok(b), Ok(c)) => (b, c),
                (Err(e), _) | (_, Err(e)) if crate::interrupt::is_interrupted_error(&e) => {
                    return Err(e)
                }
                (Err(e), _) | (_, Err(e)) => return Err(e),
            };
            if let (Some(tagged), Source::GitRev { rev }) = (&release, &baseline_source) {
                if baseline
                    .version
                    .as_ref()
                    .is_some_and(|v| !tags::same_version(v, tagged))
                {
                    progress.warn(format!(
                        "{name}: tag {rev} names version {tagged}, but its Cargo.toml says {}; comparing with it as release {tagged}",
                        baseline.version.as_ref().map(ToString::to_string).unwrap_or_default()
                    ));
                }
                baseline.version = Some(tagged.clone());
            }
            Ok((baseline, current))
        };
        let (baseline, current) = build_both()?;
        // check --prove: judged after the diff, against both sides' sources
        let proving = check.is_some_and(|c| c.prove) || config.prove == Some(true);
        let prove_with = |baseline, current| {
            Prover {
                ctx,
                opts: &opts,
                sources: (&baseline_source, &current_source),
                config: &config,
                progress,
            }
            .of(proving, baseline, current)
        };
        let prover = prove_with(&baseline, &current);
        let diffed = match diff_sides(
            Some(&name),
            &baseline,
            &current,
            member_dir.as_deref(),
            options,
            prover.as_ref(),
            progress,
        ) {
            // a cache entry that verifies but does not load (tampered, or written by a buggy
            // build): throw it away and build again, once, instead of failing every later run
            Err(e)
                if (baseline.from_cache || current.from_cache)
                    && !crate::interrupt::is_interrupted_error(&e) =>
            {
                progress.warn(format!(
                    "{name}: a cached rustdoc JSON could not be loaded ({e:#}); rebuilding it"
                ));
                rustdoc::evict(&baseline);
                rustdoc::evict(&current);
                let (baseline, current) = build_both()?;
                let prover = prove_with(&baseline, &current);
                diff_sides(
                    Some(&name),
                    &baseline,
                    &current,
                    member_dir.as_deref(),
                    options,
                    prover.as_ref(),
                    progress,
                )?
            }
            other => other?,
        };
        runs.push((label, diffed));
    }
    let mut compared = conclude(merge_feature_sets(runs), &config, check)?;
    // where the package lives in the repository, so annotations can name repository paths
    compared.report.package_dir = ctx
        .git
        .as_ref()
        .map(|g| g.package_rel.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.is_empty());
    locate_in_manifest(ctx, &mut compared.report);
    Ok(compared)
}

/// What `check --prove` needs of a package's comparison, before its sides are built.
struct Prover<'a> {
    ctx: &'a BuildContext,
    opts: &'a BuildOptions,
    sources: (&'a Source, &'a Source),
    config: &'a Config,
    progress: &'a Progress,
}

impl<'a> Prover<'a> {
    fn of(
        self,
        on: bool,
        baseline: &'a Side,
        current: &'a Side,
    ) -> Option<crate::prove::Comparison<'a>> {
        on.then_some(crate::prove::Comparison {
            ctx: self.ctx,
            opts: self.opts,
            baseline: (self.sources.0, baseline.manifest.as_ref()),
            current: (self.sources.1, current.manifest.as_ref()),
            config: self.config,
            progress: self.progress,
        })
    }
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
        f.current_span = Some(crate::rules::Location {
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
/// `--manifest-path`, or from the one found from the current directory; with no manifest at
/// all, the defaults. A manifest that is there but cannot be read, or a configuration that is
/// invalid, is an error like on every other path: ignoring it could turn a refusal into a pass.
fn json_mode_config(args: &CompareArgs) -> Result<Config> {
    if args.manifest_path.is_none() && !rustdoc::manifest_around()? {
        return Ok(Config::default());
    }
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let package = args
        .package
        .first()
        .cloned()
        .or_else(|| ws.default_package());
    // the workspace's table applies even when no package can be picked (a virtual workspace)
    ws.config_of(package.as_deref()).with_context(|| {
        format!(
            "reading semgate's configuration in {}",
            ws.manifest.display()
        )
    })
}

fn package_config(ctx: &BuildContext) -> Result<Config> {
    let package = rustdoc::member_metadata(&ctx.metadata, ctx.package_name());
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
    prove: Option<&crate::prove::Comparison<'_>>,
    progress: &Progress,
) -> Result<Diffed> {
    progress.status(
        "Comparing",
        format!("public APIs of {}", name.unwrap_or("the crate")),
    );
    pause_point("load");
    crate::interrupt::check()?;
    let loading = std::time::Instant::now();
    let (old, new) = rayon::join(
        || load_api(baseline, options),
        || load_api(current, options),
    );
    let (old, new) = (old?, new?);
    pause_point("diff");
    crate::interrupt::check()?;
    if old.name != new.name
        && [baseline, current]
            .iter()
            .any(|s| s.source_kind == "rustdoc")
    {
        bail!(
            "the two sides describe different crates: the baseline is crate `{}` ({}) and the current side is crate `{}` ({}); pass the rustdoc JSON of the same crate on both sides",
            old.name,
            baseline.description,
            new.name,
            current.description
        );
    }
    let diffing = std::time::Instant::now();
    // which dependencies the current API exposes is independent of the diff: found beside it
    let (mut findings, exposed) = rayon::join(
        || {
            run(
                Input::new(&old, baseline.manifest.as_ref()),
                Input::new(&new, current.manifest.as_ref()),
                RULES,
            )
        },
        || crate::api::uses::exposed_crates(&new),
    );
    if let Some(prove) = prove {
        prove.run(&old, &new, &mut findings)?;
    }
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
    crate::interrupt::check()?;
    let diffed = Diffed {
        name: name.map(str::to_string).unwrap_or_else(|| new.name.clone()),
        findings,
        exposed,
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
fn conclude(diffed: Diffed, config: &Config, check: Option<&CheckArgs>) -> Result<Compared> {
    let Diffed {
        name,
        mut findings,
        exposed,
        baseline,
        current,
    } = diffed;
    for f in &mut findings {
        config.classify(f);
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
                let from = match current.source.as_str() {
                    "rustdoc" => "the rustdoc JSON's crate version",
                    "registry" => "--current-version",
                    _ => "Cargo.toml",
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
    Ok(Compared {
        report,
        exposed,
        config: config.clone(),
    })
}

/// What is known about a package's first release.
struct FirstRelease {
    why: String,
    /// the release tag the package is absent from (a member added since), if any
    since: Option<tags::Tag>,
    public_paths: usize,
    current: SideReport,
    exposed: workspace::Exposed,
}

/// A package with no earlier release: nothing to compare, nothing to refuse. A member added to
/// a workspace since its last release is new API of that release: an additive change against
/// the release's version, so a shared-version workspace bumps at least a minor for it.
fn first_release(
    ctx: &BuildContext,
    first: FirstRelease,
    config: Config,
    check: Option<&CheckArgs>,
) -> Result<Compared> {
    let name = ctx.package_name().to_string();
    let note = format!(
        "first release of `{name}` ({} public paths): {}",
        first.public_paths, first.why
    );
    if let Some(tag) = first.since {
        let added = Finding::new(
            rules::find("item-added").expect("registered"),
            ctx.manifest
                .lib_target
                .clone()
                .unwrap_or_else(|| name.replace('-', "_")),
            format!("crate `{name}` was added since {}", tag.name),
        );
        let diffed = Diffed {
            name: name.clone(),
            findings: vec![added],
            exposed: first.exposed,
            baseline: SideReport {
                version: Some(tag.version.clone()),
                source: "git".into(),
                description: format!("git tag {}, before `{name}` existed", tag.name),
            },
            current: first.current,
        };
        let mut compared = conclude(diffed, &config, check)?;
        compared.report.notes.push(note);
        return Ok(compared);
    }
    let version = first
        .current
        .version
        .clone()
        .unwrap_or_else(|| ctx.current_version.clone());
    let mut decision = decide(&version, None, &[]);
    decision.minimum_version = version.clone();
    let mut proposed_from = None;
    if let Some(check) = check {
        // nothing earlier to be too small for: any proposed version passes
        let (proposed, from) = match &check.proposed {
            Some(p) => (p.clone(), "--proposed"),
            None => (version, "Cargo.toml"),
        };
        decision.proposed_version = Some(proposed);
        decision.verdict = Verdict::Pass;
        proposed_from = Some(from.to_string());
    }
    decision.notes.push(note);
    Ok(Compared {
        report: PackageReport::new(
            name,
            SideReport {
                version: None,
                source: "none".into(),
                description: "no earlier release".into(),
            },
            first.current,
            proposed_from,
            decision,
            Vec::new(),
        ),
        exposed: first.exposed,
        config,
    })
}

fn load_api(side: &Side, options: ApiOptions) -> Result<Api> {
    let krate = load_crate(&side.json)?;
    Api::new(krate, options)
        .with_context(|| format!("cannot read the API in {}", side.json.display()))
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
        .as_deref()
        .map(|dir| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()))
        .unwrap_or_else(|| ctx.default_target_dir());
    let cache_dir = args
        .cache_dir
        .as_deref()
        .map(|dir| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()))
        .unwrap_or_else(|| target_dir.join("cache"));
    BuildOptions {
        toolchain: args.toolchain.clone(),
        features: args.features.clone(),
        all_features: args.all_features,
        no_default_features: args.no_default_features,
        registry: args.registry.clone(),
        cache_dir,
        ..BuildOptions::with_target_dir(target_dir)
    }
}

/// The baseline of one package: explicit flags, else [`rustdoc::baseline::choose`]. An explicit
/// git revision at which the package does not exist yet makes it a first release too (a member
/// added since).
fn baseline_of(
    args: &CompareArgs,
    ctx: &BuildContext,
    opts: &BuildOptions,
    members: &[String],
) -> Result<Baseline> {
    let explicit = |source: Source, why: String| Baseline::Side {
        source,
        release: None,
        why,
    };
    if let Some(rev) = &args.baseline_rev {
        if let Some(git) = &ctx.git {
            let commit = tags::resolve_commit(ctx, rev)?;
            if !git.repo.has_package_at(&commit, ctx.package_name())? {
                return Ok(Baseline::FirstRelease {
                    why: format!(
                        "`{}` does not exist at {rev}, the baseline revision",
                        ctx.package_name()
                    ),
                    assumed: false,
                    since: None,
                });
            }
        }
        return Ok(explicit(
            Source::GitRev { rev: rev.clone() },
            format!("{} at git revision {rev}", ctx.package_name()),
        ));
    }
    if let Some(version) = &args.baseline_version {
        return Ok(explicit(
            Source::Registry {
                version: version.clone(),
            },
            format!("{} {version} (--baseline-version)", ctx.package_name()),
        ));
    }
    if let Some(dir) = &args.baseline_path {
        return Ok(explicit(
            Source::Path { dir: dir.clone() },
            format!("{} at {}", ctx.package_name(), dir.display()),
        ));
    }
    if let Some(file) = &args.baseline_rustdoc {
        return Ok(explicit(
            Source::Rustdoc { file: file.clone() },
            format!("{} from {}", ctx.package_name(), file.display()),
        ));
    }
    let policy = Policy {
        mode: match args.baseline_source {
            BaselineSource::Auto => Mode::Auto,
            BaselineSource::Tag => Mode::Tag,
            BaselineSource::Registry => Mode::Registry,
        },
        tag_pattern: args.tag_pattern.as_deref(),
        prerelease_tags: args.prerelease_tags,
        allow_first_release: args.allow_first_release,
    };
    crate::resolve::baseline::choose(ctx, opts, &policy, members)
}

/// Test instrumentation: `SEMGATE_TEST_PAUSE=<stage>` (`load`, `diff` or `report`) holds the
/// run for two seconds at that stage, so a test can deliver a signal there deterministically
/// instead of racing a fast machine.
pub(crate) fn pause_point(stage: &str) {
    if std::env::var("SEMGATE_TEST_PAUSE").is_ok_and(|s| s == stage) {
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
}
