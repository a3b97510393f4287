//! The data every check produces: findings with kind, severity, location and package, and the
//! stable fingerprint that identifies a finding across runs and rebases.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How bad a finding is; decides the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: never changes the verdict.
    Info,
    /// A human must accept, modify or reject it.
    Yellow,
    /// Blocks the change.
    Red,
}

impl Severity {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Yellow => "yellow",
            Severity::Red => "red",
        }
    }

    /// Parses `red|yellow|info` and Semgrep's `ERROR|WARNING|INFO`.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "red" | "error" | "critical" | "high" => Some(Severity::Red),
            "yellow" | "warning" | "medium" => Some(Severity::Yellow),
            "info" | "low" | "inventory" | "experiment" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What part of the mission a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A risky pattern in added code.
    Code,
    /// A credential in added lines.
    Secret,
    /// A dependency version with an advisory.
    Dependency,
    /// A name imitating a popular package, or unknown to its registry.
    Typosquat,
    /// How code is fetched or built.
    SupplyChain,
    /// The change weakens the gate itself.
    Agent,
}

impl Kind {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Code => "code",
            Kind::Secret => "secret",
            Kind::Dependency => "dependency",
            Kind::Typosquat => "typosquat",
            Kind::SupplyChain => "supply-chain",
            Kind::Agent => "agent",
        }
    }

    /// Parses the contract's spelling.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "code" => Kind::Code,
            "secret" => Kind::Secret,
            "dependency" => Kind::Dependency,
            "typosquat" => Kind::Typosquat,
            "supply-chain" => Kind::SupplyChain,
            "agent" => Kind::Agent,
            _ => return None,
        })
    }
}

/// A package a dependency or typosquat finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// `crates.io`, `npm`, `PyPI` or `Go`.
    pub ecosystem: String,
    /// The package name as declared.
    pub name: String,
    /// The version, when one is known.
    pub version: Option<String>,
}

/// Review state of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewState {
    /// Waiting for a human.
    Pending,
    /// A human accepted it.
    Accepted,
    /// A human rejected it.
    Rejected,
}

/// A human's decision on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The state.
    pub state: ReviewState,
    /// Who decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One finding, in the JSON contract's shape (fields after `review` are not serialized).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identity across runs and rebases.
    pub fingerprint: String,
    /// Rule id or advisory id.
    pub rule: String,
    /// Kind.
    pub(crate) kind: Kind,
    /// Severity after policy.
    pub severity: Severity,
    /// Path in the head tree.
    pub path: String,
    /// 1-based line in the head file.
    pub line: Option<u32>,
    /// CWE ids.
    pub cwe: Vec<String>,
    /// OWASP categories.
    pub owasp: Vec<String>,
    /// What is wrong, why, how to fix.
    pub(crate) message: String,
    /// Package for dependency and typosquat findings.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub package: Option<Package>,
    /// Advisory ids and aliases.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub advisories: Vec<String>,
    /// Review state, when the finding needs (or had) a human.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub review: Option<Review>,
    /// The flagged line's text, already redacted; for code frames and review comments.
    #[serde(skip)]
    pub snippet: Option<String>,
    /// 1-based column of the match start on `line`, when known.
    #[serde(skip)]
    pub column: Option<u32>,
    /// sha256 of the flagged line as written (not redacted): binds review decisions to it.
    #[serde(skip)]
    pub(crate) line_hash: Option<String>,
    /// Notes added by policy (e.g. an expired ignore); shown by reporters.
    #[serde(skip)]
    pub(crate) notes: Vec<String>,
}

impl Finding {
    /// A new finding with empty optional parts; call [`Finding::with_fingerprint`] last.
    pub fn new(
        rule: impl Into<String>,
        kind: Kind,
        severity: Severity,
        path: impl Into<String>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            fingerprint: String::new(),
            rule: rule.into(),
            kind,
            severity,
            path: path.into(),
            line,
            cwe: Vec::new(),
            owasp: Vec::new(),
            message: message.into(),
            package: None,
            advisories: Vec::new(),
            review: None,
            snippet: None,
            column: None,
            line_hash: None,
            notes: Vec::new(),
        }
    }

    /// Sets the fingerprint from the rule, the path and a location-independent `anchor`
    /// (normally the trimmed matched line; for packages name@version), so a finding keeps its
    /// fingerprint when lines above it move. `occurrence` tells identical lines in one file apart.
    pub fn with_fingerprint(mut self, anchor: &str, occurrence: usize) -> Self {
        self.fingerprint = fingerprint(&self.rule, &self.path, anchor, occurrence);
        self
    }
}

/// sha256 over rule, path, the whitespace-normalized anchor and the occurrence index; the first
/// 16 bytes in hex.
pub(crate) fn fingerprint(rule: &str, path: &str, anchor: &str, occurrence: usize) -> String {
    let normalized: String = anchor.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(normalized.as_bytes());
    h.update([0]);
    h.update(occurrence.to_string().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// sha256 hex of a string.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_indentation_but_not_content() {
        let a = fingerprint("r", "a.py", "  x = eval(y)", 0);
        let b = fingerprint("r", "a.py", "x   = eval(y)", 0);
        let c = fingerprint("r", "a.py", "x = eval(z)", 0);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, fingerprint("r", "a.py", "x = eval(y)", 1));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn severity_parses_semgrep_levels() {
        assert_eq!(Severity::parse("ERROR"), Some(Severity::Red));
        assert_eq!(Severity::parse("WARNING"), Some(Severity::Yellow));
        assert_eq!(Severity::parse("INFO"), Some(Severity::Info));
        assert_eq!(Severity::parse("bogus"), None);
    }
}
