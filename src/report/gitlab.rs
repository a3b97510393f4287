//! GitLab security reports (schema 15.2.1): SAST (`gl-sast-report.json`) for code, secret,
//! supply-chain and agent findings, dependency scanning (`gl-dependency-scanning-report.json`)
//! for dependency and typosquat findings. Validated against GitLab's schemas in the tests.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::finding::{Finding, Kind, Severity};

const SCHEMA_VERSION: &str = "15.2.1";

fn gl_severity(s: Severity) -> &'static str {
    match s {
        Severity::Red => "High",
        Severity::Yellow => "Medium",
        Severity::Info => "Info",
    }
}

fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn scan(report: &Report<'_>, kind: &str) -> Value {
    let tool = json!({
        "id": "guardrail",
        "name": "guardrail",
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": {"name": "guardrail"},
    });
    let ts = timestamp(report.started);
    json!({
        "analyzer": tool,
        "scanner": tool,
        "start_time": ts,
        "end_time": ts,
        "status": "success",
        "type": kind,
    })
}

fn identifiers(f: &Finding) -> Vec<Value> {
    let mut ids = vec![json!({
        "type": "guardrail_rule",
        "name": format!("guardrail {}", f.rule),
        "value": f.rule,
    })];
    for c in &f.cwe {
        let n = c.trim_start_matches("CWE-");
        ids.push(json!({
            "type": "cwe",
            "name": c,
            "value": n,
            "url": format!("https://cwe.mitre.org/data/definitions/{n}.html"),
        }));
    }
    for a in &f.advisories {
        if a == &f.rule {
            continue;
        }
        let kind = a
            .split('-')
            .next()
            .unwrap_or("advisory")
            .to_ascii_lowercase();
        ids.push(json!({"type": kind, "name": a, "value": a}));
    }
    ids
}

fn is_dependency(f: &Finding) -> bool {
    matches!(f.kind, Kind::Dependency | Kind::Typosquat) && f.package.is_some()
}

/// Writes the SAST report: every finding that is not about a package.
pub(crate) fn write_sast(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let vulns: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| !is_dependency(f))
        .map(|f| {
            let mut loc = json!({"file": f.path});
            if let Some(l) = f.line {
                loc["start_line"] = json!(l);
                loc["end_line"] = json!(l);
            }
            json!({
                "id": f.fingerprint,
                "name": f.rule,
                "description": f.message,
                "severity": gl_severity(f.severity),
                "location": loc,
                "identifiers": identifiers(f),
            })
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "vulnerabilities": vulns,
        "scan": scan(report, "sast"),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// Writes the dependency-scanning report: dependency and typosquat findings.
pub(crate) fn write_dependency_scanning(
    report: &Report<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let vulns: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| is_dependency(f))
        .filter_map(|f| {
            let p = f.package.as_ref()?;
            Some(json!({
                "id": f.fingerprint,
                "name": f.rule,
                "description": f.message,
                "severity": gl_severity(f.severity),
                "location": {
                    "file": f.path,
                    "dependency": {
                        "package": {"name": p.name},
                        "version": p.version.clone().unwrap_or_default(),
                    },
                },
                "identifiers": identifiers(f),
            }))
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "vulnerabilities": vulns,
        "scan": scan(report, "dependency_scanning"),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
