//! The rule registry. One file per rule: its id, class, reference link, explanation and the
//! check itself. `semgate rules` and `semgate explain` read this registry, and a test fails when
//! a rule file is not registered, its id does not match its file name, or it has no fixture.
//! [`run`] runs the rules over a matched pair of APIs ([`crate::diff::DiffCx`]); their
//! [`Finding`]s are what the gate and the reports read.

mod finding;
pub(crate) mod support;
pub mod witness;

use serde::{Deserialize, Serialize};

use crate::diff::DiffCx;
pub use crate::rules::witness::Template;
pub use finding::{Finding, Location};

/// How a change affects the version: the classes of the change catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// no API change (bodies, docs, private code, or a note such as a changed const value)
    Patch,
    /// new API: needs a minor release (`0.y.z`: a patch release)
    Additive,
    /// breaks some downstream code: needs a major release (`0.y.z`: a minor release)
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Patch => "patch",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        match s {
            "patch" => Some(Class::Patch),
            "additive" | "minor" => Some(Class::Additive),
            "breaking" | "major" => Some(Class::Breaking),
            _ => None,
        }
    }
}

/// A detectable kind of API change.
pub struct Rule {
    /// stable kebab-case id, also the name of the rule's file (with `_`) and fixture
    pub id: &'static str,
    /// every class the rule's findings can have, the registered one first: the class a finding
    /// has unless the change is milder or worse in that case (an enum that is
    /// `#[non_exhaustive]`, a sealed trait), and the one configuration re-classes
    pub classes: &'static [Class],
    /// the Cargo Book leaves the class to project policy; configuration may raise it
    pub possibly_breaking: bool,
    /// one line for `semgate rules`
    pub summary: &'static str,
    /// link into the Cargo reference (or the catalogue) explaining why
    pub reference: &'static str,
    /// a paragraph for `semgate explain`
    pub explanation: &'static str,
    /// the change, then the fix, as Rust source
    pub example_before: &'static str,
    pub example_after: &'static str,
    pub fix: &'static str,
    pub check: fn(&DiffCx<'_>, &mut Vec<Finding>),
    /// how `check --prove` witnesses the rule's breaking findings
    pub witness: Template,
}

macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every rule, in registry order.
        pub static RULES: &[&Rule] = &[$(&$module::RULE),*];
        /// Rule file names, for the registry test.
        #[cfg(test)]
        pub(crate) static MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

registry![
    item_removed,
    item_kind_changed,
    item_now_hidden,
    item_added,
    fn_param_count_changed,
    fn_param_type_changed,
    fn_return_type_changed,
    fn_const_removed,
    fn_unsafe_added,
    method_receiver_changed,
    struct_pub_field_removed,
    struct_field_type_changed,
    struct_field_added_exhaustive,
    struct_private_field_added,
    struct_kind_changed,
    struct_non_exhaustive_added,
    enum_variant_added,
    enum_variant_removed,
    enum_variant_kind_changed,
    enum_variant_field_added,
    enum_variant_field_removed,
    enum_variant_field_type_changed,
    enum_non_exhaustive_added,
    trait_item_added,
    trait_defaulted_item_added,
    trait_item_removed,
    trait_method_signature_changed,
    impl_removed,
    auto_trait_lost,
    inherent_item_added,
    async_changed,
    const_type_changed,
    const_value_changed,
    deprecated_added,
    derive_helper_removed,
    extern_static_unsafe,
    fn_abi_changed,
    fn_bounds_tightened,
    fn_export_name_changed,
    fn_generics_changed,
    fn_target_feature_added,
    macro_removed,
    must_use_added,
    no_std_to_std,
    proc_macro_removed,
    repr_changed,
    static_mutability_changed,
    static_type_changed,
    type_alias_changed,
    feature_removed,
    feature_default_removed,
    feature_no_longer_enables,
    feature_added,
    rust_version_raised,
    dependency_minor_raised,
    public_dependency_major_bump,
    struct_field_added,
    enum_discriminant_changed,
    union_field_removed,
    union_field_added,
    union_field_type_changed,
    trait_default_removed,
    trait_supertrait_added,
    trait_supertrait_removed,
    trait_unsafe_changed,
    trait_now_sealed,
    trait_no_longer_dyn_compatible,
    trait_generics_changed,
    trait_assoc_type_bounds_tightened,
    copy_impl_added,
    sized_lost,
    derive_order_changed,
    impl_added,
    type_generics_changed,
    type_bounds_tightened,
    defaulted_param_added,
    static_became_const,
    const_became_static,
    variance_changed,
];

/// A check of `semgate check --release` (see `workspace::release_blockers`): it blocks a release
/// instead of classifying an API change, so it is not a diff rule, but it is documented and
/// explained like one.
pub struct ReleaseCheck {
    pub id: &'static str,
    pub summary: &'static str,
    pub reference: &'static str,
    pub explanation: &'static str,
    pub example_before: &'static str,
    pub example_after: &'static str,
    pub fix: &'static str,
}

pub mod release_checks;
pub use release_checks::RELEASE_CHECKS;

/// What `semgate explain` prints about a rule or a release check.
pub struct Explanation {
    pub id: &'static str,
    /// "breaking", "additive, possibly-breaking", "blocks the release"...
    pub class: String,
    pub summary: &'static str,
    pub explanation: &'static str,
    pub example_before: &'static str,
    pub example_after: &'static str,
    pub fix: &'static str,
    pub reference: &'static str,
}

/// The explanation of a rule or release check, by id.
pub fn explain(id: &str) -> Option<Explanation> {
    if let Some(r) = find(id) {
        let possibly = if r.possibly_breaking {
            ", possibly-breaking"
        } else {
            ""
        };
        return Some(Explanation {
            id: r.id,
            class: format!("{}{possibly}", r.class_list()),
            summary: r.summary,
            explanation: r.explanation,
            example_before: r.example_before,
            example_after: r.example_after,
            fix: r.fix,
            reference: r.reference,
        });
    }
    RELEASE_CHECKS
        .iter()
        .find(|c| c.id == id)
        .map(|c| Explanation {
            id: c.id,
            class: "blocks the release, with check --release".into(),
            summary: c.summary,
            explanation: c.explanation,
            example_before: c.example_before,
            example_after: c.example_after,
            fix: c.fix,
            reference: c.reference,
        })
}

impl Rule {
    /// The registered class: what a finding of this rule is unless the rule says otherwise, and
    /// the class configuration can change.
    pub fn class(&self) -> Class {
        self.classes[0]
    }

    /// Every class the rule can emit, registered class first: `breaking/additive`.
    pub fn class_list(&self) -> String {
        let names: Vec<&str> = self.classes.iter().map(|c| c.as_str()).collect();
        names.join("/")
    }
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// Runs every rule over the two APIs and returns the findings in report order.
pub fn run(
    old: crate::diff::Input<'_>,
    new: crate::diff::Input<'_>,
    rules: &[&'static Rule],
) -> Vec<Finding> {
    use rayon::prelude::*;
    let cx = crate::diff::DiffCx::new(old, new);
    let mut findings: Vec<Finding> = rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            (rule.check)(&cx, &mut out);
            out
        })
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_file_names_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (rule, module) in RULES.iter().zip(MODULES) {
            assert_eq!(
                rule.id.replace('-', "_"),
                *module,
                "rule id must match its file name"
            );
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                rule.reference.starts_with("https://"),
                "{} has no reference link",
                rule.id
            );
            assert!(!rule.explanation.is_empty() && !rule.summary.is_empty());
        }
    }

    /// A help link goes to the Cargo Book section about the rule's change, or to the chapter
    /// when it has none: a removal section for a type change sends the reader astray.
    #[test]
    fn reference_anchors_match_the_change() {
        for rule in RULES {
            let anchor = rule.reference.rsplit_once('#').map(|(_, a)| a);
            match anchor {
                Some("item-remove") => assert!(
                    rule.id.ends_with("-removed")
                        || matches!(rule.id, "item-now-hidden" | "item-kind-changed"),
                    "{} links to #item-remove but removes nothing",
                    rule.id
                ),
                Some("fn-change-arity") => assert_eq!(rule.id, "fn-param-count-changed"),
                _ => {}
            }
        }
    }

    /// `check --prove` judges breaking findings by their witness: a rule that can report a
    /// breaking finding has a template, or says why no code can witness it, or what its
    /// template would do. The rules without a template may only become fewer.
    #[test]
    fn every_breaking_rule_has_a_witness_template_or_a_reason() {
        const MAX_NOT_YET: usize = 7;
        let mut not_yet = Vec::new();
        for rule in RULES {
            match rule.witness {
                Template::Code(_) => {}
                Template::Impossible(why) | Template::NotYet(why) => assert!(
                    why.len() > 10,
                    "{} has no written reason for having no witness template",
                    rule.id
                ),
            }
            if let Template::NotYet(_) = rule.witness {
                not_yet.push(rule.id);
            }
        }
        assert!(
            not_yet.len() <= MAX_NOT_YET,
            "{} rules have no template yet (at most {MAX_NOT_YET}): {}",
            not_yet.len(),
            not_yet.join(", ")
        );
    }

    /// Every file of src/rules/ but the registry's own plumbing is a registered rule.
    #[test]
    fn every_rule_file_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(stem) = name.strip_suffix(".rs") else {
                continue;
            };
            if matches!(stem, "mod" | "support" | "finding" | "release_checks") {
                continue;
            }
            assert!(
                MODULES.contains(&stem),
                "src/rules/{name} is not in the registry"
            );
        }
    }
}
