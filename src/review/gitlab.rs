//! GitLab backend (`guardrail check --publish gitlab`): one discussion per new finding on a
//! diff line, positioned with the merge request's `diff_refs`; an upserted summary note; a
//! commit status named `guardrail`; decisions from `/guardrail accept|reject <reason>` replies
//! in a finding's discussion (from members with at least `review.gitlab-min-access-level`);
//! discussions of findings that disappeared are resolved.
//!
//! Uses the `gitlab` crate's async client (its constructor checks the token with
//! `GET /user`, which also tells us guardrail's own user) with a small generic endpoint.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use gitlab::api::{ApiError, AsyncQuery, BodyError, Endpoint, QueryParams};
use gitlab::{AsyncGitlab, GitlabBuilder, GitlabError, RestError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::finding::{Finding, ReviewState};
use crate::ledger::DecisionRecord;
use crate::policy::Verdict;

use super::decide::{edited, judge, outcome, Judged, Vote};
use super::http::{self, CallError, Limits};
use super::{
    body, marker_fingerprint, on_diff, parse_command, publishable, Backend, ChangeInfo,
    DecisionRules, FindingRef, Publication, RESOLVED_MARKER, SUMMARY_MARKER,
};

const FORGE: &str = "GitLab";
const TOKEN_VAR: &str = "GUARDRAIL_GITLAB_TOKEN";

/// A REST call: method, path under `/api/v4/`, query, JSON body.
struct Ep {
    method: ::http::Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl Endpoint for Ep {
    fn method(&self) -> ::http::Method {
        self.method.clone()
    }

    fn endpoint(&self) -> Cow<'static, str> {
        Cow::Owned(self.path.clone())
    }

    fn parameters(&self) -> QueryParams<'_> {
        let mut q = QueryParams::default();
        for (k, v) in &self.query {
            q.push(k.as_str(), v.as_str());
        }
        q
    }

    fn body(&self) -> std::result::Result<Option<(&'static str, Vec<u8>)>, BodyError> {
        match &self.body {
            None => Ok(None),
            Some(v) => Ok(Some(("application/json", serde_json::to_vec(v)?))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Author {
    id: u64,
    username: String,
    #[serde(default)]
    bot: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
struct Note {
    id: u64,
    #[serde(default)]
    body: String,
    author: Option<Author>,
    #[serde(default)]
    system: bool,
    #[serde(default)]
    resolved: Option<bool>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Discussion {
    id: String,
    #[serde(default)]
    individual_note: bool,
    #[serde(default)]
    notes: Vec<Note>,
}

#[derive(Debug, Clone, Default)]
struct Mr {
    author: Option<String>,
    labels: Vec<String>,
    branch: Option<String>,
    url: Option<String>,
    base_sha: String,
    start_sha: String,
    head_sha: String,
}

/// The GitLab backend.
pub(crate) struct GitLab {
    rt: tokio::runtime::Runtime,
    client: AsyncGitlab,
    limits: Limits,
    project: String,
    iid: u64,
    own_id: u64,
    own: String,
    mr: Mr,
    discussions: Vec<Discussion>,
    access: HashMap<u64, u64>,
    replies: Vec<(String, String)>,
    resolve: Vec<String>,
    min_access: u64,
}

fn api_error(e: ApiError<RestError>) -> CallError {
    let with = |status: ::http::StatusCode, message: String| CallError {
        status: Some(status.as_u16()),
        retry_after: None,
        message,
        timeout: false,
    };
    match e {
        ApiError::GitlabWithStatus { status, msg } => with(status, msg),
        ApiError::GitlabObjectWithStatus { status, obj }
        | ApiError::GitlabUnrecognizedWithStatus { status, obj } => {
            let msg = obj
                .get("message")
                .or_else(|| obj.get("error"))
                .map(|m| match m {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_else(|| obj.to_string());
            with(status, msg)
        }
        ApiError::GitlabService { status, data } => with(
            status,
            String::from_utf8_lossy(&data).chars().take(200).collect(),
        ),
        ApiError::GitlabRateLimited {
            retry_after,
            rl_name,
            ..
        } => CallError {
            status: Some(429),
            retry_after: Some(retry_after.as_secs()),
            message: format!("rate limit `{rl_name}`"),
            timeout: false,
        },
        other => {
            let text = other.to_string();
            let lower = text.to_ascii_lowercase();
            CallError {
                status: None,
                retry_after: None,
                timeout: lower.contains("timed out") || lower.contains("timeout"),
                message: text.lines().next().unwrap_or("request failed").to_owned(),
            }
        }
    }
}

fn gitlab_error(e: GitlabError) -> CallError {
    match e {
        GitlabError::Api { source } => api_error(source),
        GitlabError::Http { status } => CallError {
            status: Some(status.as_u16()),
            retry_after: None,
            message: status.canonical_reason().unwrap_or("HTTP error").to_owned(),
            timeout: false,
        },
        other => CallError {
            status: None,
            retry_after: None,
            message: other
                .to_string()
                .lines()
                .next()
                .unwrap_or("request failed")
                .to_owned(),
            timeout: false,
        },
    }
}

/// `https://host[:port][/prefix]/api/v4` → (`host[:port][/prefix]`, is https).
fn split_api_url(url: &str) -> Option<(String, bool)> {
    let (scheme, rest) = url.split_once("://")?;
    let https = match scheme {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    let rest = rest.trim_end_matches('/');
    let host = rest.strip_suffix("/api/v4")?;
    (!host.is_empty()).then(|| (host.to_owned(), https))
}

fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl GitLab {
    /// Connects using `CI_API_V4_URL`, `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID` and
    /// `GUARDRAIL_GITLAB_TOKEN` (or `GITLAB_TOKEN`), and loads the merge request and its
    /// discussions. `min_access` is the access level needed to decide (30 = Developer).
    pub(crate) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<GitLab> {
        GitLab::connect(env, 30)
    }

    /// As [`GitLab::from_env`] with an explicit minimum access level.
    pub(crate) fn connect(env: &dyn Fn(&str) -> Option<String>, min_access: u64) -> Result<GitLab> {
        let token = env("GUARDRAIL_GITLAB_TOKEN")
            .or_else(|| env("GITLAB_TOKEN"))
            .ok_or_else(|| {
                Error::Usage(
                    "--publish gitlab needs a token in GUARDRAIL_GITLAB_TOKEN (or GITLAB_TOKEN)"
                        .into(),
                )
            })?;
        let api_url = env("CI_API_V4_URL")
            .ok_or_else(|| Error::Usage("--publish gitlab needs CI_API_V4_URL".into()))?;
        let (host, https) = split_api_url(&api_url).ok_or_else(|| {
            Error::Usage(format!(
                "CI_API_V4_URL `{api_url}` is not an http(s) URL ending in /api/v4"
            ))
        })?;
        let project = env("CI_PROJECT_ID")
            .ok_or_else(|| Error::Usage("--publish gitlab needs CI_PROJECT_ID".into()))?;
        let iid = env("CI_MERGE_REQUEST_IID")
            .ok_or_else(|| Error::Usage("--publish gitlab needs CI_MERGE_REQUEST_IID (run the job in a merge request pipeline)".into()))?;
        let iid: u64 = iid
            .trim()
            .parse()
            .map_err(|_| Error::Usage(format!("CI_MERGE_REQUEST_IID `{iid}` is not a number")))?;
        let limits = Limits::from_env(env);
        let rt = http::runtime(FORGE)?;
        let mut builder = GitlabBuilder::new(host, token);
        if !https {
            builder.insecure();
        }
        let client = rt.block_on(http::call(
            FORGE,
            "GET /user",
            &limits,
            true,
            TOKEN_VAR,
            || async { builder.build_async().await.map_err(gitlab_error) },
        ))?;
        let mut gl = GitLab {
            rt,
            client,
            limits,
            project: format!("projects/{}", encode_component(project.trim())),
            iid,
            own_id: 0,
            own: String::new(),
            mr: Mr::default(),
            discussions: Vec::new(),
            access: HashMap::new(),
            replies: Vec::new(),
            resolve: Vec::new(),
            min_access,
        };
        gl.load(env)?;
        Ok(gl)
    }

    fn run(
        &self,
        method: ::http::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Value> {
        let idempotent = method == ::http::Method::GET;
        let what = format!("{method} {path}");
        let ep = Ep {
            method,
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            body,
        };
        let client = &self.client;
        let ep = &ep;
        self.rt.block_on(http::call(
            FORGE,
            &what,
            &self.limits,
            idempotent,
            TOKEN_VAR,
            || async move {
                let v: std::result::Result<Value, _> = ep.query_async(client).await;
                v.map_err(api_error)
            },
        ))
    }

    fn get(&self, path: &str) -> Result<Value> {
        self.run(::http::Method::GET, path, &[], None)
    }

    fn get_all(&self, path: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for page in 1..=100u32 {
            let v = self.run(
                ::http::Method::GET,
                path,
                &[("per_page", "100".into()), ("page", page.to_string())],
                None,
            )?;
            let Value::Array(items) = v else {
                return Err(super::forge_error(
                    FORGE,
                    format!("GET {path}: expected a list"),
                ));
            };
            let n = items.len();
            out.extend(items);
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }

    fn load(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
        let me = self.get("user")?;
        self.own_id = me.get("id").and_then(Value::as_u64).unwrap_or_default();
        self.own = me
            .get("username")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let path = format!("{}/merge_requests/{}", self.project, self.iid);
        let mr = self.get(&path)?;
        let s = |p: &str| mr.pointer(p).and_then(Value::as_str).map(str::to_owned);
        let head = s("/diff_refs/head_sha")
            .or_else(|| s("/sha"))
            .or_else(|| env("CI_COMMIT_SHA"))
            .ok_or_else(|| {
                super::forge_error(FORGE, format!("GET {path}: no diff_refs.head_sha"))
            })?;
        let base = s("/diff_refs/base_sha")
            .or_else(|| env("CI_MERGE_REQUEST_DIFF_BASE_SHA"))
            .unwrap_or_default();
        self.mr = Mr {
            author: s("/author/username"),
            labels: mr
                .get("labels")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|l| {
                            l.as_str()
                                .or_else(|| l.get("name").and_then(Value::as_str))
                                .map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            branch: s("/source_branch"),
            url: s("/web_url"),
            start_sha: s("/diff_refs/start_sha").unwrap_or_else(|| base.clone()),
            base_sha: base,
            head_sha: head,
        };
        let ds = self.get_all(&format!("{path}/discussions"))?;
        self.discussions = ds
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect();
        Ok(())
    }

    fn is_own(&self, a: Option<&Author>) -> bool {
        a.is_some_and(|a| {
            (self.own_id != 0 && a.id == self.own_id)
                || (self.own_id == 0 && a.username == self.own)
        })
    }

    /// Effective access level of a user on the project (0 when not a member).
    fn access_level(&mut self, user_id: u64) -> Result<u64> {
        if let Some(l) = self.access.get(&user_id) {
            return Ok(*l);
        }
        let path = format!("{}/members/all/{user_id}", self.project);
        let level = match self.get(&path) {
            Ok(v) => v.get("access_level").and_then(Value::as_u64).unwrap_or(0),
            Err(Error::Forge { message, .. }) if message.contains("HTTP 404") => 0,
            Err(e) => return Err(e),
        };
        self.access.insert(user_id, level);
        Ok(level)
    }
}

fn ack_id(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("<!-- guardrail:ack=")?;
    Some(&rest[..rest.find(" -->")?])
}

fn looks_like_bot(a: &Author) -> bool {
    let u = a.username.to_ascii_lowercase();
    a.bot == Some(true)
        || u.ends_with("[bot]")
        || (u.starts_with("project_") && u.contains("_bot"))
        || (u.starts_with("group_") && u.contains("_bot"))
}

impl Backend for GitLab {
    fn change_info(&self) -> ChangeInfo {
        ChangeInfo {
            author: self.mr.author.clone(),
            labels: self.mr.labels.clone(),
            branch: self.mr.branch.clone(),
            url: self.mr.url.clone(),
        }
    }

    fn apply_decisions(
        &mut self,
        findings: &mut [Finding],
        rules: &DecisionRules<'_>,
    ) -> Result<Vec<DecisionRecord>> {
        self.min_access = u64::from(rules.config.gitlab_min_access_level);
        let idx = super::by_fingerprint(findings);
        let mut records = Vec::new();
        let mut seen = HashSet::new();
        let discussions = self.discussions.clone();
        for d in discussions.iter().filter(|d| !d.individual_note) {
            let Some(root) = d.notes.first() else {
                continue;
            };
            if !self.is_own(root.author.as_ref()) {
                continue;
            }
            let Some(fp) = marker_fingerprint(&root.body) else {
                continue;
            };
            if !seen.insert(fp.to_owned()) {
                continue;
            }
            let replies = &d.notes[1..];
            let acked: HashSet<&str> = replies
                .iter()
                .filter(|n| self.is_own(n.author.as_ref()))
                .filter_map(|n| ack_id(&n.body))
                .collect();
            let resolved_note = replies
                .iter()
                .any(|n| self.is_own(n.author.as_ref()) && n.body.starts_with(RESOLVED_MARKER));
            let Some(&i) = idx.get(fp) else {
                if !resolved_note {
                    let gone = FindingRef {
                        fingerprint: fp.to_owned(),
                        line_hash: None,
                    };
                    let mut rec = super::record(
                        "modified",
                        self.mr.author.as_deref().unwrap_or("unknown"),
                        &gone,
                        "gitlab",
                    );
                    rec.comment_id = Some(root.id.to_string());
                    rec.reason = Some("the flagged code changed and the finding is gone".into());
                    records.push(rec);
                    self.replies.push((d.id.clone(), body::resolved()));
                }
                if root.resolved != Some(true) {
                    self.resolve.push(d.id.clone());
                }
                continue;
            };
            let others: Vec<Note> = replies
                .iter()
                .filter(|n| !n.system && !self.is_own(n.author.as_ref()))
                .cloned()
                .collect();
            for n in &others {
                let Some(cmd) = parse_command(&n.body) else {
                    continue;
                };
                let Some(a) = &n.author else { continue };
                let v = Vote {
                    id: n.id.to_string(),
                    login: &a.username,
                    is_bot: looks_like_bot(a),
                    body: &n.body,
                    edited: edited(
                        n.created_at.as_deref(),
                        n.updated_at.as_deref(),
                        n.resolved_at.as_deref(),
                    ),
                };
                let own = self.own.clone();
                let uid = a.id;
                let min = self.min_access;
                let mut perm = |login: &str| -> Result<Option<String>> {
                    let level = self.access_level(uid)?;
                    Ok((level < min).then(|| format!("{login} has access level {level}; {min} (Developer) or above is needed")))
                };
                let j = judge(rules, &own, &findings[i], &v, &cmd, &mut perm)?;
                if let Judged::Counted { accept, reason } = &j {
                    let state = if *accept {
                        ReviewState::Accepted
                    } else {
                        ReviewState::Rejected
                    };
                    super::set_review(&mut findings[i], state, &a.username, reason);
                }
                if !acked.contains(v.ack_key().as_str()) {
                    let (rec, answer) = outcome(&j, &v, &findings[i], "gitlab");
                    records.push(rec);
                    self.replies.push((d.id.clone(), answer));
                }
            }
        }
        Ok(records)
    }

    fn publish(&mut self, p: &Publication<'_>) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        let mr_path = format!("{}/merge_requests/{}", self.project, self.iid);
        let existing: HashSet<String> = self
            .discussions
            .iter()
            .filter_map(|d| d.notes.first())
            .filter(|n| self.is_own(n.author.as_ref()))
            .filter_map(|n| marker_fingerprint(&n.body).map(str::to_owned))
            .collect();
        let mut posted = HashSet::new();
        let new: Vec<&Finding> = p
            .findings
            .iter()
            .filter(|f| {
                publishable(f) && on_diff(f, p.changes) && !existing.contains(&f.fingerprint)
            })
            .filter(|f| posted.insert(f.fingerprint.clone()))
            .collect();
        for f in &new {
            let old_path = p
                .changes
                .file(&f.path)
                .and_then(|c| c.old_path.clone())
                .unwrap_or_else(|| f.path.clone());
            let body = json!({
                "body": body::inline(f),
                "position": {
                    "position_type": "text",
                    "base_sha": self.mr.base_sha,
                    "start_sha": self.mr.start_sha,
                    "head_sha": self.mr.head_sha,
                    "old_path": old_path,
                    "new_path": f.path,
                    "new_line": f.line,
                },
            });
            self.run(
                ::http::Method::POST,
                &format!("{mr_path}/discussions"),
                &[],
                Some(body),
            )?;
        }
        if !new.is_empty() {
            notes.push(format!(
                "opened {} discussion(s) on the merge request",
                new.len()
            ));
        }
        for (d, text) in std::mem::take(&mut self.replies) {
            self.run(
                ::http::Method::POST,
                &format!("{mr_path}/discussions/{d}/notes"),
                &[],
                Some(json!({ "body": text })),
            )?;
        }
        // Resolving is bookkeeping: the reply already says the finding is gone, so a refusal
        // (e.g. a token below Developer) is a note, never a failed check.
        let resolve = std::mem::take(&mut self.resolve);
        for (k, d) in resolve.iter().enumerate() {
            let res = self.run(
                ::http::Method::PUT,
                &format!("{mr_path}/discussions/{d}"),
                &[("resolved", "true".into())],
                None,
            );
            if let Err(e) = res {
                notes.push(format!(
                    "{} discussion(s) whose finding is gone were not resolved: {e}",
                    resolve.len() - k
                ));
                break;
            }
        }
        // Summary note, created once and edited in place.
        let summary = body::summary(p);
        let mine = self
            .discussions
            .iter()
            .filter(|d| d.individual_note)
            .filter_map(|d| d.notes.first())
            .find(|n| self.is_own(n.author.as_ref()) && n.body.starts_with(SUMMARY_MARKER))
            .cloned();
        match mine {
            Some(n) if n.body.trim_end() == summary.trim_end() => {}
            Some(n) => {
                self.run(
                    ::http::Method::PUT,
                    &format!("{mr_path}/notes/{}", n.id),
                    &[],
                    Some(json!({ "body": summary })),
                )?;
            }
            None => {
                self.run(
                    ::http::Method::POST,
                    &format!("{mr_path}/notes"),
                    &[],
                    Some(json!({ "body": summary })),
                )?;
            }
        }
        // Commit status.
        let sha = self.mr.head_sha.clone();
        let (state, description) = match (p.verdict, &p.failed) {
            (_, Some(why)) => ("failed", format!("guardrail: error: {why}")),
            (Verdict::Pass, None) => ("success", "guardrail: pass".to_owned()),
            (Verdict::Review, None) => (
                "pending",
                format!(
                    "guardrail: {} yellow finding(s) await review",
                    super::pending(p.findings).len()
                ),
            ),
            (Verdict::Block, None) => (
                "failed",
                "guardrail: blocked by a red or rejected finding".to_owned(),
            ),
        };
        let current = self.run(
            ::http::Method::GET,
            &format!("{}/repository/commits/{sha}/statuses", self.project),
            &[("name", "guardrail".into()), ("all", "true".into())],
            None,
        )?;
        let same = current
            .as_array()
            .and_then(|a| a.iter().max_by_key(|s| s.get("id").and_then(Value::as_u64)))
            .is_some_and(|s| {
                s.get("status").and_then(Value::as_str) == Some(state)
                    && s.get("description").and_then(Value::as_str) == Some(description.as_str())
            });
        if !same {
            let mut body = json!({"state": state, "name": "guardrail", "description": description});
            if let Some(u) = &self.mr.url {
                body["target_url"] = json!(u);
            }
            self.run(
                ::http::Method::POST,
                &format!("{}/statuses/{sha}", self.project),
                &[],
                Some(body),
            )?;
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_split() {
        assert_eq!(
            split_api_url("https://gitlab.com/api/v4"),
            Some(("gitlab.com".into(), true))
        );
        assert_eq!(
            split_api_url("http://127.0.0.1:8080/api/v4/"),
            Some(("127.0.0.1:8080".into(), false))
        );
        assert_eq!(
            split_api_url("https://example.com/gitlab/api/v4"),
            Some(("example.com/gitlab".into(), true))
        );
        assert_eq!(split_api_url("ftp://x/api/v4"), None);
        assert_eq!(split_api_url("https://gitlab.com"), None);
        assert_eq!(encode_component("group/project"), "group%2Fproject");
    }
}
