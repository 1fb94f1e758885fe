//! The floor under semgate's loader, for the ec2-sized benchmark (ci/bench/json-floor.sh).
//!
//! semgate reads rustdoc JSON with serde_json into rustdoc-types values (the project's chosen
//! model). Whatever else a loader does, it must at least check every byte of each file and
//! build the items it keeps as rustdoc-types values that live on. This program times only
//! that, for two files at once, one thread per file, from memory:
//!
//! - `validate`: serde_json checks each whole file (`IgnoredAny`: no value built);
//! - `model`: each blanket impl read for its member ids only (as semgate's probe does) and
//!   every other index entry deserialised into a retained value with the fields semgate keeps.
//!
//! The index is split into entries before the clock starts, and nothing semgate adds (the
//! entry scanner, the id index, validation, the public-API model, the diff) is counted, so
//! the figures are a lower bound for a loader of this kind, not a competitor.
//!
//! usage: json-floor FILE FILE [ROUNDS]

use std::collections::HashMap;
use std::time::Instant;

use rustdoc_types::Id;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    index: HashMap<&'a str, &'a RawValue>,
}

#[derive(Deserialize)]
struct Probe {
    inner: ProbeInner,
}

#[derive(Deserialize)]
struct ProbeInner {
    #[serde(rename = "impl")]
    imp: Option<ProbeImpl>,
}

#[derive(Deserialize)]
struct ProbeImpl {
    items: Vec<Id>,
    blanket_impl: Option<IgnoredAny>,
}

/// An index entry with what semgate keeps of it (doc strings and link maps skipped).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Kept {
    id: Id,
    crate_id: u32,
    name: Option<String>,
    span: Option<rustdoc_types::Span>,
    visibility: rustdoc_types::Visibility,
    #[serde(default)]
    docs: IgnoredAny,
    #[serde(default)]
    links: IgnoredAny,
    attrs: Vec<rustdoc_types::Attribute>,
    deprecation: Option<rustdoc_types::Deprecation>,
    inner: rustdoc_types::ItemEnum,
}

fn blanket_members(entry: &str) -> Option<Vec<Id>> {
    match serde_json::from_str::<Probe>(entry) {
        Ok(Probe {
            inner:
                ProbeInner {
                    imp:
                        Some(ProbeImpl {
                            items,
                            blanket_impl: Some(_),
                        }),
                },
        }) => Some(items),
        _ => None,
    }
}

/// One file's entries, in file order: blanket impls and the rest.
struct Entries<'a> {
    blanket: Vec<&'a str>,
    kept: Vec<&'a str>,
}

fn split(text: &str) -> Entries<'_> {
    let doc: Document = serde_json::from_str(text).expect("a rustdoc JSON document");
    let mut entries = Entries {
        blanket: Vec::new(),
        kept: Vec::new(),
    };
    for raw in doc.index.values() {
        let entry = raw.get();
        if blanket_members(entry).is_some() {
            entries.blanket.push(entry);
        } else {
            entries.kept.push(entry);
        }
    }
    entries.blanket.sort_by_key(|e| e.as_ptr() as usize);
    entries.kept.sort_by_key(|e| e.as_ptr() as usize);
    entries
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [a, b, rest @ ..] = &args[..] else {
        eprintln!("usage: json-floor FILE FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = rest
        .first()
        .map_or(3, |r| r.parse().expect("ROUNDS: a number"));
    let texts: Vec<String> = [a, b]
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            String::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
        })
        .collect();
    let sides: Vec<Entries> = texts.iter().map(|t| split(t)).collect();
    for (path, side) in [a, b].iter().zip(&sides) {
        let bytes = |v: &[&str]| v.iter().map(|e| e.len()).sum::<usize>() as f64 / 1e6;
        println!(
            "{path}: {} blanket impls ({:.0} MB), {} other entries ({:.0} MB)",
            side.blanket.len(),
            bytes(&side.blanket),
            side.kept.len(),
            bytes(&side.kept)
        );
    }
    for round in 1..=rounds {
        let start = Instant::now();
        std::thread::scope(|s| {
            for text in &texts {
                s.spawn(move || serde_json::from_str::<IgnoredAny>(text).expect("valid JSON"));
            }
        });
        let validate = start.elapsed().as_secs_f64();
        let start = Instant::now();
        // the values are handed back and dropped after the clock stops: a loader keeps them
        let built = std::thread::scope(|s| {
            let handles: Vec<_> = sides
                .iter()
                .map(|side| {
                    s.spawn(move || {
                        let members: Vec<Vec<Id>> = side
                            .blanket
                            .iter()
                            .filter_map(|e| blanket_members(e))
                            .collect();
                        let kept: Vec<Kept> = side
                            .kept
                            .iter()
                            .map(|e| serde_json::from_str(e).expect("an index entry"))
                            .collect();
                        (members, kept)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a side's thread"))
                .collect::<Vec<_>>()
        });
        let model = start.elapsed().as_secs_f64();
        drop(built);
        println!("round {round}: validate {validate:.2} s, model {model:.2} s (both files at once, one thread each)");
    }
}
