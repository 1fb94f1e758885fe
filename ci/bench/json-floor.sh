#!/usr/bin/env bash
# The floor under semgate's loader on the large-crate pair (issue "speed at the floor", goal 2):
# what any loader built on serde_json and rustdoc-types (the project's chosen parser and model)
# must at least do, against what semgate takes, in one session, runs interleaved.
#
#   validate  serde_json checks both whole files, one thread each, no value built
#   model     every index entry of both files read as semgate's loader reads it (a blanket impl
#             for its member ids, anything else into a retained item), one thread each
#   semgate   `semgate check -v` on the same files: its load and diff split
#
# The JSON files are those ci/bench/large-crate.sh builds (run it first).
# usage: ci/bench/json-floor.sh [crate old new]   (RUNS=n, default 3; SEMGATE=path)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
crate=${1:-aws-sdk-ec2}
old=${2:-1.273.0}
new=${3:-1.274.0}
runs=${RUNS:-3}
semgate=${SEMGATE:-$root/target/release/semgate}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}
lib=${crate//-/_}
a=$work/large/$lib-$old.json
b=$work/large/$lib-$new.json
for f in "$a" "$b"; do
  [ -f "$f" ] || { echo "$f is missing: run ci/bench/large-crate.sh $crate $old $new first" >&2; exit 2; }
done
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
(cd "$root/ci/bench/json-floor" && cargo build --release --locked --quiet --target-dir "$work/json-floor")
floor=$work/json-floor/release/json-floor

PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$root/ci/bench" python3 - "$floor" "$semgate" "$a" "$b" "$runs" <<'PY'
import re, statistics, subprocess, sys
from semgate_split import run
floor, semgate, a, b, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
v, m, load, diff = [], [], [], []
for i in range(runs):
    out = subprocess.run([floor, a, b, "1"], check=True, capture_output=True, text=True).stdout
    if i == 0:
        print(out.split("round")[0].strip())
    r = re.search(r"validate ([0-9.]+) s, model ([0-9.]+) s", out)
    v.append(float(r.group(1))); m.append(float(r.group(2)))
    _, l, d = run(semgate, a, b)
    load.append(l); diff.append(d)
med = statistics.median
print(f"floor, validate only:      {med(v):.2f} s")
print(f"floor, model:              {med(m):.2f} s")
print(f"semgate load:              {med(load):.2f} s ({med(load)/med(m):.2f}x the model floor)")
print(f"semgate diff:              {med(diff):.2f} s")
print(f"semgate load + diff:       {med(load)+med(diff):.2f} s; medians of {runs} interleaved runs")
PY
