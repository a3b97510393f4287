//! `guardrail ledger …` arguments.

use clap::Subcommand;

/// Ledger commands.
#[derive(Debug, Clone, Subcommand)]
pub enum LedgerCommand {
    /// Check the whole chain.
    Verify,
}
