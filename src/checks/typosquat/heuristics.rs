//! Offline similarity heuristics: does a name that is *not* on an ecosystem's popular list
//! imitate one that is? Each hit is a named [`Signal`] in a [`Family`] (the finding's rule id).
//!
//! "Much more popular": the candidate is not on the list at all (so it ranks below ~15,000–20,000
//! by downloads) and the target ranks in the top [`EDIT1_TOP`] (edit distance 1, separators,
//! look-alikes), [`EDIT2_TOP`] (edit distance 2, names of [`EDIT2_MIN_LEN`]+ characters) or
//! [`AFFIX_TOP`] (affixes, word order, npm scopes). A name on the list is never a candidate, so
//! popular packages that resemble each other (`react`/`preact`) are never flagged.

use typomania::checks::{Check as _, Squat, Version};
use unicode_security::MixedScript;

mod affix;
mod digits;
mod scoring;

use affix::{affix_hits, bait_hits, bait_points, scope_hits};
use digits::{digit_edit, digit_readings, leet, READ_AS_LETTERS};
use scoring::{place_of, rank_points};
use scoring::{score, EditKind, Place};

use super::popular::{
    lookalike, normalize, split_scope, squash, Popular, AFFIX_TOP, EDIT1_TOP, EDIT2_MIN_LEN,
    EDIT2_TOP, STRICT_TOP,
};
use crate::ecosystem::Ecosystem;

/// Shortest normalized name that edit-distance signals consider (shorter names are a few
/// keystrokes from hundreds of real packages).
pub(crate) const MIN_EDIT_LEN: usize = 4;

/// Longest name compared (npm's own limit is 214 bytes): no typo of a popular name is longer,
/// and the deletion-variant look-up costs O(n³) in the name's length (a 10,000-byte name from a
/// hostile manifest took hours).
const MAX_NAME_LEN: usize = 214;

/// A signal family; each maps to one rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Unicode confusables, mixed scripts or ASCII look-alikes.
    Confusable,
    /// npm scope confusion.
    Scope,
    /// Only separators or case differ.
    Separator,
    /// A popular name with a prefix/suffix added or removed.
    Affix,
    /// Same words, other order.
    WordOrder,
    /// Damerau-Levenshtein distance 1 (2 for long names): typos, swaps, doubled/dropped letters.
    EditDistance,
}

impl Family {
    /// The finding's rule id.
    pub(crate) fn rule(self) -> &'static str {
        match self {
            Family::Confusable => "typosquat-confusable",
            Family::Scope => "typosquat-scope-confusion",
            Family::Separator => "typosquat-separator",
            Family::EditDistance => "typosquat-edit-distance",
            Family::WordOrder => "typosquat-word-order",
            Family::Affix => "typosquat-affix",
        }
    }
}

/// One named reason for suspicion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    /// Family (rule id).
    pub family: Family,
    /// Human-readable detail, e.g. "swapped adjacent letters `oi`".
    pub text: String,
}

/// What a suspicious name seems to imitate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspicion {
    /// The popular package it imitates (as published), when one was found.
    pub target: Option<String>,
    /// 1-based download rank of the target.
    pub target_rank: Option<u32>,
    /// Signals, strongest first; the first decides the rule id.
    pub signals: Vec<Signal>,
    /// The name cannot exist on the registry (non-ASCII): red.
    pub(crate) impossible: bool,
}

impl Suspicion {
    /// Rule id of the strongest signal.
    pub fn rule(&self) -> &'static str {
        self.signals
            .first()
            .map(|s| s.family.rule())
            .unwrap_or("typosquat-confusable")
    }
}

struct Hit {
    target: u32,
    signal: Signal,
}

fn hit(target: u32, family: Family, text: impl Into<String>) -> Hit {
    Hit {
        target,
        signal: Signal {
            family,
            text: text.into(),
        },
    }
}

const KEYBOARD: [&str; 4] = ["1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn key_pos(c: char) -> Option<(usize, usize)> {
    KEYBOARD
        .iter()
        .enumerate()
        .find_map(|(r, row)| row.find(c).map(|i| (r, i)))
}

/// Neighbouring keys on a QWERTY keyboard (rows staggered by about half a key).
pub(crate) fn keyboard_adjacent(a: char, b: char) -> bool {
    match (key_pos(a), key_pos(b)) {
        (Some((ra, ia)), Some((rb, ib))) => {
            if ra == rb {
                ia.abs_diff(ib) == 1
            } else if ra.abs_diff(rb) == 1 {
                // Lower rows sit half a key to the right of the row above.
                let (upper, lower) = if ra < rb { (ia, ib) } else { (ib, ia) };
                upper == lower || upper == lower + 1
            } else {
                false
            }
        }
        _ => false,
    }
}

fn is_sep(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

fn looks_alike(a: char, b: char) -> bool {
    let fold = |c: char| match c {
        'I' | 'i' | '1' | '|' | 'l' => 'l',
        '0' | 'o' | 'O' => 'o',
        c => c,
    };
    a != b && fold(a) == fold(b)
}

/// Whether `a` and `b` are exactly one Damerau-Levenshtein edit apart (one substitution,
/// insertion, deletion, or swap of adjacent bytes). Linear and allocation-free: strsim's general
/// distance allocates a matrix and a map per call, and every candidate of every name needs this.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let i = short
        .iter()
        .zip(long)
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    match long.len() - short.len() {
        0 if i == short.len() => false,
        0 => {
            short.get(i + 1..) == long.get(i + 1..)
                || (short.get(i) == long.get(i + 1)
                    && short.get(i + 1) == long.get(i)
                    && short.get(i + 2..) == long.get(i + 2..))
        }
        1 => short.get(i..) == long.get(i + 1..),
        _ => false,
    }
}

/// Minimum score of an edit-distance or affix hit (chosen on the real-data evaluation in
/// `bench/typosquat-real/`: the table in the README's typosquat section).
pub const SCORE_MIN: i32 = 4;

/// Names the single edit between `c` (candidate) and `t` (target), both normalized.
fn describe_edit(c: &str, t: &str) -> (Family, String, EditKind) {
    let cv: Vec<char> = c.chars().collect();
    let tv: Vec<char> = t.chars().collect();
    let first = cv
        .iter()
        .zip(&tv)
        .position(|(a, b)| a != b)
        .unwrap_or(cv.len().min(tv.len()));
    if cv.len() == tv.len() {
        let diffs: Vec<usize> = (0..cv.len()).filter(|&i| cv[i] != tv[i]).collect();
        if diffs.len() == 2
            && diffs[1] == diffs[0] + 1
            && cv[diffs[0]] == tv[diffs[1]]
            && cv[diffs[1]] == tv[diffs[0]]
        {
            let i = diffs[0];
            return (
                Family::EditDistance,
                format!(
                    "swapped adjacent letters (`{}{}` for `{}{}`)",
                    cv[i],
                    cv[i + 1],
                    tv[i],
                    tv[i + 1]
                ),
                EditKind::Swap,
            );
        }
        if diffs.len() == 1 {
            let (a, b) = (cv[first], tv[first]);
            if is_sep(a) && is_sep(b) {
                return (
                    Family::Separator,
                    format!("separator `{a}` for `{b}`"),
                    EditKind::Separator,
                );
            }
            if looks_alike(a, b) {
                return (
                    Family::Confusable,
                    format!("look-alike character `{a}` for `{b}`"),
                    EditKind::Lookalike,
                );
            }
            if a.is_ascii_digit() && leet(a) == Some(b) {
                return (
                    Family::Confusable,
                    format!("digit `{a}` for the letter `{b}` (leetspeak)"),
                    EditKind::Leet,
                );
            }
            if keyboard_adjacent(a, b) {
                return (
                    Family::EditDistance,
                    format!("keyboard typo (`{a}` for `{b}`)"),
                    EditKind::Keyboard,
                );
            }
            return (
                Family::EditDistance,
                format!("one letter changed (`{a}` for `{b}`)"),
                EditKind::Substituted,
            );
        }
    } else if cv.len() == tv.len() + 1 {
        let ch = cv[first];
        if is_sep(ch) {
            return (
                Family::Separator,
                format!("extra separator `{ch}`"),
                EditKind::Separator,
            );
        }
        let doubled = (first > 0 && cv[first - 1] == ch) || cv.get(first + 1) == Some(&ch);
        if doubled {
            return (
                Family::EditDistance,
                format!("doubled letter `{ch}`"),
                EditKind::Doubled,
            );
        }
        return (
            Family::EditDistance,
            format!("extra letter `{ch}`"),
            EditKind::Extra,
        );
    } else if cv.len() + 1 == tv.len() {
        let ch = tv[first];
        if is_sep(ch) {
            return (
                Family::Separator,
                format!("dropped separator `{ch}`"),
                EditKind::Separator,
            );
        }
        let doubled = (first > 0 && tv[first - 1] == ch) || tv.get(first + 1) == Some(&ch);
        if doubled {
            return (
                Family::EditDistance,
                format!("dropped one of a doubled letter `{ch}{ch}`"),
                EditKind::Doubled,
            );
        }
        return (
            Family::EditDistance,
            format!("dropped letter `{ch}`"),
            EditKind::Dropped,
        );
    }
    (
        Family::EditDistance,
        "two letters changed".to_owned(),
        EditKind::Two,
    )
}

/// typomania's corpus view of a popular list: variants it generates are looked up by the
/// registry's normalization, and only targets in the top [`AFFIX_TOP`] count.
struct Corpus {
    pop: &'static Popular,
}

struct NoAuthors;
impl typomania::AuthorSet for NoAuthors {
    fn contains(&self, _author: &str) -> bool {
        false
    }
}

/// Added dependencies carry no author data; typomania's "shared author" exemption never applies.
struct Anonymous;
impl typomania::Package for Anonymous {
    fn authors(&self) -> &dyn typomania::AuthorSet {
        &NoAuthors
    }
    fn description(&self) -> Option<&str> {
        None
    }
    fn shared_authors(&self, _other: &dyn typomania::AuthorSet) -> bool {
        false
    }
}

static ANONYMOUS: Anonymous = Anonymous;

impl typomania::Corpus for Corpus {
    fn contains_name(&self, name: &str) -> typomania::Result<bool> {
        Ok(self.pop.index_of(name).is_some())
    }
    fn get(&self, name: &str) -> typomania::Result<Option<&dyn typomania::Package>> {
        Ok(self
            .pop
            .index_of(name)
            .map(|_| &ANONYMOUS as &dyn typomania::Package))
    }
    fn possible_squat(
        &self,
        corpus_name: &str,
        _package_name: &str,
        _p: &dyn typomania::Package,
    ) -> typomania::Result<bool> {
        // The candidate itself is never on the list (checked first), so any hit is another name.
        Ok(self
            .pop
            .index_of(corpus_name)
            .is_some_and(|i| i < AFFIX_TOP))
    }
}

/// Checks one name against an ecosystem's popular list. None: not suspicious (or popular).
pub fn assess(pop: &'static Popular, name: &str) -> Option<Suspicion> {
    assess_inner(pop, name, false, SCORE_MIN)
}

/// For evaluation: checks a name as if it were not on the list (targets other than itself).
pub fn assess_held_out(pop: &'static Popular, name: &str) -> Option<Suspicion> {
    assess_inner(pop, name, true, SCORE_MIN)
}

/// For evaluation: [`assess`] with another minimum score for the scored signals (edit
/// distance, bait words), to measure what each threshold catches and costs.
pub fn assess_with_min_score(
    pop: &'static Popular,
    name: &str,
    held_out: bool,
    min: i32,
) -> Option<Suspicion> {
    assess_inner(pop, name, held_out, min)
}

fn assess_inner(pop: &'static Popular, name: &str, held_out: bool, min: i32) -> Option<Suspicion> {
    let eco = pop.ecosystem;
    let key = normalize(eco, name);
    let own = pop.index_of_key(&key);
    if key.is_empty() || key.len() > MAX_NAME_LEN || (own.is_some() && !held_out) {
        return None;
    }
    let mut hits: Vec<Hit> = Vec::new();
    let mut impossible = false;

    // Unicode: registries accept ASCII names only, so any other letter is either a homoglyph
    // attack or a name that cannot be installed from the registry.
    let work = if key.is_ascii() {
        key.clone()
    } else {
        impossible = true;
        let skel: String = unicode_security::skeleton(name.trim()).collect();
        let folded = normalize(eco, &skel);
        let odd: Vec<String> = name
            .chars()
            .filter(|c| !c.is_ascii())
            .map(|c| format!("`{c}` U+{:04X}", c as u32))
            .collect();
        let mixed = if name.trim().is_single_script() {
            ""
        } else {
            ", mixed scripts"
        };
        let text = format!(
            "non-ASCII look-alike characters ({}){mixed}",
            odd.join(", ")
        );
        if let Some(t) = pop
            .index_of_key(&folded)
            .or_else(|| pop.by_lookalike(&lookalike(&skel)))
        {
            hits.push(hit(t, Family::Confusable, text));
        } else {
            return Some(Suspicion {
                target: None,
                target_rank: None,
                signals: vec![Signal {
                    family: Family::Confusable,
                    text,
                }],
                impossible,
            });
        }
        folded
    };
    let ranked = pop.ranked();
    let within = |i: u32, top: u32| i < top.min(ranked);

    // ASCII look-alikes (l/I/1, 0/o, rn/m, vv/w).
    if let Some(t) = pop.by_lookalike(&lookalike(&work)) {
        if within(t, EDIT1_TOP) && squash(pop.name(t)) != squash(&work) {
            hits.push(hit(
                t,
                Family::Confusable,
                "ASCII look-alike characters (l/I/1, 0/o, rn/m, vv/w)",
            ));
        }
    }

    // Separators and case only.
    if let Some(t) = pop.by_squashed(&squash(&work)) {
        let place = Place {
            multi_word: true,
            ..Place::default()
        };
        if within(t, EDIT1_TOP)
            && normalize(eco, pop.name(t)) != work
            && score(EditKind::Separator, squash(&work).len(), t, place) >= min
        {
            hits.push(hit(
                t,
                Family::Separator,
                "differs only in separators (`-`, `_`, `.`) or case",
            ));
        }
    }

    if eco == Ecosystem::Npm {
        scope_hits(pop, &work, &mut hits);
    }

    // Edit distance, scored: the name as normalized, without separators, and with digits read
    // as letters or dropped; each target one edit away (two for long names) is scored.
    if work.is_ascii() && work.len() >= MIN_EDIT_LEN {
        edit_hits(pop, &work, min, &mut hits);
    }

    // Word order: a look-up of the sorted words (typomania's `SwappedWords` tries every
    // permutation, which for a hostile name of 100 words is 10^10 look-ups).
    // Scored like an affix: one point and the target's popularity (`ffmpeg-python` and
    // `python-ffmpeg` are both real).
    if let Some(t) = pop
        .by_word_order(&work)
        .filter(|&t| 1 + rank_points(t) >= min)
    {
        hits.push(hit(t, Family::WordOrder, "the same words in another order"));
    }

    // typomania: version suffixes.
    let corpus = Corpus { pop };
    for squat in Version
        .check(&corpus, &work, &ANONYMOUS)
        .into_iter()
        .flatten()
    {
        let Some(t) = pop.index_of(squat.package()) else {
            continue;
        };
        // Scored like an affix: forks with a version (`pypdf4`, `xlrd2`) are common.
        if matches!(squat, Squat::Version(_)) && t < STRICT_TOP && 1 + rank_points(t) >= min {
            hits.push(hit(t, Family::Affix, "a version number appended"));
        }
    }

    affix_hits(pop, &work, min, &mut hits);
    bait_hits(pop, &work, min, &mut hits);
    hits.retain(|h| Some(h.target) != own);
    if hits.is_empty() && !impossible {
        return curated_hit(eco, &work, min);
    }

    // Look-alikes, scopes and separators are specific; among the rest (edit distance, word
    // order, affixes) the most popular target is the likelier intent.
    let tier = |f: Family| u8::from(f > Family::Separator);
    let best = hits
        .iter()
        .min_by_key(|h| (tier(h.signal.family), h.target, h.signal.family))
        .map(|h| h.target)?;
    let mut signals: Vec<Signal> = Vec::new();
    let mut mine: Vec<&Hit> = hits.iter().filter(|h| h.target == best).collect();
    mine.sort_by_key(|h| h.signal.family);
    for h in mine {
        if !signals.contains(&h.signal) {
            signals.push(h.signal.clone());
        }
    }
    Some(Suspicion {
        target: Some(pop.name(best).to_owned()),
        target_rank: (best < ranked).then_some(best + 1),
        signals,
        impossible,
    })
}

/// Edit-distance hits of `work` (normalized, ASCII) that score at least `min` ([`SCORE_MIN`]).
fn edit_hits(pop: &Popular, work: &str, min: i32, hits: &mut Vec<Hit>) {
    let eco = pop.ecosystem;
    let ranked = pop.ranked();
    let sq = squash(work);
    // (spelling, squashed?, how it was read)
    // The normalized name is compared with normalized targets, its squashed spelling with
    // squashed targets (`babelplugintransformruntimy`), even when it has no separators.
    let mut probes: Vec<(String, bool, Option<&'static str>)> =
        vec![(work.to_owned(), false, None), (sq.clone(), true, None)];
    for (v, how) in digit_readings(work) {
        probes.push((v, true, Some(how)));
    }
    let near_sq = pop.near(&sq, false);
    let mut best: Vec<(u32, i32, Family, String)> = Vec::new();
    let mut consider = |t: u32, s: i32, family: Family, text: String| {
        if s < min {
            return;
        }
        match best.iter_mut().find(|b| b.0 == t) {
            Some(b) if b.1 >= s => {}
            Some(b) => *b = (t, s, family, text),
            None => best.push((t, s, family, text)),
        }
    };
    for (p, squashed, how) in &probes {
        if p.len() < MIN_EDIT_LEN {
            continue;
        }
        // The index holds separator-free spellings: look up the probe's (the name's own
        // squashed spelling once for both of its probes).
        let ps = squash(p);
        let fresh;
        let candidates: &[u32] = if ps == sq {
            &near_sq
        } else {
            fresh = pop.near(&ps, false);
            &fresh
        };
        for &t in candidates {
            if t >= EDIT1_TOP.min(ranked) {
                continue;
            }
            let name = pop.name(t);
            let tk = if *squashed {
                squash(name)
            } else {
                normalize(eco, name)
            };
            if tk.len() < MIN_EDIT_LEN {
                continue;
            }
            let read = how.map(|h| format!(" ({h})")).unwrap_or_default();
            if *p == tk {
                // Equal once digits are read as letters (or dropped): `crypt0graphy`.
                if how.is_some() {
                    // Read as letters: look-alikes (`0`, `1`) or leetspeak; dropped: a digit
                    // inserted into a word, like an extra letter (`python3-ldap` is real).
                    let kind = if *how != Some(READ_AS_LETTERS) {
                        EditKind::Extra
                    } else if work
                        .chars()
                        .all(|c| !c.is_ascii_digit() || matches!(c, '0' | '1'))
                    {
                        EditKind::Lookalike
                    } else {
                        EditKind::Leet
                    };
                    let s = score(kind, p.len(), t, Place::default());
                    consider(
                        t,
                        s,
                        Family::Confusable,
                        format!("digits used as letters or inserted into the name{read}"),
                    );
                }
                continue;
            }
            if !one_edit(p.as_bytes(), tk.as_bytes()) {
                continue;
            }
            // Digits that differ from the target's are versions or siblings
            // (`shiboken2`/`shiboken6`), not typos, unless they were read as letters.
            if how.is_none() && digit_edit(p, &tk) {
                continue;
            }
            let (family, text, kind) = describe_edit(p, &tk);
            let mut place = place_of(work, p, *squashed, &tk, kind);
            // In `@scope/name` only the name counts: the scope is shared context.
            let len = match (split_scope(p), split_scope(&tk)) {
                (Some((a, x)), Some((b, _))) if a == b => {
                    place.multi_word = true;
                    squash(x).len()
                }
                _ => squash(p).len(),
            };
            let mut s = score(kind, len, t, place);
            // A digit read as a letter on top of another edit is still deliberate.
            if *how == Some(READ_AS_LETTERS) {
                s += 1;
            }
            let sep = if *squashed && !matches!(kind, EditKind::Separator) {
                " (separators ignored)"
            } else {
                ""
            };
            consider(t, s, family, format!("edit distance 1: {text}{sep}{read}"));
        }
        if p.len() >= EDIT2_MIN_LEN {
            let ps = squash(p);
            for t in pop.near(&ps, true) {
                if t >= EDIT2_TOP.min(ranked) {
                    continue;
                }
                let tk = squash(pop.name(t));
                // Two edits inside the name part of a shared scope make another name.
                let same_scope_short = match (split_scope(&ps), split_scope(&tk)) {
                    (Some((a, x)), Some((b, _))) => a == b && x.len() < EDIT2_MIN_LEN,
                    _ => false,
                };
                if strsim::damerau_levenshtein(&ps, &tk) == 2
                    && !(how.is_none() && digit_edit(&ps, &tk))
                    && !same_scope_short
                {
                    let place = Place {
                        word_start: ps.as_bytes().first() != tk.as_bytes().first(),
                        ..Place::default()
                    };
                    let s = score(EditKind::Two, ps.len(), t, place);
                    let read = how.map(|h| format!(" ({h})")).unwrap_or_default();
                    consider(t, s, Family::EditDistance, format!("edit distance 2{read}"));
                }
            }
        }
    }
    for (t, s, family, text) in best {
        hits.push(hit(t, family, format!("{text}; score {s}")));
    }
}

static CURATED: &str = include_str!("../../../data/popular/curated.txt");

/// The curated targets of an ecosystem (`data/popular/curated.txt`): name and reason.
pub(crate) fn curated(eco: Ecosystem) -> impl Iterator<Item = (&'static str, &'static str)> {
    CURATED
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(move |l| {
            let mut f = l.split('\t');
            let (ecos, name, reason) = (f.next()?, f.next()?, f.next()?);
            ecos.split(',')
                .any(|e| e.trim() == eco.as_str())
                .then_some((name.trim(), reason.trim()))
        })
}

/// A name that imitates a curated target ([`curated`]): one edit (scored as if the target
/// ranked in the top 1,000), digits read as letters, or bait words.
fn curated_hit(eco: Ecosystem, work: &str, min: i32) -> Option<Suspicion> {
    const RANK: u32 = 500;
    let sq = squash(work);
    let mut readings: Vec<(String, Option<&'static str>)> = vec![(sq.clone(), None)];
    readings.extend(digit_readings(work).into_iter().map(|(v, h)| (v, Some(h))));
    for (name, reason) in curated(eco) {
        if sq == name {
            return None;
        }
        let mut found: Option<(i32, String)> = None;
        for (v, how) in &readings {
            let text = if v == name {
                let s = score(EditKind::Lookalike, v.len(), RANK, Place::default());
                (how.is_some() && s >= min)
                    .then(|| format!("digits used as letters ({})", how.unwrap_or_default()))
                    .map(|t| (s, t))
            } else if v.len() >= MIN_EDIT_LEN && one_edit(v.as_bytes(), name.as_bytes()) {
                let (_, text, kind) = describe_edit(v, name);
                let place = place_of(work, v, true, name, kind);
                let s = score(kind, v.len(), RANK, place);
                (s >= min).then(|| (s, format!("edit distance 1: {text}")))
            } else {
                None
            };
            if let Some((s, t)) = text {
                if found.as_ref().is_none_or(|f| f.0 < s) {
                    found = Some((s, format!("{t}; score {s}")));
                }
            }
        }
        // Bait words around the name (`bitcoin-lite`, `roblox-updated`).
        let words: Vec<&str> = work.split(is_sep).filter(|w| !w.is_empty()).collect();
        if words.len() >= 2 && words.contains(&name) {
            let others: Option<Vec<i32>> = words
                .iter()
                .filter(|w| **w != name)
                .map(|w| bait_points(w))
                .collect();
            if let Some(p) = others {
                let s = p.iter().sum::<i32>().min(5) + rank_points(RANK);
                if s >= min && found.as_ref().is_none_or(|f| f.0 < s) {
                    found = Some((s, format!("bait words added to the name; score {s}")));
                }
            }
        }
        if let Some((_, text)) = found {
            return Some(Suspicion {
                target: Some(name.to_owned()),
                target_rank: None,
                signals: vec![Signal {
                    family: Family::EditDistance,
                    text: format!("{text} (a curated target: {reason})"),
                }],
                impossible: false,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests;
