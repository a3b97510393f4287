//! GitHub backend (`guardrail check --publish github`): one batched review with inline comments
//! (`side: RIGHT`) for new findings on diff lines, an upserted summary comment, a commit status
//! and (when the token may) a check run with annotations; decisions from
//! `/guardrail accept|reject <reason>` replies in a finding's review thread; when a flagged
//! finding is gone because the code changed, one *resolved (modified)* reply and the thread
//! resolved through GraphQL (`resolveReviewThread`: REST cannot resolve review threads).
//!
//! Everything is found again on the next run by hidden markers at the start of comments
//! authored by guardrail's own user (the token's user; `github-actions[bot]` for an Actions
//! token, which may not call `GET /user`), so a run with nothing new posts nothing.

use std::collections::{HashMap, HashSet};

use octocrab::Octocrab;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::finding::{Finding, ReviewState};
use crate::ledger::DecisionRecord;

mod graphql;
mod status;

use graphql::{
    graphql_base, graphql_errors, parse_threads, Thread, RESOLVE_MUTATION, THREADS_QUERY,
};
use status::status_for;

use super::decide::{edited, judge, outcome, Judged, Vote};
use super::http::{self, CallError, Limits};
use super::{
    body, marker_fingerprint, on_diff, parse_command, publishable, Backend, ChangeInfo,
    DecisionRules, FindingRef, Publication, RESOLVED_MARKER, SUMMARY_MARKER,
};

const FORGE: &str = "GitHub";
const TOKEN_VAR: &str = "GITHUB_TOKEN";
/// Pages of 100 review threads read at most: bounds the look-up on a broken or hostile API.
const THREAD_PAGES: usize = 50;

#[derive(Debug, Clone, Deserialize)]
struct User {
    login: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReviewComment {
    id: u64,
    #[serde(default)]
    body: String,
    user: Option<User>,
    #[serde(default)]
    in_reply_to_id: Option<u64>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct IssueComment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    user: Option<User>,
}

/// Facts about the pull request.
#[derive(Debug, Clone, Default)]
struct Pr {
    author: Option<String>,
    head_sha: String,
    branch: Option<String>,
    labels: Vec<String>,
    url: Option<String>,
}

/// The GitHub backend.
pub(crate) struct GitHub {
    rt: tokio::runtime::Runtime,
    crab: Octocrab,
    /// Same token and limits as `crab`, based at the GraphQL root (see [`graphql_base`]).
    gql: Octocrab,
    limits: Limits,
    repo: String,
    owner: String,
    name: String,
    number: u64,
    own: String,
    pr: Pr,
    review_comments: Vec<ReviewComment>,
    issue_comments: Vec<IssueComment>,
    permissions: HashMap<String, String>,
    replies: Vec<(u64, String)>,
    /// Root comment ids of threads whose finding is gone, to resolve after the reply.
    resolve: Vec<u64>,
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

fn call_error(e: octocrab::Error) -> CallError {
    match e {
        octocrab::Error::GitHub { source, .. } => {
            let h = |k: &str| {
                source
                    .headers
                    .as_ref()
                    .and_then(|m| m.get(k))
                    .and_then(|v| v.to_str().ok())
            };
            let mut message = source.message.clone();
            if let Some(errs) = &source.errors {
                let details: Vec<String> = errs
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other
                            .get("message")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .unwrap_or_else(|| other.to_string()),
                    })
                    .collect();
                if !details.is_empty() {
                    message.push_str(&format!(" ({})", details.join("; ")));
                }
            }
            let status = source.status_code.as_u16();
            let retry_after = if status == 429 || status == 403 {
                http::retry_after(
                    h("retry-after"),
                    h("x-ratelimit-remaining"),
                    h("x-ratelimit-reset"),
                )
            } else {
                None
            };
            CallError {
                status: Some(status),
                retry_after,
                message: message.chars().take(300).collect(),
                timeout: false,
            }
        }
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or("request failed").to_owned();
            // The timeout may sit deep in the source chain (octocrab wraps hyper wraps tower).
            let mut chain = text.to_ascii_lowercase();
            let mut source = std::error::Error::source(&other);
            while let Some(e) = source {
                chain.push_str(": ");
                chain.push_str(&e.to_string().to_ascii_lowercase());
                source = e.source();
            }
            let timeout = chain.contains("timed out")
                || chain.contains("timeout")
                || chain.contains("elapsed");
            CallError {
                status: None,
                retry_after: None,
                message: first,
                timeout,
            }
        }
    }
}

/// The PR number in a workflow event payload (`pull_request`, `pull_request_target`,
/// `issue_comment` on a PR, `pull_request_review_comment`).
fn event_number(ev: &Value) -> Option<u64> {
    ev.pointer("/pull_request/number")
        .and_then(Value::as_u64)
        .or_else(|| {
            ev.get("issue")
                .filter(|i| i.get("pull_request").is_some())
                .and_then(|i| i.get("number"))
                .and_then(Value::as_u64)
        })
        .or_else(|| ev.get("number").and_then(Value::as_u64))
}

impl GitHub {
    /// Connects using `GITHUB_API_URL`, `GITHUB_REPOSITORY`, `GITHUB_EVENT_PATH`,
    /// `GITHUB_TOKEN`, and loads the pull request and its comments.
    pub(crate) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<GitHub> {
        let token =
            env("GITHUB_TOKEN").ok_or_else(|| usage("--publish github needs GITHUB_TOKEN"))?;
        let repo = env("GITHUB_REPOSITORY")
            .ok_or_else(|| usage("--publish github needs GITHUB_REPOSITORY (owner/name)"))?;
        let (owner, name) = repo
            .split_once('/')
            .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| usage(format!("GITHUB_REPOSITORY `{repo}` is not owner/name")))?;
        let event_path = env("GITHUB_EVENT_PATH").ok_or_else(|| {
            usage("--publish github needs GITHUB_EVENT_PATH (the pull_request event)")
        })?;
        let bytes = std::fs::read(&event_path).map_err(|e| Error::io(&event_path, e))?;
        let ev: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::parse(&event_path, Some(e.line()), e.to_string()))?;
        let number = event_number(&ev).ok_or_else(|| {
            Error::parse(
                &event_path,
                None,
                "not a pull request event: no pull_request.number (run on pull_request, pull_request_target or issue_comment on a PR)",
            )
        })?;
        let api = env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
        let limits = Limits::from_env(env);
        let rt = http::runtime(FORGE)?;
        let client = |base: &str| {
            let _guard = rt.enter();
            Octocrab::builder()
                .base_uri(base)
                .map_err(|e| usage(format!("GITHUB_API_URL `{api}` is not a URL: {e}")))?
                .personal_token(token.clone())
                .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
                .set_connect_timeout(Some(limits.timeout))
                .set_read_timeout(Some(limits.timeout))
                .build()
                .map_err(|e| super::forge_error(FORGE, format!("cannot build the client: {e}")))
        };
        let crab = client(api.trim_end_matches('/'))?;
        // Derived from GITHUB_API_URL, never from GITHUB_GRAPHQL_URL: one configurable base
        // keeps REST and GraphQL on the same host (and a test's fake server).
        let gql = client(graphql_base(&api))?;
        let mut gh = GitHub {
            rt,
            crab,
            gql,
            limits,
            repo: format!("/repos/{owner}/{name}"),
            owner: owner.to_owned(),
            name: name.to_owned(),
            number,
            own: String::new(),
            pr: Pr::default(),
            review_comments: Vec::new(),
            issue_comments: Vec::new(),
            permissions: HashMap::new(),
            replies: Vec::new(),
            resolve: Vec::new(),
        };
        gh.load(env)?;
        Ok(gh)
    }

    fn load(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
        let own = match self.get_value("/user", "GET /user") {
            Ok(v) => v
                .get("login")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            // An Actions token may not read /user; it posts as github-actions[bot].
            Err(Error::Forge { message, .. }) if message.contains("HTTP 403") => {
                env("GUARDRAIL_GITHUB_LOGIN").unwrap_or_else(|| "github-actions[bot]".into())
            }
            Err(e) => return Err(e),
        };
        if own.is_empty() {
            return Err(super::forge_error(
                FORGE,
                "GET /user: no login in the response",
            ));
        }
        self.own = own;
        let route = format!("{}/pulls/{}", self.repo, self.number);
        let pr = self.get_value(&route, &format!("GET {route}"))?;
        self.pr = Pr {
            author: pr
                .pointer("/user/login")
                .and_then(Value::as_str)
                .map(str::to_owned),
            head_sha: pr
                .pointer("/head/sha")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    super::forge_error(FORGE, format!("GET {route}: no head.sha in the response"))
                })?
                .to_owned(),
            branch: pr
                .pointer("/head/ref")
                .and_then(Value::as_str)
                .map(str::to_owned),
            labels: pr
                .get("labels")
                .and_then(Value::as_array)
                .map(|ls| {
                    ls.iter()
                        .filter_map(|l| l.get("name").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            url: pr
                .get("html_url")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let rc = self.get_all(&format!("{}/pulls/{}/comments", self.repo, self.number))?;
        self.review_comments = rc
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        let ic = self.get_all(&format!("{}/issues/{}/comments", self.repo, self.number))?;
        self.issue_comments = ic
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        Ok(())
    }

    fn get_value(&self, route: &str, what: &str) -> Result<Value> {
        let crab = &self.crab;
        self.rt.block_on(http::call(
            FORGE,
            what,
            &self.limits,
            true,
            TOKEN_VAR,
            || async move {
                crab.get::<Value, _, ()>(route, None)
                    .await
                    .map_err(call_error)
            },
        ))
    }

    fn send(&self, method: &str, route: &str, body: &Value) -> Result<Value> {
        let crab = &self.crab;
        let what = format!("{method} {route}");
        self.rt.block_on(http::call(
            FORGE,
            &what,
            &self.limits,
            false,
            TOKEN_VAR,
            || async move {
                let r = if method == "PATCH" {
                    crab.patch::<Value, _, _>(route, Some(body)).await
                } else {
                    crab.post::<_, Value>(route, Some(body)).await
                };
                r.map_err(call_error)
            },
        ))
    }

    /// One GraphQL request. An `errors` list in a 200 answer is a failure too (GitHub reports
    /// missing permissions that way). Retried like a read: both our query and the
    /// resolve mutation are idempotent.
    fn graphql(&self, what: &str, query: &str, variables: Value) -> Result<Value> {
        let crab = &self.gql;
        let payload = json!({ "query": query, "variables": variables });
        let payload = &payload;
        let v: Value = self.rt.block_on(http::call(
            FORGE,
            what,
            &self.limits,
            true,
            TOKEN_VAR,
            || async move {
                crab.post::<_, Value>("/graphql", Some(payload))
                    .await
                    .map_err(call_error)
            },
        ))?;
        if let Some(msg) = graphql_errors(&v) {
            return Err(super::forge_error(
                FORGE,
                format!("{what}: GraphQL error: {msg}"),
            ));
        }
        Ok(v.get("data").cloned().unwrap_or(Value::Null))
    }

    /// Every review thread of the PR, by the REST id of its first comment.
    fn review_threads(&self) -> Result<HashMap<u64, Thread>> {
        let what = "POST /graphql (reviewThreads)";
        let mut out = HashMap::new();
        let mut cursor: Option<String> = None;
        for _ in 0..THREAD_PAGES {
            let vars = json!({
                "owner": self.owner,
                "name": self.name,
                "number": self.number,
                "cursor": cursor,
            });
            let data = self.graphql(what, THREADS_QUERY, vars)?;
            let (page, next) = parse_threads(&data).ok_or_else(|| {
                super::forge_error(
                    FORGE,
                    format!("{what}: no repository.pullRequest.reviewThreads in the response"),
                )
            })?;
            out.extend(page);
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        Ok(out)
    }

    /// Resolves the threads of findings that are gone. Never fails the run: without
    /// GraphQL access (Actions tokens on some setups, fine-grained tokens without
    /// pull-requests write) the reply already posted says the finding is resolved.
    fn resolve_threads(&self, roots: &[u64]) -> Vec<String> {
        let degraded = |n: usize, e: &Error| {
            format!(
                "{n} review thread(s) whose finding is gone were answered \"resolved (modified)\" but not resolved: {e}"
            )
        };
        let threads = match self.review_threads() {
            Ok(t) => t,
            Err(e) => return vec![degraded(roots.len(), &e)],
        };
        let mut notes = Vec::new();
        let mut resolved = 0usize;
        let mut missing = 0usize;
        for (k, root) in roots.iter().enumerate() {
            let Some(t) = threads.get(root) else {
                missing += 1;
                continue;
            };
            if t.resolved {
                continue;
            }
            let what = "POST /graphql (resolveReviewThread)";
            let res = self
                .graphql(what, RESOLVE_MUTATION, json!({ "threadId": t.id }))
                .and_then(|d| {
                    match d
                        .pointer("/resolveReviewThread/thread/isResolved")
                        .and_then(Value::as_bool)
                    {
                        Some(true) => Ok(()),
                        _ => Err(super::forge_error(
                            FORGE,
                            format!("{what}: the thread is not resolved in the response"),
                        )),
                    }
                });
            match res {
                Ok(()) => resolved += 1,
                // The same token fails the same way for every thread: stop asking.
                Err(e) => {
                    notes.push(degraded(roots.len() - k, &e));
                    break;
                }
            }
        }
        if missing > 0 {
            notes.push(format!(
                "{missing} review thread(s) whose finding is gone were not found through GraphQL; answered \"resolved (modified)\" only"
            ));
        }
        if resolved > 0 {
            notes.push(format!(
                "resolved {resolved} review thread(s) whose finding is gone (modified)"
            ));
        }
        notes
    }

    /// Every page of a list (100 per page).
    fn get_all(&self, route: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for page in 1..=100u32 {
            let r = format!("{route}?per_page=100&page={page}");
            let v = self.get_value(&r, &format!("GET {route}"))?;
            let items = match v {
                Value::Array(a) => a,
                _ => {
                    return Err(super::forge_error(
                        FORGE,
                        format!("GET {route}: expected a list"),
                    ))
                }
            };
            let n = items.len();
            out.extend(items);
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }

    fn is_own(&self, u: Option<&User>) -> bool {
        u.is_some_and(|u| u.login.eq_ignore_ascii_case(&self.own))
    }

    /// The repository permission of `login` (`admin`, `maintain`, `write`, `triage`, `read`,
    /// `none`), cached.
    fn permission(&mut self, login: &str) -> Result<String> {
        if let Some(p) = self.permissions.get(login) {
            return Ok(p.clone());
        }
        let route = format!("{}/collaborators/{login}/permission", self.repo);
        let p = match self.get_value(&route, &format!("GET {route}")) {
            Ok(v) => {
                let role = v
                    .get("role_name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let perm = v
                    .get("permission")
                    .and_then(Value::as_str)
                    .unwrap_or("none");
                if matches!(role, "admin" | "maintain" | "write") {
                    role.to_owned()
                } else {
                    perm.to_owned()
                }
            }
            // Not a collaborator (or not a user): no permission.
            Err(Error::Forge { message, .. }) if message.contains("HTTP 404") => "none".to_owned(),
            Err(e) => return Err(e),
        };
        self.permissions.insert(login.to_owned(), p.clone());
        Ok(p)
    }
}

fn ack_id(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("<!-- guardrail:ack=")?;
    Some(&rest[..rest.find(" -->")?])
}

impl Backend for GitHub {
    fn change_info(&self) -> ChangeInfo {
        ChangeInfo {
            author: self.pr.author.clone(),
            labels: self.pr.labels.clone(),
            branch: self.pr.branch.clone(),
            url: self.pr.url.clone(),
        }
    }

    fn apply_decisions(
        &mut self,
        findings: &mut [Finding],
        rules: &DecisionRules<'_>,
    ) -> Result<Vec<DecisionRecord>> {
        let idx = super::by_fingerprint(findings);
        let roots: Vec<(u64, String)> = self
            .review_comments
            .iter()
            .filter(|c| c.in_reply_to_id.is_none() && self.is_own(c.user.as_ref()))
            .filter_map(|c| marker_fingerprint(&c.body).map(|fp| (c.id, fp.to_owned())))
            .collect();
        let mut records = Vec::new();
        let mut seen_roots = HashSet::new();
        for (root, fp) in roots {
            if !seen_roots.insert(fp.clone()) {
                continue;
            }
            let mut thread: Vec<ReviewComment> = self
                .review_comments
                .iter()
                .filter(|c| c.in_reply_to_id == Some(root))
                .cloned()
                .collect();
            thread.sort_by_key(|c| c.id);
            let own_bodies: Vec<&str> = thread
                .iter()
                .filter(|c| self.is_own(c.user.as_ref()))
                .map(|c| c.body.as_str())
                .collect();
            let acked: HashSet<String> = own_bodies
                .iter()
                .filter_map(|b| ack_id(b))
                .map(str::to_owned)
                .collect();
            let resolved = own_bodies.iter().any(|b| b.starts_with(RESOLVED_MARKER));
            let Some(&i) = idx.get(&fp) else {
                if !resolved {
                    let gone = FindingRef {
                        fingerprint: fp.clone(),
                        line_hash: None,
                    };
                    let mut rec = super::record(
                        "modified",
                        self.pr.author.as_deref().unwrap_or("unknown"),
                        &gone,
                        "github",
                    );
                    rec.comment_id = Some(root.to_string());
                    rec.reason = Some("the flagged code changed and the finding is gone".into());
                    records.push(rec);
                    self.replies.push((root, body::resolved()));
                    // Our reply is the record that this thread was handled: a thread with it
                    // is never touched again, even if someone re-opens it on purpose.
                    self.resolve.push(root);
                }
                continue;
            };
            let others: Vec<ReviewComment> = thread
                .iter()
                .filter(|c| !self.is_own(c.user.as_ref()))
                .cloned()
                .collect();
            for c in &others {
                let Some(cmd) = parse_command(&c.body) else {
                    continue;
                };
                let Some(user) = &c.user else { continue };
                let v = Vote {
                    id: c.id.to_string(),
                    login: &user.login,
                    is_bot: user.kind.as_deref() == Some("Bot"),
                    body: &c.body,
                    edited: edited(c.created_at.as_deref(), c.updated_at.as_deref(), None),
                };
                let own = self.own.clone();
                let mut perm = |login: &str| -> Result<Option<String>> {
                    let p = self.permission(login)?;
                    Ok(
                        (!matches!(p.as_str(), "admin" | "maintain" | "write")).then(|| {
                            format!("{login} has {p} access; write, maintain or admin is needed")
                        }),
                    )
                };
                let j = judge(rules, &own, &findings[i], &v, &cmd, &mut perm)?;
                if let Judged::Counted { accept, reason } = &j {
                    let state = if *accept {
                        ReviewState::Accepted
                    } else {
                        ReviewState::Rejected
                    };
                    super::set_review(&mut findings[i], state, &user.login, reason);
                }
                if !acked.contains(&v.ack_key()) {
                    let (rec, answer) = outcome(&j, &v, &findings[i], "github");
                    records.push(rec);
                    self.replies.push((root, answer));
                }
            }
        }
        Ok(records)
    }

    fn publish(&mut self, p: &Publication<'_>) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        let head = self.pr.head_sha.clone();
        if let Some(h) = p.head {
            if h != head {
                notes.push(format!(
                    "checked commit {} but the pull request head is {}; comments are placed on the PR head",
                    &h[..h.len().min(12)],
                    &head[..head.len().min(12)]
                ));
            }
        }
        // 1. One batched review for findings on diff lines that have no comment yet.
        let existing: HashSet<String> = self
            .review_comments
            .iter()
            .filter(|c| c.in_reply_to_id.is_none() && self.is_own(c.user.as_ref()))
            .filter_map(|c| marker_fingerprint(&c.body).map(str::to_owned))
            .collect();
        let mut posted = HashSet::new();
        let comments: Vec<Value> = p
            .findings
            .iter()
            .filter(|f| publishable(f) && on_diff(f, p.changes) && !existing.contains(&f.fingerprint))
            .filter(|f| posted.insert(f.fingerprint.clone()))
            .map(|f| json!({"path": f.path, "line": f.line, "side": "RIGHT", "body": body::inline(f)}))
            .collect();
        if !comments.is_empty() {
            let n = comments.len();
            let route = format!("{}/pulls/{}/reviews", self.repo, self.number);
            let review = json!({
                "commit_id": head,
                "event": "COMMENT",
                "body": format!("guardrail: {n} new finding(s) on this change. The summary comment has the full list."),
                "comments": comments,
            });
            self.send("POST", &route, &review)?;
            notes.push(format!("posted a review with {n} inline comment(s)"));
        }
        // 2. Answers to decisions and resolved-as-modified notes.
        for (root, text) in std::mem::take(&mut self.replies) {
            let route = format!(
                "{}/pulls/{}/comments/{root}/replies",
                self.repo, self.number
            );
            self.send("POST", &route, &json!({ "body": text }))?;
        }
        let resolve = std::mem::take(&mut self.resolve);
        if !resolve.is_empty() {
            notes.extend(self.resolve_threads(&resolve));
        }
        // 3. The summary comment, created once and edited in place.
        let summary = body::summary(p);
        let mine = self.issue_comments.iter().find(|c| {
            self.is_own(c.user.as_ref())
                && c.body
                    .as_deref()
                    .is_some_and(|b| b.starts_with(SUMMARY_MARKER))
        });
        match mine {
            Some(c) if c.body.as_deref().map(str::trim_end) == Some(summary.trim_end()) => {}
            Some(c) => {
                let route = format!("{}/issues/comments/{}", self.repo, c.id);
                self.send("PATCH", &route, &json!({ "body": summary }))?;
            }
            None => {
                let route = format!("{}/issues/{}/comments", self.repo, self.number);
                self.send("POST", &route, &json!({ "body": summary }))?;
            }
        }
        // 4. Commit status.
        let (state, description) = status_for(p);
        let route = format!("{}/commits/{head}/statuses", self.repo);
        let statuses = self.get_value(&format!("{route}?per_page=100"), &format!("GET {route}"))?;
        let current = statuses.as_array().and_then(|a| {
            a.iter()
                .find(|s| s.get("context").and_then(Value::as_str) == Some("guardrail"))
        });
        let same = current.is_some_and(|s| {
            s.get("state").and_then(Value::as_str) == Some(state)
                && s.get("description").and_then(Value::as_str) == Some(description.as_str())
        });
        if !same {
            let route = format!("{}/statuses/{head}", self.repo);
            let mut body =
                json!({"state": state, "context": "guardrail", "description": description});
            if let Some(u) = &self.pr.url {
                body["target_url"] = json!(u);
            }
            self.send("POST", &route, &body)?;
        }
        // 5. Check run with annotations, when the token may.
        match self.check_run(p, &head) {
            Ok(()) => {}
            Err(Error::Forge { message, .. }) if message.contains("HTTP 403") => {
                notes.push("check run skipped: the token may not create check runs (needs checks: write); the commit status is set".into());
            }
            Err(e) => return Err(e),
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests;
