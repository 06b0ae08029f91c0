#!/usr/bin/env python3
"""Scaling benchmark: how plimsoll's time grows with the size of one chart.

usage: scripts/bench-scaling.py [--instructions] [PLIMSOLL] [DOUBLINGS] [RUNS]

For each axis (values keys, templates, README rows, alerting rules, and all of them at once) a
chart is generated at a base size and doubled DOUBLINGS times (default 4: 16 times the base).
Each size is linted RUNS times (default 3) with every rule, rendering included; the figure is
the least CPU time (user + system) of the runs, which a busy machine disturbs least. The
script prints the time per size and the ratio per doubling: linear work gives 2.0, and any
ratio above 2.3 is flagged as superlinear (the exit code is then 1).

With --instructions, each size is counted once in instructions under
`valgrind --tool=callgrind` instead of timed: slower, but a busy machine and the caches do
not move it, so it tells work that grows faster than the input from a working set that left a
cache.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile

ARGS = [a for a in sys.argv[1:] if a != "--instructions"]
INSTRUCTIONS = len(ARGS) < len(sys.argv) - 1
PLIMSOLL = ARGS[0] if len(ARGS) > 0 else "target/release/plimsoll"
DOUBLINGS = int(ARGS[1]) if len(ARGS) > 1 else 4
RUNS = int(ARGS[2]) if len(ARGS) > 2 else 3
LIMIT = 2.3

CHART_YAML = """apiVersion: v2
name: scale
description: A generated chart for the scaling benchmark.
version: 1.0.0
appVersion: "1.0.0"
"""

HELPERS = """{{- define "scale.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
"""


def component(i):
    """values.yaml text of one component (12 keys)."""
    return f"""component{i}:
  # -- Whether component {i} is deployed.
  enabled: true
  image:
    # -- Image repository of component {i}.
    repository: example/component{i}
    # -- Image tag of component {i}.
    tag: "1.{i}.0"
  # -- Replicas of component {i}.
  replicaCount: 1
  service:
    # -- Service port of component {i}.
    port: {8000 + i % 1000}
  resources:
    requests:
      # -- CPU request of component {i}.
      cpu: 100m
      # -- Memory request of component {i}.
      memory: 128Mi
"""


def readme_rows(i):
    return "".join(
        f"| component{i}.{k} | {t} | `{d}` | {desc} |\n"
        for k, t, d, desc in [
            ("enabled", "bool", "true", "Whether the component is deployed."),
            ("image.repository", "string", f'"example/component{i}"', "Image repository."),
            ("image.tag", "string", f'"1.{i}.0"', "Image tag."),
            ("replicaCount", "int", "1", "Replicas."),
            ("service.port", "int", str(8000 + i % 1000), "Service port."),
            ("resources.requests.cpu", "string", '"100m"', "CPU request."),
            ("resources.requests.memory", "string", '"128Mi"', "Memory request."),
        ]
    )


def template(i):
    """A Deployment for component i, reading its values."""
    c = f".Values.component{i}"
    return f"""{{{{- if {c}.enabled }}}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ .Release.Name }}}}-component{i}
  labels:
    {{{{- include "scale.labels" . | nindent 4 }}}}
spec:
  replicas: {{{{ {c}.replicaCount }}}}
  selector:
    matchLabels:
      app: component{i}
  template:
    metadata:
      labels:
        app: component{i}
    spec:
      containers:
        - name: component{i}
          image: "{{{{ {c}.image.repository }}}}:{{{{ {c}.image.tag }}}}"
          ports:
            - name: http
              containerPort: {{{{ {c}.service.port }}}}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: http
          resources:
            {{{{- toYaml {c}.resources | nindent 12 }}}}
{{{{- end }}}}
"""


def rules(n):
    out = [
        "apiVersion: monitoring.coreos.com/v1",
        "kind: PrometheusRule",
        "metadata:",
        "  name: {{ .Release.Name }}-rules",
        "spec:",
        "  groups:",
        "    - name: scale",
        "      rules:",
    ]
    for i in range(n):
        out += [
            f"        - alert: ComponentDown{i}",
            f'          expr: sum by (job) (up{{job="component{i}"}}) == 0',
            "          for: 5m",
            "          labels:",
            "            severity: critical",
            "          annotations:",
            f'            summary: "Component {i} of {{{{ "{{{{" }}}} $labels.job {{{{ "}}}}" }}}} is down"',
        ]
    return "\n".join(out) + "\n"


def write_chart(root, keys, templates, readme, alerts):
    """A chart with `keys` components in values, templates for the first `templates` of them,
    README rows for the first `readme` of them and `alerts` alerting rules."""
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as f:
        f.write(CHART_YAML)
    with open(os.path.join(root, "values.yaml"), "w") as f:
        f.write("".join(component(i) for i in range(max(keys, templates, readme))))
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write("# scale\n\n## Values\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n")
        f.write("".join(readme_rows(i) for i in range(readme)))
    with open(os.path.join(root, "templates", "_helpers.tpl"), "w") as f:
        f.write(HELPERS)
    for i in range(templates):
        with open(os.path.join(root, "templates", f"component{i}.yaml"), "w") as f:
            f.write(template(i))
    if alerts:
        with open(os.path.join(root, "templates", "rules.yaml"), "w") as f:
            f.write(rules(alerts))


def cpu_time(chart):
    best = None
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [PLIMSOLL, "lint", chart, "--format", "compact", "--fail-on", "never"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = t if best is None else min(best, t)
    return best


def instructions(chart):
    with tempfile.TemporaryDirectory(prefix="plimsoll-callgrind-") as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", PLIMSOLL, "lint", chart,
             "--format", "compact", "--fail-on", "never"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env={**os.environ, "RAYON_NUM_THREADS": "1"},
        )
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


# Base sizes: large enough that the run's fixed cost (start-up, ~5 ms) is small beside the work.
AXES = [
    ("values keys (12 per component)", lambda n: dict(keys=n, templates=1, readme=1, alerts=0), 250),
    ("templates", lambda n: dict(keys=1, templates=n, readme=1, alerts=0), 60),
    ("README rows (7 per component)", lambda n: dict(keys=n, templates=1, readme=n, alerts=0), 250),
    ("alerting rules", lambda n: dict(keys=1, templates=1, readme=1, alerts=n), 250),
    ("all at once", lambda n: dict(keys=n, templates=n // 4, readme=n, alerts=n), 100),
]


def main():
    superlinear = False
    if INSTRUCTIONS:
        print(f"plimsoll: {PLIMSOLL}; instructions (callgrind, one thread); ratio per doubling (limit {LIMIT})")
    else:
        print(f"plimsoll: {PLIMSOLL}; least CPU time of {RUNS} runs; ratio per doubling (limit {LIMIT})")
    print()
    unit = "instructions (M)" if INSTRUCTIONS else "CPU time (ms)"
    print(f"| axis | sizes | {unit} | ratio per doubling |")
    print("|---|---|---|---|")
    for name, shape, base in AXES:
        sizes = [base * 2**k for k in range(DOUBLINGS + 1)]
        times = []
        for n in sizes:
            d = tempfile.mkdtemp(prefix="plimsoll-scaling-")
            try:
                write_chart(os.path.join(d, "scale"), **shape(n))
                chart = os.path.join(d, "scale")
                times.append(instructions(chart) / 1e9 if INSTRUCTIONS else cpu_time(chart))
            finally:
                shutil.rmtree(d)
        ratios = [b / a if a > 0 else float("inf") for a, b in zip(times, times[1:])]
        flagged = [r > LIMIT for r in ratios]
        superlinear |= any(flagged)
        print(
            f"| {name} | {sizes[0]}..{sizes[-1]} | "
            + " / ".join(f"{t * 1000:.0f}" for t in times)
            + " | "
            + " ".join(f"{r:.2f}{'!' if f else ''}" for r, f in zip(ratios, flagged))
            + " |"
        )
    return 1 if superlinear else 0


if __name__ == "__main__":
    sys.exit(main())
