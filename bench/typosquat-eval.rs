//! Typosquat evaluation, shared by `bench/typosquat-bench.rs` (release build, run by
//! `bench/typosquat-eval.sh`) and the ignored `typosquat::eval` test (so it keeps compiling):
//! false positives over popular and tail names, recall per technique on generated typosquats and
//! on the real OSV `MAL-*` names (heuristics only), and the speed of 1,000 offline checks.
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use guardrail::checks::typosquat::heuristics::{self, Suspicion};
use guardrail::checks::typosquat::popular;
use guardrail::ecosystem::Ecosystem;

const ECOS: [Ecosystem; 3] = [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI];

/// Small deterministic generator (xorshift), so the labelled set is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

fn neighbours(c: char) -> Vec<char> {
    let mut out = Vec::new();
    for (r, row) in ROWS.iter().enumerate() {
        if let Some(i) = row.find(c) {
            let row: Vec<char> = row.chars().collect();
            if i > 0 {
                out.push(row[i - 1]);
            }
            if i + 1 < row.len() {
                out.push(row[i + 1]);
            }
            for (dr, shift) in [(-1i32, 0i32), (-1, 1), (1, -1), (1, 0)] {
                let rr = r as i32 + dr;
                if (0..3).contains(&rr) {
                    let other: Vec<char> = ROWS[rr as usize].chars().collect();
                    let j = i as i32 + shift;
                    if j >= 0 && (j as usize) < other.len() {
                        out.push(other[j as usize]);
                    }
                }
            }
        }
    }
    out
}

/// One typosquat of `name` by `technique`, or None when the technique does not apply.
fn mutate(technique: &str, eco: Ecosystem, name: &str, rng: &mut Rng) -> Option<String> {
    let (scope, base) = match popular::split_scope(name) {
        Some((s, t)) => (Some(s), t),
        None => (None, name),
    };
    let chars: Vec<char> = base.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_ascii_lowercase())
        .collect();
    if letters.is_empty() {
        return None;
    }
    let pick = letters[rng.below(letters.len())];
    let mut c = chars.clone();
    let out: String = match technique {
        "keyboard-typo" => {
            let n = neighbours(chars[pick]);
            if n.is_empty() {
                return None;
            }
            c[pick] = n[rng.below(n.len())];
            c.into_iter().collect()
        }
        "swap" => {
            let i = rng.below(chars.len().saturating_sub(1));
            if i + 1 >= chars.len() || chars[i] == chars[i + 1] {
                return None;
            }
            c.swap(i, i + 1);
            c.into_iter().collect()
        }
        "doubled" => {
            c.insert(pick, chars[pick]);
            c.into_iter().collect()
        }
        "dropped" => {
            if chars.len() < 5 {
                return None;
            }
            c.remove(pick);
            c.into_iter().collect()
        }
        "separator" => {
            let seps: Vec<usize> = (0..chars.len())
                .filter(|&i| matches!(chars[i], '-' | '_' | '.'))
                .collect();
            if seps.is_empty() {
                return None;
            }
            let i = seps[rng.below(seps.len())];
            match rng.below(2) {
                0 => {
                    c.remove(i);
                }
                _ => c[i] = if chars[i] == '.' { '-' } else { '.' },
            }
            c.into_iter().collect()
        }
        "affix" => {
            let pres: &[&str] = match eco {
                Ecosystem::PyPI => &["python-", "py"],
                Ecosystem::Npm => &["node-", "js-"],
                _ => &["rust-"],
            };
            let sufs: &[&str] = match eco {
                Ecosystem::PyPI => &["-py", "-python", "2", "3", "-dev", "-cli"],
                Ecosystem::Npm => &["-js", ".js", "js", "2", "-dev", "-cli"],
                _ => &["-rs", "-rust", "2", "-dev", "-cli"],
            };
            let k = rng.below(pres.len() + sufs.len());
            if k < pres.len() {
                format!("{}{base}", pres[k])
            } else {
                format!("{base}{}", sufs[k - pres.len()])
            }
        }
        "ascii-homoglyph" => {
            let opts: Vec<usize> = (0..chars.len())
                .filter(|&i| matches!(chars[i], 'l' | 'o' | 'm' | 'i'))
                .collect();
            if opts.is_empty() {
                return None;
            }
            let i = opts[rng.below(opts.len())];
            match chars[i] {
                'l' => c[i] = if rng.below(2) == 0 { '1' } else { 'I' },
                'o' => c[i] = '0',
                'i' => c[i] = '1',
                _ => {
                    c[i] = 'r';
                    c.insert(i + 1, 'n');
                }
            }
            c.into_iter().collect()
        }
        "unicode-homoglyph" => {
            let map = [
                ('a', 'а'),
                ('e', 'е'),
                ('o', 'о'),
                ('p', 'р'),
                ('c', 'с'),
                ('x', 'х'),
                ('y', 'у'),
                ('i', 'і'),
            ];
            let opts: Vec<(usize, char)> = (0..chars.len())
                .filter_map(|i| {
                    map.iter()
                        .find(|(a, _)| *a == chars[i])
                        .map(|(_, b)| (i, *b))
                })
                .collect();
            if opts.is_empty() {
                return None;
            }
            let (i, b) = opts[rng.below(opts.len())];
            c[i] = b;
            c.into_iter().collect()
        }
        "scope" => {
            let s = scope?;
            match rng.below(2) {
                0 => format!("{s}-{base}"),
                _ => base.to_owned(),
            }
        }
        _ => return None,
    };
    let full = match (technique, scope) {
        ("scope", _) | (_, None) => out,
        (_, Some(s)) => format!("@{s}/{out}"),
    };
    Some(full)
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

fn describe(s: &Suspicion) -> String {
    format!(
        "{} → {} [{}]",
        s.rule(),
        s.target.as_deref().unwrap_or("-"),
        s.signals
            .iter()
            .map(|x| x.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    )
}

static REAL_MALICIOUS: &str = include_str!("typosquat-real/malicious.tsv");
static REAL_BENIGN: &str = include_str!("typosquat-real/benign.tsv");

fn eco_of(s: &str) -> Option<Ecosystem> {
    match s {
        "npm" => Some(Ecosystem::Npm),
        "PyPI" => Some(Ecosystem::PyPI),
        "crates.io" => Some(Ecosystem::CratesIo),
        _ => None,
    }
}

/// The real-data evaluation (`bench/typosquat-real/`, see its README): recall on malicious
/// typosquats published before 2024-07-01 (each with the package it imitates, judged by
/// reading; `dev` and `held-out` splits by target), false alarms on real maintained packages
/// below the popular lists, and what each signal family contributes. Prints one table row per
/// measurement.
pub fn run_real() {
    println!("\n## Real typosquats (OSV MAL-*, before 2024-07-01) and real less-popular packages (offline, no DB)");
    // (eco, split) -> (n, flagged, right target)
    let mut rec: BTreeMap<(String, String), (usize, usize, usize)> = BTreeMap::new();
    let mut by_family: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in REAL_MALICIOUS.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(eco), Some(name), Some(target), Some(split)) = (
            f.get(1).and_then(|e| eco_of(e)),
            f.get(2),
            f.get(3),
            f.get(5),
        ) else {
            continue;
        };
        let pop = popular::get(eco).expect("list");
        let s = heuristics::assess(pop, name);
        for key in [split.to_string(), "all".to_string()] {
            let e = rec.entry((eco.as_str().to_owned(), key)).or_default();
            e.0 += 1;
            if let Some(s) = &s {
                e.1 += 1;
                if s.target.as_deref().map(|t| popular::normalize(eco, t))
                    == Some(popular::normalize(eco, target))
                {
                    e.2 += 1;
                }
            }
        }
        match &s {
            Some(s) => {
                let fams: std::collections::BTreeSet<String> = s
                    .signals
                    .iter()
                    .map(|x| format!("{:?}", x.family))
                    .collect();
                for fam in &fams {
                    let e = by_family
                        .entry((eco.as_str().to_owned(), fam.clone()))
                        .or_default();
                    e.0 += 1;
                    if fams.len() == 1 {
                        e.1 += 1;
                    }
                }
            }
            None => missed
                .entry(eco.as_str().to_owned())
                .or_default()
                .push(format!("{name} ({target})")),
        }
    }
    for ((eco, split), (n, hit, right)) in &rec {
        println!(
            "recall {eco} {split}: {hit} of {n} ({}), right target {}",
            pct(*hit, *n),
            pct(*right, *n)
        );
    }
    // Benign: real packages below the popular lists.
    let mut fp: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    let mut fp_family: BTreeMap<(String, String), usize> = BTreeMap::new();
    for line in REAL_BENIGN.lines().filter(|l| !l.starts_with('#')) {
        let Some((e, name)) = line.split_once('\t') else {
            continue;
        };
        let Some(eco) = eco_of(e) else { continue };
        let pop = popular::get(eco).expect("list");
        let s = heuristics::assess(pop, name);
        let e = fp.entry(eco.as_str().to_owned()).or_default();
        e.0 += 1;
        if let Some(s) = s {
            e.1.push(format!("{name}: {}", describe(&s)));
            *fp_family
                .entry((
                    eco.as_str().to_owned(),
                    format!("{:?}", s.signals[0].family),
                ))
                .or_default() += 1;
        }
    }
    for (eco, (n, flagged)) in &fp {
        println!(
            "false alarms {eco} (real packages below the popular lists): {} of {n} ({})",
            flagged.len(),
            pct(flagged.len(), *n)
        );
    }
    println!(
        "signal family: real typosquats carrying it (caught by it alone) / benign alarms it leads"
    );
    let fams: std::collections::BTreeSet<(String, String)> = by_family
        .keys()
        .cloned()
        .chain(fp_family.keys().cloned())
        .collect();
    for k in fams {
        let (any, alone) = by_family.get(&k).copied().unwrap_or_default();
        println!(
            "    {} {}: {any} ({alone} alone) / {}",
            k.0,
            k.1,
            fp_family.get(&k).copied().unwrap_or_default()
        );
    }
    for (eco, (_, flagged)) in &fp {
        for x in flagged {
            println!("    alarm {eco} {x}");
        }
    }
    for (eco, m) in &missed {
        println!("    missed {eco} ({}): {}", m.len(), m.join(", "));
    }
    // Established names: the list's own tail (PyPI ranks 10,001-15,000, npm's unranked
    // high-impact-by-dependents names), each checked against the other names.
    for eco in [Ecosystem::PyPI, Ecosystem::Npm] {
        let pop = popular::get(eco).expect("list");
        let tail = tail_of(pop);
        let flagged: Vec<String> = tail
            .iter()
            .filter_map(|n| {
                heuristics::assess_held_out(pop, n).map(|s| format!("{n}: {}", describe(&s)))
            })
            .collect();
        println!(
            "false alarms {} (established: the list's own tail, held out): {} of {} ({})",
            eco.as_str(),
            flagged.len(),
            tail.len(),
            pct(flagged.len(), tail.len())
        );
        for f in flagged.iter().take(40) {
            println!("    tail alarm {f}");
        }
    }
    signal_table();
    // The threshold: recall (dev / held-out) and false alarms at each minimum score.
    println!("minimum score: recall dev / held-out, false alarms sample / tail (PyPI; npm)");
    for min in 1..=7 {
        let mut row = Vec::new();
        for eco in [Ecosystem::PyPI, Ecosystem::Npm] {
            let pop = popular::get(eco).expect("list");
            let (mut n, mut hit) = ([0usize; 2], [0usize; 2]);
            for line in REAL_MALICIOUS.lines().filter(|l| !l.starts_with('#')) {
                let f: Vec<&str> = line.split('\t').collect();
                if f.get(1).and_then(|e| eco_of(e)) != Some(eco) {
                    continue;
                }
                let k = usize::from(f.get(5) == Some(&"held-out"));
                n[k] += 1;
                if heuristics::assess_with_min_score(pop, f.get(2).unwrap_or(&""), false, min)
                    .is_some()
                {
                    hit[k] += 1;
                }
            }
            let (mut bn, mut bf) = (0, 0);
            for line in REAL_BENIGN.lines().filter(|l| !l.starts_with('#')) {
                if let Some((e, name)) = line.split_once('\t') {
                    if eco_of(e) == Some(eco) {
                        bn += 1;
                        if heuristics::assess_with_min_score(pop, name, false, min).is_some() {
                            bf += 1;
                        }
                    }
                }
            }
            let tail = tail_of(pop);
            let tf = tail
                .iter()
                .filter(|n| heuristics::assess_with_min_score(pop, n, true, min).is_some())
                .count();
            row.push(format!(
                "{} / {}, {} / tail {}",
                pct(hit[0], n[0]),
                pct(hit[1], n[1]),
                pct(bf, bn),
                pct(tf, tail.len())
            ));
        }
        println!("    {min}: {}", row.join("; "));
    }
    // What one point lower would add (to judge the threshold by examples, not only rates).
    let lower = heuristics::SCORE_MIN - 1;
    let mut extra = Vec::new();
    for eco in [Ecosystem::PyPI, Ecosystem::Npm] {
        let pop = popular::get(eco).expect("list");
        let tail = tail_of(pop);
        let benign = REAL_BENIGN
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(e, _)| eco_of(e) == Some(eco))
            .map(|(_, n)| n);
        for (n, held) in benign
            .map(|n| (n, false))
            .chain(tail.into_iter().map(|n| (n, true)))
        {
            if heuristics::assess_held_out(pop, n).is_none() && (held || pop.index_of(n).is_none())
            {
                if let Some(s) = heuristics::assess_with_min_score(pop, n, held, lower) {
                    extra.push(format!("benign {n}: {}", describe(&s)));
                }
            }
        }
    }
    println!(
        "at minimum score {lower}, newly flagged benign: {}",
        extra.len()
    );
    for x in &extra {
        println!("    {x}");
    }
}

/// Real packages below the ranked targets: PyPI's ranks 10,001-15,000 (every name is ranked),
/// otherwise the unranked names of the list (npm's high-impact-by-dependents, crates.io's
/// extra index).
fn tail_of(pop: &popular::Popular) -> Vec<&'static str> {
    if pop.ranked() as usize == pop.len() {
        pop.names().skip(10_000).collect()
    } else {
        pop.names().skip(pop.ranked() as usize).collect()
    }
}

/// The kind of evidence behind a verdict, from its strongest signal's text (for the table of
/// what each signal adds).
fn signal_kind(s: &Suspicion) -> String {
    let t = s.signals.first().map(|x| x.text.as_str()).unwrap_or("");
    let kind = if t.contains("curated") {
        "curated target (not on the download lists)"
    } else if t.contains("digits") || t.contains("leetspeak") {
        "digits read as letters or dropped (leetspeak, `python3-`)"
    } else if t.contains("added to the name") || t.contains("joined to the name") {
        "bait words (`-lite`, `-pro`, `install-`, platforms)"
    } else if t.contains("edit distance 2") {
        "two edits (names of 10+ letters, top 1,000)"
    } else if t.contains("(separators ignored)") {
        "one edit of the separator-free spelling"
    } else if t.contains("edit distance 1") && !t.contains("separator") {
        "one edit (swap, doubled, dropped, extra, keyboard, other letter)"
    } else if t.contains("scope") || t.contains("unscoped") {
        "npm scope confusion"
    } else if t.contains("separator") {
        "separators only"
    } else if t.contains("look-alike") || t.contains("non-ASCII") {
        "look-alike characters"
    } else if t.contains("order") {
        "word order"
    } else {
        "affix list (`python-`, `-js`, dropped affix, version)"
    };
    let rank = s.target_rank.unwrap_or(0);
    if kind.starts_with("one edit") && rank > 5_000 {
        format!("{kind}, target ranked 5,001-15,000")
    } else {
        kind.to_owned()
    }
}

/// What each signal adds: real typosquats caught (PyPI, npm) and false alarms (the benign
/// sample and the lists' own tails), by the kind of the strongest signal.
fn signal_table() {
    let mut rows: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for line in REAL_MALICIOUS.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(eco), Some(name)) = (f.get(1).and_then(|e| eco_of(e)), f.get(2)) else {
            continue;
        };
        if let Some(s) = heuristics::assess(popular::get(eco).expect("list"), name) {
            rows.entry(signal_kind(&s)).or_default()[usize::from(eco == Ecosystem::Npm)] += 1;
        }
    }
    for eco in [Ecosystem::PyPI, Ecosystem::Npm] {
        let pop = popular::get(eco).expect("list");
        let benign = REAL_BENIGN
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(e, _)| eco_of(e) == Some(eco))
            .filter_map(|(_, n)| heuristics::assess(pop, n));
        let tail = tail_of(pop)
            .into_iter()
            .filter_map(|n| heuristics::assess_held_out(pop, n));
        for s in benign.chain(tail) {
            rows.entry(signal_kind(&s)).or_default()[2] += 1;
        }
    }
    println!("| strongest signal | real typosquats caught: PyPI | npm | false alarms (benign sample + tails) |");
    println!("|---|---|---|---|");
    for (k, [p, n, b]) in &rows {
        println!("| {k} | {p} | {n} | {b} |");
    }
}

/// Prints the false-positive and recall report; `shared` is `../shared/data` (for the OSV
/// malicious names).
pub fn run(shared: &Path) {
    run_real();
    // Load time per list.
    for eco in ECOS {
        let t = Instant::now();
        let pop = popular::get(eco).expect("list");
        println!(
            "load {eco:?}: {} names ({} ranked) in {:.1} ms",
            pop.len(),
            pop.ranked(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }

    println!("\n## False positives");
    for eco in ECOS {
        let pop = popular::get(eco).expect("list");
        let top: Vec<&str> = pop.names().take(5_000).collect();
        let flagged: Vec<&&str> = top
            .iter()
            .filter(|n| heuristics::assess(pop, n).is_some())
            .collect();
        println!(
            "{eco:?} top 5,000 as added (listed names exempt): {} flagged ({})",
            flagged.len(),
            pct(flagged.len(), top.len())
        );
        let held: Vec<(&str, Suspicion)> = top
            .iter()
            .filter_map(|n| heuristics::assess_held_out(pop, n).map(|s| (*n, s)))
            .collect();
        println!(
            "{eco:?} top 5,000 held out (each checked as if it were not on the list; what the exemption prevents): {} flagged ({})",
            held.len(),
            pct(held.len(), top.len())
        );
        for (n, s) in held.iter().take(15) {
            println!("    e.g. {n}: {}", describe(s));
        }
        // Real packages outside the ranked list: checked against the ranked targets.
        let tail = tail_of(pop);
        let tail_flagged: Vec<(&str, Suspicion)> = tail
            .iter()
            .filter_map(|n| heuristics::assess_held_out(pop, n).map(|s| (*n, s)))
            .collect();
        println!(
            "{eco:?} tail ({} real packages outside the target range, held out): {} flagged ({})",
            tail.len(),
            tail_flagged.len(),
            pct(tail_flagged.len(), tail.len())
        );
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, s) in &tail_flagged {
            *by_rule.entry(s.rule()).or_default() += 1;
        }
        println!("    by rule: {by_rule:?}");
        for (n, s) in &tail_flagged {
            println!("    {n}: {}", describe(s));
        }
    }

    println!("\n## Recall on generated typosquats (from the top 1,000 of each list; generated names that are real listed packages removed)");
    let techniques = [
        "keyboard-typo",
        "swap",
        "doubled",
        "dropped",
        "separator",
        "affix",
        "ascii-homoglyph",
        "unicode-homoglyph",
        "scope",
    ];
    for eco in ECOS {
        let pop = popular::get(eco).expect("list");
        let sources: Vec<&str> = pop.names().take(1_000).collect();
        let mut total = (0, 0, 0);
        for tech in techniques {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ tech.len() as u64 ^ (eco as u64) << 32);
            let mut set: Vec<(String, &str)> = Vec::new();
            let mut tries = 0;
            while set.len() < 200 && tries < 20_000 {
                tries += 1;
                let src = sources[rng.below(sources.len())];
                if let Some(m) = mutate(tech, eco, src, &mut rng) {
                    if pop.index_of(&m).is_none() && !set.iter().any(|(x, _)| *x == m) {
                        set.push((m, src));
                    }
                }
            }
            if set.is_empty() {
                continue;
            }
            let mut hit = 0;
            let mut right = 0;
            let mut missed = Vec::new();
            for (m, src) in &set {
                match heuristics::assess(pop, m) {
                    Some(s) => {
                        hit += 1;
                        if s.target.as_deref().map(|t| popular::normalize(eco, t))
                            == Some(popular::normalize(eco, src))
                        {
                            right += 1;
                        }
                    }
                    None => missed.push(format!("{m} ({src})")),
                }
            }
            total.0 += set.len();
            total.1 += hit;
            total.2 += right;
            println!(
                "{eco:?} {tech:18} n={:3} flagged {} (right target {})  missed e.g. {:?}",
                set.len(),
                pct(hit, set.len()),
                pct(right, set.len()),
                missed.iter().take(4).collect::<Vec<_>>()
            );
        }
        println!(
            "{eco:?} all techniques: n={} flagged {} (right target {})",
            total.0,
            pct(total.1, total.0),
            pct(total.2, total.0)
        );
    }

    println!("\n## Recall on real malicious names (OSV MAL-*, malicious DB off: heuristics only)");
    let path = shared.join("osv-malicious.jsonl.gz");
    match std::fs::File::open(&path) {
        Err(e) => println!("skipped: {}: {e}", path.display()),
        Ok(f) => {
            let mut names: BTreeMap<Ecosystem, Vec<String>> = BTreeMap::new();
            for line in std::io::BufReader::new(flate2::read::GzDecoder::new(f))
                .lines()
                .map_while(Result::ok)
            {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                for a in v["affected"].as_array().into_iter().flatten() {
                    let eco = match a["package"]["ecosystem"].as_str() {
                        Some("npm") => Ecosystem::Npm,
                        Some("PyPI") => Ecosystem::PyPI,
                        Some("crates.io") => Ecosystem::CratesIo,
                        _ => continue,
                    };
                    if let Some(n) = a["package"]["name"].as_str() {
                        names.entry(eco).or_default().push(n.to_owned());
                    }
                }
            }
            for (eco, mut list) in names {
                list.sort();
                list.dedup();
                let pop = popular::get(eco).expect("list");
                let listed = list.iter().filter(|n| pop.index_of(n).is_some()).count();
                let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
                let mut examples = Vec::new();
                for n in &list {
                    if let Some(s) = heuristics::assess(pop, n) {
                        *by_rule.entry(s.rule()).or_default() += 1;
                        if examples.len() < 8 {
                            examples.push(format!("{n} → {}", s.target.as_deref().unwrap_or("-")));
                        }
                    }
                }
                let hit: usize = by_rule.values().sum();
                println!(
                    "{eco:?}: {} names ({listed} on the popular list: compromised popular packages, exempt), flagged {} ({}); by rule {by_rule:?}; e.g. {examples:?}",
                    list.len(),
                    hit,
                    pct(hit, list.len())
                );
            }
        }
    }
}

/// The 1,000 names of the speed measurement, ecosystems in turn: a quarter unlisted names, the
/// rest keyboard typos, swaps, dropped letters and affixes of names in each list's top 3,000
/// (the name itself when the technique does not apply). Generating them loads the lists, so they
/// are written to a file and timed in a fresh process ([`time_checks`]).
pub fn speed_names() -> Vec<(Ecosystem, String)> {
    let mut rng = Rng(42);
    let mut names = Vec::new();
    for i in 0..1_000 {
        let eco = ECOS[i % 3];
        let pop = popular::get(eco).expect("list");
        let src = pop.name(rng.below(3_000) as u32);
        let tech = ["keyboard-typo", "swap", "dropped", "affix"][rng.below(4)];
        let name = if i % 4 == 0 {
            format!("unlisted-name-{i}")
        } else {
            mutate(tech, eco, src, &mut rng).unwrap_or_else(|| src.to_owned())
        };
        names.push((eco, name));
    }
    names
}

/// CPU time of the calling thread (Linux `schedstat`), nanoseconds: wall time on a loaded
/// machine counts other processes' time slices.
pub fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// One timed pass: how many names were flagged, wall and CPU milliseconds.
pub struct Pass {
    pub flagged: usize,
    pub wall_ms: f64,
    pub cpu_ms: Option<f64>,
}

/// Runs the offline check on every name, as `guardrail check` does for each added dependency
/// (list look-up, then the heuristics). The first pass in a process includes loading the lists.
pub fn time_checks(names: &[(Ecosystem, String)]) -> Pass {
    let cpu0 = thread_cpu_ns();
    let t = Instant::now();
    let mut flagged = 0;
    for (eco, n) in names {
        if guardrail::checks::typosquat::offline(*eco, n).is_some() {
            flagged += 1;
        }
    }
    let wall_ms = t.elapsed().as_secs_f64() * 1e3;
    let cpu_ms = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1e6),
        _ => None,
    };
    Pass {
        flagged,
        wall_ms,
        cpu_ms,
    }
}
