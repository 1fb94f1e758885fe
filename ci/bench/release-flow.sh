#!/usr/bin/env bash
# The whole release of a three-crate shared-version workspace through the release recipe's
# steps, timed: suggest -> check --release -> bump -> commit + tag --execute -> bump --dev.
# main sits at 0.4.1-dev after the v0.4.0 release, and core gained a function since (additive).
# Every step's output is printed with the time it took, so the run doubles as a walkthrough.
# The crates are publishable (the release gate asks crates.io whether a version is taken), so
# it needs crates.io, as a real release does.
#
# usage: ci/bench/release-flow.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${SEMGATE:-$root/target/release/semgate}
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/flow
export SEMGATE_TARGET_DIR=$work/target
export GIT_AUTHOR_NAME=release GIT_AUTHOR_EMAIL=release@example.com
export GIT_COMMITTER_NAME=release GIT_COMMITTER_EMAIL=release@example.com
export CARGO_TERM_COLOR=never

mkdir -p "$repo"/crates/{core,mid,app}/src
cd "$repo"
git init -q -b main
root_manifest() {
  printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nversion = "%s"\nedition = "2021"\n\n[workspace.dependencies]\nsemgate_bench_flow_core = { path = "crates/core", version = "%s" }\nsemgate_bench_flow_mid = { path = "crates/mid", version = "%s" }\n' "$1" "$2" "$2" > Cargo.toml
}
member() { # name, dependencies
  printf '[package]\nname = "%s"\nversion.workspace = true\nedition.workspace = true\ndescription = "a semgate benchmark crate"\nlicense = "MIT"\n\n[dependencies]\n%s' "$1" "$2" > "crates/${1#semgate_bench_flow_}/Cargo.toml"
}
root_manifest 0.4.0 0.4.0
member semgate_bench_flow_core ""
member semgate_bench_flow_mid $'semgate_bench_flow_core.workspace = true\n'
member semgate_bench_flow_app $'semgate_bench_flow_mid.workspace = true\n'
printf 'pub fn parse(s: &str) -> usize { s.len() }\n' > crates/core/src/lib.rs
printf 'pub fn describe(s: &str) -> usize { semgate_bench_flow_core::parse(s) }\n' > crates/mid/src/lib.rs
printf 'pub fn run(s: &str) -> usize { semgate_bench_flow_mid::describe(s) }\n' > crates/app/src/lib.rs
printf '/target\n' > .gitignore
cargo generate-lockfile --offline -q
git add -A && git commit -qm "Release 0.4.0" && git tag -a -m "Release v0.4.0" v0.4.0
root_manifest 0.4.1-dev 0.4.1-dev
cargo generate-lockfile --offline -q
git commit -qam "Start 0.4.1-dev"
printf 'pub fn parse(s: &str) -> usize { s.len() }\npub fn parse_all(s: &[&str]) -> usize { s.len() }\n' > crates/core/src/lib.rs
git commit -qam "core: parse_all"

step() { # title, command...
  local title=$1; shift
  local start end
  start=$(date +%s.%N)
  printf '\n$ %s\n' "$*"
  set +e
  "$@" 2>"$work/stderr" >"$work/stdout"
  local code=$?
  set -e
  sed 's/^/    /' "$work/stderr" "$work/stdout"
  end=$(date +%s.%N)
  printf '  -> %s: exit %s in %.2f s\n' "$title" "$code" "$(echo "$end - $start" | bc)"
  [ "$code" -eq 0 ] || exit "$code"
}

step "suggest (cold: builds both sides of every crate)" "$semgate" suggest --workspace
level=$(cat "$work/stdout")
step "pre-release gate" "$semgate" check --workspace --bump "$level" --release --color never
step "bump" "$semgate" bump "$level"
step "commit" git commit -qam "Release $("$semgate" version)"
step "tag" "$semgate" tag --execute
step "next development version" "$semgate" bump --dev
step "commit" git commit -qam "Start $("$semgate" version)"
printf '\n$ git log --oneline --decorate\n'
git log --oneline --decorate | sed 's/^/    /'
