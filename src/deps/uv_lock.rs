//! `uv.lock`: `[[package]]` blocks with `name`, `version` and an inline-table `source`
//! (`registry`, `git`, `url`, `path`, `directory`, `editable`, `virtual`); the project itself
//! (`editable`/`virtual` source) is not a dependency.

use super::tomlscan::{inline_value, packages};
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Parses a `uv.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let (blocks, _) = packages(text, path)?;
    let mut out = Vec::new();
    for b in blocks {
        let (Some(name), Some(version)) = (b.str("name"), b.str("version")) else {
            continue;
        };
        let raw = b.raw("source").unwrap_or("");
        if raw.contains("editable") || raw.contains("virtual") {
            continue;
        }
        let source = if let Some(r) = inline_value(raw, "registry") {
            if r.starts_with("https://pypi.org/") {
                DepSource::Registry
            } else {
                DepSource::OtherRegistry(r.to_owned())
            }
        } else if let Some(g) = inline_value(raw, "git") {
            DepSource::Git(g.to_owned())
        } else if let Some(u) = inline_value(raw, "url") {
            DepSource::Url(u.to_owned())
        } else if let Some(p) = inline_value(raw, "path").or_else(|| inline_value(raw, "directory"))
        {
            DepSource::Path(p.to_owned())
        } else {
            DepSource::Registry
        };
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::PyPI,
                name: name.to_owned(),
                version: Some(version.to_owned()),
                exact: true,
                path: path.to_owned(),
                line: b.line_of("version").or(Some(b.line)),
                source,
            },
            integrity: None,
            resolved: None,
        });
    }
    Ok(out)
}
