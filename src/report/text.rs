//! Human-readable report: location, rule, message and a code frame per finding, then a summary
//! line. Colour only when asked for (the caller decides from the TTY and `NO_COLOR`).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{counts, Report};
use crate::finding::{ReviewState, Severity};

/// Replaces control characters (escape sequences in hostile paths or code) and bidirectional
/// controls (which reorder what a terminal shows) so nothing taken from the diff can drive the
/// terminal. The one sanitiser for terminal output: reports and the binary's stderr.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || crate::checks::hidden::is_bidi_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn style(color: bool, s: Style) -> (String, String) {
    if color {
        (s.render().to_string(), s.render_reset().to_string())
    } else {
        (String::new(), String::new())
    }
}

/// Writes the text report.
pub(crate) fn write(report: &Report<'_>, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    for f in report.findings {
        let sev_style = match f.severity {
            Severity::Red => AnsiColor::Red.on_default().bold(),
            Severity::Yellow => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default(),
        };
        let (s0, s1) = style(color, sev_style);
        let (b0, b1) = style(color, bold);
        let (d0, d1) = style(color, dim);
        let path = clean(&f.path);
        let loc = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            (Some(l), None) => format!("{path}:{l}"),
            _ => path,
        };
        let mut tags = vec![f.kind.as_str().to_owned()];
        tags.extend(f.cwe.iter().cloned());
        if let Some(p) = &f.package {
            tags.push(match &p.version {
                Some(v) => format!("{} {}@{}", p.ecosystem, p.name, v),
                None => format!("{} {}", p.ecosystem, p.name),
            });
        }
        writeln!(
            out,
            "{s0}{}{s1}[{b0}{}{b1}] {loc} {d0}({}){d1}",
            f.severity.as_str(),
            clean(&f.rule),
            clean(&tags.join(", "))
        )?;
        writeln!(out, "  {}", clean(&f.message))?;
        if !f.advisories.is_empty() {
            writeln!(out, "  {d0}advisories: {}{d1}", f.advisories.join(", "))?;
        }
        if let (Some(line), Some(snippet)) = (f.line, &f.snippet) {
            let n = line.to_string();
            let pad = " ".repeat(n.len());
            writeln!(out, "  {d0}{pad} |{d1}")?;
            writeln!(out, "  {d0}{n} |{d1} {}", clean(snippet.trim_end()))?;
            writeln!(out, "  {d0}{pad} |{d1}")?;
        }
        for note in &f.notes {
            writeln!(out, "  {d0}note:{d1} {}", clean(note))?;
        }
        if let Some(r) = &f.review {
            let state = match r.state {
                ReviewState::Pending => "pending review".to_owned(),
                ReviewState::Accepted => format!("accepted by {}", r.by.as_deref().unwrap_or("?")),
                ReviewState::Rejected => format!("rejected by {}", r.by.as_deref().unwrap_or("?")),
            };
            writeln!(
                out,
                "  {d0}review:{d1} {state} (fingerprint {})",
                f.fingerprint
            )?;
        }
        writeln!(out)?;
    }
    let (r, y, i) = counts(report.findings);
    let v_style = match report.verdict {
        crate::policy::Verdict::Pass => AnsiColor::Green.on_default().bold(),
        crate::policy::Verdict::Review => AnsiColor::Yellow.on_default().bold(),
        crate::policy::Verdict::Block => AnsiColor::Red.on_default().bold(),
    };
    let (v0, v1) = style(color, v_style);
    if let Some(p) = report.provenance {
        writeln!(out, "provenance: {p}")?;
    }
    writeln!(
        out,
        "guardrail: {v0}{}{v1} — {r} red, {y} yellow, {i} info",
        report.verdict.as_str()
    )
}
