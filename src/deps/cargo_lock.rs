//! `Cargo.lock`, formats v1 (no `version` header, checksums in `[metadata]`) to v4. Packages
//! without a `source` are the workspace's own crates and are not dependencies.

use super::tomlscan::packages;
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// crates.io's index, in every spelling Cargo writes.
pub(crate) fn is_crates_io(source: &str) -> bool {
    source == "registry+https://github.com/rust-lang/crates.io-index"
        || source == "sparse+https://index.crates.io/"
}

/// The [`DepSource`] of a Cargo `source` string.
pub(crate) fn source_of(source: &str) -> DepSource {
    if is_crates_io(source) {
        DepSource::Registry
    } else if let Some(g) = source.strip_prefix("git+") {
        DepSource::Git(g.to_owned())
    } else if let Some(r) = source
        .strip_prefix("registry+")
        .or_else(|| source.strip_prefix("sparse+"))
    {
        DepSource::OtherRegistry(r.to_owned())
    } else if let Some(p) = source.strip_prefix("path+") {
        DepSource::Path(p.to_owned())
    } else {
        DepSource::OtherRegistry(source.to_owned())
    }
}

/// Parses a `Cargo.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let (blocks, meta) = packages(text, path)?;
    let mut out = Vec::new();
    for b in blocks {
        let (Some(name), Some(version)) = (b.str("name"), b.str("version")) else {
            continue;
        };
        let Some(source) = b.str("source") else {
            continue;
        };
        let integrity = b.str("checksum").map(str::to_owned).or_else(|| {
            let key = format!("checksum {name} {version} ({source})");
            meta.fields
                .get(&key)
                .and_then(|(v, _)| super::quoted(v))
                .map(str::to_owned)
        });
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::CratesIo,
                name: name.to_owned(),
                version: Some(version.to_owned()),
                exact: true,
                path: path.to_owned(),
                line: b.line_of("version").or(Some(b.line)),
                source: source_of(source),
            },
            integrity,
            resolved: None,
        });
    }
    Ok(out)
}
