//! `guardrail review …`: the local review queue (`.git/guardrail/queue.json`).

use std::path::PathBuf;

use anyhow::Context as _;
use guardrail::cli::review::{DecideArgs, ReviewCommand};
use guardrail::git::Repo;
use guardrail::review::local::{Item, ItemState, Queue};

use super::{emit_stdout, Ui};

pub(crate) fn run(cmd: &ReviewCommand, cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    let repo = Repo::discover(&cwd)?;
    match cmd {
        ReviewCommand::List { all, json } => {
            let queue = Queue::open(&repo)?;
            let items: Vec<&Item> = queue
                .file
                .items
                .iter()
                .filter(|it| *all || it.state == ItemState::Pending)
                .collect();
            let out = if *json {
                let mut s = serde_json::to_string_pretty(&items)?;
                s.push('\n');
                s
            } else if items.is_empty() {
                if *all {
                    "The review queue is empty.\n".to_owned()
                } else {
                    "No pending review items.\n".to_owned()
                }
            } else {
                let mut s = String::new();
                for it in &items {
                    s.push_str(&format!(
                        "{:<10} {:<8} {:<6} {} {} — {}\n",
                        it.id,
                        it.state.as_str(),
                        it.severity.as_str(),
                        it.rule,
                        location(it),
                        first_line(&it.message, 100)
                    ));
                }
                let pending = items
                    .iter()
                    .filter(|it| it.state == ItemState::Pending)
                    .count();
                if pending > 0 {
                    s.push_str("\nDecide with `guardrail review accept ID --reason TEXT` or `guardrail review reject ID --reason TEXT`.\n");
                }
                s
            };
            emit_stdout(out.as_bytes())?;
            Ok(0)
        }
        ReviewCommand::Show { id } => {
            let queue = Queue::open(&repo)?;
            let it = &queue.file.items[queue.find(id)?];
            let mut s = format!(
                "id:          {}\nfingerprint: {}\nstate:       {}\nseverity:    {}\nrule:        {}\nlocation:    {}\nline sha256: {}\nfirst seen:  {}\n",
                it.id,
                it.fingerprint,
                it.state.as_str(),
                it.severity.as_str(),
                it.rule,
                location(it),
                it.line_sha256.as_deref().unwrap_or("-"),
                it.first_seen
            );
            if let Some(by) = &it.by {
                s.push_str(&format!(
                    "decided by:  {by} at {}\n",
                    it.decided_at.as_deref().unwrap_or("?")
                ));
            }
            if let Some(r) = &it.reason {
                s.push_str(&format!("reason:      {r}\n"));
            }
            s.push_str(&format!("\n{}\n", it.message));
            if let Some(snip) = &it.snippet {
                s.push_str(&format!("\n    {snip}\n"));
            }
            emit_stdout(s.as_bytes())?;
            Ok(0)
        }
        ReviewCommand::Accept(a) => decide(&repo, a, true),
        ReviewCommand::Reject(a) => decide(&repo, a, false),
    }
}

fn decide(repo: &Repo, a: &DecideArgs, accept: bool) -> anyhow::Result<i32> {
    let by = reviewer(repo);
    let mut queue = Queue::open(repo)?;
    let (item, rec) = queue.decide(&a.id, accept, &a.reason, &by)?;
    if !a.no_ledger {
        guardrail::review::log_decision(a.ledger.as_deref(), Some(repo), &rec)
            .context("recording the decision")?;
    }
    queue.save()?;
    let verb = if accept { "accepted" } else { "rejected" };
    emit_stdout(
        format!(
            "{verb} {} ({} at {}) as {by}\n",
            item.id,
            item.rule,
            location(&item)
        )
        .as_bytes(),
    )?;
    Ok(0)
}

/// Who decides locally: `GUARDRAIL_REVIEWER`, else git's `user.name <user.email>`.
fn reviewer(repo: &Repo) -> String {
    if let Some(r) = std::env::var("GUARDRAIL_REVIEWER")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return r;
    }
    let get = |k: &str| {
        repo.run(&["config", "--get", k])
            .ok()
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    match (get("user.name"), get("user.email")) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (Some(n), None) => n,
        (None, Some(e)) => e,
        (None, None) => "unknown".into(),
    }
}

fn location(it: &Item) -> String {
    match it.line {
        Some(l) => format!("{}:{l}", it.path),
        None => it.path.clone(),
    }
}

fn first_line(s: &str, max: usize) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.chars().count() > max {
        format!("{}…", l.chars().take(max).collect::<String>())
    } else {
        l.to_owned()
    }
}
