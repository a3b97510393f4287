//! `guardrail check`.

use std::path::PathBuf;

use guardrail::cli::CheckArgs;
use guardrail::engine;
use guardrail::report::{self, Format, Report};

use super::{emit, print_notes, Ui};

pub fn run(args: &CheckArgs, cwd: PathBuf, ui: &Ui) -> anyhow::Result<i32> {
    let settings = args.settings(cwd);
    let mut outcome = engine::check(&settings, &mut std::io::stdin().lock())?;
    let mut opts = guardrail::review::FinishOptions::for_check(args);
    opts.env = guardrail::review::ForgeEnv::from_fn(|k| std::env::var(k).ok());
    if opts.publish.is_none() {
        opts.local_decisions =
            guardrail::ledger::local_decisions(opts.ledger.as_deref(), outcome.repo.as_ref())
                .unwrap_or_default();
    }
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
    let review = {
        let _t = tracing::debug_span!("review").entered();
        guardrail::review::finish_recorded(&mut outcome, &opts, &mut record)
    };
    let review = match review {
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
