//! Linter configurations that switch security checks off (kind `agent`, rule
//! `linter-config-weakened`, yellow like an inline suppression): a change that makes
//! golangci-lint exclude a gosec rule (or disable gosec), makes bandit skip a test or directory,
//! makes ruff / flake8 ignore flake8-bandit (`S…`) codes, or turns off a security-relevant
//! ESLint rule. The base and head versions of the file are compared, so only what the change
//! adds is reported; other ESLint rules turned off are info.

use std::collections::BTreeSet;
use std::path::Path;

use regex::Regex;
use serde_json::Value;

use crate::checks::{Check, Context, Lane};
use crate::diff::FileChange;
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// The linter-config check.
pub(crate) struct LinterConfigs;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Linter {
    Golangci,
    Python,
    Eslint,
}

fn linter_of(path: &str) -> Option<Linter> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with(".golangci.") {
        return Some(Linter::Golangci);
    }
    if matches!(
        name,
        "pyproject.toml"
            | "setup.cfg"
            | "tox.ini"
            | ".flake8"
            | ".bandit"
            | "ruff.toml"
            | ".ruff.toml"
            | "bandit.yaml"
            | "bandit.yml"
            | ".bandit.yaml"
            | ".bandit.yml"
    ) {
        return Some(Linter::Python);
    }
    if name.starts_with(".eslintrc") || name.starts_with("eslint.config.") {
        return Some(Linter::Eslint);
    }
    None
}

/// The file as a JSON-like tree (YAML, TOML or JSON by extension); None when it does not parse.
fn tree(path: &str, text: &str) -> Option<Value> {
    let p = Path::new(path);
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "toml" => toml::from_str::<Value>(text).ok(),
        "json" => serde_json::from_str(text).ok(),
        "yml" | "yaml" => crate::config::from_yaml::<Value>(text, p).ok(),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => s
            .split([',', '\n', ' '])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

#[allow(
    clippy::expect_used,
    reason = "a constant pattern: a test compiles it, no input reaches it"
)]
fn gosec_code() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\bG[1-6]\d\d\b").expect("constant regex"))
}

const GO_SECURITY_LINTERS: &[&str] = &["gosec", "gas", "bidichk"];

/// What a golangci-lint config switches off of its security linters.
fn golangci(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for l in strings(at(v, &["linters", "disable"])) {
        if GO_SECURITY_LINTERS.contains(&l.as_str()) {
            out.insert(format!("disables the `{l}` linter"));
        }
    }
    let rules = [
        at(v, &["issues", "exclude-rules"]),
        at(v, &["linters", "exclusions", "rules"]),
    ];
    for r in rules
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let linters = strings(r.get("linters"));
        let text = r.get("text").and_then(Value::as_str).unwrap_or("");
        if linters
            .iter()
            .any(|l| GO_SECURITY_LINTERS.contains(&l.as_str()))
            || gosec_code().is_match(text)
        {
            out.insert(format!("excludes gosec findings ({})", compact(r)));
        }
    }
    for t in strings(at(v, &["issues", "exclude"])) {
        if gosec_code().is_match(&t) || t.contains("gosec") {
            out.insert(format!("excludes gosec findings matching `{t}`"));
        }
    }
    for settings in [
        at(v, &["linters-settings", "gosec", "excludes"]),
        at(v, &["linters", "settings", "gosec", "excludes"]),
    ] {
        for c in strings(settings) {
            out.insert(format!("excludes the gosec rule {c}"));
        }
    }
    for p in strings(at(v, &["linters", "exclusions", "presets"])) {
        // golangci-lint's `common-false-positives` preset drops gosec G103, G204, G304.
        if p == "common-false-positives" {
            out.insert("enables the `common-false-positives` exclusion preset (drops gosec G103, G204, G304)".into());
        }
    }
    out
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

/// `[section]` → key → value of an INI file (continuation lines joined).
fn ini(text: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut section = String::new();
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_ascii_lowercase();
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.2.push('\n');
                last.2.push_str(t);
            }
            continue;
        }
        if let Some((k, v)) = t.split_once(['=', ':']) {
            out.push((
                section.clone(),
                k.trim().to_ascii_lowercase().replace('_', "-"),
                v.trim().to_owned(),
            ));
        }
    }
    out
}

fn bandit_code(c: &str) -> bool {
    let c = c.trim().trim_matches(|x| x == '"' || x == '\'');
    c.strip_prefix('S')
        .is_some_and(|rest| rest.chars().all(|x| x.is_ascii_digit()))
}

/// Codes in a `per-file-ignores` value (`path = S101,E501` lines or a table of lists).
fn per_file_codes(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Object(m)) => m
            .iter()
            .flat_map(|(p, codes)| {
                strings(Some(codes))
                    .into_iter()
                    .map(move |c| (p.clone(), c))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a Python tool config switches off of bandit / flake8-bandit.
fn python(path: &str, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let name = path.rsplit('/').next().unwrap_or(path);
    let toml_like = name.ends_with(".toml");
    let yaml_like = name.ends_with(".yaml") || name.ends_with(".yml");
    if toml_like || yaml_like {
        let Some(v) = tree(path, text) else {
            return out;
        };
        let bandit = if name == "pyproject.toml" {
            at(&v, &["tool", "bandit"])
        } else if yaml_like {
            Some(&v)
        } else {
            None
        };
        if let Some(b) = bandit {
            for s in strings(b.get("skips")) {
                out.insert(format!("bandit skips {s}"));
            }
            for d in strings(b.get("exclude_dirs")) {
                out.insert(format!("bandit no longer scans {d}"));
            }
        }
        let ruff = if name == "pyproject.toml" {
            at(&v, &["tool", "ruff"])
        } else {
            Some(&v)
        };
        if let Some(r) = ruff {
            for scope in [Some(r), r.get("lint")].into_iter().flatten() {
                for key in ["ignore", "extend-ignore"] {
                    for c in strings(scope.get(key)) {
                        if bandit_code(&c) {
                            out.insert(format!("ruff ignores {c} (flake8-bandit)"));
                        }
                    }
                }
                for (p, c) in per_file_codes(scope.get("per-file-ignores")) {
                    if bandit_code(&c) {
                        out.insert(format!("ruff ignores {c} (flake8-bandit) in {p}"));
                    }
                }
            }
        }
        return out;
    }
    for (section, key, value) in ini(text) {
        match (section.as_str(), key.as_str()) {
            ("bandit", "skips") | ("tool:bandit", "skips") => {
                for s in strings(Some(&Value::String(value))) {
                    out.insert(format!("bandit skips {s}"));
                }
            }
            ("bandit", "exclude") | ("bandit", "exclude-dirs") => {
                for s in strings(Some(&Value::String(value))) {
                    out.insert(format!("bandit no longer scans {s}"));
                }
            }
            ("flake8", "ignore") | ("flake8", "extend-ignore") | ("flake8", "per-file-ignores") => {
                for s in value.split([',', '\n', ' ', ':', '=']) {
                    if bandit_code(s) {
                        out.insert(format!("flake8 ignores {} (flake8-bandit)", s.trim()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[allow(
    clippy::expect_used,
    reason = "a constant pattern: a test compiles it, no input reaches it"
)]
fn eslint_off() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"["']?(@?[A-Za-z0-9_./-]+)["']?\s*:\s*(?:["']?off["']?|0)\s*(?:[,}\n\]]|$)|["']?(@?[A-Za-z0-9_./-]+)["']?\s*:\s*\[\s*(?:["']off["']|0)\s*[,\]]"#,
        )
        .expect("constant regex")
    })
}

/// Security-relevant ESLint rules (core, `eslint-plugin-security`, `no-unsanitized`, React,
/// Microsoft SDL, typescript-eslint's unsafe-* family).
fn eslint_security_rule(r: &str) -> bool {
    let r = r.to_ascii_lowercase();
    [
        "security",
        "no-eval",
        "no-implied-eval",
        "no-new-func",
        "no-script-url",
        "no-unsanitized",
        "no-danger",
        "xss",
        "detect-",
        "no-unsafe",
        "sdl/",
        "no-inner-html",
        "no-document-write",
        "jsx-no-target-blank",
        "no-restricted-",
    ]
    .iter()
    .any(|s| r.contains(s))
}

/// ESLint rules a config turns off (`"rule": "off"`, `0`, `["off", …]`), in any config syntax.
fn eslint(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in eslint_off().captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            let r = m.as_str();
            if r.contains('-') || r.contains('/') {
                out.insert(r.to_owned());
            }
        }
    }
    out
}

fn weakenings(linter: Linter, path: &str, text: &str) -> BTreeSet<String> {
    match linter {
        Linter::Golangci => tree(path, text).map(|v| golangci(&v)).unwrap_or_default(),
        Linter::Python => python(path, text),
        Linter::Eslint => eslint(text),
    }
}

/// The first added line that mentions one of `words`, else the first added line.
fn line_for(f: &FileChange, words: &[&str]) -> Option<u32> {
    f.added
        .iter()
        .find(|l| words.iter().any(|w| !w.is_empty() && l.text.contains(w)))
        .or_else(|| f.added.first())
        .map(|l| l.no)
}

fn finding(f: &FileChange, severity: Severity, what: &[String], words: &[&str]) -> Finding {
    let msg = format!(
        "This change weakens a linter that guards security in `{}`: it {}. Like an inline suppression, a check switched off in the linter's config hides what it would find in every file. Fix the reported code instead, or have a human accept the exclusion with a reason.",
        f.path(),
        what.join("; ")
    );
    let mut x = Finding::new(
        "linter-config-weakened",
        Kind::Agent,
        severity,
        f.path(),
        line_for(f, words),
        msg,
    );
    x.cwe = vec!["CWE-693".into()];
    x.with_fingerprint(&format!("linter-config-weakened:{}", what.join("|")), 0)
}

impl Check for LinterConfigs {
    fn name(&self) -> &'static str {
        "linter-configs"
    }

    fn lane(&self) -> Lane {
        Lane::Change
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        if ctx.scan {
            return Ok(out);
        }
        for f in &ctx.changes.files {
            let Some(linter) = linter_of(f.path()) else {
                continue;
            };
            if f.added.is_empty() {
                continue;
            }
            let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
            let (base, head) = match ctx.revs {
                Some(r) => (
                    text(r.base(f.old_path.as_deref().unwrap_or(f.path()))?).unwrap_or_default(),
                    text(r.head(f.path())?),
                ),
                None => (
                    f.removed.iter().map(|l| format!("{}\n", l.text)).collect(),
                    None,
                ),
            };
            // Without the head file (a plain diff), the added lines are the head's fragment.
            let head =
                head.unwrap_or_else(|| f.added.iter().map(|l| format!("{}\n", l.text)).collect());
            let before = weakenings(linter, f.path(), &base);
            let now = weakenings(linter, f.path(), &head);
            let new: Vec<String> = now.difference(&before).cloned().collect();
            if new.is_empty() {
                continue;
            }
            if linter == Linter::Eslint {
                let (sec, other): (Vec<String>, Vec<String>) =
                    new.into_iter().partition(|r| eslint_security_rule(r));
                for (group, sev) in [(sec, Severity::Yellow), (other, Severity::Info)] {
                    if group.is_empty() {
                        continue;
                    }
                    let words: Vec<&str> = group.iter().map(String::as_str).collect();
                    let what: Vec<String> = group
                        .iter()
                        .map(|r| format!("turns off the ESLint rule `{r}`"))
                        .collect();
                    out.push(finding(f, sev, &what, &words));
                }
                continue;
            }
            let words: Vec<&str> = new
                .iter()
                .filter_map(|w| w.split_whitespace().last())
                .collect();
            out.push(finding(f, Severity::Yellow, &new, &words));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golangci_gosec_exclusions() {
        let base = "version: \"2\"\nlinters:\n  enable: [gosec]\n";
        let head = "version: \"2\"\nlinters:\n  enable: [gosec]\n  exclusions:\n    rules:\n      - linters: [gosec]\n        text: G104\n  settings:\n    gosec:\n      excludes: [G401]\n";
        let b = weakenings(Linter::Golangci, ".golangci.yml", base);
        let h = weakenings(Linter::Golangci, ".golangci.yml", head);
        assert!(b.is_empty());
        assert_eq!(h.len(), 2, "{h:?}");
        let v1 = "issues:\n  exclude-rules:\n    - path: _test\\.go\n      linters: [goconst]\nlinters:\n  disable: [gosec]\n";
        let h = weakenings(Linter::Golangci, ".golangci.yaml", v1);
        assert_eq!(h.len(), 1, "goconst exclusions are not security: {h:?}");
    }

    #[test]
    fn python_bandit_and_ruff() {
        let py = "[tool.bandit]\nskips = [\"B101\"]\n[tool.ruff.lint]\nignore = [\"E501\", \"S603\"]\n[tool.ruff.lint.per-file-ignores]\n\"tests/*\" = [\"S101\"]\n";
        let h = weakenings(Linter::Python, "pyproject.toml", py);
        assert_eq!(h.len(), 3, "{h:?}");
        let cfg = "[flake8]\nextend-ignore = E203, S311\n[bandit]\nskips = B404,B603\n";
        let h = weakenings(Linter::Python, "setup.cfg", cfg);
        assert_eq!(h.len(), 3, "{h:?}");
    }

    #[test]
    fn eslint_rules_off() {
        let js = "export default [{ rules: { 'no-eval': 'off', \"react/no-danger\": 0, 'no-console': ['off'], 'eqeqeq': 'error' } }];\n";
        let h = eslint(js);
        assert!(h.contains("no-eval") && h.contains("react/no-danger") && h.contains("no-console"));
        assert!(!h.contains("eqeqeq"));
        assert!(eslint_security_rule("security/detect-object-injection"));
        assert!(!eslint_security_rule("no-console"));
        let yml = "rules:\n  no-implied-eval: off\n";
        assert!(eslint(yml).contains("no-implied-eval"));
    }
}
