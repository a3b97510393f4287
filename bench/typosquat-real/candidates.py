#!/usr/bin/env python3
"""Lists OSV MAL-* PyPI/npm names published before a cut-off date that *might* imitate a
popular package, for a person to read and judge (the judged set is malicious.tsv). The ranking
uses a generic string similarity (rapidfuzz ratio on lowercase names without separators, and
popular names contained in the candidate), not guardrail's heuristics.

usage: pip install rapidfuzz; python3 bench/typosquat-real/candidates.py [SHARED_DATA] > /tmp/cands.tsv
"""
import gzip, json, re, sys
from rapidfuzz import fuzz, process

shared = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
CUTOFF = "2024-07-01"
pop = {
    "PyPI": [l.strip() for l in open(f"{shared}/popular/top-pypi-packages.txt") if l.strip()][:15000],
    "npm": [l.strip() for l in open(f"{shared}/popular/npm-high-impact-top-download.txt") if l.strip()][:15000],
}
sq = lambda s: re.sub(r"[-_.]", "", s.lower())
seen = set()
rows = []
for line in gzip.open(f"{shared}/osv-malicious.jsonl.gz", "rt"):
    v = json.loads(line)
    if v["published"] >= CUTOFF:
        continue
    for a in v["affected"]:
        eco, name = a["package"]["ecosystem"], a["package"]["name"]
        if eco not in pop or (eco, name.lower()) in seen:
            continue
        seen.add((eco, name.lower()))
        rows.append((eco, name, v["id"], v["published"][:10]))
for eco in ("PyPI", "npm"):
    names = pop[eco]
    sqs = [sq(n) for n in names]
    top = set(n.lower() for n in names)
    for e, name, mid, date in rows:
        if e != eco or name.lower() in top:
            continue
        s = sq(name)
        best = process.extractOne(s, sqs, scorer=fuzz.ratio)
        contained = next((names[i] for i, p in enumerate(sqs[:3000]) if len(p) >= 4 and p in s and p != s), "")
        if best[1] >= 80 or contained:
            print(f"{eco}\t{mid}\t{date}\t{name}\t{names[best[2]]}\t{best[1]:.0f}\t{contained}")
