#!/usr/bin/env python3
"""Writes the small seed corpora in fuzz/corpus/<target>/ from the repository's own fixtures,
../shared/data and hand-written samples. Run once; the output is committed. Re-running
overwrites seed-* files only (files libFuzzer added are kept)."""
import glob, gzip, io, json, os, re, subprocess, sys, tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 4096


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + re.sub(r"[^A-Za-z0-9._-]", "_", name)), "wb") as f:
        f.write(data[:MAX])


def head(data, n=MAX):
    """First n bytes cut at a line end."""
    if len(data) <= n:
        return data
    cut = data.rfind(b"\n", 0, n)
    return data[: cut + 1 if cut > 0 else n]


# diff: real commits of this repository plus edge cases.
log = subprocess.run(["git", "-C", ROOT, "log", "-p", "-n", "3", "--format=", "--", "src/diff.rs", "README.md"],
                     capture_output=True).stdout
for i, part in enumerate(re.split(rb"(?m)^(?=diff --git )", log)[1:15]):
    put("diff", f"git-{i}", head(part))
put("diff", "rename", "diff --git a/x b/y\nsimilarity index 90%\nrename from x\nrename to y\n--- a/x\n+++ b/y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
put("diff", "binary", "diff --git a/i.png b/i.png\nnew file mode 100644\nindex 0000000..e69de29\nBinary files /dev/null and b/i.png differ\n")
put("diff", "quoted", 'diff --git "a/\\303\\244 b.txt" "b/\\303\\244 b.txt"\n--- "a/\\303\\244 b.txt"\n+++ "b/\\303\\244 b.txt"\n@@ -1 +1 @@\n-x\n+y\n\\ No newline at end of file\n')
put("diff", "plain-u", "--- old.py\t2024-01-01 00:00:00\n+++ new.py\t2024-01-02 00:00:00\n@@ -0,0 +1,3 @@\n+import os\n+os.system(cmd)\n+eval(x)\n")
put("diff", "crlf", "diff --git a/a.js b/a.js\r\n--- a/a.js\r\n+++ b/a.js\r\n@@ -1,1 +1,2 @@\r\n a\r\n+eval(req.query.x)\r\n")
put("diff", "lying-counts", "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,5 +1,900000000 @@\n+x\n")
put("diff", "mode", "diff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\n")
put("diff", "delete", "diff --git a/d b/d\ndeleted file mode 100644\n--- a/d\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n")

# config: the README's example and variations.
readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
m = re.search(r"## Configuration: `.guardrail.yml`.*?```yaml\n(.*?)```", readme, re.S)
if m:
    put("config", "readme", m.group(1))
put("config", "empty", "")
put("config", "min", "version: 1\n")
put("config", "severity", "severity:\n  kind:secret: red\n  x: off\nexclude: ['**/*.min.js']\n")
put("config", "ignore", "ignore:\n  - rule: RUSTSEC-2020-0071\n    reason: r\n    expires: 2030-01-01\n")
put("config", "anchors", "a: &a [1,2]\nseverity: {x: red}\nexclude: *a\n")
put("config", "limits", "limits:\n  max-file-bytes: 1\n  max-diff-bytes: 18446744073709551615\n")
put("config", "bad", "rules: [\n")

# rules: each built-in rule file (cut to one or two rules).
for p in sorted(glob.glob(os.path.join(ROOT, "rules", "*", "*.yaml"))):
    data = open(p, "rb").read()
    rules = re.split(rb"(?m)^  - id: ", data)
    first = rules[0] + b"  - id: " + rules[1] if len(rules) > 1 else data
    put("rules", os.path.relpath(p, ROOT), head(first))
put("rules", "pattern-either", "rules:\n  - id: x\n    languages: [python]\n    severity: ERROR\n    message: m\n    pattern-regex: '(a+)+$'\n")

# deps: shared lockfiles (heads) and hand-written samples of every format.
def shared(rel):
    p = os.path.join(SHARED, "lockfiles", rel)
    return open(p, "rb").read() if os.path.exists(p) else b""

put("deps_cargo_lock", "ruff", head(shared("cargo-ruff-2022-12-29/Cargo.lock")))
put("deps_cargo_lock", "ripgrep", head(shared("cargo-ripgrep-11.0.0/Cargo.lock")))
put("deps_cargo_lock", "own", head(open(os.path.join(ROOT, "Cargo.lock"), "rb").read(), 2048))
put("deps_cargo_lock", "git", '[[package]]\nname = "x"\nversion = "0.1.0"\nsource = "git+https://example.com/x?rev=abc#abc"\n')
put("deps_poetry_lock", "poetry", head(shared("pypi-poetry-1.1.0/poetry.lock")))
put("deps_requirements", "dvpwa", shared("pypi-dvpwa/requirements.txt"))
put("deps_requirements", "mixed", "-r base.txt\n--index-url https://x/simple\nrequests[socks]>=2.0 ; python_version<'3.8'\nflask==2.0.1 --hash=sha256:abc\ngit+https://github.com/a/b@v1#egg=b\n./local\n")
put("deps_cargo_toml", "own", head(open(os.path.join(ROOT, "Cargo.toml"), "rb").read()))
put("deps_cargo_toml", "tables", '[dependencies]\nserde = { version = "1", features = ["derive"] }\nfoo = { git = "https://x/foo" }\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n[dev-dependencies.bar]\nversion = "=1.2.3"\n')
put("deps_package_json", "basic", json.dumps({"name": "a", "dependencies": {"lodash": "^4.17.15", "x": "git+https://x/y.git", "@s/p": "npm:other@1"}, "devDependencies": {"jest": "29"}}, indent=2))
put("deps_package_lock", "v3", json.dumps({"name": "a", "lockfileVersion": 3, "packages": {"": {"dependencies": {"lodash": "^4"}}, "node_modules/lodash": {"version": "4.17.15", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz", "integrity": "sha512-abc"}, "node_modules/a/node_modules/b": {"version": "1.0.0"}}}, indent=2))
put("deps_package_lock", "v1", json.dumps({"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "requires": {"b": "1"}, "dependencies": {"b": {"version": "1.0.1"}}}}}, indent=2))
put("deps_yarn_lock", "v1", '# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.1.2"\n  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.2.tgz#abc"\n  integrity sha512-xyz\n  dependencies:\n    debug "^4.1.0"\n\nlodash@^4:\n  version "4.17.21"\n')
put("deps_yarn_lock", "berry", '__metadata:\n  version: 6\n\n"lodash@npm:^4.17.21":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n  checksum: abc\n')
put("deps_pnpm_lock", "v6", "lockfileVersion: '6.0'\n\ndependencies:\n  lodash:\n    specifier: ^4.17.21\n    version: 4.17.21\n\npackages:\n\n  /lodash@4.17.21:\n    resolution: {integrity: sha512-v2kDE}\n    dev: false\n\n  /@scope/pkg@1.0.0(react@18.0.0):\n    resolution: {tarball: https://x/y.tgz}\n")
put("deps_pnpm_lock", "v9", "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: 1\n        version: 1.0.0\n\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n\nsnapshots:\n  a@1.0.0: {}\n")
put("deps_pyproject", "pep621", '[project]\nname = "x"\ndependencies = ["requests>=2", "flask==2.0.1"]\n[project.optional-dependencies]\ndev = ["pytest"]\n[tool.poetry.dependencies]\npython = "^3.9"\ndjango = { version = "3.2", optional = true }\n')
put("deps_pipfile_lock", "basic", json.dumps({"_meta": {"hash": {"sha256": "x"}}, "default": {"requests": {"version": "==2.24.0", "hashes": ["sha256:a"]}}, "develop": {"pytest": {"version": "==6.0.0"}}}, indent=4))
put("deps_uv_lock", "basic", 'version = 1\n\n[[package]]\nname = "requests"\nversion = "2.24.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://x/r.tar.gz", hash = "sha256:a" }\n\n[[package]]\nname = "x"\nversion = "0.1.0"\nsource = { git = "https://x/y?rev=1#1" }\n')
put("deps_go_mod", "basic", "module example.com/m\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.0.0-20190620200207-3b0461eec859\n\tgithub.com/a/b v1.2.3 // indirect\n)\n\nrequire github.com/c/d v2.0.0+incompatible\n\nreplace github.com/a/b => ../b\n")
put("deps_go_sum", "basic", "golang.org/x/net v0.0.0-20190620200207-3b0461eec859 h1:abc=\ngolang.org/x/net v0.0.0-20190620200207-3b0461eec859/go.mod h1:def=\n")

# advisories: real OSV JSON / YAML / RustSec records.
def tar_members(name, pattern, n):
    p = os.path.join(SHARED, name)
    out = []
    with tarfile.open(p) as t:
        for m in t:
            if m.isfile() and re.search(pattern, m.name):
                out.append((os.path.basename(m.name), t.extractfile(m).read()))
                if len(out) >= n:
                    break
    return out

for name, data in tar_members("osv-crates.tar.gz", r"RUSTSEC-.*\.json$", 12):
    put("osv_json", name, head(data))
    put("advisory_import", "json-" + name, b"\x02" + head(data))
for name, data in tar_members("osv-pypi.tar.gz", r"PYSEC-.*\.yaml$", 12):
    put("osv_yaml", name, head(data))
    put("advisory_import", "yaml-" + name, b"\x03" + head(data))
for name, data in tar_members("rustsec-advisory-db.tar.gz", r"crates/.*/RUSTSEC-.*\.md$", 12):
    put("rustsec", name, head(data))
    put("advisory_import", "md-" + name, b"\x04" + head(data))
with gzip.open(os.path.join(SHARED, "osv-malicious.jsonl.gz")) as g:
    lines = [g.readline() for _ in range(5)]
put("advisory_import", "mal-jsonl", b"\x00" + b"".join(lines))
put("advisory_import", "mal-jsonl-gz", b"\x01" + gzip.compress(b"".join(lines)))

# package caches: a cargo index cache file (layout version 3) and an npm _cacache bucket.
cache = b"\x03\x02\x00\x00\x00etag: \"x\"\x00"
for v, y in [("1.0.0", "false"), ("1.0.1", "true"), ("1.1.0-rc.1", "false")]:
    cache += v.encode() + b"\x00" + ('{"name":"left-pad","vers":"%s","deps":[],"cksum":"00","features":{"yanked":[]},"yanked":%s}' % (v, y)).encode() + b"\x00"
put("package_caches", "cargo", b"\x00" + cache)
key = "make-fetch-happen:request-cache:https://registry.npmjs.org/left-pad"
bucket = "".join("\n" + "0" * 40 + "\t" + json.dumps({"key": key, "integrity": integ, "time": 1, "size": 2, "metadata": {}})
                 for integ in [None, "sha512-mvznlC2MvCzbt0oIgaPmpHizJFMgbae0dKh/Z2QZ5x9sgY0gH1IAQwVgderM2yDNU+l3J4sY6tHuM+Rh+bq0+g=="])
put("package_caches", "npm", b"\x01" + bucket.encode())
put("package_caches", "go-mod", b"\x02" + b"module example.com/lib\n\n// Bad.\nretract (\n\tv1.0.0 // why\n\t[v1.1.0, v1.1.5]\n\t\"v1.2.0\"\n)\nretract v0.9.0\n")
put("package_caches", "go-list", b"\x02" + b"v1.0.0\nv1.1.0\nv2.0.0+incompatible\nv1.2.0-rc.1\n")
put("package_caches", "go-info", b"\x02" + b'{"Version":"v1.2.0","Time":"2024-01-01T00:00:00Z"}')
