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
pub struct LockfileIntegrity;

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
                if !olds.is_empty() && !olds.contains(&now) {
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
        });
        if !relevant {
            return Ok(out);
        }
        for fd in ctx.file_deps()? {
            lockfile_findings(fd, ctx, &mut out);
        }
        config_findings(ctx, &mut out);
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
}
