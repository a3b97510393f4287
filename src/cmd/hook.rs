//! `guardrail hook …`: installs the git hook scripts and runs them. The scripts only call
//! `guardrail hook run pre-push|pre-commit`, so the logic (which range to check, what to print
//! when the push is refused) lives here, in one place, and is tested.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use guardrail::cli::hook::HookCommand;
use guardrail::engine::{ChangeSource, CheckSettings};
use guardrail::finding::Severity;
use guardrail::git::Repo;
use guardrail::policy::Verdict;
use guardrail::report::{self, Format, Report};
use guardrail::review::local::Queue;
use guardrail::review::{self, FinishOptions};

use super::{print_notes, Ui};

/// Marks scripts guardrail wrote (and may overwrite).
const MARK: &str = "# installed by `guardrail hook install`";
const ZERO: &str = "0000000000000000000000000000000000000000";

pub(crate) fn run(cmd: &HookCommand, cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    match cmd {
        HookCommand::Install { pre_commit, force } => install(&cwd, *pre_commit, *force),
        HookCommand::Run { hook, args } => {
            let repo = Repo::discover(&cwd)?;
            if hook == "pre-commit" {
                let code = gate(&repo, ChangeSource::Staged, None)?;
                return Ok(code);
            }
            pre_push(&repo, args)
        }
    }
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn install(cwd: &Path, pre_commit: bool, force: bool) -> anyhow::Result<i32> {
    let repo = Repo::discover(cwd)?;
    let rel = String::from_utf8_lossy(&repo.run(&["rev-parse", "--git-path", "hooks"])?)
        .trim()
        .to_owned();
    let dir = if Path::new(&rel).is_absolute() {
        PathBuf::from(&rel)
    } else {
        repo.root().join(&rel)
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    let name = if pre_commit { "pre-commit" } else { "pre-push" };
    let path = dir.join(name);
    if let Ok(old) = std::fs::read_to_string(&path) {
        if !old.contains(MARK) && !force {
            bail!(
                "{}: a {name} hook already exists and was not written by guardrail; add `guardrail hook run {name} \"$@\"` to it, or pass --force to replace it",
                path.display()
            );
        }
    }
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "guardrail".into());
    let script = format!(
        "#!/bin/sh\n{MARK}; delete this file to uninstall.\n# Runs guardrail on what is being {what}; refuses it while red or undecided yellow findings remain.\nGUARDRAIL=${{GUARDRAIL_BIN:-{exe}}}\ncommand -v \"$GUARDRAIL\" >/dev/null 2>&1 || GUARDRAIL=guardrail\nexec \"$GUARDRAIL\" hook run {name} \"$@\"\n",
        what = if pre_commit { "committed" } else { "pushed" },
        exe = sh_quote(&exe),
    );
    std::fs::write(&path, script).with_context(|| format!("{}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("{}", path.display()))?;
    }
    println!("installed {}", path.display());
    Ok(0)
}

/// One ref being pushed.
struct Push {
    local_sha: String,
    remote_ref: String,
    remote_sha: String,
}

fn pre_push(repo: &Repo, args: &[String]) -> anyhow::Result<i32> {
    let remote = args.first().cloned().unwrap_or_else(|| "origin".into());
    let mut pushes = Vec::new();
    if !std::io::stdin().is_terminal() {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading the refs git is pushing")?;
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let [_local_ref, local_sha, remote_ref, remote_sha] = parts.as_slice() {
                pushes.push(Push {
                    local_sha: (*local_sha).to_owned(),
                    remote_ref: (*remote_ref).to_owned(),
                    remote_sha: (*remote_sha).to_owned(),
                });
            }
        }
    }
    // The pre-commit framework passes the range in variables instead.
    if pushes.is_empty() {
        if let (Ok(from), Ok(to)) = (
            std::env::var("PRE_COMMIT_FROM_REF"),
            std::env::var("PRE_COMMIT_TO_REF"),
        ) {
            pushes.push(Push {
                local_sha: repo.resolve(&to)?,
                remote_ref: std::env::var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
                remote_sha: repo.resolve(&from).unwrap_or_else(|_| ZERO.into()),
            });
        }
    }
    let mut worst = 0;
    for p in pushes {
        if p.local_sha.chars().all(|c| c == '0') {
            continue; // a deletion
        }
        let Some(base) = push_base(repo, &remote, &p)? else {
            continue;
        };
        let branch = p.remote_ref.strip_prefix("refs/heads/").map(str::to_owned);
        let code = gate(
            repo,
            ChangeSource::Revisions {
                base: Some(base),
                head: p.local_sha.clone(),
            },
            branch,
        )?;
        worst = worst_code(worst, code);
    }
    Ok(worst)
}

fn worst_code(a: i32, b: i32) -> i32 {
    let rank = |c: i32| match c {
        0 => 0,
        3 => 1,
        _ => 2,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// The base of a pushed range: the remote's old tip when we have it, else the parent of the
/// oldest commit the remote does not have yet.
fn push_base(repo: &Repo, remote: &str, p: &Push) -> anyhow::Result<Option<String>> {
    if !p.remote_sha.chars().all(|c| c == '0') {
        if let Ok(sha) = repo.resolve(&p.remote_sha) {
            return Ok(Some(sha));
        }
    }
    let not_remote = format!("--remotes={remote}");
    let out = repo.run(&[
        "rev-list",
        "--topo-order",
        "--reverse",
        &p.local_sha,
        "--not",
        &not_remote,
    ])?;
    let text = String::from_utf8_lossy(&out);
    let Some(oldest) = text.lines().next() else {
        return Ok(None); // nothing new
    };
    match repo.resolve(&format!("{oldest}~1")) {
        Ok(parent) => Ok(Some(parent)),
        Err(_) => {
            eprintln!(
                "guardrail: note: pushing history that starts at a root commit: nothing to compare against (run `guardrail scan` for a baseline)"
            );
            Ok(None)
        }
    }
}

/// Checks one change like `guardrail check` would, records pending yellow findings in the
/// local queue, and explains a refusal. Returns the exit code (0 lets git go on).
fn gate(repo: &Repo, source: ChangeSource, branch: Option<String>) -> anyhow::Result<i32> {
    let env = guardrail::cli::environment();
    let settings = CheckSettings {
        cwd: repo.root().to_owned(),
        source,
        config: None,
        rules: Vec::new(),
        db: std::env::var_os("GUARDRAIL_DB_DIR").map(PathBuf::from),
        // Hooks must be fast and work on a plane; CI does the registry look-ups.
        offline: true,
        record: true,
        env,
    };
    let opts = FinishOptions {
        publish: None,
        ledger: std::env::var("GUARDRAIL_LEDGER")
            .ok()
            .filter(|v| !v.is_empty()),
        no_ledger: false,
        enqueue: true,
        branch,
        env: review::ForgeEnv::from_fn(|k| std::env::var(k).ok()),
    };
    // The hook records no run entry (CI does); decisions still go to the ledger.
    let (outcome, fin) = review::check(&settings, &mut std::io::empty(), &opts, &mut |_| {
        Ok(Vec::new())
    })?;
    print_notes(&outcome.notes);
    print_notes(&fin.notes);
    if outcome.verdict == Verdict::Pass {
        return Ok(0);
    }
    let shown: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .cloned()
        .collect();
    let rep = Report {
        verdict: outcome.verdict,
        base: outcome.base.as_deref(),
        head: outcome.head.as_deref(),
        findings: &shown,
        rules: Some(&outcome.rules),
        provenance: fin.provenance.as_deref(),
        started: outcome.started,
    };
    let mut buf = Vec::new();
    report::write(Format::Text, &rep, &mut buf, false)?;
    let mut msg = String::from_utf8_lossy(&buf).into_owned();
    let pending = review::pending(&outcome.findings);
    if outcome.verdict == Verdict::Block {
        msg.push_str("\nguardrail: refused: red or rejected findings block this change; fix the code (or, for a red finding, add an ignore with reason and expiry to the base branch's .guardrail.yml).\n");
    }
    if !pending.is_empty() {
        let queue = Queue::open(repo)?;
        msg.push_str(&format!(
            "\nguardrail: refused: {} yellow finding(s) await a decision:\n",
            pending.len()
        ));
        for f in &pending {
            let id = queue
                .file
                .items
                .iter()
                .find(|it| it.fingerprint == f.fingerprint)
                .map(|it| it.id.clone())
                .unwrap_or_else(|| f.fingerprint.chars().take(8).collect());
            let loc = f
                .line
                .map(|l| format!("{}:{l}", f.path))
                .unwrap_or_else(|| f.path.clone());
            msg.push_str(&format!("  {id}  {}  {loc}\n", f.rule));
        }
        msg.push_str("Decide each one, then push again:\n");
        for f in &pending {
            let id = queue
                .file
                .items
                .iter()
                .find(|it| it.fingerprint == f.fingerprint)
                .map(|it| it.id.clone())
                .unwrap_or_default();
            msg.push_str(&format!(
                "  guardrail review accept {id} --reason \"why this is safe\"\n  guardrail review reject {id} --reason \"why not\"\n"
            ));
        }
    }
    eprint!("{msg}");
    Ok(outcome.verdict.exit_code())
}
