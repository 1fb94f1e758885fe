#!/usr/bin/env bash
# Benchmark on a real multi-crate workspace: the regex workspace (regex-syntax, regex-automata,
# regex), rebuilt from its crates.io releases as a git repository with per-crate tags at the old
# releases and the next releases committed on top. Runs `semgate check --workspace` cold and
# warm, reporting wall time, build overlap (how much ran in parallel) and peak memory.
#
# usage: ci/bench/workspace.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${SEMGATE:-$root/target/release/semgate}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}/workspace
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
old=("regex-syntax 0.8.2" "regex-automata 0.4.5" "regex 1.10.3")
new=("regex-syntax 0.8.3" "regex-automata 0.4.6" "regex 1.10.4")

# the published sources of name@version, fetched by cargo into its registry cache
source_of() {
  local name=$1 version=$2 probe="$work/probe-$1-$2"
  mkdir -p "$probe"
  printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "lib.rs"\n[dependencies]\n%s = "=%s"\n[workspace]\n' "$name" "$version" >"$probe/Cargo.toml"
  : >"$probe/lib.rs"
  (cd "$probe" && cargo fetch -q)
  ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" | head -n 1
}

# lays out one release set as the workspace; crates.io manifests point at each other by version,
# [patch.crates-io] makes them use the workspace's own copies
layout() {
  local repo=$1; shift
  rm -rf "${repo:?}"/crates
  mkdir -p "$repo/crates"
  local patch="[patch.crates-io]"
  for entry in "$@"; do
    read -r name version <<<"$entry"
    cp -r "$(source_of "$name" "$version")" "$repo/crates/$name"
    rm -f "$repo/crates/$name/Cargo.toml.orig" "$repo/crates/$name/.cargo_vcs_info.json"
    patch="$patch"$'\n'"$name = { path = \"crates/$name\" }"
  done
  printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n%s\n' "$patch" >"$repo/Cargo.toml"
}

repo="$work/regex-workspace"
rm -rf "$repo"
mkdir -p "$repo"
git -C "$repo" init -q -b main
layout "$repo" "${old[@]}"
(cd "$repo" && cargo generate-lockfile -q)
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@localhost commit -q -m "old releases"
for entry in "${old[@]}"; do
  read -r name version <<<"$entry"
  git -C "$repo" tag "$name-v$version"
done
layout "$repo" "${new[@]}"
(cd "$repo" && cargo generate-lockfile -q)
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@localhost commit -q -m "new releases"

for run in cold warm; do
  [ "$run" = cold ] && rm -rf "$repo/target"
  /usr/bin/time -f "$run: %e s wall, peak %M KiB" "$semgate" check --workspace --manifest-path "$repo/Cargo.toml" --color never \
    >"$work/report-$run.txt" 2>"$work/stderr-$run.txt" || true
  grep -E "Finished|wall" "$work/stderr-$run.txt"
done
grep -E "^Summary|verdict|changes" "$work/report-warm.txt"
