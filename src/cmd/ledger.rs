//! `guardrail ledger …`.

use std::path::PathBuf;

use guardrail::cli::ledger::LedgerCommand;

use super::Ui;

pub fn run(_cmd: &LedgerCommand, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail ledger` is not implemented yet")
}
