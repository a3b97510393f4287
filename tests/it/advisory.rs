//! Advisory database: imports of the real shared snapshots, cross-checks against cargo-audit's
//! and OSV's expected matches, `db` commands, `db update` against a local server, bad input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use guardrail::advisory::{import, AdvisoryKind, Db};
use guardrail::deps::{self, Ecosystem, Text};

use crate::common::{guardrail, shared_data};

/// A store with every shared snapshot imported (built once per test run).
fn shared_db() -> &'static Path {
    static DB: OnceLock<tempfile::TempDir> = OnceLock::new();
    DB.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = shared_data();
        import::import(
            &tmp.path().join("db"),
            &[
                d.join("rustsec-advisory-db.tar.gz"),
                d.join("osv-pypi.tar.gz"),
                d.join("osv-malicious.jsonl.gz"),
            ],
        )
        .expect("shared snapshots import");
        tmp
    })
    .path()
}

fn db_path() -> PathBuf {
    shared_db().join("db")
}

fn lock_entries(format: deps::Format, path: &Path) -> Vec<deps::Entry> {
    let text = std::fs::read_to_string(path).expect("lockfile");
    deps::parse(format, &Text::whole(&text), "lock").expect("parses")
}

/// (package, id) pairs of `kinds` matches for every entry of a lockfile.
fn matched(db: &Db, entries: &[deps::Entry], kinds: &[AdvisoryKind], prefix: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for e in entries {
        let d = &e.dep;
        for m in db.matches(d.ecosystem, &d.name, d.version.as_deref()).expect("lookup") {
            if !kinds.contains(&m.kind) {
                continue;
            }
            for id in m.ids.iter().filter(|i| i.starts_with(prefix)) {
                out.insert((d.name.to_ascii_lowercase(), id.clone()));
            }
        }
    }
    out
}

fn cargo_audit_expected(dir: &str, section: &str) -> BTreeSet<(String, String)> {
    let path = shared_data().join("lockfiles").join(dir).join("expected-cargo-audit.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("expected")).expect("json");
    let list: Vec<&serde_json::Value> = if section == "vulnerabilities" {
        v["vulnerabilities"]["list"].as_array().expect("list").iter().collect()
    } else {
        ["unsound", "unmaintained"]
            .iter()
            .flat_map(|k| v["warnings"][k].as_array().cloned().unwrap_or_default().into_iter().collect::<Vec<_>>())
            .map(|x| Box::leak(Box::new(x)) as &serde_json::Value)
            .collect()
    };
    list.iter()
        .filter_map(|x| {
            let id = x["advisory"]["id"].as_str()?;
            Some((x["package"]["name"].as_str()?.to_ascii_lowercase(), id.to_owned()))
        })
        .collect()
}

#[test]
fn cross_check_ripgrep_cargo_lock_with_cargo_audit() {
    let db = Db::open(&db_path()).expect("open");
    let entries = lock_entries(deps::Format::CargoLock, &shared_data().join("lockfiles/cargo-ripgrep-11.0.0/Cargo.lock"));
    let ours = matched(&db, &entries, &[AdvisoryKind::Vulnerability], "RUSTSEC-");
    let mut expected = cargo_audit_expected("cargo-ripgrep-11.0.0", "vulnerabilities");
    // Decision: platform-specific advisories are reported (the gate cannot know where the code
    // ships); cargo-audit on Linux drops this Windows-only one.
    expected.insert(("grep-cli".into(), "RUSTSEC-2021-0071".into()));
    assert_eq!(ours, expected);
    let warn = matched(&db, &entries, &[AdvisoryKind::Unsound, AdvisoryKind::Unmaintained], "RUSTSEC-");
    assert_eq!(warn, cargo_audit_expected("cargo-ripgrep-11.0.0", "warnings"));
}

#[test]
fn cross_check_ruff_cargo_lock_with_cargo_audit() {
    let db = Db::open(&db_path()).expect("open");
    let entries = lock_entries(deps::Format::CargoLock, &shared_data().join("lockfiles/cargo-ruff-2022-12-29/Cargo.lock"));
    assert_eq!(entries.len(), 311 - 4, "registry packages of the v3 lockfile");
    let ours = matched(&db, &entries, &[AdvisoryKind::Vulnerability], "RUSTSEC-");
    assert_eq!(ours, cargo_audit_expected("cargo-ruff-2022-12-29", "vulnerabilities"));
    let warn = matched(&db, &entries, &[AdvisoryKind::Unsound, AdvisoryKind::Unmaintained], "RUSTSEC-");
    assert_eq!(warn, cargo_audit_expected("cargo-ruff-2022-12-29", "warnings"));
}

fn osv_expected(dir: &str) -> BTreeSet<(String, String)> {
    let path = shared_data().join("lockfiles").join(dir).join("expected-osv-pypi-matches.tsv");
    std::fs::read_to_string(path)
        .expect("tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut p = l.split('\t');
            Some((p.next()?.to_ascii_lowercase(), p.nth(1)?.to_owned()))
        })
        .collect()
}

fn pypi_diff(dir: &str, format: deps::Format, file: &str) -> (BTreeSet<(String, String)>, BTreeSet<(String, String)>) {
    let db = Db::open(&db_path()).expect("open");
    let entries = lock_entries(format, &shared_data().join("lockfiles").join(dir).join(file));
    let ours = matched(&db, &entries, &[AdvisoryKind::Vulnerability], "PYSEC-");
    let expected = osv_expected(dir);
    let extra: BTreeSet<_> = ours.difference(&expected).cloned().collect();
    let missing: BTreeSet<_> = expected.difference(&ours).cloned().collect();
    (extra, missing)
}

#[test]
fn cross_check_poetry_lock_with_osv_expected_matches() {
    let (extra, missing) = pypi_diff("pypi-poetry-1.1.0", deps::Format::PoetryLock, "poetry.lock");
    assert!(missing.is_empty(), "expected but not found: {missing:?}");
    assert!(extra.is_empty(), "found but not expected: {extra:?}");
}

#[test]
fn cross_check_dvpwa_requirements_with_osv_expected_matches() {
    let (extra, missing) = pypi_diff("pypi-dvpwa", deps::Format::Requirements, "requirements.txt");
    assert!(missing.is_empty(), "expected but not found: {missing:?}");
    assert!(extra.is_empty(), "found but not expected: {extra:?}");
}
