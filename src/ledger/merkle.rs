//! RFC 6962 / RFC 9162 Merkle tree over the ledger's entry hashes: leaf = SHA-256(0x00 ||
//! entry_hash), node = SHA-256(0x01 || left || right), the empty tree's root is SHA-256("").
//! Inclusion and consistency proofs are generated from the RFC's recursive definitions
//! (RFC 6962 §2.1.1, §2.1.2) and verified with RFC 9162's iterative algorithms (§2.1.3.2,
//! §2.1.4.2).

use sha2::{Digest, Sha256};

use super::chain::Hash;

/// The leaf hash of a datum (for the ledger: an entry's 32-byte chained hash).
pub(crate) fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// An interior node.
pub(crate) fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// MTH over leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]): the audit path of leaf `m` (0-based); `None` when `m` is out of range.
pub(crate) fn inclusion_proof(leaves: &[Hash], m: usize) -> Option<Vec<Hash>> {
    if m >= leaves.len() {
        return None;
    }
    let mut out = Vec::new();
    path(leaves, m, &mut out);
    Some(out)
}

fn path(d: &[Hash], m: usize, out: &mut Vec<Hash>) {
    let n = d.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(&d[..k], m, out);
        out.push(root(&d[k..]));
    } else {
        path(&d[k..], m - k, out);
        out.push(root(&d[..k]));
    }
}

/// PROOF(m, D[n]): the consistency proof from size `m` to `leaves.len()`; `None` unless
/// 1 ≤ m ≤ n. Empty when m = n.
pub(crate) fn consistency_proof(leaves: &[Hash], m: usize) -> Option<Vec<Hash>> {
    if m == 0 || m > leaves.len() {
        return None;
    }
    let mut out = Vec::new();
    if m < leaves.len() {
        subproof(m, leaves, true, &mut out);
    }
    Some(out)
}

fn subproof(m: usize, d: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = d.len();
    if m == n {
        if !complete {
            out.push(root(d));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &d[..k], complete, out);
        out.push(root(&d[k..]));
    } else {
        subproof(m - k, &d[k..], false, out);
        out.push(root(&d[..k]));
    }
}

/// RFC 9162 §2.1.3.2.
pub(crate) fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if leaf_index >= tree_size {
        return false;
    }
    let (mut f, mut s) = (leaf_index, tree_size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// RFC 9162 §2.1.4.2 (and size m = n: an empty proof between equal roots).
pub(crate) fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    if proof.is_empty() {
        return false;
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let mut fr = path[0];
    let mut sr = path[0];
    for c in &path[1..] {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *first_root && sr == *second_root && s == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn every_inclusion_and_consistency_proof_up_to_64_verifies() {
        let all = leaves(64);
        for n in 1..=64 {
            let d = &all[..n];
            let r = root(d);
            for m in 0..n {
                let p = inclusion_proof(d, m).unwrap();
                assert!(
                    verify_inclusion(m as u64, n as u64, &d[m], &p, &r),
                    "incl {m}/{n}"
                );
                assert!(!verify_inclusion(
                    m as u64,
                    n as u64,
                    &leaf_hash(b"x"),
                    &p,
                    &r
                ));
            }
            for m in 1..=n {
                let p = consistency_proof(d, m).unwrap();
                let old = root(&d[..m]);
                assert!(
                    verify_consistency(m as u64, n as u64, &old, &r, &p),
                    "cons {m}/{n}"
                );
                if m < n {
                    assert!(!verify_consistency(
                        m as u64,
                        n as u64,
                        &leaf_hash(b"x"),
                        &r,
                        &p
                    ));
                }
            }
        }
    }

    #[test]
    fn known_roots_match_rfc_structure() {
        let d = leaves(3);
        assert_eq!(root(&d), node_hash(&node_hash(&d[0], &d[1]), &d[2]));
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
