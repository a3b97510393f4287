#![cfg(test)]
//! Unit tests of the parent module.

use super::*;

fn change(base: &str, head: &str) -> FileChange {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, base).unwrap();
    std::fs::write(&b, head).unwrap();
    let out = std::process::Command::new("git")
        .args(["diff", "--no-index", "--no-color", "-U3"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut fc = crate::diff::parse(text.as_bytes()).unwrap().files.remove(0);
    fc.status = FileStatus::Modified;
    fc
}

const WF: &str = "name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: astral-sh/setup-uv@0123456789abcdef0123456789abcdef01234567 # v5\n        with:\n          python-version: \"3.12\"\n      - uses: codecov/codecov-action@v4\n        with:\n          token: ${{ secrets.CODECOV }}\n      - name: Test\n        run: |\n          pytest -q\n";

fn judge(head: &str) -> Assessment {
    let f = change(WF, head);
    assess_workflow(&f, Some(WF), Some(head))
}

#[test]
fn pinned_and_first_party_bumps_are_info() {
    let h = WF
        .replace("checkout@v4", "checkout@v5")
        .replace(
            "0123456789abcdef0123456789abcdef01234567 # v5",
            "89abcdef0123456789abcdef0123456789abcdef # v6",
        )
        .replace("\"3.12\"", "\"3.13\"")
        .replace("name: CI", "name: Tests");
    let a = judge(&h);
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    // Tag to SHA is info too.
    let a = judge(&WF.replace(
        "codecov-action@v4",
        "codecov-action@fedcba9876543210fedcba9876543210fedcba98",
    ));
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
}

#[test]
fn moved_and_requoted_lines_are_no_edit() {
    let moved = WF.replace(
            "      - name: Test\n        run: |\n          pytest -q\n",
            "",
        )
        .replace(
            "      - uses: actions/checkout@v4\n",
            "      - uses: actions/checkout@v4\n      - name: Test\n        run: |\n          pytest -q\n",
        );
    let a = judge(&moved);
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    let requoted = WF
        .replace("\"3.12\"", "'3.12'")
        .replace("pytest -q", "pytest  -q");
    assert!(judge(&requoted).reasons.is_empty());
}

#[test]
fn lists_at_their_keys_indentation() {
    let base = "jobs:\n  t:\n    steps:\n    - name: Test\n      run: |\n        make test\n    - uses: actions/checkout@v4\n";
    let p = places(base);
    assert_eq!(p[4].path, ["jobs", "t", "steps", "-"]);
    assert!(p[6].in_block && p[6].path.contains(&"run".to_string()));
    assert_eq!(p[7].path, ["jobs", "t", "steps", "-"]);
    // Re-indenting the list is no edit.
    let head = "jobs:\n  t:\n    steps:\n      - name: Test\n        run: |\n          make test\n      - uses: actions/checkout@v4 # pinned later\n";
    let a = assess_workflow(&change(base, head), Some(base), Some(head));
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    // A value's trailing comment does not hide that it narrows a permission.
    assert_eq!(value_of("contents: read #  to fetch code"), "read");
}

#[test]
fn hardening_is_not_held() {
    for head in [
            // A top-level read-only token added.
            WF.replace("jobs:\n", "jobs:\n  lint:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"),
            // `persist-credentials: false` added; an unrelated cache input (`prune-cache`) dropped.
            WF.replace("      - uses: actions/checkout@v4\n", "      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n"),
            WF.replace("          python-version: \"3.12\"\n", "          python-version: \"3.12\"\n          prune-cache: false\n"),
            // A plain build setting in `env:`.
            WF.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    env:\n      GO111MODULE: off\n"),
        ] {
            let a = judge(&head);
            assert!(a.reasons.is_empty(), "{:?}\n{head}", a.reasons);
        }
    // The same inputs the other way round are held.
    let a = judge(&WF.replace("contents: read", "contents: write"));
    assert!(!a.reasons.is_empty());
    let creds = WF.replace(
        "      - uses: actions/checkout@v4\n",
        "      - uses: actions/checkout@v4\n        with:\n          persist-credentials: true\n",
    );
    assert!(!judge(&creds).reasons.is_empty());
}

#[test]
fn what_matters_is_yellow() {
    for (head, why) in [
        (
            WF.replace("codecov-action@v4", "codecov-action@v5"),
            "mutable",
        ),
        (WF.replace("pytest -q", "pytest -q || true"), "run"),
        (
            WF.replace("contents: read", "contents: write"),
            "permissions",
        ),
        (
            WF.replace("  pull_request:\n", "  pull_request_target:\n"),
            "trigger",
        ),
        (WF.replace("secrets.CODECOV", "secrets.OTHER"), "secrets"),
        (
            WF.replace(
                "    runs-on: ubuntu-latest\n",
                "    runs-on: ubuntu-latest\n    env:\n      NODE_TLS_REJECT_UNAUTHORIZED: 0\n",
            ),
            "environment",
        ),
        (
            WF.replace(
                "      - name: Test\n        run: |\n          pytest -q\n",
                "",
            ),
            "step removed",
        ),
        (
            WF.replace(
                "      - uses: actions/checkout@v4\n",
                "      - uses: actions/checkout@v4\n      - uses: evil/action@v1\n",
            ),
            "new third-party",
        ),
        (
            WF.replace(
                "    runs-on: ubuntu-latest\n",
                "    runs-on: ubuntu-latest\n    if: false\n",
            ),
            "condition",
        ),
        (
            WF.replace(
                "    runs-on: ubuntu-latest\n",
                "    runs-on: ubuntu-latest\n    continue-on-error: true\n",
            ),
            "condition",
        ),
    ] {
        let a = judge(&head);
        assert!(
            a.reasons.iter().any(|r| r.contains(why)),
            "{why}: {:?}",
            a.reasons
        );
        assert!(a.line.is_some(), "{why}");
    }
}

#[test]
fn precommit_revs() {
    let base = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: 0123456789abcdef0123456789abcdef01234567\n    hooks:\n      - id: ruff\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.0.0\n    hooks:\n      - id: check-yaml\n";
    let ok = base
        .replace(
            "0123456789abcdef0123456789abcdef01234567",
            "89abcdef0123456789abcdef0123456789abcdef",
        )
        .replace("v4.0.0", "v5.0.0")
        .replace(
            "      - id: check-yaml\n",
            "      - id: check-yaml\n      - id: check-toml\n",
        );
    let a = assess_precommit(&change(base, &ok), Some(base), Some(&ok));
    assert!(a.reasons.is_empty(), "{:?}", a.reasons);
    let tag = base.replace("0123456789abcdef0123456789abcdef01234567", "v0.6.0");
    let a = assess_precommit(&change(base, &tag), Some(base), Some(&tag));
    assert!(a.reasons[0].contains("mutable tag"), "{:?}", a.reasons);
    let removed = base.replace("      - id: check-yaml\n", "");
    let a = assess_precommit(&change(base, &removed), Some(base), Some(&removed));
    assert!(a.reasons[0].contains("removed"), "{:?}", a.reasons);
}
