#!/usr/bin/env bash
# check --prove on release pairs of real crates with breaking changes: the outcome of each
# breaking finding's witness (proven / disproven / template-bug / no-template / unchecked), the
# probes' findings, and the wall time of the proving step against one `cargo check` of the new
# release (a fresh target directory, like the one proving uses on its first run).
#
# The ratio is cold proving over a cold check of the new release; proving also builds the
# baseline's dependencies, which may be heavier (semver 0.11 pulls in pest). Crates without a
# witness to compile show "-".
#
# usage: ci/bench/prove-real-crates.sh [semgate binary]   (default: target/debug/semgate)
# Needs crates.io through cargo.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${1:-$root/target/debug/semgate}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench-prove}
mkdir -p "$work"

pairs=(
  "bitflags 1.3.2 2.0.0"
  "base64 0.21.7 0.22.0"
  "heck 0.4.1 0.5.0"
  "strsim 0.10.0 0.11.0"
  "itoa 0.4.8 1.0.0"
  "semver 0.11.0 1.0.0"
  "smallvec 0.6.14 1.0.0"
)

printf '%-10s %-16s %-40s %8s %8s %8s %6s\n' crate pair outcomes prove warm check ratio
for line in "${pairs[@]}"; do
  read -r crate old new <<<"$line"
  pkg="$work/pkg-$crate"
  mkdir -p "$pkg/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[package.metadata.semgate]\nprove = true\n\n[workspace]\n' "$crate" >"$pkg/Cargo.toml"
  : >"$pkg/src/lib.rs"
  rm -rf "$work/target/prove"
  report=$("$semgate" suggest --format json --manifest-path "$pkg/Cargo.toml" --target-dir "$work/target" \
    --baseline-version "$old" --current-version "$new" 2>"$work/$crate.err") || {
    printf '%-10s %-16s failed: %s\n' "$crate" "$old..$new" "$(tail -c 300 "$work/$crate.err" | tr '\n' ' ')"
    continue
  }
  echo "$report" >"$work/$crate-$old-$new.json"
  outcomes=$(python3 -c '
import json, sys, collections
p = json.load(sys.stdin)["packages"][0]
c = collections.Counter(f["witness"]["outcome"] for f in p["findings"] if f["change"] == "breaking" and "witness" in f)
print(",".join(f"{k}={v}" for k, v in sorted(c.items())) or "none")' <<<"$report")
  prove=$(sed -n 's/.*Proved .* in \([0-9.]*\)s$/\1/p' "$work/$crate.err" | tail -1)
  # again, warm: the dependency builds are kept in <target>/prove
  "$semgate" suggest --format json --manifest-path "$pkg/Cargo.toml" --target-dir "$work/target" \
    --baseline-version "$old" --current-version "$new" >/dev/null 2>"$work/$crate.warm.err" || true
  warm=$(sed -n 's/.*Proved .* in \([0-9.]*\)s$/\1/p' "$work/$crate.warm.err" | tail -1)
  # one cargo check of the new release, cold
  chk="$work/check-$crate"
  rm -rf "$chk" && mkdir -p "$chk/src" && : >"$chk/src/lib.rs"
  printf '[package]\nname = "check-%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s = "=%s"\n\n[workspace]\n' "$crate" "$crate" "$new" >"$chk/Cargo.toml"
  start=$(date +%s.%N)
  cargo check --quiet --manifest-path "$chk/Cargo.toml" --target-dir "$chk/target"
  check=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
  ratio=$(python3 -c "print(f'{float(\"${prove:-0}\") / max($check, 0.01):.1f}x')")
  printf '%-10s %-16s %-40s %7ss %7ss %7ss %6s\n' "$crate" "$old..$new" "$outcomes" "${prove:--}" "${warm:--}" "$check" "$ratio"
done
