//! What the base revision already had: a finding on a line the change only moved or re-edited
//! (the same rule matched the lines it replaced) was there before, so it does not hold the
//! change as a new one; test files and generated files are judged more leniently.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::{parse_suppression, suppression_names};
use crate::checks::Context;
use crate::diff::FileChange;
use crate::finding::{Finding, Kind, Severity};
use crate::rules::Rule;

/// A line without any whitespace: re-indented or re-wrapped copies compare equal.
fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Every line the change removes, without whitespace.
fn removed_lines(ctx: &Context<'_>) -> HashSet<String> {
    ctx.changes
        .files
        .iter()
        .flat_map(|x| x.removed.iter())
        .map(|l| squash(&l.text))
        .filter(|k| !k.is_empty())
        .collect()
}

/// The index of the hunk that holds head line `no`.
fn hunk_of(f: &FileChange, no: u32) -> Option<usize> {
    f.hunks
        .iter()
        .position(|h| h.new_start <= no && no < h.new_start.saturating_add(h.new_len))
}

/// How many times `rule` matches the removed (base) lines of hunk `h`.
fn base_matches(ctx: &Context<'_>, f: &FileChange, rule: &Rule, h: usize) -> usize {
    let Some(hunk) = f.hunks.get(h) else {
        return 0;
    };
    let end = hunk.old_start.saturating_add(hunk.old_len);
    let mut text = String::new();
    // A base line that suppressed this rule had no finding in force: it cannot stand for a
    // new, unsuppressed one (its suppressed copy at head keeps its suppression).
    let suppressed =
        |t: &str| parse_suppression(t).is_some_and(|s| suppression_names(&s, &rule.id));
    for l in f
        .removed
        .iter()
        .filter(|l| hunk.old_start <= l.no && l.no < end && !suppressed(&l.text))
    {
        text.push_str(&l.text);
        text.push('\n');
    }
    if text.is_empty() {
        return 0;
    }
    let path = f.old_path.as_deref().unwrap_or(f.path());
    let hits = ctx.rules.prefilter_for(path, &text);
    if !hits.iter().any(|h| *h) {
        return 0;
    }
    ctx.rules.matches(rule, &text, &hits).len()
}

/// Compares the findings of one file (`out[start..]`) with what the base version already had,
/// so that only what the change introduces holds it:
/// - a finding on an added line that equals (modulo whitespace) a line the change removed from
///   the same file was there before (moved or re-indented code);
/// - a rule that matched the removed lines of the same hunk as many times was there before too:
///   a re-edited line that keeps its `# type: ignore`, `//nolint` or `eslint-disable`
///   (re-indented, or with another argument), or an action that was already referenced by a
///   mutable tag.
///
/// Such `agent` findings ("a suppression was added") are dropped: nothing was added. Code
/// findings on an edited line stay, at most yellow (the edit may feed the same sink other
/// input); secrets on an edited line are new values and stay as they are; other moved or
/// re-edited findings stay visible as info. Code findings in test files
/// are at most yellow. Agent rules also do not apply to generated or vendored files
/// (`generated.skip-agent-rules`): their hazards belong to the source files.
pub(super) fn settle_with_base(
    ctx: &Context<'_>,
    f: &FileChange,
    rules: &[&Rule],
    out: &mut Vec<Finding>,
    start: usize,
    moved: Option<&OnceLock<HashSet<String>>>,
) {
    let agent_rule = |id: &str| rules.iter().any(|r| r.id == id && r.kind == Kind::Agent);
    if ctx.config.generated.skip_agent_rules
        && out[start..].iter().any(|x| agent_rule(&x.rule))
        && crate::checks::generated::is_generated(ctx, f)
    {
        let mut i = start;
        while i < out.len() {
            if agent_rule(&out[i].rule) {
                out.remove(i);
            } else {
                i += 1;
            }
        }
    }
    // Code in test files runs against the tests' own data: a risky pattern there needs a look,
    // it does not block on its own.
    if crate::checks::agent::is_test_file(f.path()) {
        for fd in out[start..]
            .iter_mut()
            .filter(|x| x.kind == Kind::Code && x.severity == Severity::Red)
        {
            fd.severity = Severity::Yellow;
            fd.notes
                .push("yellow, not red: the pattern is in a test file".into());
        }
    }
    if out.len() == start || !ctx.changes.files.iter().any(|x| !x.removed.is_empty()) {
        return;
    }
    let added: HashMap<u32, &str> = f.added.iter().map(|l| (l.no, l.text.as_str())).collect();
    // Lines the change removes anywhere (code moved between files counts as moved), worked
    // out once per run.
    let local;
    let removed_same: &HashSet<String> = match moved {
        Some(m) => m.get_or_init(|| removed_lines(ctx)),
        None => {
            local = removed_lines(ctx);
            &local
        }
    };
    let mut at_base: HashMap<(String, usize), usize> = HashMap::new();
    let found: Vec<Finding> = out.drain(start..).collect();
    for mut fd in found {
        let text = fd.line.and_then(|no| added.get(&no).copied());
        let (Some(no), Some(text)) = (fd.line, text) else {
            out.push(fd);
            continue;
        };
        if fd.rule == "suppression-added-by-change" {
            out.push(fd);
            continue;
        }
        let same = removed_same.contains(&squash(text));
        // A secret on an edited line is a new value (a rotated key is a new secret): only an
        // identical, moved line was there before.
        let paired = !same
            && fd.kind != Kind::Secret
            && !f.removed.is_empty()
            && hunk_of(f, no).is_some_and(|h| {
                let Some(rule) = rules.iter().find(|r| r.id == fd.rule) else {
                    return false;
                };
                let n = at_base
                    .entry((fd.rule.clone(), h))
                    .or_insert_with(|| base_matches(ctx, f, rule, h));
                if *n > 0 {
                    *n -= 1;
                    true
                } else {
                    false
                }
            });
        if !(same || paired) {
            out.push(fd);
            continue;
        }
        if fd.kind == Kind::Agent {
            continue;
        }
        if paired && fd.kind == Kind::Code {
            // An edited line that keeps a risky pattern: the edit may have made it worse (other
            // input reaching the same sink), so a human looks, but it does not block.
            if fd.severity == Severity::Red {
                fd.severity = Severity::Yellow;
            }
            fd.notes
                .push("not red: the same rule matched the lines this edit replaced at base".into());
            out.push(fd);
            continue;
        }
        fd.severity = Severity::Info;
        fd.review = None;
        fd.message = format!(
            "Already in the base version (the change {} this line): {}",
            if same { "moves or re-indents" } else { "edits" },
            fd.message
        );
        fd.notes
            .push("not introduced by this change: the base version had the same finding".into());
        out.push(fd);
    }
}
