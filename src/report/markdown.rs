//! `--format markdown`: a pull-request comment or `$GITHUB_STEP_SUMMARY`.
//!
//! Verdict first (one headline a reviewer reads without opening anything), then one table row
//! per crate, then each crate's findings in a collapsed `<details>` block. GitHub-flavoured
//! markdown: every piece of text that comes from the report (messages, paths, reasons, notes)
//! is escaped, so no message can break the table or open an HTML tag.

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::{PackageReport, Report, SideReport};
use crate::bump::Change;
use crate::gate::Verdict;
use crate::rules::Finding;
use crate::rules::{self, Class};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let icon = match (report.verdict, judged(report)) {
        (Verdict::Fail, _) => "❌",
        (Verdict::Pass, true) => "✅",
        // `suggest`: nothing was proposed, so there is nothing to pass or fail
        (Verdict::Pass | Verdict::None, _) => "ℹ️",
    };
    let _ = writeln!(out, "## {icon} {}\n", text(&headline(report)));

    if !report.packages.is_empty() {
        table(&mut out, report);
    }
    list(&mut out, "Refused", &report.problems);
    list(&mut out, "Skipped", &report.skipped);
    for package in &report.packages {
        details(&mut out, package);
    }
    out
}

/// The verdict in one plain-text sentence; the github format ends with it too.
pub(crate) fn headline(report: &Report) -> String {
    let problems = match report.problems.len() {
        0 => None,
        1 => Some("1 workspace problem".to_string()),
        n => Some(format!("{n} workspace problems")),
    };
    match report.packages.as_slice() {
        [] => match problems {
            Some(problems) => format!("semgate refused the release: {problems}"),
            None => "semgate: no crate was checked".to_string(),
        },
        [p] => {
            let need = need(p);
            let mut line = match (&p.proposed_version, p.verdict) {
                (Some(v), Verdict::Fail) => format!("semgate: {} {v} is too small: {need}", p.name),
                (Some(v), Verdict::Pass) if problems.is_some() => {
                    format!(
                        "semgate refused the release: {} {v} is large enough, but see below",
                        p.name
                    )
                }
                (Some(v), Verdict::Pass) => {
                    format!("semgate: {} {v} is large enough: {need}", p.name)
                }
                (_, Verdict::None) | (None, _) => format!("semgate: {}: {need}", p.name),
            };
            if let Some(problems) = problems {
                let _ = write!(line, " ({problems})");
            }
            line
        }
        packages => {
            let total = packages.len();
            let failed = packages
                .iter()
                .filter(|p| p.verdict == Verdict::Fail)
                .count();
            let largest = format!("largest bump needed: {}", report.required_bump.as_str());
            let mut reasons = Vec::new();
            if failed > 0 {
                let verb = if failed == 1 { "needs" } else { "need" };
                reasons.push(format!(
                    "{failed} of {total} crates {verb} a larger version"
                ));
            }
            reasons.extend(problems);
            if !reasons.is_empty() {
                format!(
                    "semgate refused the release: {} ({largest})",
                    reasons.join("; ")
                )
            } else if judged(report) {
                format!("semgate: all {total} crates have large enough versions ({largest})")
            } else {
                format!("semgate: {total} crates checked ({largest})")
            }
        }
    }
}

/// Whether anything was judged: `check` proposes versions (or found workspace problems);
/// `suggest` only says what is needed.
fn judged(report: &Report) -> bool {
    !report.problems.is_empty() || report.packages.iter().any(|p| p.proposed_version.is_some())
}

/// What the changes need, e.g. "breaking changes need a major release, at least 2.0.0".
fn need(p: &PackageReport) -> String {
    match p.change {
        Change::None => "no public API changes".to_string(),
        change => format!(
            "{} changes need a {} release, at least {}",
            change.as_str(),
            p.required_bump.as_str(),
            p.minimum_version
        ),
    }
}

fn table(out: &mut String, report: &Report) {
    out.push_str(
        "| Crate | Baseline | Proposed | Change | Required bump | Minimum version | Verdict |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for p in &report.packages {
        let version = |v: &Option<semver::Version>| {
            v.as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| "—".into())
        };
        let verdict = match (&p.proposed_version, p.verdict) {
            (None, _) | (_, Verdict::None) => "—",
            (Some(_), Verdict::Pass) => "✅ pass",
            (Some(_), Verdict::Fail) => "❌ fail",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {verdict} |",
            cell(&code(&p.name)),
            cell(&text(&version(&p.baseline.version))),
            cell(&text(&version(&p.proposed_version))),
            p.change.as_str(),
            p.required_bump.as_str(),
            cell(&text(&p.minimum_version.to_string())),
        );
    }
    out.push('\n');
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{title}:**\n");
    for item in items {
        let _ = writeln!(out, "- {}", inline(item));
    }
    out.push('\n');
}

/// One crate: a collapsed block with where both sides came from, the gate's notes and the
/// findings grouped by class. Accepted findings get their own group: shown, never hidden.
fn details(out: &mut String, p: &PackageReport) {
    let accepted = p.findings.iter().filter(|f| f.accepted.is_some()).count();
    let mut counts: Vec<String> = [
        (Class::Breaking, "breaking"),
        (Class::Additive, "additive"),
        (Class::Patch, "patch-level"),
    ]
    .into_iter()
    .filter_map(|(class, label)| match p.count(class) {
        0 => None,
        n => Some(format!("{n} {label}")),
    })
    .collect();
    if accepted > 0 {
        counts.push(format!("{accepted} accepted"));
    }
    let disproven = p
        .findings
        .iter()
        .filter(|f| f.accepted.is_none() && !f.counts())
        .count();
    if disproven > 0 {
        counts.push(format!("{disproven} disproven"));
    }
    if counts.is_empty() {
        counts.push("no API changes".to_string());
    }
    // the summary is HTML, not markdown: escape for HTML and use HTML markup
    let _ = writeln!(
        out,
        "<details>\n<summary><strong>{}</strong>: {}</summary>\n",
        html(&p.name),
        counts.join(", ")
    );

    let mut sides = format!(
        "Baseline: {}; current: {}",
        side(&p.baseline),
        side(&p.current)
    );
    if let Some(proposed) = &p.proposed_version {
        let from = p.proposed_from.as_deref().unwrap_or("Cargo.toml");
        let _ = write!(sides, "; proposed: {proposed} (from {from})");
    }
    let _ = writeln!(out, "{}.\n", text(&sides));
    for note in &p.notes {
        let _ = writeln!(out, "> **Note:** {}\n", inline(note));
    }

    for (index, title) in GROUPS.iter().enumerate() {
        let findings: Vec<&Finding> = p.findings.iter().filter(|f| group(f) == index).collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "**{title}**\n");
        for f in findings {
            finding(out, p, f);
        }
        out.push('\n');
    }
    out.push_str("</details>\n\n");
}

/// Finding groups, in order; accepted findings are listed, apart, whatever their class.
const GROUPS: [&str; 5] = [
    "Breaking changes",
    "Additive changes",
    "Patch-level changes",
    "Accepted by configuration (not counted)",
    "Disproven by their witness (not counted)",
];

fn group(f: &Finding) -> usize {
    match (&f.accepted, f.class) {
        (Some(_), _) => 3,
        (None, _) if !f.counts() => 4,
        (None, Class::Breaking) => 0,
        (None, Class::Additive) => 1,
        (None, Class::Patch) => 2,
    }
}

fn side(s: &SideReport) -> String {
    match &s.version {
        Some(v) => format!("{v} ({})", s.description),
        None => s.description.clone(),
    }
}

fn finding(out: &mut String, p: &PackageReport, f: &Finding) {
    let rule = match rules::find(f.rule) {
        Some(r) => format!("[{}]({})", code(f.rule), r.reference),
        None => code(f.rule),
    };
    let _ = writeln!(out, "- {rule}: {}", inline(&f.message));
    let _ = writeln!(out, "  - path: {}", code(&f.path));
    let at = |loc: &crate::rules::Location| code(&format!("{}:{}", p.repo_path(loc), loc.line));
    // a baseline from this repository has the same layout; one from a path or the registry
    // does not, so its location stays relative to the package
    let at_base = |loc: &crate::rules::Location| match p.baseline.source.as_str() {
        "git" => at(loc),
        _ => code(&format!("{}:{}", loc.file, loc.line)),
    };
    match (&f.current_span, &f.baseline_span) {
        (Some(cur), Some(base)) => {
            let _ = writeln!(out, "  - at {} (baseline {})", at(cur), at_base(base));
        }
        (Some(cur), None) => {
            let _ = writeln!(out, "  - at {}", at(cur));
        }
        (None, Some(base)) => {
            let _ = writeln!(out, "  - at {} in the baseline", at_base(base));
        }
        (None, None) => {}
    }
    if !f.feature_sets.is_empty() {
        let _ = writeln!(
            out,
            "  - feature sets: {}",
            text(&f.feature_sets.join(", "))
        );
    }
    if let Some(reason) = &f.accepted {
        let _ = writeln!(
            out,
            "  - accepted ({} change): {}",
            f.class.as_str(),
            inline(reason)
        );
    }
    if let (Some(old), Some(new)) = (&f.baseline_signature, &f.current_signature) {
        if old != new {
            out.push('\n');
            diff_block(out, old, new, "  ");
        }
    }
    if let Some(w) = &f.witness {
        witness(out, w);
    }
}

/// `check --prove`: the witness in a collapsible block, with what the compiler said.
fn witness(out: &mut String, w: &crate::rules::witness::Witness) {
    let _ = writeln!(
        out,
        "\n  <details><summary>witness: {}</summary>\n",
        w.outcome.as_str()
    );
    if let Some(note) = &w.note {
        let _ = writeln!(out, "  {}\n", inline(note));
    }
    if let Some(code) = &w.code {
        // a fence longer than any backtick run in the code
        let fence = "`".repeat(3.max(longest_backtick_run(code) + 1));
        let _ = writeln!(out, "  {fence}rust");
        for line in code.lines() {
            let _ = writeln!(out, "  {line}");
        }
        let _ = writeln!(out, "  {fence}\n");
    }
    for (side, said) in [("baseline", &w.baseline), ("current", &w.current)] {
        if let Some(said) = said {
            let _ = writeln!(out, "  - {side}: {}", code(said));
        }
    }
    let _ = writeln!(out, "\n  </details>");
}

/// A ```diff block of the declaration before (-) and after (+), indented into a list item.
fn diff_block(out: &mut String, old: &str, new: &str, indent: &str) {
    let diff = TextDiff::from_lines(old, new);
    let lines: Vec<String> = diff
        .iter_all_changes()
        .map(|change| {
            let sign = match change.tag() {
                ChangeTag::Delete => "- ",
                ChangeTag::Insert => "+ ",
                ChangeTag::Equal => "  ",
            };
            format!("{sign}{}", change.value().trim_end_matches(['\n', '\r']))
        })
        .collect();
    // the fence must be longer than any backtick run inside, or the block would end early
    let longest = lines
        .iter()
        .map(|l| longest_backtick_run(l))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{indent}{fence}diff");
    for line in &lines {
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{fence}");
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Plain text made inert: markdown punctuation is backslash-escaped (`|` too, so the result is
/// safe in a table cell) and line breaks become spaces, so the text stays one paragraph.
pub(crate) fn text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '~' | '[' | ']' | '<' | '&' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // `_` only emphasises at a word boundary; keeping `snake_case` readable in the raw text
            '_' => {
                let inner = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                if !(inner(i.checked_sub(1)) && inner(Some(i + 1))) {
                    out.push('\\');
                }
                out.push('_');
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A code span holding `s` literally, whatever backticks it contains.
pub(crate) fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    // a span's content loses one space at each end when both are there, and a backtick next to
    // the fence would lengthen it: pad in both cases
    let pad = s.starts_with('`')
        || s.ends_with('`')
        || (s.len() > 1 && s.starts_with(' ') && s.ends_with(' '));
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A message in which `code` is quoted with backticks (as every rule writes them): the quoted
/// parts stay code spans, the rest is escaped as [`text`]. Unbalanced backticks make the whole
/// message plain text.
pub(crate) fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() % 2 == 0 {
        return text(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match (i % 2, part.is_empty()) {
            (0, _) => text(part),
            // "``" would open a two-backtick fence, not an empty span
            (_, true) => "\\`\\`".to_string(),
            (_, false) => code(part),
        })
        .collect()
}

/// `|` ends a table cell even inside a code span; GitHub accepts `\|` there as well.
fn cell(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut escaped = false;
    for c in markdown.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markdown_and_html() {
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(
            text("<script> & *x* [l](u) ~s~ \\"),
            "\\<script> \\& \\*x\\* \\[l\\](u) \\~s\\~ \\\\"
        );
        assert_eq!(text("one\ntwo"), "one two");
        // intraword underscores cannot emphasise; boundary ones can
        assert_eq!(text("example_config _x_"), "example_config \\_x\\_");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a::b"), "`a::b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(cell(&code("Fn(u8) -> u8 | x")), "`Fn(u8) -> u8 \\| x`");
        // an already escaped pipe is not escaped twice
        assert_eq!(cell("a \\| b | c"), "a \\| b \\| c");
    }

    #[test]
    fn messages_keep_their_code_spans() {
        assert_eq!(
            inline("type `Vec<T>` changed to <U>"),
            "type `Vec<T>` changed to \\<U>"
        );
        assert_eq!(inline("odd ` backtick"), "odd \\` backtick");
        assert_eq!(inline("empty `` span"), "empty \\`\\` span");
    }

    #[test]
    fn diff_fence_outgrows_backticks() {
        let mut out = String::new();
        diff_block(&mut out, "fn a()", "fn a() // ```", "");
        assert_eq!(out, "````diff\n- fn a()\n+ fn a() // ```\n````\n");
    }
}
