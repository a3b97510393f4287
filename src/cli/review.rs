//! `guardrail review …` arguments.

use clap::{Args, Subcommand};

/// Local review queue commands.
#[derive(Debug, Clone, Subcommand)]
pub enum ReviewCommand {
    /// Pending items (with --all, decided ones too).
    List {
        /// Also list accepted and rejected items.
        #[arg(long)]
        all: bool,
        /// Print the queue as JSON.
        #[arg(long)]
        json: bool,
    },
    /// One item in full.
    Show {
        /// Item id (or a fingerprint prefix).
        id: String,
    },
    /// Accept a yellow finding.
    Accept(DecideArgs),
    /// Reject a yellow finding (the change stays blocked until the code changes).
    Reject(DecideArgs),
}

/// Arguments of `accept` and `reject`.
#[derive(Debug, Clone, Args)]
pub struct DecideArgs {
    /// Item id (or a fingerprint prefix).
    pub id: String,
    /// Why (required; goes into the audit ledger).
    #[arg(long, short = 'r', value_name = "TEXT")]
    pub reason: String,
    /// Ledger location: a file path, or `git:REF`.
    #[arg(long, value_name = "PATH|git:REF", env = "GUARDRAIL_LEDGER")]
    pub ledger: Option<String>,
    /// Do not record the decision in the audit ledger.
    #[arg(long)]
    pub no_ledger: bool,
}
