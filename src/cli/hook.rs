//! `guardrail hook …` arguments.

use clap::Subcommand;

/// Hook commands.
#[derive(Debug, Clone, Subcommand)]
pub enum HookCommand {
    /// Install the local pre-push hook.
    Install,
}
