#!/usr/bin/env python3
# Records Prometheus's parser test inputs and verdicts as data:
#   git show <commit>:promql/parser/parse_test.go > parse_test.go
#   python3 extract_parser_tests.py parse_test.go > prometheus_parser_tests.tsv
import re,sys,json
src=open(sys.argv[1]).read()
start=src.index('var testExpr = []struct {')
end=src.index('\nfunc ', start)
body=src[start:end]
# split into entries at "\n\t{\n" top-level
def go_unquote(s):
    if s.startswith('`'): return s[1:-1]
    return json.loads(s.replace("\\'", "'")) if '\\x' not in s and '\\U' not in s and "\\a" not in s and '\\v' not in s else None
rows=[]
for m in re.finditer(r'\n\t\{\n\t\tinput:\s*("(?:[^"\\]|\\.)*"|`[^`]*`),\n(.*?)\n\t\},', body, re.S):
    raw, rest = m.group(1), m.group(2)
    try:
        inp = go_unquote(raw)
    except Exception:
        inp=None
    if inp is None or '\t' in inp or '\n' in inp: continue
    fail = 'fail:' in rest and re.search(r'fail:\s*true', rest) is not None
    msg=''; pos=''
    em = re.search(r'Err:\s*errors\.New\(("(?:[^"\\]|\\.)*"|`[^`]*`)\)', rest)
    if em:
        try: msg = go_unquote(em.group(1)) or ''
        except Exception: msg=''
    pm = re.search(r'PositionRange:\s*posrange\.PositionRange\{\s*Start:\s*(\d+)', rest)
    if fail and pm: pos=pm.group(1)
    rows.append(('err' if fail else 'ok', pos, msg.replace('\t',' ').replace('\n',' '), inp))
sys.stdout.write('# From Prometheus promql/parser/parse_test.go (testExpr, commit d15adb9a, 3.14 development):\n# parsed with experimental functions, duration expressions and extended range selectors enabled.\n# verdict\tfirst error offset (bytes)\tfirst error message\texpression\n')
for r in rows: sys.stdout.write('\t'.join(r)+'\n')
print(len(rows), file=sys.stderr)
