//! `pnpm-lock.yaml`, lockfile versions 5 (`/name/1.0.0_peer`), 6 (`/name@1.0.0(peer)`) and 9
//! (`name@1.0.0`, with a separate `snapshots:` section that repeats the packages).

use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Splits a `packages:` key into name and version.
pub(crate) fn split_key(key: &str) -> Option<(String, String)> {
    let k = key.trim().trim_matches(|c| c == '\'' || c == '"');
    let k = k.strip_prefix('/').unwrap_or(k);
    let k = k.split('(').next().unwrap_or(k);
    let comps: Vec<&str> = k.split('/').collect();
    let n = if k.starts_with('@') { 2 } else { 1 };
    let v5 = comps.len() > n && comps[n].chars().next().is_some_and(|c| c.is_ascii_digit());
    let (name, version) = if v5 {
        // v5: name/version, the version possibly followed by `_peer@x`.
        (
            k[..comps[..n].iter().map(|c| c.len() + 1).sum::<usize>() - 1].to_owned(),
            comps[n..].join("/"),
        )
    } else {
        let i = super::version_at(k)?;
        (k[..i].to_owned(), k[i + 1..].to_owned())
    };
    let version = version.split('_').next().unwrap_or(&version);
    if name.is_empty() || !version.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((name, version.to_owned()))
}

/// Parses a `pnpm-lock.yaml`.
pub(crate) fn parse(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    if let Some(full) = text.full {
        crate::config::from_yaml::<serde_json::Value>(full, std::path::Path::new(path))?;
    }
    let mut out: Vec<Entry> = Vec::new();
    let mut in_packages = text.full.is_none();
    let mut cur: Option<usize> = None;
    for &(no, raw) in &text.lines {
        if !raw.starts_with(' ') && !raw.trim().is_empty() {
            in_packages = raw.trim_end() == "packages:";
            cur = None;
            continue;
        }
        if !in_packages {
            continue;
        }
        let depth = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        if depth == 2 && t.ends_with(':') {
            cur = None;
            let key = &t[..t.len() - 1];
            if let Some((name, version)) = split_key(key) {
                if out.iter().any(|e| {
                    e.dep.name == name && e.dep.version.as_deref() == Some(version.as_str())
                }) {
                    continue;
                }
                out.push(Entry::new(Dep {
                    ecosystem: Ecosystem::Npm,
                    name,
                    version: Some(version),
                    exact: true,
                    path: path.to_owned(),
                    line: Some(no),
                    source: DepSource::Registry,
                }));
                cur = Some(out.len() - 1);
            }
        } else if let (Some(i), true) = (cur, depth == 4) {
            if let Some(res) = t.strip_prefix("resolution:") {
                let res = res.trim().trim_start_matches('{').trim_end_matches('}');
                for part in res.split(',') {
                    if let Some((k, v)) = part.split_once(':') {
                        let v = v.trim().to_owned();
                        match k.trim() {
                            "integrity" => out[i].integrity = Some(v),
                            "tarball" => {
                                out[i].resolved = Some(
                                    part.split_once(':')
                                        .map(|x| x.1.trim().to_owned())
                                        .unwrap_or(v),
                                );
                                out[i].dep.source =
                                    DepSource::Url(out[i].resolved.clone().unwrap_or_default());
                            }
                            "repo" => out[i].dep.source = DepSource::Git(v),
                            "directory" => out[i].dep.source = DepSource::Path(v),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_lockfile_version() {
        let k = |s: &str| split_key(s).map(|(n, v)| format!("{n} {v}"));
        assert_eq!(k("/lodash/4.17.21").as_deref(), Some("lodash 4.17.21"));
        assert_eq!(
            k("/@babel/core/7.1.0_debug@4.0.0").as_deref(),
            Some("@babel/core 7.1.0")
        );
        assert_eq!(k("/lodash@4.17.21").as_deref(), Some("lodash 4.17.21"));
        assert_eq!(
            k("/@types/node@20.1.0(x@1.0.0)").as_deref(),
            Some("@types/node 20.1.0")
        );
        assert_eq!(
            k("'@types/node@20.1.0'").as_deref(),
            Some("@types/node 20.1.0")
        );
        assert_eq!(k("github.com/user/repo/abc123"), None);
    }
}
