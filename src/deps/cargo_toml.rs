//! `Cargo.toml`: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
//! `[target.….*]` and `[workspace.dependencies]` forms, inline tables and `[dependencies.name]`
//! tables, and `[patch.<registry>]` / `[replace]` entries (they swap a dependency's source for a
//! git repository or a path under every crate that depends on it). Requirements are not exact
//! unless written `=x.y.z`.

use super::tomlscan::{check_syntax, inline_value};
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

fn is_dep_table(h: &str) -> bool {
    if h == "replace" || (h.starts_with("patch.") && h.matches('.').count() == 1) {
        return true;
    }
    let last = h.rsplit('.').next().unwrap_or(h);
    matches!(
        last,
        "dependencies"
            | "dev-dependencies"
            | "build-dependencies"
            | "dev_dependencies"
            | "build_dependencies"
    )
}

fn dep(name: &str, req: Option<&str>, source: DepSource, path: &str, line: u32) -> Entry {
    let (version, exact) = match req {
        Some(r) => match r.trim().strip_prefix('=') {
            Some(v) if !v.starts_with('=') => (Some(v.trim().to_owned()), true),
            _ => (Some(r.trim().to_owned()), false),
        },
        None => (None, false),
    };
    Entry::new(Dep {
        ecosystem: Ecosystem::CratesIo,
        name: name.to_owned(),
        version,
        exact,
        path: path.to_owned(),
        line: Some(line),
        source,
    })
}

fn source_of(raw: &str) -> DepSource {
    if let Some(g) = inline_value(raw, "git") {
        DepSource::Git(g.to_owned())
    } else if let Some(p) = inline_value(raw, "path") {
        DepSource::Path(p.to_owned())
    } else if let Some(r) =
        inline_value(raw, "registry").or_else(|| inline_value(raw, "registry-index"))
    {
        DepSource::OtherRegistry(r.to_owned())
    } else {
        DepSource::Registry
    }
}

type Named = (String, u32, Option<(String, u32)>, String);

/// Parses a `Cargo.toml`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    if let Some(full) = text.full {
        check_syntax(full, path)?;
    }
    let mut out = Vec::new();
    let mut in_table = false;
    // Inside `[dependencies.name]`: (name, header line, version and its line, fields so far).
    let mut named: Option<Named> = None;
    let flush = |named: &mut Option<Named>, out: &mut Vec<Entry>| {
        if let Some((name, hline, ver, raw)) = named.take() {
            let line = ver.as_ref().map(|v| v.1).unwrap_or(hline);
            let real = inline_value(&raw, "package")
                .map(str::to_owned)
                .unwrap_or(name);
            out.push(dep(
                &real,
                ver.as_ref().map(|v| v.0.as_str()),
                source_of(&raw),
                path,
                line,
            ));
        }
    };
    for &(no, raw) in &text.lines {
        let line = raw.trim();
        if line.starts_with('[') {
            flush(&mut named, &mut out);
            let h = line.trim_matches(|c| c == '[' || c == ']').trim();
            in_table = is_dep_table(h);
            if !in_table {
                // `[dependencies.serde]` / `[target.x.dependencies.serde]`
                if let Some((table, name)) = h.rsplit_once('.').filter(|(t, _)| *t != "patch") {
                    if is_dep_table(table) {
                        named = Some((name.trim_matches('"').to_owned(), no, None, String::new()));
                    }
                }
            }
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let key = k.trim().trim_matches('"');
        let val = v.trim();
        if let Some(n) = named.as_mut() {
            if key == "version" {
                n.2 = super::quoted(val).map(|s| (s.to_owned(), no));
            }
            n.3.push_str(&format!("{key} = {val}, "));
            continue;
        }
        if !in_table {
            continue;
        }
        if val.starts_with('"') {
            out.push(dep(key, super::quoted(val), DepSource::Registry, path, no));
        } else if val.starts_with('{') {
            let real = inline_value(val, "package").unwrap_or(key);
            if val.contains("workspace")
                && inline_value(val, "version").is_none()
                && !val.contains("git")
                && !val.contains("path")
            {
                // `foo = { workspace = true }`: declared in the workspace root.
                continue;
            }
            out.push(dep(
                real,
                inline_value(val, "version"),
                source_of(val),
                path,
                no,
            ));
        }
    }
    flush(&mut named, &mut out);
    Ok(out)
}
