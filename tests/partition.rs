//! Scale-out: a workspace checked in parts (`--partition K/N`, one CI job each) and the parts
//! merged (`semgate merge`) give exactly the report of one run over everything, including what
//! crosses parts: a break in one part's crate propagating to a crate of another part that
//! re-exports its types. A set of parts that does not cover the run is refused.

mod common;

use common::repo::{assert_contains, assert_exit, semgate, show, stderr, stdout, TestRepo};

fn manifest(name: &str, version: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{deps}")
}

/// Padding that makes a crate's source larger, so the split is known: the two largest crates,
/// core and app, land in different parts.
fn padded(body: &str, bytes: usize) -> String {
    format!("{body}\n// {}\n", "x".repeat(bytes))
}

fn workspace() -> TestRepo {
    let core_dep = "part_core = { path = \"../core\", version = \"0.1\" }\n";
    let repo = TestRepo::workspace(
        "part_ws",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\", \"util\", \"other\"]\nresolver = \"2\"\n",
            ),
            ("core/Cargo.toml", &manifest("part_core", "0.1.0", "")),
            (
                "core/src/lib.rs",
                &padded("pub struct Config { pub name: String }\npub fn f() {}", 3000),
            ),
            ("app/Cargo.toml", &manifest("part_app", "0.1.0", core_dep)),
            ("app/src/lib.rs", &padded("pub use part_core::Config;", 4000)),
            ("util/Cargo.toml", &manifest("part_util", "0.1.0", "")),
            ("util/src/lib.rs", "pub fn u() {}\n"),
            ("other/Cargo.toml", &manifest("part_other", "0.1.0", "")),
            ("other/src/lib.rs", "pub fn o() {}\n"),
        ],
    );
    for t in [
        "part_core-v0.1.0",
        "part_app-v0.1.0",
        "part_util-v0.1.0",
        "part_other-v0.1.0",
    ] {
        repo.tag(t);
    }
    // core breaks under a patch version; app re-exports its type (propagation);
    // util adds a function (additive, released as a patch: fine for 0.x)
    repo.write(
        "core/src/lib.rs",
        &padded("pub struct Config { pub name: String }", 3000),
    );
    repo.write("core/Cargo.toml", &manifest("part_core", "0.1.1", ""));
    repo.write("app/Cargo.toml", &manifest("part_app", "0.1.1", core_dep));
    repo.write("util/src/lib.rs", "pub fn u() {}\npub fn v() {}\n");
    repo.write("util/Cargo.toml", &manifest("part_util", "0.1.1", ""));
    repo.commit("changes");
    repo
}

const SELECT: &[&str] = &["-p", "part_*"];

fn part(repo: &TestRepo, k: usize, n: usize) -> std::path::PathBuf {
    let partition = format!("{k}/{n}");
    let out = semgate(
        &repo.dir,
        &[
            &["check", "--partition", &partition, "--format", "json"][..],
            SELECT,
        ]
        .concat(),
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", show(&out));
    let path = repo
        .dir
        .join("target")
        .join(format!("part-{k}-of-{n}.json"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

#[test]
fn merged_parts_give_the_report_of_one_run() {
    let repo = workspace();
    let whole = semgate(
        &repo.dir,
        &[&["check", "--format", "json"][..], SELECT].concat(),
    );
    assert_exit(&whole, 1);
    let app_breaks =
        stdout(&whole).contains("workspace dependency `part_core` has breaking changes");
    assert!(
        app_breaks,
        "the break propagates in one run: {}",
        show(&whole)
    );

    let (p1, p2) = (part(&repo, 1, 2), part(&repo, 2, 2));
    // core and app are in different parts, so the propagation can only happen in the merge
    let one = std::fs::read_to_string(&p1).unwrap();
    let two = std::fs::read_to_string(&p2).unwrap();
    assert!(
        one.contains("\"name\": \"part_app\"") != two.contains("\"name\": \"part_app\"")
            && one.contains("\"name\": \"part_app\"") != one.contains("\"name\": \"part_core\""),
        "core and app split across parts:\n{one}\n{two}"
    );
    let merged = semgate(
        &repo.dir,
        &[
            "merge",
            p2.to_str().unwrap(),
            p1.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_exit(&merged, 1);
    assert_eq!(
        stdout(&merged),
        stdout(&whole),
        "byte-identical to the one run"
    );

    // the human report and exit code too
    let merged = semgate(
        &repo.dir,
        &["merge", p1.to_str().unwrap(), p2.to_str().unwrap()],
    );
    assert_exit(&merged, 1);
    assert_contains(&stdout(&merged), &["overall: FAIL (4 packages"]);

    // more parts than packages: empty parts are valid and merge the same
    let parts: Vec<_> = (1..=6).map(|k| part(&repo, k, 6)).collect();
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    let merged = semgate(&repo.dir, &args);
    assert_exit(&merged, 1);
    assert_eq!(stdout(&merged), stdout(&whole));
}

#[test]
fn parts_that_do_not_cover_the_run_are_refused() {
    let repo = workspace();
    let (p1, p2) = (part(&repo, 1, 2), part(&repo, 2, 2));
    let other = part(&repo, 1, 3);
    for (args, needle) in [
        (vec![p1.to_str().unwrap()], "2/2 missing"),
        (
            vec![p1.to_str().unwrap(), p1.to_str().unwrap()],
            "given twice",
        ),
        (
            vec![p1.to_str().unwrap(), other.to_str().unwrap()],
            "another partitioned run",
        ),
    ] {
        let mut all = vec!["merge"];
        all.extend(args);
        let out = semgate(&repo.dir, &all);
        assert_exit(&out, 2);
        assert_contains(&stderr(&out), &[needle]);
    }
    // not a partial report at all
    let whole = semgate(
        &repo.dir,
        &[&["check", "--format", "json"][..], SELECT].concat(),
    );
    let path = repo.dir.join("target/whole.json");
    std::fs::write(&path, &whole.stdout).unwrap();
    let out = semgate(
        &repo.dir,
        &["merge", path.to_str().unwrap(), p2.to_str().unwrap()],
    );
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), &["not a partial report"]);
}
