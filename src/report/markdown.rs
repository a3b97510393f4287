//! Markdown report (job summaries, PR/MR summary comments), plus the escaping every piece of
//! untrusted text (diff content, messages, comment bodies) goes through before it is written
//! into Markdown: no HTML, no `@mentions`, no fence breaks, no fake guardrail markers.

use std::io::{self, Write};

use super::{counts, Report};
use crate::finding::{Finding, ReviewState, Severity};
use crate::policy::Verdict;

/// Escapes untrusted text for inline Markdown (one line: newlines become spaces).
pub(crate) fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200b}"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as a fenced code block that it cannot close, with mentions and comment
/// markers neutralised.
pub(crate) fn code_block(s: &str, lang: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = s
        .replace("<!--", "<\u{200b}!--")
        .replace("-->", "--\u{200b}>")
        .replace("</", "<\u{200b}/")
        .replace('@', "@\u{200b}");
    let lang: String = lang.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{fence}{lang}\n{body}\n{fence}")
}

/// The verdict as a short label.
pub(crate) fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅ pass",
        Verdict::Review => "🟡 review pending",
        Verdict::Block => "⛔ block",
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Red => "🔴 red",
        Severity::Yellow => "🟡 yellow",
        Severity::Info => "🔵 info",
    }
}

/// The location of a finding as inline code-safe text.
pub(crate) fn location(f: &Finding) -> String {
    match f.line {
        Some(l) => format!("{}:{l}", escape_inline(&f.path)),
        None => escape_inline(&f.path),
    }
}

/// A finding's review state as escaped Markdown (`pending`, `accepted by …`).
pub(crate) fn review_label(f: &Finding) -> String {
    match &f.review {
        None => String::new(),
        Some(r) => match r.state {
            ReviewState::Pending => "pending".into(),
            ReviewState::Accepted => format!(
                "accepted by {}",
                escape_inline(r.by.as_deref().unwrap_or("?"))
            ),
            ReviewState::Rejected => format!(
                "rejected by {}",
                escape_inline(r.by.as_deref().unwrap_or("?"))
            ),
        },
    }
}

/// Writes the Markdown report.
pub(crate) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let (r, y, i) = counts(report.findings);
    writeln!(out, "## guardrail: {}", verdict_label(report.verdict))?;
    writeln!(out)?;
    let mut line = format!("**{r} red · {y} yellow · {i} info**");
    if let (Some(b), Some(h)) = (report.base, report.head) {
        let short = |s: &str| s.chars().take(12).collect::<String>();
        line.push_str(&format!(
            " — `{}`…`{}`",
            escape_inline(&short(b)),
            escape_inline(&short(h))
        ));
    }
    writeln!(out, "{line}")?;
    if let Some(p) = report.provenance {
        writeln!(out)?;
        writeln!(out, "Provenance: {}", escape_inline(p))?;
    }
    if report.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "No findings in this change.")?;
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| Severity | Rule | Location | Message | Review |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for f in report.findings {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            severity_label(f.severity),
            escape_inline(&f.rule),
            location(f),
            escape_inline(&f.message),
            review_label(f)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escaping_neutralises_html_mentions_and_markers() {
        let s = escape_inline("@everyone </details> <!-- guardrail:fp=x --> `x` | y\nz");
        assert!(!s.contains("@everyone"));
        assert!(!s.contains('<'));
        assert!(!s.contains('\n'));
        assert!(s.contains("\\|"));
    }

    #[test]
    fn code_blocks_cannot_be_closed_from_inside() {
        let b = code_block("a ```` b\n```\n<!-- guardrail -->", "py");
        assert!(b.starts_with("`````py\n"));
        assert!(b.ends_with("\n`````"));
        assert!(!b.contains("<!--"));
    }
}
