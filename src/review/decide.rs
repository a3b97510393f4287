//! The decision logic both forge backends share: who may decide, what a
//! `/guardrail accept|reject` reply counts as, the ledger record and the answer for it.
//! The forges differ only in how they list comments and look up permissions.

use crate::error::Result;
use crate::finding::{sha256_hex, Finding, Severity};
use crate::ledger::DecisionRecord;
use crate::report::markdown::escape_inline;

use super::{body, parse_command, DecisionRules, FindingRef};

/// One `/guardrail accept|reject` reply as a forge reports it.
pub(crate) struct Vote<'a> {
    /// The comment (note) id.
    pub(crate) id: String,
    /// Its author's login.
    pub(crate) login: &'a str,
    /// The forge marks the author as a bot.
    pub(crate) is_bot: bool,
    /// The comment's current body.
    pub(crate) body: &'a str,
    /// The comment was edited after it was written ([`edited`]).
    pub(crate) edited: bool,
}

impl Vote<'_> {
    /// The key of guardrail's answer to this comment: an edited comment gets an answer of its
    /// own even when its first version was answered already.
    pub(crate) fn ack_key(&self) -> String {
        if self.edited {
            format!("{}-edited", self.id)
        } else {
            self.id.clone()
        }
    }
}

/// Whether a comment with these timestamps was edited after it was written: updated more
/// than a second after creation, unless the update is the thread's resolution (`resolved_at`,
/// GitLab). Missing or unreadable times count as not edited.
pub(crate) fn edited(created: Option<&str>, updated: Option<&str>, resolved: Option<&str>) -> bool {
    use time::format_description::well_known::Rfc3339;
    let parse = |t: Option<&str>| t.and_then(|t| time::OffsetDateTime::parse(t, &Rfc3339).ok());
    let (Some(c), Some(u)) = (parse(created), parse(updated)) else {
        return false;
    };
    if parse(resolved).is_some_and(|r| (u - r).abs() <= time::Duration::seconds(1)) {
        return false;
    }
    u - c > time::Duration::seconds(1)
}

/// Result of judging one command.
pub(crate) enum Judged {
    Counted { accept: bool, reason: String },
    Refused { because: String },
}

pub(crate) fn judge(
    rules: &DecisionRules<'_>,
    own: &str,
    f: &Finding,
    v: &Vote<'_>,
    cmd: &super::Command,
    perm: &mut dyn FnMut(&str) -> Result<Option<String>>,
) -> Result<Judged> {
    if v.edited {
        return Ok(Judged::Refused {
            because: "this decision comment was edited after it was written (a comment can be edited by anyone with write access, so only its first version could count, and that is not kept); write the decision again in a new comment".into(),
        });
    }
    if let Some(why) = rules.identity_refusal(v.login, v.is_bot, own) {
        return Ok(Judged::Refused { because: why });
    }
    if cmd.accept && f.severity == Severity::Red {
        return Ok(Judged::Refused {
            because: "red findings cannot be accepted by a comment; only a config ignore (with reason and expiry) at the base revision can waive them".into(),
        });
    }
    if cmd.reason.trim().is_empty() {
        return Ok(Judged::Refused {
            because: "a decision needs a reason: `/guardrail accept <reason>`".into(),
        });
    }
    if let Some(why) = perm(v.login)? {
        return Ok(Judged::Refused { because: why });
    }
    Ok(Judged::Counted {
        accept: cmd.accept,
        reason: cmd.reason.trim().to_owned(),
    })
}

/// Turns a judged command into a ledger record and the thread answer.
pub(crate) fn outcome(
    j: &Judged,
    v: &Vote<'_>,
    f: &Finding,
    forge: &str,
) -> (DecisionRecord, String) {
    let mut rec = super::record("refused", v.login, &FindingRef::from(f), forge);
    rec.comment_id = Some(v.id.clone());
    rec.comment_sha256 = Some(sha256_hex(v.body.as_bytes()));
    let text = match j {
        Judged::Counted { accept, reason } => {
            rec.decision = if *accept { "accept" } else { "reject" }.into();
            rec.reason = Some(reason.clone());
            format!(
                "Recorded: **{}** by {} — {}",
                if *accept { "accepted" } else { "rejected" },
                escape_inline(v.login),
                escape_inline(reason)
            )
        }
        Judged::Refused { because } => {
            rec.refused_because = Some(because.clone());
            rec.reason = parse_command(v.body)
                .map(|c| c.reason)
                .filter(|r| !r.is_empty());
            format!("Not counted: {}.", escape_inline(because))
        }
    };
    (rec, body::ack(&v.ack_key(), &text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_told_from_creation_and_resolution() {
        let c = Some("2026-11-21T09:00:00Z");
        assert!(!edited(c, c, None));
        assert!(!edited(c, Some("2026-11-21T09:00:00.400Z"), None));
        assert!(edited(c, Some("2026-11-21T11:30:00Z"), None));
        // GitLab: resolving the thread updates the note; that is not an edit.
        let r = Some("2026-11-21T11:30:00.000Z");
        assert!(!edited(c, Some("2026-11-21T11:30:00.200Z"), r));
        assert!(!edited(None, Some("2026-11-21T11:30:00Z"), None));
        assert!(!edited(c, Some("not a time"), None));
    }
}
