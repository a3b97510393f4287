//! `guardrail scan`: the whole-tree review, printed like `check`.

use std::path::PathBuf;

use guardrail::cli::ScanArgs;
use guardrail::report::{self, Format, Report};
use guardrail::scan::{self, ScanSettings};

use super::{emit, print_notes, Ui};

pub(crate) fn run(args: &ScanArgs, cwd: PathBuf, ui: &Ui) -> anyhow::Result<i32> {
    let abs = |p: &PathBuf| {
        if p.is_absolute() {
            p.clone()
        } else {
            cwd.join(p)
        }
    };
    let mut settings =
        ScanSettings::new(args.path.as_ref().map(abs).unwrap_or_else(|| cwd.clone()));
    settings.config = args.config.as_ref().map(abs);
    settings.rules = args.rules.iter().map(abs).collect();
    settings.no_builtin = args.no_builtin;
    settings.jobs = args.jobs;
    settings.offline = args.offline;
    settings.db = args.db.clone();
    settings.env = guardrail::cli::environment();

    let bar = if ui.stderr_is_terminal() {
        let pb = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} scanning {pos}/{len} files [{elapsed_precise}] {wide_bar}",
        ) {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    let progress = |done: u64, total: u64| {
        if let Some(pb) = &bar {
            pb.set_length(total);
            pb.set_position(done);
        }
    };
    let outcome = scan::scan(&settings, &progress)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    print_notes(&outcome.notes);

    if !args.ledger.no_ledger {
        let repo = guardrail::git::Repo::discover(&outcome.root).ok();
        let rec = super::scan_record(&outcome, repo.as_ref());
        let note = guardrail::ledger::append_run_in(
            args.ledger.ledger.as_deref(),
            repo.as_ref(),
            &cwd,
            &rec,
        )
        .map_err(|e| anyhow::anyhow!("audit ledger: {e}"))?;
        print_notes(note.as_slice());
    }

    let report = Report {
        verdict: outcome.verdict,
        base: None,
        head: None,
        findings: &outcome.findings,
        rules: Some(&outcome.rules),
        provenance: None,
        started: outcome.started,
    };
    let color = args.out.output.is_none() && args.out.format == Format::Text && ui.color_stdout();
    let mut buf = Vec::new();
    report::write(args.out.format, &report, &mut buf, color)?;
    emit(&buf, args.out.output.as_deref())?;
    Ok(outcome.verdict.exit_code())
}
