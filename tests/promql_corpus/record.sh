#!/usr/bin/env bash
# Records promtool's verdict for every expression of expressions.txt into corpus.tsv.
# Needs promtool on PATH (scripts/get-promtool.sh installs Debian's package).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v promtool >/dev/null || { echo "promtool not found; run scripts/get-promtool.sh" >&2; exit 2; }
python3 - "$here" <<'PY'
import os, re, subprocess, sys, tempfile
here = sys.argv[1]
version = subprocess.run(["promtool", "--version"], capture_output=True, text=True)
version = (version.stdout + version.stderr).splitlines()[0].strip()
rows = []
for line in open(os.path.join(here, "expressions.txt"), encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    expected, expr = line.split("\t", 1)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: |-\n          " + expr + "\n")
        path = f.name
    out = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
    os.unlink(path)
    text = out.stdout + out.stderr
    m = re.search(r"could not parse expression: (\d+):(\d+): parse error: (.*)", text)
    if out.returncode == 0:
        rows.append((expected, "ok", "", "", expr))
    elif m:
        rows.append((expected, "err", m.group(1) + ":" + m.group(2), m.group(3).strip(), expr))
    else:
        msg = " ".join(l.strip() for l in text.splitlines() if l.strip() and not l.startswith("Checking") and "FAILED" not in l)
        rows.append((expected, "err", "", msg.replace(path, "<file>").replace("\t", " "), expr))
with open(os.path.join(here, "corpus.tsv"), "w", encoding="utf-8") as f:
    f.write("# promtool: " + version + "\n")
    f.write("# expected = verdict of the current Prometheus 3.x with every PromQL feature flag; promtool/position/message = recorded output of the promtool above\n")
    f.write("expected\tpromtool\tposition\tmessage\texpression\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(f"{len(rows)} expressions recorded with {version}")
PY
