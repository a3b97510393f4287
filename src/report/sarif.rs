//! SARIF 2.1.0 for code scanning: one run, rules with help text and CWE/OWASP tags, results with
//! `partialFingerprints`. Validated against the OASIS schema in the tests.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::finding::{Finding, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Red => "error",
        Severity::Yellow => "warning",
        Severity::Info => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Red => "8.0",
        Severity::Yellow => "5.0",
        Severity::Info => "2.0",
    }
}

fn rule_value(f: &Finding, report: &Report<'_>) -> Value {
    let rule = report.rules.and_then(|rs| rs.get(&f.rule));
    let mut tags: Vec<String> = vec!["security".into(), f.kind.as_str().into()];
    tags.extend(
        f.cwe
            .iter()
            .map(|c| format!("external/cwe/{}", c.to_ascii_lowercase())),
    );
    tags.extend(f.owasp.iter().map(|o| format!("external/owasp/{o}")));
    let (short, full, help_uri) = match rule {
        Some(r) => (
            r.id.replace('-', " "),
            r.message.clone(),
            r.references.first().cloned(),
        ),
        None => (f.rule.clone(), f.message.clone(), None),
    };
    let mut help_md = full.clone();
    if let Some(r) = rule {
        if !r.references.is_empty() {
            help_md.push_str("\n\nReferences:\n");
            for u in &r.references {
                help_md.push_str(&format!("- {u}\n"));
            }
        }
    }
    let mut v = json!({
        "id": f.rule,
        "name": f.rule,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": full, "markdown": help_md},
        "defaultConfiguration": {"level": level(f.severity)},
        "properties": {
            "tags": tags,
            "precision": rule.and_then(|r| r.confidence.clone()).unwrap_or_else(|| "medium".into()).to_ascii_lowercase(),
            "security-severity": security_severity(f.severity),
        },
    });
    if let Some(u) = help_uri {
        v["helpUri"] = json!(u);
    }
    v
}

/// Writes the SARIF log.
pub(crate) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for f in report.findings {
        if !rule_index.contains_key(f.rule.as_str()) {
            rule_index.insert(&f.rule, rules.len());
            rules.push(rule_value(f, report));
        }
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut phys = json!({"artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}});
            if let Some(line) = f.line {
                let mut region = json!({"startLine": line});
                if let Some(c) = f.column {
                    region["startColumn"] = json!(c);
                }
                if let Some(s) = &f.snippet {
                    region["snippet"] = json!({"text": s});
                }
                phys["region"] = region;
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index.get(f.rule.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": phys}],
                "partialFingerprints": {"guardrail/v1": f.fingerprint},
                "properties": {"kind": f.kind.as_str(), "severity": f.severity.as_str()},
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "guardrail",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/guardrail-dev/guardrail",
                "rules": rules,
            }},
            "automationDetails": {"id": "guardrail/"},
            "results": results,
            "properties": {"verdict": report.verdict.as_str()},
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
