//! `poetry.lock`: `[[package]]` blocks with `name`, `version` and an optional
//! `[package.source]` (git, url, file, directory, or a legacy index).

use super::tomlscan::packages;
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Parses a `poetry.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let (blocks, _) = packages(text, path)?;
    let mut out = Vec::new();
    for b in blocks {
        let (Some(name), Some(version)) = (b.str("name"), b.str("version")) else {
            continue;
        };
        let url = b.str("source.url").unwrap_or("").to_owned();
        let source = match b.str("source.type") {
            Some("git") => DepSource::Git(url),
            Some("url") => DepSource::Url(url),
            Some("file") | Some("directory") => DepSource::Path(url),
            Some("legacy") => DepSource::OtherRegistry(url),
            _ => DepSource::Registry,
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
