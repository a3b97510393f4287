//! Build script.
//!
//! - Rebuild when the built-in rule packs change: `rules::BUILTIN` embeds `rules/` with
//!   `include_dir!`, which cargo does not track by itself.
//! - Parse the built-in rule packs into `OUT_DIR/builtin-rules.json` (each file's raw rules with
//!   the sha256 of its text) and `OUT_DIR/builtin-literals.json` (the required literals of every
//!   regex they name), which `src/rules/builtin.rs` embeds: the built-in packs then cost no YAML parse at run time, and no
//!   parsed-rule cache exists that a change's code could write to (issue 16, item 5). The types
//!   and the literal extraction are the library's own files, included below.
//! - Prebuild the typosquat popular-list indexes (`src/checks/typosquat/index.rs`) into
//!   `OUT_DIR`, where `popular.rs` embeds them with `include_bytes!`: building them at run time
//!   cost about 100 ms per list on every `check` that adds a dependency.
// A build script talks to cargo on stdout and reports failures on stderr; the library's
// modules it compiles with `#[path]` keep the `pub` items the library exports.
#![allow(clippy::print_stdout, clippy::print_stderr, unreachable_pub)]

use std::path::Path;

#[allow(dead_code)]
#[path = "src/checks/typosquat/keys.rs"]
mod keys;

#[allow(dead_code)]
#[path = "src/checks/typosquat/index.rs"]
mod index;

#[allow(dead_code)]
#[path = "src/rules/schema.rs"]
mod schema;

#[allow(dead_code)]
#[path = "src/rules/literals.rs"]
mod literals;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=data/popular");
    println!("cargo:rerun-if-changed=src/checks/typosquat/keys.rs");
    println!("cargo:rerun-if-changed=src/checks/typosquat/index.rs");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    println!("cargo:rerun-if-changed=src/rules/literals.rs");
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    let Some(out) = out else {
        fail("OUT_DIR is not set (build.rs must run under cargo)");
    };
    for (list, reg, file) in [
        ("crates.txt", keys::Registry::Crates, "popular-crates.idx"),
        ("npm.txt", keys::Registry::Npm, "popular-npm.idx"),
        ("pypi.txt", keys::Registry::PyPI, "popular-pypi.idx"),
    ] {
        let src = Path::new("data/popular").join(list);
        let text = std::fs::read_to_string(&src)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", src.display())));
        let bytes = index::build(reg, &text);
        let dst = out.join(file);
        std::fs::write(&dst, bytes).unwrap_or_else(|e| fail(&format!("{}: {e}", dst.display())));
    }
    parse_builtin_rules(&out);
}

/// Writes the parsed built-in rule packs (see the module documentation). A file that does not
/// parse is left out: the library then parses it at run time and reports the error as it does
/// for any rule file.
fn parse_builtin_rules(out: &Path) {
    use sha2::{Digest, Sha256};

    let mut paths = Vec::new();
    rule_files(Path::new("rules"), &mut paths);
    paths.sort();
    let mut files = Vec::new();
    let mut regexes = std::collections::BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        // As `rules::compile::parse_yaml` reads a rule file.
        let Ok(raw) = serde_saphyr::from_str::<schema::RawFile>(&text) else {
            continue;
        };
        let rules: Vec<(usize, schema::RawRule)> = raw
            .rules
            .into_iter()
            .map(|s| (s.referenced.line() as usize, s.value))
            .collect();
        let mut sources = Vec::new();
        for (_, r) in &rules {
            r.leaf_sources(&mut sources);
        }
        regexes.extend(sources);
        let sha: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        files.push(serde_json::json!({
            "path": path.to_string_lossy(),
            "sha256": sha,
            "rules": rules,
        }));
    }
    let json = serde_json::json!({ "files": files });
    write_json(&out.join("builtin-rules.json"), &json);
    // As `rules::regexes::Leaf::literals` computes them; sets with a literal that is not UTF-8
    // (cut inside a character) are left out and extracted at run time.
    let mut sets = serde_json::Map::new();
    for source in regexes {
        let lits = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&source)
            .ok()
            .and_then(|h| literals::required_literals(&h));
        let value = match lits {
            None => serde_json::Value::Null,
            Some(v) => match v
                .into_iter()
                .map(String::from_utf8)
                .collect::<Result<Vec<String>, _>>()
            {
                Ok(strings) => serde_json::json!(strings),
                Err(_) => continue,
            },
        };
        sets.insert(source, value);
    }
    write_json(&out.join("builtin-literals.json"), &sets.into());
}

fn write_json(dst: &Path, json: &serde_json::Value) {
    let bytes = serde_json::to_vec(json).unwrap_or_else(|e| fail(&format!("rules: {e}")));
    std::fs::write(dst, bytes).unwrap_or_else(|e| fail(&format!("{}: {e}", dst.display())));
}

/// Rule files under `dir`, as `rules::sources::is_rule_file` picks them.
fn rule_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())))
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            rule_files(&path, out);
        } else if (name.ends_with(".yaml") || name.ends_with(".yml"))
            && !name.ends_with(".test.yaml")
            && !name.ends_with(".test.yml")
        {
            out.push(path);
        }
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("guardrail build script: {msg}");
    std::process::exit(1);
}
