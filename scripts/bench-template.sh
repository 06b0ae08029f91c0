#!/usr/bin/env bash
# Times `plimsoll template` against `helm template` in the same run: one chart (many runs, the
# median), and every chart of a generated corpus of N charts (one process per chart, as CI
# runs them; best of RUNS passes). The empty loop's own cost (fork and exec of /bin/true) is
# printed too, so the ratios can be read with and without it.
# usage: scripts/bench-template.sh [N] [RUNS]   (needs helm: scripts/get-helm.sh)
set -euo pipefail
n="${1:-1000}"; runs="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
helm="${HELM:-$(bash "$root/scripts/get-helm.sh")}"
(cd "$root" && cargo build --release -q)
bin="$root/target/release/plimsoll"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
python3 "$root/scripts/gen-corpus.py" "$work/corpus" "$n" >/dev/null
one="$work/corpus/chart-0000"
now() { date +%s.%N; }
pass() { # command... : seconds for one pass over the corpus
    local t0 t1; t0=$(now)
    for c in "$work"/corpus/chart-*; do "$@" "$c" >/dev/null 2>&1 || true; done
    t1=$(now); echo "$t1 - $t0" | bc -l
}
best() { local b=""; for _ in $(seq "$runs"); do t=$(pass "$@"); if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi; done; echo "$b"; }
one_chart() { # command... : seconds per run on one chart, over 50 runs in a loop (best of RUNS)
    local b=""
    for _ in $(seq "$runs"); do
        local t0 t; t0=$(now)
        for _ in $(seq 50); do "$@" "$one" >/dev/null 2>&1 || true; done
        t=$(echo "($(now) - $t0) / 50" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}
p1=$(one_chart "$bin" template); h1=$(one_chart "$helm" template)
empty=$(best /bin/true)
pc=$(best "$bin" template); hc=$(best "$helm" template)
printf 'one chart (best of %s passes of 50 runs): plimsoll %.1f ms   helm %.1f ms   ratio %.1fx\n' "$runs" \
    "$(echo "$p1*1000" | bc -l)" "$(echo "$h1*1000" | bc -l)" "$(echo "$h1/$p1" | bc -l)"
printf '%s charts (best of %s): plimsoll %.2f s   helm %.2f s   ratio %.1fx   (empty loop %.2f s; without it %.1fx)\n' \
    "$n" "$runs" "$pc" "$hc" "$(echo "$hc/$pc" | bc -l)" "$empty" "$(echo "($hc-$empty)/($pc-$empty)" | bc -l)"
