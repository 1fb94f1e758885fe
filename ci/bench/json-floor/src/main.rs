//! The floor under semgate's loader, for the ec2-sized benchmark (ci/bench/json-floor.sh).
//!
//! semgate reads rustdoc JSON with serde_json into rustdoc-types values (the project's chosen
//! parser and model). Whatever else a loader does, it must at least check every byte of each
//! file and build the items it keeps as values that live on. This program times only that, for
//! two files at once, one thread per file, from memory:
//!
//! - `validate`: serde_json checks each whole file (`IgnoredAny`: no value built);
//! - `model`: every index entry read exactly as semgate's loader reads it
//!   ([`read_newest_entry`]: a blanket impl for its member ids, anything else into a retained
//!   item).
//!
//! The index is split into entries before the clock starts, and nothing else the loader does
//! (the entry scanner, the id index, validation, the public-API model, the diff) is counted, so
//! the figures are a lower bound for a loader of this kind.
//!
//! usage: json-floor FILE FILE [ROUNDS]

use std::collections::HashMap;
use std::time::Instant;

use semgate::api::format::{read_newest_entry, Entry};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    index: HashMap<&'a str, &'a RawValue>,
}

/// One file's index entries, in file order.
fn entries(text: &str) -> Vec<&str> {
    let doc: Document = serde_json::from_str(text).expect("a rustdoc JSON document");
    let mut entries: Vec<&str> = doc.index.values().map(|raw| raw.get()).collect();
    entries.sort_by_key(|e| e.as_ptr() as usize);
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
    let sides: Vec<Vec<&str>> = texts.iter().map(|t| entries(t)).collect();
    for (path, side) in [a, b].iter().zip(&sides) {
        let (mut blanket, mut blanket_bytes, mut bytes) = (0, 0, 0);
        for e in side {
            bytes += e.len();
            if matches!(read_newest_entry(e.as_bytes()), Ok(Entry::Blanket(_))) {
                blanket += 1;
                blanket_bytes += e.len();
            }
        }
        println!(
            "{path}: {} entries ({:.0} MB), of which {blanket} blanket impls ({:.0} MB)",
            side.len(),
            bytes as f64 / 1e6,
            blanket_bytes as f64 / 1e6
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
                        side.iter()
                            .map(|e| read_newest_entry(e.as_bytes()).expect("an index entry"))
                            .collect::<Vec<_>>()
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
