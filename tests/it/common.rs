//! Shared helpers: real git repositories in temp dirs, and the built `guardrail` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A throwaway git repository.
pub struct TempRepo {
    pub dir: tempfile::TempDir,
}

impl TempRepo {
    /// `git init` with a fixed identity and `main` as the branch.
    pub fn new() -> TempRepo {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = TempRepo { dir };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.email", "dev@example.com"]);
        r.git(&["config", "user.name", "Dev"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git, panicking with its stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Writes a file (creating directories).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// `git add -A && git commit`.
    pub fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }
}

/// The `guardrail` binary under test, run in `dir`, with the ledger off unless a test turns it on.
pub fn guardrail(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("guardrail").expect("binary");
    c.current_dir(dir);
    c.env_remove("GITHUB_BASE_REF");
    c.env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA");
    c.env_remove("GUARDRAIL_LEDGER");
    c.env("NO_COLOR", "1");
    // Tests never touch the network: registry look-ups go to a closed local port unless a test
    // points them at its own wiremock server.
    for var in [
        "GUARDRAIL_CRATES_API",
        "GUARDRAIL_CRATES_INDEX",
        "GUARDRAIL_NPM_REGISTRY",
        "GUARDRAIL_PYPI_URL",
        "GUARDRAIL_PYPI_NAMES_URL",
    ] {
        c.env(var, "http://127.0.0.1:9");
    }
    // Nothing from the developer's own caches leaks into a test: an empty advisory DB and a
    // registry cache private to this test process (tests that need either set their own).
    let scratch = std::env::temp_dir().join(format!("guardrail-it-{}", std::process::id()));
    c.env("GUARDRAIL_DB_DIR", scratch.join("no-db"));
    c.env("GUARDRAIL_REGISTRY_CACHE", scratch.join("registry-cache"));
    // cargo's index cache (yanked crates) comes from an empty cargo home unless a test sets one.
    c.env("CARGO_HOME", scratch.join("cargo-home"));
    c.env("GUARDRAIL_YANKED_CACHE", scratch.join("yanked-cache"));
    // npm's cache (deprecated versions) likewise.
    c.env("npm_config_cache", scratch.join("npm-cache"));
    c.env_remove("NPM_CONFIG_CACHE");
    c.env_remove("npm_config_registry");
    c.env_remove("NPM_CONFIG_REGISTRY");
    // Go's module cache and proxy likewise.
    c.env("GOMODCACHE", scratch.join("gomodcache"));
    c.env("GOPROXY", "http://127.0.0.1:9");
    c.env_remove("GOPRIVATE");
    c.env_remove("GONOPROXY");
    c
}

/// The repository root (for fixtures).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data` beside the checkout.
pub fn shared_data() -> PathBuf {
    root().join("..").join("shared").join("data")
}

/// Validates `instance` against a JSON schema in `../shared/data/schemas/`, panicking with every
/// error when it does not conform.
pub fn assert_schema_valid(schema_file: &str, instance: &serde_json::Value) {
    let path = shared_data().join("schemas").join(schema_file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{schema_file}: {} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// `guardrail check` of the repository's last commit (`--base HEAD~1`, JSON, no ledger) with
/// `extra` arguments: (exit code, findings, stderr).
pub fn check_json(repo: &TempRepo, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = guardrail(repo.path())
        .args([
            "check",
            "--base",
            "HEAD~1",
            "--format",
            "json",
            "--no-ledger",
        ])
        .args(extra)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{err}", String::from_utf8_lossy(&out.stdout)));
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap_or(-1), findings, err)
}

/// (rule, path, line) of the findings `keep` selects, sorted.
pub fn rule_path_line(
    findings: &[serde_json::Value],
    keep: impl Fn(&serde_json::Value) -> bool,
) -> Vec<(String, String, Option<u64>)> {
    let mut v: Vec<_> = findings
        .iter()
        .filter(|f| keep(f))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64(),
            )
        })
        .collect();
    v.sort();
    v
}
