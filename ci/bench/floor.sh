#!/usr/bin/env bash
# The floor for small crates (issue "speed at the floor", goal 1): semgate against the rustdoc
# build it cannot avoid, on the bundled example (fixtures/example: a small crate, two sides).
#
#   rustdoc   one `cargo rustdoc` of the current side to JSON, cold (fresh target directory)
#   cold      `semgate check` of the pair, fresh target and cache directories: both sides
#             are built (in parallel), loaded and diffed
#   warm      the baseline is cached and the current side was edited: semgate must rebuild
#             the current side only; compared with a warm `cargo rustdoc` after the same edit
#
# Every figure is the median of RUNS runs (default 5), taken in one session, sequentially,
# and reported as a ratio or a difference against the rustdoc run it needs; where
# cargo-semver-checks is installed, its cold run on the same two directories is shown too.
#
# usage: ci/bench/floor.sh   (SEMGATE=path/to/semgate, RUNS=n)
# With SEMGATE_BEFORE=path/to/another/semgate, that binary's cold and warm runs are interleaved
# with these (same session, run by run), so the two are compared under the same load.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${SEMGATE:-$root/target/release/semgate}
runs=${RUNS:-5}
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/fixtures/example/old" "$root/fixtures/example/new" "$work/"

now() { date +%s.%N; }
# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# seconds a command takes (its output discarded; exit status 0 or 1 accepted)
timed() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "failed: $*" >&2; exit 2; }
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
rustdoc_json() { # dir target
  (cd "$1" && RUSTC_BOOTSTRAP=1 cargo rustdoc --lib --quiet --target-dir "$2" -- -Z unstable-options --output-format json)
}
edit() { echo "// edit $RANDOM$RANDOM" >>"$work/new/src/lib.rs"; }

before=${SEMGATE_BEFORE:-}
check() { # binary target-dir
  timed "$1" check --quiet --manifest-path "$work/new/Cargo.toml" --baseline-path "$work/old" --target-dir "$2"
}
rd_cold=() sg_cold=() rd_warm=() sg_warm=() csc=() b_cold=() b_warm=()
for i in $(seq "$runs"); do
  rd_cold+=("$(timed rustdoc_json "$work/new" "$work/rd-$i")")
  sg_cold+=("$(check "$semgate" "$work/sg-$i")")
  [ -z "$before" ] || b_cold+=("$(check "$before" "$work/sgb-$i")")
done
for i in $(seq "$runs"); do
  edit
  rd_warm+=("$(timed rustdoc_json "$work/new" "$work/rd-1")")
  edit
  sg_warm+=("$(check "$semgate" "$work/sg-1")")
  if [ -n "$before" ]; then
    edit
    b_warm+=("$(check "$before" "$work/sgb-1")")
  fi
done
if cargo semver-checks --version >/dev/null 2>&1; then
  for i in $(seq "$runs"); do
    csc+=("$(timed cargo semver-checks --manifest-path "$work/new/Cargo.toml" --baseline-root "$work/old" --target-dir "$work/csc-$i")")
  done
fi

rc=$(median "${rd_cold[@]}") sc=$(median "${sg_cold[@]}")
rw=$(median "${rd_warm[@]}") sw=$(median "${sg_warm[@]}")
printf 'one cargo rustdoc, cold     %.3f s\n' "$rc"
printf 'semgate check, cold         %.3f s   %.2fx one cargo rustdoc (target <= 1.2x)\n' "$sc" "$(echo "$sc / $rc" | bc -l)"
printf 'one cargo rustdoc, warm     %.3f s\n' "$rw"
printf 'semgate check, warm         %.3f s   +%.0f ms over that cargo rustdoc (target <= 50 ms)\n' "$sw" "$(echo "($sw - $rw) * 1000" | bc -l)"
if [ -n "$before" ]; then
  bc_=$(median "${b_cold[@]}") bw=$(median "${b_warm[@]}")
  printf 'before: cold %.3f s (%.2fx), warm %.3f s (+%.0f ms)   (%s)\n' "$bc_" "$(echo "$bc_ / $rc" | bc -l)" \
    "$bw" "$(echo "($bw - $rw) * 1000" | bc -l)" "$before"
fi
if [ ${#csc[@]} -gt 0 ]; then
  cs=$(median "${csc[@]}")
  printf 'cargo semver-checks, cold   %.3f s   %.2fx one cargo rustdoc\n' "$cs" "$(echo "$cs / $rc" | bc -l)"
fi
echo "(medians of $runs runs, $(nproc) cores, $(rustc -V))"
