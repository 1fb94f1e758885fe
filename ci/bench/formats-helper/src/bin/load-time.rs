//! Times semgate's loader (read, convert, slim, validate) on rustdoc JSON files: the fastest of
//! `RUNS` loads of each, so that other work on the machine shows up as little as possible.
//!
//! usage: load-time RUNS FILE...

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((runs, files)) = args.split_first() else {
        eprintln!("usage: load-time RUNS FILE...");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    for file in files {
        let mut best = f64::INFINITY;
        let mut items = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let krate = semgate::api::load::load_crate(std::path::Path::new(file))
                .unwrap_or_else(|e| panic!("{file}: {e:#}"));
            best = best.min(started.elapsed().as_secs_f64());
            items = krate.index.len();
        }
        println!("{file}: {best:.2}s ({items} items kept)");
    }
}
