#!/usr/bin/env bash
# Benchmark on real charts: plimsoll against helm on the same charts in the same run.
#
# usage: scripts/bench-real.sh [RUNS] DIR...
#
#   Every chart under each DIR (a folder with a Chart.yaml that is not a subchart) is copied to
#   a scratch folder with its dependencies vendored: each dependency missing from the chart's
#   `charts/` is copied from the sibling chart folder of that name when there is one (as
#   bitnami/charts and similar monorepos keep them), so that both tools render everything.
#   Then, timed in one run (best of RUNS, default 3):
#     lint      `plimsoll lint` of all charts in one process, against `helm lint` of all
#               charts in one process (helm takes several chart paths);
#     template  `plimsoll template CHART` against `helm template CHART`, one process per chart
#               (as CI runs them), the summed wall time of a pass over all charts;
#     memory    the peak resident set of the plimsoll lint (GNU time).
#   Environment: HELM (default: helm on PATH, else scripts/get-helm.sh), PLIMSOLL (default:
#   target/release/plimsoll, built when missing).
set -euo pipefail
runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [RUNS] DIR..." >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
helm="${HELM:-$(command -v helm || bash "$root/scripts/get-helm.sh")}"
plimsoll="${PLIMSOLL:-$root/target/release/plimsoll}"
[ -x "$plimsoll" ] || (cd "$root" && cargo build --release -q)
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

python3 - "$work/charts" "$@" <<'PY'
import os, re, shutil, sys
out, dirs = sys.argv[1], sys.argv[2:]
os.makedirs(out)

def deps(chart):
    try:
        text = open(os.path.join(chart, "Chart.yaml"), encoding="utf-8", errors="replace").read()
    except OSError:
        return []
    names, inside = [], False
    for line in text.splitlines():
        if re.match(r"^dependencies:", line):
            inside = True
            continue
        if inside and re.match(r"^\S", line):
            inside = False
        m = re.match(r"^\s*-?\s*name:\s*['\"]?([A-Za-z0-9_.-]+)", line) if inside else None
        if m:
            names.append(m.group(1))
    return names

def vendor(chart, siblings, seen):
    for name in deps(chart):
        sub = os.path.join(chart, "charts")
        present = os.path.isdir(os.path.join(sub, name)) or any(
            f.startswith(name + "-") and f.endswith(".tgz") for f in (os.listdir(sub) if os.path.isdir(sub) else []))
        src = os.path.join(siblings, name)
        if not present and os.path.isfile(os.path.join(src, "Chart.yaml")) and name not in seen:
            os.makedirs(sub, exist_ok=True)
            shutil.copytree(src, os.path.join(sub, name), symlinks=True)
            vendor(os.path.join(sub, name), siblings, seen | {name})

n = 0
for d in dirs:
    for base, subdirs, files in os.walk(d):
        subdirs.sort()
        if "Chart.yaml" in files and os.path.basename(os.path.dirname(base)) != "charts":
            dest = os.path.join(out, f"{n:04d}-{os.path.basename(base)}")
            shutil.copytree(base, dest, symlinks=True)
            vendor(dest, os.path.dirname(base), {os.path.basename(base)})
            n += 1
            subdirs[:] = []
print(f"charts: {n}")
PY

charts=("$work"/charts/*)
now() { date +%s.%N; }
best() { # command... : the best wall time of RUNS runs
    local b="" t0 t
    for _ in $(seq "$runs"); do
        t0=$(now); "$@" >/dev/null 2>&1 || true; t=$(echo "$(now) - $t0" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    printf '%.3f' "$b"
}
each() { local tool=$1; shift; for c in "${charts[@]}"; do "$tool" "$@" "$c" >/dev/null 2>&1 || true; done; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "plimsoll $("$plimsoll" --version | cut -d' ' -f2), helm $("$helm" version --short)"
echo "charts: ${#charts[@]} ($(du -sh "$work/charts" | cut -f1)), runs: $runs (best of)"
echo "findings: $("$plimsoll" lint "$work/charts" --format compact --fail-on never 2>/dev/null | wc -l)"
pl=$(best "$plimsoll" lint "$work/charts" --fail-on never)
hl=$(best "$helm" lint "${charts[@]}")
pt=$(best each "$plimsoll" template)
ht=$(best each "$helm" template)
/usr/bin/time -o "$work/time" -f '%M' "$plimsoll" lint "$work/charts" --fail-on never >/dev/null 2>&1 || true
mem=$(tail -1 "$work/time")
echo
echo "| work | plimsoll | helm | ratio |"
echo "|---|---|---|---|"
echo "| lint, all charts, one process | ${pl} s | ${hl} s | $(echo "scale=1; $hl / $pl" | bc -l)× |"
echo "| template, one process per chart | ${pt} s | ${ht} s | $(echo "scale=1; $ht / $pt" | bc -l)× |"
echo "| per chart (template) | $(echo "scale=1; 1000 * $pt / ${#charts[@]}" | bc -l) ms | $(echo "scale=1; 1000 * $ht / ${#charts[@]}" | bc -l) ms | |"
echo
echo "plimsoll lint peak memory: $((mem / 1024)) MiB"
