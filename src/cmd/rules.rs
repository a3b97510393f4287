//! `guardrail rules …`.

use std::path::PathBuf;

use guardrail::cli::rules::RulesCommand;

use super::Ui;

pub fn run(_cmd: &RulesCommand, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail rules` is not implemented yet")
}
