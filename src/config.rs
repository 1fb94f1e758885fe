//! Project configuration from `[workspace.metadata.semgate]` and `[package.metadata.semgate]`
//! (the package's table wins key by key):
//!
//! ```toml
//! [package.metadata.semgate]
//! include-hidden = false                 # count #[doc(hidden)] items as public API
//! possibly-breaking = "breaking"         # class for every possibly-breaking rule
//! rules = { rust-version-raised = "breaking", const-value-changed = "additive" }
//! accept = [
//!   { rule = "fn-param-type-changed", path = "my_crate::parse", reason = "only called by our own tools" },
//! ]
//! release-branches = ["release/v*"]      # patch releases only from these (patch-off-release-branch)
//! release-checks = { prerelease-dependency = "off" }   # switch a release check off
//! unreleased = ["dev*", "alpha.0"]       # pre-releases that mean "not released yet" (semgate tag)
//! tag-format = "{name}-v{version}"       # the tag shape `semgate tag` writes
//! registry = "internal"                  # where baselines and releases are looked up
//! prove = true                           # check --prove: judge breaking findings by witnesses
//! prove-keep-disproven = true            # a disproven finding still counts toward the bump
//! ```
//!
//! Accepted findings stay in every report, marked with their reason; they only stop counting
//! toward the required bump.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::rules::Finding;
use crate::rules::{self, Class};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    pub include_hidden: Option<bool>,
    pub possibly_breaking: Option<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub accept: Vec<Accept>,
    /// branches a patch release may be made from (globs); unset: any branch
    pub release_branches: Option<Vec<String>>,
    /// release checks by id, "on" or "off"
    #[serde(default)]
    pub release_checks: BTreeMap<String, String>,
    /// pre-release identifiers (globs) of versions that are not releases yet
    pub unreleased: Option<Vec<String>>,
    /// the shape of release tags, with `{version}` and optionally `{name}`
    pub tag_format: Option<String>,
    /// the registry packages are published to and looked up in (cargo's name for it)
    pub registry: Option<String>,
    /// judge breaking findings by compiling witnesses (as `check --prove`)
    pub prove: Option<bool>,
    /// a finding whose witness compiles against both sides still counts toward the bump
    pub prove_keep_disproven: Option<bool>,
}

/// Pre-releases that mean "the next release, not yet made" unless configured otherwise: main
/// at `X.Y.Z-dev`, and the `.0` placeholders of a coming alpha, beta or release candidate.
pub const DEFAULT_UNRELEASED: &[&str] = &["dev*", "alpha.0", "beta.0", "rc.0"];

/// A finding the project accepts, with the reason a reviewer will read.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    pub rule: String,
    /// the finding's path; a trailing `*` matches any path with that prefix
    pub path: String,
    pub reason: String,
}

impl Config {
    /// Reads the `semgate` tables of workspace and package metadata (cargo metadata's JSON).
    pub fn from_metadata(
        workspace: &serde_json::Value,
        package: &serde_json::Value,
    ) -> Result<Config> {
        let ws = parse(workspace.get("semgate"), "[workspace.metadata.semgate]")?;
        let pkg = parse(package.get("semgate"), "[package.metadata.semgate]")?;
        let mut rules = ws.rules;
        rules.extend(pkg.rules);
        let mut accept = ws.accept;
        accept.extend(pkg.accept);
        let mut release_checks = ws.release_checks;
        release_checks.extend(pkg.release_checks);
        let config = Config {
            include_hidden: pkg.include_hidden.or(ws.include_hidden),
            possibly_breaking: pkg.possibly_breaking.or(ws.possibly_breaking),
            rules,
            accept,
            release_branches: pkg.release_branches.or(ws.release_branches),
            release_checks,
            unreleased: pkg.unreleased.or(ws.unreleased),
            tag_format: pkg.tag_format.or(ws.tag_format),
            registry: pkg.registry.or(ws.registry),
            prove: pkg.prove.or(ws.prove),
            prove_keep_disproven: pkg.prove_keep_disproven.or(ws.prove_keep_disproven),
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        if let Some(class) = &self.possibly_breaking {
            parse_class(class, "possibly-breaking")?;
        }
        for (id, class) in &self.rules {
            if rules::find(id).is_none() {
                bail!("configuration names rule `{id}`, which does not exist; `semgate rules` lists them");
            }
            parse_class(class, id)?;
        }
        for (id, state) in &self.release_checks {
            if !crate::rules::release_checks::RELEASE_CHECKS
                .iter()
                .any(|c| c.id == id)
            {
                bail!("`release-checks` names `{id}`, which is not a release check; `semgate rules` lists them");
            }
            if !matches!(state.as_str(), "on" | "off") {
                bail!("`release-checks = {{ {id} = \"{state}\" }}`: the value must be \"on\" or \"off\"");
            }
        }
        if let Some(format) = &self.tag_format {
            if !format.contains("{version}") {
                bail!("`tag-format = \"{format}\"` has no `{{version}}` placeholder; write it like `v{{version}}` or `{{name}}-v{{version}}`");
            }
        }
        for a in &self.accept {
            if rules::find(&a.rule).is_none() {
                bail!("an `accept` entry names rule `{}`, which does not exist; `semgate rules` lists them", a.rule);
            }
            if a.reason.trim().is_empty() {
                bail!("the `accept` entry for `{}` at `{}` has no reason; write why the change is acceptable", a.rule, a.path);
            }
        }
        Ok(())
    }

    /// Re-classes findings and marks accepted ones; returns the accept entries that matched
    /// nothing, so stale entries can be reported. (The commands do this per package through
    /// `classify` and `stale`; the tests use the whole.)
    #[cfg(test)]
    pub fn apply(&self, findings: &mut [Finding]) -> Vec<&Accept> {
        for f in findings.iter_mut() {
            self.classify(f);
        }
        self.stale(findings)
    }

    /// Re-classes one finding by the project's policy and marks it accepted when an `accept`
    /// entry names it. Findings added late (propagated from a workspace dependency) go through
    /// here too, so an `accept` entry can name them.
    pub fn classify(&self, f: &mut Finding) {
        let Some(rule) = rules::find(f.rule) else {
            return;
        };
        // only findings at the rule's own class move: a per-finding downgrade (an enum
        // that is #[non_exhaustive], a sealed trait) stays what it is
        if f.class == rule.class() {
            if let Some(class) = self.rules.get(rule.id).and_then(|c| Class::parse(c)) {
                f.class = class;
            } else if rule.possibly_breaking {
                if let Some(class) = self.possibly_breaking.as_deref().and_then(Class::parse) {
                    f.class = class;
                }
            }
        }
        if let Some(a) = self
            .accept
            .iter()
            .find(|a| a.rule == f.rule && path_matches(&a.path, &f.path))
        {
            f.accepted = Some(a.reason.clone());
        }
    }

    /// The accept entries that match none of `findings`.
    pub fn stale(&self, findings: &[Finding]) -> Vec<&Accept> {
        self.accept
            .iter()
            .filter(|a| {
                !findings
                    .iter()
                    .any(|f| a.rule == f.rule && path_matches(&a.path, &f.path))
            })
            .collect()
    }
}

impl Config {
    /// Whether the release check `id` runs (every check is on unless configured "off").
    pub fn check_enabled(&self, id: &str) -> bool {
        self.release_checks.get(id).is_none_or(|s| s != "off")
    }

    /// Whether a pre-release `version` means "not released yet" (see [`DEFAULT_UNRELEASED`]).
    pub fn is_unreleased(&self, version: &semver::Version) -> bool {
        if version.pre.is_empty() {
            return false;
        }
        let pre = version.pre.as_str();
        match &self.unreleased {
            Some(patterns) => patterns.iter().any(|p| crate::pattern::matches(p, pre)),
            None => DEFAULT_UNRELEASED
                .iter()
                .any(|p| crate::pattern::matches(p, pre)),
        }
    }
}

fn parse(value: Option<&serde_json::Value>, table: &str) -> Result<Config> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(Config::default()),
        Some(v) => serde_json::from_value(v.clone())
            .with_context(|| format!("invalid {table} table in Cargo.toml")),
    }
}

fn parse_class(class: &str, key: &str) -> Result<Class> {
    Class::parse(class).with_context(|| {
        format!("`{key} = \"{class}\"`: the class must be breaking, additive or patch")
    })
}

fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(rule: &str, path: &str) -> Finding {
        Finding::new(rules::find(rule).unwrap(), path, "m")
    }

    #[test]
    fn prove_keys_are_booleans_and_merge_like_the_others() {
        let ws = json!({"semgate": {"prove": true, "prove-keep-disproven": true}});
        let pkg = json!({"semgate": {"prove-keep-disproven": false}});
        let c = Config::from_metadata(&ws, &pkg).unwrap();
        assert_eq!(c.prove, Some(true));
        assert_eq!(c.prove_keep_disproven, Some(false));
        let bad = Config::from_metadata(&json!({}), &json!({"semgate": {"prove": "yes"}}));
        assert!(bad.is_err());
    }

    #[test]
    fn package_table_overrides_workspace_table() {
        let ws = json!({"semgate": {"include-hidden": true, "rules": {"rust-version-raised": "breaking"}}});
        let pkg = json!({"semgate": {"include-hidden": false}});
        let c = Config::from_metadata(&ws, &pkg).unwrap();
        assert_eq!(c.include_hidden, Some(false));
        assert_eq!(c.rules["rust-version-raised"], "breaking");
    }

    #[test]
    fn possibly_breaking_rules_can_be_made_breaking() {
        let c = Config::from_metadata(
            &json!({}),
            &json!({"semgate": {"possibly-breaking": "breaking"}}),
        )
        .unwrap();
        let mut f = vec![
            finding("trait-defaulted-item-added", "a::T::m"),
            finding("item-added", "a::f"),
        ];
        c.apply(&mut f);
        assert_eq!(f[0].class, Class::Breaking);
        assert_eq!(
            f[1].class,
            Class::Additive,
            "item-added is not possibly-breaking"
        );
    }

    #[test]
    fn accepted_findings_keep_their_reason_and_stale_entries_are_returned() {
        let pkg = json!({"semgate": {"accept": [
            {"rule": "item-removed", "path": "a::old*", "reason": "never documented"},
            {"rule": "item-removed", "path": "a::gone", "reason": "stale"}
        ]}});
        let c = Config::from_metadata(&json!({}), &pkg).unwrap();
        let mut f = vec![
            finding("item-removed", "a::old_api"),
            finding("item-removed", "a::other"),
        ];
        let stale = c.apply(&mut f);
        assert_eq!(f[0].accepted.as_deref(), Some("never documented"));
        assert_eq!(f[1].accepted, None);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].path, "a::gone");
    }

    #[test]
    fn bad_configuration_is_an_error() {
        for pkg in [
            json!({"semgate": {"rules": {"no-such-rule": "breaking"}}}),
            json!({"semgate": {"rules": {"item-added": "huge"}}}),
            json!({"semgate": {"accept": [{"rule": "item-removed", "path": "a", "reason": " "}]}}),
            json!({"semgate": {"unknown-key": 1}}),
        ] {
            assert!(Config::from_metadata(&json!({}), &pkg).is_err(), "{pkg}");
        }
    }
}
