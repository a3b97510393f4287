//! Reporters: one file per output format, each writing a [`Report`] to a writer. Only reporters
//! (and `main`) produce stdout output.

use std::io::{self, Write};

use crate::finding::Finding;
use crate::policy::Verdict;
use crate::rules::RuleSet;

pub(crate) mod gitlab;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod sarif;
pub mod text;

/// Everything a reporter may show.
pub struct Report<'a> {
    /// The decision.
    pub verdict: Verdict,
    /// Base commit, when known.
    pub base: Option<&'a str>,
    /// Head commit, when known.
    pub head: Option<&'a str>,
    /// Findings in force, sorted.
    pub findings: &'a [Finding],
    /// The rule set (for rule metadata in SARIF and GitLab reports).
    pub rules: Option<&'a RuleSet>,
    /// Provenance summary (who wrote the change), when detected.
    pub provenance: Option<&'a str>,
    /// When the run started (GitLab reports need it).
    pub started: time::OffsetDateTime,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, with code frames; colour on terminals.
    Text,
    /// The `guardrail/v1` JSON contract.
    Json,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// GitLab SAST report (15.2.1).
    GitlabSast,
    /// GitLab dependency-scanning report (15.2.1).
    GitlabDependencyScanning,
    /// Markdown (job summaries, PR comments).
    Markdown,
}

/// Writes `report` in `format`.
pub fn write(
    format: Format,
    report: &Report<'_>,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, out, color),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::GitlabSast => gitlab::write_sast(report, out),
        Format::GitlabDependencyScanning => gitlab::write_dependency_scanning(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}

/// Counts of findings by severity: (red, yellow, info).
pub(crate) fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    use crate::finding::Severity::*;
    findings
        .iter()
        .fold((0, 0, 0), |(r, y, i), f| match f.severity {
            Red => (r + 1, y, i),
            Yellow => (r, y + 1, i),
            Info => (r, y, i + 1),
        })
}
