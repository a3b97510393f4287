//! `guardrail ledger …`: verify, show, proofs, keys and checkpoints.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use guardrail::cli::ledger::{
    CheckpointArgs, ConsistencyArgs, DebugAppendArgs, KeygenArgs, LedgerCommand, LedgerFormat,
    ProveArgs, ShowArgs, VerifyArgs, VerifyProofArgs,
};
use guardrail::git::Repo;
use guardrail::ledger::checkpoint::{Signer, Verifier};
use guardrail::ledger::query::{self, Filter};
use guardrail::ledger::{chain, merkle, proof, verify, Store};
use serde_json::{json, Value};

use super::{emit_stdout, Ui};

pub(crate) fn run(cmd: &LedgerCommand, cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    match cmd {
        LedgerCommand::Verify(a) => cmd_verify(a, &cwd),
        LedgerCommand::Show(a) => cmd_show(a, &cwd),
        LedgerCommand::Prove(a) => cmd_prove(a, &cwd),
        LedgerCommand::Consistency(a) => cmd_consistency(a, &cwd),
        LedgerCommand::VerifyProof(a) => cmd_verify_proof(a),
        LedgerCommand::Keygen(a) => cmd_keygen(a, &cwd),
        LedgerCommand::Checkpoint(a) => cmd_checkpoint(a, &cwd),
        LedgerCommand::DebugAppend(a) => cmd_debug_append(a, &cwd),
    }
}

fn open_store(spec: Option<&str>, cwd: &Path) -> anyhow::Result<Store> {
    let repo = Repo::discover(cwd).ok();
    Ok(Store::resolve(spec, repo.as_ref(), Some(cwd))?)
}

/// The store, which must exist.
fn existing_store(spec: Option<&str>, cwd: &Path) -> anyhow::Result<Store> {
    let s = open_store(spec, cwd)?;
    if !s.exists()? {
        bail!("no ledger at {}", s.display().display());
    }
    Ok(s)
}

fn print_json(v: &Value) -> anyhow::Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    emit_stdout(s.as_bytes())
}

fn read_key_arg(arg: &str) -> anyhow::Result<String> {
    let p = Path::new(arg);
    if !arg.contains('+') || p.is_file() {
        return std::fs::read_to_string(p).with_context(|| format!("{}", p.display()));
    }
    Ok(arg.to_owned())
}

fn cmd_verify(a: &VerifyArgs, cwd: &Path) -> anyhow::Result<i32> {
    let spec = a.path.as_deref().or(a.loc.ledger.as_deref());
    let store = existing_store(spec, cwd)?;
    let shown = store.display();
    let keys = a
        .pubkeys
        .iter()
        .map(|k| {
            let text = read_key_arg(k)?;
            Verifier::parse(&text).map_err(|e| anyhow!("--pubkey {k}: {e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let snap = store.read()?;
    let cover = verify::Coverage {
        window: a.checkpoint_window.0,
        now: time::OffsetDateTime::now_utc(),
    };
    let history = store
        .history_problem()?
        .map(|message| guardrail::ledger::chain::Invalid {
            line: None,
            message,
        });
    let result = match history {
        Some(bad) => Err(bad),
        None => verify::verify_covered(&snap, &keys, &cover),
    };
    match result {
        Ok(r) => {
            match a.format {
                LedgerFormat::Json => print_json(&json!({
                    "ledger": shown.display().to_string(),
                    "ok": true,
                    "entries": r.entries,
                    "checkpoints": r.checkpoints,
                    "signatures": r.signatures,
                    "root": hex::encode(r.root),
                    "notes": r.notes,
                }))?,
                LedgerFormat::Text => {
                    let sigs = if keys.is_empty() {
                        "signatures not checked".to_owned()
                    } else {
                        format!("{} signature(s) verified", r.signatures)
                    };
                    let text = format!(
                        "ledger {}: ok: {} entries, {} checkpoints ({sigs}); root {}\n",
                        shown.display(),
                        r.entries,
                        r.checkpoints,
                        hex::encode(r.root)
                    );
                    emit_stdout(text.as_bytes())?;
                    for n in &r.notes {
                        eprintln!("guardrail: note: {n}");
                    }
                }
            }
            Ok(0)
        }
        Err(bad) => {
            match a.format {
                LedgerFormat::Json => print_json(&json!({
                    "ledger": shown.display().to_string(),
                    "ok": false,
                    "entry": bad.line,
                    "error": bad.message,
                }))?,
                LedgerFormat::Text => {
                    eprintln!("guardrail: ledger {}: INVALID: {bad}", shown.display())
                }
            }
            Ok(1)
        }
    }
}

fn cmd_show(a: &ShowArgs, cwd: &Path) -> anyhow::Result<i32> {
    let store = existing_store(a.loc.ledger.as_deref(), cwd)?;
    let filter = Filter {
        head: a.head.clone(),
        fingerprint: a.fingerprint.clone(),
        verdict: a.verdict.clone(),
        kind: a.kind.clone(),
        since: a
            .since
            .as_deref()
            .map(|s| query::parse_date(s, false))
            .transpose()
            .map_err(|e| anyhow!("--since: {e}"))?,
        until: a
            .until
            .as_deref()
            .map(|s| query::parse_date(s, true))
            .transpose()
            .map_err(|e| anyhow!("--until: {e}"))?,
    };
    let snap = store.read()?;
    let (lines, bad) = chain::verify_prefix(&snap.ledger);
    if let Some(bad) = &bad {
        eprintln!(
            "guardrail: warning: ledger {} does not verify ({bad}); showing only the entries before it",
            store.display().display()
        );
    }
    let shown: Vec<&chain::Line> = lines.iter().filter(|l| filter.matches(&l.entry)).collect();
    match a.format {
        LedgerFormat::Json => {
            let arr: Vec<Value> = shown
                .iter()
                .map(|l| json!({"n": l.number, "hash": hex::encode(l.hash), "entry": l.entry}))
                .collect();
            print_json(&Value::Array(arr))?;
        }
        LedgerFormat::Text => {
            let mut out = String::new();
            for l in &shown {
                out.push_str(&query::text_line(l.number, &l.entry));
                out.push('\n');
            }
            emit_stdout(out.as_bytes())?;
        }
    }
    Ok(if bad.is_some() { 1 } else { 0 })
}

/// The entry hashes of a ledger that must verify.
fn verified_hashes(store: &Store) -> anyhow::Result<Vec<chain::Hash>> {
    let snap = store.read()?;
    let lines = chain::verify(&snap.ledger).map_err(|bad| {
        anyhow!(
            "ledger {} does not verify: {bad}",
            store.display().display()
        )
    })?;
    Ok(lines.iter().map(|l| l.hash).collect())
}

fn cmd_prove(a: &ProveArgs, cwd: &Path) -> anyhow::Result<i32> {
    let store = existing_store(a.loc.ledger.as_deref(), cwd)?;
    let hashes = verified_hashes(&store)?;
    let size = a.size.unwrap_or(hashes.len() as u64);
    if size > hashes.len() as u64 {
        bail!(
            "--size {size}: the ledger has only {} entries",
            hashes.len()
        );
    }
    if a.entry == 0 || a.entry > size {
        bail!(
            "entry {} is not in a tree of {size} entries (entries are numbered from 1)",
            a.entry
        );
    }
    let p = proof::inclusion(&hashes, (a.entry - 1) as usize, size as usize)
        .ok_or_else(|| anyhow!("entry out of range"))?;
    print_json(&p)?;
    Ok(0)
}

fn cmd_consistency(a: &ConsistencyArgs, cwd: &Path) -> anyhow::Result<i32> {
    let store = existing_store(a.loc.ledger.as_deref(), cwd)?;
    let hashes = verified_hashes(&store)?;
    let size = a.size.unwrap_or(hashes.len() as u64);
    if size > hashes.len() as u64 {
        bail!(
            "--size {size}: the ledger has only {} entries",
            hashes.len()
        );
    }
    if a.old_size == 0 || a.old_size > size {
        bail!("OLD_SIZE must be between 1 and {size}");
    }
    let p = proof::consistency(&hashes, a.old_size as usize, size as usize)
        .ok_or_else(|| anyhow!("size out of range"))?;
    print_json(&p)?;
    Ok(0)
}

fn cmd_verify_proof(a: &VerifyProofArgs) -> anyhow::Result<i32> {
    let text = if a.file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("<stdin>")?;
        s
    } else {
        std::fs::read_to_string(&a.file).with_context(|| a.file.display().to_string())?
    };
    let v: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("{}: not JSON: {e}", a.file.display()))?;
    let c = proof::check(&v).map_err(|e| anyhow!("{}: {e}", a.file.display()))?;
    let want_root = a
        .root
        .as_deref()
        .map(proof::parse_hash)
        .transpose()
        .map_err(|e| anyhow!("--root: {e}"))?;
    let want_old = a
        .old_root
        .as_deref()
        .map(proof::parse_hash)
        .transpose()
        .map_err(|e| anyhow!("--old-root: {e}"))?;
    let mut problems = Vec::new();
    if !c.ok {
        problems.push("the path does not lead to the stated root".to_owned());
    }
    if want_root.is_some_and(|w| w != c.root) {
        problems.push("the root is not the one given with --root".to_owned());
    }
    if want_old.is_some() && c.old_root != want_old {
        problems.push("the older root is not the one given with --old-root".to_owned());
    }
    if problems.is_empty() {
        emit_stdout(format!("ok: {}\n", c.claim).as_bytes())?;
        Ok(0)
    } else {
        eprintln!(
            "guardrail: proof does NOT verify ({}): {}",
            c.claim,
            problems.join("; ")
        );
        Ok(1)
    }
}

fn cmd_keygen(a: &KeygenArgs, cwd: &Path) -> anyhow::Result<i32> {
    let signer = Signer::generate(&a.name).map_err(|e| anyhow!("--name: {e}"))?;
    let prefix = if a.out.is_relative() {
        cwd.join(&a.out)
    } else {
        a.out.clone()
    };
    let mut key_path = prefix.clone().into_os_string();
    key_path.push(".key");
    let mut pub_path = prefix.into_os_string();
    pub_path.push(".pub");
    let (key_path, pub_path) = (PathBuf::from(key_path), PathBuf::from(pub_path));
    write_private(&key_path, &format!("{}\n", signer.private_text()))?;
    let vkey = signer.verifier().text();
    std::fs::write(&pub_path, format!("{vkey}\n"))
        .with_context(|| pub_path.display().to_string())?;
    eprintln!(
        "guardrail: wrote {} (private, keep secret) and {}",
        key_path.display(),
        pub_path.display()
    );
    emit_stdout(format!("{vkey}\n").as_bytes())?;
    Ok(0)
}

/// Creates a new file readable only by its owner; refuses to overwrite.
fn write_private(p: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(p)
        .with_context(|| format!("{} (refusing to overwrite an existing key)", p.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| p.display().to_string())?;
    f.sync_all().with_context(|| p.display().to_string())?;
    Ok(())
}

fn cmd_checkpoint(a: &CheckpointArgs, cwd: &Path) -> anyhow::Result<i32> {
    let key_path = if a.key.is_relative() {
        cwd.join(&a.key)
    } else {
        a.key.clone()
    };
    let text =
        std::fs::read_to_string(&key_path).with_context(|| key_path.display().to_string())?;
    let signer = Signer::parse(&text).map_err(|e| anyhow!("{}: {e}", key_path.display()))?;
    let origin = a.origin.clone().unwrap_or_else(|| signer.name().to_owned());
    let store = existing_store(a.loc.ledger.as_deref(), cwd)?;
    let shown = store.display();
    let note = store.append_checkpoint(&|ledger: &[u8]| {
        let lines = chain::verify(ledger).map_err(|bad| guardrail::error::Error::Ledger {
            path: shown.clone(),
            message: format!("refusing to sign a ledger that does not verify: {bad}"),
        })?;
        let root = merkle::root(&verify::leaves(&lines));
        signer
            .sign(&origin, lines.len() as u64, &root)
            .map_err(guardrail::error::Error::Usage)
    })?;
    emit_stdout(note.as_bytes())?;
    Ok(0)
}

fn cmd_debug_append(a: &DebugAppendArgs, cwd: &Path) -> anyhow::Result<i32> {
    let store = open_store(a.loc.ledger.as_deref(), cwd)?;
    for i in a.start..a.start.saturating_add(a.count) {
        let e = guardrail::ledger::entry("note", &json!({"label": a.label, "i": i}))?;
        store.append(&[e])?;
    }
    Ok(0)
}
