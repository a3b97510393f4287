//! `guardrail review …`.

use std::path::PathBuf;

use guardrail::cli::review::ReviewCommand;

use super::Ui;

pub fn run(_cmd: &ReviewCommand, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail review` is not implemented yet")
}
