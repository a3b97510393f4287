//! `guardrail check`.

use std::path::PathBuf;

use guardrail::cli::CheckArgs;
use guardrail::engine;
use guardrail::report::{self, Format, Report};

use super::{emit, print_notes, Ui};

pub fn run(args: &CheckArgs, cwd: PathBuf, ui: &Ui) -> anyhow::Result<i32> {
    let settings = args.settings(cwd);
    let outcome = engine::check(&settings, &mut std::io::stdin().lock())?;
    print_notes(&outcome.notes);
    let report = Report {
        verdict: outcome.verdict,
        base: outcome.base.as_deref(),
        head: outcome.head.as_deref(),
        findings: &outcome.findings,
        rules: Some(&outcome.rules),
        provenance: None,
        started: outcome.started,
    };
    let color = args.out.output.is_none() && args.out.format == Format::Text && ui.color_stdout();
    let mut buf = Vec::new();
    report::write(args.out.format, &report, &mut buf, color)?;
    if let Some(summary) = &args.summary {
        let mut md = Vec::new();
        report::write(Format::Markdown, &report, &mut md, false)?;
        emit(&md, Some(summary))?;
    }
    emit(&buf, args.out.output.as_deref())?;
    Ok(outcome.verdict.exit_code())
}
