//! `Pipfile.lock`: `default` and `develop` maps of name → `{ "version": "==x", "hashes": […] }`
//! (or `git` / `file` / `path` entries).

use super::jsonscan::objects;
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Parses a `Pipfile.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let mut out = Vec::new();
    for o in &objs {
        let parent = o
            .path
            .len()
            .checked_sub(2)
            .and_then(|i| o.path.get(i))
            .map(String::as_str);
        let in_section = matches!(parent, Some("default") | Some("develop"));
        let version = o.get("version");
        let source = if let Some(g) = o.get("git") {
            DepSource::Git(g.to_owned())
        } else if let Some(p) = o.get("path").or_else(|| o.get("file")) {
            DepSource::Path(p.to_owned())
        } else if let Some(i) = o.get("index").filter(|i| *i != "pypi") {
            DepSource::OtherRegistry(i.to_owned())
        } else {
            DepSource::Registry
        };
        let fragment_like = text.full.is_none() && version.is_some_and(|v| v.starts_with("=="));
        if !(in_section || fragment_like) || o.key().is_empty() {
            continue;
        }
        if version.is_none() && source == DepSource::Registry {
            continue;
        }
        let exact = version.is_some_and(|v| v.starts_with("==") && !v.contains('*'));
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::PyPI,
                name: o.key().to_owned(),
                version: version.map(|v| v.trim_start_matches("==").to_owned()),
                exact,
                path: path.to_owned(),
                line: o.line_of("version").or(Some(o.line)),
                source,
            },
            integrity: None,
            resolved: None,
        });
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}
