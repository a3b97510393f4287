//! How much an edit of a CI workflow or a pre-commit config matters (issue: every workflow
//! edit was held, most of them pure action or hook bumps).
//!
//! A GitHub workflow edit is **yellow** when it touches what decides what CI runs and with which
//! rights: `permissions`, privileged triggers (`pull_request_target`, `workflow_run`,
//! `issue_comment`, …) or a removed trigger, `secrets` / `env` (or any `${{ secrets.… }}`),
//! `run:` / `script:` steps, `if:` / `continue-on-error:` conditions, security-relevant action
//! inputs (tokens, credentials, refs, failure switches), a removed job, step or action, a new
//! third-party action, or a third-party action moved to another mutable tag or branch. Otherwise
//! (an action bump that stays pinned to a full commit SHA or moves from a tag to one, a
//! GitHub-owned action's tag bump, names, matrices, tool versions, timeouts) it is **info**.
//! New, deleted or renamed workflows are yellow. The agent tier still raises every one of these
//! findings for agent-written changes.
//!
//! A `.pre-commit-config.yaml` edit is info when it only moves hooks' `rev:` to a full commit
//! SHA (or a pre-commit-owned repository's tag), adds hook ids, or edits the `ci:` section;
//! anything else (a third-party tag bump, a new repository, a removed hook, `args`, `exclude`)
//! is yellow. Other CI files (GitLab CI, hook scripts) stay yellow on any edit.

use crate::diff::{FileChange, FileStatus, Line};

/// The verdict on one edit: yellow reasons (empty: info) and a line to point at.
pub(crate) struct Assessment {
    /// Why the edit needs a human; empty when it does not.
    pub(crate) reasons: Vec<String>,
    /// Head line of the first reason, when known.
    pub(crate) line: Option<u32>,
    /// What the edit does, when it is info.
    pub(crate) benign: String,
}

/// One YAML line's place: its ancestor keys (`-` for a list item), its own key, and whether it
/// is text inside a block scalar (`run: |`).
#[derive(Debug, Clone, Default)]
struct Place {
    path: Vec<String>,
    key: Option<String>,
    in_block: bool,
    item_start: bool,
}

fn key_of(t: &str) -> Option<(&str, &str)> {
    let (k, v) = t.split_once(':')?;
    let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
    {
        return None;
    }
    if !(v.is_empty() || v.starts_with([' ', '\t'])) {
        return None;
    }
    Some((k, v.trim()))
}

/// Places of every line of a YAML text (1-based: index 0 is unused).
fn places(text: &str) -> Vec<Place> {
    let mut out = vec![Place::default()];
    // (indent, key) of the open mappings; a list item is ("-").
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut block: Option<usize> = None;
    for raw in text.lines() {
        let indent = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        if let Some(bi) = block {
            if t.is_empty() || indent > bi {
                out.push(Place {
                    path: stack.iter().map(|(_, k)| k.clone()).collect(),
                    key: None,
                    in_block: true,
                    item_start: false,
                });
                continue;
            }
            block = None;
        }
        if t.is_empty() || t.starts_with('#') {
            out.push(Place {
                path: stack.iter().map(|(_, k)| k.clone()).collect(),
                ..Place::default()
            });
            continue;
        }
        let mut col = indent;
        let mut rest = t;
        let mut item_start = false;
        // A list may sit at its key's own indentation (`steps:` then `- run:` in the same
        // column): an item closes only deeper entries and its sibling items.
        let item = rest.starts_with("- ") || rest == "-";
        while stack
            .last()
            .is_some_and(|(i, k)| *i > col || (*i == col && (!item || k == "-")))
        {
            stack.pop();
        }
        while let Some(r) = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
        {
            item_start = true;
            stack.push((col, "-".into()));
            let skipped = rest.len() - r.trim_start().len();
            col += skipped;
            rest = r.trim_start();
        }
        let path: Vec<String> = stack.iter().map(|(_, k)| k.clone()).collect();
        let key = key_of(rest).map(|(k, v)| {
            if v.starts_with('|') || v.starts_with('>') {
                block = Some(col);
            }
            k.to_owned()
        });
        if let Some(k) = &key {
            stack.push((col, k.clone()));
        }
        out.push(Place {
            path,
            key,
            in_block: false,
            item_start,
        });
    }
    out
}

fn place_at(places: &[Place], no: u32) -> Place {
    places.get(no as usize).cloned().unwrap_or_default()
}

/// `owner/repo[/path]` and ref of a `uses:` value.
fn uses_of(t: &str) -> Option<(String, String)> {
    let t = t.trim().trim_start_matches("- ").trim();
    let v = t.strip_prefix("uses:")?.trim();
    let v = v.split(" #").next().unwrap_or(v).trim();
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    let (action, r) = v.rsplit_once('@').unwrap_or((v, ""));
    Some((action.to_owned(), r.to_owned()))
}

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// GitHub-owned actions share the runner's trust root (the project's pinning policy allows
/// their tags); local actions are the repository's own code.
fn first_party(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a.starts_with("actions/") || a.starts_with("github/") || a.starts_with("./")
}

const PRIVILEGED_TRIGGERS: &[&str] = &[
    "pull_request_target",
    "workflow_run",
    "issue_comment",
    "pull_request_review_comment",
    "discussion_comment",
];

/// An action input that carries credentials, chooses what code runs, or switches a failure or
/// a verification off (judged by the words of its name: `github-token`, `fail_ci_if_error`).
fn sensitive_input(key: &str) -> bool {
    key.to_ascii_lowercase().split(['-', '_', '.']).any(|w| {
        matches!(
            w,
            "token"
                | "secret"
                | "secrets"
                | "password"
                | "passphrase"
                | "credential"
                | "credentials"
                | "ref"
                | "repository"
                | "script"
                | "args"
                | "command"
                | "run"
                | "fail"
                | "verify"
                | "strict"
                | "skip"
                | "ignore"
                | "exclude"
                | "allow"
                | "insecure"
        )
    })
}

/// An environment variable that carries a credential, switches a verification off, or
/// passes attacker-controlled event data into the job (plain build settings such as
/// `GO111MODULE` or `FORCE_COLOR` do not matter).
fn env_matters(name: &str, line: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let credential = [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "KEY",
        "CREDENTIAL",
        "AUTH",
    ]
    .iter()
    .any(|w| n.contains(w));
    let unsafe_switch = [
        "ACTIONS_ALLOW_UNSECURE_COMMANDS",
        "NODE_TLS_REJECT_UNAUTHORIZED",
        "GIT_SSL_NO_VERIFY",
        "PYTHONHTTPSVERIFY",
        "CURL_CA_BUNDLE",
        "REQUESTS_CA_BUNDLE",
        "SSL_CERT_FILE",
        "NPM_CONFIG_REGISTRY",
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
    ]
    .contains(&n.as_str());
    let untrusted = line.contains("github.event.") || line.contains("github.head_ref");
    credential || unsafe_switch || untrusted
}

/// The scalar value of a `key: value` line, without a trailing comment or quotes.
fn value_of(t: &str) -> &str {
    let v = t.split_once(':').map(|(_, v)| v).unwrap_or("");
    let v = v.split(" #").next().unwrap_or(v).trim();
    v.trim_matches(|c| c == '"' || c == '\'')
}

fn meaningful(l: &Line) -> bool {
    let t = l.text.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// Why one changed line of a GitHub workflow matters, if it does.
fn workflow_line_reason(p: &Place, text: &str, added: bool) -> Option<String> {
    let t = text.trim();
    let all: Vec<&str> = p
        .path
        .iter()
        .map(String::as_str)
        .chain(p.key.as_deref())
        .collect();
    let has = |k: &str| all.contains(&k);
    if t.contains("secrets.") || has("secrets") {
        return Some("secrets".into());
    }
    if has("env") && env_matters(p.key.as_deref().unwrap_or(""), t) {
        return Some("security-relevant environment variables".into());
    }
    if p.key.as_deref() == Some("permissions") && t.trim_end().ends_with(':') {
        // The block's entries are judged one by one.
        return None;
    }
    if has("permissions") {
        // Narrowing the token (`contents: read`, `{}`, dropping a `write`) is hardening.
        let value = value_of(t);
        let narrows = if added {
            matches!(value, "read" | "none" | "{}" | "read-all")
        } else {
            value == "write" || value == "write-all"
        };
        return (!narrows).then(|| "permissions".into());
    }
    if p.in_block || has("run") || has("script") || has("shell") {
        return Some("a `run:` step".into());
    }
    if p.key.as_deref() == Some("continue-on-error") {
        // Dropping it makes failures count again; adding it (other than `false`) hides them.
        let value = value_of(t);
        return (added && value != "false")
            .then(|| "a step or job condition (`if:` / `continue-on-error:`)".into());
    }
    if has("if") || has("continue-on-error") {
        return Some("a step or job condition (`if:` / `continue-on-error:`)".into());
    }
    let top = all.first().copied();
    if top == Some("on") || top == Some("true") {
        // Trigger events are compared file-wide (see `triggers`).
        return None;
    }
    if let Some(i) = all.iter().position(|k| *k == "with") {
        if p.key.as_deref() == Some("persist-credentials") {
            // `false` is the hardened setting: adding it (or dropping `true`) is no weakening.
            let value = value_of(t);
            let hardens = (value == "false") == added;
            return (!hardens).then(|| "a security-relevant action input".into());
        }
        if all.get(i + 1).is_some_and(|k| sensitive_input(k)) {
            return Some("a security-relevant action input".into());
        }
        return None;
    }
    if all.len() == 2 && all[0] == "jobs" && !added && p.key.is_some() {
        return Some("a job removed".into());
    }
    None
}

/// The events a workflow triggers on: `on: push`, `on: [push, pull_request]` or the keys under
/// `on:`.
fn triggers(text: &str, places: &[Place]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let Some(p) = places.get(i + 1) else { break };
        if p.in_block {
            continue;
        }
        let t = raw.trim();
        if p.path.is_empty() && p.key.as_deref() == Some("on") {
            let v = t.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
            out.extend(
                v.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|e| e.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
                    .filter(|e| !e.is_empty() && !e.starts_with('#')),
            );
        } else if p.path.len() == 1 && p.path[0] == "on" {
            if let Some(k) = &p.key {
                out.push(k.clone());
            } else if let Some(item) = t.strip_prefix("- ") {
                out.push(item.trim().to_owned());
            }
        }
    }
    out
}

/// Judges an edit of a GitHub workflow. `base`/`head` are the file's texts when known.
pub(crate) fn assess_workflow(
    f: &FileChange,
    base: Option<&str>,
    head: Option<&str>,
) -> Assessment {
    let mut a = Assessment {
        reasons: Vec::new(),
        line: None,
        benign: String::new(),
    };
    if f.status != FileStatus::Modified {
        a.reasons.push(match f.status {
            FileStatus::Added => "a new workflow".into(),
            FileStatus::Deleted => "a deleted workflow".into(),
            _ => "a renamed or copied workflow".into(),
        });
        a.line = f.added.first().map(|l| l.no);
        return a;
    }
    let (Some(base), Some(head)) = (base, head) else {
        a.reasons
            .push("workflow content not available to compare".into());
        a.line = f.added.first().map(|l| l.no);
        return a;
    };
    let bp = places(base);
    let hp = places(head);
    let push = |a: &mut Assessment, why: String, line: Option<u32>| {
        if !a.reasons.contains(&why) {
            a.reasons.push(why);
        }
        if a.line.is_none() {
            a.line = line;
        }
    };
    let removed_uses: Vec<(String, String)> =
        f.removed.iter().filter_map(|l| uses_of(&l.text)).collect();
    let added_uses: Vec<(String, String)> =
        f.added.iter().filter_map(|l| uses_of(&l.text)).collect();
    // A line removed and added again at the same place in the tree (a moved block, a quote
    // style or indentation change) is no edit.
    let norm = |p: &Place, t: &str| -> String {
        // Quotes are the same YAML string outside scripts; in a shell script they are not.
        let script = p.in_block || matches!(p.key.as_deref(), Some("run" | "script"));
        let t = if script {
            t.to_owned()
        } else {
            t.replace('\'', "\"")
        };
        let text: String = t.split_whitespace().collect();
        format!("{}|{}|{text}", p.path.join("/"), p.in_block)
    };
    let mut pool: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for l in f.removed.iter().filter(|l| meaningful(l)) {
        *pool.entry(norm(&place_at(&bp, l.no), &l.text)).or_insert(0) += 1;
    }
    let mut same_added = std::collections::HashSet::new();
    let mut back: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for l in f.added.iter().filter(|l| meaningful(l)) {
        let k = norm(&place_at(&hp, l.no), &l.text);
        if let Some(n) = pool.get_mut(&k).filter(|n| **n > 0) {
            *n -= 1;
            same_added.insert(l.no);
            *back.entry(k).or_insert(0) += 1;
        }
    }
    let mut same_removed = std::collections::HashSet::new();
    for l in f.removed.iter().filter(|l| meaningful(l)) {
        let k = norm(&place_at(&bp, l.no), &l.text);
        if let Some(n) = back.get_mut(&k).filter(|n| **n > 0) {
            *n -= 1;
            same_removed.insert(l.no);
        }
    }
    let (before, after) = (triggers(base, &bp), triggers(head, &hp));
    if let Some(t) = after
        .iter()
        .find(|t| PRIVILEGED_TRIGGERS.contains(&t.as_str()) && !before.contains(t))
    {
        let line = f
            .added
            .iter()
            .find(|l| l.text.contains(t.as_str()))
            .map(|l| l.no);
        push(&mut a, format!("the privileged trigger `{t}`"), line);
    }
    if let Some(t) = before.iter().find(|t| !after.contains(t)) {
        let line = f.added.first().map(|l| l.no);
        push(&mut a, format!("the trigger `{t}` removed"), line);
    }
    let under_steps = |p: &Place| p.item_start && p.path.iter().any(|k| k == "steps");
    let steps_removed = f
        .removed
        .iter()
        .filter(|l| meaningful(l) && under_steps(&place_at(&bp, l.no)))
        .count();
    let steps_added = f
        .added
        .iter()
        .filter(|l| meaningful(l) && under_steps(&place_at(&hp, l.no)))
        .count();
    if steps_removed > steps_added {
        let line = f
            .removed
            .first()
            .and_then(|l| crate::checks::agent::head_line_of_removal(f, l.no));
        push(&mut a, "a step removed".into(), line);
    }
    let mut bumps = 0usize;
    for l in f
        .added
        .iter()
        .filter(|l| meaningful(l) && !same_added.contains(&l.no))
    {
        let p = place_at(&hp, l.no);
        if let Some((action, r)) = uses_of(&l.text).filter(|_| !p.in_block) {
            let before = removed_uses.iter().find(|(b, _)| b == &action);
            match before {
                Some(_) if is_sha(&r) || first_party(&action) => bumps += 1,
                Some((_, old)) => push(
                    &mut a,
                    format!(
                        "third-party action `{action}` moved from `{old}` to the mutable ref `{r}`"
                    ),
                    Some(l.no),
                ),
                None if first_party(&action) => {}
                None => push(
                    &mut a,
                    format!("a new third-party action `{action}`"),
                    Some(l.no),
                ),
            }
            continue;
        }
        if let Some(why) = workflow_line_reason(&p, &l.text, true) {
            push(&mut a, why, Some(l.no));
        }
    }
    for l in f
        .removed
        .iter()
        .filter(|l| meaningful(l) && !same_removed.contains(&l.no))
    {
        let p = place_at(&bp, l.no);
        let head_line = crate::checks::agent::head_line_of_removal(f, l.no);
        if let Some((action, _)) = uses_of(&l.text).filter(|_| !p.in_block) {
            if !added_uses.iter().any(|(h, _)| h == &action) {
                push(&mut a, format!("action `{action}` removed"), head_line);
            }
            continue;
        }
        if let Some(why) = workflow_line_reason(&p, &l.text, false) {
            push(&mut a, why, head_line);
        }
    }
    a.benign = if bumps > 0 {
        format!("{bumps} action reference(s) moved to a full commit SHA or a GitHub-owned tag; nothing that decides permissions, triggers, secrets, scripts or which steps run changed")
    } else {
        "nothing that decides permissions, triggers, secrets, scripts or which steps run changed (names, versions, matrices or comments only)".into()
    };
    a
}

/// The `repo:` URL of the pre-commit entry a line belongs to.
fn precommit_repo(text: &str, no: u32) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = (no as usize).checked_sub(1)?;
    loop {
        let t = lines.get(i)?.trim().trim_start_matches("- ").trim();
        if let Some(r) = t.strip_prefix("repo:") {
            return Some(r.trim().trim_matches(|c| c == '"' || c == '\'').to_owned());
        }
        i = i.checked_sub(1)?;
    }
}

/// Judges an edit of `.pre-commit-config.yaml`.
pub(crate) fn assess_precommit(
    f: &FileChange,
    base: Option<&str>,
    head: Option<&str>,
) -> Assessment {
    let mut a = Assessment {
        reasons: Vec::new(),
        line: None,
        benign: String::new(),
    };
    let (Some(base), Some(head), FileStatus::Modified) = (base, head, f.status) else {
        a.reasons
            .push("the hook configuration is new, deleted or not available to compare".into());
        a.line = f.added.first().map(|l| l.no);
        return a;
    };
    let hp = places(head);
    let bp = places(base);
    let mut bumps = 0usize;
    let push = |a: &mut Assessment, why: String, line: Option<u32>| {
        if !a.reasons.contains(&why) {
            a.reasons.push(why);
        }
        if a.line.is_none() {
            a.line = line;
        }
    };
    let base_repos: Vec<String> = base
        .lines()
        .filter_map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim()
                .strip_prefix("repo:")
                .map(|r| r.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        })
        .collect();
    for l in f.added.iter().filter(|l| meaningful(l)) {
        let p = place_at(&hp, l.no);
        if p.path.first().is_some_and(|k| k == "ci") || p.key.as_deref() == Some("ci") {
            continue;
        }
        let t = l.text.trim().trim_start_matches("- ").trim();
        match p.key.as_deref() {
            Some("rev") => {
                let r = t["rev:".len()..]
                    .split(" #")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'');
                let repo = precommit_repo(head, l.no).unwrap_or_default();
                let known = base_repos.contains(&repo);
                let own = repo
                    .to_ascii_lowercase()
                    .starts_with("https://github.com/pre-commit/");
                if known && (is_sha(r) || own) {
                    bumps += 1;
                } else if known {
                    push(
                        &mut a,
                        format!("hook repository {repo} moved to the mutable tag `{r}`"),
                        Some(l.no),
                    );
                } else {
                    push(&mut a, format!("a new hook repository {repo}"), Some(l.no));
                }
            }
            Some("repo") => {
                let repo = t["repo:".len()..]
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'');
                if !base_repos.iter().any(|b| b == repo) {
                    push(&mut a, format!("a new hook repository {repo}"), Some(l.no));
                }
            }
            Some("id") if p.item_start => {}
            _ => push(
                &mut a,
                format!("hook settings (`{}`)", l.text.trim()),
                Some(l.no),
            ),
        }
    }
    for l in f.removed.iter().filter(|l| meaningful(l)) {
        let p = place_at(&bp, l.no);
        if p.path.first().is_some_and(|k| k == "ci") {
            continue;
        }
        match p.key.as_deref() {
            Some("rev") | Some("repo") => {}
            _ => {
                let t = l.text.trim();
                if !f.added.iter().any(|x| x.text.trim() == t) {
                    push(
                        &mut a,
                        format!("a hook or hook setting removed (`{t}`)"),
                        crate::checks::agent::head_line_of_removal(f, l.no),
                    );
                }
            }
        }
    }
    a.benign = format!("{bumps} hook revision(s) moved to a full commit SHA or a pre-commit-owned tag, hooks added or pre-commit.ci settings only");
    a
}

#[cfg(test)]
mod tests;
