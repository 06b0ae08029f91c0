#!/usr/bin/env bash
# Benchmark: plimsoll on 1,000 generated charts and on one chart, against helm lint on the same
# charts in the same run. usage: scripts/bench.sh [N_CHARTS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${2:-5}
cargo build --release --quiet
helm=$(bash scripts/get-helm.sh 2>/dev/null || true)
python3 scripts/gen-corpus.py bench-out/corpus "$n" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "plimsoll $(target/release/plimsoll --version | cut -d' ' -f2), ${helm:+$("$helm" version --short)}"
echo "findings on the corpus: $(target/release/plimsoll lint bench-out/corpus --format compact --fail-on never | wc -l)"
echo
python3 scripts/bench.py target/release/plimsoll "$helm" bench-out/corpus charts-under-test/good "$runs"
