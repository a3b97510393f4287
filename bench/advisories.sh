#!/usr/bin/env bash
# Benchmark: dependency advisory checks (issue 4).
#  1. `guardrail check` on a change that rewrites the ruff Cargo.lock (311 packages) vs
#     `cargo audit --no-fetch --db` on the same file and the same RustSec snapshot.
#  2. `guardrail check` on a change adding a 5,000-entry npm package-lock.json against the full
#     shared malicious-packages DB (33k records).
# Usage: bench/advisories.sh [path/to/guardrail]   (default: target/release/guardrail)
# Needs ../shared/data beside the checkout; cargo-audit is optional (skipped when absent).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$here/target/release/guardrail}"
data="$here/../shared/data"
runs="${RUNS:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ms() { # median wall time in ms of "$@" over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "guardrail: $bin"
db="$work/db"
"$bin" db import --db "$db" "$data/rustsec-advisory-db.tar.gz" "$data/osv-malicious.jsonl.gz" >/dev/null
mkdir -p "$work/rsdb" && tar xzf "$data/rustsec-advisory-db.tar.gz" -C "$work/rsdb"

# 1. ruff Cargo.lock rewrite: base has an empty lockfile, head the real one.
repo="$work/ruff"
git init -q -b main "$repo"
git -C "$repo" -c user.email=b@x -c user.name=b commit -q --allow-empty -m base
cp "$data/lockfiles/cargo-ruff-2022-12-29/Cargo.lock" "$repo/Cargo.lock"
git -C "$repo" add -A && git -C "$repo" -c user.email=b@x -c user.name=b commit -q -m lock
# The yanked check keeps a summary of the cargo index cache files it read (one line per crate)
# in its own cache: the first run reads the cache files, later runs one summary file. The
# first run is timed on its own, with an empty summary store, and reported as "cold".
export GUARDRAIL_YANKED_CACHE="$work/yanked-summary"
s=$(date +%s%N)
"$bin" check -C "$repo" --base HEAD~1 --no-ledger --offline --db "$db" --format json >/dev/null 2>&1 || true
cold=$(( ($(date +%s%N) - s) / 1000000 ))
g1=$(ms "$bin" check -C "$repo" --base HEAD~1 --no-ledger --offline --db "$db" --format json)
echo "guardrail check, ruff Cargo.lock rewrite (311 pkgs): ${g1} ms (median of $runs; first run, cold yanked summary: ${cold} ms)"
if command -v cargo-audit >/dev/null 2>&1; then
  a1=$(ms cargo audit --no-fetch --db "$work/rsdb/advisory-db" --file "$repo/Cargo.lock" --json)
  echo "cargo audit --no-fetch, same file and DB:          ${a1} ms (median of $runs)"
  echo "speed-up: $(awk -v a="$a1" -v g="$g1" 'BEGIN { printf "%.1fx", a / (g > 0 ? g : 1) }') (cold first run: $(awk -v a="$a1" -v g="$cold" 'BEGIN { printf "%.1fx", a / (g > 0 ? g : 1) }'))"
else
  echo "cargo-audit not installed: comparison skipped (cargo install cargo-audit --locked)"
fi

# 2. 5,000-entry npm lockfile change against the full malicious DB.
repo2="$work/npm"
git init -q -b main "$repo2"
git -C "$repo2" -c user.email=b@x -c user.name=b commit -q --allow-empty -m base
python3 - "$repo2/package-lock.json" <<'PY'
import json, sys
pk = {"": {"name": "bench", "version": "1.0.0"}}
for i in range(5000):
    n = f"pkg-{i}"
    pk[f"node_modules/{n}"] = {"version": f"1.{i % 50}.0", "resolved": f"https://registry.npmjs.org/{n}/-/{n}-1.0.0.tgz", "integrity": "sha512-" + "A" * 86 + "=="}
json.dump({"name": "bench", "lockfileVersion": 3, "requires": True, "packages": pk}, open(sys.argv[1], "w"), indent=2)
PY
git -C "$repo2" add -A && git -C "$repo2" -c user.email=b@x -c user.name=b commit -q -m lock
g2=$(ms "$bin" check -C "$repo2" --base HEAD~1 --no-ledger --offline --db "$db" --format json)
echo "guardrail check, 5,000-entry package-lock.json vs malicious DB: ${g2} ms (median of $runs, whole run incl. git)"
empty="$work/empty-db"
g3=$(ms "$bin" check -C "$repo2" --base HEAD~1 --no-ledger --offline --db "$empty" --format json)
echo "same change with an empty DB (parse + other checks only):      ${g3} ms"
echo "advisory lookups for 5,000 entries: ~$(( g2 - g3 )) ms"
