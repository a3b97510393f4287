//! Whole-ledger verification: the hash chain line by line, every checkpoint's root against the
//! Merkle tree recomputed at its size, and checkpoint signatures against given keys.

use super::chain::{self, Hash, Invalid, Line};
use super::checkpoint::{self, Checkpoint, Verifier};
use super::merkle;
use super::store::Snapshot;

/// What a successful verification covered.
#[derive(Debug, Clone)]
pub struct Report {
    /// Entries verified.
    pub entries: usize,
    /// Checkpoints whose root matched.
    pub checkpoints: usize,
    /// Signatures verified against the given keys.
    pub signatures: usize,
    /// Merkle root of the whole ledger.
    pub root: Hash,
    /// Caveats (e.g. signatures not checked for want of a key).
    pub notes: Vec<String>,
    /// Entries covered by the largest checkpoint.
    pub(crate) covered: usize,
}

/// The Merkle leaves of verified lines.
pub fn leaves(lines: &[Line]) -> Vec<Hash> {
    lines.iter().map(|l| merkle::leaf_hash(&l.hash)).collect()
}

/// What a verification with keys demands of checkpoint coverage.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    /// Entries older than this (by their `ts`) must be covered by a signed checkpoint.
    pub window: time::Duration,
    /// The time to measure the window from.
    pub now: time::OffsetDateTime,
}

impl Default for Coverage {
    /// Seven days from now: a ledger signed at least weekly verifies.
    fn default() -> Self {
        Coverage {
            window: time::Duration::days(7),
            now: time::OffsetDateTime::now_utc(),
        }
    }
}

/// Verifies a ledger and its checkpoints. With `keys`, every checkpoint must carry a valid
/// signature by one of them; without, signatures are not checked (and a note says so).
/// With keys, checkpoints are required (see [`verify_covered`]) with the default window.
pub fn verify(s: &Snapshot, keys: &[Verifier]) -> Result<Report, Invalid> {
    verify_covered(s, keys, &Coverage::default())
}

/// [`verify`] with a given coverage window. With `keys`, a ledger with entries must have
/// signed checkpoints (a rewrite with recomputed hashes and the checkpoints file deleted
/// verifies as a chain, but not as a signed ledger), and every entry older than the window
/// must be covered by one.
pub fn verify_covered(
    s: &Snapshot,
    keys: &[Verifier],
    cover: &Coverage,
) -> Result<Report, Invalid> {
    let report = verify_unrequired(s, keys)?;
    if keys.is_empty() || report.entries == 0 {
        return Ok(report);
    }
    if report.checkpoints == 0 {
        return Err(Invalid {
            line: None,
            message: format!(
                "no signed checkpoints, yet --pubkey was given: a ledger verified with a key must be covered by checkpoints signed with it ({} entries uncovered; the checkpoints file is missing or empty)",
                report.entries
            ),
        });
    }
    let covered = report.covered;
    let lines = chain::verify(&s.ledger)?;
    let limit = cover.now - cover.window;
    for l in lines.iter().skip(covered) {
        let ts = l
            .entry
            .get("ts")
            .and_then(serde_json::Value::as_str)
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            });
        if ts.is_none_or(|t| t < limit) {
            return Err(Invalid {
                line: Some(l.number),
                message: format!(
                    "not covered by a signed checkpoint although older than the checkpoint window ({}); the last checkpoint covers {covered} entries",
                    describe_window(cover.window)
                ),
            });
        }
    }
    Ok(report)
}

fn describe_window(d: time::Duration) -> String {
    let s = d.whole_seconds();
    if s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s % 3_600 == 0 {
        format!("{}h", s / 3_600)
    } else {
        format!("{s}s")
    }
}

fn verify_unrequired(s: &Snapshot, keys: &[Verifier]) -> Result<Report, Invalid> {
    let lines = chain::verify(&s.ledger)?;
    let leaves = leaves(&lines);
    let text = std::str::from_utf8(&s.checkpoints).map_err(|_| Invalid {
        line: None,
        message: "checkpoints file is not valid UTF-8".into(),
    })?;
    let cps = checkpoint::parse_all(text).map_err(|(n, m)| Invalid {
        line: None,
        message: format!("checkpoint {n}: {m}"),
    })?;
    let mut signatures = 0;
    // Largest size a checkpoint vouched for so far, to narrow where a rewrite began.
    let mut good_upto = 0u64;
    for (i, cp) in cps.iter().enumerate() {
        let n = i + 1;
        check_root(cp, n, &leaves, good_upto)?;
        good_upto = good_upto.max(cp.size);
        if !keys.is_empty() {
            signatures += check_signatures(cp, n, keys)?;
        }
    }
    let mut notes = Vec::new();
    if keys.is_empty() && !cps.is_empty() {
        notes.push("checkpoint signatures not checked: pass --pubkey KEY to check them".into());
    }
    if let Some(last) = cps.iter().map(|c| c.size).max() {
        if (last as usize) < lines.len() {
            notes.push(format!(
                "entries {}..{} are not yet covered by a signed checkpoint",
                last + 1,
                lines.len()
            ));
        }
    } else if !lines.is_empty() {
        notes.push("no checkpoints: only the hash chain was checked".into());
    }
    Ok(Report {
        entries: lines.len(),
        checkpoints: cps.len(),
        signatures,
        root: merkle::root(&leaves),
        notes,
        covered: cps.iter().map(|c| c.size as usize).max().unwrap_or(0),
    })
}

fn check_root(cp: &Checkpoint, n: usize, leaves: &[Hash], good_upto: u64) -> Result<(), Invalid> {
    if cp.size > leaves.len() as u64 {
        return Err(Invalid {
            line: Some(leaves.len() + 1),
            message: format!(
                "missing: checkpoint {n} covers {} entries but the ledger has only {} (entries {}..{} were removed or the file truncated)",
                cp.size,
                leaves.len(),
                leaves.len() + 1,
                cp.size
            ),
        });
    }
    let root = merkle::root(&leaves[..cp.size as usize]);
    if root != cp.root {
        let from = good_upto.min(cp.size) + 1;
        return Err(Invalid {
            line: Some(from as usize),
            message: format!(
                "checkpoint {n} (size {}) does not match the ledger: an entry between {from} and {} was rewritten after the checkpoint was made",
                cp.size, cp.size
            ),
        });
    }
    Ok(())
}

fn check_signatures(cp: &Checkpoint, n: usize, keys: &[Verifier]) -> Result<usize, Invalid> {
    let mut ok = 0;
    for k in keys {
        match cp.verify(k) {
            Some(true) => ok += 1,
            Some(false) => {
                return Err(Invalid {
                    line: None,
                    message: format!("checkpoint {n}: bad signature by key {}", k.name),
                })
            }
            None => {}
        }
    }
    if ok == 0 {
        return Err(Invalid {
            line: None,
            message: format!("checkpoint {n}: not signed by any of the given keys"),
        });
    }
    Ok(ok)
}
