//! The popular-list index: a flat little-endian `u32` image that is queried in place. `build.rs`
//! builds one per shipped list at compile time and the binary embeds it (`include_bytes!`), so
//! a `check` pays nothing to load it; [`build`] is also the run-time fallback for a list that
//! arrives without one.
//!
//! Layout (in `u32` words): a header (magic, version, registry, text length, names, ranked
//! names, value bits `v`, then offset and length of every table), one word per name (byte
//! offset into the list's text << 8 | length), then one table per [`Table`]. A table maps the
//! 64-bit hash of a key to the indexes of the names that have that key: `bits`, `buckets`,
//! `f` and a Bloom filter of 2^`f` bits (`f` = 0: none; only the deletion tables have one), a
//! bucket directory of `buckets + 1` start positions (bucket = the hash's top `bits` bits), then
//! one word per entry, sorted by hash and index: the hash's low `32 - v` bits above the name
//! index's `v` bits. About 5.5 bytes per entry (6.5 with a filter). Keys themselves are not stored: callers confirm
//! each hit against the name (see `popular.rs`), so a hash collision costs one comparison, never
//! a wrong answer.
//!
//! Like `keys.rs`, this file is also compiled into `build.rs` and uses `std` only.

use super::keys::{
    deletion_hashes, hash_str, lookalike, normalize, split_scope, squash, stripped_forms,
    words_key, Registry, AFFIX_TOP, EDIT1_TOP, EDIT2_MIN_LEN, EDIT2_TOP,
};

const MAGIC: u32 = 0x4752_5431; // "GRT1"
const VERSION: u32 = 3;

/// The tables of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// Registry-normalized name (every name).
    Keys,
    /// [`squash`]ed name (every name).
    Squashed,
    /// [`lookalike`] skeleton of the names where it differs from the [`squash`]ed name (for
    /// the others, [`Table::Squashed`] holds the same key).
    Lookalike,
    /// [`stripped_forms`] of ranked names in the top [`AFFIX_TOP`].
    Stripped,
    /// [`words_key`] of ranked names in the top [`AFFIX_TOP`].
    Words,
    /// npm: scope of a ranked scoped name.
    Scopes,
    /// npm: name part of a ranked `@scope/name`.
    ScopedTail,
    /// npm: `@scope/name` squashed to `scopename`, ranked names.
    ScopeJoined,
    /// Deletion variants (0 or 1 deletions) of the [`squash`]ed spelling of ASCII names in the
    /// top [`EDIT1_TOP`].
    Del1,
    /// Deletion variants (0 to 2 deletions) of the [`squash`]ed spelling of long ASCII names in
    /// the top [`EDIT2_TOP`].
    Del2,
}

const TABLES: usize = 10;
const ALL: [Table; TABLES] = [
    Table::Keys,
    Table::Squashed,
    Table::Lookalike,
    Table::Stripped,
    Table::Words,
    Table::Scopes,
    Table::ScopedTail,
    Table::ScopeJoined,
    Table::Del1,
    Table::Del2,
];
/// Header words before the table directory.
const HEAD: usize = 7;
/// Longest name indexed (npm's limit is 214 bytes; the length has 8 bits).
const MAX_NAME: usize = 255;
/// Longest list text indexed (the offset has 24 bits).
const MAX_TEXT: usize = 1 << 24;
/// First word of the names section.
const NAMES: usize = HEAD + 2 * TABLES;
/// Average entries per bucket the builder aims at (a look-up scans one bucket).
const PER_BUCKET: usize = 4;
/// Bloom-filter bits per entry of the deletion tables (one hash: about 12% false positives).
const FILTER_BITS_PER_ENTRY: usize = 8;

/// One parsed list: names as byte ranges of the text, and how many carry a rank.
fn parse(text: &str) -> (Vec<(usize, usize)>, u32) {
    let mut names = Vec::new();
    let mut ranked = None;
    let base = text.as_ptr() as usize;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#ranked ") {
            ranked = rest.trim().parse::<u32>().ok();
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let name = line.split('\t').next().unwrap_or(line).trim();
        // `name` is a subslice of `text`: its address gives its offset.
        let start = name.as_ptr() as usize - base;
        if start + name.len() > MAX_TEXT {
            break;
        }
        if name.len() <= MAX_NAME {
            names.push((start, start + name.len()));
        }
    }
    let total = names.len() as u32;
    (names, ranked.unwrap_or(total).min(total))
}

/// Builds the index of a list (one name per line, most popular first, `#` comments, `#ranked N`;
/// a tab ends the name).
pub(crate) fn build(reg: Registry, text: &str) -> Vec<u8> {
    let (names, ranked) = parse(text);
    let mut pairs: Vec<Vec<(u64, u32)>> = vec![Vec::new(); TABLES];
    let mut push = |t: Table, h: u64, i: u32| pairs[t as usize].push((h, i));
    let mut buf = Vec::new();
    for (i, &(start, end)) in names.iter().enumerate() {
        let i = i as u32;
        let name = text.get(start..end).unwrap_or("");
        let key = normalize(reg, name);
        push(Table::Keys, hash_str(&key), i);
        let (sq, look) = (squash(name), lookalike(name));
        if look != sq {
            push(Table::Lookalike, hash_str(&look), i);
        }
        push(Table::Squashed, hash_str(&sq), i);
        if i >= ranked {
            continue;
        }
        if reg == Registry::Npm {
            if let Some((scope, tail)) = split_scope(&key) {
                push(Table::Scopes, hash_str(scope), i);
                push(Table::ScopedTail, hash_str(tail), i);
                push(
                    Table::ScopeJoined,
                    hash_str(&squash(&format!("{scope}{tail}"))),
                    i,
                );
            }
        }
        if i < AFFIX_TOP {
            for form in stripped_forms(&key) {
                push(Table::Stripped, hash_str(form), i);
            }
            if let Some(w) = words_key(&key) {
                push(Table::Words, hash_str(&w), i);
            }
        }
        // Deletion variants of the separator-free spelling (`babelplugintransformruntime`):
        // a one-letter edit of the name is one of its squashed spelling too, and typos of
        // names run together are found as well.
        let squashed = squash(&key);
        if i < EDIT1_TOP && key.is_ascii() {
            buf.clear();
            deletion_hashes(&squashed, 1, &mut buf);
            for h in &buf {
                push(Table::Del1, *h, i);
            }
        }
        if i < EDIT2_TOP && key.is_ascii() && squashed.len() >= EDIT2_MIN_LEN - 2 {
            buf.clear();
            deletion_hashes(&squashed, 2, &mut buf);
            for h in &buf {
                push(Table::Del2, *h, i);
            }
        }
    }

    let mut words: Vec<u32> = vec![
        MAGIC,
        VERSION,
        reg.code(),
        text.len() as u32,
        names.len() as u32,
        ranked,
        value_bits(names.len()),
    ];
    let vbits = value_bits(names.len());
    words.resize(NAMES, 0);
    for &(start, end) in &names {
        words.push((start as u32) << 8 | (end - start) as u32);
    }
    for (t, mut p) in pairs.into_iter().enumerate() {
        p.sort_unstable();
        p.dedup();
        let offset = words.len();
        let buckets = (p.len() / PER_BUCKET).max(1).next_power_of_two();
        let bits = buckets.trailing_zeros();
        words.push(bits);
        words.push(buckets as u32);
        // The deletion tables get a one-hash Bloom filter of about 8 bits per entry: a name
        // probes them a hundred times, nearly always in vain, and one bit in a small bitmap
        // costs less than a directory and an entry read in a large table.
        let fbits = if matches!(ALL[t], Table::Del1 | Table::Del2) {
            (p.len() * FILTER_BITS_PER_ENTRY)
                .max(32)
                .next_power_of_two()
                .trailing_zeros()
        } else {
            0
        };
        words.push(fbits);
        if fbits > 0 {
            let start = words.len();
            words.resize(start + (1 << (fbits - 5)), 0);
            for &(h, _) in &p {
                let bit = filter_bit(h, fbits);
                words[start + bit / 32] |= 1 << (bit % 32);
            }
        }
        let mut k = 0;
        for b in 0..=buckets {
            while k < p.len() && bucket(p[k].0, bits) < b {
                k += 1;
            }
            words.push(k as u32);
        }
        for (h, i) in p {
            words.push(fingerprint(h, vbits) | i);
        }
        words[HEAD + 2 * t] = offset as u32;
        words[HEAD + 2 * t + 1] = (words.len() - offset) as u32;
    }
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Bloom-filter bit of a hash in a filter of 2^`fbits` bits (bits the bucket and fingerprint
/// do not use).
fn filter_bit(h: u64, fbits: u32) -> usize {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - fbits)) as usize
}

/// Bits that hold a name index (at least 1).
fn value_bits(names: usize) -> u32 {
    (usize::BITS - names.leading_zeros()).max(1)
}

/// The hash bits an entry keeps, above its `vbits` value bits.
fn fingerprint(h: u64, vbits: u32) -> u32 {
    (h as u32).checked_shl(vbits).unwrap_or(0)
}

fn bucket(h: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (h >> (64 - bits)) as usize
    }
}

/// A read-only view of an index over its list's text.
#[derive(Clone, Copy)]
pub(crate) struct Index<'a> {
    bytes: &'a [u8],
    text: &'a str,
    len: u32,
    ranked: u32,
    vbits: u32,
}

impl<'a> Index<'a> {
    /// Opens an index built by [`build`] from exactly `text` for `reg`; None when the image does
    /// not belong to them or is cut short.
    pub(crate) fn open(bytes: &'a [u8], text: &'a str, reg: Registry) -> Option<Index<'a>> {
        let ix = Index {
            bytes,
            text,
            len: 0,
            ranked: 0,
            vbits: 0,
        };
        let words = bytes.len() / 4;
        if !bytes.len().is_multiple_of(4)
            || words < NAMES
            || ix.word(0) != MAGIC
            || ix.word(1) != VERSION
            || ix.word(2) != reg.code()
            || ix.word(3) as usize != text.len()
        {
            return None;
        }
        let len = ix.word(4);
        let vbits = ix.word(6);
        if NAMES + len as usize > words || vbits != value_bits(len as usize) {
            return None;
        }
        for t in 0..TABLES {
            let (off, n) = (ix.word(HEAD + 2 * t) as usize, ix.word(HEAD + 2 * t + 1));
            if off < NAMES || off + n as usize > words {
                return None;
            }
        }
        Some(Index {
            len,
            ranked: ix.word(5).min(len),
            vbits,
            ..ix
        })
    }

    /// Word `i`, 0 past the end (never panics; [`Index::open`] checked the sections).
    fn word(&self, i: usize) -> u32 {
        self.bytes
            .get(i * 4..i * 4 + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes)
    }

    /// Number of names.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// Whether the list has no names.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many leading names carry a download rank.
    pub(crate) fn ranked(&self) -> u32 {
        self.ranked
    }

    /// Name `i` as published ("" past the end).
    pub(crate) fn name(&self, i: u32) -> &'a str {
        if i >= self.len {
            return "";
        }
        let w = self.word(NAMES + i as usize) as usize;
        let (start, len) = (w >> 8, w & 0xff);
        self.text.get(start..start + len).unwrap_or("")
    }

    /// Indexes of the names whose key in `table` may hash to `h`; candidates, to be confirmed
    /// against the name.
    pub(crate) fn candidates(&self, table: Table, h: u64) -> Candidates<'a> {
        self.table(table).candidates(h)
    }

    /// One table, its header read once (for many look-ups in a row).
    pub(crate) fn table(&self, table: Table) -> TableView<'a> {
        let off = self.word(HEAD + 2 * table as usize) as usize;
        let fbits = self.word(off + 2).min(32);
        let filter = off + 3;
        let dir = if fbits >= 5 {
            filter + (1 << (fbits - 5))
        } else {
            filter
        };
        let buckets = self.word(off + 1) as usize;
        TableView {
            ix: *self,
            bits: self.word(off),
            buckets,
            fbits,
            filter,
            dir,
            entries: dir + buckets + 1,
        }
    }
}

/// A table of an [`Index`], see [`Index::table`].
#[derive(Clone, Copy)]
pub(crate) struct TableView<'a> {
    ix: Index<'a>,
    bits: u32,
    buckets: usize,
    fbits: u32,
    filter: usize,
    dir: usize,
    entries: usize,
}

impl<'a> TableView<'a> {
    /// Indexes of the names whose key may hash to `h`.
    pub(crate) fn candidates(&self, h: u64) -> Candidates<'a> {
        let mut c = Candidates {
            ix: self.ix,
            entries: self.entries,
            next: 0,
            end: 0,
            fp: fingerprint(h, self.ix.vbits),
            mask: u32::MAX.checked_shl(self.ix.vbits).unwrap_or(0),
        };
        if self.fbits >= 5 {
            let bit = filter_bit(h, self.fbits);
            if self.ix.word(self.filter + bit / 32) & (1 << (bit % 32)) == 0 {
                return c;
            }
        }
        let b = bucket(h, self.bits).min(self.buckets);
        c.next = self.ix.word(self.dir + b) as usize;
        c.end = self.ix.word(self.dir + b + 1) as usize;
        c
    }
}

/// Iterator of [`Index::candidates`].
pub(crate) struct Candidates<'a> {
    ix: Index<'a>,
    entries: usize,
    next: usize,
    end: usize,
    fp: u32,
    mask: u32,
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        while self.next < self.end {
            let e = self.ix.word(self.entries + self.next);
            self.next += 1;
            if e & self.mask == self.fp {
                return Some(e & !self.mask);
            }
        }
        None
    }
}
