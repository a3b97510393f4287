//! Provenance: was this change written by a coding agent? Signals are the PR/MR author or a
//! commit author matching a configured agent account, `Co-authored-by:` trailers of known
//! agents, agent branch prefixes and labels. When any signal fires, the config's `agent` tier
//! applies on top of the base policy.

use crate::config::ReviewConfig;
use crate::git::CommitInfo;

use super::ChangeInfo;

/// Names and addresses in `Co-authored-by:` trailers that identify coding agents.
const KNOWN_AGENT_HINTS: &[&str] = &[
    "noreply@anthropic.com",
    "claude",
    "copilot",
    "codex",
    "openai",
    "devin",
    "cursoragent",
    "cursor agent",
    "aider",
    "gemini",
    "google-labs-jules",
    "jules",
    "sweep-ai",
    "[bot]",
];

/// What was detected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Any signal says an agent wrote (part of) the change.
    pub agent: bool,
    /// Human-readable signals, for the summary.
    pub signals: Vec<String>,
}

impl Provenance {
    /// One line for reports, or None when no agent was detected.
    pub fn summary(&self) -> Option<String> {
        self.agent.then(|| {
            format!(
                "agent-written change ({}); the `review.agent` policy tier applies",
                self.signals.join("; ")
            )
        })
    }
}

fn matches_agent(cfg: &ReviewConfig, who: &str) -> bool {
    let w = who.trim();
    if w.is_empty() {
        return false;
    }
    cfg.agents.iter().any(|a| {
        let a = a.trim();
        if a.is_empty() {
            return false;
        }
        if a.eq_ignore_ascii_case(w) {
            return true;
        }
        // GitHub noreply addresses: `12345+login@users.noreply.github.com`.
        let local = w.split('@').next().unwrap_or(w);
        let local = local.split_once('+').map_or(local, |(_, l)| l);
        let a_login = a.trim_end_matches("[bot]");
        local.eq_ignore_ascii_case(a)
            || (!a_login.is_empty() && local.eq_ignore_ascii_case(a_login) && w.contains('@'))
    })
}

fn known_agent_trailer(cfg: &ReviewConfig, value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    if KNOWN_AGENT_HINTS.iter().any(|h| v.contains(h)) {
        return true;
    }
    let (name, email) = match value.split_once('<') {
        Some((n, e)) => (n.trim(), e.trim_end_matches('>').trim()),
        None => (value.trim(), ""),
    };
    matches_agent(cfg, name) || matches_agent(cfg, email)
}

/// Detects agent provenance from what the forge knows and the change's commits.
pub fn detect(cfg: &ReviewConfig, info: &ChangeInfo, commits: &[CommitInfo]) -> Provenance {
    let mut p = Provenance::default();
    if let Some(a) = &info.author {
        if matches_agent(cfg, a) {
            p.signals.push(format!("author {a} is a configured agent"));
        }
    }
    if let Some(b) = &info.branch {
        let b = b.strip_prefix("refs/heads/").unwrap_or(b);
        if let Some(prefix) = cfg
            .agent_branch_prefixes
            .iter()
            .find(|x| !x.is_empty() && b.starts_with(x.as_str()))
        {
            p.signals
                .push(format!("branch {b} has agent prefix {prefix}"));
        }
    }
    for l in &info.labels {
        if cfg.agent_labels.iter().any(|x| x.eq_ignore_ascii_case(l)) {
            p.signals.push(format!("label {l}"));
        }
    }
    for c in commits {
        let short: String = c.sha.chars().take(8).collect();
        if matches_agent(cfg, &c.author_name) || matches_agent(cfg, &c.author_email) {
            p.signals
                .push(format!("commit {short} authored by {}", c.author_name));
        }
        for line in c.message.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("co-authored-by") && known_agent_trailer(cfg, value)
            {
                let who = value.split('<').next().unwrap_or(value).trim();
                p.signals
                    .push(format!("commit {short} co-authored by {who}"));
            }
        }
    }
    p.signals.dedup();
    p.agent = !p.signals.is_empty();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(name: &str, email: &str, msg: &str) -> CommitInfo {
        CommitInfo {
            sha: "0123456789abcdef".into(),
            author_name: name.into(),
            author_email: email.into(),
            message: msg.into(),
        }
    }

    #[test]
    fn detects_each_signal() {
        let cfg = ReviewConfig::default();
        let none = detect(
            &cfg,
            &ChangeInfo::default(),
            &[commit("Dev", "dev@example.com", "fix\n")],
        );
        assert!(!none.agent);
        assert_eq!(none.summary(), None);

        let info = ChangeInfo {
            author: Some("Copilot-SWE-Agent[bot]".into()),
            labels: vec!["AI-generated".into()],
            branch: Some("refs/heads/codex/fix-login".into()),
            url: None,
        };
        let p = detect(
            &cfg,
            &info,
            &[commit(
                "Dev",
                "dev@example.com",
                "feat\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
            )],
        );
        assert!(p.agent);
        let s = p.signals.join("|");
        assert!(s.contains("author Copilot-SWE-Agent[bot]"), "{s}");
        assert!(s.contains("label AI-generated"), "{s}");
        assert!(s.contains("branch codex/fix-login"), "{s}");
        assert!(s.contains("co-authored by Claude"), "{s}");

        let human_coauthor = detect(
            &cfg,
            &ChangeInfo::default(),
            &[commit(
                "Dev",
                "dev@example.com",
                "x\n\nCo-authored-by: Bob <bob@example.com>\n",
            )],
        );
        assert!(!human_coauthor.agent);
        let by_email = detect(
            &cfg,
            &ChangeInfo::default(),
            &[commit("C", "1234+codex@users.noreply.github.com", "x")],
        );
        assert!(by_email.agent, "{by_email:?}");
    }
}
