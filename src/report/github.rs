//! `--format github`: GitHub Actions workflow commands that annotate the changed lines.

use super::Report;

pub fn render(report: &Report) -> String {
    super::human::render(report, super::human::Paint { color: false })
}
