//! `package-lock.json` (lockfileVersion 1, 2, 3) and `npm-shrinkwrap.json`. v2/v3 list
//! packages under `packages` keyed by install path (`node_modules/a/node_modules/b`); v1 nests
//! `dependencies`. A v2 file has both: the `packages` view wins.

use super::jsonscan::objects;
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// The [`DepSource`] of an npm `resolved` / version string.
pub(crate) fn source_of(spec: &str) -> DepSource {
    if spec.starts_with("git+")
        || spec.starts_with("git:")
        || spec.starts_with("github:")
        || spec.starts_with("git@")
    {
        DepSource::Git(spec.to_owned())
    } else if spec.starts_with("file:") || spec.starts_with("link:") {
        DepSource::Path(spec.to_owned())
    } else if spec.starts_with("http://") || spec.starts_with("https://") {
        DepSource::Url(spec.to_owned())
    } else {
        DepSource::Registry
    }
}

/// Parses a `package-lock.json` / `npm-shrinkwrap.json`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let v2 = objs.iter().any(|o| o.key().contains("node_modules/"));
    let mut out = Vec::new();
    for o in &objs {
        let Some(version) = o.get("version") else {
            continue;
        };
        let key = o.key();
        let name = if v2 {
            let Some(i) = key.rfind("node_modules/") else {
                continue;
            };
            if o.get("link") == Some("true") {
                continue;
            }
            o.get("name").unwrap_or(&key[i + "node_modules/".len()..])
        } else {
            // v1: a key under `dependencies` (or, in a fragment, an object that looks like one).
            let parent = o
                .path
                .len()
                .checked_sub(2)
                .and_then(|i| o.path.get(i))
                .map(String::as_str);
            let looks = o.get("resolved").is_some() || o.get("integrity").is_some();
            if key.is_empty() || !(parent == Some("dependencies") || (text.full.is_none() && looks))
            {
                continue;
            }
            key
        };
        let resolved = o.get("resolved").map(str::to_owned);
        let (version, source) = match source_of(version) {
            DepSource::Registry => (
                version.to_owned(),
                resolved
                    .as_deref()
                    .map(source_of)
                    .unwrap_or(DepSource::Registry),
            ),
            other => (version.to_owned(), other),
        };
        // `resolved` pointing at a registry tarball is still the registry; the integrity check
        // compares hosts against the configured registries.
        let source = match source {
            DepSource::Url(u) if u.contains("/-/") => DepSource::Registry,
            s => s,
        };
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::Npm,
                name: name.to_owned(),
                version: Some(version),
                exact: true,
                path: path.to_owned(),
                line: o.line_of("version"),
                source,
            },
            integrity: o.get("integrity").map(str::to_owned),
            resolved,
        });
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}
