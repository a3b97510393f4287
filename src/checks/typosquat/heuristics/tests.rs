#![cfg(test)]
//! Unit tests of the parent module.

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

/// The attack kinds of issue 19, each with a name that is not on the lists.
#[test]
fn real_attack_spellings_are_caught() {
    for (eco, name, want) in [
        // Leetspeak: a digit for the letter it looks like.
        (Ecosystem::PyPI, "crypt0graphy", "cryptography"),
        (Ecosystem::PyPI, "b0to3", "boto3"),
        (Ecosystem::PyPI, "djang0", "django"),
        // `python3-` for `python-`.
        (Ecosystem::PyPI, "python3-dateutil", "python-dateutil"),
        // Edit distance 2 on a medium-length name against a top target.
        (Ecosystem::PyPI, "typng-extnsions", "typing-extensions"),
        // Swaps and insertions against targets ranked 5,000-15,000.
        (Ecosystem::PyPI, "tkcalnedar", "tkcalendar"),
        (Ecosystem::PyPI, "freqtarde", "freqtrade"),
        (Ecosystem::PyPI, "bitcoinlibb", "bitcoinlib"),
        // Separators dropped and letters garbled together.
        (
            Ecosystem::Npm,
            "babelplugintransformruntimy",
            "babel-plugin-transform-runtime",
        ),
        // Bait words.
        (Ecosystem::PyPI, "flask-darwin-lite", "flask"),
        (Ecosystem::Npm, "lodash-utils-pro", "lodash"),
        (Ecosystem::PyPI, "requests-upgrade", "requests"),
        (Ecosystem::PyPI, "httpxboost", "httpx"),
        // Mixed case is the same name on PyPI.
        (Ecosystem::PyPI, "Reqeusts", "requests"),
        // A curated target that is not on the download lists.
        (Ecosystem::PyPI, "pyhton", "python"),
        (Ecosystem::Npm, "metamask-lite", "metamask"),
    ] {
        let (t, _) = target(eco, name);
        assert_eq!(t, want, "{name}");
    }
}

/// Established neighbours of popular names that the score lets pass (each is a real,
/// maintained package in the real-data evaluation), while the listed names stay exempt.
#[test]
fn innocent_neighbours_score_below_the_threshold() {
    for (eco, name) in [
        (Ecosystem::PyPI, "rendis"),
        (Ecosystem::PyPI, "python3-ldap"),
        (Ecosystem::PyPI, "sc4py"),
        (Ecosystem::PyPI, "terminaltables3"),
        (Ecosystem::PyPI, "django-api-helper"),
        (Ecosystem::PyPI, "amazon-sns-extended-client"),
        (Ecosystem::Npm, "pirate"),
        (Ecosystem::Npm, "file-save"),
        (Ecosystem::Npm, "tslint-config-prettier"),
        (Ecosystem::Npm, "jest-27-expect-message"),
        (Ecosystem::Npm, "lodash.update"),
        (Ecosystem::Npm, "fetch"),
        (Ecosystem::PyPI, "cython"),
        (Ecosystem::PyPI, "python"),
    ] {
        assert!(check(eco, name).is_none(), "{name}: {:?}", check(eco, name));
    }
}

#[test]
fn score_orders_the_evidence() {
    let p = Place::default();
    // Kinds: a swap is stronger evidence than an unrelated letter.
    assert!(score(EditKind::Swap, 8, 50, p) > score(EditKind::Substituted, 8, 50, p));
    // Longer names and more popular targets score higher.
    assert!(score(EditKind::Dropped, 12, 50, p) > score(EditKind::Dropped, 5, 50, p));
    assert!(score(EditKind::Dropped, 8, 50, p) > score(EditKind::Dropped, 8, 9_000, p));
    // A changed letter in a short word of a longer name is another word.
    let short = Place {
        multi_word: true,
        word_len: 3,
        ..p
    };
    assert!(score(EditKind::Substituted, 20, 50, short) < SCORE_MIN);
    assert!(score(EditKind::Keyboard, 12, 50, short) >= SCORE_MIN);
}

#[test]
fn digits_are_read_as_letters_only_inside_words() {
    let r = |w: &str| -> Vec<String> { digit_readings(w).into_iter().map(|(v, _)| v).collect() };
    assert!(r("crypt0graphy").contains(&"cryptography".to_owned()));
    assert!(r("python3-dateutil").contains(&"pythondateutil".to_owned()));
    assert!(r("djang0").contains(&"django".to_owned()));
    // Versions and numbers stay digits.
    assert!(r("requests2").is_empty(), "{:?}", r("requests2"));
    assert!(r("jest-27-expect").is_empty(), "{:?}", r("jest-27-expect"));
    assert!(r("font-awesome-4.7").is_empty());
}

#[test]
fn curated_targets_have_reasons() {
    for eco in [Ecosystem::PyPI, Ecosystem::Npm] {
        let all: Vec<_> = curated(eco).collect();
        assert!(all.len() >= 10, "{eco:?}");
        assert!(
            all.iter().all(|(n, r)| !n.is_empty() && r.len() > 10),
            "{all:?}"
        );
    }
    assert!(curated(Ecosystem::PyPI).any(|(n, _)| n == "python"));
    assert!(curated(Ecosystem::CratesIo).next().is_none());
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
        "", "a", "ab", "ba", "abc", "acb", "bac", "abcd", "abdc", "abd", "abcde", "xbcd", "tokio",
        "tokoi", "toki", "tokioo", "otkio", "tkoio", "lodash", "loadsh", "lodahs", "lodas",
        "odash", "aab", "aba", "abab", "baba", "abba",
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
