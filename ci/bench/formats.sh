#!/usr/bin/env bash
# Load and diff time of one large crate pair in every supported rustdoc JSON format, and the
# cost of converting a format into the model as a ratio to reading the model's own format.
#
# The pair is aws-sdk-ec2 1.120.0 -> 1.121.0 (the newest release pair rustc 1.85 still builds):
# format 37 is built by Debian's rustc 1.85 (/usr/bin/rustc, `apt-get install rustc-web=1.85.*`),
# format 57 by the stable toolchain, formats 58-61 converted from 57 by
# ci/bench/formats-helper (no toolchain installable here emits them). Every format must give
# the same findings. Times are CPU seconds (user + system), the best of RUNS, measured in one
# run: compare them as ratios.
#
# usage: ci/bench/formats.sh [RUNS]    (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
work=${SEMGATE_BENCH_DIR:-$root/target/semgate-bench}/formats
mkdir -p "$work"
semgate=${SEMGATE:-$root/target/release/semgate}
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
helper_target=$root/target/bench-helper
(cd "$root/ci/bench/formats-helper" && cargo build --release --quiet --target-dir "$helper_target")
convert=$helper_target/release/convert-format
load_time=$helper_target/release/load-time
/usr/bin/rustc -V | grep -q '^rustc 1\.85\.' || { echo "needs Debian's rustc 1.85 at /usr/bin/rustc (apt-get install rustc-web=1.85.*)" >&2; exit 2; }

export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
for v in 1.120.0 1.121.0; do
  dir=$work/placeholder-$v
  mkdir -p "$dir"
  printf '[package]\nname = "bench-placeholder"\nversion = "0.0.0"\nedition = "2021"\nrust-version = "1.85"\npublish = false\n[lib]\npath = "lib.rs"\n[dependencies]\naws-sdk-ec2 = "=%s"\n[workspace]\n' "$v" >"$dir/Cargo.toml"
  : >"$dir/lib.rs"
  # one lockfile that rustc 1.85 can build, shared by both toolchains
  [ -f "$dir/Cargo.lock" ] || (cd "$dir" && cargo generate-lockfile --quiet)
  if [ ! -f "$work/ec2-$v-f37.json" ]; then
    (cd "$dir" && RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 cargo rustdoc --quiet -p "aws-sdk-ec2@$v" --lib \
      --target-dir "$work/target-1.85" -- -Z unstable-options --output-format json --document-hidden-items)
    cp "$work/target-1.85/doc/aws_sdk_ec2.json" "$work/ec2-$v-f37.json"
  fi
  if [ ! -f "$work/ec2-$v-f57.json" ]; then
    (cd "$dir" && RUSTC_BOOTSTRAP=1 cargo rustdoc --quiet -p "aws-sdk-ec2@$v" --lib \
      --target-dir "$work/target-stable" -- -Z unstable-options --output-format json --document-hidden-items)
    cp "$work/target-stable/doc/aws_sdk_ec2.json" "$work/ec2-$v-f57.json"
  fi
  for f in 58 59 60 61; do
    [ -f "$work/ec2-$v-f$f.json" ] || "$convert" "$work/ec2-$v-f57.json" "$f" "$work/ec2-$v-f$f.json"
  done
done

python3 - "$semgate" "$load_time" "$work" "$runs" <<'PY'
import json, os, sys
semgate, load_time, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
formats = ["37", "57", "58", "59", "60", "61"]

def cpu(argv):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r); os.dup2(w, 1)
        null = os.open(os.devnull, os.O_WRONLY); os.dup2(null, 2)
        os.execv(argv[0], argv)
    os.close(w)
    out = b""
    while chunk := os.read(r, 1 << 16):
        out += chunk
    os.close(r)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime, out

load, both, findings = {}, {}, {}
for _ in range(runs):
    for f in formats:
        new = f"{work}/ec2-1.121.0-f{f}.json"
        t, _ = cpu([load_time, "1", new])
        load[f] = min(load.get(f, 1e9), t)
        t, out = cpu([semgate, "check", "--quiet", "--format", "json",
                      "--baseline-rustdoc", f"{work}/ec2-1.120.0-f{f}.json", "--current-rustdoc", new])
        both[f] = min(both.get(f, 1e9), t)
        report = json.loads(out)["packages"][0]["findings"]
        findings[f] = sorted(json.dumps(x, sort_keys=True) for x in report)
print("format  file MB  load one side (s)  vs 61  load+diff pair (s)  vs 61  findings")
for f in formats:
    mb = os.path.getsize(f"{work}/ec2-1.121.0-f{f}.json") / 1e6
    print(f"{f:>6}  {mb:7.0f}  {load[f]:17.2f}  {load[f]/load['61']:5.2f}  {both[f]:18.2f}  {both[f]/both['61']:5.2f}  {len(findings[f])}")
same = all(findings[f] == findings["57"] for f in formats)
print("same findings (spans and signatures included) in every format:", same)
sys.exit(0 if same else 1)
PY
