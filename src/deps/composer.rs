//! Composer: `composer.lock` (`packages` and `packages-dev`, each with `name`, `version`,
//! `source` and `dist`) and `composer.json` (`require` / `require-dev` constraints; platform
//! requirements such as `php` and `ext-json`, which name no package, are skipped). A locked
//! package whose `dist` is a local `path` comes from there; one with only a `source` (no
//! `dist`) is fetched from its repository; `dist.shasum` is its checksum, when set.

use super::jsonscan::{objects, Obj};
use super::{Dep, DepSource, Ecosystem, Entry, Text};
use crate::error::Result;

/// Whether `name` is a package (`vendor/name`), not a platform requirement (`php`, `ext-*`).
fn is_package(name: &str) -> bool {
    name.contains('/') && !name.starts_with("ext-") && !name.starts_with("lib-")
}

/// Parses a `composer.lock`.
pub(crate) fn parse_lock(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let mut out = Vec::new();
    // Objects arrive in closing order: a package's `source` and `dist` just before it.
    let mut nested: Vec<&Obj> = Vec::new();
    for o in &objs {
        let key = o.key();
        if key == "source" || key == "dist" {
            nested.push(o);
            continue;
        }
        let taken = std::mem::take(&mut nested);
        let (Some(name), Some(version)) = (o.get("name"), o.get("version")) else {
            continue;
        };
        let in_list = o
            .path
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|k| k == "packages" || k == "packages-dev");
        if (text.full.is_some() && !in_list) || !is_package(name) {
            continue;
        }
        let part = |k: &str| taken.iter().find(|n| n.key() == k).copied();
        let (dist, source) = (part("dist"), part("source"));
        let src = match (dist, source) {
            (Some(d), _) if d.get("type") == Some("path") => {
                DepSource::Path(d.get("url").unwrap_or("").to_owned())
            }
            (None, Some(s)) => DepSource::Git(s.get("url").unwrap_or("").to_owned()),
            _ => DepSource::Registry,
        };
        out.push(Entry {
            dep: Dep {
                ecosystem: Ecosystem::Packagist,
                name: name.to_owned(),
                version: Some(version.to_owned()),
                exact: true,
                path: path.to_owned(),
                line: o.line_of("version").or(Some(o.line)),
                source: src,
            },
            integrity: dist
                .and_then(|d| d.get("shasum"))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            resolved: dist.and_then(|d| d.get("url")).map(str::to_owned),
        });
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}

/// Parses a `composer.json`.
pub(crate) fn parse_json(text: &Text<'_>, path: &str) -> Result<Vec<Entry>> {
    let objs = objects(text, path)?;
    let mut out = Vec::new();
    for o in &objs {
        let key = o.key();
        if key != "require" && key != "require-dev" {
            continue;
        }
        if text.full.is_some() && o.path.len() != 2 {
            continue;
        }
        for (name, constraint, line) in &o.fields {
            if !is_package(name) {
                continue;
            }
            let c = constraint.trim();
            // An exact constraint: one version, no operator, wildcard or alternative.
            let bare = c
                .strip_prefix("==")
                .or_else(|| c.strip_prefix('='))
                .unwrap_or(c);
            let exact = crate::ecosystem::packagist::parse(bare).is_some()
                && !c.contains([' ', '|', ',', '*', '^', '~', '<', '>']);
            out.push(Entry::new(Dep {
                ecosystem: Ecosystem::Packagist,
                name: name.clone(),
                version: Some(if exact { bare } else { c }.to_owned()),
                exact,
                path: path.to_owned(),
                line: Some(*line),
                source: DepSource::Registry,
            }));
        }
    }
    out.sort_by_key(|e| e.dep.line);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: Vec<Entry>) -> Vec<String> {
        v.into_iter()
            .map(|e| {
                format!(
                    "{}@{}:{}{}:{:?}:{}",
                    e.dep.name,
                    e.dep.version.unwrap_or_default(),
                    e.dep.line.unwrap_or(0),
                    if e.dep.exact { "!" } else { "" },
                    e.dep.source,
                    e.integrity.unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn lock_packages_sources_and_manifest_constraints() {
        let lock = r#"{
    "packages": [
        {
            "name": "symfony/process",
            "version": "v5.4.45",
            "source": {"type": "git", "url": "https://github.com/symfony/process.git"},
            "dist": {"type": "zip", "url": "https://api.github.com/repos/symfony/process/zipball/x", "shasum": ""}
        },
        {
            "name": "acme/local",
            "version": "dev-main",
            "dist": {"type": "path", "url": "packages/local"}
        }
    ],
    "packages-dev": [
        {
            "name": "acme/from-vcs",
            "version": "1.0.0",
            "source": {"type": "git", "url": "https://git.example.com/acme/from-vcs.git"}
        },
        {
            "name": "acme/checked",
            "version": "2.0.0",
            "dist": {"type": "zip", "url": "https://repo.example.com/c.zip", "shasum": "abc"}
        }
    ],
    "platform": {"php": ">=8.1"}
}
"#;
        assert_eq!(
            rows(parse_lock(&Text::whole(lock), "composer.lock").unwrap()),
            [
                "symfony/process@v5.4.45:5!:Registry:",
                "acme/local@dev-main:11!:Path(\"packages/local\"):",
                "acme/from-vcs@1.0.0:18!:Git(\"https://git.example.com/acme/from-vcs.git\"):",
                "acme/checked@2.0.0:23!:Registry:abc",
            ]
        );
        let json = "{\n    \"require\": {\n        \"php\": \"^8.1\",\n        \"ext-json\": \"*\",\n        \"symfony/process\": \"^5.4\",\n        \"monolog/monolog\": \"v2.9.1\",\n        \"acme/fork\": \"dev-main\"\n    },\n    \"require-dev\": {\n        \"phpunit/phpunit\": \"9.6.0 || 10.0.0\"\n    },\n    \"config\": {\"platform\": {\"php\": \"8.1\"}}\n}\n";
        assert_eq!(
            rows(parse_json(&Text::whole(json), "composer.json").unwrap()),
            [
                "symfony/process@^5.4:5:Registry:",
                "monolog/monolog@v2.9.1:6!:Registry:",
                "acme/fork@dev-main:7:Registry:",
                "phpunit/phpunit@9.6.0 || 10.0.0:10:Registry:",
            ]
        );
    }
}
