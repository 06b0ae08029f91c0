#!/usr/bin/env python3
"""Times plimsoll against helm lint on the same charts, in the same run.

usage: bench.py PLIMSOLL HELM CORPUS ONE_CHART [RUNS]
Prints a Markdown table of wall-clock times (min and median of RUNS runs) and the ratio."""
import glob, os, statistics, subprocess, sys, time

def timed(cmd, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)

def fmt(s):
    return f"{s * 1000:.1f} ms" if s < 10 else f"{s:.2f} s"

def main():
    plimsoll, helm, corpus, one = sys.argv[1:5]
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    charts = sorted(glob.glob(os.path.join(corpus, "*")))
    rows = []
    lint = [plimsoll, "lint", "--format", "compact", "--fail-on", "never"]
    rows.append((f"plimsoll lint, {len(charts)} charts, every rule (rendered objects included)", timed(lint + [corpus], runs)))
    rows.append(("plimsoll lint, one chart, every rule", timed(lint + [one], runs * 4)))
    # The helm rows compare with the full plimsoll run; these show what each layer costs.
    static = "templates/render-error,templates/rendered-invalid-yaml,templates/render-incomplete"
    layers = [
        ("discovery + parsing + chart rules", ["--select", "chart,yaml,file"]),
        ("+ values and docs", ["--select", "chart,yaml,file,values,docs"]),
        ("+ template parsing and analysis (no rendering)", ["--select", "chart,yaml,file,values,docs,templates", "--ignore", static]),
        ("+ rendering every chart and value set (render problems only)", ["--select", "chart,yaml,file,values,docs,templates"]),
    ]
    extra = [(f"plimsoll lint, {len(charts)} charts, {name}", timed(lint + sel + [corpus], runs)) for name, sel in layers]
    if helm:
        rows.append((f"helm lint, {len(charts)} charts", timed([helm, "lint"] + charts, max(1, runs // 2))))
        rows.append(("helm lint, one chart", timed([helm, "lint", one], runs * 2)))
    print(f"| work | min | median |")
    print(f"|---|---|---|")
    for name, (mn, med) in rows + extra:
        print(f"| {name} | {fmt(mn)} | {fmt(med)} |")
    if helm:
        print()
        print(f"ratio helm/plimsoll, {len(charts)} charts (median): {rows[2][1][1] / rows[0][1][1]:.1f}x")
        print(f"ratio helm/plimsoll, one chart (median): {rows[3][1][1] / rows[1][1][1]:.1f}x")

main()
