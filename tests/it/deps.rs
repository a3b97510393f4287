//! Dependency parsers over real-format fixtures, and end-to-end dependency checks through the
//! binary in temporary git repositories.

use std::path::{Path, PathBuf};

use guardrail::deps::{self, DepSource, Format, Text};
use guardrail::ecosystem::Ecosystem;

use crate::common::{check_json, guardrail, root, rule_path_line, TempRepo};

fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join("deps").join(name)
}

/// `name@version:line[:source]` for every entry of a fixture.
fn parsed(format: Format, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    deps::parse(format, &Text::whole(&text), name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_iter()
        .map(|e| {
            let d = e.dep;
            let src = match d.source {
                DepSource::Registry => String::new(),
                DepSource::OtherRegistry(_) => ":other".into(),
                DepSource::Git(_) => ":git".into(),
                DepSource::Url(_) => ":url".into(),
                DepSource::Path(_) => ":path".into(),
            };
            format!(
                "{}@{}:{}{}{}",
                d.name,
                d.version.unwrap_or_default(),
                d.line.unwrap_or(0),
                if d.exact { "!" } else { "" },
                src
            )
        })
        .collect()
}

#[test]
fn cargo_manifest_and_lockfiles_v1_v4() {
    assert_eq!(
        parsed(Format::CargoToml, "Cargo.toml"),
        vec![
            "serde@1.0:7",
            "regex@1.1.5:8!",
            "mylib@:9:path",
            "forked@:10:git",
            "time@0.1.45:11",
            "tempfile@3:14",
            "winapi@0.3:17",
            "smallvec@0.6.9:20",
        ]
    );
    assert_eq!(
        parsed(Format::CargoLock, "Cargo.lock.v1"),
        vec!["regex@1.1.5:10!", "smallvec@0.6.9:15!"]
    );
    assert_eq!(
        parsed(Format::CargoLock, "Cargo.lock.v4"),
        vec![
            "forked@0.2.0:15!:git",
            "regex@1.5.5:20!",
            "private@1.0.0:26!:other"
        ]
    );
    let text = std::fs::read_to_string(fixture("Cargo.lock.v1")).expect("fixture");
    let v1 = deps::parse(Format::CargoLock, &Text::whole(&text), "Cargo.lock").expect("parses");
    assert_eq!(
        v1[0].integrity.as_deref(),
        Some("559008764a17de49a3146b234641644ed37d118d1ef641a0bb573d146edc6ce0"),
        "v1 checksums come from [metadata]"
    );
}

#[test]
fn npm_manifest_and_lockfiles() {
    assert_eq!(
        parsed(Format::PackageJson, "package.json"),
        vec![
            "lodash@4.17.15:5!",
            "express@^4.17.1:6",
            "left-pad@1.3.0:7!",
            "mylib@file:../mylib:8:path",
            "fork@github:someone/fork#v1:9:git",
            "shorthand@someone/other:10:git",
            "@types/node@~20.1.0:13"
        ]
    );
    assert_eq!(
        parsed(Format::PackageLock, "package-lock.v1.json"),
        vec![
            "lodash@4.17.15:8!",
            "minimist@0.0.8:13!",
            "nested@1.0.0:18!:url"
        ]
    );
    assert_eq!(
        parsed(Format::PackageLock, "package-lock.v3.json"),
        vec![
            "lodash@4.17.15:15!",
            "@babel/code-frame@7.10.4:20!",
            "left-pad@1.3.0:26!"
        ]
    );
    assert_eq!(
        parsed(Format::YarnLock, "yarn.v1.lock"),
        vec!["@babel/code-frame@7.10.4:6!", "lodash@4.17.15:13!"]
    );
    assert_eq!(
        parsed(Format::YarnLock, "yarn.berry.lock"),
        vec!["lodash@4.17.15:17!"]
    );
    assert_eq!(
        parsed(Format::PnpmLock, "pnpm-lock.v6.yaml"),
        vec!["@babel/code-frame@7.10.4:14!", "lodash@4.17.15:18!"]
    );
    assert_eq!(
        parsed(Format::PnpmLock, "pnpm-lock.v9.yaml"),
        vec!["@types/node@20.1.0:13!", "lodash@4.17.15:16!"]
    );
}

#[test]
fn python_manifests_and_lockfiles() {
    assert_eq!(
        parsed(Format::Requirements, "requirements.txt"),
        vec![
            "requests@2.19.0:4!",
            "flask@>=1.0,<2.0:6",
            "PyYAML@3.13:7!",
            "Django@2.2.0:8!",
            "somepkg@:9:git",
            "urllib3@:11:url"
        ]
    );
    assert_eq!(
        parsed(Format::Pyproject, "pyproject.pep621.toml"),
        vec!["requests@2.19.0:5!", "jinja2@>=2.10:6", "pyyaml@5.3.1:10!"]
    );
    assert_eq!(
        parsed(Format::Pyproject, "pyproject.poetry.toml"),
        vec![
            "requests@2.19.0:7!",
            "django@^3.0:8",
            "mylib@:9:path",
            "fork@:10:git",
            "pytest@^7.0:13"
        ]
    );
    assert_eq!(
        parsed(Format::PoetryLock, "poetry.lock"),
        vec!["requests@2.19.0:3!", "fork@1.0.0:14!:git"]
    );
    assert_eq!(
        parsed(Format::PipfileLock, "Pipfile.lock"),
        vec![
            "requests@2.19.0:21!",
            "pyyaml@5.3.1:25!",
            "pytest@7.0.0:30!"
        ]
    );
    assert_eq!(
        parsed(Format::UvLock, "uv.lock"),
        vec!["requests@2.19.0:14!", "internal@1.0.0:20!:other"]
    );
}

#[test]
fn go_mod_and_sum() {
    assert_eq!(
        parsed(Format::GoMod, "go.mod"),
        vec![
            "github.com/gin-gonic/gin@v1.6.0:6!",
            "golang.org/x/net@v0.0.0-20210405180319-a5a99cb37ef4:7!",
            "github.com/pkg/errors@v0.9.1:10!",
            "example.com/local@:12:path"
        ]
    );
    assert_eq!(parsed(Format::GoSum, "go.sum").len(), 3);
}

#[test]
fn malformed_files_of_every_format_are_errors_with_file_and_line() {
    let cases: &[(Format, &str, &str)] = &[
        (
            Format::CargoToml,
            "Cargo.toml",
            "[dependencies]\nserde = \"1\nx = 1\n",
        ),
        (
            Format::CargoLock,
            "Cargo.lock",
            "[[package]]\nname = \"a\"\nversion = \n",
        ),
        (
            Format::PackageJson,
            "package.json",
            "{\"dependencies\": {\"a\": \"1\",}}",
        ),
        (
            Format::PackageLock,
            "package-lock.json",
            "{\n  \"packages\": {\n    \"node_modules/a\": {\n      \"version\": \"1.0",
        ),
        (
            Format::YarnLock,
            "yarn.lock",
            "# yarn lockfile v1\n\nlodash@^4:\n  version \"4\"\ngarbage without colon\n",
        ),
        (
            Format::YarnLock,
            "yarn.lock",
            "__metadata:\n  version: 6\n\"a@npm:1\":\n  version: [1\n",
        ),
        (
            Format::PnpmLock,
            "pnpm-lock.yaml",
            "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    resolution: {integrity: x\n",
        ),
        (Format::Requirements, "requirements.txt", "requests==2.0\n"),
        (Format::Pyproject, "pyproject.toml", "[project\nname = 1\n"),
        (
            Format::PoetryLock,
            "poetry.lock",
            "[[package]]\nname = 'x\n",
        ),
        (Format::PipfileLock, "Pipfile.lock", "{\"default\": {"),
        (Format::UvLock, "uv.lock", "version = 1\n[[package]\n"),
        (
            Format::GoMod,
            "go.mod",
            "module x\nrequire (\n\tgithub.com/a/b\n)\n",
        ),
        (Format::GoSum, "go.sum", "github.com/a/b v1.0.0\n"),
        (
            Format::GitHubActions,
            ".github/workflows/ci.yml",
            "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n     - run: x\n",
        ),
        (
            Format::PomXml,
            "pom.xml",
            "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n",
        ),
        (
            Format::GradleLock,
            "gradle.lockfile",
            "# comment\norg.a:b:1.0=compileClasspath\norg.a:b=compileClasspath\n",
        ),
        (
            Format::GradleCatalog,
            "libs.versions.toml",
            "[versions]\nx = \"1\"\n[libraries\n",
        ),
        (
            Format::Gemfile,
            "Gemfile",
            "source \"https://rubygems.org\"\ngem \"rails, \"7.1\"\n",
        ),
        (
            Format::GemfileLock,
            "Gemfile.lock",
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails 7.1.0\n",
        ),
        (
            Format::ComposerJson,
            "composer.json",
            "{\n  \"require\": {\n    \"a/b\": \"^1.0\"\n  \n}\n",
        ),
        (
            Format::ComposerLock,
            "composer.lock",
            "{\n  \"packages\": [\n    {\"name\": \"a/b\", \"version\": \"1.0.0\"},\n  ]\n}\n",
        ),
        (
            Format::NugetLock,
            "packages.lock.json",
            "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": {\"resolved\": 1.0.0}\n    }\n  }\n}\n",
        ),
        (
            Format::NugetXml,
            "app.csproj",
            "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Version=\"1.0\">\n  </ItemGroup>\n</Project>\n",
        ),
        (
            Format::BuildGradle,
            "build.gradle",
            "dependencies {\n  implementation 'a:b:1.0\n}\n",
        ),
    ];
    for (format, name, text) in cases {
        let r = deps::parse(*format, &Text::whole(text), name);
        if *format == Format::Requirements {
            // Every line of a requirements file is meaningful or ignorable: no syntax errors.
            assert!(r.is_ok());
            continue;
        }
        let e = r
            .err()
            .unwrap_or_else(|| panic!("{name}: malformed input accepted"))
            .to_string();
        assert!(
            e.starts_with(&format!("{name}:")),
            "{name}: error does not name the file: {e}"
        );
        assert!(
            e.split(':')
                .nth(1)
                .is_some_and(|l| l.trim().parse::<u32>().is_ok()),
            "{name}: no line number: {e}"
        );
    }
}

#[test]
fn truncated_json_lockfile_never_panics_at_any_cut() {
    let text = std::fs::read_to_string(fixture("package-lock.v3.json")).expect("fixture");
    for cut in (0..text.len()).step_by(7) {
        if !text.is_char_boundary(cut) {
            continue;
        }
        let part = &text[..cut];
        let _ = deps::parse(Format::PackageLock, &Text::whole(part), "package-lock.json");
        let _ = deps::parse(
            Format::PackageLock,
            &Text::fragment(
                part.lines()
                    .enumerate()
                    .map(|(i, l)| (i as u32 + 1, l))
                    .collect(),
            ),
            "p",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// End to end, through the binary.

const REGEX_OK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"regex\",\n]\n\n[[package]]\nname = \"regex\"\nversion = \"1.5.5\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"1a11647b6b25ff05a515cb92c365cec08801e83423a235b51e231e1808747286\"\n";

fn regex_at(version: &str) -> String {
    REGEX_OK.replace("1.5.5", version)
}

/// A database with the shared RustSec snapshot, imported through the binary.
fn rustsec_db(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    import(
        dir,
        &db,
        &[crate::common::shared_data().join("rustsec-advisory-db.tar.gz")],
    );
    db
}

/// `guardrail db import --db DB SOURCES…`, which must succeed; returns its stderr.
fn import(dir: &Path, db: &Path, sources: &[PathBuf]) -> String {
    let out = guardrail(dir)
        .args(["db", "import", "--db"])
        .arg(db)
        .args(sources)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "db import failed: {err}");
    err
}

fn json_findings(out: &[u8]) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)));
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn lockfile_bump_to_vulnerable_version_blocks_and_upgrade_away_is_info() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = rustsec_db(tmp.path());
    let repo = TempRepo::new();
    repo.write("Cargo.lock", REGEX_OK);
    repo.commit("base");
    repo.write("Cargo.lock", regex_at("1.1.5"));
    repo.commit("downgrade regex");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "RUSTSEC-2022-0013")
        .expect("regex advisory");
    assert_eq!(f["kind"], "dependency");
    assert_eq!(f["severity"], "red", "CVSS 7.5");
    assert_eq!(f["path"], "Cargo.lock");
    assert_eq!(f["line"], 12, "the `version = \"1.1.5\"` line");
    assert_eq!(f["package"]["name"], "regex");
    assert_eq!(f["package"]["version"], "1.1.5");
    let ids: Vec<&str> = f["advisories"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        ids.contains(&"CVE-2022-24713") && ids.contains(&"GHSA-m5pq-gvj9-9vr8"),
        "{ids:?}"
    );
    assert!(
        f["message"].as_str().unwrap_or("").contains("1.5.5"),
        "names the fix: {}",
        f["message"]
    );

    // Upgrading away: the old advisory is reported as fixed (info), nothing blocks.
    repo.write("Cargo.lock", regex_at("1.5.5"));
    repo.commit("upgrade regex");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let dep: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "dependency")
        .collect();
    assert!(
        !dep.is_empty() && dep.iter().all(|f| f["severity"] == "info"),
        "{dep:?}"
    );
    assert!(dep.iter().any(|f| f["rule"] == "RUSTSEC-2022-0013"
        && f["message"].as_str().unwrap_or("").starts_with("fixed")));
}

#[test]
fn untouched_vulnerable_versions_are_not_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = rustsec_db(tmp.path());
    let repo = TempRepo::new();
    repo.write("Cargo.lock", regex_at("1.1.5"));
    repo.commit("base already vulnerable");
    repo.write(
        "Cargo.lock",
        regex_at("1.1.5").replace("name = \"app\"", "name = \"app2\""),
    );
    repo.write("src/lib.rs", "pub fn f() {}\n");
    repo.commit("unrelated change");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("run");
    let findings = json_findings(&out.stdout);
    assert!(
        !findings.iter().any(|f| f["kind"] == "dependency"),
        "{findings:?}"
    );
}

#[test]
fn plain_diff_uses_what_the_diff_shows() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = rustsec_db(tmp.path());
    let diff = "diff --git a/sub/Cargo.lock b/sub/Cargo.lock\n--- a/sub/Cargo.lock\n+++ b/sub/Cargo.lock\n@@ -10,4 +10,4 @@\n [[package]]\n name = \"smallvec\"\n-version = \"1.6.1\"\n+version = \"0.6.9\"\n source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    std::fs::write(tmp.path().join("change.diff"), diff).expect("write");
    let out = guardrail(tmp.path())
        .args([
            "check",
            "--diff",
            "change.diff",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let rules: Vec<&str> = findings
        .iter()
        .filter(|f| f["kind"] == "dependency")
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"RUSTSEC-2019-0009") && rules.contains(&"RUSTSEC-2021-0003"),
        "{rules:?}"
    );
    assert!(findings
        .iter()
        .filter(|f| f["kind"] == "dependency")
        .all(|f| f["line"] == 12 && f["path"] == "sub/Cargo.lock"));
}

#[test]
fn npm_lockfile_and_install_command_against_osv_fixtures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let mal = tmp.path().join("mal.jsonl");
    std::fs::write(&mal, "{\"id\":\"MAL-2023-1234\",\"summary\":\"Malicious code in cbridge (npm)\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"cbridge\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"}]}]}]}\nnot json at all\n").expect("write");
    let err = import(tmp.path(), &db, &[fixture("osv-npm"), mal]);
    assert!(
        err.contains("mal.jsonl:2") && err.contains("skipped"),
        "corrupt record skipped with a warning: {err}"
    );
    let repo = TempRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("base");
    repo.write(
        "web/package-lock.json",
        std::fs::read_to_string(fixture("package-lock.v3.json")).expect("fixture"),
    );
    repo.write(
        "Dockerfile",
        "FROM node:20\nRUN npm install cbridge@1.0.0 && npm ci\n",
    );
    repo.commit("add deps");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(&db)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let get = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} missing: {findings:?}"))
    };
    let p = get("GHSA-p6mc-m468-83gw");
    assert_eq!(
        (
            p["severity"].as_str(),
            p["path"].as_str(),
            p["line"].as_u64()
        ),
        (Some("red"), Some("web/package-lock.json"), Some(15))
    );
    assert!(p["message"].as_str().unwrap_or("").contains("4.17.19"));
    assert!(p["advisories"]
        .as_array()
        .expect("ids")
        .iter()
        .any(|v| v == "CVE-2020-8203"));
    assert_eq!(get("GHSA-29mw-wpgm-hmr9")["severity"], "yellow", "moderate");
    let m = get("MAL-2023-1234");
    assert_eq!(
        (
            m["severity"].as_str(),
            m["path"].as_str(),
            m["line"].as_u64()
        ),
        (Some("red"), Some("Dockerfile"), Some(2))
    );
    assert!(
        !findings.iter().any(|f| f["rule"] == "GHSA-xxxx-withdrawn"),
        "withdrawn ignored"
    );
}

#[test]
fn empty_database_is_noted_once_and_other_checks_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = TempRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("base");
    repo.write("Cargo.lock", regex_at("1.1.5"));
    repo.write("a/requirements.txt", "requests==2.19.0\n");
    repo.commit("deps");
    let out = guardrail(repo.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger", "--db"])
        .arg(tmp.path().join("nothing-here"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("advisory database").count(), 1, "{err}");
    assert!(err.contains("is empty"), "{err}");
}

#[test]
fn malformed_lockfile_at_head_is_exit_2_naming_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = TempRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("base");
    repo.write(
        "web/package-lock.json",
        "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n",
    );
    repo.commit("truncated");
    let out = guardrail(repo.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger", "--db"])
        .arg(tmp.path().join("db"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("guardrail: error: web/package-lock.json:"),
        "{err}"
    );
    assert!(
        err.contains("invalid JSON") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn integrity_findings_for_sources_checksums_and_indexes() {
    let repo = TempRepo::new();
    repo.write("Cargo.lock", REGEX_OK);
    repo.write("requirements.txt", "requests==2.19.0\n");
    repo.commit("base");
    // Same version, different checksum; a new git dependency; an extra index; a new npm registry.
    repo.write(
        "Cargo.lock",
        REGEX_OK.replace("1a11647b", "deadbeef")
            + "\n[[package]]\nname = \"forked\"\nversion = \"0.2.0\"\nsource = \"git+https://github.com/x/forked#0123\"\n",
    );
    repo.write(
        "requirements.txt",
        "--extra-index-url https://pypi.internal.example/simple\nrequests==2.19.0\n",
    );
    repo.write(".npmrc", "registry=https://npm.evil.example/\n");
    repo.write(
        "web/package-lock.json",
        std::fs::read_to_string(fixture("package-lock.v1.json")).expect("fixture"),
    );
    repo.commit("sources");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(tmp.path().join("db"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let sc: Vec<(String, String, u64)> = findings
        .iter()
        .filter(|f| f["kind"] == "supply-chain")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for want in [
        ("lockfile-integrity-changed", "Cargo.lock", 12),
        ("dependency-git-source", "Cargo.lock", 18),
        ("python-extra-index-url", "requirements.txt", 1),
        ("npm-registry-changed", ".npmrc", 1),
        ("npm-resolved-off-registry", "web/package-lock.json", 18),
    ] {
        assert!(
            sc.iter()
                .any(|(r, p, l)| r == want.0 && p == want.1 && *l == want.2),
            "{want:?} not in {sc:?}"
        );
    }
}

#[test]
fn dependency_changes_are_shared_with_other_checks() {
    // The contract other checks code against: kinds and lines from collect().
    let repo = TempRepo::new();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
    );
    repo.commit("base");
    repo.write("Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1.0.190\"\nserdde = \"1\"\n");
    repo.write(
        "scripts/setup.sh",
        "#!/bin/sh\npip install reqeusts==2.0.0\n",
    );
    repo.commit("change");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--db",
        ])
        .arg(tmp.path().join("db"))
        .output()
        .expect("run");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = Ecosystem::CratesIo;
}

#[test]
fn broken_lockfiles_under_excluded_paths_are_not_read() {
    let repo = TempRepo::new();
    repo.write(
        ".guardrail.yml",
        "version: 1\nexclude:\n  - \"fixtures/**\"\n",
    );
    repo.commit("base");
    repo.write("fixtures/bad/Cargo.lock", "[[package]\nname = \n");
    repo.commit("broken fixture");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = guardrail(repo.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger", "--db"])
        .arg(tmp.path().join("db"))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn requirements_includes_are_followed_at_both_revisions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let osv = tmp.path().join("pypi.jsonl");
    // PYSEC-2018-28 (CVE-2018-18074): requests < 2.20.0 sends credentials on a redirect to http.
    std::fs::write(&osv, "{\"id\":\"PYSEC-2018-28\",\"aliases\":[\"CVE-2018-18074\"],\"summary\":\"requests Authorization header leak on redirect\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"requests\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.20.0\"}]}]}]}\n").expect("write");
    import(tmp.path(), &db, &[osv]);
    let repo = TempRepo::new();
    repo.write("py/requirements.txt", "flask==3.0.0\n");
    // Not a requirements*.txt name: only reachable through `-r`. Already vulnerable at base,
    // but nothing included it there.
    repo.write("py/common/base.in", "# shared pins\nrequests==2.19.0\n");
    repo.commit("base");
    repo.write(
        "py/requirements.txt",
        "flask==3.0.0\n-r common/base.in\n-r missing.txt\n",
    );
    repo.commit("include the shared pins");
    let run = |base: &str| {
        guardrail(repo.path())
            .args([
                "check",
                "--base",
                base,
                "--format",
                "json",
                "--no-ledger",
                "--db",
            ])
            .arg(&db)
            .output()
            .expect("run")
    };
    let out = run("HEAD~1");
    let findings = json_findings(&out.stdout);
    let deps: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "dependency")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        deps,
        [(
            "PYSEC-2018-28".to_owned(),
            "py/common/base.in".to_owned(),
            Some(2)
        )],
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "py/requirements.txt: `-r missing.txt` names a file that is not in the repository"
        ),
        "{err}"
    );

    // Once the include is at base, an unrelated edit reports nothing: the pin is not new.
    repo.write(
        "py/requirements.txt",
        "flask==3.0.0\n-r common/base.in\n-r missing.txt\nclick==8.1.7\n",
    );
    repo.commit("unrelated pin");
    let findings = json_findings(&run("HEAD~1").stdout);
    assert!(
        !findings.iter().any(|f| f["kind"] == "dependency"),
        "{findings:?}"
    );
}

/// Issue 16 item 7: an edit inside a file that a requirements file includes (`-r`) or
/// constrains with (`-c`), whatever the included file is called, is a dependency change; so
/// is one in a pip-tools `requirements.in`.
#[test]
fn edits_inside_included_and_constraint_files_of_any_name_are_checked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let osv = tmp.path().join("pypi.jsonl");
    // PYSEC-2018-28 (CVE-2018-18074): requests < 2.20.0; PYSEC-2019-10 (CVE-2019-6975):
    // django 2.1 < 2.1.6.
    std::fs::write(&osv, "{\"id\":\"PYSEC-2018-28\",\"aliases\":[\"CVE-2018-18074\"],\"summary\":\"requests Authorization header leak on redirect\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"requests\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.20.0\"}]}]}]}\n{\"id\":\"PYSEC-2019-10\",\"aliases\":[\"CVE-2019-6975\"],\"summary\":\"django memory exhaustion in number formatting\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"django\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.1\"},{\"fixed\":\"2.1.6\"}]}]}]}\n").expect("write");
    import(tmp.path(), &db, &[osv]);
    let repo = TempRepo::new();
    repo.write("requirements.txt", "-r common.txt\n-c pins/lock.txt\n");
    repo.write("common.txt", "flask==3.0.0\n");
    repo.write("pins/lock.txt", "click==8.1.7\n");
    repo.write("README.txt", "-r is how pip includes files\n");
    repo.commit("base");
    repo.write("common.txt", "flask==3.0.0\ndjango==2.1.0\n");
    repo.write("pins/lock.txt", "click==8.1.7\nrequests==2.19.0\n");
    repo.write(
        "README.txt",
        "-r is how pip includes files\nrequests==2.19.0\n",
    );
    repo.commit("pins in included files");
    let db_arg = db.to_str().expect("utf-8 path");
    let (code, findings, err) = check_json(&repo, &["--db", db_arg]);
    let deps: Vec<(String, String)> = rule_path_line(&findings, |f| f["kind"] == "dependency")
        .into_iter()
        .map(|(rule, path, _)| (rule, path))
        .collect();
    assert_eq!(
        deps,
        [
            ("PYSEC-2018-28".to_owned(), "pins/lock.txt".to_owned()),
            ("PYSEC-2019-10".to_owned(), "common.txt".to_owned()),
        ],
        "a README that nothing includes is no dependency file; stderr: {err}"
    );
    // Without a severity in the records the advisories are held for review, not passed.
    assert_eq!(code, 3);

    // A pip-tools input is a requirements file by name.
    repo.write("requirements.in", "django==2.1.0\n");
    repo.commit("pip-tools input");
    let (_, findings, err) = check_json(&repo, &["--db", db_arg]);
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "PYSEC-2019-10" && f["path"] == "requirements.in"),
        "{findings:?}\n{err}"
    );
}

/// Issue 16 item 7: `setup.cfg` / `setup.py` `install_requires` and conda's `pip:` list are
/// dependency files: a vulnerable pin added there is reported on its line.
#[test]
fn setup_files_and_conda_pip_sections_are_dependency_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    let osv = tmp.path().join("pypi.jsonl");
    // PYSEC-2018-28 (CVE-2018-18074): requests < 2.20.0.
    std::fs::write(&osv, "{\"id\":\"PYSEC-2018-28\",\"aliases\":[\"CVE-2018-18074\"],\"summary\":\"requests Authorization header leak on redirect\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"requests\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.20.0\"}]}]}]}\n").expect("write");
    import(tmp.path(), &db, &[osv]);
    let repo = TempRepo::new();
    repo.write("a/setup.py", "from setuptools import setup\nsetup(\n    name='a',\n    install_requires=[\n        'click>=8',\n    ],\n)\n");
    repo.write(
        "b/setup.cfg",
        "[metadata]\nname = b\n[options]\ninstall_requires =\n    click>=8\n",
    );
    repo.write(
        "c/environment.yml",
        "name: c\ndependencies:\n  - python=3.11\n  - pip:\n    - click>=8\n",
    );
    repo.commit("base");
    repo.write("a/setup.py", "from setuptools import setup\nsetup(\n    name='a',\n    install_requires=[\n        'click>=8',\n        'requests==2.19.0',\n    ],\n)\n");
    repo.write(
        "b/setup.cfg",
        "[metadata]\nname = b\n[options]\ninstall_requires =\n    click>=8\n    requests==2.19.0\n",
    );
    repo.write("c/environment.yml", "name: c\ndependencies:\n  - python=3.11\n  - requests=2.19.0\n  - pip:\n    - click>=8\n    - requests==2.19.0\n");
    repo.commit("pins");
    let (_, findings, err) = check_json(&repo, &["--db", db.to_str().expect("utf-8 path")]);
    let got = rule_path_line(&findings, |f| f["kind"] == "dependency");
    // The conda package `requests=2.19.0` (line 4) comes from a conda channel: not PyPI's.
    assert_eq!(
        got,
        [
            ("PYSEC-2018-28".to_owned(), "a/setup.py".to_owned(), Some(6)),
            (
                "PYSEC-2018-28".to_owned(),
                "b/setup.cfg".to_owned(),
                Some(6)
            ),
            (
                "PYSEC-2018-28".to_owned(),
                "c/environment.yml".to_owned(),
                Some(7)
            ),
        ],
        "stderr: {err}"
    );
}

/// Issue 16 item 7: a Cargo `[patch]` git source and a uv `[tool.uv.sources]` git/URL source
/// take a dependency off the registry; a change that adds one is an integrity finding.
#[test]
fn cargo_patch_and_uv_sources_that_leave_the_registry_are_findings() {
    let repo = TempRepo::new();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
    );
    repo.write(
        "py/pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0.1\"\ndependencies = [\"httpx>=0.27\"]\n",
    );
    repo.commit("base");
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n\n[patch.crates-io]\nserde = { git = \"https://github.com/someone/serde\" }\n",
    );
    repo.write(
        "py/pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0.1\"\ndependencies = [\"httpx>=0.27\"]\n\n[tool.uv.sources]\nhttpx = { url = \"https://example.com/httpx-0.27.0.tar.gz\" }\n",
    );
    repo.commit("sources");
    let (_, findings, err) = check_json(&repo, &["--offline"]);
    let got = rule_path_line(&findings, |f| {
        f["rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("dependency-") && r.ends_with("-source"))
    });
    assert_eq!(
        got,
        [
            (
                "dependency-git-source".to_owned(),
                "Cargo.toml".to_owned(),
                Some(9)
            ),
            (
                "dependency-url-source".to_owned(),
                "py/pyproject.toml".to_owned(),
                Some(7)
            ),
        ],
        "stderr: {err}"
    );
}

/// Issue 20: a `nuget.config` source or a `composer.json` repository that a change adds lets
/// another server supply packages (dependency confusion), like `--extra-index-url`.
#[test]
fn nuget_sources_and_composer_repositories_added_by_a_change_are_findings() {
    let repo = TempRepo::new();
    repo.write(
        "composer.json",
        "{\n    \"name\": \"acme/app\",\n    \"require\": {\"monolog/monolog\": \"^3.0\"},\n    \"funding\": [{\"type\": \"github\", \"url\": \"https://github.com/sponsors/acme\"}]\n}\n",
    );
    repo.write(
        "nuget.config",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" />\n  </packageSources>\n</configuration>\n",
    );
    repo.commit("base");
    repo.write(
        "composer.json",
        "{\n    \"name\": \"acme/app\",\n    \"require\": {\"monolog/monolog\": \"^3.0\"},\n    \"funding\": [{\"type\": \"github\", \"url\": \"https://github.com/sponsors/acme\"}],\n    \"repositories\": [\n        {\"type\": \"vcs\", \"url\": \"https://git.example.net/monolog.git\"},\n        {\"type\": \"path\", \"url\": \"../packages/*\"},\n        {\"packagist.org\": false}\n    ]\n}\n",
    );
    repo.write(
        "nuget.config",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n    <add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" />\n    <add key=\"mirror\" value=\"https://nuget.example.net/v3/index.json\" />\n  </packageSources>\n</configuration>\n",
    );
    repo.commit("sources");
    let (code, findings, err) = check_json(&repo, &["--offline"]);
    let got = rule_path_line(&findings, |f| {
        matches!(
            f["rule"].as_str(),
            Some("nuget-source-changed" | "composer-repository-added")
        )
    });
    // The funding URL and the local path repository are no package source; turning Packagist
    // off (`{"packagist.org": false}`) leaves only the added repository.
    assert_eq!(
        got,
        [
            (
                "composer-repository-added".to_owned(),
                "composer.json".to_owned(),
                Some(6)
            ),
            (
                "composer-repository-added".to_owned(),
                "composer.json".to_owned(),
                Some(8)
            ),
            (
                "nuget-source-changed".to_owned(),
                "nuget.config".to_owned(),
                Some(4)
            ),
            (
                "nuget-source-changed".to_owned(),
                "nuget.config".to_owned(),
                Some(6)
            ),
        ],
        "stderr: {err}"
    );
    assert_eq!(code, 3);
}

/// A cargo index cache file (cargo's `index_cache` layout, version 3) listing `versions`.
fn cargo_cache_file(name: &str, versions: &[(&str, bool)]) -> Vec<u8> {
    let mut b = vec![3u8, 2, 0, 0, 0];
    b.extend_from_slice(b"etag: \"x\"\0");
    for (v, yanked) in versions {
        b.extend_from_slice(format!("{v}\0").as_bytes());
        b.extend_from_slice(
            format!("{{\"name\": \"{name}\", \"vers\": \"{v}\", \"deps\": [], \"cksum\": \"00\", \"features\": {{}}, \"yanked\": {yanked}}}\0").as_bytes(),
        );
    }
    b
}

fn cargo_lock(pkgs: &[(&str, &str)]) -> String {
    let mut s = String::from("version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n");
    for (n, v) in pkgs {
        s.push_str(&format!("\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{}\"\n", "0".repeat(64)));
    }
    s
}

#[test]
fn yanked_crate_versions_come_from_cargos_index_cache() {
    let home = tempfile::tempdir().expect("tempdir");
    let cache = home
        .path()
        .join("registry/index/index.crates.io-1949cf8c6b5b557f/.cache");
    std::fs::create_dir_all(cache.join("se/rd")).expect("mkdir");
    std::fs::create_dir_all(cache.join("it/oa")).expect("mkdir");
    std::fs::write(
        cache.join("se/rd/serde"),
        cargo_cache_file(
            "serde",
            &[("1.0.100", false), ("1.0.101", true), ("1.0.102", false)],
        ),
    )
    .expect("write");
    std::fs::write(
        cache.join("it/oa/itoa"),
        cargo_cache_file("itoa", &[("1.0.0", false)]),
    )
    .expect("write");
    // Settled files, as cargo's are (guardrail does not summarise a file written a moment ago).
    for f in ["se/rd/serde", "it/oa/itoa"] {
        std::fs::File::options()
            .write(true)
            .open(cache.join(f))
            .and_then(|h| {
                h.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            })
            .expect("set mtime");
    }
    let repo = TempRepo::new();
    repo.write(
        "Cargo.lock",
        cargo_lock(&[("serde", "1.0.100"), ("itoa", "1.0.0")]),
    );
    repo.commit("base");
    // serde moves to a yanked version; itoa stays; ryu is new and not in the cache.
    repo.write(
        "Cargo.lock",
        cargo_lock(&[("serde", "1.0.101"), ("itoa", "1.0.0"), ("ryu", "1.0.5")]),
    );
    repo.commit("bump");
    let summaries = tempfile::tempdir().expect("tempdir");
    let run = |cargo_home: &Path| {
        check_offline_with(
            &repo,
            &[
                ("CARGO_HOME", cargo_home),
                ("GUARDRAIL_YANKED_CACHE", summaries.path()),
            ],
        )
    };
    let out = run(home.path());
    let findings = json_findings(&out.stdout);
    // The run left a summary of the one cache file it read; a second run answers from it with
    // the same findings.
    let summary = std::fs::read_to_string(summaries.path().join("summary.tsv")).expect("summary");
    assert!(
        summary.starts_with("guardrail yanked summary 2\n")
            && summary.contains("se/rd/serde\t")
            && summary.trim_end().ends_with("\t1.0.100 !1.0.101 1.0.102"),
        "{summary}"
    );
    let again = run(home.path());
    assert_eq!(json_findings(&again.stdout), findings);
    assert_eq!(again.status.code(), out.status.code());
    let yanked: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "yanked-crate-version")
        .map(|f| {
            (
                f["severity"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64(),
                f["package"]["name"].as_str().unwrap_or("").to_owned(),
                f["package"]["version"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    // Line 9: `version = "1.0.101"` of serde's block.
    assert_eq!(
        yanked,
        [(
            "yellow".to_owned(),
            "Cargo.lock".to_owned(),
            Some(9),
            "serde".to_owned(),
            "1.0.101".to_owned()
        )],
        "{findings:?}"
    );
    assert_eq!(out.status.code(), Some(3), "a yanked version needs review");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("yanked: 1 crates.io version(s) not checked: not in cargo's index cache")
            && stderr.contains("--offline: the registry was not asked"),
        "{stderr}"
    );
    // Without a cache nothing is judged, and the note counts both changed entries (itoa did
    // not change, so it is not looked up).
    let empty = tempfile::tempdir().expect("tempdir");
    let out = run(empty.path());
    assert!(json_findings(&out.stdout)
        .iter()
        .all(|f| f["rule"] != "yanked-crate-version"));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("yanked: 2 crates.io version(s) not checked")
    );
}

/// `guardrail check --offline` of the last commit (JSON, no ledger) with cache locations set.
fn check_offline_with(repo: &TempRepo, env: &[(&str, &Path)]) -> std::process::Output {
    guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
            "--offline",
        ])
        .envs(env.iter().copied())
        .output()
        .expect("run")
}

/// Puts a registry document into an npm cache the way npm's fetcher does (content file named
/// by its sha512, an index line appended to the key's bucket).
fn npm_cache_put(cacache: &Path, name: &str, doc: &serde_json::Value) {
    use base64::Engine;
    use guardrail::checks::yanked::npm;
    use sha2::Digest;
    let bytes = doc.to_string().into_bytes();
    let integrity = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&bytes))
    );
    let content = npm::content_path(cacache, &integrity).expect("content path");
    std::fs::create_dir_all(content.parent().expect("parent")).expect("mkdir");
    std::fs::write(&content, &bytes).expect("write");
    let key = npm::packument_key("https://registry.npmjs.org", name);
    let bucket = npm::bucket_path(cacache, &key).expect("bucket path");
    std::fs::create_dir_all(bucket.parent().expect("parent")).expect("mkdir");
    let line = serde_json::json!({"key": key, "integrity": integrity, "time": 1, "size": bytes.len(), "metadata": {}});
    std::fs::write(&bucket, format!("\n{}\t{line}", "0".repeat(40))).expect("write");
}

fn package_lock(pkgs: &[(&str, &str)]) -> String {
    let mut packages = serde_json::Map::new();
    packages.insert(
        "".into(),
        serde_json::json!({"name": "app", "version": "1.0.0"}),
    );
    for (n, v) in pkgs {
        packages.insert(
            format!("node_modules/{n}"),
            serde_json::json!({
                "version": v,
                "resolved": format!("https://registry.npmjs.org/{n}/-/{n}-{v}.tgz"),
                "integrity": format!("sha512-{}==", "A".repeat(86)),
            }),
        );
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": packages
    }))
    .expect("json")
}

#[test]
fn deprecated_npm_versions_come_from_npms_cache() {
    let npm_home = tempfile::tempdir().expect("tempdir");
    let cacache = npm_home.path().join("_cacache");
    // inflight's public facts: every version is deprecated, with this message.
    let msg = "This module is not supported, and leaks memory. Do not use it. Check out lru-cache if you want a good and tested way to coalesce async requests by a key value, which is much more comprehensive and powerful.";
    npm_cache_put(
        &cacache,
        "inflight",
        &serde_json::json!({"name": "inflight", "versions": {
            "1.0.5": {"name": "inflight", "version": "1.0.5", "deprecated": msg},
            "1.0.6": {"name": "inflight", "version": "1.0.6", "deprecated": msg}}}),
    );
    npm_cache_put(
        &cacache,
        "wrappy",
        &serde_json::json!({"name": "wrappy", "versions": {"1.0.2": {"name": "wrappy", "version": "1.0.2"}}}),
    );
    let repo = TempRepo::new();
    repo.write("package-lock.json", package_lock(&[("wrappy", "1.0.2")]));
    repo.commit("base");
    let head = package_lock(&[
        ("inflight", "1.0.6"),
        ("once", "1.4.0"),
        ("wrappy", "1.0.2"),
    ]);
    repo.write("package-lock.json", &head);
    repo.commit("add inflight");
    let out = check_offline_with(&repo, &[("npm_config_cache", npm_home.path())]);
    let findings = json_findings(&out.stdout);
    let deprecated: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "deprecated-npm-version")
        .collect();
    assert_eq!(deprecated.len(), 1, "{findings:?}");
    let f = deprecated[0];
    let line = head
        .lines()
        .position(|l| l.contains("\"version\": \"1.0.6\""))
        .expect("line")
        + 1;
    assert_eq!(
        (
            f["severity"].as_str(),
            f["path"].as_str(),
            f["line"].as_u64()
        ),
        (Some("yellow"), Some("package-lock.json"), Some(line as u64))
    );
    assert_eq!(f["package"]["name"], "inflight");
    assert!(
        f["message"].as_str().unwrap_or("").contains("leaks memory"),
        "the maintainers' reason is quoted: {f}"
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a deprecated version needs review"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("deprecated: 1 npm version(s) not checked: not in npm's cache"),
        "once is not in the cache: {stderr}"
    );
}

/// Versions no local cache lists are looked up in the registries' per-version documents when
/// online (a local server here, answering like crates.io, npm and PyPI do), once: the second run
/// is answered from the on-disk cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawn_versions_no_cache_lists_are_looked_up_online_once() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let reason = "Yanked due to conflicts with CVE-2024-35195 mitigation";
    let json = |v: serde_json::Value| ResponseTemplate::new(200).set_body_json(v);
    let text = |t: &str| ResponseTemplate::new(200).set_body_string(t);
    // Each answered once (the second run is served from the cache); the two private names
    // never (their paths answer 500 if asked).
    for (p, reply, times) in [
        // PyPI's JSON API for one release (public facts: requests 2.32.0 was yanked).
        (
            "/pypi/requests/2.32.0/json",
            json(serde_json::json!({"info": {"name": "requests", "version": "2.32.0", "yanked": true, "yanked_reason": reason}, "urls": []})),
            1,
        ),
        (
            "/pypi/urllib3/2.2.2/json",
            json(serde_json::json!({"info": {"name": "urllib3", "version": "2.2.2", "yanked": false, "yanked_reason": null}, "urls": []})),
            1,
        ),
        // npm's version document.
        (
            "/inflight/1.0.6",
            json(serde_json::json!({"name": "inflight", "version": "1.0.6", "deprecated": "This module is not supported, and leaks memory. Do not use it."})),
            1,
        ),
        // The Go module proxy: the latest version, then its go.mod with the retractions.
        (
            "/example.com/lib/@latest",
            json(serde_json::json!({"Version": "v1.2.0", "Time": "2024-05-01T00:00:00Z"})),
            1,
        ),
        (
            "/example.com/lib/@v/v1.2.0.mod",
            text("module example.com/lib\n\ngo 1.21\n\nretract (\n\tv1.0.1 // Data race in the parser.\n\t[v0.9.0, v0.9.3]\n)\n"),
            1,
        ),
        // crates.io's sparse index: the crate's file, one JSON line per version.
        (
            "/sm/al/smallvec",
            text("{\"name\":\"smallvec\",\"vers\":\"0.6.8\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":false}\n{\"name\":\"smallvec\",\"vers\":\"0.6.9\",\"deps\":[],\"cksum\":\"00\",\"features\":{},\"yanked\":true}\n"),
            1,
        ),
        // A GOPRIVATE module and a private npm registry's package.
        ("/corp.example.com/secret/@latest", ResponseTemplate::new(500), 0),
        ("/@corp%2Finternal/2.0.0", ResponseTemplate::new(500), 0),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(reply)
            .expect(times)
            .mount(&server)
            .await;
    }
    let repo = TempRepo::new();
    repo.write("requirements.txt", "flask==3.0.0\n");
    repo.commit("base");
    repo.write(
        "go.mod",
        "module example.com/app\n\ngo 1.21\n\nrequire (\n\texample.com/lib v1.0.1\n\tcorp.example.com/secret v1.0.0\n)\n",
    );
    repo.write(
        "requirements.txt",
        "flask==3.0.0\nrequests==2.32.0\nurllib3==2.2.2\n",
    );
    repo.write("Cargo.lock", cargo_lock(&[("smallvec", "0.6.9")]));
    let mut lock: serde_json::Value =
        serde_json::from_str(&package_lock(&[("inflight", "1.0.6")])).expect("json");
    lock["packages"]["node_modules/@corp/internal"] = serde_json::json!({
        "version": "2.0.0",
        "resolved": "https://npm.corp.example.com/@corp/internal/-/internal-2.0.0.tgz",
        "integrity": format!("sha512-{}==", "B".repeat(86)),
    });
    let lock = serde_json::to_string_pretty(&lock).expect("json");
    repo.write("package-lock.json", &lock);
    repo.commit("deps");
    let cache = tempfile::tempdir().expect("tempdir");
    for run in 0..2 {
        let out = guardrail(repo.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--format",
                "json",
                "--no-ledger",
            ])
            .env("GUARDRAIL_CRATES_INDEX", server.uri())
            .env("GUARDRAIL_NPM_REGISTRY", server.uri())
            .env("GUARDRAIL_PYPI_URL", server.uri())
            .env("GOPROXY", format!("{},direct", server.uri()))
            .env("GOPRIVATE", "*.example.com/secret,corp.example.com")
            .env("GUARDRAIL_REGISTRY_CACHE", cache.path())
            .output()
            .expect("run");
        let findings = json_findings(&out.stdout);
        let mut withdrawn: Vec<(String, String, u64)> = findings
            .iter()
            .filter(|f| {
                [
                    "yanked-crate-version",
                    "deprecated-npm-version",
                    "yanked-pypi-version",
                    "retracted-go-version",
                ]
                .contains(&f["rule"].as_str().unwrap_or(""))
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_owned(),
                    f["package"]["name"].as_str().unwrap_or("").to_owned(),
                    f["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        withdrawn.sort();
        let npm_line = lock
            .lines()
            .position(|l| l.contains("\"version\": \"1.0.6\""))
            .expect("line") as u64
            + 1;
        assert_eq!(
            withdrawn,
            [
                (
                    "deprecated-npm-version".to_owned(),
                    "inflight".to_owned(),
                    npm_line
                ),
                (
                    "retracted-go-version".to_owned(),
                    "example.com/lib".to_owned(),
                    6
                ),
                ("yanked-crate-version".to_owned(), "smallvec".to_owned(), 9),
                ("yanked-pypi-version".to_owned(), "requests".to_owned(), 2),
            ],
            "run {run}: {findings:?}"
        );
        let pypi = findings
            .iter()
            .find(|f| f["rule"] == "yanked-pypi-version")
            .expect("pypi finding");
        assert!(
            pypi["message"].as_str().unwrap_or("").contains(reason),
            "{pypi}"
        );
        let go = findings
            .iter()
            .find(|f| f["rule"] == "retracted-go-version")
            .expect("go finding");
        assert!(
            go["message"]
                .as_str()
                .unwrap_or("")
                .contains("Data race in the parser."),
            "{go}"
        );
        // The private package is the integrity check's business (resolved off the public
        // registry), never "not in the registry": its name was not sent there.
        let corp: Vec<&str> = findings
            .iter()
            .filter(|f| {
                f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("@corp/internal")
            })
            .map(|f| f["rule"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(corp, ["npm-resolved-off-registry"], "{findings:?}");
        assert_eq!(out.status.code(), Some(3), "run {run}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("deprecated: 1 npm version(s) not checked")
                && stderr.contains("1 from a private registry, index or module")
                && stderr.contains("retracted: 1 Go version(s) not checked"),
            "@corp/internal and corp.example.com/secret were not asked: {stderr}"
        );
    }
    // `.expect(1)` on each mock: the second run asked nothing.
    server.verify().await;
}

/// Offline, Go retractions come from the module cache: its version list and the latest
/// version's go.mod, as `go mod download` leaves them.
#[test]
fn retracted_go_versions_come_from_the_module_cache() {
    let gomod = tempfile::tempdir().expect("tempdir");
    let v = gomod
        .path()
        .join("cache/download/github.com/!example!org/lib/@v");
    std::fs::create_dir_all(&v).expect("mkdir");
    std::fs::write(v.join("list"), "v1.0.0\nv1.1.0\nv1.2.0\nv2.0.0-rc.1\n").expect("write");
    std::fs::write(
        v.join("v1.2.0.mod"),
        "module github.com/ExampleOrg/lib\n\n// Published too early.\nretract v1.1.0\n",
    )
    .expect("write");
    let repo = TempRepo::new();
    repo.write(
        "go.mod",
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/ExampleOrg/lib v1.0.0\n",
    );
    repo.commit("base");
    repo.write(
        "go.mod",
        "module example.com/app\n\ngo 1.21\n\nrequire github.com/ExampleOrg/lib v1.1.0\nrequire golang.org/x/text v0.3.0\n",
    );
    repo.commit("bump");
    let out = check_offline_with(&repo, &[("GOMODCACHE", gomod.path())]);
    let findings = json_findings(&out.stdout);
    let retracted: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "retracted-go-version")
        .map(|f| {
            (
                f["line"].as_u64(),
                f["package"]["version"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        retracted,
        [(Some(5), Some("v1.1.0".to_owned()))],
        "{findings:?}"
    );
    assert!(findings.iter().any(|f| f["rule"] == "retracted-go-version"
        && f["message"]
            .as_str()
            .unwrap_or("")
            .contains("Published too early.")));
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("retracted: 1 Go version(s) not checked: not in Go's module cache"),
        "golang.org/x/text is not in the cache: {stderr}"
    );
}

#[test]
fn lock_entries_resolved_to_another_packages_tarball_are_red_and_hash_upgrades_are_quiet() {
    // Issue 16.8 (a lock entry whose `resolved` is another package's or version's tarball) and
    // issue 17.5 (npm's sha1 -> sha512 upgrade of the same version is no content change), for
    // npm, yarn and pnpm locks, in a real repository.
    let repo = TempRepo::new();
    let sha1 = "sha1-tbq5FGZxsTaBANQCXxXVBD89yvU=";
    let sha512 = format!("sha512-{}==", "B".repeat(86));
    let npm_lock = |odd: &str, odd_url: &str, wrappy_integrity: &str| {
        serde_json::to_string_pretty(&serde_json::json!({
            "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
            "packages": {
                "": {"name": "app", "version": "1.0.0"},
                "node_modules/is-odd": {"version": odd, "resolved": odd_url,
                    "integrity": format!("sha512-{}==", "C".repeat(86))},
                "node_modules/wrappy": {"version": "1.0.2",
                    "resolved": "https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz",
                    "integrity": wrappy_integrity},
                "node_modules/@scope/pkg": {"version": "2.0.0",
                    "resolved": "https://registry.npmjs.org/@scope/pkg/-/pkg-2.0.0.tgz",
                    "integrity": format!("sha512-{}==", "D".repeat(86))},
                "node_modules/strip-ansi-cjs": {"name": "strip-ansi", "version": "6.0.1",
                    "resolved": "https://registry.npmjs.org/strip-ansi/-/strip-ansi-6.0.1.tgz",
                    "integrity": format!("sha512-{}==", "E".repeat(86))}
            }
        }))
        .expect("json")
    };
    repo.write(
        "package-lock.json",
        npm_lock(
            "3.0.0",
            "https://registry.npmjs.org/is-odd/-/is-odd-3.0.0.tgz",
            sha1,
        ),
    );
    let yarn = |left_pad_url: &str| {
        format!(
            "# yarn lockfile v1\n\n\n\"string-width-cjs@npm:string-width@^4.2.0\":\n  version \"4.2.3\"\n  resolved \"https://registry.yarnpkg.com/string-width/-/string-width-4.2.3.tgz#e7\"\n  integrity sha512-{a}==\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n  resolved \"{left_pad_url}\"\n  integrity sha512-{b}==\n",
            a = "F".repeat(86),
            b = "G".repeat(86)
        )
    };
    repo.write("web/yarn.lock", "# yarn lockfile v1\n\n");
    let pnpm = |tarball: &str| {
        format!("lockfileVersion: '9.0'\n\npackages:\n\n  is-even@1.0.0:\n    resolution: {{integrity: sha512-{h}==, tarball: {tarball}}}\n", h = "H".repeat(86))
    };
    repo.write(
        "ui/pnpm-lock.yaml",
        "lockfileVersion: '9.0'\n\npackages: {}\n",
    );
    repo.commit("base");
    repo.write(
        "package-lock.json",
        npm_lock(
            "3.0.1",
            "https://registry.npmjs.org/evil-odd/-/evil-odd-3.0.1.tgz",
            &sha512,
        ),
    );
    repo.write(
        "web/yarn.lock",
        yarn("https://registry.yarnpkg.com/left-pad/-/left-pad-1.2.0.tgz#abc"),
    );
    repo.write(
        "ui/pnpm-lock.yaml",
        pnpm("https://registry.npmjs.org/is-odd/-/is-odd-1.0.0.tgz"),
    );
    repo.commit("swap tarballs");
    let db = tempfile::tempdir().expect("tempdir");
    let out = check_offline_with(&repo, &[("GUARDRAIL_DB_DIR", db.path())]);
    let findings = json_findings(&out.stdout);
    let got: Vec<(String, String, String)> = findings
        .iter()
        .filter(|f| f["kind"] == "supply-chain")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["severity"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(out.status.code(), Some(1), "{got:?}");
    let red = |path: &str| {
        got.iter()
            .filter(|(r, s, p)| r == "npm-resolved-other-package" && s == "red" && p == path)
            .count()
    };
    // is-odd@3.0.1 -> evil-odd; left-pad@1.3.0 -> left-pad 1.2.0; is-even -> is-odd.
    assert_eq!(red("package-lock.json"), 1, "{got:?}");
    assert_eq!(red("web/yarn.lock"), 1, "{got:?}");
    assert_eq!(red("ui/pnpm-lock.yaml"), 1, "{got:?}");
    // Scoped packages and npm aliases resolve to their own tarballs; wrappy's sha1 -> sha512
    // upgrade for the same version is not a changed checksum.
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        !got.iter()
            .any(|(r, _, _)| r == "lockfile-integrity-changed"),
        "{got:?}"
    );
}

#[test]
fn an_upgrade_that_stays_vulnerable_is_info_naming_the_fix() {
    // Issue 17.3: regex 1.1.5 -> 1.1.6 is still affected by RUSTSEC-2022-0013 (fixed in
    // 1.5.5); the change did not introduce it, so it is info, with the fix named.
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = rustsec_db(tmp.path());
    let repo = TempRepo::new();
    repo.write("Cargo.lock", regex_at("1.1.5"));
    repo.commit("base");
    repo.write("Cargo.lock", regex_at("1.1.6"));
    repo.commit("bump regex, still vulnerable");
    let run = |repo: &TempRepo| {
        guardrail(repo.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--format",
                "json",
                "--no-ledger",
                "--db",
            ])
            .arg(&db)
            .output()
            .expect("run")
    };
    let out = run(&repo);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "RUSTSEC-2022-0013")
        .expect("still reported");
    assert_eq!(f["severity"], "info");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(
        msg.starts_with("still affected") && msg.contains("1.5.5"),
        "{msg}"
    );
    // The lockfile splits the package into two versions (as uv.lock does by environment
    // markers): the version added beside the base's is still affected, not new.
    let split = regex_at("1.1.6")
        + "\n[[package]]\nname = \"regex\"\nversion = \"1.1.7\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"2a11647b6b25ff05a515cb92c365cec08801e83423a235b51e231e1808747286\"\n";
    repo.write("Cargo.lock", &split);
    repo.commit("split regex into two versions");
    let out = run(&repo);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = json_findings(&out.stdout);
    let added = findings
        .iter()
        .find(|f| f["rule"] == "RUSTSEC-2022-0013" && f["package"]["version"] == "1.1.7")
        .expect("the added version is reported");
    assert_eq!(added["severity"], "info", "{added}");
    assert!(
        added["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("still affected"),
        "{added}"
    );
    // From a clean version into the same vulnerable range it still blocks.
    repo.write("Cargo.lock", REGEX_OK);
    repo.commit("clean");
    repo.write("Cargo.lock", regex_at("1.1.6"));
    repo.commit("back into the range");
    assert_eq!(run(&repo).status.code(), Some(1));
}
