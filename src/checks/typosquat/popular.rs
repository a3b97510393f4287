//! The popular-package lists shipped inside the binary (`data/popular/`, see its README for
//! provenance) and the queries the heuristics make of them: registry-normalized names,
//! separator-free and look-alike skeletons, npm scopes, affix-stripped names, word order and
//! edit-distance neighbours.
//!
//! The lists are `include_str!` text and their indexes ([`index`]) are built by `build.rs` at
//! compile time and embedded with `include_bytes!`: nothing is read from disk or built at run
//! time, so the first query costs a header check. Every index hit is confirmed against the
//! name itself, since the index stores hashes, not keys.

use std::sync::OnceLock;

use super::index::{self, Index, Table};
use super::keys::{self, hash_str, Registry};
use crate::ecosystem::Ecosystem;

pub use super::keys::split_scope;
pub(crate) use super::keys::{
    deletion_hashes, lookalike, squash, AFFIX_TOP, EDIT1_TOP, EDIT2_MIN_LEN, EDIT2_TOP, PREFIXES,
    STRICT_TOP, SUFFIXES,
};

static CRATES: &str = include_str!("../../../data/popular/crates.txt");
static NPM: &str = include_str!("../../../data/popular/npm.txt");
static PYPI: &str = include_str!("../../../data/popular/pypi.txt");

static CRATES_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/popular-crates.idx"));
static NPM_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/popular-npm.idx"));
static PYPI_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/popular-pypi.idx"));

/// One ecosystem's popular names and the queries over them.
pub struct Popular {
    /// Which ecosystem.
    pub(crate) ecosystem: Ecosystem,
    reg: Registry,
    ix: Index<'static>,
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the tests only"))]
    prebuilt: bool,
}

/// The lists for an ecosystem (None for ecosystems without a list, e.g. Go).
pub fn get(eco: Ecosystem) -> Option<&'static Popular> {
    static C: OnceLock<Option<Popular>> = OnceLock::new();
    static N: OnceLock<Option<Popular>> = OnceLock::new();
    static P: OnceLock<Option<Popular>> = OnceLock::new();
    match eco {
        Ecosystem::CratesIo => C
            .get_or_init(|| Popular::load(eco, Registry::Crates, CRATES, CRATES_INDEX))
            .as_ref(),
        Ecosystem::Npm => N
            .get_or_init(|| Popular::load(eco, Registry::Npm, NPM, NPM_INDEX))
            .as_ref(),
        Ecosystem::PyPI => P
            .get_or_init(|| Popular::load(eco, Registry::PyPI, PYPI, PYPI_INDEX))
            .as_ref(),
        Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => None,
    }
}

fn registry(eco: Ecosystem) -> Registry {
    match eco {
        Ecosystem::CratesIo => Registry::Crates,
        Ecosystem::PyPI => Registry::PyPI,
        // npm and Go module paths compare lowercase.
        Ecosystem::Npm
        | Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => Registry::Npm,
    }
}

/// The registry's own notion of "the same name": crates.io ignores case and `-`/`_`, PyPI
/// applies PEP 503 (case, runs of `-_.`), npm compares lowercase.
pub fn normalize(eco: Ecosystem, name: &str) -> String {
    keys::normalize(registry(eco), name)
}

impl Popular {
    /// The embedded index, or (should it not match the embedded text) one built now: slower,
    /// never wrong.
    fn load(
        eco: Ecosystem,
        reg: Registry,
        text: &'static str,
        prebuilt: &'static [u8],
    ) -> Option<Popular> {
        if let Some(ix) = Index::open(prebuilt, text, reg) {
            return Some(Popular {
                ecosystem: eco,
                reg,
                ix,
                prebuilt: true,
            });
        }
        // Once per process and list: leaking keeps the `'static` view of the embedded case.
        let built: &'static [u8] = Box::leak(index::build(reg, text).into_boxed_slice());
        Index::open(built, text, reg).map(|ix| Popular {
            ecosystem: eco,
            reg,
            ix,
            prebuilt: false,
        })
    }

    #[cfg(test)]
    /// Whether the index came prebuilt with the binary (false: built at run time).
    pub(crate) fn prebuilt(&self) -> bool {
        self.prebuilt
    }

    /// Number of names on the list.
    pub fn len(&self) -> usize {
        self.ix.len() as usize
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.ix.is_empty()
    }

    /// How many names carry a download rank.
    pub fn ranked(&self) -> u32 {
        self.ix.ranked()
    }

    /// The name at an index, as published.
    pub fn name(&self, index: u32) -> &'static str {
        self.ix.name(index)
    }

    /// All names, most popular first.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        (0..self.ix.len()).map(|i| self.ix.name(i))
    }

    fn key_of(&self, i: u32) -> String {
        keys::normalize(self.reg, self.ix.name(i))
    }

    /// The most popular name among `table`'s candidates for `key` that `is` confirms.
    fn best(&self, table: Table, key: &str, is: impl Fn(u32) -> bool) -> Option<u32> {
        self.ix
            .candidates(table, hash_str(key))
            .filter(|&i| is(i))
            .min()
    }

    /// Index of a name on the list (registry-normalized comparison).
    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.index_of_key(&keys::normalize(self.reg, name))
    }

    /// Index of a normalized key.
    pub fn index_of_key(&self, key: &str) -> Option<u32> {
        self.best(Table::Keys, key, |i| self.key_of(i) == key)
    }

    /// Index of the most popular name with the same separator-free spelling.
    pub(crate) fn by_squashed(&self, squashed: &str) -> Option<u32> {
        self.best(Table::Squashed, squashed, |i| {
            squash(self.ix.name(i)) == squashed
        })
    }

    /// Index of the most popular name with the same look-alike skeleton.
    pub(crate) fn by_lookalike(&self, skeleton: &str) -> Option<u32> {
        // Names whose skeleton is their squashed spelling are only in the squashed table.
        let is = |i: u32| lookalike(self.ix.name(i)) == skeleton;
        let h = hash_str(skeleton);
        self.ix
            .candidates(Table::Lookalike, h)
            .chain(self.ix.candidates(Table::Squashed, h))
            .filter(|&i| is(i))
            .min()
    }

    /// npm: indexes of the ranked `@s/tail`, most popular first.
    pub(crate) fn by_scoped_tail(&self, tail: &str) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .ix
            .candidates(Table::ScopedTail, hash_str(tail))
            .filter(|&i| split_scope(&self.key_of(i)).is_some_and(|(_, t)| t == tail))
            .collect();
        out.sort_unstable();
        out
    }

    /// npm: index of the most popular `@s/x` whose `sx` (separators dropped) is `squashed`.
    pub(crate) fn by_scope_joined(&self, squashed: &str) -> Option<u32> {
        self.best(Table::ScopeJoined, squashed, |i| {
            split_scope(&self.key_of(i))
                .is_some_and(|(s, t)| squash(&format!("{s}{t}")) == squashed)
        })
    }

    /// npm: whether ranked packages use this scope.
    pub(crate) fn is_popular_scope(&self, scope: &str) -> bool {
        self.best(Table::Scopes, scope, |i| {
            split_scope(&self.key_of(i)).is_some_and(|(s, _)| s == scope)
        })
        .is_some()
    }

    /// Index of the most popular name that is `key` plus a known affix.
    pub(crate) fn by_stripped(&self, key: &str) -> Option<u32> {
        self.best(Table::Stripped, key, |i| {
            keys::stripped_forms(&self.key_of(i)).any(|f| f == key)
        })
    }

    /// Index of the most popular name with the same words as `key` in another order (`key`
    /// normalized).
    pub(crate) fn by_word_order(&self, key: &str) -> Option<u32> {
        let sorted = keys::words_key(key)?;
        let own = keys::words(key);
        self.best(Table::Words, &sorted, |i| {
            let k = self.key_of(i);
            keys::words_key(&k).as_deref() == Some(sorted.as_str()) && keys::words(&k) != own
        })
    }

    /// Indexes of targets that may be within edit distance 1 (or 2 when `two`) of `key`;
    /// candidates only, to be confirmed with a real distance.
    pub(crate) fn near(&self, key: &str, two: bool) -> Vec<u32> {
        let n = key.len();
        let mut hashes = Vec::with_capacity(if two { 1 + n + n * n / 2 } else { 1 + n });
        let mut out: Vec<u32> = Vec::new();
        let table = self.ix.table(if two { Table::Del2 } else { Table::Del1 });
        deletion_hashes(key, if two { 2 } else { 1 }, &mut hashes);
        for h in hashes {
            for i in table.candidates(h) {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }
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
    fn embedded_indexes_are_prebuilt_by_the_same_builder() {
        for (eco, reg, text, bytes) in [
            (Ecosystem::CratesIo, Registry::Crates, CRATES, CRATES_INDEX),
            (Ecosystem::Npm, Registry::Npm, NPM, NPM_INDEX),
            (Ecosystem::PyPI, Registry::PyPI, PYPI, PYPI_INDEX),
        ] {
            assert!(get(eco).unwrap().prebuilt(), "{eco:?}");
            assert!(
                index::build(reg, text) == bytes,
                "{eco:?}: build.rs output differs"
            );
        }
    }

    #[test]
    fn a_foreign_index_is_rebuilt_at_run_time() {
        let p = Popular::load(Ecosystem::PyPI, Registry::PyPI, PYPI, CRATES_INDEX).unwrap();
        assert!(!p.prebuilt());
        assert_eq!(p.name(0), "boto3");
        assert_eq!(
            p.index_of("Typing_Extensions"),
            get(Ecosystem::PyPI).unwrap().index_of("typing-extensions")
        );
    }

    #[test]
    fn index_rejects_images_of_other_lists() {
        let text = "#ranked 2\nfoo-bar\t12\nbaz\nunranked\n";
        let bytes = index::build(Registry::Npm, text);
        let ix = Index::open(&bytes, text, Registry::Npm).unwrap();
        assert_eq!((ix.len(), ix.ranked()), (3, 2));
        assert_eq!(
            (ix.name(0), ix.name(2), ix.name(3)),
            ("foo-bar", "unranked", "")
        );
        assert!(Index::open(
            &bytes,
            "#ranked 2\nfoo-bar\t12\nbaz\nunranked!\n",
            Registry::Npm
        )
        .is_none());
        assert!(Index::open(&bytes, text, Registry::PyPI).is_none());
        assert!(Index::open(&bytes[..bytes.len() - 4], text, Registry::Npm).is_none());
        assert!(Index::open(&bytes[..10], text, Registry::Npm).is_none());
        assert!(Index::open(&[], text, Registry::Npm).is_none());
    }

    /// The index against plain maps built from the text: every listed name, its squashed and
    /// look-alike spellings, and thousands of unlisted variants give the same answers.
    #[test]
    fn queries_agree_with_plain_maps() {
        use std::collections::HashMap;
        for eco in [Ecosystem::CratesIo, Ecosystem::Npm] {
            let p = get(eco).unwrap();
            let names: Vec<&str> = p.names().collect();
            let (mut keys, mut sq, mut look) = (HashMap::new(), HashMap::new(), HashMap::new());
            let (mut stripped, mut words) = (HashMap::new(), HashMap::new());
            for (i, n) in names.iter().enumerate() {
                let i = i as u32;
                let k = normalize(eco, n);
                keys.entry(k.clone()).or_insert(i);
                sq.entry(squash(n)).or_insert(i);
                look.entry(lookalike(n)).or_insert(i);
                if i < AFFIX_TOP {
                    for f in keys::stripped_forms(&k) {
                        stripped.entry(f.to_owned()).or_insert(i);
                    }
                    if let Some(w) = keys::words_key(&k) {
                        words.entry(w).or_insert_with(Vec::new).push(i);
                    }
                }
            }
            let mut probes: Vec<String> = Vec::new();
            for n in names.iter().step_by(3) {
                let k = normalize(eco, n);
                probes.push(k.clone());
                probes.push(format!("{k}x"));
                probes.push(k.chars().rev().collect());
                probes.push(squash(n));
                probes.push(lookalike(n));
                probes.push(k.replace('l', "1"));
            }
            for q in &probes {
                assert_eq!(p.index_of_key(q), keys.get(q).copied(), "{eco:?} key {q}");
                assert_eq!(p.by_squashed(q), sq.get(q).copied(), "{eco:?} squashed {q}");
                assert_eq!(
                    p.by_lookalike(q),
                    look.get(q).copied(),
                    "{eco:?} look-alike {q}"
                );
                assert_eq!(
                    p.by_stripped(q),
                    stripped.get(q).copied(),
                    "{eco:?} stripped {q}"
                );
                let by_words = keys::words_key(q).and_then(|w| {
                    words.get(&w)?.iter().copied().find(|&i| {
                        keys::words(&normalize(eco, names[i as usize])) != keys::words(q)
                    })
                });
                assert_eq!(p.by_word_order(q), by_words, "{eco:?} words {q}");
            }
        }
    }

    #[test]
    fn npm_scope_queries() {
        let n = get(Ecosystem::Npm).unwrap();
        let node = n.index_of("@types/node").unwrap();
        assert!(n.by_scoped_tail("node").contains(&node));
        assert_eq!(n.by_scope_joined("typesnode"), Some(node));
        assert!(n.is_popular_scope("babel"));
        assert!(!n.is_popular_scope("typse"));
        assert!(n.by_scoped_tail("zzzz-not-a-package").is_empty());
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
