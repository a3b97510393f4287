//! Dependency advisories: every added, upgraded or downgraded dependency version of the change
//! is looked up in the local advisory database (offline). Known-vulnerable, malicious, unsound
//! or unmaintained versions become `dependency` findings on the line that introduces them; an
//! upgrade away from a vulnerable version is reported as info ("fixed"). Versions the change did
//! not touch are never reported.

use std::path::{Path, PathBuf};

use crate::advisory::{self, Db, Match};
use crate::checks::{Check, Context, Lane};
use crate::deps::{ChangeKind, Dep, DepChange};
use crate::error::Result;
use crate::finding::{Finding, Kind, Package, Severity};

/// Looks dependency changes up in the advisory database.
pub(crate) struct Advisories;

/// The database directory in force: `--db` / `GUARDRAIL_DB_DIR`, else the user cache.
pub(crate) fn db_dir(ctx: &Context<'_>) -> Option<PathBuf> {
    ctx.db_dir
        .map(Path::to_path_buf)
        .or_else(advisory::default_dir)
}

pub(crate) fn package(dep: &Dep) -> Package {
    Package {
        ecosystem: dep.ecosystem.as_str().to_owned(),
        name: dep.name.clone(),
        version: dep.version.clone(),
    }
}

fn describe(m: &Match) -> String {
    let mut s = match m.kind {
        advisory::AdvisoryKind::Malicious => "known malicious package".to_owned(),
        advisory::AdvisoryKind::Vulnerability => "known vulnerability".to_owned(),
        k => format!("{} advisory", k.as_str()),
    };
    if let Some(c) = m.cvss {
        s.push_str(&format!(" (CVSS {c:.1})"));
    } else if let Some(l) = &m.severity_label {
        s.push_str(&format!(" ({})", l.to_ascii_lowercase()));
    }
    s
}

fn finding(dep: &Dep, m: &Match, severity: Severity, message: String) -> Finding {
    let anchor = format!("{}@{}", dep.name, dep.version.as_deref().unwrap_or(""));
    let mut f = Finding::new(
        m.primary(),
        Kind::Dependency,
        severity,
        &dep.path,
        dep.line,
        message,
    );
    f.package = Some(package(dep));
    f.advisories = m.ids.clone();
    f.with_fingerprint(&anchor, 0)
}

/// Findings for one change against the matches of its head version (and, for upgrades, of the
/// base version).
pub(crate) fn findings_for(change: &DepChange, now: &[Match], before: &[Match]) -> Vec<Finding> {
    let dep = &change.dep;
    let mut out = Vec::new();
    let ver = dep.version.as_deref().unwrap_or("(any version)");
    for m in now {
        let mut msg = format!(
            "{} {} has a {}: {}",
            dep.name,
            ver,
            describe(m),
            m.summary.trim()
        );
        if !m.os.is_empty() {
            msg.push_str(&format!(" (affects {} only)", m.os.join(", ")));
        }
        match (&m.kind, &m.fixed) {
            (advisory::AdvisoryKind::Malicious, _) => {
                msg.push_str(". Remove it: the package was published with malicious code; rotate any secrets it could have read")
            }
            (_, Some(fix)) => msg.push_str(&format!(". Upgrade to {fix}")),
            (_, None) => msg.push_str(". No fixed version is known: replace the package or accept the risk with an ignore entry"),
        }
        // What the change introduces is held; an advisory the base already had is not new.
        let base_had_it = before
            .iter()
            .any(|b| b.primary() == m.primary() || m.ids.iter().any(|i| b.ids.contains(i)));
        if base_had_it {
            let fix = match &m.fixed {
                Some(fix) => format!("fixed in {fix}: consider {fix}"),
                None => "no fixed version is known".to_owned(),
            };
            let mut f = finding(
                dep,
                m,
                Severity::Info,
                format!(
                    "still affected: {} {} has a {} the base version already had ({}): {}; {fix}.",
                    dep.name,
                    ver,
                    describe(m),
                    m.primary(),
                    m.summary.trim()
                ),
            );
            f.notes
                .push("not introduced by this change: the base version was affected too".into());
            out.push(f);
            continue;
        }
        msg.push('.');
        out.push(finding(dep, m, m.finding_severity(), msg));
    }
    if let ChangeKind::Upgraded { from } | ChangeKind::Downgraded { from } = &change.kind {
        for b in before {
            if now
                .iter()
                .any(|m| m.primary() == b.primary() || m.ids.iter().any(|i| b.ids.contains(i)))
            {
                continue;
            }
            let msg = format!(
                "fixed: moving {} from {from} to {ver} resolves {} ({}).",
                dep.name,
                b.primary(),
                b.summary.trim()
            );
            let mut f = finding(dep, b, Severity::Info, msg);
            f.rule = b.primary().to_owned();
            out.push(f);
        }
    }
    out
}

/// Exact versions of `dep`'s package that the same file locked at base.
fn base_versions(ctx: &Context<'_>, dep: &Dep) -> Result<Vec<String>> {
    let name = crate::ecosystem::normalize_name(dep.ecosystem, &dep.name);
    let mut out: Vec<String> = Vec::new();
    for fd in ctx.file_deps()? {
        if fd.path != dep.path {
            continue;
        }
        for e in &fd.base {
            let Some(v) = e.dep.version.as_deref() else {
                continue;
            };
            if e.dep.exact
                && e.dep.ecosystem == dep.ecosystem
                && crate::ecosystem::normalize_name(e.dep.ecosystem, &e.dep.name) == name
                && !out.iter().any(|o| o == v)
            {
                out.push(v.to_owned());
            }
        }
    }
    Ok(out)
}

impl Check for Advisories {
    fn name(&self) -> &'static str {
        "advisories"
    }

    fn lane(&self) -> Lane {
        Lane::Dependencies
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let changes = ctx.dependency_changes()?;
        let relevant: Vec<&DepChange> = changes
            .iter()
            .filter(|c| !matches!(c.kind, ChangeKind::Removed))
            .collect();
        if relevant.is_empty() {
            return Ok(Vec::new());
        }
        let Some(dir) = db_dir(ctx) else {
            ctx.note("no advisory database directory (no --db, GUARDRAIL_DB_DIR or user cache dir): dependency versions were not checked");
            return Ok(Vec::new());
        };
        let db = Db::open(&dir)?;
        if db.is_empty() {
            ctx.note(format!(
                "the advisory database at {} is empty: dependency versions were not checked (run `guardrail db update` or `guardrail db import`)",
                dir.display()
            ));
            return Ok(Vec::new());
        }
        let max_age = ctx.config.dependencies.max_db_age_days;
        if let Some(age) = db.age_days(time::OffsetDateTime::now_utc()) {
            if max_age > 0 && age > i64::from(max_age) {
                ctx.note(format!(
                    "the advisory database at {} is {age} days old (dependencies.max-db-age-days: {max_age}): run `guardrail db update`",
                    dir.display()
                ));
            }
        }
        // A name pinned exactly somewhere in the change is checked there; its manifest
        // requirement elsewhere only adds noise.
        let exact_names: std::collections::HashSet<(crate::ecosystem::Ecosystem, String)> =
            relevant
                .iter()
                .filter(|c| c.dep.exact)
                .map(|c| {
                    (
                        c.dep.ecosystem,
                        crate::ecosystem::normalize_name(c.dep.ecosystem, &c.dep.name),
                    )
                })
                .collect();
        let mut out = Vec::new();
        for change in relevant {
            let dep = &change.dep;
            let version = if dep.exact {
                dep.version.as_deref()
            } else {
                None
            };
            if version.is_none()
                && exact_names.contains(&(
                    dep.ecosystem,
                    crate::ecosystem::normalize_name(dep.ecosystem, &dep.name),
                ))
            {
                continue;
            }
            let now = db.matches(dep.ecosystem, &dep.name, version)?;
            let before = match (&change.kind, dep.exact) {
                (ChangeKind::Upgraded { from } | ChangeKind::Downgraded { from }, true) => {
                    db.matches(dep.ecosystem, &dep.name, Some(from))?
                }
                // A version added next to ones the file already locks (uv.lock splitting one
                // package into two versions by environment markers): the base versions' matches.
                (ChangeKind::Added, true) => {
                    let mut b = Vec::new();
                    for v in base_versions(ctx, dep)? {
                        b.extend(db.matches(dep.ecosystem, &dep.name, Some(&v))?);
                    }
                    b
                }
                _ => Vec::new(),
            };
            out.extend(findings_for(change, &now, &before));
        }
        Ok(out)
    }
}
