#!/usr/bin/env python3
"""Time `plimsoll server`'s re-lint after a one-line edit of a chart's README, one template and
values.yaml, driven as an editor drives it (didOpen of the three files, then didChange with
the whole text). A hover request after each change is answered once the change is linted, so
the wall time is edit to findings; CPU time is the server process's user and system time
(all threads) over the edits, less sensitive to other load on the machine. The chart is only
read: edits live in the buffers.

Usage: scripts/bench-server.py BINARY CHART_DIR TEMPLATE_REL [ROUNDS]
e.g.   scripts/bench-server.py target/release/plimsoll charts/web templates/deployment.yaml 20"""
import json, subprocess, sys, time, os, threading, queue

binary, chart, tmpl = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
p = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=chart)
q = queue.Queue()
def reader():
    f = p.stdout
    while True:
        n = None
        while True:
            line = f.readline()
            if not line: q.put(None); return
            line = line.strip()
            if not line: break
            if line.startswith(b"Content-Length:"): n = int(line.split(b":")[1])
        q.put(json.loads(f.read(n)))
threading.Thread(target=reader, daemon=True).start()
def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
nid = [0]
def request(method, params):
    nid[0] += 1; send({"jsonrpc": "2.0", "id": nid[0], "method": method, "params": params})
    while True:
        m = q.get(timeout=120)
        if m.get("method") == "$/plimsoll/stats": stats_ms.append(m["params"])
        if m.get("id") == nid[0]: return m
def notify(method, params): send({"jsonrpc": "2.0", "method": method, "params": params})
def uri(path): return "file://" + path
request("initialize", {"processId": None, "rootUri": uri(chart), "capabilities": {}})
notify("initialized", {})
# Wait for the end of a lint: the stats notification if the server sends one, else a
# "sentinel" request answered after the batch (hover on a missing file).
stats_ms = []
def settle():
    while True:
        try: m = q.get_nowait()
        except queue.Empty: break
    m = request("textDocument/hover", {"textDocument": {"uri": uri("/nonexistent/x.yaml")}, "position": {"line": 0, "character": 0}})
files = {"README": os.path.join(chart, "README.md"), "template": os.path.join(chart, tmpl), "values": os.path.join(chart, "values.yaml")}
texts = {k: open(v).read() for k, v in files.items()}
t = time.time()
for k, v in files.items():
    notify("textDocument/didOpen", {"textDocument": {"uri": uri(v), "languageId": "yaml", "version": 1, "text": texts[k]}})
settle()
print(f"open 3 files (first lint): {(time.time()-t)*1000:.0f} ms")
version = 2
for k, v in files.items():
    times = []
    def cpu():
        f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK") * 1000
    c0 = cpu()
    for r in range(rounds):
        # One-line edit: a comment line appended (YAML / template comment / Markdown text).
        extra = {"README": f"\nEdited line {r}.\n", "template": f"\n{{{{/* edit {r} */}}}}\n", "values": f"\n# edit {r}\n"}[k]
        text = texts[k] + extra
        t = time.time()
        notify("textDocument/didChange", {"textDocument": {"uri": uri(v), "version": version}, "contentChanges": [{"text": text}]})
        settle()
        times.append((time.time() - t) * 1000)
        version += 1
    if stats_ms: print("   last stats:", {k: v for k, v in stats_ms[-1].items() if k != "unit"})
    c1 = cpu()
    times.sort()
    print(f"{k}: median {times[len(times)//2]:.0f} ms (min {times[0]:.0f}, max {times[-1]:.0f}) wall, {(c1-c0)/rounds:.1f} ms CPU per edit, over {rounds}")
request("shutdown", None); notify("exit", None); p.wait(timeout=30)
