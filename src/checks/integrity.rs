//! Lockfile and package-source integrity (kind `supply-chain`): where the change makes
//! dependencies come from. npm `resolved` URLs off the configured registries, checksums missing
//! or changed for a version that did not change, new git / URL / path / other-registry
//! dependencies, extra Python package indexes (dependency confusion), and registry or source
//! replacement in `.npmrc`, `.yarnrc(.yml)`, `.cargo/config(.toml)` and `pip.conf`.

use std::collections::HashMap;

use crate::checks::{Check, Context, Lane};
use crate::deps::{self, DepSource, Entry, Format};
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// The integrity check.
pub(crate) struct LockfileIntegrity;

fn host_allowed(url: &str, allowed: &[String]) -> bool {
    let u = url.trim();
    allowed.iter().any(|a| {
        let a = a.trim();
        if a.contains("://") {
            let a = a.trim_end_matches('/');
            u == a || u.starts_with(&format!("{a}/"))
        } else {
            // A bare host.
            u.split("://")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .is_some_and(|h| h == a)
        }
    })
}

/// `algorithm-digest` parts of an integrity value (SRI `sha512-… sha1-…`; a plain hex checksum
/// such as Cargo's is its own algorithm, `""`).
fn digests(v: &str) -> Vec<(&str, &str)> {
    v.split_whitespace()
        .map(|d| match d.split_once('-') {
            Some((alg, rest))
                if !alg.is_empty()
                    && alg.len() <= 10
                    && alg.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                (alg, rest)
            }
            _ => ("", d),
        })
        .collect()
}

/// Whether the checksum `now` contradicts the base's `olds` for the same name and version:
/// only digests of the same algorithm are compared, so npm's move from `sha1-…` to `sha512-…`
/// (or a hash added next to another) is no change of content.
fn integrity_changed(now: &str, olds: &[&String]) -> bool {
    let now = digests(now);
    let mut compared = false;
    for old in olds {
        for (alg, digest) in digests(old) {
            for (a, d) in &now {
                if *a == alg {
                    if *d == digest {
                        return false;
                    }
                    compared = true;
                }
            }
        }
    }
    compared
}

/// Percent-decoding of the few escapes npm registries use in tarball paths (`%2f`, `%40`).
fn decode_path(s: &str) -> String {
    s.replace("%2f", "/")
        .replace("%2F", "/")
        .replace("%40", "@")
}

/// When a registry-style tarball URL (`…/<name>/-/<basename>-<version>.tgz`) names another
/// package or version than the lock entry, what it names. `name` may be an npm alias spec
/// (`npm:real@1.0.0` as a v1 lockfile version). URLs of another shape say nothing and pass.
fn tarball_mismatch(url: &str, name: &str, version: Option<&str>) -> Option<String> {
    let version = version?;
    let (name, version) = match version.strip_prefix("npm:") {
        Some(alias) => {
            let i = crate::deps::version_at(alias)?;
            (&alias[..i], &alias[i + 1..])
        }
        None => (name, version),
    };
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.split_once("://").map_or(path, |(_, r)| r);
    let path = decode_path(path);
    let (before, file) = path.rsplit_once("/-/")?;
    if file.contains('/') {
        return None;
    }
    let stem = file.strip_suffix(".tgz")?;
    // The package path ends the part before `/-/`: `@scope/name` or `name`.
    let mut comps = before.rsplit('/');
    let last = comps.next()?;
    let url_name = match comps.next() {
        Some(scope) if scope.starts_with('@') => format!("{scope}/{last}"),
        _ => last.to_owned(),
    };
    let base = url_name.rsplit('/').next().unwrap_or(&url_name);
    let url_version = stem.strip_prefix(base).and_then(|v| v.strip_prefix('-'));
    let same_name = url_name.eq_ignore_ascii_case(name);
    // Build metadata is not part of an npm version's tarball name.
    let want = version.split('+').next().unwrap_or(version);
    if same_name && url_version == Some(want) {
        return None;
    }
    Some(match url_version {
        Some(v) if !v.is_empty() => format!("{url_name}@{v}"),
        _ => format!("{url_name} ({file})"),
    })
}

fn mk(
    rule: &str,
    severity: Severity,
    path: &str,
    line: Option<u32>,
    anchor: &str,
    message: String,
) -> Finding {
    Finding::new(rule, Kind::SupplyChain, severity, path, line, message).with_fingerprint(anchor, 0)
}

fn key(e: &Entry) -> (String, String) {
    (
        crate::ecosystem::normalize_name(e.dep.ecosystem, &e.dep.name),
        e.dep.version.clone().unwrap_or_default(),
    )
}

fn lockfile_findings(fd: &deps::FileDeps, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let registries = &ctx.config.dependencies.npm_registries;
    let mut base: HashMap<(String, String), Vec<&Entry>> = HashMap::new();
    for e in &fd.base {
        base.entry(key(e)).or_default().push(e);
    }
    let npm = matches!(
        fd.format,
        Format::PackageLock | Format::YarnLock | Format::PnpmLock
    );
    for e in &fd.head {
        let prev = base.get(&key(e));
        let d = &e.dep;
        let at = format!("{}@{}", d.name, d.version.as_deref().unwrap_or(""));
        // Same name and version at base: only the checksum may not change.
        if let Some(prev) = prev {
            if let Some(now) = &e.integrity {
                let olds: Vec<&String> = prev.iter().filter_map(|p| p.integrity.as_ref()).collect();
                if integrity_changed(now, &olds) {
                    out.push(mk(
                        "lockfile-integrity-changed",
                        Severity::Red,
                        &d.path,
                        d.line,
                        &format!("{at} {now}"),
                        format!(
                            "the checksum of {at} changed although its version did not: the same version now resolves to different content. Restore the previous checksum unless you can explain the republish."
                        ),
                    ));
                }
            }
            if prev
                .iter()
                .any(|p| p.resolved == e.resolved && p.dep.source == d.source)
            {
                continue;
            }
        }
        if npm {
            if let Some(url) = &e.resolved {
                if (url.starts_with("http://") || url.starts_with("https://"))
                    && !host_allowed(url, registries)
                {
                    out.push(mk(
                        "npm-resolved-off-registry",
                        Severity::Yellow,
                        &d.path,
                        d.line,
                        &format!("{at} {url}"),
                        format!(
                            "{at} is resolved from {url}, which is not one of the configured registries (dependencies.npm-registries). Install it from the registry, or add the host to the config if it is your own mirror."
                        ),
                    ));
                    continue;
                }
            }
            if e.integrity.is_none()
                && e.resolved.is_some()
                && matches!(d.source, DepSource::Registry | DepSource::Url(_))
            {
                out.push(mk(
                    "lockfile-integrity-missing",
                    Severity::Yellow,
                    &d.path,
                    d.line,
                    &at,
                    format!("{at} has no `integrity` checksum in the lockfile, so its content is not verified. Regenerate the lockfile with the package manager."),
                ));
            }
        }
        if npm {
            if let Some(url) = &e.resolved {
                if let Some(names) = tarball_mismatch(url, &d.name, d.version.as_deref()) {
                    out.push(mk(
                        "npm-resolved-other-package",
                        Severity::Red,
                        &d.path,
                        d.line,
                        &format!("{at} {url}"),
                        format!(
                            "the lockfile entry {at} resolves to the tarball of {names} ({url}): the package manager installs that tarball under this name, so another package (or another version) replaces it. Regenerate the lockfile with the package manager."
                        ),
                    ));
                    continue;
                }
            }
        }
        // A source that was already there at base for the same package (only the version
        // moved, e.g. `version =` of a path dependency) is not new.
        if d.source != DepSource::Registry
            && fd
                .base
                .iter()
                .any(|b| key(b).0 == key(e).0 && b.dep.source == d.source)
        {
            continue;
        }
        let (rule, what) = match &d.source {
            DepSource::Registry => continue,
            DepSource::Git(u) => ("dependency-git-source", format!("a git repository ({u})")),
            DepSource::Url(u) => ("dependency-url-source", format!("a direct URL ({u})")),
            DepSource::Path(p) => ("dependency-path-source", format!("a local path ({p})")),
            DepSource::OtherRegistry(r) => (
                "dependency-other-registry",
                format!("another registry ({r})"),
            ),
        };
        if npm && rule == "dependency-url-source" {
            // Already judged against the configured registries above.
            continue;
        }
        // Local paths are code in reach of the same review; the others bypass the registry.
        let severity = if rule == "dependency-path-source" {
            Severity::Info
        } else {
            Severity::Yellow
        };
        out.push(mk(
            rule,
            severity,
            &d.path,
            d.line,
            &at,
            format!(
                "{} is now fetched from {what} instead of the package registry: it bypasses registry advisories, yanking and checksums. Prefer a released version from the registry."
            , d.name),
        ));
    }
}

/// Registry / index settings in added lines of config files and requirements.
fn config_findings(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let cfg = &ctx.config.dependencies;
    for f in &ctx.changes.files {
        let path = f.path();
        let name = path.rsplit('/').next().unwrap_or(path);
        let in_cargo_dir = path == ".cargo/config.toml"
            || path == ".cargo/config"
            || path.ends_with("/.cargo/config.toml")
            || path.ends_with("/.cargo/config");
        let requirements = Format::of(path) == Some(Format::Requirements);
        for l in &f.added {
            let t = l.text.trim();
            if t.starts_with('#') || t.is_empty() {
                continue;
            }
            let finding =
                |rule: &str, sev: Severity, msg: String| mk(rule, sev, path, Some(l.no), t, msg);
            if requirements
                || name == "pip.conf"
                || name == "pip.ini"
                || name == "Pipfile"
                || name == "pyproject.toml"
            {
                let lower = t.to_ascii_lowercase();
                let extra = lower.contains("extra-index-url") || lower.contains("extra_index_url");
                let index = extra
                    || lower.starts_with("-i ")
                    || lower.contains("--index-url")
                    || lower.starts_with("index-url")
                    || lower.starts_with("index_url")
                    || (name == "Pipfile" || name == "pyproject.toml")
                        && lower.starts_with("url")
                        && lower.contains("://");
                if !index {
                    continue;
                }
                let url = t
                    .split(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'')
                    .find(|w| w.contains("://"))
                    .unwrap_or("");
                if !url.is_empty() && host_allowed(url, &cfg.pypi_indexes) {
                    continue;
                }
                if extra {
                    out.push(finding(
                        "python-extra-index-url",
                        Severity::Red,
                        format!("an extra package index ({url}) is added: pip picks the highest version from any index, so anyone who registers an internal package name there (or on PyPI) can replace it (dependency confusion). Use a single index that proxies PyPI, or pin hashes."),
                    ));
                } else {
                    out.push(finding(
                        "python-index-url-changed",
                        Severity::Yellow,
                        format!("the package index is changed to {url}, which is not in dependencies.pypi-indexes: every package now comes from there. Confirm the index is trusted."),
                    ));
                }
            } else if name == ".npmrc" || name == ".yarnrc" || name == ".yarnrc.yml" {
                let lower = t.to_ascii_lowercase();
                if !(lower.contains("registry") || lower.starts_with("npmregistryserver")) {
                    continue;
                }
                let url = t
                    .split(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'')
                    .find(|w| w.contains("://"))
                    .unwrap_or("");
                if url.is_empty() || host_allowed(url, &cfg.npm_registries) {
                    continue;
                }
                out.push(finding(
                    "npm-registry-changed",
                    Severity::Yellow,
                    format!("{name} now points packages at {url}, which is not in dependencies.npm-registries: those packages are fetched from there. Confirm the registry is trusted."),
                ));
            } else if name.eq_ignore_ascii_case("nuget.config") {
                // A package source added beside nuget.org, or the defaults cleared: packages
                // are then fetched from there (and with several sources NuGet takes whichever
                // answers first, so an internal name can be replaced: dependency confusion).
                let lower = t.to_ascii_lowercase();
                let url = t
                    .split(['"', '\''])
                    .find(|w| w.contains("://"))
                    .unwrap_or("");
                let public = ["api.nuget.org", "www.nuget.org"];
                if lower.starts_with("<clear") {
                    out.push(finding(
                        "nuget-source-changed",
                        Severity::Yellow,
                        format!("{name} clears the default package sources: every package now comes from the sources listed after it. Confirm they are trusted."),
                    ));
                } else if lower.starts_with("<add")
                    && !url.is_empty()
                    && !public.iter().any(|h| host_allowed(url, &[(*h).to_owned()]))
                {
                    out.push(finding(
                        "nuget-source-changed",
                        Severity::Yellow,
                        format!("{name} adds the package source {url}: NuGet takes a package from whichever source has it, so a name published there (or on nuget.org) can replace yours. Confirm the source is trusted, and map packages to sources (packageSourceMapping)."),
                    ));
                }
            } else if in_cargo_dir {
                let lower = t.to_ascii_lowercase();
                if lower.starts_with("replace-with")
                    || lower.starts_with("[source.")
                    || lower.starts_with("registry")
                    || lower.starts_with("index")
                {
                    out.push(finding(
                        "cargo-source-replaced",
                        Severity::Yellow,
                        format!("{path} changes where Cargo downloads crates (`{t}`): crates.io can be replaced by another source. Confirm the source is trusted."),
                    ));
                }
            }
        }
    }
}

/// The package repositories a `composer.json` declares (`repositories`, as a list or as a map),
/// each as `type url`, and `packagist.org disabled` for `"packagist.org": false`.
fn composer_repos(text: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let entries: Vec<&serde_json::Value> = match v.get("repositories") {
        Some(serde_json::Value::Array(a)) => a.iter().collect(),
        Some(serde_json::Value::Object(m)) => m.values().collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|e| match e {
            // `"packagist.org": false` turns the default registry off.
            serde_json::Value::Bool(false) => Some("packagist.org disabled".to_owned()),
            // The list form of the same: `{"packagist.org": false}`.
            serde_json::Value::Object(o)
                if o.get("packagist.org") == Some(&serde_json::Value::Bool(false)) =>
            {
                Some("packagist.org disabled".to_owned())
            }
            serde_json::Value::Object(o) => {
                let kind = o.get("type").and_then(|t| t.as_str()).unwrap_or("composer");
                let url = o.get("url").and_then(|u| u.as_str())?;
                // Local paths are code in reach of the same review.
                (kind != "path").then(|| format!("{kind} {url}"))
            }
            _ => None,
        })
        .collect()
}

/// Package repositories a change adds to a `composer.json` (like `--extra-index-url`: Composer
/// takes a package from the first repository that has it, before Packagist).
fn composer_repositories(ctx: &Context<'_>, out: &mut Vec<Finding>) -> Result<()> {
    let Some(revs) = ctx.revs else {
        return Ok(());
    };
    for f in &ctx.changes.files {
        let path = f.path();
        if path.rsplit('/').next() != Some("composer.json") || f.added.is_empty() {
            continue;
        }
        let head = match f.new_path.as_deref() {
            Some(p) => revs.head(p)?,
            None => None,
        };
        let Some(head) = head else { continue };
        let base = match f.old_path.as_deref() {
            Some(p) => revs.base(p)?,
            None => None,
        };
        let before = base
            .map(|b| composer_repos(&String::from_utf8_lossy(&b)))
            .unwrap_or_default();
        for repo in composer_repos(&String::from_utf8_lossy(&head)) {
            if before.contains(&repo) || repo.ends_with("://repo.packagist.org") {
                continue;
            }
            let url = repo.split_whitespace().nth(1).unwrap_or(&repo);
            let line = f
                .added
                .iter()
                .find(|l| {
                    l.text.contains(url) || (url == "disabled" && l.text.contains("packagist.org"))
                })
                .map(|l| l.no);
            out.push(mk(
                "composer-repository-added",
                Severity::Yellow,
                path,
                line,
                &repo,
                format!("composer.json adds the package repository `{repo}`: Composer takes a package from the first repository that has it, before Packagist, so a name published there can replace the real one. Confirm the repository is trusted (and restrict it with `only`/`canonical`)."),
            ));
        }
    }
    Ok(())
}

impl Check for LockfileIntegrity {
    fn name(&self) -> &'static str {
        "lockfile-integrity"
    }

    fn lane(&self) -> Lane {
        Lane::Dependencies
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        let relevant = ctx.changes.files.iter().any(|f| {
            let p = f.path();
            let n = p.rsplit('/').next().unwrap_or(p);
            Format::of(p).is_some()
                || matches!(
                    n,
                    ".npmrc"
                        | ".yarnrc"
                        | ".yarnrc.yml"
                        | "pip.conf"
                        | "pip.ini"
                        | "Pipfile"
                        | "config"
                        | "config.toml"
                )
                || n.eq_ignore_ascii_case("nuget.config")
        });
        if !relevant {
            return Ok(out);
        }
        for fd in ctx.file_deps()? {
            lockfile_findings(fd, ctx, &mut out);
        }
        config_findings(ctx, &mut out);
        composer_repositories(ctx, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts() {
        let allowed = vec![
            "https://registry.npmjs.org/".to_string(),
            "npm.example.com".to_string(),
        ];
        assert!(host_allowed(
            "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
            &allowed
        ));
        assert!(host_allowed("https://npm.example.com/a.tgz", &allowed));
        assert!(!host_allowed(
            "https://evil.example/registry.npmjs.org/a.tgz",
            &allowed
        ));
        assert!(!host_allowed(
            "https://registry.npmjs.org.evil.io/a.tgz",
            &allowed
        ));
    }

    #[test]
    fn checksums_compare_within_one_algorithm() {
        let sha1 = "sha1-tbq5FGZxsTaBANQCXxXVBD89yvU=".to_string();
        let sha512 = "sha512-AAAA==".to_string();
        // Algorithm upgrade, same version: no finding.
        assert!(!integrity_changed("sha512-BBBB==", &[&sha1]));
        // Same algorithm, other digest: changed.
        assert!(integrity_changed("sha512-BBBB==", &[&sha512]));
        assert!(!integrity_changed("sha512-AAAA==", &[&sha512]));
        // Several digests: one common algorithm agreeing is enough; one disagreeing is a change.
        assert!(!integrity_changed("sha512-AAAA== sha1-x", &[&sha512]));
        assert!(integrity_changed(
            "sha512-CCCC== sha1-tbq5FGZxsTaBANQCXxXVBD89yvU=",
            &[&sha512]
        ));
        // Plain hex checksums (Cargo.lock) are one algorithm.
        let hex = "1a11647b".to_string();
        assert!(integrity_changed("deadbeef", &[&hex]));
        assert!(!integrity_changed("1a11647b", &[&hex]));
    }

    #[test]
    fn tarball_paths_name_the_entry() {
        let ok = |u: &str, n: &str, v: &str| tarball_mismatch(u, n, Some(v));
        assert_eq!(
            ok(
                "https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz",
                "is-odd",
                "3.0.1"
            ),
            None
        );
        assert_eq!(
            ok(
                "https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz",
                "@types/node",
                "20.1.0"
            ),
            None
        );
        assert_eq!(
            ok(
                "https://registry.npmjs.org/@types%2fnode/-/node-20.1.0.tgz",
                "@types/node",
                "20.1.0"
            ),
            None
        );
        assert_eq!(
            ok(
                "https://registry.yarnpkg.com/a/-/a-1.0.0-beta.1.tgz#0123",
                "a",
                "1.0.0-beta.1"
            ),
            None
        );
        // An npm alias in a v1 lockfile's version.
        assert_eq!(
            ok(
                "https://registry.npmjs.org/b/-/b-2.0.0.tgz",
                "a",
                "npm:b@2.0.0"
            ),
            None
        );
        assert_eq!(
            ok(
                "https://registry.npmjs.org/evil/-/evil-3.0.1.tgz",
                "is-odd",
                "3.0.1"
            )
            .as_deref(),
            Some("evil@3.0.1")
        );
        assert_eq!(
            ok(
                "https://registry.npmjs.org/is-odd/-/is-odd-1.0.0.tgz",
                "is-odd",
                "3.0.1"
            )
            .as_deref(),
            Some("is-odd@1.0.0")
        );
        assert!(ok(
            "https://registry.npmjs.org/@evil/is-odd/-/is-odd-3.0.1.tgz",
            "is-odd",
            "3.0.1"
        )
        .is_some());
        // Other URL shapes (git, GitHub Packages download paths) say nothing.
        assert_eq!(
            ok("https://codeload.github.com/a/b/tar.gz/0123", "b", "1.0.0"),
            None
        );
    }
}
