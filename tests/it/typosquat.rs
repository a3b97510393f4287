//! typosquat tests: end to end through `guardrail check` on real git repositories, offline
//! (popular lists only) and online against wiremock registries (never the real network).

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{guardrail, TempRepo};

const BASE_REQ: &str = "numpy==1.26.4\n";
const BASE_PKG: &str = "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\"\n  }\n}\n";
const BASE_CARGO: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\n";

/// A repository whose base has numpy / lodash / serde_json and whose head commit writes the
/// given manifests; returns (repo, base sha).
fn repo_with(req: &str, pkg: &str, cargo: &str) -> (TempRepo, String) {
    let r = TempRepo::new();
    r.write("requirements.txt", BASE_REQ);
    r.write("package.json", BASE_PKG);
    r.write("Cargo.toml", BASE_CARGO);
    r.write("src/main.rs", "fn main() {}\n");
    let base = r.commit("base");
    r.write("requirements.txt", req);
    r.write("package.json", pkg);
    r.write("Cargo.toml", cargo);
    r.commit("add dependencies");
    (r, base)
}

fn report(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn typosquats(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["kind"] == "typosquat").collect())
        .unwrap_or_default()
}

fn for_package<'a>(fs: &[&'a Value], name: &str) -> Vec<&'a Value> {
    fs.iter()
        .copied()
        .filter(|f| f["package"]["name"] == name)
        .collect()
}

#[test]
fn done_when_offline_typosquats_name_their_targets() {
    let (r, base) = repo_with(
        "numpy==1.26.4\nurlib3==2.2.1\ntyping-extensions==4.12.2\n",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\",\n    \"loadsh\": \"^4.17.21\"\n  }\n}\n",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\ntokoi = \"1\"\n\"s\u{0435}rde\" = \"1\"\n",
    );
    let out = guardrail(r.path())
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    let fs = typosquats(&v);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, target, path, line) in [
        ("urlib3", "urllib3", "requirements.txt", 2),
        ("loadsh", "lodash", "package.json", 6),
        ("tokoi", "tokio", "Cargo.toml", 8),
        ("s\u{0435}rde", "serde", "Cargo.toml", 9),
    ] {
        let hits = for_package(&fs, name);
        assert_eq!(
            hits.len(),
            1,
            "{name}: {hits:?}\nall: {v}\nstderr: {stderr}"
        );
        let f = hits[0];
        let msg = f["message"].as_str().unwrap_or_default();
        assert!(msg.contains(&format!("`{target}`")), "{name}: {msg}");
        assert!(
            msg.contains(&format!("Fix: use `{target}`")),
            "{name}: {msg}"
        );
        assert_eq!(f["path"], path, "{f}");
        assert_eq!(f["line"], line, "{f}");
        assert!(
            f["rule"]
                .as_str()
                .unwrap_or_default()
                .starts_with("typosquat-"),
            "{f}"
        );
    }
    assert_eq!(for_package(&fs, "s\u{0435}rde")[0]["severity"], "red");
    assert_eq!(
        for_package(&fs, "s\u{0435}rde")[0]["rule"],
        "typosquat-confusable"
    );
    assert_eq!(for_package(&fs, "loadsh")[0]["severity"], "yellow");
    for ok in ["numpy", "lodash", "serde_json", "typing-extensions"] {
        assert!(for_package(&fs, ok).is_empty(), "{ok} flagged: {v}");
    }
    assert_eq!(v["verdict"], "block", "{v}");
    assert_eq!(out.status.code(), Some(1));
    // Offline: existence was not verified, and the run says so once.
    assert_eq!(stderr.matches("not looked up").count(), 1, "{stderr}");
}

#[test]
fn allow_list_silences_a_legitimate_look_alike() {
    let r = TempRepo::new();
    r.write("requirements.txt", BASE_REQ);
    r.write(
        ".guardrail.yml",
        "version: 1\ntyposquat:\n  allow:\n    - ecosystem: PyPI\n      name: urlib3\n      reason: our internal fork, published on the private index\n",
    );
    let base = r.commit("base");
    r.write("requirements.txt", "numpy==1.26.4\nurlib3==2.2.1\n");
    r.commit("add");
    let out = guardrail(r.path())
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    assert!(typosquats(&v).is_empty(), "{v}");
}

fn registries(cmd: &mut assert_cmd::Command, server: &MockServer, cache: &std::path::Path) {
    cmd.env("GUARDRAIL_CRATES_API", server.uri())
        .env("GUARDRAIL_NPM_REGISTRY", server.uri())
        .env("GUARDRAIL_PYPI_URL", server.uri())
        .env("GUARDRAIL_REGISTRY_CACHE", cache);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_lookups_flag_missing_new_and_install_scripts_and_cache() {
    let server = MockServer::start().await;
    // PyPI: a name no one registered (hallucinated).
    Mock::given(method("GET"))
        .and(path("/pypi/fastapi-jwt-authz/json"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "Not Found"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // npm: published two days ago, with a postinstall script.
    let created = (time::OffsetDateTime::now_utc() - time::Duration::days(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("date");
    Mock::given(method("GET"))
        .and(path("/left-pad-utils-pro"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_id": "left-pad-utils-pro",
            "name": "left-pad-utils-pro",
            "dist-tags": {"latest": "1.0.3"},
            "versions": {
                "1.0.3": {
                    "name": "left-pad-utils-pro",
                    "version": "1.0.3",
                    "scripts": {"postinstall": "node ./setup.js", "test": "echo ok"},
                    "dist": {"tarball": "https://registry.npmjs.org/left-pad-utils-pro/-/left-pad-utils-pro-1.0.3.tgz"}
                }
            },
            "time": {"created": created, "modified": created, "1.0.3": created},
            "maintainers": [{"name": "someone", "email": "someone@example.com"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // crates.io: an old, ordinary crate.
    Mock::given(method("GET"))
        .and(path("/api/v1/crates/tiny-ledger-fmt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "crate": {
                "id": "tiny-ledger-fmt",
                "name": "tiny-ledger-fmt",
                "created_at": "2019-03-04T10:11:12.123456+00:00",
                "updated_at": "2023-01-01T00:00:00.000000+00:00",
                "max_version": "0.3.1",
                "downloads": 12345
            },
            "versions": [{"num": "0.3.1", "yanked": false}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let (r, base) = repo_with(
        "numpy==1.26.4\nfastapi-jwt-authz==0.1.0\n",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\",\n    \"left-pad-utils-pro\": \"1.0.3\"\n  }\n}\n",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\ntiny-ledger-fmt = \"0.3\"\n",
    );
    let cache = tempfile::tempdir().expect("cache dir");
    for run in 0..2 {
        let mut cmd = guardrail(r.path());
        registries(&mut cmd, &server, cache.path());
        let out = cmd
            .args(["check", "--base", &base, "--format", "json"])
            .output()
            .expect("run");
        let v = report(&out);
        let fs = typosquats(&v);
        let missing = for_package(&fs, "fastapi-jwt-authz");
        assert_eq!(missing.len(), 1, "run {run}: {v}");
        assert_eq!(missing[0]["rule"], "package-not-in-registry");
        assert_eq!(missing[0]["severity"], "red");
        assert_eq!(missing[0]["line"], 2);
        let mut fresh: Vec<&str> = for_package(&fs, "left-pad-utils-pro")
            .iter()
            .map(|f| f["rule"].as_str().unwrap_or_default())
            .collect();
        fresh.sort_unstable();
        // A popular name plus bait words (`-utils`, `-pro`) is also an affix typosquat.
        assert_eq!(
            fresh,
            vec![
                "package-install-script",
                "package-too-new",
                "typosquat-affix"
            ],
            "run {run}: {v}"
        );
        let msg = missing[0]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("is not on PyPI"), "{msg}");
        assert!(for_package(&fs, "tiny-ledger-fmt").is_empty(), "{v}");
        assert_eq!(out.status.code(), Some(1), "run {run}");
    }
    // `.expect(1)` on each mock: the second run was served from the on-disk cache.
    server.verify().await;
}

#[test]
fn unreachable_registry_falls_back_with_one_note() {
    let (r, base) = repo_with(
        "numpy==1.26.4\nurlib3==2.2.1\nsome-unlisted-thing==1.0\n",
        BASE_PKG,
        BASE_CARGO,
    );
    let cache = tempfile::tempdir().expect("cache dir");
    let out = guardrail(r.path())
        // Port 9 (discard) on localhost: connection refused, no real network.
        .env("GUARDRAIL_PYPI_URL", "http://127.0.0.1:9")
        .env("GUARDRAIL_REGISTRY_CACHE", cache.path())
        .args(["check", "--base", &base, "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    let fs = typosquats(&v);
    assert_eq!(for_package(&fs, "urlib3").len(), 1, "{v}");
    assert!(for_package(&fs, "some-unlisted-thing").is_empty(), "{v}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("registry look-up failed").count(),
        1,
        "{stderr}"
    );
}

/// A saved PyPI simple index (PEP 691 JSON), as `db import` takes it.
fn simple_index(names: &[&str]) -> String {
    let projects: Vec<Value> = names
        .iter()
        .map(|n| serde_json::json!({"name": n, "_last-serial": 1}))
        .collect();
    serde_json::json!({"meta": {"api-version": "1.1", "_last-serial": 1}, "projects": projects})
        .to_string()
}

/// Offline, a PyPI name that the stored name set lacks is red (`db import` of a saved simple
/// index); names it has pass, npm names are not judged (npm publishes no list), and a later
/// advisory import keeps the name set.
#[test]
fn offline_pypi_existence_from_an_imported_simple_index() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let index = tmp.path().join("simple.json");
    std::fs::write(
        &index,
        simple_index(&["numpy", "Zzyzx_Ledger", "requests", "flask"]),
    )
    .expect("write");
    let out = guardrail(tmp.path())
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(&index)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("imported 4 PyPI package names"), "{stdout}");
    // An advisory import afterwards rewrites the store and keeps the name set.
    let adv = tmp.path().join("adv.jsonl");
    std::fs::write(
        &adv,
        r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#.to_owned() + "\n",
    )
    .expect("write");
    guardrail(tmp.path())
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(&adv)
        .assert()
        .success();
    assert!(db.join("names/pypi.bin").is_file());

    let (r, base) = repo_with(
        "numpy==1.26.4\nzzyzx-ledger==1.0\nfastapi-jwt-authz==0.1.0\n",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\",\n    \"zzyzx-made-up-npm\": \"1.0.0\"\n  }\n}\n",
        BASE_CARGO,
    );
    let out = guardrail(r.path())
        .env("GUARDRAIL_DB_DIR", &db)
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    let fs = typosquats(&v);
    let missing = for_package(&fs, "fastapi-jwt-authz");
    assert_eq!(missing.len(), 1, "{v}");
    assert_eq!(missing[0]["rule"], "package-not-in-registry");
    assert_eq!(missing[0]["severity"], "red");
    assert_eq!(missing[0]["line"], 3);
    let msg = missing[0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("is not on PyPI")
            && msg.contains("Checked offline against the list of every PyPI project name"),
        "{msg}"
    );
    // In the index under another spelling (PEP 503): exists.
    assert!(for_package(&fs, "zzyzx-ledger").is_empty(), "{v}");
    // npm has no bulk name list: offline, an unknown npm name is not judged.
    assert!(for_package(&fs, "zzyzx-made-up-npm").is_empty(), "{v}");
    assert_eq!(out.status.code(), Some(1));

    // A damaged name set is an error naming the file, never a verdict.
    std::fs::write(db.join("names/pypi.bin"), b"not a filter").expect("write");
    let out = guardrail(r.path())
        .env("GUARDRAIL_DB_DIR", &db)
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pypi.bin") && err.contains("damaged"), "{err}");
}

/// `db update` fetches PyPI's simple index (JSON, asked for by Accept) from a local stand-in
/// and stores the name set; `--no-pypi-names` leaves it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn db_update_stores_the_pypi_name_set() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/simple/"))
        .and(wiremock::matchers::header_regex(
            "accept",
            "application/vnd.pypi.simple.v1\\+json",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/vnd.pypi.simple.v1+json")
                .set_body_string(simple_index(&["numpy", "requests", "zzyzx-ledger"])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let url = format!("{}/simple/", server.uri());
    let out = guardrail(tmp.path())
        .args([
            "db",
            "update",
            "--no-rustsec",
            "--no-osv",
            "--ecosystem",
            "PyPI",
            "--db",
        ])
        .arg(&db)
        .arg("--pypi-names-url")
        .arg(&url)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("PyPI names: 3"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let set = guardrail::advisory::names::NameSet::open(&db)
        .expect("readable")
        .expect("stored");
    assert!(set.contains("zzyzx_ledger") && set.contains("NumPy"));
    assert_eq!(set.count, 3);
    assert_eq!(set.source, url);
    // Not asked for: no request (the mock expects exactly one), the stored set stays.
    guardrail(tmp.path())
        .args([
            "db",
            "update",
            "--no-rustsec",
            "--no-osv",
            "--no-pypi-names",
            "--ecosystem",
            "PyPI",
            "--db",
        ])
        .arg(&db)
        .assert()
        .success();
    assert!(db.join("names/pypi.bin").is_file());
}

/// Evaluation (run by `bench/typosquat-eval.sh`): false positives over popular and tail names,
/// recall per technique on generated typosquats and on the real OSV `MAL-*` names, and speed.
/// Needs `../shared/data`; prints a report.
#[test]
#[ignore = "evaluation report: bench/typosquat-eval.sh"]
fn eval() {
    eval::run(&crate::common::shared_data());
    let pass = eval::time_checks(&eval::speed_names());
    println!(
        "1,000 names ({} flagged) in {:.2} ms wall, {:?} ms CPU (lists loaded; debug build: see bench/typosquat-eval.sh for release figures)",
        pass.flagged, pass.wall_ms, pass.cpu_ms
    );
}

/// The real-data part of the evaluation alone (`bench/typosquat-real/`): recall on real
/// malicious typosquats, false alarms on real less-popular packages, per signal family.
#[test]
#[ignore = "evaluation report: bench/typosquat-eval.sh (ONLY=real)"]
fn eval_real() {
    eval::run_real();
}

/// The FP budget that can run in `cargo test`: the top 5,000 of each list, checked as if newly
/// added, must be flagged at most 0.5% of the time (by construction 0: listed names are exempt).
#[test]
fn top_5000_of_each_list_is_not_flagged() {
    use guardrail::checks::typosquat::{heuristics, popular};
    use guardrail::ecosystem::Ecosystem;
    for eco in [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI] {
        let pop = popular::get(eco).expect("list");
        let flagged: Vec<&str> = pop
            .names()
            .take(5_000)
            .filter(|n| heuristics::assess(pop, n).is_some())
            .collect();
        assert!(flagged.len() * 200 <= 5_000, "{eco:?}: {flagged:?}");
        assert!(flagged.is_empty(), "{eco:?}: {flagged:?}");
    }
}

/// The evaluation itself lives in `bench/` so that `bench/typosquat-eval.sh` runs it in a release
/// build without the test-only dependencies; including it here keeps it compiling and linted.
#[path = "../../bench/typosquat-eval.rs"]
mod eval;
