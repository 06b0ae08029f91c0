#!/usr/bin/env bash
# Times plimsoll's Prometheus rule analysis against `promtool check rules` on the same
# generated rule file (default 5,000 rules: alerts with templates, recording rules).
# Usage: scripts/bench-prometheus.sh [RULES]   (needs promtool: scripts/get-promtool.sh)
set -euo pipefail
n="${1:-5000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
file="$work/rules.yml"
python3 - "$n" > "$file" <<'PY'
import sys
n = int(sys.argv[1])
print("groups:")
exprs = [
    'sum by (namespace, pod) (rate(http_requests_total{job="api-%d", code=~"5.."}[5m])) / sum by (namespace, pod) (rate(http_requests_total{job="api-%d"}[5m])) > 0.05',
    'histogram_quantile(0.99, sum by (le, service) (rate(request_duration_seconds_bucket{service="svc-%d"}[5m]))) > %d',
    'absent(up{job="exporter-%d"}) or up{job="exporter-%d"} == 0',
    'sum(httpclient_pool_total_connections{service=~".*-ecr-%d", state="leased"}) > %d',
    'predict_linear(node_filesystem_avail_bytes{mountpoint="/data%d"}[6h], 4 * 3600) < %d',
]
for g in range(n // 50):
    print(f"  - name: group-{g}")
    print("    rules:")
    for i in range(50):
        k = g * 50 + i
        e = exprs[k % len(exprs)]
        e = e % tuple([k] * e.count("%d"))
        if k % 4 == 3:
            print(f"      - record: job:generated_{k}:rate5m")
            print(f"        expr: sum by (job) (rate(generated_total{{id=\"{k}\"}}[5m]))")
        else:
            print(f"      - alert: Generated{k}")
            print(f"        expr: {e}")
            print("        for: 5m")
            print("        labels:")
            print("          severity: warning")
            print("        annotations:")
            print(f"          summary: \"{{{{ $labels.namespace }}}}/{{{{ $labels.pod }}}} rule {k} value {{{{ $value | humanize }}}}\"")
            print("          runbook_url: https://runbooks.example/generated")
PY
rules=$(grep -cE '^      - (alert|record):' "$file")
echo "rules: $rules ($(wc -c < "$file") bytes)"
bin="$root/target/release/plimsoll"
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release -q)
fi
run() { # label command...
  local label="$1"; shift
  local best=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    local ms=$(( (e - s) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  printf '%-28s %6d ms (best of 3)\n' "$label" "$best"
}
run "plimsoll lint" "$bin" lint --format compact "$file"
if command -v promtool >/dev/null; then
  run "promtool check rules" promtool check rules "$file"
else
  echo "promtool not found (scripts/get-promtool.sh installs it)"
fi
echo "plimsoll findings by rule:"
"$bin" lint --format compact "$file" 2>/dev/null | sed -E 's/.*\[([^]]+)\]$/\1/' | sort | uniq -c | sort -rn | head -10 || true
