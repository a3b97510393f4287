//! Issue 17 ("quiet on real history"): what a human-reviewed change did not introduce does not
//! hold it, and what it did still does. Real repositories in temp dirs, offline.

use crate::common::{check_json, TempRepo};

/// `check --offline` of the last commit, with an empty advisory database: (exit code,
/// [(rule, severity, path)]).
fn check(repo: &TempRepo) -> (i32, Vec<(String, String, String)>) {
    let db = tempfile::tempdir().expect("tempdir");
    let db = db.path().to_str().expect("utf-8 path");
    let (code, findings, _) = check_json(repo, &["--offline", "--db", db]);
    let findings = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["severity"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (code, findings)
}

const WORKFLOW: &str = "name: CI\non: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: astral-sh/setup-uv@0123456789abcdef0123456789abcdef01234567 # v5\n      - run: pytest -q\n";

#[test]
fn a_dependabot_action_bump_passes_whatever_the_merge_style_and_what_matters_is_held() {
    let repo = TempRepo::new();
    repo.write(".github/workflows/ci.yml", WORKFLOW);
    repo.commit("base");
    let bumped = WORKFLOW.replace(
        "0123456789abcdef0123456789abcdef01234567 # v5",
        "89abcdef0123456789abcdef0123456789abcdef # v6",
    );
    repo.write(".github/workflows/ci.yml", &bumped);
    // Squash-merged with the bot as co-author.
    repo.commit(
        "Bump astral-sh/setup-uv from 5 to 6 (#12)\n\nCo-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    );
    let (code, f) = check(&repo);
    assert_eq!(code, 0, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, s, _)| r == "ci-workflow-edited" && s == "info"),
        "{f:?}"
    );
    // The bot's own commit: the same verdict.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.write(".github/workflows/ci.yml", &bumped);
    repo.git(&["add", "-A"]);
    repo.git(&[
        "-c",
        "user.name=dependabot[bot]",
        "-c",
        "user.email=49699333+dependabot[bot]@users.noreply.github.com",
        "commit",
        "-q",
        "-m",
        "Bump astral-sh/setup-uv from 5 to 6",
    ]);
    assert_eq!(check(&repo).0, 0);
    // A `run:` step edit needs review.
    repo.write(
        ".github/workflows/ci.yml",
        bumped.replace("pytest -q", "pytest -q || true"),
    );
    repo.commit("soften tests");
    let (code, f) = check(&repo);
    assert_eq!(code, 3, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, s, _)| r == "ci-workflow-edited" && s == "yellow"),
        "{f:?}"
    );
    // The same harmless bump written by a coding agent is held for a look.
    repo.write(".github/workflows/ci.yml", &bumped);
    repo.commit("base again");
    repo.write(
        ".github/workflows/ci.yml",
        bumped.replace("actions/checkout@v4", "actions/checkout@v5"),
    );
    repo.commit("bump checkout\n\nCo-authored-by: Claude <noreply@anthropic.com>");
    let (code, f) = check(&repo);
    assert_eq!(code, 3, "{f:?}");
}

#[test]
fn linter_config_weakening_is_yellow_and_generated_files_skip_agent_rules() {
    let repo = TempRepo::new();
    repo.write(
        ".golangci.yml",
        "version: \"2\"\nlinters:\n  enable: [gosec]\n",
    );
    repo.write("dist/app.js", "export const a = 1;\n");
    repo.write("src/app.js", "export const a = 1;\n");
    repo.commit("base");
    repo.write(
        ".golangci.yml",
        "version: \"2\"\nlinters:\n  enable: [gosec]\n  settings:\n    gosec:\n      excludes: [G204]\n",
    );
    repo.commit("exclude G204");
    let (code, f) = check(&repo);
    assert_eq!(code, 3, "{f:?}");
    assert!(
        f.iter().any(|(r, s, p)| r == "linter-config-weakened"
            && s == "yellow"
            && p == ".golangci.yml"),
        "{f:?}"
    );
    // A new eslint-disable in a release bundle is the build's, not a new suppression; in the
    // source it is.
    repo.write(
        "dist/app.js",
        "// eslint-disable-next-line no-eval\nexport const a = 1;\n",
    );
    repo.commit("rebuild dist");
    let (code, f) = check(&repo);
    assert_eq!(code, 0, "{f:?}");
    repo.write(
        "src/app.js",
        "// eslint-disable-next-line no-eval\nexport const a = 1;\n",
    );
    repo.commit("suppress in source");
    let (code, f) = check(&repo);
    assert_eq!(code, 3, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, _, p)| r == "eslint-disable-comment" && p == "src/app.js"),
        "{f:?}"
    );
}

#[test]
fn a_path_dependency_whose_version_moves_is_not_a_new_path_source() {
    let repo = TempRepo::new();
    let manifest = |v: &str| {
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlocal-helper = {{ path = \"../helper\", version = \"{v}\" }}\n")
    };
    repo.write("Cargo.toml", manifest("0.1.0"));
    repo.commit("base");
    repo.write("Cargo.toml", manifest("0.2.0"));
    repo.commit("bump helper");
    let (_, f) = check(&repo);
    assert!(
        !f.iter().any(|(r, _, _)| r == "dependency-path-source"),
        "{f:?}"
    );
    // A dependency that moves from the registry to a path is still reported.
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlocal-helper = { path = \"../helper\", version = \"0.2.0\" }\nserde = { path = \"../serde\" }\n",
    );
    repo.commit("vendor serde");
    let (_, f) = check(&repo);
    assert!(
        f.iter().any(|(r, _, _)| r == "dependency-path-source"),
        "{f:?}"
    );
}
