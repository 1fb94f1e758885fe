//! fn-export-name-changed: the exported symbol of a `#[no_mangle]` / `#[export_name]` item changed.

use rustdoc_types::{Attribute, Item};

use super::{Class, Rule};
use crate::diff::{DiffCx, Finding};

pub static RULE: Rule = Rule {
    id: "fn-export-name-changed",
    class: Class::Breaking,
    possibly_breaking: false,
    summary: "the exported symbol name (#[no_mangle] / #[export_name]) changed or was removed",
    reference: "https://doc.rust-lang.org/cargo/reference/semver.html#item-remove",
    explanation:
        "Foreign code, linker scripts and `dlsym` callers find the function by its symbol \
name. Renaming or dropping the exported symbol breaks them at link or load time, with no Rust \
compiler error to warn anyone.",
    example_before: "#[no_mangle]\npub extern \"C\" fn mylib_init()",
    example_after: "#[export_name = \"mylib_init_v2\"]\npub extern \"C\" fn mylib_init()",
    fix: "keep the old symbol, adding a second exported function for the new name",
    check,
};

/// The symbol an item exports, if it exports one.
fn symbol(item: &Item) -> Option<String> {
    item.attrs.iter().find_map(|a| match a {
        Attribute::NoMangle => item.name.clone(),
        Attribute::ExportName(name) => Some(name.clone()),
        _ => None,
    })
}

fn check(cx: &DiffCx<'_>, out: &mut Vec<Finding>) {
    for pair in &cx.pairs {
        let (Some(old), new) = (symbol(pair.old), symbol(pair.new)) else {
            continue;
        };
        if Some(&old) != new.as_ref() {
            let message = match new {
                Some(new) => format!(
                    "`{}` exported symbol `{old}` and now exports `{new}`",
                    pair.path
                ),
                None => format!("`{}` no longer exports symbol `{old}`", pair.path),
            };
            out.push(Finding::new(&RULE, pair.path, message).spans(pair.old, pair.new));
        }
    }
}
