//! `--format json`: the report as one JSON document (schema in README.md).

use super::Report;

pub fn render(report: &Report) -> String {
    // serialising plain data with string keys cannot fail
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
