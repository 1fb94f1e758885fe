//! Proof by witness (`check --prove`): for every breaking finding whose rule has a witness
//! template, a small downstream function that uses the item the way the rule says users may.
//! All witnesses of a package go into one generated crate, compiled once against each side
//! (`run`); the compiler's verdict on each is the finding's [`Outcome`]: proven when it compiles
//! against the baseline and fails in the witness against the current side, disproven when it
//! compiles against both (the finding stops counting unless `prove-keep-disproven`), a template
//! bug when it fails against the baseline.
//!
//! Templates live with their rules (`Rule::witness`, see [`template::Template`]); this module
//! only generates, compiles and judges.

pub mod run;
pub mod sides;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;

use crate::api::Api;
pub use crate::rules::witness::{generate, outcome, probe, template};
pub use crate::rules::witness::{Code, Template, WitnessCx};
pub use crate::rules::witness::{Compiled, Outcome, Witness};
use crate::rules::Finding;
use crate::rules::{self, Class};
pub use run::{DepSource, Place, SideDep};

/// How findings are judged.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// a disproven finding still counts toward the required bump
    pub keep_disproven: bool,
}

/// Counts of outcomes, for progress and measurements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// findings by the outcome of their witness (probe findings are proven)
    pub by_outcome: BTreeMap<Outcome, usize>,
    /// probes compiled
    pub probes: usize,
    /// findings the probes added
    pub probe_findings: usize,
}

impl Summary {
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .by_outcome
            .iter()
            .map(|(o, n)| format!("{n} {}", o.as_str()))
            .collect();
        let mut text = if parts.is_empty() {
            "no breaking finding to prove".to_string()
        } else {
            parts.join(", ")
        };
        if self.probes > 0 {
            let _ = write!(
                text,
                "; {} probe(s), {} finding(s) from them",
                self.probes, self.probe_findings
            );
        }
        text
    }
}

/// The witness of each breaking finding, by index, with its function text; findings without
/// one get their no-template witness at once. Parameter generalisations (additive) get their
/// call witness too, as a probe.
pub fn witnesses(cx: &WitnessCx<'_>, findings: &mut [Finding]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, f) in findings.iter_mut().enumerate() {
        if is_generalisation(f) {
            // a probe: do the old argument types still satisfy the generalised signature?
            if let Some(code) = rules::find(f.rule).and_then(|r| match r.witness {
                Template::Code(template) => template(cx, f),
                _ => None,
            }) {
                let title = format!("probe {}: {}", f.rule, f.path.replace('\n', " "));
                out.push((i, generate::function(i, &title, &code)));
            }
            continue;
        }
        if f.class != Class::Breaking {
            continue;
        }
        let Some(rule) = rules::find(f.rule) else {
            continue;
        };
        let note = match rule.witness {
            Template::Code(template) => match template(cx, f) {
                Some(code) => {
                    let title = format!("{}: {}", f.rule, f.path.replace('\n', " "));
                    out.push((i, generate::function(i, &title, &code)));
                    continue;
                }
                None => match cx.take_skip() {
                    Some(why) => format!("no code can witness it: {why}"),
                    None => "the template cannot write this item in downstream code (a generic to instantiate, a type outside the public API or from another crate)".to_string(),
                },
            },
            Template::Impossible(why) => format!("no code can witness it: {why}"),
            Template::NotYet(what) => format!("no template yet ({what})"),
        };
        f.witness = Some(Witness {
            code: None,
            baseline: None,
            current: None,
            outcome: Outcome::NoTemplate,
            note: Some(note),
            discounted: false,
        });
    }
    out
}

/// Judges every breaking finding by its witness, and runs the probes (see [`probe`]): a probe
/// that compiles against the baseline and fails against the current side adds a proven finding.
/// A side given as `Err(why)` (a bare rustdoc JSON file) cannot be compiled against: its
/// witnesses are unchecked.
pub fn prove(
    findings: &mut Vec<Finding>,
    old: &Api,
    new: &Api,
    baseline: Result<&SideDep, &str>,
    current: Result<&SideDep, &str>,
    place: &Place<'_>,
    policy: Policy,
) -> Result<Summary> {
    let cx = WitnessCx::new(old, new);
    let mut codes = witnesses(&cx, findings);
    let probes = probe::probes(&cx);
    let first_probe = findings.len();
    for (j, p) in probes.iter().enumerate() {
        let key = first_probe + j;
        let title = format!("probe {}: {}", p.rule, p.path);
        codes.push((key, generate::function(key, &title, &p.code)));
    }
    let generalisations = codes
        .iter()
        .filter(|(k, _)| *k < first_probe && is_generalisation(&findings[*k]))
        .count();
    let mut summary = Summary {
        probes: probes.len() + generalisations,
        ..Summary::default()
    };
    if !codes.is_empty() {
        let side = |dep: Result<&SideDep, &str>| -> Result<BTreeMap<usize, Compiled>> {
            match dep {
                Ok(dep) => run::check_side(dep, &codes, place),
                Err(why) => Ok(codes
                    .iter()
                    .map(|(k, _)| (*k, Compiled::Unknown(why.to_string())))
                    .collect()),
            }
        };
        let (b, c) = rayon::join(|| side(baseline), || side(current));
        let (b, c) = (b?, c?);
        let unknown = || Compiled::Unknown("not compiled".into());
        let mut added = Vec::new();
        for (k, text) in &codes {
            let on_baseline = b.get(k).cloned().unwrap_or_else(unknown);
            let on_current = c.get(k).cloned().unwrap_or_else(unknown);
            let witness = judge(text, &on_baseline, &on_current, policy);
            if *k < first_probe && is_generalisation(&findings[*k]) {
                // only a generalisation the compiler refutes is reported: as breaking
                if witness.outcome == Outcome::Proven {
                    let f = &mut findings[*k];
                    f.class = Class::Breaking;
                    f.message.push_str(
                        "; but a call with the old argument types no longer compiles: breaking",
                    );
                    f.witness = Some(witness);
                    summary.probe_findings += 1;
                }
                continue;
            }
            if *k < first_probe {
                findings[*k].witness = Some(witness);
                continue;
            }
            let p = &probes[*k - first_probe];
            if witness.outcome != Outcome::Proven {
                continue;
            }
            let Some(rule) = rules::find(p.rule) else {
                continue;
            };
            let mut f = Finding::new(rule, &p.path, &p.message);
            if let Some(item) = old.item(p.old) {
                f = f.old_span(item);
            }
            if let Some(item) = new.item(p.new) {
                f = f.new_span(item);
            }
            f.witness = Some(witness);
            added.push(f);
        }
        for f in added {
            let duplicate = findings
                .iter()
                .any(|g| g.rule == f.rule && g.path == f.path && g.message == f.message);
            if !duplicate {
                summary.probe_findings += 1;
                findings.push(f);
            }
        }
    }
    for f in findings.iter() {
        if let Some(w) = &f.witness {
            *summary.by_outcome.entry(w.outcome).or_default() += 1;
        }
    }
    Ok(summary)
}

/// A parameter generalisation the diff judged compatible (`u8` -> `impl Into<u8>`): under
/// `--prove`, a call with the old argument types checks it.
fn is_generalisation(f: &Finding) -> bool {
    f.rule == "fn-param-type-changed" && f.class == Class::Additive && f.accepted.is_none()
}

/// Whether proving has anything to compile: a breaking finding with a template, or a probe.
pub fn has_work(old: &Api, new: &Api, findings: &[Finding]) -> bool {
    let cx = WitnessCx::new(old, new);
    let templated = findings.iter().any(|f| {
        (f.class == Class::Breaking || is_generalisation(f))
            && rules::find(f.rule).is_some_and(|r| matches!(r.witness, Template::Code(_)))
    });
    templated || !probe::probes(&cx).is_empty()
}

/// A finding's witness from its two compilations.
#[allow(clippy::match_same_arms)] // one note per outcome, in the order they are judged
pub fn judge(code: &str, baseline: &Compiled, current: &Compiled, policy: Policy) -> Witness {
    let outcome = outcome::classify(baseline, current);
    let note = match outcome {
        Outcome::Proven => None,
        Outcome::Disproven if policy.keep_disproven => Some(
            "the witness compiles against both sides, so this use still works; it still counts (prove-keep-disproven)".to_string(),
        ),
        Outcome::Disproven => Some(
            "the witness compiles against both sides, so this use still works: the finding does not count toward the bump (set prove-keep-disproven = true to count it)".to_string(),
        ),
        Outcome::TemplateBug => Some(
            "the witness does not compile against the baseline: a bug in the rule's template, not a verdict on the finding (it still counts)".to_string(),
        ),
        Outcome::Unchecked => Some(
            [baseline, current]
                .iter()
                .find_map(|c| match c {
                    Compiled::Unknown(why) => Some(why.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
        ),
        Outcome::NoTemplate => None,
    };
    Witness {
        code: Some(code.to_string()),
        baseline: Some(baseline.describe()),
        current: Some(current.describe()),
        outcome,
        note,
        discounted: outcome == Outcome::Disproven && !policy.keep_disproven,
    }
}

/// Everything a comparison knows that proving needs; `compare` runs it after diffing a
/// package (findings are classified by the configuration first, so a finding the project
/// re-classes is judged by its final class).
pub struct Comparison<'a> {
    pub ctx: &'a crate::rustdoc::BuildContext,
    pub opts: &'a crate::rustdoc::BuildOptions,
    pub baseline: (
        &'a crate::rustdoc::Source,
        Option<&'a crate::rustdoc::ManifestInfo>,
    ),
    pub current: (
        &'a crate::rustdoc::Source,
        Option<&'a crate::rustdoc::ManifestInfo>,
    ),
    pub config: &'a crate::config::Config,
    pub progress: &'a crate::progress::Progress,
}

impl Comparison<'_> {
    /// Materialises both sides, compiles the witnesses and judges the findings.
    pub fn run(&self, old: &Api, new: &Api, findings: &mut Vec<Finding>) -> Result<()> {
        for f in findings.iter_mut() {
            self.config.classify(f);
        }
        if !has_work(old, new, findings) {
            // nothing to compile: the breaking findings still say why they have no witness
            witnesses(&WitnessCx::new(old, new), findings);
            return Ok(());
        }
        let dir = std::path::absolute(self.opts.target_dir.join("prove"))?;
        let tc = self.ctx.toolchain(self.opts.toolchain.as_deref())?;
        let cargo = move || tc.cargo();
        let place = Place {
            cargo: &cargo,
            dir: dir.clone(),
        };
        let side = |(source, manifest), role| {
            sides::materialise(self.ctx, self.opts, source, role, manifest, &dir)
        };
        let baseline = side(self.baseline, crate::rustdoc::Role::Baseline)?;
        let current = side(self.current, crate::rustdoc::Role::Current)?;
        let as_input = |m: &sides::Materialised| -> Result<SideDep, String> {
            m.dep
                .clone()
                .ok_or_else(|| m.missing.clone().unwrap_or_default())
        };
        let (b, c) = (as_input(&baseline), as_input(&current));
        self.progress.status(
            "Proving",
            format!(
                "breaking findings of {} by witnesses",
                self.ctx.package_name()
            ),
        );
        let started = std::time::Instant::now();
        let summary = prove(
            findings,
            old,
            new,
            b.as_ref().map_err(String::as_str),
            c.as_ref().map_err(String::as_str),
            &place,
            Policy {
                keep_disproven: self.config.prove_keep_disproven.unwrap_or(false),
            },
        )?;
        self.progress.status(
            "Proved",
            format!(
                "{}: {} in {}",
                self.ctx.package_name(),
                summary.describe(),
                crate::progress::format_duration(started.elapsed())
            ),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_that_fails_on_the_baseline_is_a_template_bug_and_still_counts() {
        let bug = Compiled::Error("error[E0425]: cannot find function `nope`".into());
        let w = judge("fn witness_0() {}", &bug, &bug, Policy::default());
        assert_eq!(w.outcome, Outcome::TemplateBug);
        assert!(!w.discounted);
        assert!(w.note.unwrap().contains("template"));
        assert_eq!(
            w.baseline.as_deref(),
            Some("error[E0425]: cannot find function `nope`")
        );
    }

    #[test]
    fn disproven_findings_stop_counting_unless_the_policy_keeps_them() {
        let w = judge(
            "fn witness_0() {}",
            &Compiled::Ok,
            &Compiled::Ok,
            Policy::default(),
        );
        assert_eq!(w.outcome, Outcome::Disproven);
        assert!(w.discounted);
        let kept = Policy {
            keep_disproven: true,
        };
        let w = judge("fn witness_0() {}", &Compiled::Ok, &Compiled::Ok, kept);
        assert!(!w.discounted);
    }
}
