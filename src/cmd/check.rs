//! `guardrail check`.

use std::path::PathBuf;

use guardrail::cli::CheckArgs;
use guardrail::engine;
use guardrail::report::{self, Format, Report};

use super::{emit, print_notes, Ui};

pub(crate) fn run(args: &CheckArgs, cwd: PathBuf, ui: &Ui) -> anyhow::Result<i32> {
    let settings = args.settings(cwd, guardrail::cli::environment());
    let opts = args.finish_options();
    // Decide, append the run to the ledger, then publish: a run whose record cannot be
    // written is published as an error, never as a pass.
    let mut ledger_failed = false;
    let mut record = |o: &engine::Outcome| -> guardrail::error::Result<Vec<String>> {
        if args.ledger.no_ledger {
            return Ok(Vec::new());
        }
        let _t = tracing::debug_span!("ledger").entered();
        let rec = super::check_record(o);
        guardrail::ledger::append_run_in(
            args.ledger.ledger.as_deref(),
            o.repo.as_ref(),
            &settings.cwd,
            &rec,
        )
        .map(|note| note.into_iter().collect())
        .inspect_err(|_| ledger_failed = true)
    };
    let checked =
        guardrail::review::check(&settings, &mut std::io::stdin().lock(), &opts, &mut record);
    let (outcome, review) = match checked {
        Ok(r) => r,
        Err(e) if ledger_failed => return Err(anyhow::anyhow!("audit ledger: {e}")),
        Err(e) => return Err(e.into()),
    };
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
    if let Some(summary) = &args.summary {
        let mut md = Vec::new();
        report::write(Format::Markdown, &report, &mut md, false)?;
        emit(&md, Some(summary))?;
    }
    emit(&buf, args.out.output.as_deref())?;
    Ok(outcome.verdict.exit_code())
}
