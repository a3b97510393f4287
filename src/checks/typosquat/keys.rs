//! How names are compared: each registry's normalization, the separator-free, look-alike,
//! word-order and affix-stripped keys, the deletion-variant hashes behind the edit-distance
//! look-up, and the rank limits of each signal.
//!
//! This file is compiled twice, as `checks::typosquat::keys` and into `build.rs` (with
//! `#[path]`), so that the index built at compile time and the run-time queries derive their keys
//! with the same code; it therefore uses `std` only.

/// Targets of edit-distance-1 signals must rank in this many names (by downloads): every ranked
/// name (typosquats of packages ranked 5,000–15,000 are common; the score keeps the weak kinds
/// of edit to the more popular targets).
pub(crate) const EDIT1_TOP: u32 = 15_000;
/// Targets of edit-distance-2 signals must rank in this many names.
pub(crate) const EDIT2_TOP: u32 = 1_000;
/// Names at least this long (separators dropped) may be at edit distance 2 of their target.
pub(crate) const EDIT2_MIN_LEN: usize = 10;
/// Targets of appended version digits must rank in this many names.
pub(crate) const STRICT_TOP: u32 = 1_000;
/// Targets of affix, word-order and scope signals must rank in this many names.
pub(crate) const AFFIX_TOP: u32 = 3_000;

/// Prefixes and suffixes that turn a popular name into a plausible-looking new one.
pub(crate) const PREFIXES: &[&str] = &[
    "python3-", "python3", "python-", "python", "py3-", "py3", "py-", "py", "node-", "rust-",
];
/// See [`PREFIXES`]. Digits (`2`, `3`) are typomania's version check.
pub(crate) const SUFFIXES: &[&str] = &["-js", ".js", "js", "-rs", "-py", "-python", "-dev", "-cli"];

/// Whose naming rules apply (the library maps its `Ecosystem` onto this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registry {
    /// crates.io.
    Crates,
    /// npm.
    Npm,
    /// PyPI.
    PyPI,
}

impl Registry {
    /// Stable code stored in the index header.
    pub(crate) fn code(self) -> u32 {
        match self {
            Registry::Crates => 1,
            Registry::Npm => 2,
            Registry::PyPI => 3,
        }
    }
}

/// The registry's own notion of "the same name": crates.io ignores case and `-`/`_`, PyPI
/// applies PEP 503 (case, runs of `-_.`), npm compares lowercase.
pub(crate) fn normalize(reg: Registry, name: &str) -> String {
    let lower = name.trim().to_lowercase();
    match reg {
        Registry::Crates => lower.replace('_', "-"),
        Registry::PyPI => {
            let mut out = String::with_capacity(lower.len());
            let mut prev_sep = false;
            for c in lower.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !prev_sep {
                        out.push('-');
                    }
                    prev_sep = true;
                } else {
                    out.push(c);
                    prev_sep = false;
                }
            }
            out
        }
        Registry::Npm => lower,
    }
}

/// Lowercase without `-`, `_`, `.` (npm scope markers kept).
pub(crate) fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// ASCII look-alikes folded together: `I`/`1`/`|` → `l`, `0` → `o`, `rn` → `m`, `vv` → `w`;
/// applied before lowercasing so `I` and `l` meet. Separators are dropped.
pub(crate) fn lookalike(name: &str) -> String {
    let mapped: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| match c {
            'I' | '1' | '|' => 'l',
            '0' => 'o',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    mapped.replace("rn", "m").replace("vv", "w")
}

/// npm `@scope/name` → (`scope`, `name`).
pub fn split_scope(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix('@')?;
    let (scope, tail) = rest.split_once('/')?;
    if scope.is_empty() || tail.is_empty() {
        return None;
    }
    Some((scope, tail))
}

/// The words of a normalized name (split at `-`, `_`, `.`; empty pieces dropped).
pub(crate) fn words(key: &str) -> Vec<&str> {
    key.split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of a normalized name in sorted order, joined by `-`: equal for names with the same
/// words in any order. None for a single word.
pub(crate) fn words_key(key: &str) -> Option<String> {
    let mut w = words(key);
    if w.len() < 2 {
        return None;
    }
    w.sort_unstable();
    Some(w.join("-"))
}

/// A popular normalized name with one known prefix or suffix removed (`python-dateutil` →
/// `dateutil`): what an affix-dropping squat would be called.
pub(crate) fn stripped_forms(key: &str) -> impl Iterator<Item = &str> + '_ {
    let pre = PREFIXES.iter().filter_map(move |p| {
        key.strip_prefix(p)
            .filter(|rest| rest.len() >= 4)
            .map(|rest| rest.trim_start_matches(['-', '_', '.']))
    });
    let suf = SUFFIXES.iter().filter_map(move |s| {
        key.strip_suffix(s)
            .filter(|rest| rest.len() >= 4)
            .map(|rest| rest.trim_end_matches(['-', '_', '.']))
    });
    pre.chain(suf)
}

/// Final mix (splitmix64), salted with a length, so the top bits (the index's bucket) depend on
/// every input bit.
fn finish(h: u64, len: usize) -> u64 {
    let mut z = h.wrapping_add((len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64-bit hash of a string key (FNV-1a, then `finish`). Not collision-resistant: every index
/// hit is confirmed against the name itself, so a crafted collision only costs a comparison.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    finish(h, s.len())
}

/// Odd base of the polynomial hash (odd: invertible modulo 2^64, so no information is lost).
const BASE: u64 = 0x100_0000_01b3;

/// Longest key [`deletion_hashes`] accepts; the prefix tables live on the stack.
pub(crate) const MAX_DELETION_LEN: usize = 256;

/// Hashes of every variant of `s` with up to `max` (≤ 2) bytes deleted, `s` itself included.
/// A polynomial hash `H(s) = Σ s[k]·B^(n-1-k)` composes from prefix and suffix hashes, so each
/// variant costs O(1) instead of O(n). Collisions only cost a distance computation later.
/// Keys longer than [`MAX_DELETION_LEN`] bytes yield nothing.
pub(crate) fn deletion_hashes(s: &str, max: usize, out: &mut Vec<u64>) {
    let b = s.as_bytes();
    let n = b.len();
    if n > MAX_DELETION_LEN {
        return;
    }
    // pow[k] = B^k; pre[k] = hash of b[..k]; suf[k] = Σ_{m≥k} b[m]·B^(n-1-m).
    let mut pow = [1u64; MAX_DELETION_LEN + 1];
    for k in 1..=n {
        pow[k] = pow[k - 1].wrapping_mul(BASE);
    }
    let mut pre = [0u64; MAX_DELETION_LEN + 1];
    for k in 0..n {
        pre[k + 1] = pre[k].wrapping_mul(BASE).wrapping_add(u64::from(b[k]) + 1);
    }
    let mut suf = [0u64; MAX_DELETION_LEN + 2];
    for k in (0..n).rev() {
        suf[k] = suf[k + 1].wrapping_add((u64::from(b[k]) + 1).wrapping_mul(pow[n - 1 - k]));
    }
    out.push(finish(pre[n], n));
    if max >= 1 {
        for i in 0..n {
            let h = pre[i].wrapping_mul(pow[n - 1 - i]).wrapping_add(suf[i + 1]);
            out.push(finish(h, n - 1));
        }
    }
    if max >= 2 && n >= 2 {
        for i in 0..n {
            for j in i + 1..n {
                let left = pre[i].wrapping_mul(pow[n - 2 - i]);
                let middle = pre[j]
                    .wrapping_sub(pre[i + 1].wrapping_mul(pow[j - 1 - i]))
                    .wrapping_mul(pow[n - 1 - j]);
                out.push(finish(
                    left.wrapping_add(middle).wrapping_add(suf[j + 1]),
                    n - 2,
                ));
            }
        }
    }
}
