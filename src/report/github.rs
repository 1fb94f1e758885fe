//! `--format github`: GitHub Actions workflow commands that annotate the changed lines.
//!
//! One command per line: first the verdict (GitHub shows only the first ten errors of a step,
//! so the verdict must not come after them), then `::error` for breaking findings of a
//! package that fails the gate (`::warning` when the proposed version allows them), `::warning`
//! for additive ones, `::notice` for patch-level findings, accepted findings and the gate's
//! notes, each on the current side's span (the baseline's when the item is gone). Everything that comes from the report is escaped by GitHub's rules, so a message
//! can neither end its command early nor start a new one.

use std::fmt::Write;

use similar::{ChangeTag, TextDiff};

use super::{PackageReport, Report};
use crate::gate::Verdict;
use crate::rules::Class;
use crate::rules::Finding;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let verdict = super::markdown::headline(report);
    let kind = match report.verdict {
        Verdict::Pass | Verdict::None => "notice",
        Verdict::Fail => "error",
    };
    command(&mut out, kind, &[], &verdict);
    for package in &report.packages {
        for f in &package.findings {
            annotation(&mut out, package, f);
        }
        for note in &package.notes {
            command(
                &mut out,
                "notice",
                &[("title", format!("semgate {}", package.name))],
                note,
            );
        }
    }
    for problem in &report.problems {
        command(
            &mut out,
            "error",
            &[("title", "semgate".to_string())],
            problem,
        );
    }
    for skipped in &report.skipped {
        command(
            &mut out,
            "notice",
            &[("title", "semgate".to_string())],
            &format!("skipped: {skipped}"),
        );
    }
    out
}

fn annotation(out: &mut String, package: &PackageReport, f: &Finding) {
    // one arm per case, in the order they are decided: merging equal arms would hide that
    #[allow(clippy::match_same_arms)]
    let kind = match (&f.accepted, f.class) {
        // accepted findings do not count toward the bump: visible, but not as problems
        (Some(_), _) => "notice",
        // disproven by its witness (check --prove): it no longer counts either
        _ if !f.counts() => "notice",
        // a breaking change released as a major version is intended: worth a look, not a failure
        (None, Class::Breaking) if package.verdict != Verdict::Fail => "warning",
        (None, Class::Breaking) => "error",
        (None, Class::Additive) => "warning",
        (None, Class::Patch) => "notice",
    };
    let mut message = f.message.clone();
    let mut props = Vec::new();
    let span = match (&f.current_span, &f.baseline_span) {
        (Some(cur), _) => Some(cur),
        (None, Some(base)) => {
            // the baseline's line number would land on an unrelated line of today's file:
            // no location, the old one in the text
            let _ = write!(
                message,
                "\n(removed; it was at {}:{} in the baseline)",
                package.repo_path(base),
                base.line
            );
            None
        }
        (None, None) => None,
    };
    if let Some(span) = span {
        props.push(("file", package.repo_path(span)));
        props.push(("line", span.line.to_string()));
        props.push(("col", span.column.to_string()));
    }
    props.push(("title", format!("semgate {}", f.rule)));
    if let Some(reason) = &f.accepted {
        let _ = write!(
            message,
            "\naccepted ({} change): {reason}",
            f.class.as_str()
        );
    }
    if !f.feature_sets.is_empty() {
        let _ = write!(message, "\nfeature sets: {}", f.feature_sets.join(", "));
    }
    if let Some(w) = &f.witness {
        let _ = write!(message, "\nwitness: {}", w.outcome.as_str());
        if let Some(said) = &w.current {
            let _ = write!(message, " (current: {said})");
        }
        if let Some(note) = &w.note {
            let _ = write!(message, "; {note}");
        }
    }
    if let (Some(old), Some(new)) = (&f.baseline_signature, &f.current_signature) {
        if old != new {
            message.push('\n');
            for change in TextDiff::from_lines(old.as_str(), new.as_str()).iter_all_changes() {
                let sign = match change.tag() {
                    ChangeTag::Delete => "- ",
                    ChangeTag::Insert => "+ ",
                    ChangeTag::Equal => "  ",
                };
                let _ = write!(
                    message,
                    "\n{sign}{}",
                    change.value().trim_end_matches(['\n', '\r'])
                );
            }
        }
    }
    command(out, kind, &props, &message);
}

/// `::kind key=value,key=value::message`, one line.
fn command(out: &mut String, kind: &str, props: &[(&str, String)], message: &str) {
    let _ = write!(out, "::{kind}");
    for (i, (key, value)) in props.iter().enumerate() {
        let _ = write!(
            out,
            "{}{key}={}",
            if i == 0 { ' ' } else { ',' },
            escape_property(value)
        );
    }
    let _ = writeln!(out, "::{}", escape_data(message));
}

/// GitHub's escaping of a command's message: `%` first, so the escapes themselves survive.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value also ends at `,` (next property) and `:` (the message).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_githubs_rules() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(
            escape_data("%0A"),
            "%250A",
            "an escape in the input stays literal"
        );
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn one_command_per_line() {
        let mut out = String::new();
        command(
            &mut out,
            "error",
            &[("file", "dir,x/a:b.rs".into()), ("line", "3".into())],
            "two\nlines :: ::error::x",
        );
        assert_eq!(
            out,
            "::error file=dir%2Cx/a%3Ab.rs,line=3::two%0Alines :: ::error::x\n"
        );
        let mut out = String::new();
        command(&mut out, "notice", &[], "done");
        assert_eq!(out, "::notice::done\n");
    }
}
