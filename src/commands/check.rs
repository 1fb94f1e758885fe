//! `semgate check`, `semgate suggest` and `semgate merge`: a comparison rendered in the chosen
//! format, and its verdict as the exit code.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::{bail, Context, Result};

use super::compare::{compare, warn_stale};
use super::emit;
use crate::cli::{CheckArgs, Cli, SuggestArgs};
use crate::config::Config;
use crate::gate::Verdict;
use crate::progress::resolve_color;
use crate::progress::Progress;
use crate::report::{self, Format, PackageReport, Report};
use crate::resolve::workspace;
use crate::rustdoc::Workspace;
use crate::{EXIT_PASS, EXIT_REFUSED};

/// `semgate check`: the comparison, its report, and the verdict as the exit code.
pub fn check(args: &CheckArgs, cli: &Cli, progress: &Progress) -> Result<i32> {
    let report = compare(&args.compare, Some(args), progress)?;
    emit(&render(&report, args.compare.format, cli))?;
    Ok(if report.verdict == Verdict::Pass {
        EXIT_PASS
    } else {
        EXIT_REFUSED
    })
}

/// `semgate suggest`: the level the changes need, one word on stdout (the reasons on stderr),
/// or a report in another format. No verdict: nothing was proposed.
pub fn suggest(args: &SuggestArgs, cli: &Cli, progress: &Progress) -> Result<i32> {
    let report = compare(&args.compare, None, progress)?;
    match args.compare.format {
        Format::Human => {
            for p in &report.packages {
                progress.note(match &p.baseline.version {
                    Some(baseline) => format!(
                        "{}: {} change since {baseline} -> {} release (at least {})",
                        p.name,
                        p.change.as_str(),
                        p.required_bump.as_str(),
                        p.minimum_version
                    ),
                    None => format!(
                        "{}: first release, nothing to compare with ({})",
                        p.name, p.minimum_version
                    ),
                });
                for f in p.findings.iter().filter(|f| f.accepted.is_none()) {
                    progress.note(format!("  {} [{}] {}", f.class.as_str(), f.rule, f.message));
                }
            }
            emit(&format!("{}\n", report.required_bump.as_str()))?;
        }
        other => emit(&render(&report, other, cli))?,
    }
    Ok(EXIT_PASS)
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

/// `semgate merge`: the parts of a partitioned run as one report, verdict and exit code, as if
/// one run had checked everything. The parts must come from this semgate and cover the
/// selection exactly once; what crosses parts (a break propagating through re-exports) is
/// decided here, from what each package exposes and the workspace's manifests.
pub fn merge(args: &crate::cli::MergeArgs, cli: &Cli, progress: &Progress) -> Result<i32> {
    let mut parts = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the partial report {}", path.display()))?;
        let report: Report = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a semgate JSON report (write the parts with --format json)",
                path.display()
            )
        })?;
        if report.semgate_version != env!("CARGO_PKG_VERSION") {
            bail!(
                "{} was written by semgate {}, but this is semgate {}: every part must come from the same semgate",
                path.display(),
                report.semgate_version,
                env!("CARGO_PKG_VERSION")
            );
        }
        let Some(partition) = report.partition.clone() else {
            bail!(
                "{} is not a partial report: it has no `partition` (write the parts with --partition K/N)",
                path.display()
            );
        };
        parts.push((path, partition, report));
    }
    let (_, first, _) = &parts[0];
    let (count, selection) = (first.count, first.selection.clone());
    let mut seen_parts = vec![false; count];
    let mut by_name: BTreeMap<String, PackageReport> = BTreeMap::new();
    let (mut problems, mut skipped) = (Vec::new(), Vec::new());
    for (path, partition, report) in parts {
        if partition.count != count || partition.selection != selection {
            bail!(
                "{} is part of another partitioned run ({} parts of {} packages, where the first report has {count} parts of {})",
                path.display(),
                partition.count,
                partition.selection.len(),
                selection.len()
            );
        }
        if std::mem::replace(&mut seen_parts[partition.index - 1], true) {
            bail!(
                "part {}/{count} is given twice ({})",
                partition.index,
                path.display()
            );
        }
        for package in report.packages {
            if by_name.contains_key(&package.name) {
                bail!("`{}` is in two parts ({})", package.name, path.display());
            }
            by_name.insert(package.name.clone(), package);
        }
        for p in report.problems {
            if !problems.contains(&p) {
                problems.push(p);
            }
        }
        for s in report.skipped {
            if !skipped.contains(&s) {
                skipped.push(s);
            }
        }
    }
    let missing_parts: Vec<String> = (1..=count)
        .filter(|i| !seen_parts[i - 1])
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing_parts.is_empty() {
        bail!(
            "the parts do not cover the run: {} missing",
            missing_parts.join(", ")
        );
    }
    let missing: Vec<&String> = selection
        .iter()
        .filter(|n| !by_name.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        bail!(
            "the parts do not cover the run: no report for {}",
            missing
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(extra) = by_name.keys().find(|n| !selection.contains(n)) {
        bail!("`{extra}` is reported but is not in the run's selection");
    }
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let mut packages: Vec<PackageReport> =
        selection.iter().filter_map(|n| by_name.remove(n)).collect();
    let exposed: Vec<workspace::Exposed> = packages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.exposed))
        .collect();
    let configs: Vec<Config> = packages
        .iter()
        .map(|p| ws.config_of(Some(&p.name)))
        .collect::<Result<_>>()?;
    workspace::propagate(&ws, &mut packages, &exposed, &configs);
    for (package, config) in packages.iter().zip(&configs) {
        warn_stale(progress, package, config);
    }
    let report = Report::with_problems(packages, problems, skipped);
    emit(&render(&report, args.format, cli))?;
    Ok(match report.verdict {
        Verdict::Fail => EXIT_REFUSED,
        Verdict::Pass | Verdict::None => EXIT_PASS,
    })
}
