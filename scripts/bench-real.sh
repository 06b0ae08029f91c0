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
        if inside and re.match(r"^[A-Za-z_]", line):
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
# One timed run: wall and CPU (user + system) seconds of a command and its children.
timed() { # command... : prints "wall cpu"
    /usr/bin/time -o "$work/t" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
    tail -1 "$work/t" | awk '{ printf "%.3f %.3f", $1, $2 + $3 }'
}
best() { # command... : the best wall time of RUNS runs, with that run's CPU time
    local b="" r
    for _ in $(seq "$runs"); do
        r=$(timed "$@")
        if [ -z "$b" ] || [ "$(echo "${r% *} < ${b% *}" | bc -l)" = 1 ]; then b=$r; fi
    done
    echo "$b"
}
each() { # tool args... : runs `tool args... CHART` for every chart, one process each
    local tool=$1; shift
    for c in "${charts[@]}"; do "$tool" "$@" "$c" >/dev/null 2>&1 || true; done
}
export -f each
ratio() { echo "scale=1; $1 / $2" | bc -l; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "plimsoll $("$plimsoll" --version | cut -d' ' -f2), helm $("$helm" version --short)"
echo "charts: ${#charts[@]} ($(du -sh "$work/charts" | cut -f1)), runs: $runs (best wall of)"
echo "findings: $("$plimsoll" lint "$work/charts" --format compact --fail-on never 2>/dev/null | wc -l)"
read -r pl_w pl_c <<<"$(best "$plimsoll" lint "$work/charts" --fail-on never)"
read -r hl_w hl_c <<<"$(best "$helm" lint "${charts[@]}")"
read -r pt_w pt_c <<<"$(best bash -c "charts=(\"$work\"/charts/*); $(declare -f each); each \"$plimsoll\" template")"
read -r ht_w ht_c <<<"$(best bash -c "charts=(\"$work\"/charts/*); $(declare -f each); each \"$helm\" template")"
/usr/bin/time -o "$work/time" -f '%M' "$plimsoll" lint "$work/charts" --fail-on never >/dev/null 2>&1 || true
mem=$(tail -1 "$work/time")
n=${#charts[@]}
echo
echo "| work | plimsoll wall (CPU) | helm wall (CPU) | ratio wall (CPU) |"
echo "|---|---|---|---|"
echo "| lint, all charts in one process | ${pl_w} s (${pl_c} s) | ${hl_w} s (${hl_c} s) | $(ratio "$hl_w" "$pl_w")× ($(ratio "$hl_c" "$pl_c")×) |"
echo "| template, one process per chart | ${pt_w} s (${pt_c} s) | ${ht_w} s (${ht_c} s) | $(ratio "$ht_w" "$pt_w")× ($(ratio "$ht_c" "$pt_c")×) |"
echo "| template, per chart | $(echo "scale=1; 1000 * $pt_w / $n" | bc -l) ms | $(echo "scale=1; 1000 * $ht_w / $n" | bc -l) ms | |"
echo
echo "plimsoll lint peak memory: $((mem / 1024)) MiB"
