#!/usr/bin/env bash
# Re-runs plimsoll on the public chart repositories of tests/precision/repos.tsv and prints,
# per rule, the warnings and errors it reports, how many carry a recorded verdict, and the
# precision among those; then the volume per chart (what `--strict` would fail on).
#
# usage: scripts/precision.sh CORPUS [--todo N] [--bin PLIMSOLL] [--rule RULE]
#   CORPUS   a folder holding one extracted copy of each repository, named owner+name
#            (bitnami+charts, prometheus-community+helm-charts, ...), e.g. made with
#            `git --git-dir=REPO.git archive COMMIT | tar x -C CORPUS/owner+name`
#   --todo N print up to N unlabelled findings per rule, chosen deterministically, as
#            verdict lines to fill in (verdict column `?`)
#   --rule R only this rule (with --todo)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { sed -n 2,12p "$0" >&2; exit 2; }
corpus="$1"; shift
todo=0; bin="$root/target/release/plimsoll"; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --todo) todo="$2"; shift 2;;
    --bin) bin="$2"; shift 2;;
    --rule) only="$2"; shift 2;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
if [ ! -x "$bin" ]; then (cd "$root" && cargo build --release -q); fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
while IFS=$'\t' read -r repo commit; do
  [ -n "$repo" ] && [ "${repo:0:1}" != "#" ] || continue
  dir="$corpus/${repo/\//+}"
  if [ ! -d "$dir" ]; then echo "missing: $dir (extract $repo at $commit there)" >&2; continue; fi
  "$bin" lint "$dir" --format json --fail-on never > "$work/${repo/\//+}.json" 2>"$work/${repo/\//+}.err" || {
    echo "plimsoll failed on $repo: $(head -c 300 "$work/${repo/\//+}.err")" >&2; }
  printf '%s\t%s\n' "$repo" "$dir" >> "$work/repos"
done < "$root/tests/precision/repos.tsv"
python3 - "$work" "$root/tests/precision/verdicts" "$todo" "$only" <<'PY'
import sys, os, json, glob, hashlib, statistics, collections
work, vdir, todo, only = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
verdicts = {}
for f in sorted(glob.glob(os.path.join(vdir, "*.tsv"))):
    for n, line in enumerate(open(f, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#") or line.startswith("repo\t"):
            continue
        cols = line.split("\t")
        if len(cols) < 5 or cols[4] not in ("true", "false"):
            sys.exit(f"{f}:{n}: want repo, path, line, rule, true|false, note")
        verdicts[(cols[0], cols[1], int(cols[2]), cols[3])] = (cols[4] == "true", f)
findings = []  # (repo, path, line, rule, severity, message, keys a verdict may match)
info_keys = set()
def verdict_of(f):
    for k in f[6]:
        if k in verdicts:
            return verdicts[k][0]
    return None
charts = collections.Counter()
chart_dirs = set()
for line in open(os.path.join(work, "repos")):
    repo, d = line.rstrip("\n").split("\t")
    for dirpath, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if x not in (".git", "node_modules")]
        if "Chart.yaml" in files:
            chart_dirs.add((repo, os.path.relpath(dirpath, d)))
    try:
        report = json.load(open(os.path.join(work, repo.replace("/", "+") + ".json")))
    except Exception:
        continue
    rel = lambda q: os.path.relpath(q, d) if os.path.isabs(q) else os.path.relpath(os.path.abspath(q), d)
    for x in report["diagnostics"]:
        p = rel(x["path"])
        # A finding on rendered output also answers to the values line behind it.
        line = (x.get("start") or {}).get("line", 1)
        keys = [(repo, p, line, x["rule"])] + [
            (repo, rel(l["path"]), l["start"]["line"], x["rule"])
            for l in x.get("labels", []) if l.get("message") == "the rendered value comes from here"]
        if x["severity"] not in ("warning", "error"):
            info_keys.update(keys)
            continue
        findings.append((repo, p, line, x["rule"], x["severity"], x["message"], keys))

def chart_of(repo, path):
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        c = "/".join(parts[:i])
        if (repo, c) in chart_dirs:
            return c
    return None

by_rule = collections.defaultdict(list)
for f in findings:
    by_rule[f[3]].append(f)
    c = chart_of(f[0], f[1])
    if c is not None:
        charts[(f[0], c)] += 1
reported = {k for f in findings for k in f[6]}
print(f"{'rule':45} {'findings':>8} {'labelled':>8} {'true':>5} {'false':>5} {'precision':>9}")
tot = lab = tt = ff = 0
weighted = 0.0
false_errors = []
for rule in sorted(by_rule, key=lambda r: -len(by_rule[r])):
    fs = by_rule[rule]
    t = sum(1 for f in fs if verdict_of(f) is True)
    fa = sum(1 for f in fs if verdict_of(f) is False)
    false_errors += [f for f in fs if f[4] == "error" and verdict_of(f) is False]
    prec = f"{100*t/(t+fa):.0f}%" if t + fa else "-"
    print(f"{rule:45} {len(fs):8} {t+fa:8} {t:5} {fa:5} {prec:>9}")
    tot += len(fs); lab += t + fa; tt += t; ff += fa
    if t + fa:
        weighted += len(fs) * t / (t + fa)
print(f"{'all':45} {tot:8} {lab:8} {tt:5} {ff:5} {(100*tt/(tt+ff) if tt+ff else 0):8.0f}%")
covered = sum(len(by_rule[r]) for r in by_rule if any(verdict_of(f) is not None for f in by_rule[r]))
if covered:
    print(f"estimated precision of all warnings and errors (each rule's sample precision weighted by its volume, over the {covered} findings of rules with a sample): {100*weighted/covered:.1f}%")
print(f"false errors among labelled: {len(false_errors)}")
for f in false_errors:
    print("  false error:", "\t".join(map(str, f[:4])))
# Verdicts taken on rendered files (path `RENDERED:...`) document findings on text that exists
# nowhere on disk; lint reports them at template lines, so they cannot be matched here.
lost = [k for k, (v, _) in verdicts.items() if v and k not in reported and k not in info_keys and not k[1].startswith("RENDERED:")]
lower = [k for k, (v, _) in verdicts.items() if v and k not in reported and k in info_keys]
print(f"true verdicts now reported as info (the default values do not render them): {len(lower)}")
print(f"true verdicts no longer reported (possible misses): {len(lost)}")
for k in sorted(lost)[:40]:
    print("  lost:", "\t".join(map(str, k)))
def volume(label, dirs):
    vols = [charts.get(c, 0) for c in sorted(dirs)]
    if vols:
        clean = sum(1 for v in vols if v == 0)
        print(f"{label}: {len(vols)} charts; warnings and errors per chart: median {statistics.median(vols)}, max {max(vols)}; charts that pass --strict: {clean} ({100*clean/len(vols):.0f}%)")
volume("all", chart_dirs)
for repo in sorted({r for r, _ in chart_dirs}):
    volume(f"  {repo}", [c for c in chart_dirs if c[0] == repo])
if todo:
    print("\n# unlabelled findings to judge (verdict column '?')")
    for rule in sorted(by_rule):
        if only and rule != only:
            continue
        fs = [f for f in by_rule[rule] if verdict_of(f) is None]
        fs.sort(key=lambda f: hashlib.sha1("\t".join(map(str, f[:4])).encode()).hexdigest())
        for f in fs[:todo]:
            print(f"{f[0]}\t{f[1]}\t{f[2]}\t{f[3]}\t?\t{f[5]}")
PY
