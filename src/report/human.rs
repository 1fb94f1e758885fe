//! The default report: rustc-style diagnostics, one per finding, then a summary per package.

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::{PackageReport, Report};
use crate::gate::Verdict;
use crate::rules::{self, Class};

/// ANSI styling, or none.
#[derive(Clone, Copy)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn red(self, t: &str) -> String {
        self.wrap("1;31", t)
    }
    fn yellow(self, t: &str) -> String {
        self.wrap("1;33", t)
    }
    fn green(self, t: &str) -> String {
        self.wrap("1;32", t)
    }
    fn blue(self, t: &str) -> String {
        self.wrap("1;34", t)
    }
    fn cyan(self, t: &str) -> String {
        self.wrap("36", t)
    }
}

pub fn render(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    for package in &report.packages {
        for finding in &package.findings {
            finding_block(&mut out, finding, paint);
        }
        summary(&mut out, package, paint);
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}: {problem}", paint.red("refused"));
    }
    for skipped in &report.skipped {
        let _ = writeln!(out, "{}: {skipped}", paint.cyan("skipped"));
    }
    if report.packages.len() > 1 || !report.problems.is_empty() {
        let verdict = match report.verdict {
            Verdict::Pass => paint.green("PASS"),
            Verdict::Fail => paint.red("FAIL"),
            Verdict::None => paint.cyan("no verdict"),
        };
        let _ = writeln!(
            out,
            "{}: {verdict} ({} packages, largest bump needed: {})",
            paint.bold("overall"),
            report.packages.len(),
            report.required_bump.as_str()
        );
    }
    out
}

fn finding_block(out: &mut String, f: &crate::rules::Finding, paint: Paint) {
    let label = match (f.class, &f.accepted) {
        (_, Some(_)) => paint.cyan("accepted"),
        _ if !f.counts() => paint.cyan("disproven"),
        (Class::Breaking, _) => paint.red("breaking"),
        (Class::Additive, _) => paint.yellow("additive"),
        (Class::Patch, _) => paint.cyan("note"),
    };
    let _ = writeln!(
        out,
        "{label}{}: {}",
        paint.bold(&format!("[{}]", f.rule)),
        paint.bold(&f.message)
    );
    let gutter = paint.blue("   |");
    match (&f.current_span, &f.baseline_span) {
        (Some(cur), _) => {
            let _ = writeln!(out, "  {} {cur} (current)", paint.blue("-->"));
        }
        (None, Some(base)) => {
            let _ = writeln!(out, "  {} {base} (baseline)", paint.blue("-->"));
        }
        (None, None) => {
            let _ = writeln!(out, "  {} {}", paint.blue("-->"), f.path);
        }
    }
    if let (Some(_), Some(base)) = (&f.current_span, &f.baseline_span) {
        let _ = writeln!(out, "{gutter} baseline: {base}");
    }
    if let (Some(old), Some(new)) = (&f.baseline_signature, &f.current_signature) {
        if old != new {
            let _ = writeln!(out, "{gutter}");
            let diff = TextDiff::from_lines(old.as_str(), new.as_str());
            for change in diff.iter_all_changes() {
                let line = change.value().trim_end_matches('\n');
                match change.tag() {
                    ChangeTag::Delete => {
                        let _ = writeln!(out, "{gutter} {}", paint.red(&format!("- {line}")));
                    }
                    ChangeTag::Insert => {
                        let _ = writeln!(out, "{gutter} {}", paint.green(&format!("+ {line}")));
                    }
                    ChangeTag::Equal => {
                        let _ = writeln!(out, "{gutter}   {line}");
                    }
                }
            }
            let _ = writeln!(out, "{gutter}");
        }
    }
    if let Some(w) = &f.witness {
        witness_block(out, w, paint);
    }
    if !f.feature_sets.is_empty() {
        let _ = writeln!(
            out,
            "   {} feature sets: {}",
            paint.blue("="),
            f.feature_sets.join(", ")
        );
    }
    if let Some(reason) = &f.accepted {
        let _ = writeln!(out, "   {} accepted: {reason}", paint.blue("="));
    }
    let reference = rules::find(f.rule).map(|r| r.reference).unwrap_or("");
    let _ = writeln!(out, "   {} path: {}", paint.blue("="), f.path);
    let _ = writeln!(out, "   {} help: {reference}", paint.blue("="));
    out.push('\n');
}

/// `check --prove`: the outcome, the witness's code and what the compiler said on each side.
fn witness_block(out: &mut String, w: &crate::rules::witness::Witness, paint: Paint) {
    let gutter = paint.blue("   |");
    let _ = writeln!(
        out,
        "   {} witness: {}",
        paint.blue("="),
        w.outcome.as_str()
    );
    if let Some(code) = &w.code {
        for line in code.lines() {
            let _ = writeln!(out, "{gutter}     {line}");
        }
    }
    if let Some(b) = &w.baseline {
        let _ = writeln!(out, "{gutter} baseline: {b}");
    }
    if let Some(c) = &w.current {
        let _ = writeln!(out, "{gutter}  current: {c}");
    }
    if let Some(note) = &w.note {
        let _ = writeln!(out, "   {} {note}", paint.blue("="));
    }
}

fn summary(out: &mut String, p: &PackageReport, paint: Paint) {
    let side = |s: &super::SideReport| match &s.version {
        Some(v) => format!("{v} ({})", s.description),
        None => s.description.clone(),
    };
    let _ = writeln!(out, "{} {}", paint.bold("Summary for"), paint.bold(&p.name));
    let _ = writeln!(out, "    baseline: {}", side(&p.baseline));
    let _ = writeln!(out, "     current: {}", side(&p.current));
    let _ = writeln!(
        out,
        "     changes: {} breaking, {} additive, {} note(s){}",
        p.count(Class::Breaking),
        p.count(Class::Additive),
        p.count(Class::Patch),
        match p.findings.iter().filter(|f| f.accepted.is_some()).count() {
            0 => String::new(),
            n => format!(", {n} accepted"),
        } + &match p
            .findings
            .iter()
            .filter(|f| f.accepted.is_none() && !f.counts())
            .count()
        {
            0 => String::new(),
            n => format!(", {n} disproven"),
        }
    );
    let _ = writeln!(
        out,
        "    required: {} release, at least {}",
        p.required_bump.as_str(),
        p.minimum_version
    );
    if let Some(proposed) = &p.proposed_version {
        let from = p.proposed_from.as_deref().unwrap_or("Cargo.toml");
        let _ = writeln!(out, "    proposed: {proposed} (from {from})");
    }
    for note in &p.notes {
        let _ = writeln!(out, "        note: {note}");
    }
    if p.proposed_version.is_some() {
        let verdict = match p.verdict {
            Verdict::Pass => paint.green("PASS"),
            Verdict::Fail => paint.red("FAIL"),
            Verdict::None => paint.cyan("none"),
        };
        let why = match p.verdict {
            Verdict::Pass => "the proposed version is large enough for these changes".to_string(),
            Verdict::None => "no version was proposed".to_string(),
            Verdict::Fail => format!(
                "the proposed version is too small: release at least {}",
                p.minimum_version
            ),
        };
        let _ = writeln!(out, "     verdict: {verdict}: {why}");
    }
    out.push('\n');
}
