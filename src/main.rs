//! The `guardrail` binary: parses arguments, runs a command, prints, maps errors to exit 2.
#![forbid(unsafe_code)]
// The edge: the binary writes the reports and messages the library hands it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;
use guardrail::cli::{Cli, Command};

mod cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GUARDRAIL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        // Span close events carry each phase's time: `GUARDRAIL_LOG=guardrail=debug` is the
        // profile of one run.
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .try_init();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("guardrail: error: {}", one_line(&format!("{e:#}")));
            2
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// Errors are one line on stderr, with control characters from hostile input replaced.
fn one_line(s: &str) -> String {
    let joined = s
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    cmd::clean(&joined)
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let cwd = match &cli.directory {
        Some(d) => d.clone(),
        None => std::env::current_dir()?,
    };
    let ui = cmd::Ui::new(cli.color);
    match cli.command {
        Command::Check(args) => cmd::check::run(&args, cwd, &ui),
        Command::Scan(args) => cmd::scan::run(&args, cwd, &ui),
        Command::Db(c) => cmd::db::run(&c, cwd, &ui),
        Command::Rules(c) => cmd::rules::run(&c, cwd, &ui),
        Command::Review(c) => cmd::review::run(&c, cwd, &ui),
        Command::Ledger(c) => cmd::ledger::run(&c, cwd, &ui),
        Command::Hook(c) => cmd::hook::run(&c, cwd, &ui),
    }
}
