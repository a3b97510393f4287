#!/bin/sh
# Typosquat evaluation with the release build: false positives (top 5,000 per list, tail
# packages), recall per technique on generated typosquats and on the real OSV MAL-* names
# (heuristics only), and the speed of 1,000 offline checks in fresh processes, list loading
# included (median of RUNS runs, default 21). ONLY=speed: the speed part alone; ONLY=real: the
# real malicious / real less-popular evaluation alone (bench/typosquat-real/).
#
# bench/typosquat-bench.rs is compiled in a scratch crate that depends on this checkout, so the
# test-only dev-dependencies are not built in release. Needs ../shared/data (or SHARED_DATA).
# Build artefacts go to $CARGO_TARGET_DIR (default /tmp/reltarget, shared with the release build).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_DATA:-$ROOT/../shared/data}
RUNS=${RUNS:-21}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/reltarget}"
SCRATCH=${TMPDIR:-/tmp}/guardrail-typosquat-bench
mkdir -p "$SCRATCH"
cat > "$SCRATCH/Cargo.toml" <<TOML
[package]
name = "typosquat-bench"
version = "0.0.0"
edition = "2021"
publish = false

[[bin]]
name = "typosquat-bench"
path = "$ROOT/bench/typosquat-bench.rs"

[dependencies]
guardrail = { path = "$ROOT" }
flate2 = "1"
serde_json = { version = "1", features = ["preserve_order"] }
strsim = "0.11"

# The same as the main crate's, so the dependencies' release artefacts are shared.
[profile.release]
lto = "thin"
codegen-units = 16
strip = "symbols"

[workspace]
TOML
cp "$ROOT/Cargo.lock" "$SCRATCH/Cargo.lock"
cargo build --release --quiet --manifest-path "$SCRATCH/Cargo.toml"
# A copy: another checkout's run of this script may rebuild the one in the target dir.
BIN="$SCRATCH/typosquat-bench"
cp "$CARGO_TARGET_DIR/release/typosquat-bench" "$BIN"

echo "# guardrail typosquat evaluation ($(date -u +%Y-%m-%dT%H:%MZ), release build, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
# ONLY=real: the real-data part alone (bench/typosquat-real/); ONLY=speed skips the
# false-positive and recall part.
if [ "${ONLY:-}" = real ]; then
    "$BIN" real
    exit 0
fi
if [ "${ONLY:-}" != speed ]; then
    "$BIN" eval "$SHARED"
fi

echo
echo "## Speed: 1,000 added names checked offline, fresh process each run, list loading included"
echo "(CPU: the thread's run time from /proc/thread-self/schedstat; wall time counts other processes' slices on a loaded machine)"
"$BIN" names "$SCRATCH/names.txt"
python3 - "$BIN" "$SCRATCH/names.txt" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
bin_, names, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows, proc = [], []
for _ in range(runs):
    rows.append(subprocess.run([bin_, "speed", names], check=True, capture_output=True, text=True).stdout.split())
    t = time.perf_counter()
    subprocess.run([bin_, "speed", names, "--once"], check=True, capture_output=True)
    proc.append((time.perf_counter() - t) * 1e3)
flagged = rows[0][0]
def med(i):
    vals = [float(r[i]) for r in rows if r[i] != "-"]
    return f"{statistics.median(vals):.2f}" if vals else "n/a"
print(f"runs: {runs}; names flagged: {flagged}")
print(f"in-process, first pass (list loading + 1,000 checks): median {med(1)} ms wall, {med(2)} ms CPU")
print(f"in-process, second pass (lists loaded, 1,000 checks):  median {med(3)} ms wall, {med(4)} ms CPU")
print(f"whole process (exec, read the 1,000 names, load + check them once, exit): median {statistics.median(proc):.2f} ms wall, min {min(proc):.2f} ms")
PY
echo
echo "## Where the time of those checks goes (lists loaded, best of 5 passes over the 1,000 names)"
"$BIN" phases "$SCRATCH/names.txt"
