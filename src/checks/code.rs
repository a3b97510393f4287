//! Code rules over added lines: runs the [`RuleSet`](crate::rules::RuleSet) over each hunk's head
//! text and keeps the matches that touch an added line.
//!
//! **Context window**: a pattern sees the hunk as the diff shows it, i.e. the added lines plus
//! up to 3 unchanged lines before and after (git's default context, which guardrail always asks
//! for). A match counts only if one of its lines is an added line.
//!
//! **Inline suppressions** (`nosemgrep`, `nosemgrep: id`, `guardrail-ignore: id reason`) on the
//! finding's line or the line above hide it only when they were already there at the base. A
//! suppression added by the same change turns the finding into a yellow `agent` finding.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::checks::hidden::{nfkc_applies, nfkc_line};
use crate::checks::runs_as::{notebook_code, rule_path};
use crate::checks::{Check, Context, Lane};
use crate::diff::{FileChange, FileStatus, Hunk, Line};
use crate::error::Result;
use crate::finding::{sha256_hex, Finding, Kind, Severity};
use crate::rules::{Match, Rule};

mod base;
use base::settle_with_base;

/// Runs the code, secret, CI and agent rule packs.
pub(crate) struct CodeRules;

/// One line of a window.
struct WLine<'a> {
    no: u32,
    text: &'a str,
    added: bool,
}

/// Contiguous head lines (added and context) of one file.
fn windows(f: &FileChange) -> Vec<Vec<WLine<'_>>> {
    let mut lines: Vec<WLine<'_>> = f
        .added
        .iter()
        .map(|l| WLine {
            no: l.no,
            text: &l.text,
            added: true,
        })
        .chain(f.context.iter().map(|l| WLine {
            no: l.no,
            text: &l.text,
            added: false,
        }))
        .collect();
    lines.sort_by_key(|l| l.no);
    let mut out: Vec<Vec<WLine<'_>>> = Vec::new();
    for l in lines {
        match out.last_mut() {
            Some(w) if w.last().is_some_and(|p| p.no.saturating_add(1) == l.no) => w.push(l),
            _ => out.push(vec![l]),
        }
    }
    out
}

/// One window's text, its lines (with their byte offsets in `text`) and the candidate leaves.
struct Window<'w, 'l> {
    lines: &'w [WLine<'l>],
    text: &'w str,
    starts: &'w [usize],
    hits: &'w [bool],
    /// The file's lines at the base as far as the diff shows them (None in scan mode).
    base: Option<&'w BaseLines<'l>>,
}

/// The base revision's lines of one file as far as the diff shows them (removed and context
/// lines, base numbering), to tell which line a suppression comment already at the base was
/// written for.
struct BaseLines<'a> {
    /// Base line number → text.
    lines: HashMap<u32, &'a str>,
    /// Head line number of a context line → its base line number.
    context: HashMap<u32, u32>,
    /// Base line numbers the change removed (or replaced).
    removed: std::collections::HashSet<u32>,
}

/// Whether a line holds nothing but a comment (a suppression written for the line below it);
/// a suppression trailing code, or inside a docstring or string, is for its own line only.
fn comment_only(text: &str) -> bool {
    let t = text.trim_start();
    ["#", "//", "/*", "*", "--", "<!--", ";"]
        .iter()
        .any(|p| t.starts_with(p))
        && !t.starts_with("#!")
}

impl<'a> BaseLines<'a> {
    fn of(f: &'a FileChange) -> Self {
        let mut lines: HashMap<u32, &'a str> =
            f.removed.iter().map(|l| (l.no, l.text.as_str())).collect();
        let removed: std::collections::HashSet<u32> = f.removed.iter().map(|l| l.no).collect();
        let mut context = HashMap::new();
        for h in &f.hunks {
            // A hunk's base lines that were not removed are its context lines, in order.
            let old_end = h.old_start.saturating_add(h.old_len);
            let new_end = h.new_start.saturating_add(h.new_len);
            let free = (h.old_start..old_end).filter(|b| !removed.contains(b));
            let from = f.context.partition_point(|c| c.no < h.new_start);
            let ctx = f.context[from..].iter().take_while(|c| c.no < new_end);
            for (b, c) in free.zip(ctx) {
                lines.insert(b, c.text.as_str());
                context.insert(c.no, b);
            }
        }
        BaseLines {
            lines,
            context,
            removed,
        }
    }

    /// Whether a suppression on head line `sup` (an added line or not) was written at the
    /// base for the line whose content is now `target`: the same line (modulo indentation) at
    /// the base, or — for a comment-only line right above — the line right after it there
    /// (kept, or rewritten in its place; a line *inserted* under an old comment is not it).
    fn covers(&self, sup: &WLine<'_>, same_line: bool, target: &str) -> bool {
        let target = target.trim();
        let next_is = |b: u32| {
            self.lines
                .get(&b.saturating_add(1))
                .is_some_and(|t| t.trim() == target)
        };
        if same_line {
            // The suppressed line itself was at the base: moved or re-indented.
            return self.lines.values().any(|t| t.trim() == target);
        }
        if !comment_only(sup.text) {
            return false;
        }
        if !sup.added {
            // The base line after the comment is this one, or was replaced by it.
            return self
                .context
                .get(&sup.no)
                .is_some_and(|b| next_is(*b) || self.removed.contains(&b.saturating_add(1)));
        }
        let written = sup.text.trim();
        self.lines
            .iter()
            .any(|(b, t)| t.trim() == written && next_is(*b))
    }
}

/// The rules that apply to `path`, without the `agent` rules unless asked for.
fn rules_for<'a>(ctx: &Context<'a>, path: &str, agent_rules: bool) -> Vec<&'a Rule> {
    ctx.rules
        .for_path(path)
        .filter(|r| agent_rules || r.kind != Kind::Agent)
        .collect()
}

/// How much of a secret stays visible.
fn visible_prefix(secret: &str) -> usize {
    let n = secret.chars().count();
    (n / 4).clamp(0, 4)
}

/// Redacts a secret value: a short prefix, then a fixed mask.
pub(crate) fn redact(secret: &str) -> String {
    let keep: String = secret.chars().take(visible_prefix(secret)).collect();
    format!("{keep}****[redacted]")
}

struct Suppression {
    /// The rule ids named; empty = every rule.
    ids: Vec<String>,
    has_reason: bool,
    guardrail: bool,
}

fn parse_suppression(text: &str) -> Option<Suppression> {
    if let Some(i) = text.find("guardrail-ignore") {
        let rest = text[i + "guardrail-ignore".len()..]
            .trim_start_matches(':')
            .trim();
        let mut parts = rest.splitn(2, char::is_whitespace);
        let id = parts.next().unwrap_or("").trim().to_owned();
        let reason = parts.next().unwrap_or("").trim();
        return Some(Suppression {
            ids: if id.is_empty() { Vec::new() } else { vec![id] },
            has_reason: !reason
                .trim_end_matches("*/")
                .trim_end_matches("-->")
                .trim()
                .is_empty(),
            guardrail: true,
        });
    }
    let i = text.find("nosemgrep")?;
    let rest = &text[i + "nosemgrep".len()..];
    let ids = match rest.strip_prefix(':') {
        Some(list) => list
            .split(',')
            .map(|s| s.split_whitespace().next().unwrap_or("").to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        None => Vec::new(),
    };
    Some(Suppression {
        ids,
        has_reason: true,
        guardrail: false,
    })
}

fn suppression_names(s: &Suppression, rule: &str) -> bool {
    // Semgrep writes rule ids with their config path prefix (`rules.owasp.x`): match the tail.
    s.ids.is_empty()
        || s.ids
            .iter()
            .any(|id| id == rule || id.ends_with(&format!(".{rule}")))
}

/// A file as a change that adds every line (whole-tree scans and rule fixtures). Line numbers
/// are 1-based; a trailing `\r` is dropped like the diff parser does.
pub(crate) fn whole_file(path: &str, text: &str, lossy: bool) -> FileChange {
    let added: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            text: l.strip_suffix('\r').unwrap_or(l).to_owned(),
        })
        .collect();
    let new_len = u32::try_from(added.len()).unwrap_or(u32::MAX);
    FileChange {
        old_path: None,
        new_path: Some(path.to_owned()),
        status: FileStatus::Added,
        binary: false,
        old_mode: None,
        new_mode: None,
        added,
        removed: Vec::new(),
        context: Vec::new(),
        hunks: vec![Hunk {
            old_start: 0,
            old_len: 0,
            new_start: 1,
            new_len,
        }],
        lossy,
        added_bytes: text.len() as u64,
    }
}

impl CodeRules {
    /// Findings for a rule fixture, in scan mode (every line added, suppressions present
    /// count), with every rule kind running (the `agent` rules need their fixtures tested too).
    pub(crate) fn fixture(&self, ctx: &Context<'_>, f: &FileChange) -> Vec<Finding> {
        let mut out = Vec::new();
        self.file_findings(ctx, f, true, &mut out, None);
        out
    }

    fn file_findings(
        &self,
        ctx: &Context<'_>,
        f: &FileChange,
        agent_rules: bool,
        out: &mut Vec<Finding>,
        moved: Option<&OnceLock<HashSet<String>>>,
    ) {
        if f.binary || f.status == FileStatus::Deleted || f.added.is_empty() {
            return;
        }
        let path = f.path();
        let name = path.rsplit('/').next().unwrap_or(path);
        let notebook = name.to_ascii_lowercase().ends_with(".ipynb");
        let diff_first_line = f
            .added
            .iter()
            .chain(&f.context)
            .find(|l| l.no == 1)
            .map(|l| l.text.as_str());
        // The head text, when neither the name nor the diff says how the file runs.
        let extensionless = !name.trim_start_matches('.').contains('.');
        let head_text = if notebook || (extensionless && diff_first_line.is_none()) {
            ctx.revs
                .and_then(|r| r.head(path).ok().flatten())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        } else {
            None
        };
        let first_line =
            diff_first_line.or_else(|| head_text.as_deref().and_then(|t| t.lines().next()));
        let rpath = rule_path(path, first_line);
        let rules = rules_for(ctx, &rpath, agent_rules);
        if rules.is_empty() {
            return;
        }
        let start = out.len();
        let cells: Option<HashMap<u32, String>> = notebook.then(|| match &head_text {
            Some(t) => notebook_code(t),
            // No head revision (a plain diff): every JSON string line of the change.
            None => f
                .added
                .iter()
                .chain(&f.context)
                .filter_map(|l| {
                    let t = l.text.trim();
                    let lit = t.strip_suffix(',').unwrap_or(t);
                    serde_json::from_str::<String>(lit)
                        .ok()
                        .map(|c| (l.no, c.trim_end_matches('\n').to_owned()))
                })
                .collect(),
        });
        let mut occurrences: HashMap<(String, String), usize> = HashMap::new();
        let base = (!ctx.scan).then(|| BaseLines::of(f));
        let nfkc = nfkc_applies(&rpath);
        for w in windows(f) {
            if !w.iter().any(|l| l.added) {
                continue;
            }
            // Python runs identifiers NFKC-folded (`ｅｖａｌ` is `eval`): its rules see that.
            // A notebook's rules see its code cells' source, on the JSON's own lines.
            let folded: Vec<Option<String>> = if nfkc || cells.is_some() {
                w.iter()
                    .map(|l| {
                        let code = cells
                            .as_ref()
                            .map(|c| c.get(&l.no).cloned().unwrap_or_default());
                        let text = code.as_deref().unwrap_or(l.text);
                        nfkc_line(text).or(code)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let w: Vec<WLine<'_>> = if folded.iter().any(Option::is_some) {
                w.iter()
                    .zip(&folded)
                    .map(|(l, n)| WLine {
                        no: l.no,
                        text: n.as_deref().unwrap_or(l.text),
                        added: l.added,
                    })
                    .collect()
            } else {
                w
            };
            let mut text = String::with_capacity(w.iter().map(|l| l.text.len() + 1).sum());
            let mut starts = Vec::with_capacity(w.len());
            for l in &w {
                starts.push(text.len());
                text.push_str(l.text);
                text.push('\n');
            }
            let hits = ctx.rules.prefilter_for(&rpath, &text);
            if !hits.iter().any(|h| *h) {
                continue;
            }
            self.window_findings(
                ctx,
                path,
                &rules,
                Window {
                    lines: &w,
                    text: &text,
                    starts: &starts,
                    hits: &hits,
                    base: base.as_ref(),
                },
                &mut occurrences,
                out,
            );
        }
        if out.len() > start && !ctx.scan {
            settle_with_base(ctx, f, &rules, out, start, moved);
        }
    }

    fn window_findings(
        &self,
        ctx: &Context<'_>,
        path: &str,
        rules: &[&Rule],
        win: Window<'_, '_>,
        occurrences: &mut HashMap<(String, String), usize>,
        out: &mut Vec<Finding>,
    ) {
        let Window {
            lines: w,
            text,
            starts,
            hits,
            base,
        } = win;
        for rule in rules {
            for m in ctx.rules.matches(rule, text, hits) {
                let first = starts.partition_point(|&s| s <= m.start).saturating_sub(1);
                let last_byte = m.end.saturating_sub(1).max(m.start);
                let last = starts
                    .partition_point(|&s| s <= last_byte)
                    .saturating_sub(1);
                let Some(hit_idx) = (first..=last).find(|&i| w.get(i).is_some_and(|l| l.added))
                else {
                    continue;
                };
                if let Some(fd) = self.finding(
                    ctx,
                    rule,
                    path,
                    (w, base),
                    hit_idx,
                    text,
                    starts,
                    &m,
                    occurrences,
                ) {
                    out.push(fd);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        ctx: &Context<'_>,
        rule: &Rule,
        path: &str,
        (w, base): (&[WLine<'_>], Option<&BaseLines<'_>>),
        idx: usize,
        text: &str,
        starts: &[usize],
        m: &Match,
        occurrences: &mut HashMap<(String, String), usize>,
    ) -> Option<Finding> {
        let line = &w[idx];
        let line_start = starts[idx];
        let line_end = line_start + line.text.len();
        // The secret region: the SECRET capture if present, else the whole match.
        let (sec_s, sec_e) = m
            .captures
            .get("SECRET")
            .copied()
            .unwrap_or((m.start, m.end));
        let mut snippet = line.text.to_owned();
        if rule.redact {
            let s = sec_s.clamp(line_start, line_end);
            let e = sec_e.clamp(line_start, line_end);
            if s < e {
                if let Some(secret) = text.get(s..e) {
                    snippet = format!(
                        "{}{}{}",
                        &text[line_start..s],
                        redact(secret),
                        &text[e..line_end]
                    );
                }
            }
        }
        let mut message = rule.message.clone();
        for (name, (s, e)) in &m.captures {
            let value = text.get(*s..*e).unwrap_or("");
            let shown = if rule.redact {
                redact(value)
            } else {
                value.to_owned()
            };
            message = message.replace(&format!("${name}"), &shown);
        }
        let anchor = line.text.trim().to_owned();
        let occ = occurrences
            .entry((rule.id.clone(), anchor.clone()))
            .or_insert(0);
        let occurrence = *occ;
        *occ += 1;

        let mut f = Finding::new(
            rule.id.clone(),
            rule.kind,
            rule.severity,
            path,
            Some(line.no),
            message,
        );
        f.cwe = rule.cwe.clone();
        f.owasp = rule.owasp.clone();
        f.column = Some(
            u32::try_from(m.start.saturating_sub(line_start) + 1)
                .unwrap_or(1)
                .max(1),
        );
        f.line_hash = Some(sha256_hex(line.text.as_bytes()));
        f.snippet = Some(snippet);
        let mut f = f.with_fingerprint(&anchor, occurrence);

        // Findings about the gate itself (new suppressions, skipped tests) cannot be
        // suppressed inline: the comment would hide itself, or a neighbour's.
        if rule.kind == Kind::Agent {
            return Some(f);
        }
        // Inline suppression on the line or the line above.
        let candidates = [Some(idx), idx.checked_sub(1)];
        for i in candidates.into_iter().flatten() {
            let Some(l) = w.get(i) else { continue };
            let Some(sup) = parse_suppression(l.text) else {
                continue;
            };
            if !suppression_names(&sup, &rule.id) {
                continue;
            }
            // A suppression already at the base covers only the line it was written for
            // there; on another line (a comment, docstring or string above new code) it is
            // not this finding's suppression at all.
            let written_for_it = base.is_none_or(|b| b.covers(l, i == idx, line.text));
            if !l.added && !written_for_it {
                continue;
            }
            let pre_existing = ctx.scan || written_for_it;
            if pre_existing && sup.has_reason {
                return None;
            }
            if pre_existing {
                f.notes
                    .push("`guardrail-ignore` without a reason is not honoured".into());
                return Some(f);
            }
            let which = if sup.guardrail {
                "guardrail-ignore"
            } else {
                "nosemgrep"
            };
            f.message = format!(
                "A `{which}` comment added by this change hides `{}` here: {} Suppressions written in the same change as the code they hide do not count; a human must accept this one.",
                rule.id, f.message
            );
            f.rule = "suppression-added-by-change".into();
            f.kind = Kind::Agent;
            f.severity = Severity::Yellow;
            let anchor2 = format!("{}|{}", rule.id, anchor);
            return Some(f.with_fingerprint(&anchor2, occurrence));
        }
        Some(f)
    }
}

impl Check for CodeRules {
    fn name(&self) -> &'static str {
        "code-rules"
    }

    fn lane(&self) -> Lane {
        Lane::Change
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        use rayon::prelude::*;
        let moved = OnceLock::new();
        let per_file: Vec<Vec<Finding>> = ctx
            .changes
            .files
            .par_iter()
            .map(|f| {
                let mut out = Vec::new();
                self.file_findings(ctx, f, !ctx.scan, &mut out, Some(&moved));
                out
            })
            .collect();
        let lossy: Vec<&str> = ctx
            .changes
            .files
            .iter()
            .filter(|f| f.lossy)
            .map(|f| f.path())
            .collect();
        for p in lossy {
            ctx.note(format!(
                "{p}: content is not valid UTF-8; scanned with invalid bytes replaced"
            ));
        }
        for f in ctx.rules.failures() {
            ctx.note(f);
        }
        Ok(per_file.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests;
