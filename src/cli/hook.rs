//! `guardrail hook …` arguments.

use clap::Subcommand;

/// Hook commands.
#[derive(Debug, Clone, Subcommand)]
pub enum HookCommand {
    /// Install the local pre-push hook (or, with --pre-commit, a pre-commit hook).
    Install {
        /// Install a pre-commit hook checking the staged change instead.
        #[arg(long)]
        pre_commit: bool,
        /// Replace an existing hook that guardrail did not write.
        #[arg(long)]
        force: bool,
    },
    /// Run a hook (called by the installed hook scripts).
    #[command(hide = true)]
    Run {
        /// `pre-push` or `pre-commit`.
        #[arg(value_parser = ["pre-push", "pre-commit"])]
        hook: String,
        /// Arguments git passes to the hook (remote name and URL for pre-push).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}
