//! The audit ledger: what every `check`/`scan` run saw and decided, and every human review
//! decision, as a hash chain of canonical JSON lines ([`chain`]), a Merkle tree over the entry
//! hashes with inclusion and consistency proofs ([`merkle`]), signed checkpoints in the C2SP
//! signed-note format ([`checkpoint`]), stored in a file or as commits on a git ref ([`store`]).
//! The format is documented in `docs/ledger.md` well enough to verify a ledger without guardrail.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::git::Repo;

pub mod canon;
pub mod chain;
pub mod checkpoint;
pub mod merkle;
pub mod proof;
pub mod query;
pub mod store;
pub mod verify;

pub use store::Store;

/// Version of the entry schema (the `v` field of every entry).
pub const SCHEMA_VERSION: u64 = 1;

/// A human decision on a finding, as the review backends hand it to the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// `accept`, `reject`, `modified` or `refused`.
    pub decision: String,
    /// Who (forge login, or local git user).
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// sha256 of the flagged line the decision binds to, when known.
    pub line_sha256: Option<String>,
    /// The reason given.
    pub reason: Option<String>,
    /// `github`, `gitlab` or `local`.
    pub forge: String,
    /// Id of the forge comment the decision came from.
    pub comment_id: Option<String>,
    /// sha256 of that comment's body as read when the decision was taken: binds the decision
    /// to the words it was made with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_sha256: Option<String>,
    /// Why a decision was refused (for `refused`).
    pub refused_because: Option<String>,
}

/// One finding as the ledger keeps it: identity and place, never the message or the snippet
/// (they may quote a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// Stable fingerprint.
    pub fingerprint: String,
    /// Rule or advisory id.
    pub rule: String,
    /// `red`, `yellow` or `info`.
    pub severity: String,
    /// Path in the head tree.
    pub path: String,
    /// 1-based line, when one applies.
    pub line: Option<u32>,
}

/// The revision of one advisory database source a run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbSource {
    /// Source name (e.g. `rustsec`, `osv-pypi`).
    pub(crate) source: String,
    /// Revision (commit id, ETag, archive sha256).
    pub(crate) revision: String,
    /// Date of that revision (RFC 3339 or YYYY-MM-DD), when known.
    pub(crate) date: Option<String>,
}

/// The advisory database sources in force (empty when there is no database).
pub fn db_sources(dir: Option<&std::path::Path>) -> Vec<DbSource> {
    crate::advisory::sources_in(dir)
        .into_iter()
        .map(|s| DbSource {
            revision: s
                .revision
                .unwrap_or_else(|| format!("imported {}", s.imported)),
            source: s.name,
            date: s.date,
        })
        .collect()
}

/// What one `check` or `scan` run saw and decided. The caller (the command that ran) builds
/// it: the ledger knows nothing of the engine or the scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// `check` or `scan`.
    pub command: String,
    /// The repository (remote URL without credentials), when known.
    pub repo: Option<String>,
    /// Base commit.
    pub base: Option<String>,
    /// Head commit.
    pub head: Option<String>,
    /// sha256 of the exact diff text (None for `scan`, which reviews a tree, not a diff).
    pub diff_sha256: Option<String>,
    /// sha256 of the rule set in force.
    pub rules_sha256: String,
    /// sha256 of the config text in force (None: built-in defaults).
    pub config_sha256: Option<String>,
    /// Advisory database source revisions.
    pub db_sources: Vec<DbSource>,
    /// `pass`, `review` or `block`.
    pub verdict: String,
    /// The findings in force.
    pub findings: Vec<FindingRecord>,
}

/// The ledger's view of findings.
pub fn findings(fs: &[crate::finding::Finding]) -> Vec<FindingRecord> {
    fs.iter()
        .map(|f| FindingRecord {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            severity: f.severity.as_str().to_owned(),
            path: f.path.clone(),
            line: f.line,
        })
        .collect()
}

/// A remote URL without user, password or token (`https://user:tok@host/x` → `https://host/x`).
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if let Some(at) = authority.rfind('@') {
            return format!("{scheme}://{}{path}", &authority[at + 1..]);
        }
    }
    url.to_owned()
}

/// The current UTC time, RFC 3339 with whole seconds.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// A random 128-bit entry id, hex.
pub(crate) fn entry_id() -> String {
    use rand_core::RngCore;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Wraps a record's fields into an entry: schema version, type, timestamp, unique id, tool
/// version.
pub fn entry(kind: &str, body: &impl Serialize) -> Result<Value> {
    let body =
        serde_json::to_value(body).map_err(|e| Error::Usage(format!("ledger entry: {e}")))?;
    let mut obj = Map::new();
    obj.insert("v".into(), Value::from(SCHEMA_VERSION));
    obj.insert("type".into(), Value::from(kind));
    obj.insert("ts".into(), Value::from(now_rfc3339()));
    // Unique per entry: two identical runs in the same second are still two entries (and
    // two distinct commits on a git-ref ledger, so neither push can pass for the other).
    obj.insert("id".into(), Value::from(entry_id()));
    obj.insert(
        "tool".into(),
        Value::from(concat!("guardrail ", env!("CARGO_PKG_VERSION"))),
    );
    if let Value::Object(fields) = body {
        for (k, v) in fields {
            obj.insert(k, v);
        }
    }
    Ok(Value::Object(obj))
}

/// Appends one review decision. `spec` is the `--ledger` value: `None` for the default
/// `.git/guardrail/ledger.jsonl` of `repo`, a file path, or `git:REF`.
pub(crate) fn append_decision(
    spec: Option<&str>,
    repo: Option<&Repo>,
    rec: &DecisionRecord,
) -> Result<()> {
    let store = Store::resolve(spec, repo, None)?;
    store.append(&[entry("decision", rec)?])
}

/// The local review decisions (`forge: local`) recorded in the ledger `spec` names (see
/// [`append_decision`]), up to its first invalid entry; none when there is no ledger.
pub(crate) fn local_decisions(
    spec: Option<&str>,
    repo: Option<&Repo>,
) -> Result<Vec<DecisionRecord>> {
    if spec.is_none() && repo.is_none() {
        return Ok(Vec::new());
    }
    let store = Store::resolve(spec, repo, None)?;
    let snap = store.read()?;
    let (lines, _) = chain::verify_prefix(&snap.ledger);
    Ok(lines
        .into_iter()
        .filter(|l| l.entry.get("type").and_then(Value::as_str) == Some("decision"))
        .filter_map(|l| serde_json::from_value::<DecisionRecord>(l.entry).ok())
        .filter(|d| d.forge == "local")
        .collect())
}

/// Appends a run entry to the store `spec` names relative to `cwd`; `Ok(None)` when there is
/// nowhere to write (no `--ledger` and no repository), with the note to print.
pub fn append_run_in(
    spec: Option<&str>,
    repo: Option<&Repo>,
    cwd: &Path,
    rec: &RunRecord,
) -> Result<Option<String>> {
    if spec.is_none() && repo.is_none() {
        return Ok(Some(
            "not in a git repository and no --ledger given: this run was not recorded in the audit ledger".into(),
        ));
    }
    let store = Store::resolve(spec, repo, Some(cwd))?;
    store.append(&[entry("run", rec)?])?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_from_remote_urls() {
        assert_eq!(
            redact_url("https://gitlab-ci-token:glpat-xyz@gitlab.com/g/p.git"),
            "https://gitlab.com/g/p.git"
        );
        assert_eq!(
            redact_url("https://github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(
            redact_url("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }

    #[test]
    fn entries_carry_version_type_time_and_tool() {
        let rec = FindingRecord {
            fingerprint: "f".into(),
            rule: "r".into(),
            severity: "red".into(),
            path: "a.py".into(),
            line: Some(3),
        };
        let e = entry("test", &rec).unwrap();
        assert_eq!(e["v"], 1);
        assert_eq!(e["type"], "test");
        assert!(e["ts"].as_str().unwrap().ends_with('Z'));
        assert_eq!(e["line"], 3);
        assert!(canon::to_vec(&e).is_ok());
    }
}
