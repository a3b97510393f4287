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
pub const MIN_EDIT_LEN: usize = 4;

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
    pub fn rule(self) -> &'static str {
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
    pub impossible: bool,
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
pub fn keyboard_adjacent(a: char, b: char) -> bool {
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

/// Names the single edit between `c` (candidate) and `t` (target), both normalized; the flag is
/// true for a plain substitution (not a keyboard neighbour, look-alike or separator).
fn describe_edit(c: &str, t: &str) -> (Family, String, bool) {
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
                false,
            );
        }
        if diffs.len() == 1 {
            let (a, b) = (cv[first], tv[first]);
            if is_sep(a) && is_sep(b) {
                return (
                    Family::Separator,
                    format!("separator `{a}` for `{b}`"),
                    false,
                );
            }
            if looks_alike(a, b) {
                return (
                    Family::Confusable,
                    format!("look-alike character `{a}` for `{b}`"),
                    false,
                );
            }
            if keyboard_adjacent(a, b) {
                return (
                    Family::EditDistance,
                    format!("keyboard typo (`{a}` for `{b}`)"),
                    false,
                );
            }
            return (
                Family::EditDistance,
                format!("one letter changed (`{a}` for `{b}`)"),
                true,
            );
        }
    } else if cv.len() == tv.len() + 1 {
        let ch = cv[first];
        if is_sep(ch) {
            return (Family::Separator, format!("extra separator `{ch}`"), false);
        }
        let doubled = (first > 0 && cv[first - 1] == ch) || cv.get(first + 1) == Some(&ch);
        if doubled {
            return (
                Family::EditDistance,
                format!("doubled letter `{ch}`"),
                false,
            );
        }
        return (Family::EditDistance, format!("extra letter `{ch}`"), true);
    } else if cv.len() + 1 == tv.len() {
        let ch = tv[first];
        if is_sep(ch) {
            return (
                Family::Separator,
                format!("dropped separator `{ch}`"),
                false,
            );
        }
        let doubled = (first > 0 && tv[first - 1] == ch) || tv.get(first + 1) == Some(&ch);
        if doubled {
            return (
                Family::EditDistance,
                format!("dropped one of a doubled letter `{ch}{ch}`"),
                false,
            );
        }
        return (Family::EditDistance, format!("dropped letter `{ch}`"), true);
    }
    (
        Family::EditDistance,
        "two letters changed (long name)".to_owned(),
        true,
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
    assess_inner(pop, name, false)
}

/// For evaluation: checks a name as if it were not on the list (targets other than itself).
pub fn assess_held_out(pop: &'static Popular, name: &str) -> Option<Suspicion> {
    assess_inner(pop, name, true)
}

fn assess_inner(pop: &'static Popular, name: &str, held_out: bool) -> Option<Suspicion> {
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
        if within(t, EDIT1_TOP) && normalize(eco, pop.name(t)) != work {
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

    // Edit distance.
    if work.is_ascii() && work.len() >= MIN_EDIT_LEN {
        for t in pop.near(&work, false) {
            let tk = normalize(eco, pop.name(t));
            if within(t, EDIT1_TOP)
                && tk.len() >= MIN_EDIT_LEN
                && one_edit(work.as_bytes(), tk.as_bytes())
            {
                let (family, text, plain) = describe_edit(&work, &tk);
                // Digits are versions (`shiboken2`/`shiboken6`), and a plain substitution in a
                // short name is usually another word (`argc`/`argh`): only against the very top.
                if digit_edit(&work, &tk) || (plain && (work.len() < 6 || !within(t, STRICT_TOP))) {
                    continue;
                }
                hits.push(hit(t, family, format!("edit distance 1: {text}")));
            }
        }
        if work.len() >= EDIT2_MIN_LEN {
            for t in pop.near(&work, true) {
                let tk = normalize(eco, pop.name(t));
                if within(t, EDIT2_TOP) && strsim::damerau_levenshtein(&work, &tk) == 2 {
                    hits.push(hit(t, Family::EditDistance, "edit distance 2 (long name)"));
                }
            }
        }
    }

    // Word order: a look-up of the sorted words (typomania's `SwappedWords` tries every
    // permutation, which for a hostile name of 100 words is 10^10 look-ups).
    if let Some(t) = pop.by_word_order(&work) {
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
        if matches!(squat, Squat::Version(_)) && t < STRICT_TOP {
            hits.push(hit(t, Family::Affix, "a version number appended"));
        }
    }

    affix_hits(pop, &work, &mut hits);
    hits.retain(|h| Some(h.target) != own);

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
        if t < AFFIX_TOP.min(ranked) && work.len() >= 5 {
            hits.push(hit(
                t,
                Family::Scope,
                format!("an unscoped copy of `{}`", pop.name(t)),
            ));
        }
    }
}

fn affix_hits(pop: &Popular, work: &str, hits: &mut Vec<Hit>) {
    let top = AFFIX_TOP.min(pop.ranked());
    for pre in PREFIXES {
        if let Some(rest) = work.strip_prefix(pre) {
            let rest = rest.trim_start_matches(['-', '_', '.']);
            if rest.len() >= 3 {
                if let Some(t) = pop.index_of_key(rest).filter(|&t| t < top) {
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
                if let Some(t) = pop.index_of_key(rest).filter(|&t| t < top) {
                    hits.push(hit(t, Family::Affix, format!("suffix `{suf}` added")));
                }
            }
        }
    }
    if work.len() >= 5 {
        if let Some(t) = pop.by_stripped(work) {
            let full = normalize(pop.ecosystem, pop.name(t));
            let affix = if let Some(p) = full.strip_suffix(work) {
                format!("prefix `{p}`")
            } else if let Some(s) = full.strip_prefix(work) {
                format!("suffix `{s}`")
            } else {
                "an affix".to_owned()
            };
            hits.push(hit(t, Family::Affix, format!("{affix} dropped")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::typosquat::popular::get;

    fn check(eco: Ecosystem, name: &str) -> Option<Suspicion> {
        assess(get(eco).unwrap(), name)
    }

    fn target(eco: Ecosystem, name: &str) -> (String, &'static str) {
        let s = check(eco, name).unwrap_or_else(|| panic!("{name} not flagged"));
        (s.target.clone().unwrap_or_default(), s.rule())
    }

    #[test]
    fn very_long_names_are_not_compared() {
        // Regression (hostile corpus): a 10,000-byte dependency name made the deletion-variant
        // look-up run for hours; past the length limit it is not compared at all.
        let long = format!("{}s", "lodash".repeat(2_000));
        assert!(check(Ecosystem::Npm, &long).is_none());
        assert!(check(Ecosystem::PyPI, &long).is_none());
    }

    #[test]
    fn many_words_are_one_look_up() {
        // Regression: typomania's `SwappedWords` tried every 5-permutation of the words, ~10^9
        // look-ups for this name; the sorted-words key makes it one.
        let many: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
        let name = many.join("-");
        assert!(name.len() <= 214);
        assert!(check(Ecosystem::CratesIo, &name).is_none());
        let (t, rule) = target(Ecosystem::PyPI, "extensions-typing");
        assert_eq!(
            (t.as_str(), rule),
            ("typing-extensions", "typosquat-word-order")
        );
        // Only separators differ: a separator signal, not word order.
        let s = check(Ecosystem::CratesIo, "serde.json").unwrap();
        assert_eq!(s.rule(), "typosquat-separator");
        assert!(
            s.signals.iter().all(|x| x.family != Family::WordOrder),
            "{:?}",
            s.signals
        );
    }

    #[test]
    fn done_when_names_hit_their_targets() {
        assert_eq!(
            target(Ecosystem::PyPI, "urlib3"),
            ("urllib3".into(), "typosquat-edit-distance")
        );
        assert_eq!(
            target(Ecosystem::Npm, "loadsh"),
            ("lodash".into(), "typosquat-edit-distance")
        );
        assert_eq!(
            target(Ecosystem::CratesIo, "tokoi"),
            ("tokio".into(), "typosquat-edit-distance")
        );
        let s = check(Ecosystem::CratesIo, "s\u{0435}rde").unwrap();
        assert_eq!(s.target.as_deref(), Some("serde"));
        assert_eq!(s.rule(), "typosquat-confusable");
        assert!(s.impossible);
        assert!(s.signals[0].text.contains("U+0435"), "{:?}", s.signals);
    }

    #[test]
    fn popular_names_are_never_candidates() {
        for (eco, name) in [
            (Ecosystem::PyPI, "numpy"),
            (Ecosystem::Npm, "lodash"),
            (Ecosystem::CratesIo, "serde_json"),
            (Ecosystem::CratesIo, "serde-json"),
            (Ecosystem::PyPI, "typing-extensions"),
            (Ecosystem::PyPI, "Typing_Extensions"),
            (Ecosystem::Npm, "preact"),
            (Ecosystem::Npm, "react"),
            (Ecosystem::Npm, "chai"),
            (Ecosystem::Npm, "chalk"),
        ] {
            assert!(
                check(eco, name).is_none(),
                "{name} flagged: {:?}",
                check(eco, name)
            );
        }
    }

    #[test]
    fn each_technique_is_named() {
        let sig = |eco, n: &str| {
            let s = check(eco, n).unwrap_or_else(|| panic!("{n} not flagged"));
            (
                s.target.unwrap_or_default(),
                s.signals
                    .iter()
                    .map(|s| s.text.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                s.signals[0].family,
            )
        };
        let (t, text, _) = sig(Ecosystem::Npm, "expresss");
        assert_eq!(t, "express");
        assert!(text.contains("doubled letter `s`"), "{text}");
        let (t, text, _) = sig(Ecosystem::PyPI, "reqests");
        assert_eq!(t, "requests");
        assert!(text.contains("dropped letter `u`"), "{text}");
        let (t, text, _) = sig(Ecosystem::PyPI, "requesta");
        assert_eq!(t, "requests");
        assert!(text.contains("keyboard typo"), "{text}");
        let (t, _, fam) = sig(Ecosystem::PyPI, "scikitlearn");
        assert_eq!((t.as_str(), fam), ("scikit-learn", Family::Separator));
        let (t, _, fam) = sig(Ecosystem::Npm, "1odash");
        assert_eq!((t.as_str(), fam), ("lodash", Family::Confusable));
        let (t, _, fam) = sig(Ecosystem::Npm, "lodash-js");
        assert_eq!((t.as_str(), fam), ("lodash", Family::Affix));
        let (t, _, fam) = sig(Ecosystem::PyPI, "python-requests");
        assert_eq!((t.as_str(), fam), ("requests", Family::Affix));
        let (t, _, fam) = sig(Ecosystem::CratesIo, "serde-rs");
        assert_eq!((t.as_str(), fam), ("serde", Family::Affix));
        let (t, text, fam) = sig(Ecosystem::PyPI, "requests2");
        assert_eq!((t.as_str(), fam), ("requests", Family::Affix));
        assert!(text.contains("version"), "{text}");
        let (t, _, fam) = sig(Ecosystem::CratesIo, "json-serde");
        assert_eq!((t.as_str(), fam), ("serde_json", Family::WordOrder));
        let (t, _, fam) = sig(Ecosystem::Npm, "types-node");
        assert_eq!((t.as_str(), fam), ("@types/node", Family::Scope));
        let (t, _, fam) = sig(Ecosystem::Npm, "@typse/node");
        assert_eq!((t.as_str(), fam), ("@types/node", Family::Scope));
        let (t, _, fam) = sig(Ecosystem::PyPI, "dateutil");
        assert_eq!((t.as_str(), fam), ("python-dateutil", Family::Affix));
    }

    #[test]
    fn ordinary_unlisted_names_pass() {
        for (eco, name) in [
            (Ecosystem::CratesIo, "my-internal-helper-crate"),
            (Ecosystem::Npm, "@acme/widgets"),
            (Ecosystem::PyPI, "zzyzx-ledger"),
        ] {
            assert!(check(eco, name).is_none(), "{name}: {:?}", check(eco, name));
        }
    }

    #[test]
    fn one_edit_agrees_with_strsim() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "bac", "abcd", "abdc", "abd", "abcde", "xbcd",
            "tokio", "tokoi", "toki", "tokioo", "otkio", "tkoio", "lodash", "loadsh", "lodahs",
            "lodas", "odash", "aab", "aba", "abab", "baba", "abba",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    one_edit(a.as_bytes(), b.as_bytes()),
                    strsim::damerau_levenshtein(a, b) == 1,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn keyboard_neighbours() {
        assert!(keyboard_adjacent('s', 'a'));
        assert!(keyboard_adjacent('s', 'w'));
        assert!(keyboard_adjacent('s', 'x'));
        assert!(!keyboard_adjacent('s', 'p'));
    }
}
