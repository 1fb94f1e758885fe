//! The CI recipes under ci/: every YAML file parses (as GitHub reads YAML) and has the
//! structure a workflow needs; every `run:` script is valid bash; the pull-request and release
//! workflows are executed step by step, as a runner would, against real git repositories; and
//! ci/semgate-gate.sh keeps semgate's exit-code contract under a POSIX sh.
//!
//! YAML is read with Python's PyYAML (python3-yaml, part of the machine image), so no YAML
//! crate is needed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::repo::{stderr, stdout, TestRepo};
use serde_json::Value;

const LIB_V1: &str =
    "pub fn parse(input: &str) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";
/// `parse` takes a `String` now: a breaking change.
const LIB_V2: &str =
    "pub fn parse(input: String) -> u32 { input.len() as u32 }\n\npub fn keep() {}\n";

fn ci_dir() -> PathBuf {
    common::root().join("ci")
}

/// The directory of the semgate binary under test, to put first on PATH.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_semgate"))
        .parent()
        .expect("binary has a directory")
        .to_path_buf()
}

fn path_with(first: &Path) -> String {
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", first.display())
}

/// A repo tagged v1.0.0, then a breaking change committed with `version` in Cargo.toml.
fn released_then_broken(name: &str, version: &str) -> TestRepo {
    let repo = TestRepo::new(name, "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.write("src/lib.rs", LIB_V2);
    repo.set_version(name, version);
    repo.commit("change parse");
    repo
}

// ------------------------------------------------------------------------------------------
// Parsing and structure
// ------------------------------------------------------------------------------------------

/// PyYAML with YAML 1.2 booleans (only true/false), as GitHub reads workflows: under YAML 1.1
/// the key `on` would load as the boolean true. Duplicate keys, which GitHub rejects, are
/// errors here too.
const YAML_TO_JSON: &str = r#"
import json, re, sys
import yaml

class Loader(yaml.SafeLoader):
    pass

Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

def mapping(loader, node):
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "duplicate key %r" % (key,), key_node.start_mark)
        seen.add(key)
    return dict(loader.construct_pairs(node, deep=True))

Loader.add_constructor("tag:yaml.org,2002:map", mapping)

with open(sys.argv[1], encoding="utf-8") as f:
    json.dump(yaml.load(f, Loader=Loader), sys.stdout)
"#;

/// Whether PyYAML is there for the workflow checks. Without it they are skipped with a message
/// (README says so), unless `SEMGATE_REQUIRE_PYYAML` is set, as `.ci/run` does after installing
/// it: there a missing PyYAML is a failure, never a silent skip.
fn have_pyyaml() -> bool {
    static HAVE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let have = *HAVE.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import yaml"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !have {
        assert!(
            std::env::var_os("SEMGATE_REQUIRE_PYYAML").is_none(),
            "PyYAML is required (SEMGATE_REQUIRE_PYYAML is set): pip install pyyaml"
        );
        eprintln!("skipped: the workflow checks need python3 with PyYAML (pip install pyyaml)");
    }
    have
}

fn load_yaml(path: &Path) -> Value {
    let out = Command::new("python3")
        .args(["-c", YAML_TO_JSON])
        .arg(path)
        .output()
        .expect(
            "python3 runs (the YAML checks need python3 with PyYAML: apt-get install python3-yaml)",
        );
    assert!(
        out.status.success(),
        "{} does not parse as YAML:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python3 printed JSON")
}

/// Every `.yml`/`.yaml` file under ci/, sorted.
fn yaml_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("read ci/")
            .filter_map(|e| e.ok())
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&ci_dir(), &mut files);
    files.sort();
    files
}

fn workflow(name: &str) -> Value {
    load_yaml(&ci_dir().join("github").join(name))
}

/// The steps of the workflow's only job.
fn steps(doc: &Value) -> Vec<Value> {
    let jobs = doc["jobs"].as_object().expect("jobs");
    assert_eq!(jobs.len(), 1, "one job");
    let job = jobs.values().next().expect("a job");
    job["steps"].as_array().expect("steps").clone()
}

fn run_of(step: &Value) -> &str {
    step["run"].as_str().unwrap_or("")
}

/// Index of the first step whose `run` contains `needle`.
fn step_running(steps: &[Value], needle: &str) -> usize {
    steps
        .iter()
        .position(|s| run_of(s).contains(needle))
        .unwrap_or_else(|| panic!("no step runs `{needle}`"))
}

fn step_using(steps: &[Value], action: &str) -> Value {
    steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(action)))
        .unwrap_or_else(|| panic!("no step uses {action}"))
        .clone()
}

/// Every key anywhere in `v`, with its value.
fn all_keys<'v>(v: &'v Value, out: &mut Vec<(&'v str, &'v Value)>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                out.push((k, val));
                all_keys(val, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| all_keys(i, out)),
        _ => {}
    }
}

#[test]
fn every_yaml_file_parses_and_every_run_script_is_valid_bash() {
    if !have_pyyaml() {
        return;
    }
    let files = yaml_files();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(ci_dir()).unwrap_or(f).display().to_string())
        .collect();
    assert!(
        names.contains(&"github/semgate-pr.yml".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"github/semgate-release.yml".to_string()),
        "{names:?}"
    );

    let scratch = tempfile::tempdir().expect("tempdir");
    for file in &files {
        let doc = load_yaml(file);
        let shown = file.display();
        assert!(doc.get("on").is_some(), "{shown}: no `on:` trigger");
        let jobs = doc["jobs"]
            .as_object()
            .unwrap_or_else(|| panic!("{shown}: no jobs"));
        assert!(!jobs.is_empty(), "{shown}: no jobs");

        let mut keys = Vec::new();
        all_keys(&doc, &mut keys);
        assert!(
            !keys.iter().any(|(k, _)| *k == "continue-on-error"),
            "{shown}: continue-on-error would let a refusal or an error pass"
        );

        for (job_name, job) in jobs {
            assert!(
                job.get("runs-on").is_some(),
                "{shown}: job {job_name} has no runs-on"
            );
            let steps = job["steps"]
                .as_array()
                .unwrap_or_else(|| panic!("{shown}: job {job_name} has no steps"));
            assert!(!steps.is_empty());
            for (i, step) in steps.iter().enumerate() {
                let what = format!("{shown}: job {job_name}, step {i} ({})", step["name"]);
                match (step.get("run"), step.get("uses")) {
                    (Some(run), None) => {
                        let script = run
                            .as_str()
                            .unwrap_or_else(|| panic!("{what}: run is not a string"));
                        // expressions belong in `env:`: pasted into a script they can inject
                        // code, and the scripts stay runnable as they are (see below)
                        assert!(
                            !script.contains("${{"),
                            "{what}: an expression inside the script"
                        );
                        let path = scratch.path().join(format!("step-{i}.sh"));
                        std::fs::write(&path, script).expect("write script");
                        let check = Command::new("bash")
                            .arg("-n")
                            .arg(&path)
                            .output()
                            .expect("bash runs");
                        assert!(
                            check.status.success(),
                            "{what}: bash -n:\n{}\n{script}",
                            stderr(&check)
                        );
                    }
                    (None, Some(uses)) => {
                        let uses = uses.as_str().unwrap_or_default();
                        assert!(
                            uses.contains('@'),
                            "{what}: pin the action's version: {uses}"
                        );
                    }
                    _ => panic!("{what}: a step needs exactly one of run and uses"),
                }
            }
        }
    }
}

#[test]
fn pull_request_workflow_structure() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-pr.yml");
    assert!(
        doc["on"].get("pull_request").is_some(),
        "runs on pull requests: {}",
        doc["on"]
    );
    let steps = steps(&doc);

    let checkout = step_using(&steps, "actions/checkout@");
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "full history: the baseline is a release tag"
    );
    assert_eq!(checkout["with"]["fetch-tags"], true);

    let restore = step_using(&steps, "actions/cache/restore@");
    let save = step_using(&steps, "actions/cache/save@");
    for cache in [&restore, &save] {
        assert_eq!(cache["with"]["path"], "target/semgate/cache");
        let key = cache["with"]["key"].as_str().expect("key");
        for part in ["runner.os", "rustc", "hashFiles('**/Cargo.lock')"] {
            assert!(key.contains(part), "cache key without {part}: {key}");
        }
    }
    let key = restore["with"]["key"].as_str().unwrap_or_default();
    let prefixes = restore["with"]["restore-keys"]
        .as_str()
        .expect("restore-keys");
    assert!(
        prefixes.lines().all(|p| key.starts_with(p.trim())),
        "restore-keys are prefixes of the key"
    );
    assert!(
        save["if"]
            .as_str()
            .is_some_and(|c| c.contains("!cancelled()")),
        "the cache is saved after a refusal too"
    );

    assert!(steps.iter().any(|s| run_of(s)
        .contains("cargo install --locked --git \"$SEMGATE_GIT\" --rev \"$SEMGATE_REV\" semgate")));
    let gate = step_running(&steps, "--format github");
    let summary = step_running(&steps, "--format markdown");
    assert!(run_of(&steps[summary]).contains(r#">> "$GITHUB_STEP_SUMMARY""#));
    assert!(
        steps[summary]["if"]
            .as_str()
            .is_some_and(|c| c.contains("!cancelled()")),
        "the summary explains a refusal too"
    );
    assert!(
        gate < summary,
        "the gate first: the summary step runs only when the gate ran"
    );
    assert_no_piped_semgate(&steps);
}

/// `semgate ... | tee` would make the step's status tee's: a refusal would pass.
fn assert_no_piped_semgate(steps: &[Value]) {
    for step in steps {
        for line in run_of(step)
            .lines()
            .filter(|l| l.contains("semgate ") && !l.trim_start().starts_with('#'))
        {
            let without_or = line.replace("||", "");
            assert!(
                !without_or.contains('|'),
                "semgate's output is piped, hiding its exit status: {line}"
            );
        }
    }
}

#[test]
fn release_workflow_structure() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-release.yml");
    let inputs = &doc["on"]["workflow_dispatch"]["inputs"];
    assert_eq!(inputs["bumpLevel"]["type"], "choice");
    assert_eq!(
        inputs["bumpLevel"]["options"],
        serde_json::json!(["major", "minor", "patch"])
    );
    assert_eq!(inputs["publish"]["type"], "boolean");
    assert_eq!(inputs["publish"]["default"], false, "publishing is opt-in");
    assert_eq!(
        doc["permissions"]["contents"], "write",
        "the workflow pushes a commit and a tag"
    );

    let steps = steps(&doc);
    let checkout = step_using(&steps, "actions/checkout@");
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    let order = [
        step_running(
            &steps,
            r#"semgate suggest $SEMGATE_ARGS --format github-output >> "$GITHUB_OUTPUT""#,
        ),
        step_running(
            &steps,
            "semgate check $SEMGATE_ARGS --bump \"$BUMP_LEVEL\" --release",
        ),
        step_running(&steps, "semgate bump $SEMGATE_ARGS \"$BUMP_LEVEL\""),
        step_running(&steps, "semgate tag --execute"),
        step_running(&steps, "git push --atomic"),
        step_running(&steps, "release/$TAG"),
        step_running(&steps, "cargo publish"),
        step_running(&steps, "semgate bump --dev"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "steps out of order: {order:?}"
    );
    assert_eq!(
        doc["env"]["SEMGATE_RELEASE_BRANCH"], "false",
        "release branches are opt-in"
    );
    let publish = &steps[order[6]];
    assert_eq!(
        publish["if"], "${{ inputs.publish }}",
        "publishing only when asked"
    );
    assert_eq!(
        publish["env"]["CARGO_REGISTRY_TOKEN"],
        "${{ secrets.CARGO_REGISTRY_TOKEN }}"
    );
    assert_no_piped_semgate(&steps);
}

// ------------------------------------------------------------------------------------------
// Running the workflows
// ------------------------------------------------------------------------------------------

/// What happened to one step.
#[derive(Debug)]
struct StepRun {
    name: String,
    /// success, failure or skipped, as `steps.<id>.outcome`
    outcome: &'static str,
    code: Option<i32>,
    stdout: String,
}

/// Runs a workflow's only job the way an Actions runner does, as far as these recipes need:
/// `run:` steps execute with `bash --noprofile --norc -eo pipefail` (GitHub's default shell),
/// `env:` from the workflow, job and step with their expressions resolved, `$GITHUB_OUTPUT` fed
/// back into `steps.<id>.outputs`, `if:` conditions evaluated, and after a failure only steps
/// whose condition asks for it. `uses:` steps are not run: the test prepared the checkout, and
/// the cache is an optimisation. Steps whose id is in `provided` (installing Rust and semgate)
/// are replaced by the test's own set-up.
struct Runner<'a> {
    dir: &'a Path,
    inputs: Value,
    provided: &'a [&'a str],
    path: String,
    summary: PathBuf,
    scratch: tempfile::TempDir,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    outcomes: BTreeMap<String, &'static str>,
    failed: bool,
}

impl<'a> Runner<'a> {
    fn new(dir: &'a Path, inputs: Value, provided: &'a [&'a str], path: String) -> Runner<'a> {
        let scratch = tempfile::tempdir().expect("tempdir");
        let summary = scratch.path().join("step-summary.md");
        std::fs::write(&summary, "").expect("summary file");
        Runner {
            dir,
            inputs,
            provided,
            path,
            summary,
            scratch,
            outputs: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            failed: false,
        }
    }

    fn lookup(&self, expr: &str) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => match &self.inputs[*name] {
                Value::String(s) => s.clone(),
                Value::Null => panic!("the test gave no input `{name}`"),
                other => other.to_string(),
            },
            ["steps", id, "outputs", key] => self
                .outputs
                .get(*id)
                .and_then(|o| o.get(*key))
                .cloned()
                .unwrap_or_default(),
            ["steps", id, "outcome"] => self
                .outcomes
                .get(*id)
                .copied()
                .unwrap_or("skipped")
                .to_string(),
            ["github", "ref_name"] => "main".to_string(),
            ["runner", "os"] => "Linux".to_string(),
            ["secrets", _] => String::new(),
            _ => panic!("the test runner cannot evaluate `{expr}`"),
        }
    }

    /// Replaces every `${{ expr }}` in `s`.
    fn substitute(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("}}")
                .map(|e| start + e)
                .unwrap_or_else(|| panic!("unclosed expression in {s}"));
            out.push_str(&self.lookup(rest[start + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// A step's `if:`: `&&` of status functions, references and `==`/`!=` comparisons with a
    /// quoted literal. Without a status function, GitHub adds `success()`.
    fn condition(&self, cond: Option<&str>) -> bool {
        let Some(cond) = cond else {
            return !self.failed;
        };
        let expr = cond
            .trim()
            .trim_start_matches("${{")
            .trim_end_matches("}}")
            .trim();
        let mut status_function = false;
        let mut value = true;
        for term in expr.split("&&").map(str::trim) {
            let holds = match term {
                "always()" | "!cancelled()" => {
                    status_function = true;
                    true
                }
                "success()" => {
                    status_function = true;
                    !self.failed
                }
                "failure()" => {
                    status_function = true;
                    self.failed
                }
                _ => {
                    let literal = |s: &str| s.trim().trim_matches('\'').to_string();
                    if let Some((lhs, rhs)) = term.split_once("!=") {
                        self.lookup(lhs.trim()) != literal(rhs)
                    } else if let Some((lhs, rhs)) = term.split_once("==") {
                        self.lookup(lhs.trim()) == literal(rhs)
                    } else {
                        self.lookup(term) == "true"
                    }
                }
            };
            value &= holds;
        }
        value && (status_function || !self.failed)
    }

    fn run(&mut self, doc: &Value) -> Vec<StepRun> {
        let job = doc["jobs"]
            .as_object()
            .and_then(|j| j.values().next())
            .expect("a job")
            .clone();
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for scope in [&doc["env"], &job["env"]] {
            for (k, v) in scope.as_object().into_iter().flatten() {
                env.insert(k.clone(), self.substitute(v.as_str().unwrap_or_default()));
            }
        }
        for id in self.provided {
            assert!(
                job["steps"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| s["id"] == *id),
                "the workflow has no step `{id}` for the test to provide"
            );
        }
        let mut runs = Vec::new();
        for (i, step) in job["steps"].as_array().expect("steps").iter().enumerate() {
            let name = step["name"].as_str().unwrap_or_default().to_string();
            let id = step["id"].as_str().map(str::to_string);
            let provided = id.as_deref().is_some_and(|id| self.provided.contains(&id));
            let (outcome, code, out) = if !self.condition(step["if"].as_str()) {
                ("skipped", None, String::new())
            } else if step.get("uses").is_some() || provided {
                ("success", Some(0), String::new())
            } else {
                let mut step_env = env.clone();
                for (k, v) in step["env"].as_object().into_iter().flatten() {
                    step_env.insert(k.clone(), self.substitute(v.as_str().unwrap_or_default()));
                }
                let script = self.scratch.path().join(format!("step-{i}.sh"));
                std::fs::write(&script, run_of(step)).expect("write step");
                let output_file = self.scratch.path().join(format!("output-{i}"));
                std::fs::write(&output_file, "").expect("output file");
                let out = Command::new("bash")
                    .args(["--noprofile", "--norc", "-eo", "pipefail"])
                    .arg(&script)
                    .current_dir(self.dir)
                    .envs(&step_env)
                    .env("PATH", &self.path)
                    .env("GITHUB_OUTPUT", &output_file)
                    .env("RUNNER_TEMP", self.scratch.path())
                    .env("GITHUB_STEP_SUMMARY", &self.summary)
                    .env("SEMGATE_TARGET_DIR", common::shared_target())
                    .env_remove("NO_COLOR")
                    // git as on a fresh runner: no identity or signing from this machine
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .stdin(Stdio::null())
                    .output()
                    .expect("bash runs");
                let written = std::fs::read_to_string(&output_file).unwrap_or_default();
                let mut outputs = BTreeMap::new();
                for line in written.lines() {
                    let (k, v) = line
                        .split_once('=')
                        .unwrap_or_else(|| panic!("step {name}: not a key=value output: {line}"));
                    outputs.insert(k.to_string(), v.to_string());
                }
                if let Some(id) = &id {
                    self.outputs.insert(id.clone(), outputs);
                }
                let outcome = if out.status.success() {
                    "success"
                } else {
                    "failure"
                };
                let text = format!("{}{}", stdout(&out), stderr(&out));
                (outcome, out.status.code(), text)
            };
            if outcome == "failure" {
                self.failed = true;
            }
            if let Some(id) = &id {
                self.outcomes.insert(id.clone(), outcome);
            }
            runs.push(StepRun {
                name,
                outcome,
                code,
                stdout: out,
            });
        }
        runs
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(&self.summary).unwrap_or_default()
    }
}

fn step<'r>(runs: &'r [StepRun], name_part: &str) -> &'r StepRun {
    runs.iter()
        .find(|r| r.name.contains(name_part))
        .unwrap_or_else(|| panic!("no step named like `{name_part}`: {runs:#?}"))
}

fn show(runs: &[StepRun]) -> String {
    runs.iter()
        .map(|r| format!("--- {} [{} {:?}]\n{}", r.name, r.outcome, r.code, r.stdout))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The matrix recipe: N part jobs and a merge job. Its scripts run for real: each part's
/// check, as the matrix would start it, then the merge, on a workspace whose break crosses
/// parts; the verdict is the one-run verdict.
#[test]
fn matrix_workflow_splits_and_merges() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-matrix.yml");
    let parts: usize = doc["env"]["SEMGATE_PARTS"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("SEMGATE_PARTS is a number");
    let matrix = &doc["jobs"]["part"]["strategy"]["matrix"]["part"];
    assert_eq!(
        matrix,
        &serde_json::json!((1..=parts).collect::<Vec<_>>()),
        "SEMGATE_PARTS matches the matrix"
    );
    assert_eq!(doc["jobs"]["part"]["strategy"]["fail-fast"], false);
    assert_eq!(doc["jobs"]["merge"]["needs"], "part");
    let part_steps: Vec<Value> = doc["jobs"]["part"]["steps"].as_array().unwrap().clone();
    let merge_steps: Vec<Value> = doc["jobs"]["merge"]["steps"].as_array().unwrap().clone();
    assert_no_piped_semgate(&part_steps);
    assert_no_piped_semgate(&merge_steps);
    let check = run_of(&part_steps[step_running(&part_steps, "--partition")]).to_string();
    let gate = run_of(&merge_steps[step_running(&merge_steps, "--format github")]).to_string();

    // core breaks, app (another crate, in another part) re-exports core's type
    let member = |name: &str, deps: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.1\"\nedition = \"2021\"\n\n[dependencies]\n{deps}")
    };
    let repo = TestRepo::workspace(
        "ci_matrix",
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n",
            ),
            (
                "core/Cargo.toml",
                &member("ci_matrix_core", "").replace("0.1.1", "0.1.0"),
            ),
            (
                "core/src/lib.rs",
                &format!(
                    "pub struct Config;\npub fn f() {{}}\n// {}\n",
                    "x".repeat(2000)
                ),
            ),
            (
                "app/Cargo.toml",
                &member(
                    "ci_matrix_app",
                    "ci_matrix_core = { path = \"../core\", version = \"0.1\" }\n",
                )
                .replace("0.1.1", "0.1.0"),
            ),
            (
                "app/src/lib.rs",
                &format!("pub use ci_matrix_core::Config;\n// {}\n", "x".repeat(3000)),
            ),
        ],
    );
    repo.tag("ci_matrix_core-v0.1.0");
    repo.tag("ci_matrix_app-v0.1.0");
    repo.write(
        "core/src/lib.rs",
        &format!("pub struct Config;\n// {}\n", "x".repeat(2000)),
    );
    repo.write("core/Cargo.toml", &member("ci_matrix_core", ""));
    repo.write(
        "app/Cargo.toml",
        &member(
            "ci_matrix_app",
            "ci_matrix_core = { path = \"../core\", version = \"0.1\" }\n",
        ),
    );
    repo.commit("core breaks in a patch");
    let bash = |script: &str, env: &[(&str, String)]| {
        Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(&repo.dir)
            .env("PATH", path_with(&bin_dir()))
            .env("SEMGATE_TARGET_DIR", common::shared_target())
            .env("SEMGATE_ARGS", "--workspace")
            .env("SEMGATE_PARTS", parts.to_string())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .expect("bash runs")
    };
    for k in 1..=parts {
        let out = bash(&check, &[("PART", k.to_string())]);
        assert!(
            out.status.success(),
            "part {k}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(repo.dir.join(format!("semgate-part-{k}.json")).is_file());
    }
    let out = bash(&gate, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("workspace dependency `ci_matrix_core` has breaking changes"),
        "the break crossed parts: {}",
        stdout(&out)
    );
}

/// A stand-in `semgate` that exits with `code`, in a fresh directory to put first on PATH.
fn fake_semgate(code: i32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("semgate");
    std::fs::write(
        &path,
        format!("#!/bin/sh\necho \"fake semgate $*\" >&2\nexit {code}\n"),
    )
    .expect("write fake");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

/// Steps the test does itself: Rust is installed, and semgate is the binary under test, on
/// PATH (the install step is run for real by its own test).
const PROVIDED: &[&str] = &["rust", "install-semgate"];

/// The install step of both workflows, run for real against this repository: semgate is not on
/// crates.io, so the step installs it from a git URL at a pinned revision. The revision is this
/// checkout's HEAD; the build is kept cheap (no optimisation, a reused target directory) and
/// installed into a temporary root.
#[test]
fn the_install_step_installs_semgate_from_its_repository() {
    if !have_pyyaml() {
        return;
    }
    let scripts: Vec<String> = ["semgate-pr.yml", "semgate-release.yml"]
        .iter()
        .map(|name| {
            let doc = workflow(name);
            let steps = steps(&doc);
            let i = step_running(&steps, "cargo install");
            assert_eq!(steps[i]["id"], "install-semgate");
            run_of(&steps[i]).to_string()
        })
        .collect();
    assert_eq!(
        scripts[0], scripts[1],
        "both workflows install semgate the same way"
    );
    for doc in [workflow("semgate-pr.yml"), workflow("semgate-release.yml")] {
        for var in ["SEMGATE_GIT", "SEMGATE_REV"] {
            assert!(doc["env"][var].is_string(), "workflow env has {var}");
        }
    }
    let root = common::root();
    let head = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "--verify", "HEAD"])
        .output()
        .expect("git runs");
    if !head.status.success() {
        eprintln!(
            "skipped: {} is not a git checkout, so there is no revision to install",
            root.display()
        );
        return;
    }
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let install_root = tempfile::tempdir().expect("tempdir");
    let out = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            &scripts[0],
        ])
        .env("SEMGATE_GIT", format!("file://{}", root.display()))
        .env("SEMGATE_REV", &rev)
        .env("CARGO_INSTALL_ROOT", install_root.path())
        .env("CARGO_TARGET_DIR", root.join("target").join("ci-install"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "the install step failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let installed = install_root.path().join("bin").join("semgate");
    let version = Command::new(&installed)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", installed.display()));
    assert!(version.status.success());
    assert!(
        stdout(&version).starts_with("semgate "),
        "{}",
        stdout(&version)
    );
    assert!(install_root
        .path()
        .join("bin")
        .join("cargo-semgate")
        .is_file());
}

#[test]
fn pull_request_workflow_fails_on_a_refusal_and_passes_a_large_enough_bump() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-pr.yml");
    let repo = released_then_broken("ci_pr", "1.1.0");
    let mut runner = Runner::new(
        &repo.dir,
        serde_json::json!({}),
        PROVIDED,
        path_with(&bin_dir()),
    );
    let runs = runner.run(&doc);
    let gate = step(&runs, "API gate");
    assert_eq!(
        (gate.outcome, gate.code),
        ("failure", Some(1)),
        "{}",
        show(&runs)
    );
    assert!(
        gate.stdout
            .contains("::error file=src/lib.rs,line=1,col=1,title=semgate fn-param-type-changed::"),
        "{}",
        show(&runs)
    );
    let summary = step(&runs, "job summary");
    assert_eq!(
        (summary.outcome, summary.code),
        ("failure", Some(1)),
        "the summary is written after a refusal: {}",
        show(&runs)
    );
    assert!(
        runner
            .summary()
            .starts_with("## ❌ semgate: ci_pr 1.1.0 is too small"),
        "{}",
        runner.summary()
    );
    assert_eq!(
        step(&runs, "Save").outcome,
        "success",
        "the cache is saved after a refusal"
    );

    repo.set_version("ci_pr", "2.0.0");
    repo.commit("2.0.0");
    let mut runner = Runner::new(
        &repo.dir,
        serde_json::json!({}),
        PROVIDED,
        path_with(&bin_dir()),
    );
    let runs = runner.run(&doc);
    assert!(
        runs.iter().all(|r| r.outcome == "success"),
        "{}",
        show(&runs)
    );
    assert!(
        runner
            .summary()
            .starts_with("## ✅ semgate: ci_pr 2.0.0 is large enough"),
        "{}",
        runner.summary()
    );
}

#[test]
fn pull_request_workflow_fails_when_semgate_cannot_decide() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-pr.yml");
    // a crate that does not compile: nothing can be checked
    let repo = TestRepo::new(
        "ci_pr_error",
        "1.0.0",
        "pub fn parse(input: &Undefined) -> u32 { 0 }\n",
    );
    let crashing = fake_semgate(101);
    for (path, code) in [(bin_dir(), 2), (crashing.path().to_path_buf(), 101)] {
        // the build fails (the real binary), or a crash (a stand-in)
        let mut runner = Runner::new(&repo.dir, serde_json::json!({}), PROVIDED, path_with(&path));
        let runs = runner.run(&doc);
        let gate = step(&runs, "API gate");
        assert_eq!(
            (gate.outcome, gate.code),
            ("failure", Some(code)),
            "{}",
            show(&runs)
        );
        if code == 2 {
            assert!(
                gate.stdout
                    .contains("::error title=semgate::semgate could not decide (exit 2)"),
                "{}",
                show(&runs)
            );
        }
    }
}

/// A released crate (v1.0.0, then 1.0.1-dev on main) with a breaking change since, pushed to
/// a bare `origin` as a runner's checkout would have it.
fn release_repo(name: &str) -> (TestRepo, tempfile::TempDir) {
    let repo = TestRepo::new(name, "1.0.0", LIB_V1);
    repo.tag("v1.0.0");
    repo.set_version(name, "1.0.1-dev");
    repo.commit("start 1.0.1-dev");
    repo.write("src/lib.rs", LIB_V2);
    repo.commit("change parse");
    let origin = tempfile::tempdir().expect("tempdir");
    repo.git(&[
        "init",
        "-q",
        "--bare",
        "-b",
        "main",
        origin.path().to_str().expect("utf-8 path"),
    ]);
    repo.git(&[
        "remote",
        "add",
        "origin",
        origin.path().to_str().expect("utf-8 path"),
    ]);
    repo.git(&["push", "-q", "origin", "main", "--tags"]);
    (repo, origin)
}

fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn release_workflow_refuses_a_small_level_and_releases_a_large_enough_one() {
    if !have_pyyaml() {
        return;
    }
    let doc = workflow("semgate-release.yml");
    let (repo, origin) = release_repo("ci_release");
    let before = git_in(origin.path(), &["show-ref"]);

    // minor is too small for a breaking change: stopped at the gate, nothing written or pushed
    let inputs = serde_json::json!({ "bumpLevel": "minor", "publish": false });
    let mut runner = Runner::new(&repo.dir, inputs, PROVIDED, path_with(&bin_dir()));
    let runs = runner.run(&doc);
    assert_eq!(
        runner.outputs["suggest"]
            .get("bumpLevel")
            .map(String::as_str),
        Some("major"),
        "{}",
        show(&runs)
    );
    assert!(step(&runs, "against the suggested")
        .stdout
        .contains("::notice title=semgate::the API changes need a major release"));
    let gate = step(&runs, "Pre-release gate");
    assert_eq!(
        (gate.outcome, gate.code),
        ("failure", Some(1)),
        "{}",
        show(&runs)
    );
    assert!(
        runs.iter()
            .skip_while(|r| r.name != gate.name)
            .skip(1)
            .filter(|r| !r.name.contains("Save"))
            .all(|r| r.outcome == "skipped"),
        "{}",
        show(&runs)
    );
    assert!(repo.read("Cargo.toml").contains("version = \"1.0.1-dev\""));
    assert_eq!(
        git_in(origin.path(), &["show-ref"]),
        before,
        "nothing pushed"
    );

    // major: released as 2.0.0, tagged by `semgate tag`, pushed, a release branch cut from the
    // tag (the project keeps them); main moves to 2.0.1-dev; publishing skipped
    let mut doc = doc;
    doc["env"]["SEMGATE_RELEASE_BRANCH"] = "true".into();
    let inputs = serde_json::json!({ "bumpLevel": "major", "publish": false });
    let mut runner = Runner::new(&repo.dir, inputs, PROVIDED, path_with(&bin_dir()));
    let runs = runner.run(&doc);
    let failed: Vec<&StepRun> = runs.iter().filter(|r| r.outcome == "failure").collect();
    assert!(failed.is_empty(), "{}", show(&runs));
    assert_eq!(step(&runs, "Publish").outcome, "skipped");
    assert_eq!(
        runner.outputs["tag"].get("tags").map(String::as_str),
        Some("v2.0.0")
    );
    assert_eq!(
        git_in(origin.path(), &["rev-parse", "release/v2.0.0"]),
        git_in(origin.path(), &["rev-parse", "v2.0.0^{commit}"]),
        "release/v2.0.0 is cut from the tag"
    );

    let tagged = git_in(origin.path(), &["show", "v2.0.0:Cargo.toml"]);
    assert!(tagged.contains("version = \"2.0.0\""), "{tagged}");
    assert_eq!(
        git_in(origin.path(), &["cat-file", "-t", "v2.0.0"]),
        "tag",
        "an annotated tag"
    );
    let main = git_in(origin.path(), &["show", "main:Cargo.toml"]);
    assert!(main.contains("version = \"2.0.1-dev\""), "{main}");
    assert_eq!(
        git_in(origin.path(), &["rev-parse", "main^"]),
        git_in(origin.path(), &["rev-parse", "v2.0.0^{commit}"]),
        "the dev commit follows the release commit"
    );
    assert_eq!(
        git_in(origin.path(), &["log", "-1", "--format=%s", "main"]),
        "Start 2.0.1-dev"
    );
}

// ------------------------------------------------------------------------------------------
// ci/semgate-gate.sh
// ------------------------------------------------------------------------------------------

fn gate_script() -> PathBuf {
    ci_dir().join("semgate-gate.sh")
}

/// dash when installed (the strictest common sh), else the system's sh.
fn posix_sh() -> &'static str {
    let dash = Command::new("dash")
        .args(["-c", "exit 0"])
        .status()
        .is_ok_and(|s| s.success());
    if dash {
        "dash"
    } else {
        "sh"
    }
}

fn gate(dir: &Path, path: &str, args: &[&str]) -> Output {
    Command::new(posix_sh())
        .arg(gate_script())
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("SEMGATE_TARGET_DIR", common::shared_target())
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("sh runs")
}

#[test]
fn gate_script_is_posix_sh() {
    for shell in ["sh", posix_sh()] {
        let out = Command::new(shell)
            .arg("-n")
            .arg(gate_script())
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{shell} -n: {}", stderr(&out));
    }
    let text = std::fs::read_to_string(gate_script()).expect("read the script");
    assert!(text.starts_with("#!/bin/sh\n"));
    for bashism in [
        "[[",
        "$'",
        "function ",
        "pipefail",
        "local ",
        "source ",
        "$(<",
        "&>",
    ] {
        assert!(
            !text.contains(bashism),
            "a bashism in a POSIX sh script: {bashism}"
        );
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(gate_script())
        .expect("stat")
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "ci/semgate-gate.sh is executable");
}

#[test]
fn gate_script_exits_as_semgate_did() {
    let repo = released_then_broken("ci_gate", "1.1.0");
    let path = path_with(&bin_dir());

    let out = gate(&repo.dir, &path, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("breaking[fn-param-type-changed]"),
        "the report on stdout: {}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("semgate-gate: FAIL: the version bump is too small"),
        "{}",
        stderr(&out)
    );

    repo.set_version("ci_gate", "2.0.0");
    repo.commit("2.0.0");
    // arguments reach semgate; stdout stays the report alone
    let out = gate(&repo.dir, &path, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report: Value =
        serde_json::from_str(&stdout(&out)).expect("stdout is the JSON report alone");
    assert_eq!(report["verdict"], "pass");
    assert!(
        stderr(&out).contains("semgate-gate: PASS"),
        "{}",
        stderr(&out)
    );

    // semgate's own error (an unknown revision): 2
    let out = gate(&repo.dir, &path, &["--baseline-rev", "v9.9.9"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("semgate-gate: ERROR: semgate could not decide"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gate_script_without_semgate_or_after_a_crash_exits_2() {
    let repo = TestRepo::new("ci_gate_missing", "1.0.0", LIB_V1);
    // only git on PATH
    let only_git = tempfile::tempdir().expect("tempdir");
    let git = Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .expect("sh runs");
    std::os::unix::fs::symlink(stdout(&git).trim(), only_git.path().join("git"))
        .expect("symlink git");
    // the shell by its absolute path, since PATH holds nothing but git
    let sh = Command::new("sh")
        .args(["-c", &format!("command -v {}", posix_sh())])
        .output()
        .expect("sh runs");
    let out = Command::new(stdout(&sh).trim())
        .arg(gate_script())
        .current_dir(&repo.dir)
        .env("PATH", only_git.path())
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("semgate is not installed"),
        "{}",
        stderr(&out)
    );

    // whatever else semgate exits with (a panic's 101, a signal's 128+n) is not a pass: 2
    for (code, expected) in [(101, 2), (137, 2), (3, 2), (1, 1), (0, 0)] {
        let fake = fake_semgate(code);
        let out = gate(&repo.dir, &path_with(fake.path()), &["--some-arg"]);
        assert_eq!(
            out.status.code(),
            Some(expected),
            "semgate exiting {code}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("fake semgate check --some-arg"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn gate_script_fetches_tags_in_a_shallow_clone() {
    let repo = released_then_broken("ci_gate_shallow", "2.0.0");
    let tmp = tempfile::tempdir().expect("tempdir");
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", repo.dir.display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&clone)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        git_in(&clone, &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    assert_eq!(
        git_in(&clone, &["tag"]),
        "",
        "a shallow clone has no release tag"
    );

    // the control: semgate alone finds no baseline there
    let out = common::repo::semgate(&clone, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let out = gate(&clone, &path_with(&bin_dir()), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("shallow clone: fetching"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        git_in(&clone, &["rev-parse", "--is-shallow-repository"]),
        "false"
    );
    assert_eq!(git_in(&clone, &["tag"]), "v1.0.0");
}
