#!/usr/bin/env python3
"""Generates a corpus of N charts for benchmarks: copies of the realistic charts in
charts-under-test with distinct names, some with defects, in OUT/chart-NNNN."""
import os, shutil, sys

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-corpus.py OUT N")
    out, n = sys.argv[1], int(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    cut = os.path.join(here, "..", "charts-under-test")
    bases = [os.path.join(cut, "good"), os.path.join(cut, "ecr")]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for i in range(n):
        base = bases[i % len(bases)]
        name = f"chart-{i:04d}"
        dst = os.path.join(out, name)
        shutil.copytree(base, dst)
        chart = os.path.join(dst, "Chart.yaml")
        with open(chart) as f:
            text = f.read()
        old = "name: good" if base.endswith("good") else "name: ecr"
        text = text.replace(old, f"name: {name}", 1)
        # every fifth chart carries the float appVersion trap (`appVersion: 2.10` is 2.1)
        if i % 5 == 4:
            text = text.replace('appVersion: "2.10.1"', "appVersion: 2.10").replace('appVersion: "1.0.0"', "appVersion: 1.10")
        with open(chart, "w") as f:
            f.write(text)
        # make template names distinct so every chart is its own work
        for root, _, files in os.walk(os.path.join(dst, "templates")):
            for fn in files:
                p = os.path.join(root, fn)
                with open(p) as f:
                    t = f.read()
                t = t.replace('"good.', f'"{name}.').replace('"ecr.', f'"{name}.')
                with open(p, "w") as f:
                    f.write(t)
    print(f"{n} charts in {out}")

main()
