//! `guardrail check`.

use std::path::PathBuf;

use guardrail::cli::CheckArgs;
use guardrail::report::{self, Format, Report};

use super::{emit, print_notes, Ui};

pub(crate) fn run(args: &CheckArgs, cwd: PathBuf, ui: &Ui) -> anyhow::Result<i32> {
    let settings = args.settings(cwd, guardrail::cli::environment());
    let (outcome, review) = guardrail::review::check(
        &settings,
        &mut std::io::stdin().lock(),
        &args.finish_options(),
    )?;
    print_notes(&outcome.notes);
    print_notes(&review.notes);
    let report = Report {
        verdict: outcome.verdict,
        base: outcome.base.as_deref(),
        head: outcome.head.as_deref(),
        findings: &outcome.findings,
        rules: Some(&outcome.rules),
        provenance: review.provenance.as_deref(),
        started: outcome.started,
    };
    let color = args.out.output.is_none() && args.out.format == Format::Text && ui.color_stdout();
    let mut buf = Vec::new();
    report::write(args.out.format, &report, &mut buf, color)?;
    if !args.ledger.no_ledger {
        let _t = tracing::debug_span!("ledger").entered();
        let rec = guardrail::ledger::RunRecord::from_outcome(&outcome, "check");
        let note = guardrail::ledger::append_run_in(
            args.ledger.ledger.as_deref(),
            outcome.repo.as_ref(),
            &settings.cwd,
            &rec,
        )
        .map_err(|e| anyhow::anyhow!("audit ledger: {e}"))?;
        print_notes(note.as_slice());
    }
    if let Some(summary) = &args.summary {
        let mut md = Vec::new();
        report::write(Format::Markdown, &report, &mut md, false)?;
        emit(&md, Some(summary))?;
    }
    emit(&buf, args.out.output.as_deref())?;
    Ok(outcome.verdict.exit_code())
}
