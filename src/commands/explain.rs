//! `semgate rules` and `semgate explain <id>`: the registry, as text.

use anyhow::{anyhow, Result};

use super::emit;
use crate::report::rules::{explain_text, rules_text};
use crate::EXIT_PASS;

/// `semgate rules`.
pub fn rules() -> Result<i32> {
    emit(&rules_text())?;
    Ok(EXIT_PASS)
}

/// `semgate explain <id>`.
pub fn explain(id: &str) -> Result<i32> {
    let explanation = crate::rules::explain(id)
        .ok_or_else(|| anyhow!("no rule `{id}`; `semgate rules` lists every rule id"))?;
    emit(&explain_text(&explanation))?;
    Ok(EXIT_PASS)
}
