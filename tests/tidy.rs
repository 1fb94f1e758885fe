//! House rules, enforced: every source file says what it is for, no debugging leftovers, no
//! test ignored without a reason, the core does no IO and knows nothing of the build stage or
//! the command line, and imports between top-level modules run one way (no cycles).
//!
//! The module graph this test computes is written to `target/module-graph.txt`, so a change
//! to the structure can be reviewed as a diff of that file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "snapshots") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The file without its unit tests (`#[cfg(test)] mod tests` and what follows), where test
/// scaffolding may do what production code must not.
fn production_part(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// Whether `needle` occurs in `line` outside string literals (an odd number of unescaped quotes
/// before it means it is inside one: generated code in templates is fine).
fn in_code(line: &str, needle: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    let mut from = 0;
    while let Some(i) = code[from..].find(needle) {
        let at = from + i;
        let quotes = code[..at].matches('"').count() - code[..at].matches("\\\"").count();
        if quotes % 2 == 0 {
            return true;
        }
        from = at + needle.len();
    }
    false
}

#[test]
fn every_source_file_opens_with_a_module_comment() {
    let missing: Vec<String> = rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("tests")))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|p| rel(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header saying what they are for: {missing:#?}"
    );
}

#[test]
fn no_debugging_leftovers_and_no_silent_ignores() {
    let mut problems = Vec::new();
    for path in rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("tests")))
    {
        if path.ends_with("tests/tidy.rs") {
            continue; // names the macros it looks for
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for needle in ["dbg!(", "todo!(", "unimplemented!("] {
                if in_code(line, needle) {
                    problems.push(format!("{}:{}: {needle}", rel(&path), n + 1));
                }
            }
            if line.trim() == "#[ignore]" {
                problems.push(format!(
                    "{}:{}: #[ignore] without a reason (#[ignore = \"why\"])",
                    rel(&path),
                    n + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The core (api, diff, rules, bump, gate, report) is pure: no file system, no processes, no
/// environment, no printing, and no knowledge of the stages that feed it or of the CLI. The
/// loader (`api/load.rs`, `api/format/`) is the one part of api that reads files.
#[test]
fn the_core_does_no_io_and_imports_nothing_above_it() {
    let core = ["api", "diff", "rules", "bump.rs", "gate.rs", "report"];
    let exempt = ["src/api/load.rs", "src/api/format/"];
    let forbidden = [
        "crate::rustdoc",
        "crate::resolve",
        "crate::rustdoc",
        "crate::resolve::workspace",
        "crate::commands",
        "crate::run",
        "crate::cli",
        "std::fs",
        "std::process",
        "std::env",
        "clap",
        "println!",
        "eprintln!",
    ];
    let mut problems = Vec::new();
    for part in core {
        let path = root().join("src").join(part);
        let files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path]
        };
        for file in files {
            let name = rel(&file);
            if exempt.iter().any(|e| name.starts_with(e)) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in production_part(&text).lines().enumerate() {
                for needle in forbidden {
                    if in_code(line, needle) {
                        problems.push(format!("{name}:{}: {needle}", n + 1));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the core reaches outside itself: {problems:#?}"
    );
}

/// Top-level module -> the top-level modules it names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".rs").map(str::to_string).unwrap_or(name);
            (!matches!(name.as_str(), "lib" | "main" | "bin")).then_some(name)
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let name = rel(&file);
        let top = name
            .trim_start_matches("src/")
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if !modules.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let mut named = BTreeSet::new();
        for line in production_part(&text).lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                if let Some(list) = rest.strip_prefix('{') {
                    // `use crate::{a, b::c}`
                    let list = list.split('}').next().unwrap_or("");
                    for item in list.split(',') {
                        named.insert(item.trim().split("::").next().unwrap_or("").to_string());
                    }
                } else {
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    named.insert(rest[..end].to_string());
                }
            }
        }
        let entry = graph.entry(top.clone()).or_default();
        for m in named {
            if m != top && modules.contains(&m) {
                entry.insert(m);
            }
        }
    }
    graph
}

#[test]
fn imports_between_top_level_modules_have_no_cycles() {
    let graph = module_graph();
    let mut text = String::new();
    for (module, uses) in &graph {
        let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
        text.push_str(&format!("{module} -> {}\n", uses.join(" ")));
    }
    let out = root().join("target").join("module-graph.txt");
    let _ = std::fs::create_dir_all(out.parent().unwrap());
    let _ = std::fs::write(&out, &text);

    // a cycle is an edge a -> b with a path back from b to a
    let mut cycles = Vec::new();
    for (a, uses) in &graph {
        for b in uses {
            let mut seen = BTreeSet::from([b.clone()]);
            let mut stack = vec![b.clone()];
            while let Some(m) = stack.pop() {
                if &m == a {
                    cycles.push(format!("{a} -> {b} -> ... -> {a}"));
                    break;
                }
                for next in graph.get(&m).into_iter().flatten() {
                    if seen.insert(next.clone()) {
                        stack.push(next.clone());
                    }
                }
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules:\n{}\nthe graph:\n{text}",
        cycles.join("\n")
    );
}
