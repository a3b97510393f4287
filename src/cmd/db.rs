//! `guardrail db …`: import, update, status of the local advisory database.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use guardrail::advisory::{self, import, update, Db};
use guardrail::cli::db::{DbCommand, DbDirArg, ImportArgs, StatusArgs, UpdateArgs};
use guardrail::config::{self, Config};

use super::{emit_stdout, Ui};

pub(crate) fn run(cmd: &DbCommand, cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    match cmd {
        DbCommand::Status(a) => status(a, &cwd),
        DbCommand::Import(a) => import_cmd(a, &cwd),
        DbCommand::Update(a) => update_cmd(a, &cwd),
    }
}

fn dir_of(arg: &DbDirArg, cwd: &Path) -> anyhow::Result<PathBuf> {
    match &arg.db {
        Some(d) if d.is_absolute() => Ok(d.clone()),
        Some(d) => Ok(cwd.join(d)),
        None => advisory::default_dir()
            .context("no user cache directory: pass --db DIR or set GUARDRAIL_DB_DIR"),
    }
}

fn import_cmd(a: &ImportArgs, cwd: &Path) -> anyhow::Result<i32> {
    let dir = dir_of(&a.dir, cwd)?;
    let inputs: Vec<PathBuf> = a
        .paths
        .iter()
        .map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            }
        })
        .collect();
    // Saved PyPI simple indexes become the offline name set; the rest are advisories.
    let (indexes, inputs): (Vec<PathBuf>, Vec<PathBuf>) =
        inputs.into_iter().partition(|p| is_simple_index(p));
    let mut out = String::new();
    for p in &indexes {
        let n = advisory::names::import_file(&dir, p)?;
        let _ = writeln!(
            out,
            "imported {n} PyPI package names from {} (offline existence check)",
            p.display()
        );
    }
    if inputs.is_empty() {
        emit_stdout(out.as_bytes())?;
        return Ok(0);
    }
    let report = import::import(&dir, &inputs)?;
    for w in &report.warnings {
        eprintln!("guardrail: warning: {w}");
    }
    for (p, n) in &report.per_input {
        let _ = writeln!(out, "imported {n} advisories from {}", p.display());
    }
    if report.withdrawn > 0 {
        let _ = writeln!(out, "skipped {} withdrawn advisories", report.withdrawn);
    }
    if report.other_ecosystems > 0 {
        let _ = writeln!(
            out,
            "skipped {} advisories of other ecosystems",
            report.other_ecosystems
        );
    }
    let _ = writeln!(out, "database {}: {}", dir.display(), counts(&report.meta));
    emit_stdout(out.as_bytes())?;
    Ok(0)
}

/// A file whose first bytes look like a PyPI simple index (directories never are).
fn is_simple_index(p: &Path) -> bool {
    use std::io::Read as _;
    if !p.is_file() {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    match std::fs::File::open(p) {
        Ok(f) => {
            f.take(4096).read_to_end(&mut head).is_ok()
                && advisory::names::looks_like_simple_index(&head)
        }
        Err(_) => false,
    }
}

fn counts(meta: &advisory::Meta) -> String {
    let total: usize = meta.counts.values().sum();
    let per: Vec<String> = meta
        .counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!("{total} advisories ({})", per.join(", "))
}

fn update_cmd(a: &UpdateArgs, cwd: &Path) -> anyhow::Result<i32> {
    let dir = dir_of(&a.dir, cwd)?;
    let mut ecosystems = Vec::new();
    for e in &a.ecosystems {
        match guardrail::advisory::osv::ecosystem(e) {
            Some(x) => ecosystems.push(x),
            None => anyhow::bail!("unknown ecosystem `{e}` (expected crates.io, npm, PyPI, Go, Maven, RubyGems, Packagist, NuGet or \"GitHub Actions\")"),
        }
    }
    if ecosystems.is_empty() {
        ecosystems = guardrail::ecosystem::ECOSYSTEMS.to_vec();
    }
    let opts = update::UpdateOptions {
        rustsec_url: (!a.no_rustsec).then(|| a.rustsec_url.clone()),
        osv_url: (!a.no_osv).then(|| a.osv_url.clone()),
        ecosystems,
        pypi_names_url: (!a.no_pypi_names).then(|| a.pypi_names_url.clone()),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = rt.block_on(update::update(&dir, &opts))?;
    for w in &report.warnings {
        eprintln!("guardrail: warning: {w}");
    }
    let mut out = String::new();
    for s in &report.meta.sources {
        let _ = writeln!(
            out,
            "{}: {} advisories ({})",
            s.name,
            s.records,
            s.revision.as_deref().unwrap_or("no revision")
        );
    }
    if let Some(n) = report.pypi_names {
        let _ = writeln!(out, "PyPI names: {n} (offline existence check)");
    }
    let _ = writeln!(
        out,
        "database {} updated: {}",
        dir.display(),
        counts(&report.meta)
    );
    emit_stdout(out.as_bytes())?;
    Ok(0)
}

fn status(a: &StatusArgs, cwd: &Path) -> anyhow::Result<i32> {
    let dir = dir_of(&a.dir, cwd)?;
    let db = Db::open(&dir)?;
    let max_age = match a.max_age_days {
        Some(d) => d,
        None => {
            let p = cwd.join(config::FILE_NAME);
            match std::fs::read(&p) {
                Ok(bytes) => Config::parse(&bytes, &p)?.dependencies.max_db_age_days,
                Err(_) => Config::default().dependencies.max_db_age_days,
            }
        }
    };
    let now = time::OffsetDateTime::now_utc();
    if a.json {
        let v = serde_json::json!({
            "dir": dir.display().to_string(),
            "counts": db.meta().counts,
            "sources": db.sources(),
            "age_days": db.age_days(now),
        });
        let mut s = serde_json::to_string_pretty(&v)?;
        s.push('\n');
        emit_stdout(s.as_bytes())?;
        return Ok(0);
    }
    let mut out = String::new();
    let _ = writeln!(out, "database: {}", dir.display());
    if db.is_empty() {
        let _ = writeln!(
            out,
            "empty: run `guardrail db update` (network) or `guardrail db import FILE_OR_DIR...`"
        );
        emit_stdout(out.as_bytes())?;
        return Ok(0);
    }
    let _ = writeln!(out, "records: {}", counts(db.meta()));
    let _ = writeln!(out, "sources:");
    for s in db.sources() {
        let age = time::OffsetDateTime::parse(
            &s.imported,
            &time::format_description::well_known::Rfc3339,
        )
        .map(|t| format!("{} days ago", (now - t).whole_days()))
        .unwrap_or_else(|_| "unknown age".into());
        let _ = writeln!(
            out,
            "  {}: {} advisories, revision {}, newest record {}, imported {} ({age}) from {}",
            s.name,
            s.records,
            s.revision.as_deref().unwrap_or("unknown"),
            s.date.as_deref().unwrap_or("unknown"),
            s.imported,
            s.location
        );
    }
    emit_stdout(out.as_bytes())?;
    if let Some(age) = db.age_days(now) {
        if max_age > 0 && age > i64::from(max_age) {
            eprintln!("guardrail: warning: the advisory database is {age} days old (more than {max_age}): run `guardrail db update`");
        }
    }
    Ok(0)
}
