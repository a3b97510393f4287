//! Proofs as JSON documents (what `ledger prove` / `ledger consistency` print and
//! `ledger verify-proof` and `tests/merkle_verify.py` check). Hashes are lowercase hex;
//! `leaf_index` is 0-based as in RFC 9162 (entry number − 1).

use serde_json::{json, Value};

use super::chain::Hash;
use super::merkle;

fn hexes(v: &[Hash]) -> Vec<String> {
    v.iter().map(hex::encode).collect()
}

/// Inclusion proof of entry `index` (0-based) in the tree of the first `size` entries, given
/// every entry's chained hash. `None` when out of range.
pub fn inclusion(entry_hashes: &[Hash], index: usize, size: usize) -> Option<Value> {
    if size > entry_hashes.len() || index >= size {
        return None;
    }
    let leaves: Vec<Hash> = entry_hashes[..size]
        .iter()
        .map(|h| merkle::leaf_hash(h))
        .collect();
    let path = merkle::inclusion_proof(&leaves, index)?;
    Some(json!({
        "type": "inclusion",
        "leaf_index": index,
        "tree_size": size,
        "entry_hash": hex::encode(entry_hashes[index]),
        "leaf_hash": hex::encode(leaves[index]),
        "root": hex::encode(merkle::root(&leaves)),
        "path": hexes(&path),
    }))
}

/// Consistency proof from the first `first` entries to the first `second`.
pub fn consistency(entry_hashes: &[Hash], first: usize, second: usize) -> Option<Value> {
    if second > entry_hashes.len() || first == 0 || first > second {
        return None;
    }
    let leaves: Vec<Hash> = entry_hashes[..second]
        .iter()
        .map(|h| merkle::leaf_hash(h))
        .collect();
    let path = merkle::consistency_proof(&leaves, first)?;
    Some(json!({
        "type": "consistency",
        "first": first,
        "second": second,
        "first_root": hex::encode(merkle::root(&leaves[..first])),
        "second_root": hex::encode(merkle::root(&leaves)),
        "path": hexes(&path),
    }))
}

/// What a proof document claims, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Whether the proof verifies.
    pub ok: bool,
    /// The claim, in words.
    pub claim: String,
    /// The (newer) root the proof leads to.
    pub root: Hash,
    /// For consistency proofs: the older root.
    pub old_root: Option<Hash>,
}

fn hash_field(v: &Value, k: &str) -> Result<Hash, String> {
    let s = v
        .get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing `{k}`"))?;
    parse_hash(s).map_err(|e| format!("`{k}`: {e}"))
}

/// A 64-digit hex hash.
pub fn parse_hash(s: &str) -> Result<Hash, String> {
    hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("`{s}` is not a 64-digit hex hash"))
}

fn u64_field(v: &Value, k: &str) -> Result<u64, String> {
    v.get(k)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("missing or invalid `{k}`"))
}

/// Checks a proof document; `Err` when it is malformed.
pub fn check(v: &Value) -> Result<Checked, String> {
    let path: Vec<Hash> = v
        .get("path")
        .and_then(Value::as_array)
        .ok_or("missing `path`")?
        .iter()
        .map(|h| {
            h.as_str()
                .ok_or_else(|| "`path` holds a non-string".to_owned())
                .and_then(parse_hash)
        })
        .collect::<Result<_, _>>()?;
    match v.get("type").and_then(Value::as_str) {
        Some("inclusion") => {
            let idx = u64_field(v, "leaf_index")?;
            let size = u64_field(v, "tree_size")?;
            let root = hash_field(v, "root")?;
            let leaf = match v.get("entry_hash") {
                Some(_) => {
                    let l = merkle::leaf_hash(&hash_field(v, "entry_hash")?);
                    if v.get("leaf_hash").is_some() && hash_field(v, "leaf_hash")? != l {
                        return Err("`leaf_hash` is not the leaf hash of `entry_hash`".into());
                    }
                    l
                }
                None => hash_field(v, "leaf_hash")?,
            };
            Ok(Checked {
                ok: merkle::verify_inclusion(idx, size, &leaf, &path, &root),
                claim: format!(
                    "entry {} is in the tree of {size} entries",
                    idx.saturating_add(1)
                ),
                root,
                old_root: None,
            })
        }
        Some("consistency") => {
            let m = u64_field(v, "first")?;
            let n = u64_field(v, "second")?;
            let r1 = hash_field(v, "first_root")?;
            let r2 = hash_field(v, "second_root")?;
            Ok(Checked {
                ok: merkle::verify_consistency(m, n, &r1, &r2, &path),
                claim: format!("the tree of {m} entries is a prefix of the tree of {n}"),
                root: r2,
                old_root: Some(r1),
            })
        }
        _ => Err("`type` must be `inclusion` or `consistency`".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_and_tampering_fails() {
        let hs: Vec<Hash> = (0..10u8).map(|i| [i; 32]).collect();
        let p = inclusion(&hs, 3, 7).unwrap();
        assert!(check(&p).unwrap().ok);
        let mut bad = p.clone();
        bad["leaf_index"] = json!(4);
        assert!(!check(&bad).unwrap().ok);
        let c = consistency(&hs, 3, 10).unwrap();
        assert!(check(&c).unwrap().ok);
        let mut bad = c.clone();
        bad["first"] = json!(4);
        assert!(!check(&bad).unwrap().ok);
        let mut bad = c.clone();
        bad["path"][0] = json!(hex::encode([7u8; 32]));
        assert!(!check(&bad).unwrap().ok);
        assert!(inclusion(&hs, 7, 7).is_none());
        assert!(check(&json!({"type": "x", "path": []})).is_err());
    }
}
