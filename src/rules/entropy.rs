//! The `entropy` analyzer of `metavariable-analysis`: whether a bound value looks like a random
//! secret rather than a word, identifier or placeholder.

use std::collections::HashMap;

pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// English letter frequencies in percent, `A` to `Z` (the usual table from large corpora).
const ENGLISH_LETTER_PERCENT: [f64; 26] = [
    8.17, 1.29, 2.78, 4.25, 12.70, 2.23, 2.02, 6.09, 6.97, 0.15, 0.77, 4.03, 2.41, 6.75, 7.51,
    1.93, 0.095, 5.99, 6.33, 9.06, 2.76, 0.98, 2.36, 0.15, 1.97, 0.074,
];

/// Information content of `s` in bits relative to English text: each letter (case folded)
/// costs `-log2` of its English frequency, every other byte `log2(62)` (a uniform pick among
/// `[A-Za-z0-9]`); a run of one repeated byte counts 1 bit.
pub fn english_surprise_bits(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    if bytes.iter().all(|b| *b == bytes[0]) {
        return 1.0;
    }
    let total: f64 = ENGLISH_LETTER_PERCENT.iter().sum();
    bytes
        .iter()
        .map(|b| match b.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => (total / ENGLISH_LETTER_PERCENT[usize::from(c - b'A')]).log2(),
            _ => 62f64.log2(),
        })
        .sum()
}

/// Whether a value looks like a random secret rather than a word, identifier or placeholder —
/// the `entropy` analyzer. It follows Semgrep's (`Entropy.ml`): more than 64 bits of
/// information in total and more than 0.6 of the maximum density (4.8 bits per byte), measured
/// against English. Semgrep scores letters by English *trigram* frequencies, which needs a
/// large table; guardrail uses letter frequencies, which agrees with Semgrep on the probe set in
/// `fixtures/rules/semantics` and differs only near the threshold (see
/// `tests/semgrep-exceptions.md`).
pub fn high_entropy(s: &str) -> bool {
    let bits = english_surprise_bits(s);
    let density = bits / (8.0 * s.len().max(1) as f64);
    bits > 64.0 && density > 0.6
}
