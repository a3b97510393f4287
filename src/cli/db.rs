//! `guardrail db …` arguments.

use clap::Subcommand;

/// Advisory database commands.
#[derive(Debug, Clone, Subcommand)]
pub enum DbCommand {
    /// Sources, record counts per ecosystem, age of each source.
    Status,
}
