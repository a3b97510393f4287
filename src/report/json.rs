//! The `guardrail/v1` JSON report, exactly as `interface.md` fixes it.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::finding::Finding;

/// The JSON value of one finding (contract field order).
pub(crate) fn finding_value(f: &Finding) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("fingerprint".into(), json!(f.fingerprint));
    m.insert("rule".into(), json!(f.rule));
    m.insert("kind".into(), json!(f.kind.as_str()));
    m.insert("severity".into(), json!(f.severity.as_str()));
    m.insert("path".into(), json!(f.path));
    m.insert("line".into(), json!(f.line));
    m.insert("cwe".into(), json!(f.cwe));
    m.insert("owasp".into(), json!(f.owasp));
    m.insert("message".into(), json!(f.message));
    if let Some(p) = &f.package {
        m.insert(
            "package".into(),
            json!({"ecosystem": p.ecosystem, "name": p.name, "version": p.version}),
        );
    }
    if f.package.is_some() || !f.advisories.is_empty() {
        m.insert("advisories".into(), json!(f.advisories));
    }
    if let Some(r) = &f.review {
        m.insert(
            "review".into(),
            serde_json::to_value(r).unwrap_or(Value::Null),
        );
    }
    Value::Object(m)
}

/// The whole report as a JSON value.
pub(crate) fn report_value(report: &Report<'_>) -> Value {
    json!({
        "schema": "guardrail/v1",
        "verdict": report.verdict.as_str(),
        "base": report.base,
        "head": report.head,
        "findings": report.findings.iter().map(finding_value).collect::<Vec<_>>(),
    })
}

/// Writes the report, pretty-printed, with a trailing newline.
pub(crate) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report_value(report))?;
    out.write_all(b"\n")
}
