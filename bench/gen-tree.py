#!/usr/bin/env python3
"""Generates the synthetic benchmark tree: FILES files totalling about MB megabytes across the
8 languages the packs cover (Python, JavaScript/TypeScript, Java, Go, Ruby, PHP, C#), seeded and
reproducible. Mostly ordinary code; about one line in RATE is a line the rule fixtures
(rules/*/*, the lines after `ruleid:`) say must be flagged, so both tools have findings to
report.

usage: bench/gen-tree.py OUT_DIR [--files 2000] [--mb 50] [--rate 400] [--seed 1]"""
import argparse, glob, os, random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXT = {".py": "python", ".js": "javascript", ".ts": "typescript", ".java": "java", ".go": "go",
       ".rb": "ruby", ".php": "php", ".cs": "csharp"}
BENIGN = {
    ".py": ["def f{n}(x, y):", "    total = x + y * {n}", "    return sorted(items, key=lambda i: i.name)",
            "import logging", "logger = logging.getLogger(__name__)", "class Model{n}(Base):", "    pass",
            "    if value is None:", "        raise ValueError('bad value {n}')", "# compute the running mean"],
    ".js": ["function f{n}(a, b) {{", "  const total = a + b * {n};", "  return items.map((i) => i.name);", "}}",
            "import {{ useState }} from 'react';", "export default f{n};", "// running mean", "let x{n} = [];"],
    ".ts": ["export function f{n}(a: number, b: number): number {{", "  return a + b * {n};", "}}",
            "interface Item{n} {{ name: string; id: number }}", "const xs: Item{n}[] = [];", "// helper"],
    ".java": ["public class C{n} {{", "    private final int value = {n};", "    public int get() {{ return value; }}",
              "}}", "import java.util.List;", "    // running mean", "    List<String> names = new ArrayList<>();"],
    ".go": ["func f{n}(a, b int) int {{", "\treturn a + b*{n}", "}}", "import \"fmt\"", "var x{n} = []string{{}}",
            "// running mean", "type T{n} struct {{ Name string }}"],
    ".rb": ["def f{n}(a, b)", "  a + b * {n}", "end", "class C{n} < Base", "  attr_reader :name", "# running mean"],
    ".php": ["function f{n}($a, $b) {{", "    return $a + $b * {n};", "}}", "$items = array();", "// running mean",
             "class C{n} {{ public $name; }}"],
    ".cs": ["public class C{n} {{", "    public int Value {{ get; set; }} = {n};", "}}", "using System.Linq;",
            "// running mean", "    var names = new List<string>();"],
}


def flagged_lines():
    """Lines the rule fixtures annotate with `ruleid:`, by file extension."""
    out = {e: [] for e in EXT}
    for p in glob.glob(os.path.join(ROOT, "rules", "*", "*")):
        ext = os.path.splitext(p)[1]
        if ext == ".tsx":
            ext = ".ts"
        if ext not in out:
            continue
        lines = open(p, encoding="utf-8", errors="replace").read().splitlines()
        for i, l in enumerate(lines[:-1]):
            if "ruleid:" in l:
                out[ext].append(lines[i + 1])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--rate", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    flagged = flagged_lines()
    per_file = int(a.mb * 1024 * 1024 / a.files)
    exts = list(EXT)
    for i in range(a.files):
        ext = exts[i % len(exts)]
        d = os.path.join(a.out, f"pkg{i % 40:02d}", f"mod{i % 7}")
        os.makedirs(d, exist_ok=True)
        buf, size, n = [], 0, 0
        while size < per_file:
            if flagged[ext] and rnd.randrange(a.rate) == 0:
                line = rnd.choice(flagged[ext])
            else:
                line = rnd.choice(BENIGN[ext]).format(n=n)
            n += 1
            buf.append(line)
            size += len(line) + 1
        with open(os.path.join(d, f"file{i}{ext}"), "w", encoding="utf-8") as f:
            f.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
