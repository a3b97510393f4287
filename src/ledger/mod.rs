//! The audit ledger: hash chain, Merkle tree, signed checkpoints, file and git storage.

use serde::{Deserialize, Serialize};

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
    /// Why a decision was refused (for `refused`).
    pub refused_because: Option<String>,
}
