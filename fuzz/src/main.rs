//! Mutation fuzzing of semgate's rustdoc JSON loader and differ, seeded from the fixtures.
//!
//! A stable harness (no sanitizer, no nightly): each execution takes a fixture's real rustdoc
//! JSON, damages it and runs it through semgate in process. Two targets:
//!
//! - `load`: any damage (bytes or structure). Must never panic or crash; a file that still loads
//!   must compare with itself without a finding.
//! - `diff`: fixture pairs whose verdict is FAIL (a breaking finding), one or both sides
//!   damaged. A *structural* defect (a missing root, an id that points at nothing or at the
//!   wrong kind of item, a deleted item that is still listed) must be refused; one that loads
//!   is a missed defect, and one that turns the FAIL into a PASS is a wrong verdict. Byte-level
//!   damage can make another valid API (a renamed item), so its verdict flips are only counted.
//!
//! The input of the running execution is written to `<artifacts>/current-*.json` first, so a
//! crash that kills the process (a stack overflow) leaves it behind.
//!
//! usage: semgate-fuzz <load|diff> [--seconds N] [--runs N] [--seed N] [--artifacts DIR]
//!        (run from the repository root or with --root; fixtures build into
//!        target/semgate-tests, shared with the test suite's cache)

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use semgate::api::load::parse_crate;
use semgate::api::{Api, ApiOptions};
use semgate::rustdoc::{self, BuildContext, BuildOptions, ManifestInfo, Role, Source};
use semgate::diff::Input;
use semgate::rules::Finding;
use semgate::progress::Progress;
use semgate::rules::{Class, RULES};
use serde_json::Value;

struct Args {
    target: String,
    seconds: Option<u64>,
    runs: Option<u64>,
    seed: u64,
    root: PathBuf,
    artifacts: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let target = args.next().ok_or("usage: semgate-fuzz <load|diff> [--seconds N] [--runs N] [--seed N] [--root DIR] [--artifacts DIR]")?;
    if target != "load" && target != "diff" {
        return Err(format!("unknown target `{target}`: expected `load` or `diff`"));
    }
    let mut parsed = Args {
        target,
        seconds: None,
        runs: None,
        seed: 1,
        root: PathBuf::from("."),
        artifacts: PathBuf::from("fuzz/artifacts"),
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--seconds" => parsed.seconds = Some(number()?),
            "--runs" => parsed.runs = Some(number()?),
            "--seed" => parsed.seed = number()?,
            "--root" => parsed.root = PathBuf::from(&value),
            "--artifacts" => parsed.artifacts = PathBuf::from(&value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if parsed.seconds.is_none() && parsed.runs.is_none() {
        parsed.seconds = Some(60);
    }
    Ok(parsed)
}

/// One side of a fixture: its JSON as text and as a value, and its manifest facts.
struct Seed {
    name: String,
    bytes: Vec<u8>,
    value: Value,
    manifest: Option<ManifestInfo>,
}

fn build_seed(root: &Path, name: &str, side: &str) -> Result<Seed, String> {
    let manifest = root.join("fixtures").join(name).join(side).join("Cargo.toml");
    let ctx = BuildContext::discover(Some(&manifest), None).map_err(|e| format!("{e:#}"))?;
    let opts = BuildOptions::with_target_dir(root.join("target").join("semgate-tests"));
    let source = Source::WorkingTree {
        manifest_path: manifest.clone(),
    };
    let built = rustdoc::build_side(
        ctx.package_name(),
        &source,
        &ctx,
        &opts,
        Role::Current,
        &Progress::silent(),
    )
    .map_err(|e| format!("{e:#}"))?;
    let bytes = std::fs::read(&built.json).map_err(|e| e.to_string())?;
    let value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok(Seed {
        name: format!("{name}/{side}"),
        bytes,
        value,
        manifest: built.manifest,
    })
}

fn fixture_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("fixtures"))
        .map(|r| {
            r.flatten()
                .filter(|e| e.path().join("old/Cargo.toml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------
// Running semgate on one input
// ---------------------------------------------------------------------------------------

/// What happened to one execution.
enum Outcome<T> {
    Refused,
    Loaded(T),
    Panicked(String),
}

static PANIC_MESSAGE: Mutex<String> = Mutex::new(String::new());

fn guarded<T>(f: impl FnOnce() -> Option<T>) -> Outcome<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Some(v)) => Outcome::Loaded(v),
        Ok(None) => Outcome::Refused,
        Err(_) => Outcome::Panicked(PANIC_MESSAGE.lock().map(|m| m.clone()).unwrap_or_default()),
    }
}

fn load(bytes: &[u8]) -> Option<Api> {
    parse_crate(bytes)
        .ok()
        .and_then(|k| Api::new(k, ApiOptions::default()).ok())
}

fn findings(old: &Api, new: &Api, om: Option<&ManifestInfo>, nm: Option<&ManifestInfo>) -> Vec<Finding> {
    semgate::rules::run(Input::new(old, om), Input::new(new, nm), RULES)
}

fn is_fail(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.class == Class::Breaking)
}

// ---------------------------------------------------------------------------------------
// Damage
// ---------------------------------------------------------------------------------------

/// Id lists the public-API walk follows, as JSON pointers into an item, with the kind of
/// item each must name (`None`: any).
const LISTS: &[(&str, Option<&str>)] = &[
    ("/inner/module/items", None),
    ("/inner/struct/kind/plain/fields", Some("struct_field")),
    ("/inner/struct/kind/tuple", Some("struct_field")),
    ("/inner/struct/impls", Some("impl")),
    ("/inner/union/fields", Some("struct_field")),
    ("/inner/union/impls", Some("impl")),
    ("/inner/enum/variants", Some("variant")),
    ("/inner/enum/impls", Some("impl")),
    ("/inner/variant/kind/tuple", Some("struct_field")),
    ("/inner/variant/kind/struct/fields", Some("struct_field")),
    ("/inner/trait/items", Some("function")),
    ("/inner/trait/implementations", Some("impl")),
    ("/inner/impl/items", Some("function")),
    ("/inner/primitive/impls", Some("impl")),
];

fn kind_of(item: &Value) -> &str {
    item["inner"]
        .as_object()
        .and_then(|o| o.keys().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// Impls the loader drops before validating: damage inside them is harmless by design.
fn dropped_by_loader(item: &Value) -> bool {
    let imp = &item["inner"]["impl"];
    !imp.is_null()
        && (!imp["blanket_impl"].is_null()
            || (imp["is_synthetic"] == Value::Bool(true)
                && matches!(imp["trait"]["path"].as_str(), Some("Freeze" | "UnsafeUnpin"))))
}

/// (owner id, pointer, entries) of every non-empty list of kept items.
fn lists(doc: &Value) -> Vec<(String, &'static str, Option<&'static str>, Vec<u64>)> {
    let mut out = Vec::new();
    let Some(index) = doc["index"].as_object() else {
        return out;
    };
    for (id, item) in index {
        if dropped_by_loader(item) {
            continue;
        }
        for (ptr, want) in LISTS {
            if let Some(list) = item.pointer(ptr).and_then(Value::as_array) {
                let ids: Vec<u64> = list.iter().filter_map(Value::as_u64).collect();
                if !ids.is_empty() {
                    out.push((id.clone(), *ptr, *want, ids));
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out
}

fn fresh_id(doc: &Value) -> u64 {
    let max_index = doc["index"]
        .as_object()
        .map(|o| o.keys().filter_map(|k| k.parse::<u64>().ok()).max().unwrap_or(0))
        .unwrap_or(0);
    let max_paths = doc["paths"]
        .as_object()
        .map(|o| o.keys().filter_map(|k| k.parse::<u64>().ok()).max().unwrap_or(0))
        .unwrap_or(0);
    max_index.max(max_paths) + 1000
}

/// Damages the structure: the result is never valid rustdoc JSON. Returns what was done.
fn structural(doc: &mut Value, rng: &mut fastrand::Rng) -> Option<String> {
    let lists = lists(doc);
    let fresh = fresh_id(doc);
    match rng.u32(0..6) {
        0 => {
            let non_module: Vec<String> = doc["index"]
                .as_object()?
                .iter()
                .filter(|(_, i)| kind_of(i) != "module")
                .map(|(k, _)| k.clone())
                .collect();
            let new_root = if rng.bool() || non_module.is_empty() {
                fresh
            } else {
                non_module[rng.usize(0..non_module.len())].parse().ok()?
            };
            doc["root"] = Value::from(new_root);
            Some(format!("root -> {new_root}"))
        }
        1 => {
            let (owner, ptr, _, ids) = lists.get(rng.usize(0..lists.len().max(1)))?;
            let at = rng.usize(0..ids.len());
            let list = doc["index"][owner.as_str()].pointer_mut(ptr)?.as_array_mut()?;
            let slot = list.iter_mut().filter(|v| v.is_u64()).nth(at)?;
            *slot = Value::from(fresh);
            Some(format!("{owner}{ptr}[{at}] -> {fresh} (dangling)"))
        }
        2 => {
            let (owner, ptr, _, ids) = lists.get(rng.usize(0..lists.len().max(1)))?;
            let victim = ids[rng.usize(0..ids.len())];
            let removed = doc["index"].as_object_mut()?.remove(&victim.to_string());
            removed.map(|_| format!("deleted {victim}, still listed in {owner}{ptr}"))
        }
        3 => {
            let typed: Vec<_> = lists.iter().filter(|l| l.2.is_some()).collect();
            let (owner, ptr, want, ids) = typed.get(rng.usize(0..typed.len().max(1)))?;
            let want = want.unwrap_or("");
            let wrong: Vec<String> = doc["index"]
                .as_object()?
                .iter()
                .filter(|(_, i)| {
                    let k = kind_of(i);
                    k != want && !(want == "function" && matches!(k, "assoc_const" | "assoc_type"))
                })
                .map(|(k, _)| k.clone())
                .collect();
            let replacement: u64 = wrong.get(rng.usize(0..wrong.len().max(1)))?.parse().ok()?;
            if replacement.to_string() == *owner {
                return None;
            }
            let at = rng.usize(0..ids.len());
            let list = doc["index"][owner.as_str()].pointer_mut(ptr)?.as_array_mut()?;
            let slot = list.iter_mut().filter(|v| v.is_u64()).nth(at)?;
            *slot = Value::from(replacement);
            Some(format!("{owner}{ptr}[{at}] -> {replacement} (wrong kind)"))
        }
        4 => {
            let (owner, ptr, _, _) = lists.get(rng.usize(0..lists.len().max(1)))?;
            let own: u64 = owner.parse().ok()?;
            doc["index"][owner.as_str()]
                .pointer_mut(ptr)?
                .as_array_mut()?
                .push(Value::from(own));
            Some(format!("{owner}{ptr} lists itself"))
        }
        _ => {
            let uses: Vec<String> = doc["index"]
                .as_object()?
                .iter()
                .filter(|(_, i)| i["inner"]["use"]["id"].is_u64())
                .map(|(k, _)| k.clone())
                .collect();
            let owner = uses.get(rng.usize(0..uses.len().max(1)))?;
            doc["index"][owner.as_str()]["inner"]["use"]["id"] = Value::from(fresh);
            Some(format!("use {owner} -> {fresh} (dangling)"))
        }
    }
}

/// Damages bytes or values anywhere: the result may be garbage, or another valid API.
fn noise(seed: &Seed, rng: &mut fastrand::Rng) -> (Vec<u8>, String) {
    let mut bytes = seed.bytes.clone();
    let len = bytes.len().max(1);
    match rng.u32(0..7) {
        0 => {
            let at = rng.usize(0..len);
            bytes.truncate(at);
            (bytes, format!("truncated at {at}"))
        }
        1 => {
            let n = rng.usize(1..9);
            for _ in 0..n {
                let at = rng.usize(0..len);
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.u8(..);
                }
            }
            (bytes, format!("{n} random bytes"))
        }
        2 => {
            let at = rng.usize(0..len);
            let n = rng.usize(1..64).min(bytes.len().saturating_sub(at));
            bytes.drain(at..at + n);
            (bytes, format!("deleted {n} bytes at {at}"))
        }
        3 => {
            let at = rng.usize(0..len);
            let n = rng.usize(1..256).min(bytes.len().saturating_sub(at));
            let copy: Vec<u8> = bytes[at..at + n].to_vec();
            let to = rng.usize(0..len);
            bytes.splice(to.min(bytes.len())..to.min(bytes.len()), copy);
            (bytes, format!("copied {n} bytes from {at} to {to}"))
        }
        4 => {
            // a number somewhere becomes another (ids, lines, discriminants, the version)
            let digits: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_digit()).collect();
            if let Some(&at) = digits.get(rng.usize(0..digits.len().max(1))) {
                bytes[at] = b'0' + rng.u8(0..10);
            }
            (bytes, "changed a digit".to_string())
        }
        5 => {
            let mut doc = seed.value.clone();
            let what = replace_random_value(&mut doc, rng);
            (serde_json::to_vec(&doc).unwrap_or_default(), what)
        }
        _ => {
            // nesting far deeper than any crate: must cost memory, not a stack overflow
            let mut doc = seed.value.clone();
            let depth = rng.usize(1_000..10_000);
            let mut placed = "no struct field to deepen".to_string();
            if let Some(index) = doc["index"].as_object_mut() {
                let fields: Vec<String> = index
                    .iter()
                    .filter(|(_, i)| kind_of(i) == "struct_field")
                    .map(|(k, _)| k.clone())
                    .collect();
                if let Some(f) = fields.get(rng.usize(0..fields.len().max(1))) {
                    index[f]["inner"]["struct_field"] = Value::from("@DEEP@");
                    placed = format!("field {f} typed {depth} slices deep");
                }
            }
            // spliced in as text: a Value that deep would itself recurse when written
            let text = serde_json::to_string(&doc).unwrap_or_default();
            let deep = format!(
                "{}{{\"primitive\":\"u8\"}}{}",
                "{\"slice\":".repeat(depth),
                "}".repeat(depth)
            );
            (text.replacen("\"@DEEP@\"", &deep, 1).into_bytes(), placed)
        }
    }
}

fn replace_random_value(doc: &mut Value, rng: &mut fastrand::Rng) -> String {
    // choose a path first, then replace what it names
    let mut pointer = String::new();
    let mut at: &Value = doc;
    for _ in 0..rng.usize(1..8) {
        let next = match at {
            Value::Object(o) if !o.is_empty() => {
                let (k, v) = o.iter().nth(rng.usize(0..o.len())).expect("non-empty");
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                v
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.usize(0..a.len());
                pointer.push_str(&format!("/{i}"));
                &a[i]
            }
            _ => break,
        };
        at = next;
    }
    let replacement = match rng.u32(0..6) {
        0 => Value::Null,
        1 => Value::from(rng.u64(..)),
        2 => Value::from("x"),
        3 => Value::Array(Vec::new()),
        4 => Value::Object(Default::default()),
        _ => Value::Bool(rng.bool()),
    };
    if let Some(slot) = doc.pointer_mut(&pointer) {
        *slot = replacement;
    }
    format!("replaced {pointer}")
}

// ---------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    executions: u64,
    refused: u64,
    loaded: u64,
    crashes: u64,
    /// structural damage that loaded anyway
    missed: u64,
    /// structural damage that turned FAIL into PASS
    wrong_verdicts: u64,
    /// byte damage that turned FAIL into PASS (may be another valid API)
    noise_flips: u64,
    /// a loaded file that differs from itself
    self_findings: u64,
    saved: BTreeMap<String, u64>,
}

fn save(args: &Args, tally: &mut Tally, kind: &str, what: &str, files: &[(&str, &[u8])]) {
    let n = tally.saved.entry(kind.to_string()).or_default();
    *n += 1;
    if *n > 20 {
        return; // enough examples of one kind
    }
    let _ = std::fs::create_dir_all(&args.artifacts);
    for (side, bytes) in files {
        let file = args.artifacts.join(format!("{}-{kind}-{n}-{side}.json", args.target));
        let _ = std::fs::write(&file, bytes);
    }
    let note = args.artifacts.join(format!("{}-{kind}-{n}.txt", args.target));
    let _ = std::fs::write(note, what);
    eprintln!("{kind}: {what}");
}

fn mark_current(args: &Args, files: &[(&str, &[u8])]) {
    for (side, bytes) in files {
        let _ = std::fs::write(args.artifacts.join(format!("current-{side}.json")), bytes);
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut m) = PANIC_MESSAGE.lock() {
            *m = info.to_string();
        }
    }));
    let _ = std::fs::create_dir_all(&args.artifacts);

    let started = Instant::now();
    let mut seeds: Vec<(Seed, Seed)> = Vec::new();
    for name in fixture_names(&args.root) {
        match (build_seed(&args.root, &name, "old"), build_seed(&args.root, &name, "new")) {
            (Ok(old), Ok(new)) => seeds.push((old, new)),
            (Err(e), _) | (_, Err(e)) => eprintln!("skipping fixture {name}: {e}"),
        }
    }
    if seeds.is_empty() {
        eprintln!("error: no fixture could be built under {}", args.root.join("fixtures").display());
        return ExitCode::from(2);
    }
    // the diff target only uses pairs whose true verdict is FAIL
    let failing: Vec<usize> = (0..seeds.len())
        .filter(|&i| {
            let (o, n) = &seeds[i];
            match (load(&o.bytes), load(&n.bytes)) {
                (Some(a), Some(b)) => is_fail(&findings(&a, &b, o.manifest.as_ref(), n.manifest.as_ref())),
                _ => false,
            }
        })
        .collect();
    eprintln!(
        "seeds: {} fixture pairs ({} with a FAIL verdict), ready in {:.1}s",
        seeds.len(),
        failing.len(),
        started.elapsed().as_secs_f64()
    );

    if args.target == "diff" && failing.is_empty() {
        eprintln!("error: no fixture pair has a FAIL verdict to damage");
        return ExitCode::from(2);
    }
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut tally = Tally::default();
    let budget = args.seconds.map(Duration::from_secs);
    let fuzz_started = Instant::now();
    loop {
        if budget.is_some_and(|b| fuzz_started.elapsed() >= b)
            || args.runs.is_some_and(|r| tally.executions >= r)
        {
            break;
        }
        if args.target == "load" {
            run_load(&args, &seeds, &mut rng, &mut tally);
        } else {
            run_diff(&args, &seeds, &failing, &mut rng, &mut tally);
        }
    }
    let wall = fuzz_started.elapsed().as_secs_f64();
    println!(
        "target {}: {} executions in {:.1}s ({:.0}/s), seed {}; refused {}, loaded {}; crashes {}, missed structural defects {}, wrong verdicts {}, self-diff findings {}, verdict flips from byte damage {}",
        args.target,
        tally.executions,
        wall,
        tally.executions as f64 / wall.max(0.001),
        args.seed,
        tally.refused,
        tally.loaded,
        tally.crashes,
        tally.missed,
        tally.wrong_verdicts,
        tally.self_findings,
        tally.noise_flips,
    );
    let _ = std::fs::remove_file(args.artifacts.join("current-old.json"));
    let _ = std::fs::remove_file(args.artifacts.join("current-new.json"));
    let _ = std::fs::remove_file(args.artifacts.join("current-input.json"));
    if tally.crashes + tally.missed + tally.wrong_verdicts + tally.self_findings > 0 {
        println!("failures saved under {}", args.artifacts.display());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_load(args: &Args, seeds: &[(Seed, Seed)], rng: &mut fastrand::Rng, tally: &mut Tally) {
    let pair = &seeds[rng.usize(0..seeds.len())];
    let seed = if rng.bool() { &pair.0 } else { &pair.1 };
    let (bytes, what) = if rng.bool() {
        let mut doc = seed.value.clone();
        match structural(&mut doc, rng) {
            Some(what) => (serde_json::to_vec(&doc).unwrap_or_default(), what),
            None => return,
        }
    } else {
        noise(seed, rng)
    };
    let what = format!("{}: {what}", seed.name);
    tally.executions += 1;
    mark_current(args, &[("input", &bytes)]);
    let manifest = seed.manifest.as_ref();
    match guarded(|| load(&bytes).map(|api| findings(&api, &api, manifest, manifest).len())) {
        Outcome::Refused => tally.refused += 1,
        Outcome::Loaded(0) => tally.loaded += 1,
        Outcome::Loaded(n) => {
            tally.loaded += 1;
            tally.self_findings += 1;
            save(args, tally, "self-findings", &format!("{what} ({n} findings against itself)"), &[("input", &bytes)]);
        }
        Outcome::Panicked(msg) => {
            tally.crashes += 1;
            save(args, tally, "crash", &format!("{what}\n{msg}"), &[("input", &bytes)]);
        }
    }
}

fn run_diff(args: &Args, seeds: &[(Seed, Seed)], failing: &[usize], rng: &mut fastrand::Rng, tally: &mut Tally) {
    let Some(&i) = failing.get(rng.usize(0..failing.len().max(1))) else {
        return;
    };
    let (old, new) = &seeds[i];
    let structural_damage = rng.u32(0..10) < 7;
    let which = rng.u32(0..3); // 0: baseline, 1: current, 2: both
    let damage = |seed: &Seed, rng: &mut fastrand::Rng| -> Option<(Vec<u8>, String)> {
        if structural_damage {
            let mut doc = seed.value.clone();
            let what = structural(&mut doc, rng)?;
            Some((serde_json::to_vec(&doc).ok()?, what))
        } else {
            Some(noise(seed, rng))
        }
    };
    let (old_bytes, old_what) = if which != 1 {
        match damage(old, rng) {
            Some(d) => d,
            None => return,
        }
    } else {
        (old.bytes.clone(), "intact".to_string())
    };
    let (new_bytes, new_what) = if which != 0 {
        match damage(new, rng) {
            Some(d) => d,
            None => return,
        }
    } else {
        (new.bytes.clone(), "intact".to_string())
    };
    let what = format!("{}: baseline {old_what}; current {new_what}", old.name.trim_end_matches("/old"));
    let files: [(&str, &[u8]); 2] = [("old", &old_bytes), ("new", &new_bytes)];
    tally.executions += 1;
    mark_current(args, &files);
    let (om, nm) = (old.manifest.as_ref(), new.manifest.as_ref());
    let outcome = guarded(|| {
        let a = load(&old_bytes)?;
        let b = load(&new_bytes)?;
        Some(is_fail(&findings(&a, &b, om, nm)))
    });
    match outcome {
        Outcome::Refused => tally.refused += 1,
        Outcome::Loaded(still_fails) => {
            tally.loaded += 1;
            if structural_damage {
                tally.missed += 1;
                if !still_fails {
                    tally.wrong_verdicts += 1;
                    save(args, tally, "wrong-verdict", &what, &files);
                } else {
                    save(args, tally, "missed", &what, &files);
                }
            } else if !still_fails {
                tally.noise_flips += 1;
            }
        }
        Outcome::Panicked(msg) => {
            tally.crashes += 1;
            save(args, tally, "crash", &format!("{what}\n{msg}"), &files);
        }
    }
}
