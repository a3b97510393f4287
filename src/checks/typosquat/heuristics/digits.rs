//! Digits in a candidate name: leetspeak readings of digits as the letters they imitate, and
//! digit edits that mark a version or a sibling package rather than a typo.

use super::is_sep;
use crate::checks::typosquat::popular::squash;

/// Whether `c` and `t` differ in their digits (look-alike `0`/`1` aside): a version or a
/// sibling package (`shiboken2`/`shiboken6`), not a typo.
pub(super) fn digit_edit(c: &str, t: &str) -> bool {
    let digits = |s: &str| {
        s.chars()
            .filter(|ch| ch.is_ascii_digit() && !matches!(ch, '0' | '1'))
            .collect::<String>()
    };
    digits(c) != digits(t)
}

/// Digits read as the letters they imitate (leetspeak).
pub(super) fn leet(c: char) -> Option<char> {
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

pub(super) const READ_AS_LETTERS: &str = "digits read as letters";

/// Spellings of a normalized name with its digits read as the letters they imitate or dropped,
/// squashed, where that makes a difference. Only a digit with a letter on each side
/// (`crypt0graphy`, `b0to3`, `apollocli8ent`), a digit that ends the name right after a letter
/// (`djang0`; read as a letter, never dropped: `requests2` is a version) and the `3` of a leading
/// `python3`/`py3` word (`python3-dateutil` for `python-dateutil`) count: digits that form a word
/// of their own or follow a separator (`jest-27-…`, `font-awesome-4.7`, `x402-…`) are versions
/// and numbers.
pub(super) fn digit_readings(work: &str) -> Vec<(String, &'static str)> {
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
