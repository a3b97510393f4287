//! `yarn.lock`, classic v1 (`version "x"`, `resolved "url#sha1"`, `integrity …`) and berry
//! (YAML: `version: x`, `resolution: "name@npm:x"`, `checksum: …`). Workspace entries of berry
//! are the project itself and are skipped.

use super::package_lock::source_of;
use super::{parse_error, Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// The package name of a yarn spec (`@scope/name@^1`, `name@npm:^1`).
pub(crate) fn spec_name(spec: &str) -> &str {
    let s = spec.trim().trim_matches('"');
    match super::version_at(s) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// The real package of an npm alias spec (`string-width-cjs@npm:string-width@^4.2.0` installs
/// `string-width`): the lock entry, its `resolved` tarball and its advisories are that package's.
fn alias_target(spec: &str) -> Option<&str> {
    let s = spec.trim().trim_matches('"');
    let i = super::version_at(s)?;
    let target = s[i + 1..].strip_prefix("npm:")?;
    let j = super::version_at(target)?;
    Some(&target[..j])
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

struct Pending {
    name: String,
    header_line: u32,
    version: Option<(String, u32)>,
    resolved: Option<String>,
    resolution: Option<String>,
    integrity: Option<String>,
}

/// Parses a `yarn.lock`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let berry = text
        .lines
        .iter()
        .any(|(_, l)| l.starts_with("__metadata:") || l.trim_start().starts_with("resolution: "));
    if let (Some(full), true) = (text.full, berry) {
        crate::config::from_yaml::<serde_json::Value>(full, std::path::Path::new(path))?;
    }
    let mut out = Vec::new();
    let mut cur: Option<Pending> = None;
    let finish = |p: Pending, out: &mut Vec<Entry>| {
        let Some((version, vline)) = p.version else {
            return;
        };
        let res = p.resolution.as_deref().unwrap_or("");
        if res.contains("@workspace:") || version == "0.0.0-use.local" {
            return;
        }
        let source = if let Some(r) = &p.resolved {
            match source_of(r) {
                DepSource::Url(u) if u.contains("/-/") => DepSource::Registry,
                s => s,
            }
        } else if res.contains("@npm:") || res.is_empty() {
            DepSource::Registry
        } else if res.contains("#commit=") || res.contains("@git") || res.contains("@github:") {
            DepSource::Git(res.to_owned())
        } else if res.contains("@https:") || res.contains("@http:") {
            DepSource::Url(res.to_owned())
        } else if res.contains("@file:") || res.contains("@link:") || res.contains("@portal:") {
            DepSource::Path(res.to_owned())
        } else {
            DepSource::Registry
        };
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::Npm,
                name: p.name,
                version: Some(version),
                exact: true,
                path: path.to_owned(),
                line: Some(vline).or(Some(p.header_line)),
                source,
            },
            integrity: p.integrity,
            resolved: p.resolved,
        });
    };
    for &(no, raw) in &text.lines {
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indented = raw.starts_with(' ') || raw.starts_with('\t');
        if !indented {
            if let Some(p) = cur.take() {
                finish(p, &mut out);
            }
            let Some(header) = raw.trim_end().strip_suffix(':') else {
                if text.full.is_some() && !berry {
                    return Err(parse_error(
                        path,
                        Some(no as usize),
                        "invalid yarn.lock: expected `spec:` entry header",
                    ));
                }
                continue;
            };
            if header == "__metadata" {
                continue;
            }
            let first = header.split(", ").next().unwrap_or(header);
            cur = Some(Pending {
                name: alias_target(first)
                    .unwrap_or_else(|| spec_name(first))
                    .to_owned(),
                header_line: no,
                version: None,
                resolved: None,
                resolution: None,
                integrity: None,
            });
            continue;
        }
        let Some(p) = cur.as_mut() else { continue };
        // Only the entry's own fields (two-space indent), not its dependency lists.
        let depth = raw.len() - raw.trim_start().len();
        if depth > 2 {
            continue;
        }
        let t = raw.trim();
        let (k, v) = match t.split_once(": ") {
            Some((k, v)) => (k, v),
            None => match t.split_once(' ') {
                Some((k, v)) => (k, v),
                None => continue,
            },
        };
        match k.trim_matches('"') {
            "version" => p.version = Some((unquote(v).to_owned(), no)),
            "resolved" => p.resolved = Some(unquote(v).to_owned()),
            "resolution" => p.resolution = Some(unquote(v).to_owned()),
            "integrity" | "checksum" => p.integrity = Some(unquote(v).to_owned()),
            _ => {}
        }
    }
    if let Some(p) = cur.take() {
        finish(p, &mut out);
    }
    Ok(out)
}
