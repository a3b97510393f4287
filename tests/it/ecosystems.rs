//! The ecosystems beyond Cargo, npm, PyPI and Go (GitHub Actions, Maven, RubyGems, Composer,
//! NuGet): real manifests and lockfiles of public projects through `guardrail check` on a real
//! git change, against real OSV records (fixtures; the advisory ids expected here were read
//! off those records by hand), and `db update` for these ecosystems from a local stand-in.

use std::path::{Path, PathBuf};

use crate::common::{check_json, guardrail, root, TempRepo};

fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join("deps").join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Imports `sources` into a new store under `dir`.
fn db_of(dir: &Path, sources: &[PathBuf]) -> PathBuf {
    let db = dir.join("db");
    let out = guardrail(dir)
        .args(["db", "import", "--db"])
        .arg(&db)
        .args(sources)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "db import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// `guardrail check` of HEAD~1..HEAD with `db`, offline, JSON: (exit code, findings).
fn check(repo: &TempRepo, db: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let db = db.to_str().expect("utf-8 path");
    let (code, findings, _) = check_json(repo, &["--offline", "--db", db]);
    (Some(code), findings)
}

/// `(rule, path, line, severity)` of the dependency findings, sorted.
fn dependency_findings(findings: &[serde_json::Value]) -> Vec<(String, String, u64, String)> {
    let mut v: Vec<(String, String, u64, String)> = findings
        .iter()
        .filter(|f| f["kind"] == "dependency")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["severity"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn row(rule: &str, path: &str, line: u64, sev: &str) -> (String, String, u64, String) {
    (rule.into(), path.into(), line, sev.into())
}

#[test]
fn github_actions_tags_in_affected_ranges_and_a_compromised_commit_pin() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("github-actions/osv")]);
    let base = read("github-actions/checks.yml");
    let repo = TempRepo::new();
    repo.write(".github/workflows/checks.yml", &base);
    repo.commit("base: google/osv-scanner's checks workflow");
    let lines = base.lines().count() as u64;
    repo.write(
        ".github/workflows/checks.yml",
        format!(
            "{base}  changed:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tj-actions/changed-files@v35\n      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67 # v45\n      - uses: tj-actions/changed-files@v46.0.1\n      - uses: actions/download-artifact@v4.1.2\n      - uses: actions/download-artifact@v4\n      - uses: actions/download-artifact@1111111111111111111111111111111111111111 # v4.1.2\n"
        ),
    );
    repo.write(
        ".github/actions/fetch/action.yml",
        "name: fetch\nruns:\n  using: composite\n  steps:\n    - uses: actions/download-artifact@v4.0.0\n    - run: |\n        echo uses: tj-actions/changed-files@v1\n      shell: bash\n",
    );
    repo.commit("add a job and a composite action");
    let (code, findings) = check(&repo, &db);
    let wf = ".github/workflows/checks.yml";
    // Read off the records: GHSA-mrrh-fwg8-r2c3 affects tj-actions/changed-files from 0
    // through 45.0.7 (v35 floats within 35.x: affected; v46.0.1 is not), and its details name
    // commit 0e58ed8 (full SHA in data/advisory/compromised-actions.tsv); GHSA-cxww-7g56-2vh6
    // affects actions/download-artifact from 4.0.0 before 4.1.7 (the `v4` tag floats to the
    // newest 4.x, which is fixed).
    assert_eq!(
        dependency_findings(&findings),
        vec![
            row(
                "GHSA-cxww-7g56-2vh6",
                ".github/actions/fetch/action.yml",
                5,
                "red"
            ),
            row("GHSA-cxww-7g56-2vh6", wf, lines + 7, "red"),
            // A commit pin is read with the release its comment names.
            row("GHSA-cxww-7g56-2vh6", wf, lines + 9, "red"),
            row("GHSA-mrrh-fwg8-r2c3", wf, lines + 4, "red"),
            row("GHSA-mrrh-fwg8-r2c3", wf, lines + 5, "red"),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, Some(1));
    let msg = |line: u64| {
        findings
            .iter()
            .find(|f| f["kind"] == "dependency" && f["line"] == line && f["path"] == wf)
            .and_then(|f| f["message"].as_str())
            .unwrap_or("")
            .to_owned()
    };
    assert!(msg(lines + 5).contains("malicious"), "{}", msg(lines + 5));
    assert!(!msg(lines + 4).contains("malicious"), "{}", msg(lines + 4));
    let pkg = findings
        .iter()
        .find(|f| f["kind"] == "dependency")
        .map(|f| f["package"]["ecosystem"].clone());
    assert_eq!(pkg, Some(serde_json::json!("GitHub Actions")));
    // The pin rule is unchanged: tags of third-party actions are still flagged.
    assert!(findings.iter().any(|f| f["rule"]
        .as_str()
        .is_some_and(|r| r.ends_with("gha-third-party-action-not-pinned"))
        && f["line"] == lines + 4));
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        w.write_all(body).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// The OSV records of every fixture directory `*/osv/` of the new ecosystems, by ecosystem.
fn records_by_ecosystem() -> std::collections::BTreeMap<String, Vec<(String, Vec<u8>)>> {
    let mut out: std::collections::BTreeMap<String, Vec<(String, Vec<u8>)>> = Default::default();
    for dir in std::fs::read_dir(root().join("fixtures").join("deps")).expect("fixtures") {
        let osv = dir.expect("entry").path().join("osv");
        let Ok(entries) = std::fs::read_dir(&osv) else {
            continue;
        };
        for e in entries {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("record");
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("record json");
            let eco = v["affected"][0]["package"]["ecosystem"]
                .as_str()
                .expect("ecosystem")
                .to_owned();
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            out.entry(eco).or_default().push((name, bytes));
        }
    }
    out
}

#[test]
fn db_update_fetches_the_new_ecosystems_from_a_local_stand_in() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let server = rt.block_on(wiremock::MockServer::start());
    let by_eco = records_by_ecosystem();
    assert!(by_eco.contains_key("GitHub Actions"), "{:?}", by_eco.keys());
    for (eco, files) in &by_eco {
        // The bucket's object names: `GitHub Actions/all.zip` travels as `GitHub%20Actions`.
        let path = format!("/{}/all.zip", eco.replace(' ', "%20"));
        rt.block_on(
            wiremock::Mock::given(wiremock::matchers::path(path))
                .respond_with(wiremock::ResponseTemplate::new(200).set_body_bytes(zip_of(files)))
                .expect(1)
                .mount(&server),
        );
    }
    let db = tmp.path().join("db");
    let mut cmd = guardrail(tmp.path());
    cmd.args(["db", "update", "--no-rustsec", "--db"])
        .arg(&db)
        .arg("--osv-url")
        .arg(server.uri());
    for eco in by_eco.keys() {
        cmd.args(["--ecosystem", eco]);
    }
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st = guardrail(tmp.path())
        .args(["db", "status", "--json", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let st: serde_json::Value = serde_json::from_slice(&st.stdout).expect("status json");
    for (eco, files) in &by_eco {
        assert_eq!(st["counts"][eco], files.len(), "{eco}: {st}");
    }
    rt.block_on(server.verify());
    // Without `--ecosystem`, every ecosystem is asked for (here: the ones not served fail).
    let out = guardrail(tmp.path())
        .args(["db", "update", "--no-rustsec", "--db"])
        .arg(&db)
        .arg("--osv-url")
        .arg(server.uri())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle} not in text"))
}

#[test]
fn maven_pom_gradle_lockfile_and_version_catalog() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("maven/osv")]);
    let pom = read("maven/pom.xml");
    let lock = read("maven/gradle.lockfile");
    let catalog = read("maven/libs.versions.toml");
    let repo = TempRepo::new();
    repo.write("pom.xml", &pom);
    repo.write("android/gradle.lockfile", &lock);
    repo.write("android/gradle/libs.versions.toml", &catalog);
    repo.commit("base: real pom.xml, gradle.lockfile and version catalog");
    // pom.xml: a property and a dependency that uses it.
    let pom2 = pom
        .replace(
            "    <java.version>17</java.version>\n",
            "    <java.version>17</java.version>\n    <log4j2.version>2.14.1</log4j2.version>\n",
        )
        .replace(
            "  </dependencies>\n</project>",
            "    <dependency>\n      <groupId>org.apache.logging.log4j</groupId>\n      <artifactId>log4j-core</artifactId>\n      <version>${log4j2.version}</version>\n    </dependency>\n  </dependencies>\n</project>",
        );
    // gradle.lockfile: log4j-core 2.0 (2.0-beta9 <= 2.0 < 2.3.1) and a fixed backport.
    let lock2 = lock.replace(
        "org.apache.logging.log4j:log4j-to-slf4j:",
        "org.apache.logging.log4j:log4j-core:2.0=runtimeClasspath\norg.apache.logging.log4j:log4j-jul:2.12.2=runtimeClasspath\norg.apache.logging.log4j:log4j-to-slf4j:",
    );
    // Catalog: a release candidate of the fixed version is still before it; 2.12.2 is fixed.
    let catalog2 = catalog
        .replace(
            "kotlin = \"1.8.0\"\n",
            "kotlin = \"1.8.0\"\nlog4j = \"2.15.0-rc1\"\nlog4jOld = \"2.12.2\"\n",
        )
        .replace(
            "[plugins]\n",
            "log4j-core = { module = \"org.apache.logging.log4j:log4j-core\", version.ref = \"log4j\" }\nlog4j-core-old = { group = \"org.apache.logging.log4j\", name = \"log4j-core\", version.ref = \"log4jOld\" }\n\n[plugins]\n",
        );
    assert!(pom2 != pom && lock2 != lock && catalog2 != catalog);
    repo.write("pom.xml", &pom2);
    repo.write("android/gradle.lockfile", &lock2);
    repo.write("android/gradle/libs.versions.toml", &catalog2);
    repo.commit("add log4j-core");
    let (code, findings) = check(&repo, &db);
    // GHSA-jfh8-c2jp-5v3q: log4j-core 2.0-beta9 to before 2.3.1, 2.4 to before 2.12.2,
    // 2.13.0 to before 2.15.0. The pom's finding is on the property the version comes from.
    let id = "GHSA-jfh8-c2jp-5v3q";
    assert_eq!(
        dependency_findings(&findings),
        vec![
            row(
                id,
                "android/gradle.lockfile",
                line_of(&lock2, "log4j-core:2.0="),
                "red"
            ),
            row(
                id,
                "android/gradle/libs.versions.toml",
                line_of(&catalog2, "log4j = "),
                "red"
            ),
            row(id, "pom.xml", line_of(&pom2, "<log4j2.version>"), "red"),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, Some(1));
    let f = findings
        .iter()
        .find(|f| f["path"] == "pom.xml" && f["kind"] == "dependency")
        .expect("pom finding");
    assert_eq!(
        f["package"],
        serde_json::json!({"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core", "version": "2.14.1"})
    );
    assert!(
        f["message"].as_str().unwrap_or("").contains("2.15.0"),
        "{f}"
    );
}

#[test]
fn rubygems_gemfile_lock_and_gemfile() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("rubygems/osv")]);
    let lock = read("rubygems/Gemfile.lock");
    let gemfile = read("rubygems/Gemfile");
    let repo = TempRepo::new();
    repo.write("docs/Gemfile.lock", &lock);
    repo.write("docs/Gemfile", &gemfile);
    repo.commit("base: google/osv-scanner's docs Gemfile and Gemfile.lock");
    // The lockfile moves google-protobuf back to 4.27.4 (platform gem); the Gemfile pins
    // 4.28.1 and adds a gem from a git repository.
    let lock2 = lock.replace(
        "google-protobuf (4.35.1-x86_64-linux-gnu)",
        "google-protobuf (4.27.4-x86_64-linux-gnu)",
    );
    let gemfile2 = gemfile.replace(
        "gem \"csv\"\n",
        "gem \"csv\"\ngem \"google-protobuf\", \"4.28.1\"\ngem \"just-the-docs-fork\", git: \"https://github.com/example/just-the-docs.git\"\n",
    );
    assert!(lock2 != lock && gemfile2 != gemfile);
    repo.write("docs/Gemfile.lock", &lock2);
    repo.write("docs/Gemfile", &gemfile2);
    repo.commit("protobuf");
    let (code, findings) = check(&repo, &db);
    // GHSA-735f-pc8j-v9w8: google-protobuf before 3.25.5, 4.0.0.rc.1 before 4.27.5,
    // 4.28.0.rc.1 before 4.28.2 (4.35.1 at base was not affected).
    let id = "GHSA-735f-pc8j-v9w8";
    assert_eq!(
        dependency_findings(&findings),
        vec![
            row(
                id,
                "docs/Gemfile",
                line_of(&gemfile2, "google-protobuf"),
                "red"
            ),
            row(
                id,
                "docs/Gemfile.lock",
                line_of(&lock2, "google-protobuf (4.27.4"),
                "red"
            ),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, Some(1));
    let lockf = findings
        .iter()
        .find(|f| f["path"] == "docs/Gemfile.lock" && f["kind"] == "dependency")
        .expect("lock finding");
    assert_eq!(
        lockf["package"]["version"], "4.27.4",
        "platform suffix dropped"
    );
    assert!(
        lockf["message"].as_str().unwrap_or("").contains("4.27.5"),
        "{lockf}"
    );
    // The git source is an integrity finding on its line.
    assert!(
        findings.iter().any(|f| f["rule"]
            .as_str()
            .is_some_and(|r| r.ends_with("dependency-git-source"))
            && f["line"] == line_of(&gemfile2, "just-the-docs-fork")),
        "{findings:#?}"
    );
}

#[test]
fn composer_lock_and_manifest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("composer/osv")]);
    let lock = read("composer/composer.lock");
    let manifest = read("composer/composer.json");
    let repo = TempRepo::new();
    repo.write("composer.lock", &lock);
    repo.write("composer.json", &manifest);
    repo.commit("base: composer/composer's composer.json and (part of) its composer.lock");
    // symfony/process back to v5.4.45 in the lock, and pinned to 5.4.45 in the manifest.
    let lock2 = lock.replace(
        "\"name\": \"symfony/process\",\n            \"version\": \"v5.4.51\"",
        "\"name\": \"symfony/process\",\n            \"version\": \"v5.4.45\"",
    );
    let manifest2 = manifest.replace(
        "\"symfony/process\": \"^5.4.47 || ^6.4.25 || ^7.1.10 || ^8.0\"",
        "\"symfony/process\": \"5.4.45\"",
    );
    assert!(lock2 != lock && manifest2 != manifest);
    repo.write("composer.lock", &lock2);
    repo.write("composer.json", &manifest2);
    repo.commit("pin symfony/process");
    let (code, findings) = check(&repo, &db);
    // GHSA-qq5c-677p-737q: symfony/process before 5.4.46, 6.0.0 before 6.4.14, 7.0.0 before
    // 7.1.7 (v5.4.51 at base was fixed; the lock spells versions with a `v`).
    let id = "GHSA-qq5c-677p-737q";
    assert_eq!(
        dependency_findings(&findings),
        vec![
            row(
                id,
                "composer.json",
                line_of(&manifest2, "\"symfony/process\""),
                "red"
            ),
            row(
                id,
                "composer.lock",
                line_of(&lock2, "\"version\": \"v5.4.45\""),
                "red"
            ),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, Some(1));
    assert!(findings
        .iter()
        .any(|f| f["path"] == "composer.lock"
            && f["message"].as_str().unwrap_or("").contains("5.4.46")));
}

#[test]
fn nuget_lockfile_project_and_central_versions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("nuget/osv")]);
    let csproj = read("nuget/GitHubActionPinner.csproj");
    let lock = read("nuget/packages.lock.json");
    let props = read("nuget/Directory.Packages.props");
    let repo = TempRepo::new();
    repo.write("GitHubActionPinner.csproj", &csproj);
    repo.write("packages.lock.json", &lock);
    repo.write("server/Directory.Packages.props", &props);
    repo.commit("base: real project, lock file and central versions");
    // Newtonsoft.Json 12.0.3 added to the project and its lock file; the central version moves
    // from 13.0.3 down to 12.0.3.
    let csproj2 = csproj.replace(
        "        <PackageReference Include=\"Octokit\" Version=\"14.0.0\" />\n",
        "        <PackageReference Include=\"Newtonsoft.Json\" Version=\"12.0.3\" />\n        <PackageReference Include=\"Octokit\" Version=\"14.0.0\" />\n",
    );
    let lock2 = lock.replace(
        "      \"Octokit\": {",
        "      \"Newtonsoft.Json\": {\n        \"type\": \"Direct\",\n        \"requested\": \"[12.0.3, )\",\n        \"resolved\": \"12.0.3\",\n        \"contentHash\": \"6mgjfnRB4jKMlzHSl+VD+oUc1IebOZabkbyWj2RiTgWwYPPuaK1H97G1sHqGwPlS5npiF5Q0OrxN1wni2n5QWg==\"\n      },\n      \"Octokit\": {",
    );
    let props2 = props.replace(
        "Include=\"Newtonsoft.Json\" Version=\"13.0.3\"",
        "Include=\"Newtonsoft.Json\" Version=\"12.0.3\"",
    );
    assert!(csproj2 != csproj && lock2 != lock && props2 != props);
    repo.write("GitHubActionPinner.csproj", &csproj2);
    repo.write("packages.lock.json", &lock2);
    repo.write("server/Directory.Packages.props", &props2);
    repo.commit("Newtonsoft.Json 12");
    let (code, findings) = check(&repo, &db);
    // GHSA-5crp-9r3c-p9vr: Newtonsoft.Json before 13.0.1, severity LOW (no CVSS): yellow.
    let id = "GHSA-5crp-9r3c-p9vr";
    assert_eq!(
        dependency_findings(&findings),
        vec![
            row(
                id,
                "GitHubActionPinner.csproj",
                line_of(&csproj2, "Newtonsoft.Json"),
                "yellow"
            ),
            row(
                id,
                "packages.lock.json",
                line_of(&lock2, "\"resolved\": \"12.0.3\""),
                "yellow"
            ),
            row(
                id,
                "server/Directory.Packages.props",
                line_of(&props2, "Newtonsoft.Json"),
                "yellow"
            ),
        ],
        "{findings:#?}"
    );
    assert_eq!(code, Some(3), "yellow only: review pending");
}

#[test]
fn gradle_build_script_string_notations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_of(tmp.path(), &[fixture("maven/osv")]);
    let script = read("maven/build.gradle");
    let repo = TempRepo::new();
    repo.write("build.gradle", &script);
    repo.commit("base: spring-petclinic's build.gradle");
    let script2 = script
        .replace(
            "ext.webjarsBootstrapVersion = \"5.3.8\"\n",
            "ext.webjarsBootstrapVersion = \"5.3.8\"\next.log4jVersion = \"2.14.1\"\n",
        )
        .replace(
            "  runtimeOnly 'com.h2database:h2'\n",
            "  runtimeOnly 'com.h2database:h2'\n  implementation \"org.apache.logging.log4j:log4j-core:${log4jVersion}\"\n  implementation 'org.apache.logging.log4j:log4j-core-fixed-name-is-not-log4j:2.14.1'\n",
        );
    assert!(script2 != script);
    repo.write("build.gradle", &script2);
    repo.commit("log4j");
    let (code, findings) = check(&repo, &db);
    // GHSA-jfh8-c2jp-5v3q names org.apache.logging.log4j:log4j-core; the finding sits on the
    // variable the version comes from.
    assert_eq!(
        dependency_findings(&findings),
        vec![row(
            "GHSA-jfh8-c2jp-5v3q",
            "build.gradle",
            line_of(&script2, "ext.log4jVersion"),
            "red"
        )],
        "{findings:#?}"
    );
    assert_eq!(code, Some(1));
}
