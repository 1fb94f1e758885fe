#!/usr/bin/env bash
# How semgate's cost grows with the size of a workspace: generated workspaces of 10, 50 and 200
# small crates (each depends on the one before it, so chains run through the workspace),
# released at v0.1.0, then every crate gains a function. For each size:
#   cold   `semgate check --workspace` with empty target and cache directories
#   warm   the same check again, nothing changed (every side from the cache)
#   warm+1 one crate's source changed (one current side rebuilt)
#   split  the cold run as N partitions run one after the other, plus `semgate merge`
# and, for scale, one `cargo doc` of the whole workspace's current side (the rustdoc work).
# Prints wall times and the per-member figures.
#
# usage: ci/bench/scale.sh [SIZES...]      (default: 10 50 200)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
semgate=${SEMGATE:-$root/target/release/semgate}
[ -x "$semgate" ] || (cd "$root" && cargo build --release --locked)
sizes=("${@:-10 50 200}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
partitions=${SEMGATE_BENCH_PARTITIONS:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

generate() { # dir, members
  local dir=$1 n=$2 i
  mkdir -p "$dir"
  (
    cd "$dir"
    git init -q -b main
    printf '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nversion = "0.1.0"\nedition = "2021"\n' > Cargo.toml
    for i in $(seq 1 "$n"); do
      mkdir -p "crates/c$i/src"
      if [ "$i" -gt 1 ]; then dep="scale_c$((i - 1)) = { path = \"../c$((i - 1))\" }"; else dep=""; fi
      printf '[package]\nname = "scale_c%s"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[dependencies]\n%s\n' "$i" "$dep" > "crates/c$i/Cargo.toml"
      printf 'pub struct Item%s { pub value: u32 }\npub fn make(v: u32) -> Item%s { Item%s { value: v } }\npub trait Describe { fn describe(&self) -> String; }\nimpl Describe for Item%s { fn describe(&self) -> String { format!("{}", self.value) } }\n' "$i" "$i" "$i" "$i" > "crates/c$i/src/lib.rs"
    done
    printf '/target\n' > .gitignore
    cargo generate-lockfile --offline -q
    git add -A && git commit -qm "0.1.0" && git tag v0.1.0
    for i in $(seq 1 "$n"); do printf 'pub fn added() {}\n' >> "crates/c$i/src/lib.rs"; done
    sed -i 's/^version = "0.1.0"/version = "0.2.0"/' Cargo.toml
    cargo generate-lockfile --offline -q
    git commit -qam "0.2.0: every crate gains a function"
  )
}

run() { # dir, args... -> prints seconds
  local dir=$1; shift
  local start
  start=$(now)
  (cd "$dir" && "$semgate" "$@" -q > /dev/null 2>&1) || [ $? -le 1 ]
  secs "$start" "$(now)"
}

printf '%-8s %-10s %-10s %-10s %-12s %-12s %-14s\n' members cold warm warm+1 split+merge "cargo doc" "cold/member"
for n in "${sizes[@]}"; do
  dir=$work/ws$n
  generate "$dir" "$n"
  export SEMGATE_TARGET_DIR=$work/target$n
  cold=$(run "$dir" check --workspace -p 'scale_*')
  warm=$(run "$dir" check --workspace -p 'scale_*')
  printf 'pub fn again() {}\n' >> "$dir/crates/c1/src/lib.rs"
  warm1=$(run "$dir" check --workspace -p 'scale_*')
  # the partitioned run: fresh caches, N jobs one after the other, then the merge
  export SEMGATE_TARGET_DIR=$work/split$n
  split_start=$(now)
  for k in $(seq 1 "$partitions"); do
    (cd "$dir" && "$semgate" check --workspace -p 'scale_*' --partition "$k/$partitions" --format json -q > "$work/part$n-$k.json" 2>/dev/null) || true
  done
  (cd "$dir" && "$semgate" merge "$work"/part"$n"-*.json -q > /dev/null 2>&1) || true
  split=$(secs "$split_start" "$(now)")
  doc_start=$(now)
  (cd "$dir" && RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="-Zunstable-options --output-format json" cargo doc --no-deps --lib --workspace -q --target-dir "$work/doc$n" 2>/dev/null)
  doc=$(secs "$doc_start" "$(now)")
  printf '%-8s %-10.2f %-10.2f %-10.2f %-12.2f %-12.2f %-14.3f\n' "$n" "$cold" "$warm" "$warm1" "$split" "$doc" "$(echo "$cold / $n" | bc -l)"
done
