//! What a rule reports: one change, its class, where it is on both sides, and how the
//! signature moved.

use rustdoc_types::{Item, Span};
use serde::{Deserialize, Serialize};

use super::{Class, Rule};
use crate::api::signature::signature;
use crate::api::Api;

/// A location in a crate's sources, relative to that side's package root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn of(span: &Span) -> Location {
        Location {
            file: span.filename.to_string_lossy().replace('\\', "/"),
            line: span.begin.0,
            column: span.begin.1,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One detected change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    #[serde(rename = "change")]
    pub class: Class,
    /// the public path users name the changed item by (canonical path when there are several)
    pub path: String,
    pub message: String,
    pub baseline_span: Option<Location>,
    pub current_span: Option<Location>,
    /// declaration before and after, when a signature changed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_signature: Option<String>,
    /// set when configuration accepted this finding, with the reason given
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
    /// with `--feature-sets`: the feature sets the finding appears in
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_sets: Vec<String>,
    /// with `check --prove`: the witness and what the compiler said about it
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<crate::rules::witness::Witness>,
}

/// A finding as a JSON report holds it, read back by `semgate merge`: the rule must be one this
/// semgate knows.
#[derive(Deserialize)]
struct Stored {
    rule: String,
    change: Class,
    path: String,
    message: String,
    baseline_span: Option<Location>,
    current_span: Option<Location>,
    #[serde(default)]
    baseline_signature: Option<String>,
    #[serde(default)]
    current_signature: Option<String>,
    #[serde(default)]
    accepted: Option<String>,
    #[serde(default)]
    feature_sets: Vec<String>,
    #[serde(default)]
    witness: Option<crate::rules::witness::Witness>,
}

impl<'de> Deserialize<'de> for Finding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Finding, D::Error> {
        Finding::try_from(Stored::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Stored> for Finding {
    type Error = String;

    fn try_from(s: Stored) -> Result<Finding, String> {
        let rule = super::find(&s.rule).map(|r| r.id).ok_or_else(|| {
            format!(
                "rule `{}` is not known to this semgate (was the report written by another version?)",
                s.rule
            )
        })?;
        Ok(Finding {
            rule,
            class: s.change,
            path: s.path,
            message: s.message,
            baseline_span: s.baseline_span,
            current_span: s.current_span,
            baseline_signature: s.baseline_signature,
            current_signature: s.current_signature,
            accepted: s.accepted,
            feature_sets: s.feature_sets,
            witness: s.witness,
        })
    }
}

impl Finding {
    pub fn new(rule: &Rule, path: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id,
            class: rule.class(),
            path: path.into(),
            message: message.into(),
            baseline_span: None,
            current_span: None,
            baseline_signature: None,
            current_signature: None,
            accepted: None,
            feature_sets: Vec::new(),
            witness: None,
        }
    }

    /// Whether the finding counts toward the required bump: not accepted by configuration,
    /// not disproven by its witness (`check --prove`).
    pub fn counts(&self) -> bool {
        self.accepted.is_none() && !self.witness.as_ref().is_some_and(|w| w.discounted)
    }

    pub fn class(mut self, class: Class) -> Finding {
        self.class = class;
        self
    }

    pub fn old_span(mut self, item: &Item) -> Finding {
        self.baseline_span = item.span.as_ref().map(Location::of);
        self
    }

    pub fn new_span(mut self, item: &Item) -> Finding {
        self.current_span = item.span.as_ref().map(Location::of);
        self
    }

    /// For an item gone from the current side: points at the innermost enclosing module or
    /// type that is still there ([`Api::enclosing_item`]), never at the baseline's line number
    /// in a file that has changed since.
    pub fn enclosing_span(mut self, current: &Api, path: &str) -> Finding {
        self.current_span = current
            .enclosing_item(path)
            .and_then(|item| item.span.as_ref())
            .map(Location::of);
        self
    }

    pub fn spans(self, old: &Item, new: &Item) -> Finding {
        self.old_span(old).new_span(new)
    }

    /// Attaches both declarations, so the report can show how the signature moved.
    pub fn signatures(mut self, old_api: &Api, old: &Item, new_api: &Api, new: &Item) -> Finding {
        self.baseline_signature = Some(signature(old_api, old));
        self.current_signature = Some(signature(new_api, new));
        self
    }

    pub fn signature_text(mut self, old: String, new: String) -> Finding {
        self.baseline_signature = Some(old);
        self.current_signature = Some(new);
        self
    }

    /// The order reports list findings in: most severe first, then by path and rule.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.class),
            &self.path,
            self.rule,
            &self.message,
        )
    }
}
