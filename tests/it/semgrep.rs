//! Semgrep differential: real Semgrep must accept every rule file, pass every fixture, and
//! report the same (rule, fixture, line) set as guardrail, unless the rule is listed in
//! `tests/semgrep-exceptions.md` with a reason. Skipped (with a printed reason) when `semgrep`
//! is not on PATH; `.ci/run` installs it with `pip install semgrep`. Never touches the network:
//! `--metrics=off --disable-version-check`, and validation loads the rules over an empty
//! directory instead of `--validate` (which downloads `p/semgrep-rule-lints`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::root;

fn semgrep_version() -> Option<String> {
    // Without the environment switches `semgrep --version` checks for a newer release first,
    // which waits ~100 s for the network on a machine without one.
    let out = Command::new("semgrep")
        .arg("--version")
        .env("SEMGREP_SEND_METRICS", "off")
        .env("SEMGREP_ENABLE_VERSION_CHECK", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn semgrep(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = Command::new("semgrep")
        .args(args)
        .current_dir(dir)
        .env("SEMGREP_SEND_METRICS", "off")
        .env("SEMGREP_ENABLE_VERSION_CHECK", "0")
        .output()
        .expect("run semgrep");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "semgrep {args:?} did not print JSON ({e}), exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Rule ids listed in the exceptions file, with their reasons.
fn exceptions() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(root().join("tests/semgrep-exceptions.md")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix("- `") else {
            continue;
        };
        let Some((id, reason)) = rest.split_once('`') else {
            continue;
        };
        let reason = reason.trim_start_matches([':', ' ', '—', '-']).trim();
        assert!(!reason.is_empty(), "exception for `{id}` gives no reason");
        out.insert(id.to_owned(), reason.to_owned());
    }
    out
}

fn canon(p: &str, base: &Path) -> PathBuf {
    let p = Path::new(p);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    abs.canonicalize().unwrap_or(abs)
}

type Lines = BTreeMap<(String, PathBuf), BTreeSet<u64>>;

/// Semgrep `--test --json` over `dir`: (rule, fixture) → reported lines, plus failures.
fn semgrep_test(dir: &str) -> (Lines, Vec<String>) {
    let base = root();
    let v = semgrep(
        &[
            "--test",
            "--json",
            "--metrics=off",
            "--disable-version-check",
            dir,
        ],
        &base,
    );
    let mut lines = Lines::new();
    let mut failures = Vec::new();
    for key in ["config_missing_tests", "config_with_errors"] {
        if let Some(a) = v[key].as_array().filter(|a| !a.is_empty()) {
            failures.push(format!("semgrep {key}: {a:?}"));
        }
    }
    let results = v["results"].as_object().cloned().unwrap_or_default();
    for (file, r) in results {
        let checks = r["checks"].as_object().cloned().unwrap_or_default();
        for (id, c) in checks {
            if c["passed"] != true {
                failures.push(format!(
                    "semgrep --test fails `{id}` in {file}: {}",
                    c["matches"]
                ));
            }
            if let Some(errs) = c["errors"].as_array().filter(|a| !a.is_empty()) {
                failures.push(format!("semgrep errors for `{id}`: {errs:?}"));
            }
            let matches = c["matches"].as_object().cloned().unwrap_or_default();
            for (fixture, m) in matches {
                let set = lines
                    .entry((id.clone(), canon(&fixture, &base)))
                    .or_default();
                for l in m["reported_lines"].as_array().into_iter().flatten() {
                    if let Some(n) = l.as_u64() {
                        set.insert(n);
                    }
                }
            }
        }
    }
    (lines, failures)
}

/// guardrail's fixture run over `dir`: (rule, fixture) → matched lines.
fn guardrail_test(dir: &str) -> Lines {
    let base = root();
    let files = guardrail::rules::test::dir_files(&base.join(dir)).expect("rule files");
    let report = guardrail::rules::test::run(&files);
    let mut lines = Lines::new();
    for f in &report.files {
        for r in &f.rules {
            for loc in &r.found {
                lines
                    .entry((r.id.clone(), canon(&loc.path, &base)))
                    .or_default()
                    .insert(u64::from(loc.line));
            }
        }
    }
    lines
}

/// Rules whose (fixture, line) sets differ between the engines.
fn differences(ours: &Lines, theirs: &Lines) -> BTreeMap<String, Vec<String>> {
    let keys: BTreeSet<&(String, PathBuf)> = ours.keys().chain(theirs.keys()).collect();
    let empty = BTreeSet::new();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in keys {
        let a = ours.get(k).unwrap_or(&empty);
        let b = theirs.get(k).unwrap_or(&empty);
        if a != b {
            let only_ours: Vec<&u64> = a.difference(b).collect();
            let only_semgrep: Vec<&u64> = b.difference(a).collect();
            out.entry(k.0.clone()).or_default().push(format!(
                "{}: only guardrail {only_ours:?}, only semgrep {only_semgrep:?}",
                k.1.display()
            ));
        }
    }
    out
}

fn differential(dir: &str) {
    let Some(version) = semgrep_version() else {
        eprintln!("skipping the Semgrep differential for {dir}: `semgrep` is not on PATH (pip install semgrep)");
        return;
    };
    eprintln!("semgrep {version}: differential over {dir}");
    let (theirs, mut failures) = semgrep_test(dir);
    let ours = guardrail_test(dir);
    let allowed = exceptions();
    for (rule, diffs) in differences(&ours, &theirs) {
        if allowed.contains_key(&rule) {
            eprintln!("documented exception `{rule}`: {}", diffs.join("; "));
        } else {
            failures.push(format!(
                "`{rule}` differs from semgrep: {}",
                diffs.join("; ")
            ));
        }
    }
    // semgrep --test failures of excepted rules are expected too.
    failures.retain(|f| !allowed.keys().any(|id| f.contains(&format!("`{id}`"))));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn semgrep_loads_every_rule_file() {
    if semgrep_version().is_none() {
        eprintln!("skipping: `semgrep` is not on PATH (pip install semgrep)");
        return;
    }
    let empty = tempfile::tempdir().expect("tempdir");
    let rules = root().join("rules");
    let v = semgrep(
        &[
            "scan",
            "--json",
            "--metrics=off",
            "--disable-version-check",
            "--config",
            &rules.to_string_lossy(),
            &empty.path().to_string_lossy(),
        ],
        &root(),
    );
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert!(errors.is_empty(), "semgrep rejects rules: {errors:?}");
}

#[test]
fn semgrep_agrees_on_every_pack_fixture() {
    differential("rules");
}

#[test]
fn semgrep_agrees_on_engine_semantics_probes() {
    differential("fixtures/rules/semantics");
}
