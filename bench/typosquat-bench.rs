//! Release-build driver of the typosquat evaluation (`bench/typosquat-eval.sh` compiles it in a
//! scratch crate against this checkout, so the test-only dev-dependencies are not built):
//!
//! - `typosquat-bench eval SHARED_DATA`: false positives and recall ([`eval::run`]);
//! - `typosquat-bench names FILE`: writes the 1,000 names of the speed measurement;
//! - `typosquat-bench speed FILE`: checks them offline in this fresh process, list loading
//!   included, then once more with the lists loaded; prints one tab-separated line
//!   `flagged cold_wall_ms cold_cpu_ms hot_wall_ms hot_cpu_ms` (with `--once`: the first pass
//!   only, printing `flagged`, for timing the whole process from outside);
//! - `typosquat-bench phases FILE`: where the time of those checks goes, one query kind at a
//!   time over all names (lists loaded);
//! - `typosquat-bench load`: milliseconds to the first answer from each list in this fresh
//!   process (opening the index), one tab-separated line `crates npm pypi`.

#[path = "typosquat-eval.rs"]
mod eval;

use std::process::ExitCode;

use guardrail::ecosystem::Ecosystem;

fn eco_name(e: Ecosystem) -> &'static str {
    e.as_str()
}

fn parse_eco(s: &str) -> Option<Ecosystem> {
    [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI]
        .into_iter()
        .find(|e| e.as_str() == s)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("real"), _) => {
            eval::run_real();
            ExitCode::SUCCESS
        }
        (Some("eval"), Some(shared)) => {
            eval::run(std::path::Path::new(shared));
            ExitCode::SUCCESS
        }
        (Some("names"), Some(file)) => {
            let text: String = eval::speed_names()
                .iter()
                .map(|(e, n)| format!("{}\t{n}\n", eco_name(*e)))
                .collect();
            match std::fs::write(file, text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{file}: {e}");
                    ExitCode::from(2)
                }
            }
        }
        (Some("speed"), Some(file)) => {
            let Some(names) = read_names(file) else {
                return ExitCode::from(2);
            };
            let cold = eval::time_checks(&names);
            if args.get(2).map(String::as_str) == Some("--once") {
                println!("{}", cold.flagged);
                return ExitCode::SUCCESS;
            }
            let hot = eval::time_checks(&names);
            let ms = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or("-".into());
            println!(
                "{}\t{:.3}\t{}\t{:.3}\t{}",
                cold.flagged,
                cold.wall_ms,
                ms(cold.cpu_ms),
                hot.wall_ms,
                ms(hot.cpu_ms)
            );
            ExitCode::SUCCESS
        }
        (Some("phases"), Some(file)) => match read_names(file) {
            Some(names) => {
                phases(&names);
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        },
        (Some("load"), None) => {
            let mut cols = Vec::new();
            for eco in [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI] {
                let t = std::time::Instant::now();
                let listed = guardrail::checks::typosquat::popular::get(eco)
                    .and_then(|p| p.index_of(p.name(0)))
                    .is_some();
                cols.push(format!("{:.3}", t.elapsed().as_secs_f64() * 1e3));
                if !listed {
                    eprintln!("{}: list not loaded", eco.as_str());
                    return ExitCode::from(2);
                }
            }
            println!("{}", cols.join("\t"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: typosquat-bench eval SHARED_DATA | names FILE | speed FILE [--once] | phases FILE | load");
            ExitCode::from(2)
        }
    }
}

fn read_names(file: &str) -> Option<Vec<(Ecosystem, String)>> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return None;
        }
    };
    Some(
        text.lines()
            .filter_map(|l| {
                let (e, n) = l.split_once('\t')?;
                Some((parse_eco(e)?, n.to_owned()))
            })
            .collect(),
    )
}

/// Times each kind of query the heuristics make, over all names (ASCII, normalized), so the
/// sum can be compared with a whole check.
fn phases(names: &[(Ecosystem, String)]) {
    use guardrail::checks::typosquat::popular::{self, Popular};
    use guardrail::checks::typosquat::{heuristics, keys};
    let pops: Vec<(&'static Popular, String)> = names
        .iter()
        .filter_map(|(e, n)| Some((popular::get(*e)?, popular::normalize(*e, n))))
        .collect();
    let time = |label: &str, f: &dyn Fn(&'static Popular, &str) -> usize| {
        let mut best = f64::MAX;
        let mut count = 0;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            count = pops.iter().map(|(p, k)| f(p, k)).sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("{label:44} {best:7.3} ms  ({count})");
    };
    time("whole check (heuristics::assess)", &|p, k| {
        usize::from(heuristics::assess(p, k).is_some())
    });
    time("normalize", &|p, k| {
        popular::normalize(p.ecosystem, k).len()
    });
    time("index_of_key", &|p, k| {
        usize::from(p.index_of_key(k).is_some())
    });
    time("lookalike + by_lookalike", &|p, k| {
        usize::from(p.by_lookalike(&keys::lookalike(k)).is_some())
    });
    time("squash + by_squashed", &|p, k| {
        usize::from(p.by_squashed(&keys::squash(k)).is_some())
    });
    time("near (edit distance 1 candidates)", &|p, k| {
        if k.len() >= 4 {
            p.near(k, false).len()
        } else {
            0
        }
    });
    time("near + Damerau-Levenshtein confirm", &|p, k| {
        if k.len() < 4 {
            return 0;
        }
        p.near(k, false)
            .into_iter()
            .filter(|&t| {
                strsim::damerau_levenshtein(k, &popular::normalize(p.ecosystem, p.name(t))) == 1
            })
            .count()
    });
    time("near two (edit distance 2, names >= 10)", &|p, k| {
        if k.len() >= 10 {
            p.near(k, true).len()
        } else {
            0
        }
    });
    time("by_word_order", &|p, k| {
        usize::from(p.by_word_order(k).is_some())
    });
    time("by_stripped", &|p, k| {
        usize::from(p.by_stripped(k).is_some())
    });
    time("affix prefixes/suffixes (index_of_key each)", &|p, k| {
        keys::PREFIXES
            .iter()
            .filter_map(|pre| k.strip_prefix(pre))
            .chain(keys::SUFFIXES.iter().filter_map(|s| k.strip_suffix(s)))
            .filter(|r| p.index_of_key(r).is_some())
            .count()
    });
    time("npm scoped tail / scope joined", &|p, k| {
        p.by_scoped_tail(k).len() + usize::from(p.by_scope_joined(&keys::squash(k)).is_some())
    });
}
