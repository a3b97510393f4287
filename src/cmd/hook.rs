//! `guardrail hook …`.

use std::path::PathBuf;

use guardrail::cli::hook::HookCommand;

use super::Ui;

pub fn run(_cmd: &HookCommand, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail hook` is not implemented yet")
}
