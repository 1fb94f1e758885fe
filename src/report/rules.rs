//! `semgate rules` and `semgate explain`: the registry as text.

use crate::rules::{self, RULES};

pub fn rules_text() -> String {
    use std::fmt::Write as _;
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let class = |rule: &rules::Rule| {
        let star = if rule.possibly_breaking { "*" } else { "" };
        format!("{}{star}", rule.class_list())
    };
    let class_width = RULES.iter().map(|r| class(r).len()).max().unwrap_or(0);
    let mut s = String::new();
    for rule in RULES {
        let _ = writeln!(
            s,
            "{:width$}  {:class_width$}  {}",
            rule.id,
            class(rule),
            rule.summary
        );
    }
    s.push_str(
        "\nbreaking/additive: the rule's class first, then the classes some of its findings take\n",
    );
    s.push_str("* possibly-breaking: the Cargo Book leaves it to project policy; configuration can make it breaking\n");
    s.push_str("\nRelease checks (semgate check --release):\n");
    for check in rules::RELEASE_CHECKS {
        let _ = writeln!(
            s,
            "{:width$}  {:class_width$}  {}",
            check.id, "blocking", check.summary
        );
    }
    s
}

pub fn explain_text(e: &rules::Explanation) -> String {
    let indent = |code: &str| {
        code.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    format!(
        "{id} ({class})\n\n{summary}.\n\n{explanation}\n\nBefore:\n{before}\nAfter:\n{after}\nHow to avoid the break:\n    {fix}\n\nReference: {reference}\n",
        id = e.id,
        class = e.class,
        summary = capitalise(e.summary),
        explanation = e.explanation,
        before = indent(e.example_before),
        after = indent(e.example_after),
        fix = e.fix,
        reference = e.reference
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
