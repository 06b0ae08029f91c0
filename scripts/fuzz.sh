#!/usr/bin/env bash
# Runs the fuzz targets one at a time, each for SECONDS (default 600), at the lowest priority.
# New inputs go to a scratch corpus (SCRATCH, default /tmp/plimsoll-fuzz/<target>), seeded
# from the committed fuzz/corpus/<target>/, which stays as it is; crashes go to
# fuzz/artifacts/<target>/; each run's log is SCRATCH/<target>.log. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# pass the sanitizer flags. SKIP_BUILD=1 runs the targets as last built. SANITIZER (default
# address) is passed to `cargo fuzz build -s`: plimsoll has no `unsafe` code, and `none` runs
# several times faster, so that libFuzzer's timeout measures plimsoll rather than the
# instrumentation. NICE (default 19) is the priority of the runs; on a machine busy with other
# work, a low priority starves the target and libFuzzer's timeout (TIMEOUT, default 10 s) then
# measures the wait rather than plimsoll.
set -u
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(yaml template render promql readme chart_yaml schema archive lint)
fi
scratch=${SCRATCH:-/tmp/plimsoll-fuzz}
declare -A max_len=(
    [yaml]=16384 [template]=8192 [render]=4096 [promql]=2048 [readme]=16384
    [chart_yaml]=4096 [schema]=8192 [archive]=65536 [lint]=16384
)
export RUSTC_BOOTSTRAP=1
if [ -z "${SKIP_BUILD:-}" ]; then
    nice -n 19 cargo fuzz build -s "${SANITIZER:-address}" || exit 1
fi
bin=fuzz/target/x86_64-unknown-linux-gnu/release
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t"
    echo "== $t ($seconds s, max_len ${max_len[$t]})"
    mkdir -p "fuzz/artifacts/$t"
    nice -n "${NICE:-19}" "$bin/$t" "$scratch/$t" "fuzz/corpus/$t" -artifact_prefix="fuzz/artifacts/$t/" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout="${TIMEOUT:-10}" \
        -max_len="${max_len[$t]}" -print_final_stats=1 >"$scratch/$t.log" 2>&1
    rc=$?
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+== ERROR|thread .* panicked)" "$scratch/$t.log"
    echo "== $t exit $rc (full log: $scratch/$t.log)"
done
