//! Provenance: was this change written by a coding agent? Signals are the PR/MR author or a
//! commit author matching a configured agent identity (`review.agents`), `Co-authored-by:`
//! trailers naming one, agent branch prefixes and labels. When any signal fires, the config's
//! `agent` tier applies on top of the base policy.
//!
//! Coding agents are named explicitly: dependency and CI bots (`dependabot[bot]`,
//! `renovate[bot]`, `pre-commit-ci[bot]`, `github-actions[bot]`) are bots, not coding agents,
//! and a `[bot]` suffix alone says nothing. The result does not depend on the merge style: a
//! bot's commit and the same change squash-merged with the bot as co-author are judged alike.

use crate::config::ReviewConfig;
use crate::git::CommitInfo;

use super::ChangeInfo;

/// What was detected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Any signal says an agent wrote (part of) the change.
    pub(crate) agent: bool,
    /// Human-readable signals, for the summary.
    pub(crate) signals: Vec<String>,
}

impl Provenance {
    /// One line for reports, or None when no agent was detected.
    pub(crate) fn summary(&self) -> Option<String> {
        self.agent.then(|| {
            format!(
                "agent-written change ({}); the `review.agent` policy tier applies",
                self.signals.join("; ")
            )
        })
    }
}

/// The GitHub login behind a commit email: `12345+login@users.noreply.github.com` or
/// `login@users.noreply.github.com`.
fn noreply_login(email: &str) -> Option<&str> {
    let (local, domain) = email.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case("users.noreply.github.com") {
        return None;
    }
    Some(local.split_once('+').map_or(local, |(_, l)| l))
}

/// Whether `who` (a login, a display name or an email address) is one of the configured
/// agent identities (`review.agents`). Entries are matched whole, never as substrings, so a
/// dependency bot (`dependabot[bot]`, `renovate[bot]`) or a human called Claude with their own
/// address is not an agent unless the config names them:
/// - an entry with `@` is an email address (`noreply@anthropic.com`), compared whole;
/// - any other entry is a login or a name, compared with the whole name, the whole login, and
///   the login of a GitHub noreply address (`12345+claude[bot]@users.noreply.github.com`); an
///   entry `login[bot]` also matches the noreply login `login[bot]` only, never a plain `login`.
fn matches_agent(cfg: &ReviewConfig, who: &str) -> bool {
    let w = who
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
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
        !a.contains('@') && noreply_login(w).is_some_and(|l| l.eq_ignore_ascii_case(a))
    })
}

/// Whether a `Co-authored-by:` value (`Name <email>`) names a configured agent.
fn agent_trailer(cfg: &ReviewConfig, value: &str) -> bool {
    let (name, email) = match value.split_once('<') {
        Some((n, e)) => (n.trim(), e.trim_end_matches('>').trim()),
        None => (value.trim(), ""),
    };
    matches_agent(cfg, name) || matches_agent(cfg, email)
}

/// Detects agent provenance from what the forge knows and the change's commits.
pub(crate) fn detect(cfg: &ReviewConfig, info: &ChangeInfo, commits: &[CommitInfo]) -> Provenance {
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
            if key.trim().eq_ignore_ascii_case("co-authored-by") && agent_trailer(cfg, value) {
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

    #[test]
    fn dependency_and_ci_bots_are_not_coding_agents_whatever_the_merge_style() {
        let cfg = ReviewConfig::default();
        let none = ChangeInfo::default();
        for (name, email) in [
            (
                "dependabot[bot]",
                "49699333+dependabot[bot]@users.noreply.github.com",
            ),
            (
                "renovate[bot]",
                "29139614+renovate[bot]@users.noreply.github.com",
            ),
            (
                "pre-commit-ci[bot]",
                "66853113+pre-commit-ci[bot]@users.noreply.github.com",
            ),
            (
                "github-actions[bot]",
                "41898282+github-actions[bot]@users.noreply.github.com",
            ),
        ] {
            // The bot's own commit (merge or rebase) ...
            let own = detect(&cfg, &none, &[commit(name, email, "Bump x from 1 to 2\n")]);
            assert!(!own.agent, "{name}: {own:?}");
            // ... and the same change squash-merged by a human with the bot as co-author.
            let squashed = detect(
                &cfg,
                &none,
                &[commit(
                    "Dev",
                    "dev@example.com",
                    &format!("Bump x from 1 to 2 (#12)\n\nCo-authored-by: {name} <{email}>\n"),
                )],
            );
            assert!(!squashed.agent, "{name}: {squashed:?}");
            // A PR opened by the bot is no agent change either.
            let pr = ChangeInfo {
                author: Some(name.into()),
                ..ChangeInfo::default()
            };
            assert!(!detect(&cfg, &pr, &[]).agent, "{name}");
        }
        // Whole matches only: a human called Claude, or a Copilot fan, is not an agent.
        for (name, email) in [
            ("Claude Dupont", "claude@example.com"),
            ("Devin Smith", "devin@example.com"),
            ("Jules", "jules@example.org"),
            ("copilot-fan", "copilot-fan@example.com"),
        ] {
            let trailer = format!("x\n\nCo-authored-by: {name} <{email}>\n");
            let p = detect(&cfg, &none, &[commit(name, email, &trailer)]);
            assert!(!p.agent, "{name}: {p:?}");
        }
        // The coding agents of the defaults, as they sign commits and trailers.
        for (name, email) in [
            ("Claude", "noreply@anthropic.com"),
            ("Copilot", "198982749+Copilot@users.noreply.github.com"),
            ("Cursor Agent", "cursoragent@cursor.com"),
            (
                "google-labs-jules[bot]",
                "161369871+google-labs-jules[bot]@users.noreply.github.com",
            ),
            ("aider (gpt-4o)", "noreply@aider.chat"),
        ] {
            let authored = detect(&cfg, &none, &[commit(name, email, "x\n")]);
            assert!(authored.agent, "{name}");
            let trailer = format!("x\n\nCo-authored-by: {name} <{email}>\n");
            let co = detect(&cfg, &none, &[commit("Dev", "dev@example.com", &trailer)]);
            assert!(co.agent, "{name}");
        }
    }

    #[test]
    fn the_agent_list_is_configurable() {
        let cfg: crate::config::Config = crate::config::Config::parse(
            b"review:\n  agents: ['our-agent[bot]', robot@example.com]\n",
            std::path::Path::new(".guardrail.yml"),
        )
        .unwrap();
        let none = ChangeInfo::default();
        let t = |who: &str| format!("x\n\nCo-authored-by: {who}\n");
        let hit = detect(
            &cfg.review,
            &none,
            &[commit("Dev", "d@example.com", &t("R <robot@example.com>"))],
        );
        assert!(hit.agent);
        let bot = detect(
            &cfg.review,
            &none,
            &[commit(
                "our-agent[bot]",
                "1+our-agent[bot]@users.noreply.github.com",
                "x",
            )],
        );
        assert!(bot.agent);
        // The defaults are replaced: Claude is no longer named.
        let claude = detect(
            &cfg.review,
            &none,
            &[commit(
                "Dev",
                "d@example.com",
                &t("Claude <noreply@anthropic.com>"),
            )],
        );
        assert!(!claude.agent);
    }
}
