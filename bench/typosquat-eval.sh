#!/bin/sh
# Typosquat evaluation: false positives (top 5,000 per list, tail packages), recall per technique
# on generated typosquats and on the real OSV MAL-* names (heuristics only), list load time and
# the speed of 1,000 offline checks. Needs ../shared/data. Pass --release for timing numbers.
set -eu
cd "$(dirname "$0")/.."
cargo test ${1:-} --test it typosquat::eval -- --ignored --nocapture --exact
