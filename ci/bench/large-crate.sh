#!/usr/bin/env bash
# Benchmark on a large real crate pair: time to build each side's rustdoc JSON (the floor,
# cargo + rustdoc) against the time semgate needs to load and diff the two files, with peak
# memory, plus the same crate compared with itself (must give zero findings).
#
# usage: ci/bench/large-crate.sh [crate old new]   (default: aws-sdk-ec2 1.273.0 1.274.0)
# Figures are measured in one run on the same machine; compare them as ratios. With
# SEMGATE_BEFORE=path/to/another/semgate, that binary runs on the same files in the same run
# (interleaved, medians of RUNS runs, default 3, with the load/diff split) and the ratios are
# printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
crate=${1:-aws-sdk-ec2}
old=${2:-1.273.0}
new=${3:-1.274.0}
semgate=${SEMGATE:-$root/target/release/semgate}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}/large
mkdir -p "$work"
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)

# peak RSS (KiB) and wall seconds of a command, via python's resource module
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:] if proc.returncode not in (0, 1) else "")
print(f"{wall:.2f} {peak} {proc.returncode}")
sys.stdout.flush()
PY
}

build_side() { # version -> prints the JSON path
  local v=$1 dir="$work/placeholder-$1"
  mkdir -p "$dir"
  printf '[package]\nname = "bench-placeholder"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n[lib]\npath = "lib.rs"\n[dependencies]\n%s = "=%s"\n[workspace]\n' "$crate" "$v" >"$dir/Cargo.toml"
  : >"$dir/lib.rs"
  local lib=${crate//-/_}
  if [ ! -f "$work/$lib-$v.json" ]; then
    read -r wall peak code < <(cd "$dir" && RUSTC_BOOTSTRAP=1 measure cargo rustdoc -p "$crate@$v" --lib \
      --target-dir "$work/target" -- -Z unstable-options --output-format json --document-hidden-items)
    [ "$code" = 0 ] || { echo "building rustdoc for $crate $v failed" >&2; exit 2; }
    cp "$work/target/doc/$lib.json" "$work/$lib-$v.json"
    echo "build $crate $v: ${wall}s, peak ${peak} KiB" >&2
  fi
  echo "$work/$lib-$v.json"
}

a=$(build_side "$old")
b=$(build_side "$new")
ls -l "$a" "$b" >&2

if [ -n "${SEMGATE_BEFORE:-}" ]; then
  # interleaved runs: medians of wall time and of the load and diff split `-v` prints
  PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$root/ci/bench" python3 - "$SEMGATE_BEFORE" "$semgate" "$a" "$b" "${RUNS:-3}" <<'PY'
import statistics, sys
from semgate_split import run
before, now, a, b, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
res = {"before": [], "now": []}
for _ in range(runs):
    res["before"].append(run(before, a, b))
    res["now"].append(run(now, a, b))
med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in res.items()}
for k, exe in (("before", before), ("now", now)):
    w, l, d = med[k]
    print(f"{k + ':':8}load+diff {w:.2f}s (load {l:.2f}s, diff {d:.2f}s)" + (f"  ({exe})" if k == "before" else ""))
(bw, bl, bd), (nw, nl, nd) = med["before"], med["now"]
print(f"now / before: time {nw/bw:.2f} (load {nl/bl:.2f}, diff {nd/bd:.2f}); medians of {runs} interleaved runs")
PY
  # peak memory, one run each
  read -r _ bp _ < <(measure "$SEMGATE_BEFORE" check --quiet --format json --baseline-rustdoc "$a" --current-rustdoc "$b")
  read -r _ np _ < <(measure "$semgate" check --quiet --format json --baseline-rustdoc "$a" --current-rustdoc "$b")
  python3 -c "import sys; bp,np=map(float,sys.argv[1:]); print(f'peak memory: before {bp:.0f} KiB, now {np:.0f} KiB, now / before {np/bp:.2f}')" "$bp" "$np"
fi

read -r wall peak code < <(measure "$semgate" check --quiet --format json --baseline-rustdoc "$a" --current-rustdoc "$b")
echo "semgate load+diff $old..$new: ${wall}s, peak ${peak} KiB, exit $code"
"$semgate" check --quiet --format json --baseline-rustdoc "$a" --current-rustdoc "$b" >"$work/report.json" || true
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["packages"][0]; print("findings:", len(p["findings"]), "required:", p["required_bump"])' "$work/report.json"

read -r wall peak code < <(measure "$semgate" check --quiet --format json --baseline-rustdoc "$b" --current-rustdoc "$b")
"$semgate" check --quiet --format json --baseline-rustdoc "$b" --current-rustdoc "$b" >"$work/self.json" || true
self=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"][0]["findings"]))' "$work/self.json")
echo "semgate self-compare $new: ${wall}s, peak ${peak} KiB, findings $self"
[ "$self" = 0 ] || { echo "self-compare found $self findings: false alarms"; exit 1; }
