//! Typosquatted and hallucinated ("slopsquatted") dependency names: every dependency a change
//! adds is compared with the shipped popular-package lists ([`popular`]; their compile-time
//! [`index`] over the name [`keys`]; offline heuristics in [`heuristics`]) and, unless
//! `--offline`, looked up in its registry ([`registry`]): a name the registry does not know is
//! red, a very young package or a new npm install script is yellow.
//!
//! Known-malicious names (OSV `MAL-*` records) are reported by the dependency check as red
//! `dependency` findings; this check does not repeat them.

use std::collections::HashMap;

use crate::checks::{Check, Context, Lane};
use crate::config::AllowedPackage;
use crate::deps::{ChangeKind, Dep, DepSource};
use crate::ecosystem::Ecosystem;
use crate::error::Result;
use crate::finding::{Finding, Kind, Package, Severity};

pub mod heuristics;
pub mod index;
pub(crate) mod keys;
pub mod popular;
pub mod registry;

use crate::advisory::names::NameSet;
use heuristics::Suspicion;
use registry::{Client, Meta, Query};

/// The typosquat / hallucinated-package check.
pub(crate) struct Typosquat;

const LOCKFILES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
];

fn is_lockfile(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    LOCKFILES.contains(&file)
}

fn allowed(allow: &[AllowedPackage], eco: Ecosystem, name: &str) -> bool {
    let key = popular::normalize(eco, name);
    allow.iter().any(|a| {
        let e = a.ecosystem.trim();
        let eco_ok = e.eq_ignore_ascii_case(eco.as_str())
            || (eco == Ecosystem::CratesIo
                && (e.eq_ignore_ascii_case("crates") || e.eq_ignore_ascii_case("cargo")));
        eco_ok && popular::normalize(eco, &a.name) == key
    })
}

/// One dependency per (ecosystem, registry-normalized name), preferring the manifest line over
/// a lockfile entry, so a name added to both is reported once, where a human wrote it.
fn added_deps<'a>(ctx: &'a Context<'_>) -> Result<Vec<&'a Dep>> {
    let mut picked: Vec<&Dep> = Vec::new();
    let mut seen: HashMap<(Ecosystem, String), usize> = HashMap::new();
    for c in ctx.dependency_changes()? {
        if c.kind != ChangeKind::Added
            || !matches!(
                c.dep.ecosystem,
                Ecosystem::CratesIo | Ecosystem::Npm | Ecosystem::PyPI
            )
            || c.dep.name.trim().is_empty()
        {
            continue;
        }
        let key = (
            c.dep.ecosystem,
            popular::normalize(c.dep.ecosystem, &c.dep.name),
        );
        match seen.get(&key) {
            Some(&i) => {
                if is_lockfile(&picked[i].path) && !is_lockfile(&c.dep.path) {
                    picked[i] = &c.dep;
                }
            }
            None => {
                seen.insert(key, picked.len());
                picked.push(&c.dep);
            }
        }
    }
    Ok(picked)
}

/// "on crates.io", "in the npm registry", "on PyPI".
fn registry_name(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::CratesIo => "on crates.io",
        Ecosystem::Npm => "in the npm registry",
        Ecosystem::PyPI => "on PyPI",
        Ecosystem::Go => "in the Go module proxy",
        Ecosystem::Maven => "on Maven Central",
        Ecosystem::RubyGems => "on RubyGems.org",
        Ecosystem::Packagist => "on Packagist",
        Ecosystem::NuGet => "on NuGet.org",
        Ecosystem::GitHubActions => "on GitHub",
    }
}

fn allow_hint(eco: Ecosystem, name: &str) -> String {
    format!(
        "if `{name}` is really intended, allow it in .guardrail.yml (`typosquat: {{allow: [{{ecosystem: {}, name: {name}, reason: ...}}]}}`)",
        eco.as_str()
    )
}

fn signals_text(s: &Suspicion) -> String {
    s.signals
        .iter()
        .map(|x| x.text.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn target_text(eco: Ecosystem, s: &Suspicion) -> String {
    match (&s.target, s.target_rank) {
        (Some(t), Some(r)) => format!("`{t}` ({}, #{r} by downloads)", eco.as_str()),
        (Some(t), None) => format!("`{t}` (a popular {} package)", eco.as_str()),
        (None, _) => "a popular package".to_owned(),
    }
}

fn finding(dep: &Dep, rule: &str, severity: Severity, message: String) -> Finding {
    let mut f = Finding::new(
        rule,
        Kind::Typosquat,
        severity,
        dep.path.clone(),
        dep.line,
        message,
    );
    f.package = Some(Package {
        ecosystem: dep.ecosystem.as_str().to_owned(),
        name: dep.name.clone(),
        version: dep.version.clone(),
    });
    f.with_fingerprint(&format!("{}:{}", dep.ecosystem.as_str(), dep.name), 0)
}

/// How an offline "not on PyPI" was decided.
fn absent_note(fetched: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(fetched)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| "an unknown date".to_owned());
    format!(
        " (Checked offline against the list of every PyPI project name stored by `guardrail db update` on {day}; a project published since then is not in it.)"
    )
}

/// Findings for one added dependency, from the offline suspicion and the registry's answer.
fn findings_for(
    dep: &Dep,
    suspicion: Option<&Suspicion>,
    meta: Option<&Meta>,
    min_age_days: u32,
    now: i64,
) -> Vec<Finding> {
    let eco = dep.ecosystem;
    let name = &dep.name;
    let mut out = Vec::new();
    if let Some(m) = meta.filter(|m| !m.exists) {
        let what = if m.unpublished {
            format!(
                "was unpublished from the {} (every version removed, often after a malware report)",
                registry_name(eco)
            )
        } else {
            format!("is not {}", registry_name(eco))
        };
        let guess = match suspicion {
            Some(s) if s.target.is_some() => format!(
                " It resembles {}: {}.",
                target_text(eco, s),
                signals_text(s)
            ),
            _ => String::new(),
        };
        let fix = match suspicion.and_then(|s| s.target.as_ref()) {
            Some(t) => format!("Fix: use `{t}`, or remove the dependency."),
            None => "Fix: remove it, or replace it with the real package that provides this functionality.".to_owned(),
        };
        out.push(finding(
            dep,
            "package-not-in-registry",
            Severity::Red,
            format!(
                "`{name}` {what}: the name may be invented (AI assistants often hallucinate package names, and attackers register them: \"slopsquatting\").{guess} {fix}"
            ),
        ));
        return out;
    }
    if let Some(s) = suspicion {
        let severity = if s.impossible {
            Severity::Red
        } else {
            Severity::Yellow
        };
        let message = match &s.target {
            Some(t) => {
                let mut m = format!(
                    "`{name}` looks like a typosquat of {}: {}.",
                    target_text(eco, s),
                    signals_text(s)
                );
                if s.impossible {
                    m.push_str(" Package names on crates.io, npm and PyPI are ASCII only, so this cannot be the package it appears to be.");
                } else {
                    m.push_str(" A mistyped or imitated name installs someone else's code.");
                }
                m.push_str(&format!(" Fix: use `{t}`; {}.", allow_hint(eco, name)));
                m
            }
            None => format!(
                "`{name}` contains {}: package names on crates.io, npm and PyPI are ASCII only, so this cannot be the package it appears to be. Fix: retype the name in ASCII.",
                signals_text(s)
            ),
        };
        out.push(finding(dep, s.rule(), severity, message));
    }
    if let Some(m) = meta {
        if let Some(created) = m.created {
            let days = (now - created).max(0) / 86_400;
            if days < i64::from(min_age_days) {
                out.push(finding(
                    dep,
                    "package-too-new",
                    Severity::Yellow,
                    format!(
                        "`{name}` was first published {days} day(s) ago {} (under typosquat.min-age-days = {min_age_days}): new packages are where typosquats and hallucinated names get registered. Fix: check the package's source and maintainers, or wait until it is established.",
                        registry_name(eco)
                    ),
                ));
            }
        }
        if !m.install_scripts.is_empty() {
            out.push(finding(
                dep,
                "package-install-script",
                Severity::Yellow,
                format!(
                    "`{name}`{} runs an install script ({}) on every `npm install`: install scripts are the usual way malicious packages execute. Fix: read the script, or install with `--ignore-scripts`.",
                    m.version.as_deref().map(|v| format!("@{v}")).unwrap_or_default(),
                    m.install_scripts.join(", ")
                ),
            ));
        }
    }
    out
}

impl Check for Typosquat {
    fn name(&self) -> &'static str {
        "typosquat"
    }

    fn lane(&self) -> Lane {
        Lane::Dependencies
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let cfg = &ctx.config.typosquat;
        let deps: Vec<&Dep> = added_deps(ctx)?
            .into_iter()
            .filter(|d| !allowed(&cfg.allow, d.ecosystem, &d.name))
            .collect();
        let mut suspicions: Vec<Option<Suspicion>> = Vec::with_capacity(deps.len());
        let mut queries: Vec<(usize, Query)> = Vec::new();
        // Set for PyPI names the stored name set does not have: when that set was fetched.
        let mut offline_absent: Vec<Option<i64>> = vec![None; deps.len()];
        // Offline, PyPI names are checked against the stored set of every PyPI name, if
        // `db update` (or `db import` of a saved simple index) left one.
        let names = if ctx.offline
            && deps
                .iter()
                .any(|d| d.ecosystem == Ecosystem::PyPI && d.source == DepSource::Registry)
        {
            match crate::checks::deps::db_dir(ctx) {
                Some(dir) => NameSet::open(&dir)?,
                None => None,
            }
        } else {
            None
        };
        // Names from private registries are never sent to the public ones, nor judged against
        // a public registry's name list.
        let private = ctx.private_sources();
        for (i, d) in deps.iter().enumerate() {
            let pop = popular::get(d.ecosystem);
            let s = pop.and_then(|p| heuristics::assess(p, &d.name));
            let listed = pop.is_some_and(|p| p.index_of(&d.name).is_some());
            // Popular names exist and are established; non-ASCII names are already red.
            let impossible = s.as_ref().is_some_and(|s| s.impossible);
            if !listed
                && !impossible
                && d.source == DepSource::Registry
                && !private.as_ref().is_some_and(|p| p.contains(d))
            {
                queries.push((
                    i,
                    Query {
                        ecosystem: d.ecosystem,
                        name: d.name.trim().to_owned(),
                        version: d.version.clone().filter(|_| d.exact),
                    },
                ));
            }
            suspicions.push(s);
        }
        let mut metas: Vec<Option<Meta>> = vec![None; deps.len()];
        if let Some(set) = &names {
            queries.retain(|(i, q)| {
                if q.ecosystem != Ecosystem::PyPI {
                    return true;
                }
                if !set.contains(&q.name) {
                    metas[*i] = Some(Meta {
                        exists: false,
                        unpublished: false,
                        created: None,
                        install_scripts: vec![],
                        version: None,
                    });
                    offline_absent[*i] = Some(set.fetched);
                }
                false
            });
        }
        if !queries.is_empty() {
            if ctx.offline {
                ctx.note(format!(
                    "typosquat: --offline: {} added package name(s) not on the popular lists were not looked up in their registries (existence and age not verified); checked against the built-in popular lists only",
                    queries.len()
                ));
            } else {
                let client = Client::from_env(ctx.env);
                let qs: Vec<Query> = queries.iter().map(|(_, q)| q.clone()).collect();
                let mut failed = Vec::new();
                for ((i, q), r) in queries.iter().zip(client.lookup_all(&qs)) {
                    match r {
                        Ok(m) => metas[*i] = Some(m),
                        Err(e) => failed.push(format!("{} ({e})", q.name)),
                    }
                }
                if !failed.is_empty() {
                    ctx.note(format!(
                        "typosquat: registry look-up failed for {} package(s), first: {}; existence and age not verified for them, checked against the built-in popular lists only",
                        failed.len(),
                        failed[0]
                    ));
                }
            }
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut out = Vec::new();
        for (i, d) in deps.iter().enumerate() {
            let mut f = findings_for(
                d,
                suspicions[i].as_ref(),
                metas[i].as_ref(),
                cfg.min_age_days,
                now,
            );
            if let Some(fetched) = offline_absent[i] {
                for x in f.iter_mut().filter(|x| x.rule == "package-not-in-registry") {
                    x.message.push_str(&absent_note(fetched));
                }
            }
            out.extend(f);
        }
        Ok(out)
    }
}

/// Offline verdict for one added name: what it imitates on the ecosystem's popular list, if
/// anything (None for listed names and for ecosystems without a list). [`Typosquat`] runs this
/// for every added dependency; the evaluation in `bench/` times it.
pub fn offline(eco: Ecosystem, name: &str) -> Option<Suspicion> {
    heuristics::assess(popular::get(eco)?, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(eco: Ecosystem, name: &str) -> Dep {
        Dep {
            ecosystem: eco,
            name: name.into(),
            version: Some("1.0.0".into()),
            exact: true,
            path: "package.json".into(),
            line: Some(3),
            source: DepSource::Registry,
        }
    }

    #[test]
    fn not_in_registry_is_red_and_names_the_guess() {
        let d = dep(Ecosystem::Npm, "loadsh");
        let s = heuristics::assess(popular::get(Ecosystem::Npm).unwrap(), "loadsh");
        let missing = Meta {
            exists: false,
            unpublished: false,
            created: None,
            install_scripts: vec![],
            version: None,
        };
        let f = findings_for(&d, s.as_ref(), Some(&missing), 30, 0);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "package-not-in-registry");
        assert_eq!(f[0].severity, Severity::Red);
        assert!(f[0].message.contains("use `lodash`"), "{}", f[0].message);
        assert_eq!(f[0].line, Some(3));
        assert_eq!(f[0].package.as_ref().unwrap().name, "loadsh");
    }

    #[test]
    fn young_package_with_install_script_gets_two_yellows() {
        let d = dep(Ecosystem::Npm, "fresh-thing");
        let now = 100 * 86_400;
        let m = Meta {
            exists: true,
            unpublished: false,
            created: Some(now - 3 * 86_400),
            install_scripts: vec!["postinstall".into()],
            version: Some("1.0.0".into()),
        };
        let f = findings_for(&d, None, Some(&m), 30, now);
        let rules: Vec<&str> = f.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["package-too-new", "package-install-script"]);
        assert!(f[0].message.contains("3 day(s) ago"), "{}", f[0].message);
        assert!(f.iter().all(|f| f.severity == Severity::Yellow));
        let old = Meta {
            created: Some(now - 40 * 86_400),
            install_scripts: vec![],
            ..m
        };
        assert!(findings_for(&d, None, Some(&old), 30, now).is_empty());
    }

    #[test]
    fn allow_list_matches_normalized_names() {
        let allow = vec![AllowedPackage {
            ecosystem: "PyPI".into(),
            name: "Urlib3".into(),
            reason: "internal fork".into(),
        }];
        assert!(allowed(&allow, Ecosystem::PyPI, "urlib3"));
        assert!(!allowed(&allow, Ecosystem::Npm, "urlib3"));
    }
}
