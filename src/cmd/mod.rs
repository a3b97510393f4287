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

/// Replaces control characters (from hostile paths) so stderr cannot drive the terminal.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Prints notes to stderr, one line each.
pub(crate) fn print_notes(notes: &[String]) {
    for n in notes {
        eprintln!("guardrail: note: {}", clean(n));
    }
}
