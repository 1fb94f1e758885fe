#!/usr/bin/env bash
# Proof by witness (check --prove), measured over the fixture suite: the share of breaking
# findings proven, disproven, template bugs and without template (by rule), and the wall time
# of proving a fixture (its witnesses checked against both sides) against one `cargo check` of
# its crate, cold (fresh target directories) and warm.
#
# usage: ci/bench/prove.sh        Takes a few minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo test --test prove -- --ignored --nocapture measure_outcomes_and_cost 2>&1 \
  | grep -v '^running\|^test \|^$'
