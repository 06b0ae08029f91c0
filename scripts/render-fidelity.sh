#!/usr/bin/env bash
# Renders every chart under each DIR with `plimsoll template` and with a real `helm template`,
# compares the bytes, and prints the identical share and each mismatch.
#
# usage: scripts/render-fidelity.sh [--keep DIR] DIR...
#
#   A chart is a folder with a Chart.yaml that is not itself a subchart (`<chart>/charts/x`).
#   Both tools get the same arguments: `template CHART` (release name `release-name`,
#   namespace `default`), plus whatever is in $FIDELITY_ARGS.
#
#   Helm output that changes between two helm runs (random passwords, certificates, uuids,
#   timestamps) is masked: lines that differ between the two helm runs are replaced by
#   `<nondeterministic>` in all three outputs before comparing (when the two helm runs have
#   the same number of lines; otherwise the chart is reported as nondeterministic).
#
#   Verdicts per chart:
#     identical      both rendered, same bytes
#     same-error     both failed with the same message (stderr from its `Error: ` line)
#     error-differs  both failed, different messages
#     mismatch       both rendered, different bytes
#     verdict        one rendered and the other failed
#     nondeterministic  helm itself is not stable enough to compare
#
#   Environment: HELM (default: helm on PATH, else ~/.cache/plimsoll-oracles/helm),
#   PLIMSOLL (default: target/release/plimsoll), FIDELITY_TIMEOUT (seconds, default 120).
#   --keep DIR writes each chart's outputs and diff under DIR.
set -u

keep=""
if [ "${1:-}" = "--keep" ]; then
    keep="$2"
    shift 2
fi
if [ $# -eq 0 ]; then
    echo "usage: $0 [--keep DIR] DIR..." >&2
    exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
helm="${HELM:-}"
if [ -z "$helm" ]; then
    if command -v helm >/dev/null 2>&1; then
        helm="$(command -v helm)"
    else
        helm="$HOME/.cache/plimsoll-oracles/helm"
    fi
fi
plimsoll="${PLIMSOLL:-$root/target/release/plimsoll}"
timeout_s="${FIDELITY_TIMEOUT:-120}"
[ -x "$helm" ] || { echo "no helm binary at $helm (set HELM)" >&2; exit 2; }
[ -x "$plimsoll" ] || { echo "no plimsoll binary at $plimsoll (cargo build --release, or set PLIMSOLL)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2206
extra=(${FIDELITY_ARGS:-})

charts=()
for d in "$@"; do
    while IFS= read -r f; do
        c="$(dirname "$f")"
        parent="$(dirname "$c")"
        if [ "$(basename "$parent")" = "charts" ] && [ -f "$(dirname "$parent")/Chart.yaml" ]; then
            continue
        fi
        charts+=("$c")
    done < <(find "$d" -name Chart.yaml -type f -not -path '*/.git/*' | LC_ALL=C sort)
done

# Masks lines that differ between two helm runs in a third file (same line count only).
mask() { # run1 run2 file
    awk -v a="$1" -v b="$2" '
        BEGIN {
            while ((getline l < a) > 0) A[++na] = l
            while ((getline l < b) > 0) B[++nb] = l
        }
        { n++; if (n <= na && n <= nb && A[n] != B[n]) print "<nondeterministic>"; else print }
    ' "$3"
}

# Copies chart folder SRC to DEST with every dependency that plimsoll's stderr (ERR) says it
# rendered from a folder on disk copied into the `charts/` of the chart that declares it.
vendor() { # src dest err
    python3 - "$1" "$2" "$3" <<'PY'
import os, re, shutil, sys
src, dest, err = sys.argv[1:4]
links = {}
for line in open(err, encoding="utf-8", errors="replace"):
    m = re.match(r"plimsoll: dependency `([^`]+)` of chart `([^`]+)` is not in its charts/ folder; rendered from (.+)$", line.rstrip("\n"))
    if m:
        links.setdefault(m.group(2), []).append((m.group(1), m.group(3)))
def name_of(d):
    for l in open(os.path.join(d, "Chart.yaml"), encoding="utf-8", errors="replace"):
        if l.startswith("name:"):
            return l.split(":", 1)[1].strip().strip("'\"")
    return ""
def copy(s, d, depth=0):
    shutil.copytree(s, d, symlinks=False, dirs_exist_ok=True)
    if depth > 16:
        return
    for dep, path in links.get(name_of(s), []):
        copy(path, os.path.join(d, "charts", dep), depth + 1)
    for sub in sorted(os.listdir(os.path.join(d, "charts"))) if os.path.isdir(os.path.join(d, "charts")) else []:
        full = os.path.join(d, "charts", sub)
        if os.path.isfile(os.path.join(full, "Chart.yaml")):
            for dep, path in links.get(name_of(full), []):
                if not os.path.exists(os.path.join(full, "charts", dep)):
                    copy(path, os.path.join(full, "charts", dep), depth + 1)
copy(src, dest)
PY
}

total=0; identical=0; same_error=0; error_differs=0; mismatch=0; verdict=0; nondet=0
helm_ok=0
report=()
for c in "${charts[@]}"; do
    total=$((total + 1))
    h1="$work/h1"; h2="$work/h2"; p="$work/p"
    timeout "$timeout_s" "$plimsoll" template "$c" "${extra[@]}" >"$p.out" 2>"$p.err"; prc=$?
    # Dependencies plimsoll took from chart folders on disk are vendored into a scratch copy
    # for helm, so that both tools render the same charts.
    hc="$c"
    if grep -q '^plimsoll: dependency `' "$p.err"; then
        rm -rf "$work/vendored"
        hc="$work/vendored/$(basename "$c")"
        vendor "$c" "$hc" "$p.err"
    fi
    timeout "$timeout_s" "$helm" template "$hc" "${extra[@]}" >"$h1.out" 2>"$h1.err"; hrc=$?
    status=""
    if [ $hrc -eq 0 ]; then
        helm_ok=$((helm_ok + 1))
        if [ $prc -ne 0 ]; then
            status="verdict"
        elif cmp -s "$h1.out" "$p.out"; then
            status="identical"
        else
            timeout "$timeout_s" "$helm" template "$hc" "${extra[@]}" >"$h2.out" 2>/dev/null
            if cmp -s "$h1.out" "$h2.out"; then
                status="mismatch"
            elif [ "$(wc -l <"$h1.out")" -ne "$(wc -l <"$h2.out")" ]; then
                status="nondeterministic"
            else
                mask "$h1.out" "$h2.out" "$h1.out" >"$h1.m"
                mask "$h1.out" "$h2.out" "$p.out" >"$p.m"
                if cmp -s "$h1.m" "$p.m"; then status="identical"; else status="mismatch"; fi
            fi
        fi
    else
        if [ $prc -eq 0 ]; then
            status="verdict"
        elif cmp -s <(sed -n '/^Error: /,$p' "$h1.err") <(sed -n '/^Error: /,$p' "$p.err"); then
            status="same-error"
        else
            status="error-differs"
        fi
    fi
    case "$status" in
        identical) identical=$((identical + 1)) ;;
        same-error) same_error=$((same_error + 1)) ;;
        error-differs) error_differs=$((error_differs + 1)) ;;
        mismatch) mismatch=$((mismatch + 1)) ;;
        verdict) verdict=$((verdict + 1)) ;;
        nondeterministic) nondet=$((nondet + 1)) ;;
    esac
    if [ "$status" != "identical" ] && [ "$status" != "same-error" ]; then
        detail=""
        case "$status" in
            mismatch)
                a="$h1.out"; b="$p.out"
                [ -f "$h1.m" ] && [ -f "$p.m" ] && { a="$h1.m"; b="$p.m"; }
                detail="$(diff "$a" "$b" | grep -m1 -E '^[<>]' | cut -c1-160)" ;;
            verdict)
                if [ $hrc -eq 0 ]; then detail="plimsoll: $(head -c 160 "$p.err" | head -1)"
                else detail="helm: $(head -c 160 "$h1.err" | head -1)"; fi ;;
            error-differs)
                detail="helm: $(grep -m1 '^Error: ' "$h1.err" | cut -c1-120) | plimsoll: $(grep -m1 '^Error: ' "$p.err" | cut -c1-120)" ;;
        esac
        report+=("$status $c :: $detail")
    fi
    if [ -n "$keep" ]; then
        k="$keep/$(echo "$c" | tr '/' '_')"
        mkdir -p "$k"
        cp "$h1.out" "$k/helm.out"; cp "$h1.err" "$k/helm.err"
        cp "$p.out" "$k/plimsoll.out"; cp "$p.err" "$k/plimsoll.err"
        diff "$h1.out" "$p.out" >"$k/diff" 2>&1
        echo "$status" >"$k/status"
    fi
    rm -f "$h1.m" "$p.m"
done

for r in "${report[@]}"; do echo "$r"; done
echo
echo "charts: $total (helm renders $helm_ok)"
echo "identical: $identical; same error: $same_error; different error text: $error_differs; output differs: $mismatch; verdict differs: $verdict; helm nondeterministic: $nondet"
if [ "$helm_ok" -gt 0 ]; then
    awk -v i="$identical" -v n="$helm_ok" 'BEGIN { printf "identical share of the charts helm renders: %.1f%% (%d/%d)\n", 100*i/n, i, n }'
fi
same=$((total - verdict))
awk -v s="$same" -v n="$total" 'BEGIN { if (n) printf "same verdict (success or error): %.1f%% (%d/%d)\n", 100*s/n, s, n }'
