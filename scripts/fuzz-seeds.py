#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the fixtures.

Run from the repository root: python3 scripts/fuzz-seeds.py. The seeds are small and
committed; rerun after changing the fixtures they come from.
"""
import gzip
import hashlib
import io
import os
import shutil
import tarfile

OUT = "fuzz/corpus"
GOOD = "charts-under-test/good"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tgz(members):
    """A gzipped tar of (name, bytes, type) members; type is a tarfile type or None."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), compresslevel=9, mtime=0)


# Hostile templates for the renderer: recursion, tpl of tpl, huge range, repeat, until,
# string growth.
HOSTILE = [
    b'{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}',
    b'{{ define "t" }}{{ template "t" . }}{{ end }}{{ template "t" . }}',
    b'{{ tpl .Values.u . }}',
    b'{{ range until 100000000 }}x{{ end }}',
    b'{{ repeat 100000000 "abcdefgh" }}',
    b'{{ $s := "ab" }}{{ range until 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s | len }}',
    b'{{ $s := "ab" }}{{ range until 40 }}{{ $s = cat $s $s }}{{ end }}{{ $s | len }}',
    b'{{ range $i := until 300 }}{{ range until 300 }}{{ $i }}{{ end }}{{ end }}',
    b'{{ $d := dict }}{{ range until 30 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ toYaml $d }}',
    b'{{ include "nest" 50 }}',
]
HELPERS = b'{{ define "nest" }}{{ if gt . 0 }}[{{ include "nest" (sub . 1) }}]{{ end }}{{ end }}'


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    good = {rel: read(os.path.join(GOOD, rel)) for rel in [
        "Chart.yaml", "values.yaml", "values.schema.json", "README.md",
        "templates/_helpers.tpl", "templates/deployment.yaml", "templates/service.yaml",
    ]}
    rule = read("charts-under-test/ecr/templates/prometheusrule.yaml")

    for path in ["Chart.yaml", "values.yaml"]:
        put("yaml", good[path])
    put("yaml", b"base: &a {x: [1, 2]}\nk: *a\n'q': \"\\u00e9\"\n? [a]\n: b\n---\n- !!str 1\n- |\n  text\n")
    put("yaml", rule)

    for path in ["templates/_helpers.tpl", "templates/deployment.yaml"]:
        put("template", good[path])
    cases = sorted(os.listdir("tests/template_corpus/cases"))
    for name in cases[::8]:
        put("template", read(os.path.join("tests/template_corpus/cases", name)))

    values = b"t: '{{ tpl .Values.t . }}'\nu: '{{ tpl .Values.v . }}'\nv: '{{ .Values.name }}'\nlist: [1, 2, 3]\nname: x\n"
    put("render", b"\0".join([good["values.yaml"], good["templates/deployment.yaml"],
                              good["templates/_helpers.tpl"], good["templates/service.yaml"]]))
    for t in HOSTILE:
        put("render", b"\0".join([values, t, HELPERS]))

    lines = [l for l in read("tests/promql_corpus/expressions.txt").splitlines() if l.strip()]
    for line in lines[::6]:
        put("promql", line)

    put("readme", good["README.md"])
    put("readme", read("charts-under-test/umbrella/README.md"))

    put("chart_yaml", good["Chart.yaml"])
    put("chart_yaml", read("charts-under-test/umbrella/Chart.yaml"))

    put("schema", good["values.schema.json"])
    put("schema", b'{"properties": {"a": {"$ref": "#/definitions/d0"}}, "definitions": '
                  b'{"d0": {"anyOf": [{"$ref": "#/definitions/d1"}, {"$ref": "#/definitions/d1"}]},'
                  b' "d1": {"type": "string"}}}')

    put("archive", tgz([("demo/" + p, good[p]) for p in
                        ["Chart.yaml", "values.yaml", "templates/_helpers.tpl",
                         "templates/service.yaml"]]))
    put("archive", tgz([("demo/Chart.yaml", good["Chart.yaml"]),
                        ("demo/templates/" + "n" * 120 + ".yaml", b"a: 1\n"),
                        ("demo/charts/sub/Chart.yaml", b"apiVersion: v2\nname: sub\nversion: 1.0.0\n")]))

    put("lint", b"\0".join([good["Chart.yaml"], good["values.yaml"],
                            good["templates/deployment.yaml"], good["templates/_helpers.tpl"],
                            good["values.schema.json"], good["README.md"], rule,
                            b"a: 1\n"]))
    put("lint", b"\0".join([good["Chart.yaml"], values, HOSTILE[0], HELPERS]))


if __name__ == "__main__":
    main()
