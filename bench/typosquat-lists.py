#!/usr/bin/env python3
"""Regenerates data/popular/{crates,npm,pypi}.txt from the shared snapshots (see
data/popular/README.md). Usage: python3 bench/typosquat-lists.py [SHARED_POPULAR_DIR]"""
import csv, json, sys, os

src = (sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data', 'popular')) + '/'
out = os.path.join(os.path.dirname(__file__), '..', 'data', 'popular') + '/'

# crates.io: the top-20k csv in rank order, then rust-search-extension names not already present
# (crates.io compares names case-insensitively and with '-' == '_').
names, seen = [], set()
with open(src + 'crates-top20k-2024-03-18.csv') as f:
    for row in csv.DictReader(f):
        n = row['name'].strip()
        k = n.lower().replace('_', '-')
        if n and k not in seen:
            seen.add(k); names.append(n)
ranked = len(names)
extra = []
for line in open(src + 'crates-rust-search-extension-2025-02.txt'):
    n = line.strip(); k = n.lower().replace('_', '-')
    if n and k not in seen:
        seen.add(k); extra.append(n)
extra.sort()
with open(out + 'crates.txt', 'w') as f:
    f.write('# guardrail popular crates: lines 1-%d ranked by downloads (crates.io dump 2024-03-18), then unranked names from rust-search-extension (2025-02), sorted\n' % ranked)
    f.write('#ranked %d\n' % ranked)
    for n in names + extra:
        f.write(n + '\n')

# npm: by downloads, then the packages that are high-impact by dependents only.
names, seen = [], set()
for line in open(src + 'npm-high-impact-top-download.txt'):
    n = line.strip()
    if n and n not in seen:
        seen.add(n); names.append(n)
ranked = len(names); extra = []
for line in open(src + 'npm-high-impact-top.txt'):
    n = line.strip()
    if n and n not in seen:
        seen.add(n); extra.append(n)
with open(out + 'npm.txt', 'w') as f:
    f.write("# guardrail popular npm packages: lines 1-%d ranked by downloads (wooorm/npm-high-impact top-download), then packages high-impact by dependents only, in that list's order\n" % ranked)
    f.write('#ranked %d\n' % ranked)
    for n in names + extra:
        f.write(n + '\n')

# PyPI: by 30-day downloads, with the count.
d = json.load(open(src + 'top-pypi-packages.min.json'))
rows = d['rows']
with open(out + 'pypi.txt', 'w') as f:
    f.write('# guardrail popular PyPI projects: ranked by downloads over 30 days (hugovk/top-pypi-packages, %s); columns: name, downloads\n' % d['last_update'])
    f.write('#ranked %d\n' % len(rows))
    for r in rows:
        f.write('%s\t%d\n' % (r['project'], r['download_count']))
