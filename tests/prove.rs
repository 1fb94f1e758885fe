//! `check --prove`: every witness template, run on its rule's fixture, compiles against `old`
//! and fails inside the witness against `new`; a finding the change does not support is
//! disproven; the whole flow through the CLI.
//!
//! Each fixture's witnesses go into one generated crate per side, checked with real cargo in
//! the shared test target (`target/semgate-tests/prove`).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use semgate::prove::{self, DepSource, Outcome, Place, Policy, SideDep, Template};
use semgate::rules::Finding;
use semgate::rules::{Class, RULES};

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn side_dep(name: &str, side: &str, role: &'static str) -> SideDep {
    let built = common::fixture_side(name, side);
    let manifest = built.manifest.expect("a fixture has a manifest");
    SideDep {
        package: manifest.name.clone(),
        lib: manifest.lib_target.clone().expect("a fixture is a library"),
        source: DepSource::Path(common::root().join("fixtures").join(name).join(side)),
        features: Vec::new(),
        default_features: true,
        lockfile: None,
        role,
    }
}

/// The fixture's findings, judged by their witnesses.
fn proven(name: &str, extra: Vec<Finding>) -> Vec<Finding> {
    proven_with(name, extra, Policy::default())
}

fn proven_with(name: &str, extra: Vec<Finding>, policy: Policy) -> Vec<Finding> {
    let mut findings = common::diff_fixture(name);
    findings.extend(extra);
    let (old, new) = (common::api(name, "old"), common::api(name, "new"));
    let cargo = cargo;
    let place = Place {
        cargo: &cargo,
        dir: common::shared_target().join("prove"),
    };
    prove::prove(
        &mut findings,
        &old,
        &new,
        Ok(&side_dep(name, "old", "baseline")),
        Ok(&side_dep(name, "new", "current")),
        &place,
        policy,
    )
    .unwrap_or_else(|e| panic!("proving {name}: {e:#}"));
    findings
}

fn has_template(rule: &str) -> bool {
    RULES
        .iter()
        .any(|r| r.id == rule && matches!(r.witness, Template::Code(_)))
}

/// Every fixture: each breaking finding is proven or has no template. A template bug is a bug;
/// so is a disproven finding, since every breaking finding of the fixtures is a real break (a
/// witness that still compiles is too weak a use, and would discount a real break). Every rule
/// with a template proves at least one finding of its own fixture.
#[test]
fn every_template_proves_its_fixture() {
    let mut problems = Vec::new();
    let mut tally: BTreeMap<&str, BTreeMap<Outcome, usize>> = BTreeMap::new();
    let mut proven_count = 0;
    for name in common::fixture_names() {
        if common::PENDING_RULES.contains(&name.as_str()) {
            continue;
        }
        for f in proven(&name, Vec::new()) {
            let Some(w) = &f.witness else {
                continue;
            };
            *tally
                .entry(f.rule)
                .or_default()
                .entry(w.outcome)
                .or_default() += 1;
            let describe = || {
                format!(
                    "{name}: [{}] {} is {}\n{}\n    baseline: {:?}\n    current: {:?}",
                    f.rule,
                    f.path,
                    w.outcome.as_str(),
                    w.code.as_deref().unwrap_or(""),
                    w.baseline,
                    w.current
                )
            };
            match w.outcome {
                Outcome::Proven => {
                    proven_count += 1;
                    assert_eq!(w.baseline.as_deref(), Some("compiles"));
                    assert!(
                        w.current.as_deref().is_some_and(|c| c.starts_with("error")),
                        "{}",
                        describe()
                    );
                }
                Outcome::NoTemplate => {}
                Outcome::TemplateBug | Outcome::Unchecked | Outcome::Disproven => {
                    problems.push(describe())
                }
            }
        }
    }
    for rule in RULES {
        if has_template(rule.id)
            && !tally
                .get(rule.id)
                .is_some_and(|t| t.contains_key(&Outcome::Proven))
        {
            problems.push(format!(
                "rule `{}` has a template but proves nothing",
                rule.id
            ));
        }
    }
    eprintln!("witness outcomes by rule: {tally:#?}");
    assert!(proven_count > 20, "only {proven_count} findings proven");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A finding the change does not support (the function only renamed its parameters) is
/// disproven, stops counting, and the real findings beside it stay proven.
#[test]
fn a_false_finding_is_disproven() {
    let rule = semgate::rules::find("fn-param-count-changed").unwrap();
    let false_alarm = Finding::new(
        rule,
        "fn_param_count_changed::resize",
        "function `fn_param_count_changed::resize` took 2 parameter(s) and now takes 3",
    );
    let findings = proven("fn-param-count-changed", vec![false_alarm]);
    let resize = findings
        .iter()
        .find(|f| f.path == "fn_param_count_changed::resize")
        .unwrap();
    let w = resize.witness.as_ref().unwrap();
    assert_eq!(w.outcome, Outcome::Disproven, "{w:#?}");
    assert_eq!(w.current.as_deref(), Some("compiles"));
    assert!(w.discounted && !resize.counts());
    let connect = findings
        .iter()
        .find(|f| f.path == "fn_param_count_changed::connect")
        .unwrap();
    let w = connect.witness.as_ref().unwrap();
    assert_eq!(w.outcome, Outcome::Proven, "{w:#?}");
    assert!(
        w.current.as_deref().unwrap().starts_with("error[E0061]"),
        "{w:#?}"
    );
    assert_eq!(
        semgate::bump::Change::of(std::slice::from_ref(resize)),
        semgate::bump::Change::None
    );
}

/// The compatible near-misses of the cross-cutting fixtures: whatever breaking findings they
/// give, no witness is a template bug, and none of them is disproven (a disproven finding
/// there would be a false alarm the fixture claims does not happen).
#[test]
fn near_misses_are_never_disproven_breaks() {
    let mut problems = Vec::new();
    for name in [
        "type-param-added-impls-kept",
        "inherent-impl-instances",
        "type-alias-expanded",
        "namespaces",
        "async-equivalence",
        "moved-and-reexported",
        "renamed-with-alias",
        "glob-reexport",
    ] {
        for f in proven(name, Vec::new()) {
            if let Some(w) = &f.witness {
                if matches!(
                    w.outcome,
                    Outcome::TemplateBug | Outcome::Disproven | Outcome::Unchecked
                ) {
                    problems.push(format!(
                        "{name}: [{}] {} is {}: {:?} / {:?}\n{}",
                        f.rule,
                        f.path,
                        w.outcome.as_str(),
                        w.baseline,
                        w.current,
                        w.code.as_deref().unwrap_or("")
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Only breaking findings are judged: additive and patch-level ones get no witness. A
/// parameter generalisation the compiler confirms (`u8` -> `impl Into<u8>`: a call with a `u8`
/// still compiles) stays additive.
#[test]
fn only_breaking_findings_get_a_witness() {
    for f in proven("struct-field-added-exhaustive", Vec::new()) {
        assert_eq!(f.witness.is_some(), f.class == Class::Breaking, "{f:#?}");
    }
    let findings = proven("fn-param-type-changed", Vec::new());
    let set_level = findings
        .iter()
        .find(|f| f.path == "fn_param_type_changed::set_level")
        .unwrap();
    assert_eq!(set_level.class, Class::Additive, "{set_level:#?}");
    assert!(set_level.witness.is_none());

    // a generalisation the diff got wrong (here, made up: `u32` -> `u64` is none) is refuted
    // by the compiler and reported as breaking
    let rule = semgate::rules::find("fn-param-type-changed").unwrap();
    let claimed = Finding::new(
        rule,
        "fn_param_type_changed::set_limit",
        "function `fn_param_type_changed::set_limit` generalised a parameter",
    )
    .class(Class::Additive);
    let findings = proven("fn-param-type-changed", vec![claimed]);
    let refuted = findings
        .iter()
        .find(|f| {
            f.message
                .starts_with("function `fn_param_type_changed::set_limit` generalised")
        })
        .unwrap();
    assert_eq!(refuted.class, Class::Breaking, "{refuted:#?}");
    assert!(refuted.message.ends_with("no longer compiles: breaking"));
    assert_eq!(refuted.witness.as_ref().unwrap().outcome, Outcome::Proven);
}

/// The whole flow: `check --prove` on a git repository, its baseline exported from the release
/// tag. The breaks are proven (the JSON report carries the witness, the human one shows it with
/// the compiler's error), the gate still refuses, and without --prove no report says "witness".
#[test]
fn check_prove_end_to_end() {
    use common::repo::{assert_exit, semgate, stdout, TestRepo};
    let repo = TestRepo::new(
        "e2e_prove",
        "1.0.0",
        "pub fn connect(host: &str) -> u32 { host.len() as u32 }\npub enum Mode { Read, Write }\n",
    );
    repo.tag("v1.0.0");
    repo.write(
        "src/lib.rs",
        "pub fn connect(host: &str, port: u16) -> u32 { host.len() as u32 + port as u32 }\npub enum Mode { Read, Write, Append }\n",
    );
    repo.set_version("e2e_prove", "1.0.1");
    repo.commit("break");

    let out = semgate(&repo.dir, &["check", "--prove", "--format", "json"]);
    assert_exit(&out, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings = report["packages"][0]["findings"].as_array().unwrap();
    let connect = findings
        .iter()
        .find(|f| f["path"] == "e2e_prove::connect")
        .unwrap();
    assert_eq!(connect["witness"]["outcome"], "proven", "{connect:#}");
    assert_eq!(connect["witness"]["baseline"], "compiles");
    assert!(connect["witness"]["current"]
        .as_str()
        .unwrap()
        .starts_with("error[E0061]"));
    assert!(connect["witness"]["code"]
        .as_str()
        .unwrap()
        .contains("::e2e_prove::connect(a0)"));
    let mode = findings
        .iter()
        .find(|f| f["path"] == "e2e_prove::Mode::Append")
        .unwrap();
    assert_eq!(mode["witness"]["outcome"], "proven", "{mode:#}");
    assert!(mode["witness"]["current"]
        .as_str()
        .unwrap()
        .starts_with("error[E0004]"));

    // the baseline's export is kept by commit (its builds are reused); no scratch crate is left
    let prove_dir = common::shared_target().join("prove");
    let tag = repo.git(&["rev-parse", "v1.0.0^{commit}"]);
    assert!(prove_dir
        .join("trees")
        .join(format!("{tag}.done"))
        .is_file());
    assert!(prove_dir
        .join("trees")
        .join(&tag)
        .join("src/lib.rs")
        .is_file());
    let leftovers: Vec<String> = std::fs::read_dir(&prove_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("semgate-prove-"))
        // the other tests of this process compile in the same directory meanwhile
        .filter(|n| {
            std::fs::read_to_string(prove_dir.join(n).join(".semgate-owner"))
                .is_ok_and(|pid| pid.trim() != std::process::id().to_string())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let human = semgate(&repo.dir, &["check", "--prove"]);
    assert_exit(&human, 1);
    common::repo::assert_contains(
        &stdout(&human),
        &[
            "= witness: proven",
            "fn witness_",
            "baseline: compiles",
            "current: error[E0061]",
        ],
    );

    let markdown = semgate(&repo.dir, &["check", "--prove", "--format", "markdown"]);
    common::repo::assert_contains(
        &stdout(&markdown),
        &[
            "<details><summary>witness: proven</summary>",
            "```rust",
            "- current: `error[E0061]",
        ],
    );

    let plain = semgate(&repo.dir, &["check", "--format", "json"]);
    assert_exit(&plain, 1);
    assert!(!stdout(&plain).contains("witness"), "{}", stdout(&plain));

    // the configuration key does what the flag does
    let manifest = repo.read("Cargo.toml");
    repo.write(
        "Cargo.toml",
        &format!("{manifest}\n[package.metadata.semgate]\nprove = true\n"),
    );
    let configured = semgate(&repo.dir, &["check", "--format", "json"]);
    assert_exit(&configured, 1);
    assert!(
        stdout(&configured).contains("\"outcome\": \"proven\""),
        "{}",
        stdout(&configured)
    );
}

/// Measurement (ci/bench/prove.sh): the share of breaking findings proven, disproven, template
/// bugs and without template over every fixture, and the wall time of proving a fixture
/// against one `cargo check` of its crate, both from a cold target directory and warm.
#[test]
#[ignore = "a measurement: run by ci/bench/prove.sh"]
fn measure_outcomes_and_cost() {
    use std::time::{Duration, Instant};
    let mut total: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, BTreeMap<Outcome, usize>> = BTreeMap::new();
    let mut no_template: BTreeMap<&str, usize> = BTreeMap::new();
    let mut from_probes = 0;
    let (mut prove_cold, mut prove_warm, mut check_cold, mut check_warm) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut timed = 0;
    let scratch = tempfile::tempdir().unwrap();
    for name in common::fixture_names() {
        if common::PENDING_RULES.contains(&name.as_str()) {
            continue;
        }
        let mut findings = common::diff_fixture(&name);
        let (old, new) = (common::api(&name, "old"), common::api(&name, "new"));
        let dir = scratch.path().join(&name);
        let cargo = cargo;
        let place = Place {
            cargo: &cargo,
            dir: dir.join("prove"),
        };
        let (b, c) = (
            side_dep(&name, "old", "baseline"),
            side_dep(&name, "new", "current"),
        );
        let run = |findings: &mut Vec<Finding>| {
            let started = Instant::now();
            prove::prove(
                findings,
                &old,
                &new,
                Ok(&b),
                Ok(&c),
                &place,
                Policy::default(),
            )
            .unwrap();
            started.elapsed()
        };
        prove_cold += run(&mut findings);
        prove_warm += run(&mut findings.clone());
        let check = |target: &std::path::Path| {
            let started = Instant::now();
            let out = cargo()
                .args(["check", "--quiet", "--manifest-path"])
                .arg(
                    common::root()
                        .join("fixtures")
                        .join(&name)
                        .join("new/Cargo.toml"),
                )
                .arg("--target-dir")
                .arg(target)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: cargo check failed");
            started.elapsed()
        };
        check_cold += check(&dir.join("check"));
        check_warm += check(&dir.join("check"));
        timed += 1;
        for f in &findings {
            if let Some(w) = &f.witness {
                if w.outcome == Outcome::NoTemplate {
                    let note = w.note.as_deref().unwrap_or("");
                    let why = if note.starts_with("no code can witness it") {
                        "no code can witness it"
                    } else if note.starts_with("no template yet") {
                        "no template yet"
                    } else {
                        "the template cannot write the item"
                    };
                    *no_template.entry(why).or_default() += 1;
                }
                if f.witness.as_ref().is_some_and(|w| {
                    w.code
                        .as_deref()
                        .is_some_and(|c| c.starts_with("// probe "))
                }) {
                    from_probes += 1;
                }
                *total.entry(w.outcome).or_default() += 1;
                *by_rule
                    .entry(f.rule)
                    .or_default()
                    .entry(w.outcome)
                    .or_default() += 1;
            }
        }
    }
    let all: usize = total.values().sum();
    println!("breaking findings over the fixture suite: {all}");
    for (outcome, n) in &total {
        println!(
            "  {:<13} {n:>4}  {:>5.1}%",
            outcome.as_str(),
            100.0 * *n as f64 / all.max(1) as f64
        );
    }
    println!("  (of the proven, {from_probes} found by probes)");
    for (why, n) in &no_template {
        println!("  no template: {why}: {n}");
    }
    println!("by rule:");
    for (rule, outcomes) in &by_rule {
        let parts: Vec<String> = outcomes
            .iter()
            .map(|(o, n)| format!("{n} {}", o.as_str()))
            .collect();
        println!("  {rule:<34} {}", parts.join(", "));
    }
    let per = |d: Duration| d.as_secs_f64() / timed.max(1) as f64;
    println!("{timed} fixtures, per fixture:");
    println!(
        "  prove (2 sides): cold {:.2}s, warm {:.2}s",
        per(prove_cold),
        per(prove_warm)
    );
    println!(
        "  one cargo check: cold {:.2}s, warm {:.2}s",
        per(check_cold),
        per(check_warm)
    );
    println!(
        "  ratio prove / cargo check: cold {:.1}x, warm {:.1}x",
        prove_cold.as_secs_f64() / check_cold.as_secs_f64(),
        prove_warm.as_secs_f64() / check_warm.as_secs_f64()
    );
}

/// The probes: a field `&'a T` that became `Cell<&'a T>` makes `Slot` invariant in `'a` and
/// `T` (both covariance probes fail on the current side), `Kept` stays covariant; an async fn
/// holding an `Rc` across an `.await` and an `impl Iterator` capturing one lose `Send` and
/// `Sync`, the async fn that drops it first does not.
#[test]
fn probes_find_lost_variance_and_auto_traits() {
    // (a `Cell` also costs `Sync` and `RefUnwindSafe`, which the diff sees: auto-trait-lost)
    let findings: Vec<Finding> = proven("variance-changed", Vec::new())
        .into_iter()
        .filter(|f| f.rule == "variance-changed")
        .collect();
    let mut found: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "variance-changed".to_string(),
                "`variance_changed::Slot` is no longer covariant in `'a`: a `::variance_changed::Slot<'a, ()>` no longer converts to a `::variance_changed::Slot<'b, ()>`".to_string()
            ),
            (
                "variance-changed".to_string(),
                "`variance_changed::Slot` is no longer covariant in `T`: a `::variance_changed::Slot<'c, &'a ()>` no longer converts to a `::variance_changed::Slot<'c, &'b ()>`".to_string()
            ),
        ],
        "{findings:#?}"
    );
    for f in &findings {
        let w = f.witness.as_ref().unwrap();
        assert_eq!(w.outcome, Outcome::Proven);
        assert!(w.code.as_deref().unwrap().contains("fn co<'a: 'b, 'b, 'c>"));
    }

    let findings = proven("auto-trait-lost-opaque", Vec::new());
    let mut found: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    found.sort();
    assert_eq!(
        found,
        [
            "the `impl Trait` returned by `auto_trait_lost_opaque::ids` is no longer `Send`",
            "the `impl Trait` returned by `auto_trait_lost_opaque::ids` is no longer `Sync`",
            "the future returned by `auto_trait_lost_opaque::fetch` is no longer `Send`",
            "the future returned by `auto_trait_lost_opaque::fetch` is no longer `Sync`",
        ],
        "{findings:#?}"
    );
    assert!(findings
        .iter()
        .all(|f| f.rule == "auto-trait-lost"
            && f.witness.as_ref().unwrap().outcome == Outcome::Proven));
}

/// A witness that does not compile against the baseline (here, one written wrong on purpose)
/// is a template bug, not a proof, and its finding keeps counting; the witness beside it in the
/// same crate is still judged on its own.
#[test]
fn a_witness_broken_on_the_baseline_is_a_template_bug() {
    let name = "fn-param-count-changed";
    let cargo = cargo;
    let place = Place {
        cargo: &cargo,
        dir: common::shared_target().join("prove"),
    };
    let broken = semgate::rules::witness::generate::function(
        0,
        "a template bug",
        &semgate::rules::witness::Code::body(
            "let _: u8 = ::fn_param_count_changed::connect(\"x\");",
        ),
    );
    let sound = semgate::rules::witness::generate::function(
        1,
        "fn-param-count-changed: fn_param_count_changed::connect",
        &semgate::rules::witness::Code::new(
            "a0: &str",
            "let _ = ::fn_param_count_changed::connect(a0);",
        ),
    );
    let codes = vec![(0, broken.clone()), (1, sound.clone())];
    let on =
        |side, role| prove::run::check_side(&side_dep(name, side, role), &codes, &place).unwrap();
    let (baseline, current) = (on("old", "baseline"), on("new", "current"));
    let w = prove::judge(&broken, &baseline[&0], &current[&0], Policy::default());
    assert_eq!(w.outcome, Outcome::TemplateBug, "{w:#?}");
    assert!(
        w.baseline.as_deref().unwrap().starts_with("error[E0308]"),
        "{w:#?}"
    );
    assert!(!w.discounted);
    let w = prove::judge(&sound, &baseline[&1], &current[&1], Policy::default());
    assert_eq!(w.outcome, Outcome::Proven, "{w:#?}");
}

/// A disproven finding in the reports: it does not count toward the bump (a patch release
/// passes), the human report labels it and shows why, markdown lists it in its own group, JSON
/// carries the witness; the same finding kept by `prove-keep-disproven` still counts.
#[test]
fn reports_show_a_disproven_finding_apart() {
    use semgate::report::{self, PackageReport, Report, SideReport};
    let rule = semgate::rules::find("fn-param-count-changed").unwrap();
    let report_of = |policy: Policy| {
        let mut f = Finding::new(
            rule,
            "demo::resize",
            "function `demo::resize` took 2 parameter(s) and now takes 3",
        );
        f.witness = Some(prove::judge(
            "fn witness_0(a0: u32, a1: u32) {\n    let _ = ::demo::resize(a0, a1);\n}\n",
            &prove::Compiled::Ok,
            &prove::Compiled::Ok,
            policy,
        ));
        let baseline = semver::Version::new(1, 0, 0);
        let proposed = semver::Version::new(1, 0, 1);
        let findings = vec![f];
        let decision = semgate::gate::decide(&baseline, Some(&proposed), &findings);
        let side = |v: &semver::Version| SideReport {
            version: Some(v.clone()),
            source: "git".into(),
            description: "test".into(),
        };
        Report::new(vec![PackageReport::new(
            "demo".into(),
            side(&baseline),
            side(&proposed),
            None,
            decision,
            findings,
        )])
    };
    let report = report_of(Policy::default());
    assert_eq!(report.verdict, semgate::gate::Verdict::Pass);
    let human = report::human::render(&report, report::human::Paint { color: false });
    common::repo::assert_contains(
        &human,
        &[
            "disproven[fn-param-count-changed]",
            "= witness: disproven",
            "current: compiles",
            "does not count toward the bump",
            "changes: 0 breaking, 0 additive, 0 note(s), 1 disproven",
            "disproven by their witness do not count",
        ],
    );
    let md = report::markdown::render(&report);
    common::repo::assert_contains(
        &md,
        &[
            "**Disproven by their witness (not counted)**",
            "<details><summary>witness: disproven</summary>",
        ],
    );
    let json = report::json::render(&report);
    assert!(json.contains("\"outcome\": \"disproven\""), "{json}");
    assert!(json.contains("\"discounted\": true"), "{json}");

    let kept = report_of(Policy {
        keep_disproven: true,
    });
    assert_eq!(kept.verdict, semgate::gate::Verdict::Fail);
}
