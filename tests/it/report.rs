//! One snapshot per reporter over a fixed set of findings covering every kind, plus schema
//! validation of the machine formats.

use guardrail::finding::{Finding, Kind, Package, Review, ReviewState, Severity};
use guardrail::policy::{self, Verdict};
use guardrail::report::{self, Format, Report};

use crate::common::assert_schema_valid;

fn findings() -> Vec<Finding> {
    let mut sql = Finding::new(
        "python-sql-string-built-query",
        Kind::Code,
        Severity::Red,
        "app/db.py",
        Some(12),
        "SQL text is built from an f-string: use query parameters.",
    )
    .with_fingerprint("cur.execute(f\"SELECT {x}\")", 0);
    sql.cwe = vec!["CWE-89".into()];
    sql.owasp = vec!["A03:2021".into()];
    sql.column = Some(5);
    sql.snippet = Some("    cur.execute(f\"SELECT * FROM t WHERE a = '{x}'\")".into());

    let mut secret = Finding::new(
        "aws-access-key-id",
        Kind::Secret,
        Severity::Red,
        "deploy/env.sh",
        Some(3),
        "An AWS access key id is committed: revoke it and load it from the environment.",
    )
    .with_fingerprint("AWS_KEY=AKIA", 0);
    secret.snippet = Some("AWS_KEY=AKIA****[redacted]".into());

    let mut dep = Finding::new(
        "RUSTSEC-2020-0071",
        Kind::Dependency,
        Severity::Yellow,
        "Cargo.lock",
        Some(410),
        "time 0.1.45: potential segfault in localtime_r (upgrade to >= 0.2.23).",
    )
    .with_fingerprint("crates.io:time@0.1.45", 0);
    dep.package = Some(Package {
        ecosystem: "crates.io".into(),
        name: "time".into(),
        version: Some("0.1.45".into()),
    });
    dep.advisories = vec![
        "RUSTSEC-2020-0071".into(),
        "CVE-2020-26235".into(),
        "GHSA-wcg3-cvx6-7396".into(),
    ];
    dep.review = Some(Review {
        state: ReviewState::Pending,
        by: None,
        reason: None,
    });

    let mut typo = Finding::new(
        "typosquat-edit-distance",
        Kind::Typosquat,
        Severity::Yellow,
        "requirements.txt",
        Some(4),
        "`urlib3` is one edit away from the popular `urllib3`: did you mean `urllib3`?",
    )
    .with_fingerprint("PyPI:urlib3", 0);
    typo.package = Some(Package {
        ecosystem: "PyPI".into(),
        name: "urlib3".into(),
        version: None,
    });
    typo.review = Some(Review {
        state: ReviewState::Accepted,
        by: Some("alice".into()),
        reason: Some("internal fork".into()),
    });

    let mut agent = Finding::new(
        "guardrail-config-edited",
        Kind::Agent,
        Severity::Yellow,
        ".guardrail.yml",
        None,
        "This change edits guardrail's own configuration <b>@everyone</b> | `x`.",
    )
    .with_fingerprint("edits:.guardrail.yml", 0);
    agent.review = Some(Review {
        state: ReviewState::Pending,
        by: None,
        reason: None,
    });

    let ci = Finding::new(
        "github-actions-unpinned-action",
        Kind::SupplyChain,
        Severity::Info,
        ".github/workflows/ci.yml",
        Some(20),
        "Third-party action not pinned to a commit SHA.",
    )
    .with_fingerprint("uses: foo/bar@v1", 0);
    let mut all = vec![sql, secret, dep, typo, agent, ci];
    policy::sort(&mut all);
    all
}

fn render(format: Format) -> String {
    let f = findings();
    let report = Report {
        verdict: policy::verdict(&f),
        base: Some("1111111111111111111111111111111111111111"),
        head: Some("2222222222222222222222222222222222222222"),
        findings: &f,
        rules: None,
        provenance: Some("agent-written: branch prefix `codex/`"),
        started: time::macros::datetime!(2026-11-21 12:00:00 UTC),
    };
    assert_eq!(report.verdict, Verdict::Block);
    let mut buf = Vec::new();
    report::write(format, &report, &mut buf, false).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn text_report() {
    insta::assert_snapshot!(render(Format::Text));
}

#[test]
fn json_report() {
    let out = render(Format::Json);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The contract: package and advisories only where they apply, review only when set.
    assert!(v["findings"][0].get("package").is_none());
    assert_eq!(v["findings"].as_array().unwrap().len(), 6);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_report() {
    let out = render(Format::Sarif);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_schema_valid("sarif-schema-2.1.0.json", &v);
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_report() {
    let out = render(Format::Markdown);
    assert!(!out.contains("@everyone"));
    assert!(!out.contains("<b>"));
    insta::assert_snapshot!(out);
}

#[test]
fn gitlab_sast_report() {
    let out = render(Format::GitlabSast);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_schema_valid("sast-report-format.json", &v);
    assert_eq!(v["vulnerabilities"].as_array().unwrap().len(), 4);
    insta::assert_snapshot!(out);
}

#[test]
fn gitlab_dependency_scanning_report() {
    let out = render(Format::GitlabDependencyScanning);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_schema_valid("dependency-scanning-report-format.json", &v);
    assert_eq!(v["vulnerabilities"].as_array().unwrap().len(), 2);
    insta::assert_snapshot!(out);
}
