//! `guardrail scan`.

use std::path::PathBuf;

use guardrail::cli::ScanArgs;

use super::Ui;

pub fn run(_args: &ScanArgs, _cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    anyhow::bail!("`guardrail scan` is not implemented yet")
}
