//! What a witness showed about its finding, and how that is decided from the two compilations.

use serde::{Deserialize, Serialize};

/// The verdict of a witness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// compiles against the baseline, fails against the current side with an error in the
    /// witness: the compiler confirms the break
    Proven,
    /// compiles against both sides: the use the rule says breaks still compiles
    Disproven,
    /// fails against the baseline: the template is wrong, the finding is not judged
    TemplateBug,
    /// the rule has no template, or the template cannot be written for this item (a type
    /// downstream code cannot name, a generic it cannot instantiate)
    NoTemplate,
    /// the witness could not be judged (a side that cannot be compiled as a dependency, an
    /// error the compiler reported outside every witness)
    Unchecked,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Proven => "proven",
            Outcome::Disproven => "disproven",
            Outcome::TemplateBug => "template-bug",
            Outcome::NoTemplate => "no-template",
            Outcome::Unchecked => "unchecked",
        }
    }
}

/// A witness and what the compiler said about it on each side, attached to a finding by
/// `check --prove`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// the generated downstream function
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// "compiles", or the first compiler error in the witness against the baseline
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// "compiles", or the first compiler error in the witness against the current side
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    pub outcome: Outcome,
    /// why: for a disproven finding what that means, for no template the reason
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// a disproven finding that no longer counts toward the required bump
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discounted: bool,
}

/// What one compilation said about one witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    Ok,
    /// the first error whose primary span lies in the witness, rendered (`error[E0061]: ...`)
    Error(String),
    /// not judged on this side, and why
    Unknown(String),
}

impl Compiled {
    pub fn describe(&self) -> String {
        match self {
            Compiled::Ok => "compiles".to_string(),
            Compiled::Error(e) => e.clone(),
            Compiled::Unknown(why) => format!("not checked: {why}"),
        }
    }
}

/// The outcome of a witness from its two compilations.
pub fn classify(baseline: &Compiled, current: &Compiled) -> Outcome {
    match (baseline, current) {
        (Compiled::Unknown(_), _) | (Compiled::Ok, Compiled::Unknown(_)) => Outcome::Unchecked,
        (Compiled::Error(_), _) => Outcome::TemplateBug,
        (Compiled::Ok, Compiled::Error(_)) => Outcome::Proven,
        (Compiled::Ok, Compiled::Ok) => Outcome::Disproven,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_witness_is_judged_by_its_two_compilations() {
        let err = || Compiled::Error("error[E0061]: wrong arity".into());
        let unknown = || Compiled::Unknown("the side does not compile".into());
        assert_eq!(classify(&Compiled::Ok, &err()), Outcome::Proven);
        assert_eq!(classify(&Compiled::Ok, &Compiled::Ok), Outcome::Disproven);
        // a template that does not even compile against the baseline proves nothing
        assert_eq!(classify(&err(), &err()), Outcome::TemplateBug);
        assert_eq!(classify(&err(), &Compiled::Ok), Outcome::TemplateBug);
        assert_eq!(classify(&unknown(), &err()), Outcome::Unchecked);
        assert_eq!(classify(&Compiled::Ok, &unknown()), Outcome::Unchecked);
    }
}
