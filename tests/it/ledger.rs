//! The audit ledger end to end: tampering of every kind is caught at the first bad entry,
//! SIGKILLed writers leave a verifiable prefix, concurrent writers (file and git remote) lose
//! nothing, Merkle proofs verify here and in the independent Python verifier, and `check`
//! appends what it saw without leaking code.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use guardrail::ledger::chain::{self, Hash};
use guardrail::ledger::checkpoint::{Signer, Verifier};
use guardrail::ledger::store::Snapshot;
use guardrail::ledger::{
    self as gl, merkle, proof, verify, DecisionRecord, FindingRecord, RunRecord,
};
use serde_json::{json, Value};

use crate::common::{guardrail, root, TempRepo};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("guardrail")
}

/// A child `guardrail` with no ledger-related environment leaking in.
fn child(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir)
        .env_remove("GUARDRAIL_LEDGER")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Small deterministic PRNG (xorshift) so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn run_entry(i: usize) -> Value {
    let rec = RunRecord {
        command: "check".into(),
        repo: Some("https://example.com/o/r.git".into()),
        base: Some(format!("{:040x}", i)),
        head: Some(format!("{:040x}", i + 1)),
        diff_sha256: Some(format!("{:064x}", i * 7)),
        rules_sha256: format!("{:064x}", 42),
        config_sha256: None,
        db_sources: vec![],
        verdict: ["pass", "review", "block"][i % 3].into(),
        findings: (0..i % 4)
            .map(|k| FindingRecord {
                fingerprint: format!("{:032x}", i * 10 + k),
                rule: "python-sql-injection".into(),
                severity: "red".into(),
                path: format!("src/mod{k}.py"),
                line: Some(k as u32 + 1),
            })
            .collect(),
    };
    gl::entry("run", &rec).unwrap()
}

fn decision_entry(i: usize) -> Value {
    let rec = DecisionRecord {
        decision: "accept".into(),
        by: "alice".into(),
        at: "2026-01-02T03:04:05Z".into(),
        fingerprint: format!("{:032x}", i),
        line_sha256: None,
        reason: Some(format!("reviewed, test fixture {i} — ok")),
        forge: "github".into(),
        comment_id: Some(format!("{}", 1000 + i)),
        comment_sha256: None,
        refused_because: None,
    };
    gl::entry("decision", &rec).unwrap()
}

/// A realistic ledger of `n` entries (runs and decisions) and the byte offset of each line.
fn build_ledger(n: usize) -> (Vec<u8>, Vec<usize>) {
    let mut prev = chain::GENESIS;
    let mut out = Vec::new();
    let mut starts = Vec::new();
    for i in 0..n {
        let e = if i % 5 == 4 {
            decision_entry(i)
        } else {
            run_entry(i)
        };
        let (line, h) = chain::make_line(&prev, &e).unwrap();
        starts.push(out.len());
        out.extend(line);
        prev = h;
    }
    (out, starts)
}

fn checkpoint_at(ledger: &[u8], size: usize, signer: &Signer) -> String {
    let lines = chain::verify(ledger).unwrap();
    let root = merkle::root(&verify::leaves(&lines[..size]));
    signer
        .sign("example.com/guardrail-test", size as u64, &root)
        .unwrap()
}

fn lines_of(ledger: &[u8]) -> Vec<Vec<u8>> {
    ledger
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// The first bad entry verification names, panicking if it passes.
fn first_bad(ledger: &[u8], checkpoints: &str, keys: &[Verifier]) -> Option<usize> {
    let snap = Snapshot {
        ledger: ledger.to_vec(),
        checkpoints: checkpoints.as_bytes().to_vec(),
    };
    match verify::verify(&snap, keys) {
        Ok(r) => panic!("tampered ledger verified: {} entries", r.entries),
        Err(bad) => bad.line,
    }
}

#[test]
fn tampering_of_every_kind_is_detected_at_the_first_bad_entry() {
    const N: usize = 200;
    let (ledger, starts) = build_ledger(N);
    let signer = Signer::generate("test-key").unwrap();
    let key = signer.verifier();
    let checkpoints = format!(
        "{}\n{}",
        checkpoint_at(&ledger, 50, &signer),
        checkpoint_at(&ledger, N, &signer)
    );
    let snap = Snapshot {
        ledger: ledger.clone(),
        checkpoints: checkpoints.clone().into_bytes(),
    };
    let ok = verify::verify(&snap, std::slice::from_ref(&key)).expect("pristine ledger verifies");
    assert_eq!((ok.entries, ok.checkpoints, ok.signatures), (N, 2, 2));
    let keys = [key.clone()];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // 1. Every byte position of a sample of entries, two different flips each. The bytes
    // before the flipped entry are unchanged, so the chain verification is resumed at that
    // entry from the known good prefix (the same computation `verify` does, without
    // re-hashing the untouched prefix thousands of times); every 25th case runs the full
    // verification (chain, checkpoint roots, signatures) as well.
    let mut sample: Vec<usize> = vec![1, 2, 100, 199, 200];
    while sample.len() < 10 {
        let k = 1 + rng.below(N as u64) as usize;
        if !sample.contains(&k) {
            sample.push(k);
        }
    }
    let good_lines = chain::verify(&ledger).unwrap();
    let (mut flips, mut full) = (0, 0);
    for &k in &sample {
        let start = starts[k - 1];
        let prev = if k == 1 {
            chain::GENESIS
        } else {
            good_lines[k - 2].hash
        };
        let end = if k == N { ledger.len() } else { starts[k] };
        for pos in start..end {
            for mask in [0x01u8, 0x80] {
                let mut t = ledger.clone();
                t[pos] ^= mask;
                let (_, bad) = chain::verify_from(&t[start..], prev, k - 1);
                let bad = bad.unwrap_or_else(|| {
                    panic!("flip {mask:#x} at byte {pos} of entry {k} not detected")
                });
                assert_eq!(
                    bad.line,
                    Some(k),
                    "flip {mask:#x} at byte {pos} of entry {k}: {bad}"
                );
                if flips % 25 == 0 {
                    assert_eq!(
                        first_bad(&t, &checkpoints, &keys),
                        Some(k),
                        "flip {mask:#x} at byte {pos} of entry {k}"
                    );
                    full += 1;
                }
                flips += 1;
            }
        }
    }

    // 2. Delete one entry (the last one too: only the checkpoint can tell).
    let lines = lines_of(&ledger);
    let mut deletions = 0;
    for &k in &sample {
        let mut l = lines.clone();
        l.remove(k - 1);
        assert_eq!(
            first_bad(&l.concat(), &checkpoints, &keys),
            Some(k),
            "delete entry {k}"
        );
        deletions += 1;
    }

    // 3. Swap two entries.
    let mut swaps = 0;
    for _ in 0..20 {
        let a = rng.below(N as u64) as usize;
        let b = rng.below(N as u64) as usize;
        if a == b {
            continue;
        }
        let mut l = lines.clone();
        l.swap(a, b);
        assert_eq!(
            first_bad(&l.concat(), &checkpoints, &keys),
            Some(a.min(b) + 1),
            "swap {} and {}",
            a + 1,
            b + 1
        );
        swaps += 1;
    }

    // 4. Truncate: at 150 random byte offsets and at 30 line boundaries. Mid-line cuts leave
    // a torn last line; clean cuts are caught by the size-200 checkpoint.
    let mut truncations = 0;
    let mut cuts: Vec<usize> = (0..150)
        .map(|_| 1 + rng.below(ledger.len() as u64 - 1) as usize)
        .collect();
    for _ in 0..30 {
        cuts.push(starts[1 + rng.below(N as u64 - 1) as usize]);
    }
    for cut in cuts {
        let kept = starts.iter().filter(|&&s| s < cut).count();
        let whole = starts.iter().skip(1).filter(|&&s| s <= cut).count();
        let expect = if starts.contains(&cut) {
            whole + 1
        } else {
            kept
        };
        assert_eq!(
            first_bad(&ledger[..cut], &checkpoints, &keys),
            Some(expect),
            "truncate at {cut}"
        );
        truncations += 1;
    }

    // 5. Append a forged entry with a valid-looking (well-formed, wrong) hash.
    let mut forged = ledger.clone();
    let fake = json!({"entry": run_entry(7), "hash": format!("{:064x}", rng.next())});
    forged.extend(guardrail::ledger::canon::to_vec(&fake).unwrap());
    forged.push(b'\n');
    assert_eq!(first_bad(&forged, &checkpoints, &keys), Some(N + 1));

    // 6. Rewrite an entry and recompute every later hash (an attacker who knows the format):
    // the chain is consistent again, but the signed checkpoint at 200 no longer matches.
    let mut prev = chain::GENESIS;
    let mut rewritten = Vec::new();
    for (i, l) in chain::verify(&ledger).unwrap().iter().enumerate() {
        let mut e = l.entry.clone();
        if i == 99 {
            e["verdict"] = json!("pass");
            e["findings"] = json!([]);
        }
        let (line, h) = chain::make_line(&prev, &e).unwrap();
        rewritten.extend(line);
        prev = h;
    }
    assert!(chain::verify(&rewritten).is_ok());
    assert_eq!(
        first_bad(&rewritten, &checkpoints, &keys),
        Some(51),
        "rewrite of entry 100"
    );

    // 7. Checkpoints: a forged size, a wrong key, a corrupted signature.
    let forged_cp = checkpoints.replacen("\n50\n", "\n49\n", 1);
    assert!(verify::verify(
        &Snapshot {
            ledger: ledger.clone(),
            checkpoints: forged_cp.into_bytes()
        },
        &keys
    )
    .is_err());
    let other = Signer::generate("test-key").unwrap().verifier();
    let err = verify::verify(&snap, &[other]).unwrap_err();
    assert!(err.message.contains("not signed by any"), "{err}");

    // The binary reports the same, exit 1, naming the entry.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.pub"), key.text()).unwrap();
    let cases: Vec<(&str, Vec<u8>, usize)> = vec![
        (
            "flip",
            {
                let mut t = ledger.clone();
                t[starts[136] + 20] ^= 0x01;
                t
            },
            137,
        ),
        (
            "delete",
            {
                let mut l = lines.clone();
                l.remove(59);
                l.concat()
            },
            60,
        ),
        (
            "swap",
            {
                let mut l = lines.clone();
                l.swap(9, 10);
                l.concat()
            },
            10,
        ),
        ("truncate", ledger[..starts[150]].to_vec(), 151),
        ("forged", forged.clone(), 201),
    ];
    for (name, bytes, entry) in &cases {
        let p = dir.path().join(format!("{name}.jsonl"));
        std::fs::write(&p, bytes).unwrap();
        std::fs::write(dir.path().join(format!("{name}.checkpoints")), &checkpoints).unwrap();
        let out = guardrail(dir.path())
            .args([
                "ledger",
                "verify",
                p.to_str().unwrap(),
                "--pubkey",
                "key.pub",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("entry {entry} ")),
            "{name}: {stderr}"
        );
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{name}: one line: {stderr}"
        );
    }
    let p = dir.path().join("good.jsonl");
    std::fs::write(&p, &ledger).unwrap();
    std::fs::write(dir.path().join("good.checkpoints"), &checkpoints).unwrap();
    guardrail(dir.path())
        .args(["ledger", "verify", "good.jsonl", "--pubkey", "key.pub"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "200 entries, 2 checkpoints (2 signature(s) verified)",
        ));
    println!(
        "tamper: {flips} byte flips over {} entries ({full} through the full verify), {deletions} deletions, {swaps} swaps, {truncations} truncations, 1 forged append, 1 re-chained rewrite, 2 checkpoint forgeries: all detected",
        sample.len()
    );
}

/// Reads a ledger of `note` entries and checks it is `label` 0, 1, 2, … in order.
fn assert_prefix(p: &Path, label: &str) -> usize {
    let bytes = std::fs::read(p).unwrap_or_default();
    let lines = chain::verify(&bytes)
        .unwrap_or_else(|e| panic!("ledger does not verify after a kill: {e}"));
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.entry["label"], label);
        assert_eq!(l.entry["i"], i as u64, "entry {} out of order", i + 1);
    }
    lines.len()
}

#[test]
fn sigkill_at_random_points_during_1000_appends_leaves_a_verifiable_prefix() {
    const TOTAL: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("crash.jsonl");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut kills, mut done, mut spawns) = (0, 0, 0);
    let started = Instant::now();
    while done < TOTAL {
        let mut c = child(dir.path())
            .args([
                "ledger",
                "debug-append",
                "--ledger",
                p.to_str().unwrap(),
                "--label",
                "crash",
            ])
            .args([
                "--start",
                &done.to_string(),
                "--count",
                &(TOTAL - done).to_string(),
            ])
            .spawn()
            .unwrap();
        spawns += 1;
        // Kill once the writer is a random number of appends into its run (polling the file, so
        // the kill lands mid-run however fast or slow the machine is), plus a random sub-ms
        // delay so it also lands inside an append rather than only between two.
        let target = done + 1 + rng.below(40) as usize;
        loop {
            if c.try_wait().unwrap().is_some() {
                break;
            }
            let lines = std::fs::read(&p)
                .map(|b| b.iter().filter(|&&x| x == b'\n').count())
                .unwrap_or(0);
            if lines >= target {
                std::thread::sleep(Duration::from_micros(rng.below(800)));
                if c.try_wait().unwrap().is_none() {
                    c.kill().unwrap(); // SIGKILL
                    kills += 1;
                }
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let status = c.wait().unwrap();
        let now = assert_prefix(&p, "crash");
        assert!(now >= done, "entries lost: {done} -> {now}");
        if status.success() {
            assert_eq!(now, TOTAL);
        }
        done = now;
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "too slow: {done} after {spawns} runs"
        );
    }
    assert_eq!(assert_prefix(&p, "crash"), TOTAL);
    println!(
        "crash: {kills} SIGKILLs over {spawns} writer runs, 1000/1000 entries, {:?}",
        started.elapsed()
    );
    assert!(
        kills >= 5,
        "the test killed too few writers ({kills}) to mean anything"
    );
}

#[test]
fn sixteen_processes_appending_to_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shared.jsonl");
    let started = Instant::now();
    let children: Vec<_> = (0..16)
        .map(|k| {
            child(dir.path())
                .args([
                    "ledger",
                    "debug-append",
                    "--ledger",
                    p.to_str().unwrap(),
                    "--count",
                    "50",
                ])
                .args(["--label", &format!("p{k}")])
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let lines = chain::verify(&std::fs::read(&p).unwrap()).expect("chain valid");
    assert_eq!(lines.len(), 800);
    assert_once_each(
        &lines.iter().map(|l| l.entry.clone()).collect::<Vec<_>>(),
        16,
        50,
    );
    println!(
        "file concurrency: 16 x 50 appends in {:?}",
        started.elapsed()
    );
}

/// Every (label pK, i) for K < procs, i < each appears exactly once, in order per writer.
fn assert_once_each(entries: &[Value], procs: usize, each: u64) {
    let mut seen = HashSet::new();
    let mut last: BTreeMap<String, i64> = BTreeMap::new();
    for e in entries {
        let label = e["label"].as_str().unwrap().to_owned();
        let i = e["i"].as_i64().unwrap();
        assert!(seen.insert((label.clone(), i)), "duplicate {label}/{i}");
        let prev = last.insert(label.clone(), i).unwrap_or(-1);
        assert!(i > prev, "{label}: {i} after {prev}");
    }
    assert_eq!(seen.len(), procs * each as usize);
    for k in 0..procs {
        for i in 0..each as i64 {
            assert!(seen.contains(&(format!("p{k}"), i)), "missing p{k}/{i}");
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn eight_processes_pushing_to_one_git_remote_lose_nothing() {
    const PROCS: usize = 8;
    const EACH: u64 = 20;
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "--bare", "remote.git"]);
    for k in 0..PROCS {
        git(dir.path(), &["clone", "-q", "remote.git", &format!("w{k}")]);
    }
    let started = Instant::now();
    let children: Vec<_> = (0..PROCS)
        .map(|k| {
            child(&dir.path().join(format!("w{k}")))
                .args([
                    "ledger",
                    "debug-append",
                    "--ledger",
                    "git:refs/guardrail/ledger",
                ])
                .args(["--count", &EACH.to_string(), "--label", &format!("p{k}")])
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let elapsed = started.elapsed();
    let remote = dir.path().join("remote.git");
    let text = git(&remote, &["show", "refs/guardrail/ledger:ledger.jsonl"]);
    let lines = chain::verify(text.as_bytes()).expect("chain valid");
    assert_eq!(lines.len(), PROCS * EACH as usize);
    assert_once_each(
        &lines.iter().map(|l| l.entry.clone()).collect::<Vec<_>>(),
        PROCS,
        EACH,
    );
    // One commit per append, each extending its parent's ledger by exactly one line.
    let commits: Vec<String> = git(
        &remote,
        &["rev-list", "--first-parent", "refs/guardrail/ledger"],
    )
    .lines()
    .map(str::to_owned)
    .collect();
    assert_eq!(commits.len(), PROCS * EACH as usize);
    for pair in commits.windows(2).step_by(17) {
        let newer = git(&remote, &["show", &format!("{}:ledger.jsonl", pair[0])]);
        let older = git(&remote, &["show", &format!("{}:ledger.jsonl", pair[1])]);
        assert!(newer.starts_with(&older) && newer.lines().count() == older.lines().count() + 1);
    }
    // Any clone verifies the shared ledger after fetching the ref.
    let w0 = dir.path().join("w0");
    git(
        &w0,
        &[
            "fetch",
            "-q",
            "origin",
            "+refs/guardrail/ledger:refs/guardrail/ledger",
        ],
    );
    guardrail(&w0)
        .args(["ledger", "verify", "git:refs/guardrail/ledger"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("160 entries"));
    println!("git concurrency: {PROCS} x {EACH} pushes in {elapsed:?}");
}

#[test]
fn proofs_for_every_size_up_to_64_verify_and_the_python_verifier_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.jsonl");
    guardrail(dir.path())
        .args([
            "ledger",
            "debug-append",
            "--ledger",
            "l.jsonl",
            "--count",
            "64",
        ])
        .assert()
        .code(0);
    let hashes: Vec<Hash> = chain::verify(&std::fs::read(&p).unwrap())
        .unwrap()
        .iter()
        .map(|l| l.hash)
        .collect();
    let mut docs = Vec::new();
    let mut expect = Vec::new();
    let mut push = |v: Value, ok: bool, docs: &mut Vec<Value>| {
        assert_eq!(proof::check(&v).map(|c| c.ok), Ok(ok), "{v}");
        docs.push(v);
        expect.push(ok);
    };
    let zero = hex::encode([0u8; 32]);
    for n in 1..=64usize {
        for m in 0..n {
            let good = proof::inclusion(&hashes, m, n).unwrap();
            push(good.clone(), true, &mut docs);
            let mut wrong_entry = good.clone();
            wrong_entry["entry_hash"] = json!(hex::encode(hashes[(m + 1) % 64]));
            wrong_entry.as_object_mut().unwrap().remove("leaf_hash");
            push(wrong_entry, false, &mut docs);
            let mut wrong = good.clone();
            if n > 1 {
                wrong["path"][0] = json!(zero);
            } else {
                wrong["root"] = json!(zero);
            }
            push(wrong, false, &mut docs);
        }
        for m in 1..=n {
            let good = proof::consistency(&hashes, m, n).unwrap();
            push(good.clone(), true, &mut docs);
            let mut wrong = good.clone();
            wrong["first_root"] = json!(zero);
            push(wrong, false, &mut docs);
            if m < n {
                let mut wrong = good.clone();
                let last = wrong["path"].as_array().unwrap().len() - 1;
                wrong["path"][last] = json!(zero);
                push(wrong, false, &mut docs);
            }
        }
    }
    let all = dir.path().join("proofs.json");
    std::fs::write(&all, serde_json::to_vec(&docs).unwrap()).unwrap();
    let script = root().join("tests").join("merkle_verify.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(["proofs", all.to_str().unwrap()])
        .output()
        .expect("python3 is needed for the independent verifier");
    let py: Vec<bool> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(py.len(), expect.len());
    let disagree: Vec<usize> = (0..py.len()).filter(|&i| py[i] != expect[i]).collect();
    assert!(
        disagree.is_empty(),
        "python disagrees on {} proofs, e.g. {}",
        disagree.len(),
        docs[disagree[0]]
    );

    // The CLI's proofs verify with the CLI and with Python; a tampered one fails both.
    for (n, size) in [(1, 1), (5, 64), (64, 64), (17, 33)] {
        let out = guardrail(dir.path())
            .args([
                "ledger",
                "prove",
                &n.to_string(),
                "--size",
                &size.to_string(),
                "--ledger",
                "l.jsonl",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let pf = dir.path().join(format!("p{n}.json"));
        std::fs::write(&pf, &out.stdout).unwrap();
        guardrail(dir.path())
            .args(["ledger", "verify-proof", pf.to_str().unwrap()])
            .assert()
            .code(0);
        let py = Command::new("python3")
            .arg(&script)
            .args(["proofs", pf.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&py.stdout).trim(), "[true]");
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["tree_size"] = json!(size + 1);
        v["leaf_index"] = json!(n);
        std::fs::write(&pf, serde_json::to_vec(&v).unwrap()).unwrap();
        guardrail(dir.path())
            .args(["ledger", "verify-proof", pf.to_str().unwrap()])
            .assert()
            .code(1);
    }
    let out = guardrail(dir.path())
        .args(["ledger", "consistency", "10", "--ledger", "l.jsonl"])
        .output()
        .unwrap();
    let cf = dir.path().join("c.json");
    std::fs::write(&cf, &out.stdout).unwrap();
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    guardrail(dir.path())
        .args([
            "ledger",
            "verify-proof",
            "c.json",
            "--old-root",
            c["first_root"].as_str().unwrap(),
        ])
        .assert()
        .code(0);
    guardrail(dir.path())
        .args(["ledger", "verify-proof", "c.json", "--root", &zero])
        .assert()
        .code(1);
    // The Python chain check computes the same root as `ledger verify`.
    let py = Command::new("python3")
        .arg(&script)
        .args(["ledger", p.to_str().unwrap()])
        .output()
        .unwrap();
    let pyv: Value = serde_json::from_slice(&py.stdout).unwrap();
    let ours = guardrail(dir.path())
        .args(["ledger", "verify", "l.jsonl", "--format", "json"])
        .output()
        .unwrap();
    let ours: Value = serde_json::from_slice(&ours.stdout).unwrap();
    assert_eq!(pyv["entries"], 64);
    assert_eq!(pyv["root"], ours["root"]);
    println!(
        "proofs: {} documents checked by Rust and Python, all agree",
        docs.len()
    );
}

fn repo_with_change(content: &str) -> TempRepo {
    let r = TempRepo::new();
    r.write("app.py", "import db\n");
    r.commit("init");
    r.write("app.py", format!("import db\n{content}"));
    r.commit("change");
    r
}

fn ledger_entries(p: &Path) -> Vec<Value> {
    chain::verify(&std::fs::read(p).unwrap())
        .unwrap()
        .into_iter()
        .map(|l| l.entry)
        .collect()
}

#[test]
fn check_appends_a_run_entry_without_code_and_show_filters_it() {
    let sql = "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n";
    let r = repo_with_change(&format!("def find(cur, name):\n{sql}"));
    r.git(&[
        "remote",
        "add",
        "origin",
        "https://ci-token:s3cr3t@example.com/o/r.git",
    ]);
    let out = guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        [0, 1, 3].contains(&code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = r.path().join(".git/guardrail/ledger.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let entries = ledger_entries(&p);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["type"], "run");
    assert_eq!(e["v"], 1);
    assert_eq!(e["command"], "check");
    assert_eq!(e["head"], r.git(&["rev-parse", "HEAD"]));
    assert_eq!(e["base"], r.git(&["rev-parse", "HEAD~1"]));
    assert_eq!(e["verdict"], report["verdict"]);
    assert_eq!(
        e["repo"], "https://example.com/o/r.git",
        "credentials must not reach the ledger"
    );
    assert_eq!(e["diff_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(e["rules_sha256"].as_str().unwrap().len(), 64);
    assert!(e["db_sources"].is_array());
    let findings = e["findings"].as_array().unwrap();
    assert_eq!(findings.len(), report["findings"].as_array().unwrap().len());
    for (f, rf) in findings.iter().zip(report["findings"].as_array().unwrap()) {
        assert_eq!(f["fingerprint"], rf["fingerprint"]);
        let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["fingerprint", "line", "path", "rule", "severity"]);
    }
    assert!(!text.contains("SELECT"), "code must not reach the ledger");
    assert!(!text.contains("s3cr3t"));

    // A second run, then filters.
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--head", "HEAD~1"])
        .assert()
        .code(0);
    assert_eq!(ledger_entries(&p).len(), 2);
    let head = r.git(&["rev-parse", "HEAD"]);
    let shown = guardrail(r.path())
        .args(["ledger", "show", "--head", &head[..10], "--format", "json"])
        .output()
        .unwrap();
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown.as_array().unwrap().len(), 1);
    assert_eq!(shown[0]["n"], 1);
    let shown = guardrail(r.path())
        .args(["ledger", "show", "--verdict", "pass"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&shown.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("verdict=pass") && text.trim_start().starts_with('2'),
        "{text}"
    );
    let shown = guardrail(r.path())
        .args(["ledger", "show", "--until", "2000-01-01"])
        .output()
        .unwrap();
    assert!(shown.stdout.is_empty());
    guardrail(r.path())
        .args(["ledger", "verify"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("2 entries, 0 checkpoints"));

    // --no-ledger appends nothing.
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1", "--no-ledger"])
        .assert()
        .code(code);
    assert_eq!(ledger_entries(&p).len(), 2);
}

#[test]
fn plain_diff_outside_a_repository_skips_the_ledger_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.diff"),
        "--- a/x.txt\n+++ b/x.txt\n@@ -1 +1,2 @@\n a\n+b\n",
    )
    .unwrap();
    let out = guardrail(dir.path())
        .args(["check", "--diff", "c.diff"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("not recorded in the audit ledger"),
        "{stderr}"
    );
    // With --ledger it is recorded (no base or head).
    guardrail(dir.path())
        .args(["check", "--diff", "c.diff", "--ledger", "audit.jsonl"])
        .assert()
        .code(0);
    let e = &ledger_entries(&dir.path().join("audit.jsonl"))[0];
    assert!(e["head"].is_null() && e["base"].is_null());
    assert_eq!(e["verdict"], "pass");
}

#[test]
fn a_ledger_that_cannot_be_appended_to_fails_the_run_with_exit_2() {
    let r = repo_with_change("x = 1\n");
    guardrail(r.path())
        .args(["check", "--base", "HEAD~1"])
        .assert()
        .code(0);
    let p = r.path().join(".git/guardrail/ledger.jsonl");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend_from_slice(b"{\"entry\":{\"type\":\"ru");
    std::fs::write(&p, &bytes).unwrap();
    let out = guardrail(r.path())
        .args(["check", "--base", "HEAD~1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("audit ledger") && stderr.contains("incomplete"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&p).unwrap(),
        bytes,
        "the torn ledger is left as it was"
    );
    let out = guardrail(r.path())
        .args(["ledger", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 2 (line 2): incomplete last line"));
}

#[test]
fn git_ref_store_without_a_remote_stays_local_and_verifies() {
    let r = repo_with_change("x = 1\n");
    for _ in 0..2 {
        guardrail(r.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--ledger",
                "git:refs/guardrail/ledger",
            ])
            .assert()
            .code(0);
    }
    let text = r.git(&["show", "refs/guardrail/ledger:ledger.jsonl"]);
    assert_eq!(text.lines().count(), 2);
    assert_eq!(
        r.git(&["rev-list", "--count", "refs/guardrail/ledger"]),
        "2"
    );
    // The working tree, index and branch are untouched.
    assert_eq!(r.git(&["status", "--porcelain"]), "");
    assert_eq!(r.git(&["rev-list", "--count", "HEAD"]), "2");
    guardrail(r.path())
        .args(["ledger", "verify", "git:refs/guardrail/ledger"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("2 entries"));
    assert!(
        guardrail(r.path())
            .args(["check", "--base", "HEAD~1", "--ledger", "git:main"])
            .output()
            .unwrap()
            .status
            .code()
            == Some(2)
    );
}

#[test]
fn keygen_checkpoint_and_verify_with_keys() {
    let dir = tempfile::tempdir().unwrap();
    guardrail(dir.path())
        .args([
            "ledger",
            "debug-append",
            "--ledger",
            "l.jsonl",
            "--count",
            "3",
        ])
        .assert()
        .code(0);
    let out = guardrail(dir.path())
        .args([
            "ledger",
            "keygen",
            "--out",
            "k",
            "--name",
            "ci.example/ledger",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let vkey = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(vkey.starts_with("ci.example/ledger+"), "{vkey}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("k.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // keygen never overwrites a key.
    guardrail(dir.path())
        .args(["ledger", "keygen", "--out", "k"])
        .assert()
        .code(2);
    let note = guardrail(dir.path())
        .args([
            "ledger",
            "checkpoint",
            "--key",
            "k.key",
            "--ledger",
            "l.jsonl",
            "--origin",
            "example.com/log",
        ])
        .output()
        .unwrap();
    let note = String::from_utf8_lossy(&note.stdout).into_owned();
    assert!(note.starts_with("example.com/log\n3\n"), "{note}");
    assert!(note.contains("\n\n\u{2014} ci.example/ledger "), "{note}");
    guardrail(dir.path())
        .args(["ledger", "debug-append", "--ledger", "l.jsonl"])
        .assert()
        .code(0);
    guardrail(dir.path())
        .args([
            "ledger",
            "checkpoint",
            "--key",
            "k.key",
            "--ledger",
            "l.jsonl",
        ])
        .assert()
        .code(0);
    guardrail(dir.path())
        .args(["ledger", "verify", "l.jsonl", "--pubkey", &vkey])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "4 entries, 2 checkpoints (2 signature(s) verified)",
        ));
    guardrail(dir.path())
        .args(["ledger", "keygen", "--out", "other"])
        .assert()
        .code(0);
    guardrail(dir.path())
        .args(["ledger", "verify", "l.jsonl", "--pubkey", "other.pub"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "not signed by any of the given keys",
        ));
}

/// A ledger and checkpoint made once and committed: the format must not drift.
#[test]
fn committed_fixture_ledger_still_verifies_here_and_in_python() {
    let fx = root().join("fixtures").join("ledger");
    let pubkey = std::fs::read_to_string(fx.join("fixture.pub")).unwrap();
    let out = guardrail(&fx)
        .args([
            "ledger",
            "verify",
            "ledger.jsonl",
            "--pubkey",
            pubkey.trim(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signatures"], 1);
    let py = Command::new("python3")
        .arg(root().join("tests").join("merkle_verify.py"))
        .args(["ledger", fx.join("ledger.jsonl").to_str().unwrap()])
        .output()
        .unwrap();
    let pyv: Value = serde_json::from_slice(&py.stdout).unwrap();
    assert_eq!(pyv["root"], v["root"]);
    assert_eq!(pyv["entries"], v["entries"]);
}
