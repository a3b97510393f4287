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
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
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
    /// FNV hash of each deletion variant (0 or 1 deletions) of targets → index; sorted.
    del1: Vec<(u64, u32)>,
    /// Same, 0 to 2 deletions, for long top targets; sorted.
    del2: Vec<(u64, u32)>,
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

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `s` with the bytes at `skip` (sorted positions) left out.
fn hash_skipping(s: &[u8], skip: &[usize]) -> u64 {
    let mut h = FNV_OFFSET;
    for (i, b) in s.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    // Mix in the length so variants of different lengths rarely collide.
    h ^= (s.len() - skip.len()) as u64;
    h.wrapping_mul(FNV_PRIME)
}

/// Hashes of every variant of `s` with up to `max` bytes deleted (including `s` itself).
pub fn deletion_hashes(s: &str, max: usize, out: &mut Vec<u64>) {
    let b = s.as_bytes();
    out.push(hash_skipping(b, &[]));
    if max >= 1 {
        for i in 0..b.len() {
            out.push(hash_skipping(b, &[i]));
        }
    }
    if max >= 2 {
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                out.push(hash_skipping(b, &[i, j]));
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
            del1: Vec::new(),
            del2: Vec::new(),
        };
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
                p.del1.extend(buf.iter().map(|h| (*h, i)));
            }
            if i < EDIT2_TOP && key.is_ascii() && key.len() >= EDIT2_MIN_LEN - 2 {
                buf.clear();
                deletion_hashes(&key, 2, &mut buf);
                p.del2.extend(buf.iter().map(|h| (*h, i)));
            }
        }
        p.del1.sort_unstable();
        p.del1.dedup();
        p.del2.sort_unstable();
        p.del2.dedup();
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
            let start = table.partition_point(|(x, _)| *x < h);
            for (x, i) in &table[start..] {
                if *x != h {
                    break;
                }
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
    fn deletion_index_finds_neighbours() {
        let c = get(Ecosystem::CratesIo).unwrap();
        let tokio = c.index_of("tokio").unwrap();
        assert!(c.near("tokoi", false).contains(&tokio));
        assert!(c.near("toko", false).contains(&tokio));
        assert!(!c.near("zzzzz", false).contains(&tokio));
    }
}
