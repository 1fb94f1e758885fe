//! Stage 6: the verdict. Compares the proposed version with the minimum the changes require.

use semver::Version;
use serde::{Deserialize, Serialize};

use crate::bump::{apply, level_between, release_of, required_level, Change, Level};
use crate::rules::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// nothing was proposed (`suggest`): there is nothing to pass or fail
    None,
}

/// Everything decided about one package.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub change: Change,
    pub required_bump: Level,
    pub minimum_version: Version,
    pub proposed_version: Option<Version>,
    pub verdict: Verdict,
    /// plain-language reasons and remarks, in order
    pub notes: Vec<String>,
}

/// Decides whether `proposed` is a large enough release after `baseline` for these findings.
/// With no proposed version (as for `suggest`) there is no verdict.
pub fn decide(baseline: &Version, proposed: Option<&Version>, findings: &[Finding]) -> Decision {
    let change = Change::of(findings);
    let required = required_level(change, baseline);
    let minimum = apply(required, baseline);
    let mut notes = Vec::new();
    let verdict = match proposed {
        None => Verdict::None,
        Some(p) => judge(baseline, p, change, required, &minimum, &mut notes),
    };
    let accepted = findings.iter().filter(|f| f.accepted.is_some()).count();
    if accepted > 0 {
        notes.push(format!(
            "{accepted} finding(s) accepted by configuration do not count toward the bump"
        ));
    }
    let disproven = findings
        .iter()
        .filter(|f| f.accepted.is_none() && !f.counts())
        .count();
    if disproven > 0 {
        notes.push(format!(
            "{disproven} finding(s) disproven by their witness do not count toward the bump"
        ));
    }
    Decision {
        change,
        required_bump: required,
        minimum_version: minimum,
        proposed_version: proposed.cloned(),
        verdict,
        notes,
    }
}

fn judge(
    baseline: &Version,
    proposed: &Version,
    change: Change,
    required: Level,
    minimum: &Version,
    notes: &mut Vec<String>,
) -> Verdict {
    let release = release_of(proposed);
    if !proposed.pre.is_empty() {
        notes.push(format!(
            "pre-release {proposed} is judged as the release it leads to, {release}"
        ));
    }
    if !baseline.pre.is_empty() {
        notes.push(format!(
            "the baseline {baseline} is a pre-release, which promises no compatibility: findings are reported but do not fail the gate"
        ));
        return if release < release_of(baseline) {
            notes.push(format!("{proposed} is older than the baseline {baseline}"));
            Verdict::Fail
        } else {
            Verdict::Pass
        };
    }
    if release == release_of(baseline) && proposed.pre.is_empty() {
        if change == Change::None {
            notes.push(format!(
                "the version was not bumped ({proposed}); no API change requires one"
            ));
            return Verdict::Pass;
        }
        notes.push(format!(
            "the version was not bumped ({proposed}), but the API changes require at least {minimum} (a {} release)",
            required.as_str()
        ));
        return Verdict::Fail;
    }
    if release < release_of(baseline) || (release == release_of(baseline)) {
        notes.push(format!(
            "{proposed} is not newer than the baseline {baseline}"
        ));
        return Verdict::Fail;
    }
    if release < *minimum {
        let proposed_level = level_between(baseline, proposed)
            .map(Level::as_str)
            .unwrap_or("no");
        notes.push(format!(
            "{proposed} is a {proposed_level} release, but the API changes are {} and need a {} release: at least {minimum}",
            change.as_str(),
            required.as_str()
        ));
        return Verdict::Fail;
    }
    if let Some(level) = level_between(baseline, proposed) {
        if level > required {
            notes.push(format!(
                "{proposed} is a {} release; a {} release ({minimum}) would be enough",
                level.as_str(),
                required.as_str()
            ));
        }
    }
    Verdict::Pass
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Class;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn finding(class: Class) -> Finding {
        let rule = crate::rules::find("item-removed").unwrap();
        Finding::new(rule, "x::y", "m").class(class)
    }

    #[test]
    fn breaking_change_needs_major() {
        let f = [finding(Class::Breaking)];
        assert_eq!(
            decide(&v("1.0.0"), Some(&v("1.1.0")), &f).verdict,
            Verdict::Fail
        );
        let d = decide(&v("1.0.0"), Some(&v("2.0.0")), &f);
        assert_eq!(d.verdict, Verdict::Pass);
        assert_eq!(d.minimum_version, v("2.0.0"));
    }

    #[test]
    fn dev_prerelease_is_judged_as_its_release() {
        let f = [finding(Class::Additive)];
        assert_eq!(
            decide(&v("1.2.0"), Some(&v("1.3.0-dev")), &f).verdict,
            Verdict::Pass
        );
        assert_eq!(
            decide(&v("1.2.0"), Some(&v("1.2.1-dev+abc.2026-11-22")), &f).verdict,
            Verdict::Fail
        );
    }

    #[test]
    fn zero_major_rules() {
        let f = [finding(Class::Breaking)];
        assert_eq!(
            decide(&v("0.4.1"), Some(&v("0.4.2")), &f).verdict,
            Verdict::Fail
        );
        assert_eq!(
            decide(&v("0.4.1"), Some(&v("0.5.0")), &f).verdict,
            Verdict::Pass
        );
        assert_eq!(
            decide(&v("0.0.3"), Some(&v("0.0.4")), &f).verdict,
            Verdict::Pass
        );
    }

    #[test]
    fn prerelease_baseline_never_fails_on_findings() {
        let f = [finding(Class::Breaking)];
        let d = decide(&v("2.0.0-rc.1"), Some(&v("2.0.0-rc.2")), &f);
        assert_eq!(d.verdict, Verdict::Pass);
        assert!(!d.notes.is_empty());
    }

    #[test]
    fn unbumped_version_passes_only_without_api_change() {
        assert_eq!(
            decide(&v("1.0.0"), Some(&v("1.0.0")), &[]).verdict,
            Verdict::Pass
        );
        assert_eq!(
            decide(&v("1.0.0"), Some(&v("1.0.0")), &[finding(Class::Additive)]).verdict,
            Verdict::Fail
        );
        assert_eq!(
            decide(&v("1.0.0"), Some(&v("1.0.0")), &[finding(Class::Patch)]).verdict,
            Verdict::Pass
        );
    }

    #[test]
    fn accepted_findings_do_not_count() {
        let mut f = finding(Class::Breaking);
        f.accepted = Some("intentional".into());
        assert_eq!(
            decide(&v("1.0.0"), Some(&v("1.0.1")), &[f]).verdict,
            Verdict::Pass
        );
    }

    #[test]
    fn larger_than_needed_is_said() {
        let d = decide(&v("1.0.0"), Some(&v("2.0.0")), &[]);
        assert_eq!(d.verdict, Verdict::Pass);
        assert!(
            d.notes.iter().any(|n| n.contains("would be enough")),
            "{:?}",
            d.notes
        );
    }
}
