#!/usr/bin/env bash
# Times semgate on crates whose public paths grow exponentially: n modules, each re-exporting
# the next twice (`pub use crate::m{i+1} as a; pub use crate::m{i+1} as b;`), so the deepest
# items have 2^n paths. Before paths were bounded per item, n=16 took 6 s, n=18 26 s and n=20
# 129 s / 3.8 GB; now each stays well under a second.
#
# usage: ci/bench/reexport-doubling.sh [semgate binary] [n...]   (default: target/release/semgate 16 18 20)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${1:-$root/target/release/semgate}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(16 18 20)
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}/doubling
mkdir -p "$work"

printf '%4s %10s %12s\n' n seconds peak-KiB
for n in "${sizes[@]}"; do
  dir="$work/n$n"
  mkdir -p "$dir/src"
  printf '[package]\nname = "doubling%s"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[workspace]\n' "$n" >"$dir/Cargo.toml"
  python3 - "$n" >"$dir/src/lib.rs" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"pub mod m{i} {{")
    if i + 1 < n:
        print(f"    pub use crate::m{i+1} as a;\n    pub use crate::m{i+1} as b;")
    print(f"    pub struct S{i};\n    pub fn f{i}() {{}}\n}}")
PY
  (cd "$dir" && RUSTC_BOOTSTRAP=1 cargo rustdoc -q --lib -- -Z unstable-options --output-format json)
  json="$dir/target/doc/doubling$n.json"
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$semgate" check --quiet --proposed 0.1.0 \
    --baseline-rustdoc "$json" --current-rustdoc "$json" >/dev/null
  read -r secs kib <"$dir/time.txt"
  printf '%4s %10s %12s\n' "$n" "$secs" "$kib"
done
