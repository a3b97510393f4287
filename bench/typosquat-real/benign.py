#!/usr/bin/env python3
"""Samples the benign evaluation set: real, maintained packages that are NOT on the popular
lists (below the top 15,000), from registry-wide name lists (PyPI: name, latest version, month of
the latest release; npm: name, version, downloads a month). PyPI: a release in 2025 or later and
a version >= 1.0 (an established project); npm: 1,000 to 200,000 downloads a month. Names that
are on the shipped popular lists or in the OSV malicious data are left out. 3,000 per ecosystem,
chosen by a hash of the name (reproducible).

usage: python3 bench/typosquat-real/benign.py PYPI_TSV NPM_TSV [SHARED_DATA] > bench/typosquat-real/benign.tsv
"""
import gzip, hashlib, json, re, sys

pypi_tsv, npm_tsv = sys.argv[1], sys.argv[2]
shared = sys.argv[3] if len(sys.argv) > 3 else "../shared/data"
norm = lambda s: re.sub(r"[-_.]+", "-", s.lower())
listed = {"PyPI": set(), "npm": set()}
for eco, f in (("PyPI", "data/popular/pypi.txt"), ("npm", "data/popular/npm.txt")):
    for l in open(f):
        if not l.startswith("#") and l.strip():
            listed[eco].add(norm(l.split("\t")[0].strip()))
mal = set()
for l in gzip.open(f"{shared}/osv-malicious.jsonl.gz", "rt"):
    for a in json.loads(l)["affected"]:
        mal.add((a["package"]["ecosystem"], norm(a["package"]["name"])))
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
out = []
cands = []
for i, l in enumerate(open(pypi_tsv)):
    p = l.rstrip("\n").split("\t")
    if i == 0 or len(p) < 4 or p[3]:
        continue
    name, ver, month = p[0], p[1], p[2]
    m = re.match(r"(\d+)\.", ver)
    if month >= "2025-01" and m and 1 <= int(m.group(1)) < 1000 and norm(name) not in listed["PyPI"] and ("PyPI", norm(name)) not in mal:
        cands.append(name)
out += [("PyPI", n) for n in sorted(cands, key=h)[:3000]]
cands = []
for i, l in enumerate(open(npm_tsv)):
    p = l.rstrip("\n").split("\t")
    if i == 0 or len(p) < 3 or not p[2].isdigit():
        continue
    if 1000 <= int(p[2]) <= 200000 and p[0].lower() not in listed["npm"] and ("npm", norm(p[0])) not in mal:
        cands.append(p[0])
out += [("npm", n) for n in sorted(cands, key=h)[:3000]]
print("# ecosystem\tname")
for eco, n in sorted(out):
    print(f"{eco}\t{n}")
