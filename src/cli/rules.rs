//! `guardrail rules …` arguments.

use clap::Subcommand;

/// Rule commands.
#[derive(Debug, Clone, Subcommand)]
pub enum RulesCommand {
    /// The rule set in force.
    List,
}
