//! Command-line interface: clap definitions and the translation of arguments into library
//! settings. One file per command group.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Env;
use crate::engine::{ChangeSource, CheckSettings};
use crate::report::Format;
use crate::review::{FinishOptions, ForgeEnv, Target};

pub mod db;
pub mod hook;
pub mod ledger;
pub mod review;
pub mod rules;

/// guardrail: a CI gate for changes written by AI coding agents.
///
/// Exit codes: 0 pass, 1 block (red finding), 3 review pending (yellow finding), 2 error.
#[derive(Debug, Parser)]
#[command(name = "guardrail", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Run as if started in DIR.
    #[arg(short = 'C', long = "directory", value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review one change (the main job).
    Check(CheckArgs),
    /// Review a whole tree as if every line were added (baselines, first run).
    Scan(ScanArgs),
    /// The local advisory database.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Rule packs: test fixtures, list, explain.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// The local review queue.
    #[command(subcommand)]
    Review(review::ReviewCommand),
    /// The audit ledger.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Git hooks.
    #[command(subcommand)]
    Hook(hook::HookCommand),
}

/// Where to publish review comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Forge {
    /// GitHub pull request (reads GITHUB_* variables).
    Github,
    /// GitLab merge request (reads CI_* variables).
    Gitlab,
}

/// Output options shared by `check` and `scan`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Ledger options shared by `check` and `scan`.
#[derive(Debug, Clone, Args)]
pub struct LedgerArgs {
    /// Do not append this run to the audit ledger.
    #[arg(long)]
    pub no_ledger: bool,
    /// Ledger location: a file path, or `git:REF` to keep it as commits on a ref
    /// (default: .git/guardrail/ledger.jsonl).
    #[arg(long, value_name = "PATH|git:REF", env = "GUARDRAIL_LEDGER")]
    pub ledger: Option<String>,
}

/// `guardrail check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Base revision: the change is `git diff BASE...HEAD` (default: GITHUB_BASE_REF,
    /// CI_MERGE_REQUEST_DIFF_BASE_SHA, or the merge base with origin/HEAD).
    #[arg(long, value_name = "REV", conflicts_with_all = ["staged", "diff"])]
    pub base: Option<String>,
    /// Head revision.
    #[arg(long, value_name = "REV", default_value = "HEAD", conflicts_with_all = ["staged", "diff"])]
    pub(crate) head: String,
    /// Check the staged change (the index against HEAD).
    #[arg(long, conflicts_with = "diff")]
    pub(crate) staged: bool,
    /// Check a unified diff from FILE (`-` for standard input); no repository needed.
    #[arg(long, value_name = "FILE")]
    pub(crate) diff: Option<PathBuf>,
    /// Config file to use instead of `.guardrail.yml` at the base revision.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Extra rule directory or file (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub(crate) rules: Vec<PathBuf>,
    /// Advisory database directory.
    #[arg(long, value_name = "DIR", env = "GUARDRAIL_DB_DIR")]
    pub(crate) db: Option<PathBuf>,
    /// Never touch the network (registry look-ups are skipped and reported as such).
    #[arg(long)]
    pub(crate) offline: bool,
    /// Publish findings as review comments on the pull/merge request.
    #[arg(long, value_enum, value_name = "FORGE")]
    pub(crate) publish: Option<Forge>,
    /// Also write a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Ledger.
    #[command(flatten)]
    pub ledger: LedgerArgs,
}

impl CheckArgs {
    /// The library settings for these arguments, run in `cwd`.
    pub fn settings(&self, cwd: PathBuf, env: Env) -> CheckSettings {
        let source = if let Some(d) = &self.diff {
            ChangeSource::Diff(d.clone())
        } else if self.staged {
            ChangeSource::Staged
        } else {
            ChangeSource::Revisions {
                base: self.base.clone(),
                head: self.head.clone(),
            }
        };
        CheckSettings {
            cwd,
            source,
            config: self.config.clone(),
            rules: self.rules.clone(),
            db: self.db.clone(),
            offline: self.offline,
            record: !self.ledger.no_ledger,
            env,
        }
    }
}

/// `guardrail scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Tree to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Config file (default: `.guardrail.yml` in the scanned tree).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule directory or file (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Use only the rules given with --rules (no built-in packs).
    #[arg(long)]
    pub no_builtin: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Advisory database directory (for manifests and lockfiles in the tree).
    #[arg(long, value_name = "DIR", env = "GUARDRAIL_DB_DIR")]
    pub db: Option<PathBuf>,
    /// Never touch the network (registry look-ups are skipped and reported as such).
    #[arg(long)]
    pub offline: bool,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Ledger.
    #[command(flatten)]
    pub ledger: LedgerArgs,
}

/// The process environment, read once here at the edge and handed to the library.
pub fn environment() -> Env {
    Env::from_pairs(std::env::vars_os())
}

impl CheckArgs {
    /// The review options `guardrail check` runs with: publish where asked, else the local
    /// queue (recording pending items when checking revisions or the index of a repository);
    /// the forge variables read here, at the edge.
    pub fn finish_options(&self) -> FinishOptions {
        FinishOptions {
            publish: self.publish.map(|f| match f {
                Forge::Github => Target::Github,
                Forge::Gitlab => Target::Gitlab,
            }),
            ledger: self.ledger.ledger.clone(),
            no_ledger: self.ledger.no_ledger,
            enqueue: self.publish.is_none() && self.diff.is_none(),
            branch: None,
            env: ForgeEnv::from_fn(|k| std::env::var(k).ok()),
        }
    }
}
