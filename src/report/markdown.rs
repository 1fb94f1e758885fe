//! `--format markdown`: a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use super::Report;

pub fn render(report: &Report) -> String {
    super::human::render(report, super::human::Paint { color: false })
}
