//! `guardrail db …`.

use std::path::PathBuf;

use guardrail::cli::db::DbCommand;

use super::Ui;

pub fn run(_cmd: &DbCommand, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail db` is not implemented yet")
}
