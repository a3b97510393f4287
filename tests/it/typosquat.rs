//! typosquat tests: end to end through `guardrail check` on real git repositories, offline
//! (popular lists only) and online against wiremock registries (never the real network).

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{guardrail, TempRepo};

const BASE_REQ: &str = "numpy==1.26.4\n";
const BASE_PKG: &str = "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\"\n  }\n}\n";
const BASE_CARGO: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\n";

/// A repository whose base has numpy / lodash / serde_json and whose head commit writes the
/// given manifests; returns (repo, base sha).
fn repo_with(req: &str, pkg: &str, cargo: &str) -> (TempRepo, String) {
    let r = TempRepo::new();
    r.write("requirements.txt", BASE_REQ);
    r.write("package.json", BASE_PKG);
    r.write("Cargo.toml", BASE_CARGO);
    r.write("src/main.rs", "fn main() {}\n");
    let base = r.commit("base");
    r.write("requirements.txt", req);
    r.write("package.json", pkg);
    r.write("Cargo.toml", cargo);
    r.commit("add dependencies");
    (r, base)
}

fn report(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn typosquats(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["kind"] == "typosquat").collect())
        .unwrap_or_default()
}

fn for_package<'a>(fs: &[&'a Value], name: &str) -> Vec<&'a Value> {
    fs.iter()
        .copied()
        .filter(|f| f["package"]["name"] == name)
        .collect()
}

#[test]
fn done_when_offline_typosquats_name_their_targets() {
    let (r, base) = repo_with(
        "numpy==1.26.4\nurlib3==2.2.1\ntyping-extensions==4.12.2\n",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\",\n    \"loadsh\": \"^4.17.21\"\n  }\n}\n",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\ntokoi = \"1\"\n\"s\u{0435}rde\" = \"1\"\n",
    );
    let out = guardrail(r.path())
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    let fs = typosquats(&v);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, target, path, line) in [
        ("urlib3", "urllib3", "requirements.txt", 2),
        ("loadsh", "lodash", "package.json", 6),
        ("tokoi", "tokio", "Cargo.toml", 8),
        ("s\u{0435}rde", "serde", "Cargo.toml", 9),
    ] {
        let hits = for_package(&fs, name);
        assert_eq!(
            hits.len(),
            1,
            "{name}: {hits:?}\nall: {v}\nstderr: {stderr}"
        );
        let f = hits[0];
        let msg = f["message"].as_str().unwrap_or_default();
        assert!(msg.contains(&format!("`{target}`")), "{name}: {msg}");
        assert!(
            msg.contains(&format!("Fix: use `{target}`")),
            "{name}: {msg}"
        );
        assert_eq!(f["path"], path, "{f}");
        assert_eq!(f["line"], line, "{f}");
        assert!(
            f["rule"]
                .as_str()
                .unwrap_or_default()
                .starts_with("typosquat-"),
            "{f}"
        );
    }
    assert_eq!(for_package(&fs, "s\u{0435}rde")[0]["severity"], "red");
    assert_eq!(
        for_package(&fs, "s\u{0435}rde")[0]["rule"],
        "typosquat-confusable"
    );
    assert_eq!(for_package(&fs, "loadsh")[0]["severity"], "yellow");
    for ok in ["numpy", "lodash", "serde_json", "typing-extensions"] {
        assert!(for_package(&fs, ok).is_empty(), "{ok} flagged: {v}");
    }
    assert_eq!(v["verdict"], "block", "{v}");
    assert_eq!(out.status.code(), Some(1));
    // Offline: existence was not verified, and the run says so once.
    assert_eq!(stderr.matches("not looked up").count(), 1, "{stderr}");
}

#[test]
fn allow_list_silences_a_legitimate_look_alike() {
    let r = TempRepo::new();
    r.write("requirements.txt", BASE_REQ);
    r.write(
        ".guardrail.yml",
        "version: 1\ntyposquat:\n  allow:\n    - ecosystem: PyPI\n      name: urlib3\n      reason: our internal fork, published on the private index\n",
    );
    let base = r.commit("base");
    r.write("requirements.txt", "numpy==1.26.4\nurlib3==2.2.1\n");
    r.commit("add");
    let out = guardrail(r.path())
        .args(["check", "--base", &base, "--offline", "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    assert!(typosquats(&v).is_empty(), "{v}");
}

fn registries(cmd: &mut assert_cmd::Command, server: &MockServer, cache: &std::path::Path) {
    cmd.env("GUARDRAIL_CRATES_API", server.uri())
        .env("GUARDRAIL_NPM_REGISTRY", server.uri())
        .env("GUARDRAIL_PYPI_URL", server.uri())
        .env("GUARDRAIL_REGISTRY_CACHE", cache);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_lookups_flag_missing_new_and_install_scripts_and_cache() {
    let server = MockServer::start().await;
    // PyPI: a name no one registered (hallucinated).
    Mock::given(method("GET"))
        .and(path("/pypi/fastapi-jwt-authz/json"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "Not Found"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // npm: published two days ago, with a postinstall script.
    let created = (time::OffsetDateTime::now_utc() - time::Duration::days(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("date");
    Mock::given(method("GET"))
        .and(path("/left-pad-utils-pro"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_id": "left-pad-utils-pro",
            "name": "left-pad-utils-pro",
            "dist-tags": {"latest": "1.0.3"},
            "versions": {
                "1.0.3": {
                    "name": "left-pad-utils-pro",
                    "version": "1.0.3",
                    "scripts": {"postinstall": "node ./setup.js", "test": "echo ok"},
                    "dist": {"tarball": "https://registry.npmjs.org/left-pad-utils-pro/-/left-pad-utils-pro-1.0.3.tgz"}
                }
            },
            "time": {"created": created, "modified": created, "1.0.3": created},
            "maintainers": [{"name": "someone", "email": "someone@example.com"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // crates.io: an old, ordinary crate.
    Mock::given(method("GET"))
        .and(path("/api/v1/crates/tiny-ledger-fmt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "crate": {
                "id": "tiny-ledger-fmt",
                "name": "tiny-ledger-fmt",
                "created_at": "2019-03-04T10:11:12.123456+00:00",
                "updated_at": "2023-01-01T00:00:00.000000+00:00",
                "max_version": "0.3.1",
                "downloads": 12345
            },
            "versions": [{"num": "0.3.1", "yanked": false}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let (r, base) = repo_with(
        "numpy==1.26.4\nfastapi-jwt-authz==0.1.0\n",
        "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\",\n    \"left-pad-utils-pro\": \"1.0.3\"\n  }\n}\n",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde_json = \"1\"\ntiny-ledger-fmt = \"0.3\"\n",
    );
    let cache = tempfile::tempdir().expect("cache dir");
    for run in 0..2 {
        let mut cmd = guardrail(r.path());
        registries(&mut cmd, &server, cache.path());
        let out = cmd
            .args(["check", "--base", &base, "--format", "json"])
            .output()
            .expect("run");
        let v = report(&out);
        let fs = typosquats(&v);
        let missing = for_package(&fs, "fastapi-jwt-authz");
        assert_eq!(missing.len(), 1, "run {run}: {v}");
        assert_eq!(missing[0]["rule"], "package-not-in-registry");
        assert_eq!(missing[0]["severity"], "red");
        assert_eq!(missing[0]["line"], 2);
        let mut fresh: Vec<&str> = for_package(&fs, "left-pad-utils-pro")
            .iter()
            .map(|f| f["rule"].as_str().unwrap_or_default())
            .collect();
        fresh.sort_unstable();
        assert_eq!(
            fresh,
            vec!["package-install-script", "package-too-new"],
            "run {run}: {v}"
        );
        let msg = missing[0]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("is not on PyPI"), "{msg}");
        assert!(for_package(&fs, "tiny-ledger-fmt").is_empty(), "{v}");
        assert_eq!(out.status.code(), Some(1), "run {run}");
    }
    // `.expect(1)` on each mock: the second run was served from the on-disk cache.
    server.verify().await;
}

#[test]
fn unreachable_registry_falls_back_with_one_note() {
    let (r, base) = repo_with(
        "numpy==1.26.4\nurlib3==2.2.1\nsome-unlisted-thing==1.0\n",
        BASE_PKG,
        BASE_CARGO,
    );
    let cache = tempfile::tempdir().expect("cache dir");
    let out = guardrail(r.path())
        // Port 9 (discard) on localhost: connection refused, no real network.
        .env("GUARDRAIL_PYPI_URL", "http://127.0.0.1:9")
        .env("GUARDRAIL_REGISTRY_CACHE", cache.path())
        .args(["check", "--base", &base, "--format", "json"])
        .output()
        .expect("run");
    let v = report(&out);
    let fs = typosquats(&v);
    assert_eq!(for_package(&fs, "urlib3").len(), 1, "{v}");
    assert!(for_package(&fs, "some-unlisted-thing").is_empty(), "{v}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("registry look-up failed").count(),
        1,
        "{stderr}"
    );
}

/// Evaluation (run by `bench/typosquat-eval.sh`): false positives over popular and tail names,
/// recall per technique on generated typosquats and on the real OSV `MAL-*` names, and speed.
/// Needs `../shared/data`; prints a report.
#[test]
#[ignore = "evaluation report: bench/typosquat-eval.sh"]
fn eval() {
    eval::run();
}

/// The FP budget that can run in `cargo test`: the top 5,000 of each list, checked as if newly
/// added, must be flagged at most 0.5% of the time (by construction 0: listed names are exempt).
#[test]
fn top_5000_of_each_list_is_not_flagged() {
    use guardrail::checks::typosquat::{heuristics, popular};
    use guardrail::deps::Ecosystem;
    for eco in [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI] {
        let pop = popular::get(eco).expect("list");
        let flagged: Vec<&str> = pop
            .names()
            .iter()
            .take(5_000)
            .copied()
            .filter(|n| heuristics::assess(pop, n).is_some())
            .collect();
        assert!(flagged.len() * 200 <= 5_000, "{eco:?}: {flagged:?}");
        assert!(flagged.is_empty(), "{eco:?}: {flagged:?}");
    }
}

mod eval {
    use std::collections::BTreeMap;
    use std::io::BufRead;
    use std::time::Instant;

    use guardrail::checks::typosquat::heuristics::{self, Suspicion};
    use guardrail::checks::typosquat::popular::{self, Popular};
    use guardrail::deps::Ecosystem;

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

    pub fn run() {
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
            let top: Vec<&str> = pop.names().iter().take(5_000).copied().collect();
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
            let tail: Vec<&str> = if pop.ranked() as usize == pop.len() {
                pop.names().iter().skip(10_000).copied().collect()
            } else {
                pop.names()
                    .iter()
                    .skip(pop.ranked() as usize)
                    .copied()
                    .collect()
            };
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
            for (n, s) in tail_flagged.iter().take(40) {
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
            let sources: Vec<&str> = pop.names().iter().take(1_000).copied().collect();
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

        println!(
            "\n## Recall on real malicious names (OSV MAL-*, malicious DB off: heuristics only)"
        );
        let path = crate::common::shared_data().join("osv-malicious.jsonl.gz");
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
                                examples
                                    .push(format!("{n} → {}", s.target.as_deref().unwrap_or("-")));
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

        println!("\n## Speed (offline heuristics; lists already loaded)");
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
        let t = Instant::now();
        let mut flagged = 0;
        for (eco, n) in &names {
            let pop: &'static Popular = popular::get(*eco).expect("list");
            if heuristics::assess(pop, n).is_some() {
                flagged += 1;
            }
        }
        println!(
            "1,000 names ({} flagged) in {:.2} ms ({} build)",
            flagged,
            t.elapsed().as_secs_f64() * 1e3,
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
        );
    }
}
