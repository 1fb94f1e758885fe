#!/usr/bin/env bash
# Runs semgate on consecutive releases of well-known crates from crates.io, and on each release
# against itself, to find false alarms. A self-pair must give zero findings; every release pair's
# findings are printed for review (see the issue notes for what was reviewed and fixed).
#
# usage: ci/bench/real-crates.sh [semgate binary]   (default: target/release/semgate)
#        ONLY="chrono url" ci/bench/real-crates.sh ...   runs only the pairs of those crates
# Needs network access to crates.io through cargo. Takes a few minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${1:-$root/target/release/semgate}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}
mkdir -p "$work"

# crate old new
pairs=(
  "semver 1.0.22 1.0.23"
  "itoa 1.0.10 1.0.11"
  "clap_lex 0.7.0 0.7.1"
  "memchr 2.7.1 2.7.2"
  "anyhow 1.0.80 1.0.81"
  "log 0.4.20 0.4.21"
  "either 1.10.0 1.11.0"
  "smallvec 1.13.1 1.13.2"
  "once_cell 1.19.0 1.20.1"
  "bytes 1.5.0 1.6.1"
  "strsim 0.10.0 0.11.0"
  "unicode-width 0.1.11 0.1.12"
  "lazy_static 1.4.0 1.5.0"
  "bitflags 1.3.2 2.0.0"
  "base64 0.21.7 0.22.0"
  "heck 0.4.1 0.5.0"
  "hex 0.4.2 0.4.3"
  "fnv 1.0.6 1.0.7"
  "ryu 1.0.16 1.0.17"
  "arrayvec 0.7.4 0.7.6"
  "indexmap 2.2.5 2.2.6"
  "regex-syntax 0.8.2 0.8.3"
  "serde_json 1.0.114 1.0.115"
  "thiserror 1.0.57 1.0.58"
  "regex 1.10.3 1.10.4"
  "syn 2.0.52 2.0.53"
  "serde 1.0.197 1.0.198"
  "hashbrown 0.14.3 0.14.5"
  "chrono 0.4.34 0.4.35"
  "tokio 1.36.0 1.37.0"
  "uuid 1.6.1 1.7.0"
  "url 2.4.1 2.5.0"
  "http 1.0.0 1.1.0"
  "nom 7.1.2 7.1.3"
  "tempfile 3.8.0 3.10.1"
  "proc-macro2 1.0.70 1.0.79"
  "quote 1.0.33 1.0.35"
  "time 0.3.30 0.3.34"
  "futures-core 0.3.29 0.3.30"
  "walkdir 2.4.0 2.5.0"
  "itertools 0.12.0 0.12.1"
  "rand 0.8.4 0.8.5"
  # maps and caches with a defaulted hasher or allocator parameter
  "dashmap 5.5.0 5.5.3"
  "lru 0.12.0 0.12.1"
  "hashbrown 0.12.3 0.13.1"
  "indexmap 1.9.2 1.9.3"
  "ahash 0.8.6 0.8.7"
  "im 15.0.0 15.1.0"
  "petgraph 0.6.3 0.6.4"
  # async traits and futures
  "tower-service 0.3.2 0.3.3"
  "tower-layer 0.3.1 0.3.2"
  "futures-util 0.3.31 0.3.32"
  "async-channel 2.1.0 2.1.1"
  "event-listener 4.0.0 4.0.3"
  "async-trait 0.1.74 0.1.77"
  # exported symbols (#[no_mangle] / #[export_name], or macros that write them)
  "getrandom 0.2.11 0.2.12"
  "libz-rs-sys 0.2.0 0.2.1"
  "rustls-ffi 0.12.1 0.12.2"
  # very deep generic nesting
  "typenum 1.16.0 1.17.0"
  "generic-array 0.14.6 0.14.7"
  "frunk_core 0.4.1 0.4.2"
  "combine 4.6.6 4.6.7"
  "winnow 0.5.30 0.5.31"
  # other common shapes
  "crossbeam-channel 0.5.8 0.5.9"
  "parking_lot 0.12.1 0.12.2"
  "rayon 1.8.0 1.8.1"
  "num-traits 0.2.17 0.2.18"
  "slab 0.4.8 0.4.9"
)

status=0
rm -f "$work/breaking.txt.tmp"
printf '%-14s %-20s %5s %5s %5s  %-8s %s\n' crate pair break add note required self-pair
for line in "${pairs[@]}"; do
  read -r crate old new <<<"$line"
  # ONLY="chrono url ...": just these crates (e.g. to compare two builds of semgate quickly)
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $crate "* ]]; then continue; fi
  pkg="$work/pkg-$crate"
  mkdir -p "$pkg/src"
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[workspace]\n' "$crate" >"$pkg/Cargo.toml"
  : >"$pkg/src/lib.rs"
  run() {
    "$semgate" suggest --quiet --format json --manifest-path "$pkg/Cargo.toml" --target-dir "$work/target" \
      --baseline-version "$1" --current-version "$2"
  }
  if ! report=$(run "$old" "$new" 2>"$work/$crate.err"); then
    printf '%-14s %-20s could not decide: %s\n' "$crate" "$old..$new" "$(head -c 200 "$work/$crate.err" | tr '\n' ' ')"
    status=1
    continue
  fi
  echo "$report" >"$work/$crate-$old-$new.json"
  counts=$(python3 -c '
import json, sys
p = json.load(sys.stdin)["packages"][0]
c = {"breaking": 0, "additive": 0, "patch": 0}
for f in p["findings"]:
    c[f["change"]] += 1
print(c["breaking"], c["additive"], c["patch"], p["required_bump"])' <<<"$report")
  self=$(run "$new" "$new" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"][0]["findings"]))')
  read -r b a n req <<<"$counts"
  verdict=ok
  if [ "$self" != 0 ]; then verdict="FAIL ($self findings)"; status=1; fi
  printf '%-14s %-20s %5s %5s %5s  %-8s %s\n' "$crate" "$old..$new" "$b" "$a" "$n" "$req" "$verdict"
  # every breaking finding, for review (see the issue notes for the judgement of each)
  python3 -c '
import json, sys
found = [f for f in json.load(sys.stdin)["packages"][0]["findings"] if f["change"] == "breaking"]
if found:
    print(sys.argv[1])
for f in found:
    print("    " + f["rule"] + ": " + f["message"])' "$crate $old..$new" <<<"$report" >>"$work/breaking.txt.tmp" || true
done
echo "reports: $work/<crate>-<old>-<new>.json"
mv "$work/breaking.txt.tmp" "$work/breaking.txt" 2>/dev/null || true
echo "breaking findings, per pair: $work/breaking.txt"
exit $status
