//! Which added dependencies come from a private registry or index: an npm lockfile entry
//! resolved from another host, a PyPI dependency file (or pip's environment) that points pip at
//! another index, a Go module matching `GOPRIVATE` / `GONOPROXY`. Their names are never sent to the public registries: that would leak internal
//! package names, and the public registry's answer would be about someone else's package of
//! the same name (a private `@corp/x` is "missing" from npmjs.org, not hallucinated).

use std::collections::{HashMap, HashSet};

use crate::config::Env;
use crate::deps::{Dep, Dependencies};
use crate::diff::{ChangeSet, Revisions};
use crate::ecosystem::Ecosystem;
use crate::error::Result;

/// Hosts of the public registries whose answers apply.
const PUBLIC_NPM: [&str; 2] = ["registry.npmjs.org", "registry.yarnpkg.com"];
const PUBLIC_PYPI: [&str; 2] = ["pypi.org", "files.pythonhosted.org"];

/// The host of a URL (no user info, no port).
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    host.split(':').next().unwrap_or("")
}

/// The private ones among a change's dependencies.
pub(crate) struct PrivateSources {
    /// npm (path, name, version) resolved off the public registries.
    npm: HashSet<(String, String, String)>,
    /// PyPI dependency files that use another index.
    pypi_files: HashMap<String, bool>,
    /// Go's `GONOPROXY` (else `GOPRIVATE`) pattern list.
    go_private: String,
}

impl PrivateSources {
    /// Works out which of the change's dependencies are private. The pipeline does this once
    /// per run, when names may be sent to a registry.
    pub(crate) fn of(
        revs: Option<&dyn Revisions>,
        changes: &ChangeSet,
        env: &Env,
        deps: &Dependencies,
    ) -> Result<Self> {
        let mut out = PrivateSources {
            npm: HashSet::new(),
            pypi_files: HashMap::new(),
            go_private: crate::checks::yanked::go::private_patterns(env),
        };
        let mut any_npm = false;
        for d in deps.changes.iter().map(|c| &c.dep) {
            match d.ecosystem {
                Ecosystem::Npm => any_npm = true,
                Ecosystem::PyPI if !out.pypi_files.contains_key(&d.path) => {
                    let private = pypi_private(revs, changes, env, &d.path);
                    out.pypi_files.insert(d.path.clone(), private);
                }
                _ => {}
            }
        }
        if any_npm {
            for fd in &deps.files {
                for e in fd.head.iter().filter(|e| e.dep.ecosystem == Ecosystem::Npm) {
                    if let (Some(r), Some(v)) = (&e.resolved, &e.dep.version) {
                        if !PUBLIC_NPM.contains(&host(r)) {
                            out.npm
                                .insert((e.dep.path.clone(), e.dep.name.clone(), v.clone()));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Whether `dep` comes from a private registry or index.
    pub(crate) fn contains(&self, dep: &Dep) -> bool {
        match dep.ecosystem {
            Ecosystem::Npm => self.npm.contains(&(
                dep.path.clone(),
                dep.name.clone(),
                dep.version.clone().unwrap_or_default(),
            )),
            Ecosystem::PyPI => self.pypi_files.get(&dep.path).copied().unwrap_or(false),
            Ecosystem::Go => {
                crate::checks::yanked::go::matches_prefix_patterns(&self.go_private, &dep.name)
            }
            // Their registry settings are not read yet: treated as public.
            Ecosystem::CratesIo
            | Ecosystem::Maven
            | Ecosystem::RubyGems
            | Ecosystem::Packagist
            | Ecosystem::NuGet
            | Ecosystem::GitHubActions => false,
        }
    }
}

/// Whether a PyPI dependency file (or pip's environment) points pip at another index.
fn pypi_private(revs: Option<&dyn Revisions>, changes: &ChangeSet, env: &Env, path: &str) -> bool {
    let env_private = ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"].iter().any(|k| {
        env.var(k).is_some_and(|v| {
            v.split_whitespace()
                .any(|u| !PUBLIC_PYPI.contains(&host(u)))
        })
    });
    if env_private {
        return true;
    }
    let text: Option<String> = match revs {
        Some(revs) => revs
            .head(path)
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        None => changes.files.iter().find(|f| f.path() == path).map(|f| {
            f.added
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        }),
    };
    text.is_some_and(|t| uses_other_index(&t))
}

/// Whether a requirements text has an `--index-url` / `-i` / `--extra-index-url` option naming
/// a host other than PyPI's.
fn uses_other_index(text: &str) -> bool {
    text.lines().any(|l| {
        let mut words = l.split(|c: char| c.is_whitespace() || c == '=');
        while let Some(w) = words.next() {
            if matches!(w, "-i" | "--index-url" | "--extra-index-url") {
                let url = words.find(|w| !w.is_empty()).unwrap_or("");
                return !PUBLIC_PYPI.contains(&host(url));
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_index_options() {
        assert_eq!(
            host("https://user:pw@npm.corp.example.com:8443/a/-/a.tgz"),
            "npm.corp.example.com"
        );
        assert_eq!(
            host("https://registry.npmjs.org/a/-/a-1.0.0.tgz"),
            "registry.npmjs.org"
        );
        assert_eq!(host("no-scheme.example/x"), "no-scheme.example");
        assert!(uses_other_index(
            "--index-url https://pypi.corp.example/simple\nflask==3.0.0\n"
        ));
        assert!(uses_other_index("-i=https://mirror.example/simple\n"));
        assert!(uses_other_index(
            "--extra-index-url https://x.example/simple\n"
        ));
        assert!(!uses_other_index(
            "--index-url https://pypi.org/simple\nflask==3.0.0\n"
        ));
        assert!(!uses_other_index("flask==3.0.0 --hash=sha256:abc\n"));
    }
}
