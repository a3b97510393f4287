//! The popular-package lists shipped inside the binary (`data/popular/`, see its README for
//! provenance) and the indexes the heuristics query: normalized names, separator-free and
//! look-alike skeletons, npm scopes, affix-stripped names and a deletion index for edit distance.
//!
//! Indexes are built once per ecosystem, on first use, from `include_str!` text; nothing is read
//! from disk at run time.

use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::deps::Ecosystem;

/// FxHash (rustc's hasher): the keys are short, trusted strings compiled into the binary, so a
/// DoS-resistant hasher buys nothing and costs most of the index build time.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fx>>;
type HashSet<K> = StdHashSet<K, BuildHasherDefault<Fx>>;

static CRATES: &str = include_str!("../../../data/popular/crates.txt");
static NPM: &str = include_str!("../../../data/popular/npm.txt");
static PYPI: &str = include_str!("../../../data/popular/pypi.txt");

/// Targets of edit-distance-1 signals must rank in this many names (by downloads).
pub const EDIT1_TOP: u32 = 5_000;
/// Targets of edit-distance-2 signals (long names only) must rank in this many names.
pub const EDIT2_TOP: u32 = 500;
/// Names at least this long (normalized) may be at edit distance 2 of their target.
pub const EDIT2_MIN_LEN: usize = 12;
/// Targets of a plain one-letter substitution (not a keyboard neighbour or look-alike) and of
/// appended version digits must rank in this many names.
pub const STRICT_TOP: u32 = 1_000;
/// Targets of affix, word-order and scope signals must rank in this many names.
pub const AFFIX_TOP: u32 = 3_000;

/// Prefixes and suffixes that turn a popular name into a plausible-looking new one.
pub const PREFIXES: &[&str] = &["python-", "python", "py-", "py", "node-", "rust-"];
/// See [`PREFIXES`]. Digits (`2`, `3`) are typomania's version check.
pub const SUFFIXES: &[&str] = &["-js", ".js", "js", "-rs", "-py", "-python", "-dev", "-cli"];

/// One ecosystem's popular names and the indexes over them.
pub struct Popular {
    /// Which ecosystem.
    pub ecosystem: Ecosystem,
    /// Names as published, most popular first (index = rank - 1).
    names: Vec<&'static str>,
    /// How many leading names carry a download rank (the rest are listed but unranked).
    ranked: u32,
    /// Normalized name → index.
    keys: HashMap<String, u32>,
    /// Name without separators → index (most popular wins).
    squashed: HashMap<String, u32>,
    /// ASCII look-alike skeleton → index.
    lookalike: HashMap<String, u32>,
    /// npm: `x` of a popular `@s/x` → indexes of every such `@s/x`, most popular first.
    scoped_tail: HashMap<String, Vec<u32>>,
    /// npm: `@s/x` squashed to `sx` → index (flattened scopes such as `types-node`).
    scope_joined: HashMap<String, u32>,
    /// npm: scopes of popular scoped packages.
    scopes: HashSet<String>,
    /// A popular name with one known prefix/suffix removed → index (e.g. `dateutil`).
    stripped: HashMap<String, u32>,
    /// Deletion variants (0 or 1 deletions) of edit-distance targets.
    del1: DeletionIndex,
    /// Same, 0 to 2 deletions, for long top targets.
    del2: DeletionIndex,
}

/// FNV hash of a deletion variant → the targets that have it: a hash table over ranges of one
/// flat array (a binary search over the pairs cost a cache miss per step, and long names probe
/// a hundred variants).
#[derive(Default)]
struct DeletionIndex {
    ranges: HashMap<u64, (u32, u32)>,
    targets: Vec<u32>,
}

impl DeletionIndex {
    fn build(mut pairs: Vec<(u64, u32)>) -> DeletionIndex {
        pairs.sort_unstable();
        pairs.dedup();
        let mut ix = DeletionIndex {
            ranges: HashMap::with_capacity_and_hasher(pairs.len(), Default::default()),
            targets: Vec::with_capacity(pairs.len()),
        };
        let mut i = 0;
        while i < pairs.len() {
            let h = pairs[i].0;
            let start = ix.targets.len() as u32;
            while i < pairs.len() && pairs[i].0 == h {
                ix.targets.push(pairs[i].1);
                i += 1;
            }
            ix.ranges
                .insert(h, (start, ix.targets.len() as u32 - start));
        }
        ix
    }

    fn get(&self, h: u64) -> &[u32] {
        match self.ranges.get(&h) {
            Some(&(start, len)) => self
                .targets
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }
}

/// The lists for an ecosystem (None for ecosystems without a list, e.g. Go).
pub fn get(eco: Ecosystem) -> Option<&'static Popular> {
    static C: OnceLock<Popular> = OnceLock::new();
    static N: OnceLock<Popular> = OnceLock::new();
    static P: OnceLock<Popular> = OnceLock::new();
    match eco {
        Ecosystem::CratesIo => Some(C.get_or_init(|| Popular::build(eco, CRATES))),
        Ecosystem::Npm => Some(N.get_or_init(|| Popular::build(eco, NPM))),
        Ecosystem::PyPI => Some(P.get_or_init(|| Popular::build(eco, PYPI))),
        Ecosystem::Go => None,
    }
}

/// The registry's own notion of "the same name": crates.io ignores case and `-`/`_`, PyPI
/// applies PEP 503 (case, runs of `-_.`), npm compares lowercase.
pub fn normalize(eco: Ecosystem, name: &str) -> String {
    let lower = name.trim().to_lowercase();
    match eco {
        Ecosystem::CratesIo => lower.replace('_', "-"),
        Ecosystem::PyPI => {
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
        Ecosystem::Npm | Ecosystem::Go => lower,
    }
}

/// Lowercase without `-`, `_`, `.` (npm scope markers kept).
pub fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// ASCII look-alikes folded together: `I`/`1`/`|` → `l`, `0` → `o`, `rn` → `m`, `vv` → `w`;
/// applied before lowercasing so `I` and `l` meet. Separators are dropped.
pub fn lookalike(name: &str) -> String {
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

/// Odd base of the polynomial hash (odd: invertible modulo 2^64, so no information is lost).
const BASE: u64 = 0x100_0000_01b3;

/// Final mix (splitmix64), salted with the variant's length.
fn finish(h: u64, len: usize) -> u64 {
    let mut z = h.wrapping_add((len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes of every variant of `s` with up to `max` (≤ 2) bytes deleted, `s` itself included.
/// A polynomial hash H(s) = Σ s[k]·B^(n-1-k) composes from prefix and suffix hashes, so each
/// variant costs O(1) instead of O(n). Collisions only cost a distance computation later.
pub fn deletion_hashes(s: &str, max: usize, out: &mut Vec<u64>) {
    let b = s.as_bytes();
    let n = b.len();
    // pow[k] = B^k; pre[k] = hash of b[..k]; suf[k] = Σ_{m≥k} b[m]·B^(n-1-m).
    let mut pow = vec![1u64; n + 1];
    for k in 1..=n {
        pow[k] = pow[k - 1].wrapping_mul(BASE);
    }
    let mut pre = vec![0u64; n + 1];
    for k in 0..n {
        pre[k + 1] = pre[k].wrapping_mul(BASE).wrapping_add(u64::from(b[k]) + 1);
    }
    let mut suf = vec![0u64; n + 2];
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

impl Popular {
    fn build(eco: Ecosystem, text: &'static str) -> Popular {
        let mut names = Vec::new();
        let mut ranked = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("#ranked ") {
                ranked = rest.trim().parse::<u32>().ok();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let name = line.split('\t').next().unwrap_or(line).trim();
            names.push(name);
        }
        let total = names.len() as u32;
        let mut p = Popular {
            ecosystem: eco,
            names,
            ranked: ranked.unwrap_or(total).min(total),
            keys: HashMap::with_capacity_and_hasher(total as usize, Default::default()),
            squashed: HashMap::with_capacity_and_hasher(total as usize, Default::default()),
            lookalike: HashMap::with_capacity_and_hasher(total as usize, Default::default()),
            scoped_tail: HashMap::default(),
            scopes: HashSet::default(),
            scope_joined: HashMap::default(),
            stripped: HashMap::default(),
            del1: DeletionIndex::default(),
            del2: DeletionIndex::default(),
        };
        let mut pairs1: Vec<(u64, u32)> = Vec::new();
        let mut pairs2: Vec<(u64, u32)> = Vec::new();
        let mut buf = Vec::new();
        for (i, name) in p.names.iter().enumerate() {
            let i = i as u32;
            let key = normalize(eco, name);
            p.keys.entry(key.clone()).or_insert(i);
            p.squashed.entry(squash(name)).or_insert(i);
            p.lookalike.entry(lookalike(name)).or_insert(i);
            if i >= p.ranked {
                continue;
            }
            if eco == Ecosystem::Npm {
                if let Some((scope, tail)) = split_scope(&key) {
                    p.scopes.insert(scope.to_owned());
                    p.scoped_tail.entry(tail.to_owned()).or_default().push(i);
                    p.scope_joined
                        .entry(squash(&format!("{scope}{tail}")))
                        .or_insert(i);
                }
            }
            if i < AFFIX_TOP {
                for pre in PREFIXES {
                    if let Some(rest) = key.strip_prefix(pre) {
                        if rest.len() >= 4 {
                            p.stripped
                                .entry(rest.trim_start_matches(['-', '_', '.']).to_owned())
                                .or_insert(i);
                        }
                    }
                }
                for suf in SUFFIXES {
                    if let Some(rest) = key.strip_suffix(suf) {
                        if rest.len() >= 4 {
                            p.stripped
                                .entry(rest.trim_end_matches(['-', '_', '.']).to_owned())
                                .or_insert(i);
                        }
                    }
                }
            }
            if i < EDIT1_TOP && key.is_ascii() {
                buf.clear();
                deletion_hashes(&key, 1, &mut buf);
                pairs1.extend(buf.iter().map(|h| (*h, i)));
            }
            if i < EDIT2_TOP && key.is_ascii() && key.len() >= EDIT2_MIN_LEN - 2 {
                buf.clear();
                deletion_hashes(&key, 2, &mut buf);
                pairs2.extend(buf.iter().map(|h| (*h, i)));
            }
        }
        p.del1 = DeletionIndex::build(pairs1);
        p.del2 = DeletionIndex::build(pairs2);
        p
    }

    /// Number of names on the list.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// How many names carry a download rank.
    pub fn ranked(&self) -> u32 {
        self.ranked
    }

    /// The name at an index, as published.
    pub fn name(&self, index: u32) -> &'static str {
        self.names.get(index as usize).copied().unwrap_or("")
    }

    /// All names, most popular first.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    /// Index of a name on the list (registry-normalized comparison).
    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.keys.get(&normalize(self.ecosystem, name)).copied()
    }

    /// Index of a normalized key.
    pub fn index_of_key(&self, key: &str) -> Option<u32> {
        self.keys.get(key).copied()
    }

    /// Index of the most popular name with the same separator-free spelling.
    pub fn by_squashed(&self, squashed: &str) -> Option<u32> {
        self.squashed.get(squashed).copied()
    }

    /// Index of the most popular name with the same look-alike skeleton.
    pub fn by_lookalike(&self, skeleton: &str) -> Option<u32> {
        self.lookalike.get(skeleton).copied()
    }

    /// npm: indexes of the popular `@s/tail`, most popular first.
    pub fn by_scoped_tail(&self, tail: &str) -> &[u32] {
        self.scoped_tail.get(tail).map(Vec::as_slice).unwrap_or(&[])
    }

    /// npm: index of the most popular `@s/x` whose `sx` (separators dropped) is `squashed`.
    pub fn by_scope_joined(&self, squashed: &str) -> Option<u32> {
        self.scope_joined.get(squashed).copied()
    }

    /// npm: whether popular packages use this scope.
    pub fn is_popular_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// Index of the most popular name that is `key` plus a known affix.
    pub fn by_stripped(&self, key: &str) -> Option<u32> {
        self.stripped.get(key).copied()
    }

    /// Indexes of targets that may be within edit distance 1 (or 2 when `two`) of `key`;
    /// candidates only, to be confirmed with a real distance.
    pub fn near(&self, key: &str, two: bool) -> Vec<u32> {
        let mut hashes = Vec::new();
        let mut out = Vec::new();
        let table = if two { &self.del2 } else { &self.del1 };
        deletion_hashes(key, if two { 2 } else { 1 }, &mut hashes);
        for h in hashes {
            for i in table.get(h) {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
        }
        out.sort_unstable();
        out
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_with_ranks() {
        let c = get(Ecosystem::CratesIo).unwrap();
        assert_eq!(c.ranked(), 20_000);
        assert!(c.len() > 23_000);
        assert_eq!(c.name(0), "syn");
        assert!(c.index_of("serde_json").unwrap() < 100);
        assert_eq!(c.index_of("serde-json"), c.index_of("serde_json"));
        let p = get(Ecosystem::PyPI).unwrap();
        assert_eq!(p.name(0), "boto3");
        assert_eq!(
            p.index_of("Typing_Extensions"),
            p.index_of("typing-extensions")
        );
        assert!(p.index_of("typing-extensions").is_some());
        let n = get(Ecosystem::Npm).unwrap();
        assert!(n.index_of("lodash").unwrap() < 200);
        assert!(n.index_of("@types/node").is_some());
        assert!(n.is_popular_scope("types"));
        assert!(get(Ecosystem::Go).is_none());
    }

    #[test]
    fn normalization_follows_each_registry() {
        assert_eq!(normalize(Ecosystem::PyPI, "Foo__Bar.baz"), "foo-bar-baz");
        assert_eq!(normalize(Ecosystem::CratesIo, "Serde_JSON"), "serde-json");
        assert_eq!(normalize(Ecosystem::Npm, "lodash.merge"), "lodash.merge");
        assert_eq!(lookalike("Iodash"), "lodash");
        assert_eq!(lookalike("c0rn"), "com");
        assert_eq!(squash("python-date_util"), "pythondateutil");
    }

    #[test]
    fn deletion_hashes_match_hashes_of_the_deleted_strings() {
        let word = "serde-json";
        let mut all = Vec::new();
        deletion_hashes(word, 2, &mut all);
        let direct = |s: String| {
            let mut v = Vec::new();
            deletion_hashes(&s, 0, &mut v);
            v[0]
        };
        let chars: Vec<char> = word.chars().collect();
        let mut k = 1;
        for i in 0..chars.len() {
            let s: String = chars
                .iter()
                .enumerate()
                .filter(|(x, _)| *x != i)
                .map(|(_, c)| c)
                .collect();
            assert_eq!(all[k], direct(s));
            k += 1;
        }
        for i in 0..chars.len() {
            for j in i + 1..chars.len() {
                let s: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(x, _)| *x != i && *x != j)
                    .map(|(_, c)| c)
                    .collect();
                assert_eq!(all[k], direct(s), "{i} {j}");
                k += 1;
            }
        }
        assert_eq!(k, all.len());
    }

    #[test]
    fn deletion_index_finds_neighbours() {
        let c = get(Ecosystem::CratesIo).unwrap();
        let tokio = c.index_of("tokio").unwrap();
        assert!(c.near("tokoi", false).contains(&tokio));
        assert!(c.near("toko", false).contains(&tokio));
        assert!(!c.near("zzzzz", false).contains(&tokio));
    }
}
