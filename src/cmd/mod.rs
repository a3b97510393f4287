//! Command implementations (binary side): each runs library code and prints.

use std::io::{IsTerminal, Write};
use std::path::Path;

use guardrail::cli::ColorChoice;

pub(crate) mod check;
pub(crate) mod db;
pub(crate) mod hook;
pub(crate) mod ledger;
pub(crate) mod review;
pub(crate) mod rules;
pub(crate) mod scan;

/// Terminal facts for printing.
pub(crate) struct Ui {
    color: ColorChoice,
}

impl Ui {
    pub(crate) fn new(color: ColorChoice) -> Self {
        Ui { color }
    }

    /// Whether to colour stdout.
    pub(crate) fn color_stdout(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    /// Whether stderr is a terminal (progress bars).
    pub(crate) fn stderr_is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }
}

/// Writes a finished buffer to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn emit_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Writes a report to FILE atomically (temp file + rename) or to stdout.
pub(crate) fn emit(bytes: &[u8], output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        None => emit_stdout(bytes),
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".into());
            let tmp = dir.join(format!(".{name}.guardrail-tmp-{}", std::process::id()));
            std::fs::write(&tmp, bytes).map_err(|e| anyhow::anyhow!("{}: {e}", tmp.display()))?;
            std::fs::rename(&tmp, p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            Ok(())
        }
    }
}

/// The ledger's record of a finished `check` run.
pub(crate) fn check_record(o: &guardrail::engine::Outcome) -> guardrail::ledger::RunRecord {
    use guardrail::ledger;
    ledger::RunRecord {
        command: "check".to_owned(),
        repo: o
            .repo
            .as_ref()
            .and_then(guardrail::git::Repo::remote_url)
            .map(|u| ledger::redact_url(&u)),
        base: o.base.clone(),
        head: o.head.clone(),
        diff_sha256: Some(o.diff_sha256.clone()),
        rules_sha256: o.rules.sha256().to_owned(),
        config_sha256: o.config_sha256.clone(),
        db_sources: ledger::db_sources(o.db.as_deref()),
        verdict: o.verdict.as_str().to_owned(),
        findings: ledger::findings(&o.findings),
    }
}

/// The ledger's record of a finished `scan` run; `repo` is the repository holding the scanned
/// tree (its `HEAD` is recorded as the head).
pub(crate) fn scan_record(
    o: &guardrail::scan::ScanOutcome,
    repo: Option<&guardrail::git::Repo>,
) -> guardrail::ledger::RunRecord {
    use guardrail::ledger;
    ledger::RunRecord {
        command: "scan".to_owned(),
        repo: repo
            .and_then(guardrail::git::Repo::remote_url)
            .map(|u| ledger::redact_url(&u)),
        base: None,
        head: repo.and_then(|r| r.resolve("HEAD").ok()),
        diff_sha256: None,
        rules_sha256: o.rules.sha256().to_owned(),
        config_sha256: o.config_sha256.clone(),
        db_sources: ledger::db_sources(o.db.as_deref()),
        verdict: o.verdict.as_str().to_owned(),
        findings: ledger::findings(&o.findings),
    }
}

pub(crate) use guardrail::report::text::clean;

/// Prints notes to stderr, one line each.
pub(crate) fn print_notes(notes: &[String]) {
    for n in notes {
        eprintln!(
            "guardrail: note: {}",
            clean(&guardrail::checks::redact::text(n))
        );
    }
}
