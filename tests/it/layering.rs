//! The layer table in the crate docs (`src/lib.rs`) holds: no module imports one of its own
//! layer or of a higher one. Reads the table and every `crate::` path in the library's sources
//! (code, not comments), so the table a newcomer reads is the one that is enforced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `module path → layer` from the `| N | `a`, `b` | … |` rows of `src/lib.rs`.
fn layer_table(lib_rs: &str) -> BTreeMap<String, u32> {
    let mut table = BTreeMap::new();
    for line in lib_rs.lines() {
        let Some(row) = line.strip_prefix("//! |") else {
            continue;
        };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(Ok(layer)) = cells.first().map(|c| c.parse::<u32>()) else {
            continue;
        };
        for module in cells[1].split(',') {
            let module = module.trim().trim_matches('`');
            assert!(!module.is_empty(), "empty module name in row {line:?}");
            assert!(
                table.insert(module.to_owned(), layer).is_none(),
                "{module} is listed twice in the layer table"
            );
        }
    }
    table
}

/// The entry of the table a module path belongs to: the longest listed prefix.
fn owner<'t>(table: &'t BTreeMap<String, u32>, path: &[&str]) -> Option<(&'t str, u32)> {
    (1..=path.len()).rev().find_map(|n| {
        let key = path[..n].join("::");
        table.get_key_value(&key).map(|(k, v)| (k.as_str(), *v))
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `src/a/b.rs` → `a::b`, `src/a/mod.rs` → `a`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

/// Every `crate::a::b…` path in the code of `text` (line comments and doc comments left out),
/// with its 1-based line. `use crate::{a, b::c}` yields each branch.
fn crate_paths(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            rest = &rest[at + "crate::".len()..];
            // `guardrail_crate::` or `$crate::` are not ours.
            if before
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for branch in inner.split(',') {
                    let segs = segments(branch.trim());
                    if !segs.is_empty() {
                        out.push((i + 1, segs));
                    }
                }
                continue;
            }
            out.push((i + 1, segments(rest)));
        }
    }
    out
}

fn segments(s: &str) -> Vec<String> {
    let mut segs = Vec::new();
    let mut rest = s;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segs.push(rest[..end].to_owned());
        match rest[end..].strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    segs
}

#[test]
fn no_module_imports_its_own_layer_or_a_higher_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let table = layer_table(&lib);
    assert!(table.len() >= 15, "layer table not found in src/lib.rs");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let module = module_of(&src, file);
        // The binary (`main.rs`, `cmd/`) is the edge above every layer.
        if module.is_empty()
            || module == ["lib"]
            || module == ["main"]
            || module.first().is_some_and(|m| m == "cmd")
        {
            continue;
        }
        let path: Vec<&str> = module.iter().map(String::as_str).collect();
        let Some((from, from_layer)) = owner(&table, &path) else {
            problems.push(format!(
                "{}: module {} is not in the layer table of src/lib.rs",
                file.display(),
                module.join("::")
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, target) in crate_paths(&text) {
            let t: Vec<&str> = target.iter().map(String::as_str).collect();
            let Some((to, to_layer)) = owner(&table, &t) else {
                continue;
            };
            checked += 1;
            if to != from && to_layer >= from_layer {
                problems.push(format!(
                    "{}:{line}: {from} (layer {from_layer}) imports crate::{} ({to}, layer {to_layer})",
                    file.strip_prefix(root).unwrap().display(),
                    target.join("::")
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} imports read: the scanner is broken"
    );
    assert!(
        problems.is_empty(),
        "imports against the layer table:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_reads_grouped_and_nested_paths_and_skips_comments() {
    let text = "use crate::{a::B, c};\n// crate::x::y\nlet v = crate::d::e::f(); /// crate::z\n";
    let got: Vec<(usize, String)> = crate_paths(text)
        .into_iter()
        .map(|(l, s)| (l, s.join("::")))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "a::B".to_owned()),
            (1, "c".to_owned()),
            (3, "d::e::f".to_owned())
        ]
    );
    let table = layer_table("//! | 0 | `a` | x |\n//! | 2 | `a::b`, `c` | y |\n");
    assert_eq!(owner(&table, &["a", "b", "q"]), Some(("a::b", 2)));
    assert_eq!(owner(&table, &["a", "q"]), Some(("a", 0)));
    assert_eq!(owner(&table, &["z"]), None);
}
