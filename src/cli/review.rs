//! `guardrail review …` arguments.

use clap::Subcommand;

/// Local review queue commands.
#[derive(Debug, Clone, Subcommand)]
pub enum ReviewCommand {
    /// Pending and decided items.
    List,
}
