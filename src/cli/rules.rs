//! `guardrail rules …` arguments.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Rule commands.
#[derive(Debug, Clone, Subcommand)]
pub enum RulesCommand {
    /// Run rule fixtures with Semgrep-style annotations (`ruleid:`, `ok:`, `todoruleid:`,
    /// `todook:`); exit 1 on any mismatch or metadata problem.
    Test(TestArgs),
    /// The rule set in force: id, languages, severity, kind, CWE, OWASP.
    List(ListArgs),
    /// One rule's documentation: message, CWE/OWASP, references, location, an example.
    Explain(ExplainArgs),
}

/// Output of `rules test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// A table per rule file.
    Text,
    /// Machine-readable results.
    Json,
}

/// Output of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table.
    Text,
    /// One JSON array.
    Json,
    /// A Markdown table (what `docs/rules.md` holds).
    Markdown,
}

/// `guardrail rules test`.
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// Rule directory or file on disk (default: the built-in packs).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
}

/// Which rules: built-in packs, config extras, `--rules`.
#[derive(Debug, Clone, Args)]
pub struct RuleSelection {
    /// Extra rule directory or file (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in packs.
    #[arg(long)]
    pub no_builtin: bool,
    /// Config file (default: `.guardrail.yml` in the current directory, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `guardrail rules list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Which rules.
    #[command(flatten)]
    pub select: RuleSelection,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `guardrail rules explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// Rule id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Which rules.
    #[command(flatten)]
    pub select: RuleSelection,
}
