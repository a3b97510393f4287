//! `gradle.lockfile` (Gradle dependency locking): one `group:artifact:version=configurations`
//! line per resolved module, `empty=…` for configurations without dependencies, `#` comments.

use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Parses a `gradle.lockfile`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let strict = text.full.is_some();
    let mut out = Vec::new();
    for &(no, raw) in &text.lines {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("empty=") {
            continue;
        }
        let coords = t.split_once('=').map_or(t, |(c, _)| c);
        let parts: Vec<&str> = coords.split(':').collect();
        let ok = t.contains('=')
            && parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c))
            });
        if !ok {
            if strict {
                return Err(parse_error(
                    path,
                    Some(no as usize),
                    "expected `group:artifact:version=configurations`",
                ));
            }
            continue;
        }
        out.push(Entry::new(Dep {
            ecosystem: Ecosystem::Maven,
            name: format!("{}:{}", parts[0], parts[1]),
            version: Some(parts[2].to_owned()),
            exact: true,
            path: path.to_owned(),
            line: Some(no),
            source: DepSource::Registry,
        }));
    }
    Ok(out)
}
