//! `guardrail db …` arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Advisory database commands.
#[derive(Debug, Clone, Subcommand)]
pub enum DbCommand {
    /// Sources, record counts per ecosystem, age of each source.
    Status(StatusArgs),
    /// Add advisory data: a RustSec advisory-db tree or .tar.gz, OSV records as a directory,
    /// .zip, .tar.gz, .jsonl or .jsonl.gz (JSON or YAML records); or a saved PyPI simple index
    /// (PEP 691 JSON or PEP 503 HTML), stored as the offline set of every PyPI name.
    Import(ImportArgs),
    /// Refresh the database from upstream (RustSec git, OSV per-ecosystem all.zip); the old
    /// database stays in place if anything fails.
    Update(UpdateArgs),
}

/// Where the database lives.
#[derive(Debug, Clone, Args)]
pub struct DbDirArg {
    /// Advisory database directory (default: the user cache, e.g. ~/.cache/guardrail/db).
    #[arg(long, value_name = "DIR", env = "GUARDRAIL_DB_DIR")]
    pub db: Option<PathBuf>,
}

/// `guardrail db status`.
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// Database directory.
    #[command(flatten)]
    pub dir: DbDirArg,
    /// Warn when older than this many days (default: dependencies.max-db-age-days of
    /// ./.guardrail.yml, else 7).
    #[arg(long, value_name = "DAYS")]
    pub max_age_days: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `guardrail db import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Files or directories to import.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    /// Database directory.
    #[command(flatten)]
    pub dir: DbDirArg,
}

/// `guardrail db update`.
#[derive(Debug, Clone, Args)]
pub struct UpdateArgs {
    /// Database directory.
    #[command(flatten)]
    pub dir: DbDirArg,
    /// RustSec advisory-db git URL.
    #[arg(long, value_name = "URL", env = "GUARDRAIL_RUSTSEC_URL", default_value = crate::advisory::update::RUSTSEC_URL)]
    pub rustsec_url: String,
    /// OSV base URL (`<URL>/<ecosystem>/all.zip`).
    #[arg(long, value_name = "URL", env = "GUARDRAIL_OSV_URL", default_value = crate::advisory::update::OSV_URL)]
    pub osv_url: String,
    /// Skip RustSec.
    #[arg(long)]
    pub no_rustsec: bool,
    /// Skip OSV.
    #[arg(long)]
    pub no_osv: bool,
    /// PyPI simple index, stored as a compact set of every PyPI name so that `check --offline`
    /// can tell an invented name (fetched when PyPI is updated; npm has no such list).
    #[arg(long, value_name = "URL", env = "GUARDRAIL_PYPI_NAMES_URL", default_value = crate::advisory::names::PYPI_SIMPLE_URL)]
    pub pypi_names_url: String,
    /// Do not refresh the PyPI name set (a stored one is kept).
    #[arg(long)]
    pub no_pypi_names: bool,
    /// OSV ecosystems to fetch (repeatable; default: crates.io, npm, PyPI, Go, Maven, RubyGems, Packagist, NuGet, "GitHub Actions").
    #[arg(long = "ecosystem", value_name = "NAME")]
    pub ecosystems: Vec<String>,
}
