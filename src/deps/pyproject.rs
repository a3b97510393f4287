//! `pyproject.toml`: PEP 621 `project.dependencies` / `project.optional-dependencies` (PEP 508
//! strings), Poetry's `[tool.poetry.dependencies]` / `dev-dependencies` / `group.*` tables, and
//! uv's `[tool.uv.sources]` (a git, URL or path source for a dependency declared elsewhere).

use super::requirements::parse_requirement;
use super::tomlscan::{check_syntax, inline_value};
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

fn poetry_table(h: &str) -> bool {
    h == "tool.uv.sources"
        || h == "tool.poetry.dependencies"
        || h == "tool.poetry.dev-dependencies"
        || (h.starts_with("tool.poetry.group.") && h.ends_with(".dependencies"))
}

/// Parses a `pyproject.toml`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    if let Some(full) = text.full {
        check_syntax(full, path)?;
    }
    let mut out = Vec::new();
    let mut section = String::new();
    // Inside a `dependencies = [` array of PEP 508 strings.
    let mut in_array = false;
    for &(no, raw) in &text.lines {
        let line = raw.trim();
        if line.starts_with('[') && !in_array {
            section = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let pep621 = section == "project"
            || section == "project.optional-dependencies"
            || section == "dependency-groups";
        if pep621 {
            let mut rest = line;
            if !in_array {
                let Some((k, v)) = line.split_once('=') else {
                    continue;
                };
                let k = k.trim();
                if section == "project" && k != "dependencies" {
                    continue;
                }
                let v = v.trim();
                if !v.starts_with('[') {
                    continue;
                }
                in_array = true;
                rest = &v[1..];
            }
            // Every quoted string on the line is one requirement.
            let mut s = rest;
            while let Some(start) = s.find(['"', '\'']) {
                let q = s.as_bytes()[start] as char;
                let Some(len) = s[start + 1..].find(q) else {
                    break;
                };
                let req = &s[start + 1..start + 1 + len];
                if let Some(mut e) = parse_requirement(req, path, no) {
                    e.dep.path = path.to_owned();
                    out.push(e);
                }
                s = &s[start + len + 2..];
            }
            if s.contains(']') {
                in_array = false;
            }
            continue;
        }
        if poetry_table(&section) {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let name = k.trim().trim_matches('"');
            if name.eq_ignore_ascii_case("python") {
                continue;
            }
            let v = v.trim();
            if section == "tool.uv.sources" && !v.starts_with('{') {
                continue;
            }
            let (req, source) = if v.starts_with('"') {
                (super::quoted(v), DepSource::Registry)
            } else {
                let src = if let Some(g) = inline_value(v, "git") {
                    DepSource::Git(g.to_owned())
                } else if let Some(p) = inline_value(v, "path") {
                    DepSource::Path(p.to_owned())
                } else if let Some(u) = inline_value(v, "url") {
                    DepSource::Url(u.to_owned())
                } else {
                    DepSource::Registry
                };
                (inline_value(v, "version"), src)
            };
            let exact = req.is_some_and(|r| {
                let r = r.trim();
                r.starts_with("==") || r.chars().next().is_some_and(|c| c.is_ascii_digit())
            });
            out.push(Entry::new(Dep {
                ecosystem: Ecosystem::PyPI,
                name: name.to_owned(),
                version: req.map(|r| {
                    if exact {
                        r.trim().trim_start_matches("==").to_owned()
                    } else {
                        r.to_owned()
                    }
                }),
                exact: exact && !req.is_some_and(|r| r.contains('*') || r.contains(',')),
                path: path.to_owned(),
                line: Some(no),
                source,
            }));
        }
    }
    Ok(out)
}
