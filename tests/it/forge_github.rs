//! `guardrail check --publish github` against a stateful fake of the GitHub REST API (wiremock
//! on localhost): comments posted by one run are listed by the next, so idempotency, decisions
//! and resolution are tested end to end through the binary. Payload shapes come from
//! `fixtures/forge/github/`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{guardrail, root, TempRepo};

const REPO: &str = "/repos/octo-org/payments";
const OWN: &str = "guardrail-bot";

pub fn fixture(name: &str) -> Value {
    let p = root().join("fixtures/forge/github").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[derive(Default)]
pub struct State {
    next_id: u64,
    pub review_comments: Vec<Value>,
    pub issue_comments: Vec<Value>,
    pub statuses: Vec<Value>,
    pub check_runs: Vec<Value>,
    /// (method, path, body) of every request.
    pub log: Vec<(String, String, Value)>,
    pub perms: HashMap<String, String>,
    pub pr: Value,
    /// (method, path prefix) → canned response, checked before the fake's own routes.
    pub fail: Vec<(String, String, ResponseTemplate)>,
    /// Root comment ids of review threads resolved (GraphQL `isResolved`).
    pub resolved_threads: HashSet<u64>,
    /// Review threads per GraphQL page (0: 100, as requested by `first: 100`).
    pub thread_page: usize,
    /// Canned answer to the `resolveReviewThread` mutation only.
    pub resolve_fail: Option<ResponseTemplate>,
}

/// The GraphQL node id of the review thread whose first comment is `root`.
pub fn thread_id(root: u64) -> String {
    format!("PRRT_kwDOKxk5dM5{root:x}")
}

fn thread_root(id: &str) -> Option<u64> {
    u64::from_str_radix(id.strip_prefix("PRRT_kwDOKxk5dM5")?, 16).ok()
}

#[derive(Clone)]
pub struct Fake(pub Arc<Mutex<State>>);

fn user(login: &str, kind: &str) -> Value {
    json!({"login": login, "id": login.len() as u64 * 1000 + 7, "type": kind})
}

impl State {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        2_498_000_000 + self.next_id
    }

    fn review_comment(
        &mut self,
        path: &str,
        line: u64,
        body: &str,
        who: Value,
        reply_to: Option<u64>,
    ) -> Value {
        let mut c = fixture("review_comment.json");
        let id = self.id();
        c["id"] = json!(id);
        c["path"] = json!(path);
        c["line"] = json!(line);
        c["body"] = json!(body);
        c["user"] = who;
        if let Some(r) = reply_to {
            c["in_reply_to_id"] = json!(r);
        }
        self.review_comments.push(c.clone());
        c
    }

    fn issue_comment(&mut self, body: &str, who: Value) -> Value {
        let mut c = fixture("issue_comment.json");
        c["id"] = json!(self.id());
        c["body"] = json!(body);
        c["user"] = who;
        self.issue_comments.push(c.clone());
        c
    }

    /// A human's reply in the thread of guardrail's comment on `fp_prefix`.
    pub fn reply(&mut self, fp: &str, login: &str, kind: &str, body: &str) {
        let root = self
            .review_comments
            .iter()
            .find(|c| {
                c["body"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("<!-- guardrail:fingerprint={fp}"))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no comment for {fp}"));
        let (path, line) = (
            root["path"].as_str().unwrap().to_owned(),
            root["line"].as_u64().unwrap(),
        );
        self.review_comment(&path, line, body, user(login, kind), root["id"].as_u64());
    }

    pub fn writes(&self) -> Vec<(String, String, Value)> {
        self.log
            .iter()
            .filter(|(m, _, _)| m != "GET")
            .cloned()
            .collect()
    }

    /// The `resolveReviewThread` mutations received: their `threadId`s.
    pub fn resolve_mutations(&self) -> Vec<String> {
        self.log
            .iter()
            .filter(|(m, p, b)| {
                m == "POST"
                    && p == "/graphql"
                    && b["query"].as_str().unwrap().contains("resolveReviewThread")
            })
            .map(|(_, _, b)| b["variables"]["threadId"].as_str().unwrap().to_owned())
            .collect()
    }

    /// GraphQL answers, shaped like GitHub's (fixtures `graphql_*.json`).
    fn graphql(&mut self, body: &Value) -> ResponseTemplate {
        let query = body["query"].as_str().unwrap();
        let vars = &body["variables"];
        if query.starts_with("mutation") && query.contains("resolveReviewThread") {
            if let Some(t) = &self.resolve_fail {
                return t.clone();
            }
            let tid = vars["threadId"].as_str().unwrap();
            let Some(root) = thread_root(tid).filter(|r| {
                self.review_comments
                    .iter()
                    .any(|c| c["id"] == json!(r) && c.get("in_reply_to_id").is_none())
            }) else {
                return ok(
                    json!({"data": {"resolveReviewThread": null}, "errors": [{"type": "NOT_FOUND", "path": ["resolveReviewThread"], "locations": [{"line": 1, "column": 32}], "message": format!("Could not resolve to a node with the global id of '{tid}'")}]}),
                );
            };
            self.resolved_threads.insert(root);
            let mut r = fixture("graphql_resolve_review_thread.json");
            r["data"]["resolveReviewThread"]["thread"]["id"] = json!(tid);
            return ok(r);
        }
        assert!(
            query.contains("reviewThreads"),
            "unexpected GraphQL: {query}"
        );
        assert_eq!(vars["owner"], "octo-org");
        assert_eq!(vars["name"], "payments");
        assert_eq!(vars["number"], 42);
        let per = if self.thread_page == 0 {
            100
        } else {
            self.thread_page
        };
        let start: usize = vars["cursor"]
            .as_str()
            .and_then(|c| c.strip_prefix("Y3Vyc29yOnYyOpHO"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let roots = self.roots();
        let nodes: Vec<Value> = roots
            .iter()
            .skip(start)
            .take(per)
            .map(|c| {
                let root = c["id"].as_u64().unwrap();
                json!({
                    "id": thread_id(root),
                    "isResolved": self.resolved_threads.contains(&root),
                    "comments": {"nodes": [{"databaseId": root}]},
                })
            })
            .collect();
        let end = start + nodes.len();
        let mut r = fixture("graphql_review_threads.json");
        let rt = &mut r["data"]["repository"]["pullRequest"]["reviewThreads"];
        rt["nodes"] = json!(nodes);
        rt["pageInfo"] = json!({"hasNextPage": end < roots.len(), "endCursor": format!("Y3Vyc29yOnYyOpHO{end}")});
        ok(r)
    }

    pub fn roots(&self) -> Vec<Value> {
        self.review_comments
            .iter()
            .filter(|c| c.get("in_reply_to_id").is_none())
            .cloned()
            .collect()
    }
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(v)
}

fn page(list: &[Value], req: &Request) -> Vec<Value> {
    let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
    let per: usize = q.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(30);
    let page: usize = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
    list.iter()
        .skip((page - 1) * per)
        .take(per)
        .cloned()
        .collect()
}

impl Respond for Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let method = req.method.to_string();
        let path = req.url.path().to_owned();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        s.log.push((method.clone(), path.clone(), body.clone()));
        if let Some((_, _, t)) = s
            .fail
            .iter()
            .find(|(m, p, _)| *m == method && path.starts_with(p.as_str()))
        {
            return t.clone();
        }
        let Some(rest) = path.strip_prefix(REPO) else {
            return match (method.as_str(), path.as_str()) {
                ("GET", "/user") => ok(fixture("user.json")),
                ("POST", "/graphql") => s.graphql(&body),
                _ => ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
            };
        };
        let seg: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        match (method.as_str(), seg.as_slice()) {
            ("GET", ["pulls", "42"]) => ok(s.pr.clone()),
            ("GET", ["pulls", "42", "comments"]) => ok(json!(page(&s.review_comments, req))),
            ("GET", ["issues", "42", "comments"]) => ok(json!(page(&s.issue_comments, req))),
            ("POST", ["pulls", "42", "reviews"]) => {
                for c in body["comments"].as_array().unwrap() {
                    assert_eq!(c["side"], "RIGHT");
                    let (p, l, b) = (
                        c["path"].as_str().unwrap(),
                        c["line"].as_u64().unwrap(),
                        c["body"].as_str().unwrap(),
                    );
                    s.review_comment(p, l, b, user(OWN, "User"), None);
                }
                let id = s.id();
                ok(
                    json!({"id": id, "user": user(OWN, "User"), "body": body["body"], "state": "COMMENTED", "commit_id": body["commit_id"]}),
                )
            }
            ("POST", ["pulls", "42", "comments", root, "replies"]) => {
                let root: u64 = root.parse().unwrap();
                let parent = s
                    .review_comments
                    .iter()
                    .find(|c| c["id"] == json!(root))
                    .cloned()
                    .unwrap();
                let c = s.review_comment(
                    parent["path"].as_str().unwrap(),
                    parent["line"].as_u64().unwrap(),
                    body["body"].as_str().unwrap(),
                    user(OWN, "User"),
                    Some(root),
                );
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("POST", ["issues", "42", "comments"]) => {
                let c = s.issue_comment(body["body"].as_str().unwrap(), user(OWN, "User"));
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("PATCH", ["issues", "comments", id]) => {
                let id: u64 = id.parse().unwrap();
                let c = s
                    .issue_comments
                    .iter_mut()
                    .find(|c| c["id"] == json!(id))
                    .unwrap();
                c["body"] = body["body"].clone();
                ok(c.clone())
            }
            ("GET", ["collaborators", login, "permission"]) => match s.perms.get(*login) {
                Some(p) => {
                    ok(json!({"permission": p, "role_name": p, "user": user(login, "User")}))
                }
                None => ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
            },
            ("GET", ["commits", _sha, "statuses"]) => {
                let mut l = s.statuses.clone();
                l.reverse();
                ok(json!(l))
            }
            ("POST", ["statuses", sha]) => {
                let mut st = body.clone();
                st["id"] = json!(s.id());
                st["sha"] = json!(sha);
                s.statuses.push(st.clone());
                ResponseTemplate::new(201).set_body_json(st)
            }
            ("GET", ["commits", _sha, "check-runs"]) => {
                let runs = s.check_runs.clone();
                ok(json!({"total_count": runs.len(), "check_runs": runs}))
            }
            ("POST", ["check-runs"]) => {
                let id = s.id();
                let mut run = body.clone();
                run["id"] = json!(id);
                let n = body["output"]["annotations"].as_array().map_or(0, Vec::len);
                run["output"]["annotations_count"] = json!(n);
                run["output"].as_object_mut().unwrap().remove("annotations");
                s.check_runs.push(run.clone());
                ResponseTemplate::new(201).set_body_json(run)
            }
            ("PATCH", ["check-runs", id]) => {
                let id: u64 = id.parse().unwrap();
                let run = s
                    .check_runs
                    .iter_mut()
                    .find(|r| r["id"] == json!(id))
                    .unwrap();
                let n = body["output"]["annotations"].as_array().map_or(0, Vec::len) as u64;
                let prev = run["output"]["annotations_count"].as_u64().unwrap_or(0);
                for k in ["conclusion", "status"] {
                    if !body[k].is_null() {
                        run[k] = body[k].clone();
                    }
                }
                run["output"]["title"] = body["output"]["title"].clone();
                run["output"]["summary"] = body["output"]["summary"].clone();
                run["output"]["annotations_count"] = json!(if body.get("conclusion").is_some() {
                    n
                } else {
                    prev + n
                });
                ok(run.clone())
            }
            _ => ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
        }
    }
}

pub struct Env {
    pub _rt: tokio::runtime::Runtime,
    pub server: MockServer,
    pub fake: Fake,
    pub repo: TempRepo,
    pub base: String,
    pub head: String,
    pub ledger: PathBuf,
    event: PathBuf,
}

/// The vulnerable change: two yellow `eval` lines in a new commit on a branch.
pub const YELLOW_FILE: &str = "import json\n\ndef run(expr, ctx):\n    result = eval(expr)\n    other = exec(ctx)\n    return result\n";

impl Env {
    pub fn new(head_content: &str) -> Env {
        Env::with_files(&[("app.py", head_content)])
    }

    /// A PR whose head commit writes `files` over a base with a harmless `app.py`.
    pub fn with_files(files: &[(&str, &str)]) -> Env {
        let repo = TempRepo::new();
        repo.write(
            "app.py",
            "import json\n\ndef run(expr, ctx):\n    return None\n",
        );
        let base = repo.commit("base");
        repo.git(&["checkout", "-q", "-b", "feature/report-filters"]);
        for (path, content) in files {
            repo.write(path, content);
        }
        let head = repo.commit("report filters");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        let mut pr = fixture("pull_request.json");
        pr["head"]["sha"] = json!(head);
        pr["base"]["sha"] = json!(base);
        let mut perms = HashMap::new();
        perms.insert("maint-bob".to_owned(), "write".to_owned());
        perms.insert("admin-dana".to_owned(), "admin".to_owned());
        perms.insert("reader-carol".to_owned(), "read".to_owned());
        perms.insert("dev-alice".to_owned(), "write".to_owned());
        let fake = Fake(Arc::new(Mutex::new(State {
            pr,
            perms,
            ..State::default()
        })));
        rt.block_on(Mock::given(any()).respond_with(fake.clone()).mount(&server));
        let mut ev = fixture("event_pull_request.json");
        ev["pull_request"]["head"]["sha"] = json!(head);
        ev["pull_request"]["base"]["sha"] = json!(base);
        let event_path = repo.path().join(".git").join("event.json");
        std::fs::write(&event_path, serde_json::to_vec(&ev).unwrap()).unwrap();
        let ledger = repo.path().join(".git").join("test-ledger.jsonl");
        Env {
            _rt: rt,
            server,
            fake,
            repo,
            base,
            head,
            ledger,
            event: event_path,
        }
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.fake.0.lock().unwrap()
    }

    /// Every request the mock server received, as wiremock recorded it.
    pub fn received(&self) -> Vec<Request> {
        self._rt
            .block_on(self.server.received_requests())
            .expect("request recording is on")
    }

    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = guardrail(self.repo.path());
        c.args([
            "check",
            "--base",
            &self.base,
            "--head",
            &self.head,
            "--publish",
            "github",
            "--format",
            "json",
            "--offline",
        ]);
        c.arg("--ledger").arg(&self.ledger);
        c.env("GITHUB_API_URL", self.server.uri())
            .env("GITHUB_REPOSITORY", "octo-org/payments")
            .env("GITHUB_EVENT_PATH", &self.event)
            .env("GITHUB_TOKEN", "ghs_16C7e42F292c6912E7710c838347Ae178B4a")
            .env_remove("GITHUB_HEAD_REF")
            .env_remove("GUARDRAIL_GITHUB_LOGIN")
            .env("GUARDRAIL_FORGE_RETRIES", "1")
            .env("GUARDRAIL_FORGE_RETRY_DELAY_MS", "10")
            .env("GUARDRAIL_FORGE_TIMEOUT_SECS", "3");
        c
    }

    /// Runs a check; returns (exit code, stdout JSON or Null, stderr).
    pub fn run(&self) -> (i32, Value, String) {
        let out = self.cmd().output().unwrap();
        let stdout: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code().unwrap_or(-1),
            stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn fingerprints(&self, report: &Value) -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn ledger_decisions(&self) -> Vec<Value> {
        ledger_decisions(&self.ledger)
    }
}

pub fn ledger_decisions(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["entry"].clone())
        .filter(|v| v["type"] == "decision")
        .collect()
}

#[test]
fn first_run_posts_one_review_summary_status_and_check_run_then_second_run_posts_nothing() {
    let env = Env::new(YELLOW_FILE);
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(report["verdict"], "review");
    let fps = env.fingerprints(&report);
    assert_eq!(fps.len(), 2, "{report}");
    {
        let s = env.state();
        let writes = s.writes();
        let reviews: Vec<_> = writes
            .iter()
            .filter(|(m, p, _)| m == "POST" && p.ends_with("/pulls/42/reviews"))
            .collect();
        assert_eq!(reviews.len(), 1, "one batched review: {writes:?}");
        let review = &reviews[0].2;
        assert_eq!(review["commit_id"], json!(env.head));
        assert_eq!(review["event"], "COMMENT");
        let comments = review["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 2);
        let mut lines: Vec<u64> = comments
            .iter()
            .map(|c| c["line"].as_u64().unwrap())
            .collect();
        lines.sort();
        assert_eq!(lines, vec![4, 5]);
        for c in comments {
            assert_eq!(c["path"], "app.py");
            let b = c["body"].as_str().unwrap();
            assert!(
                fps.iter()
                    .any(|fp| b.starts_with(&format!("<!-- guardrail:fingerprint={fp} -->"))),
                "{b}"
            );
            assert!(b.contains("/guardrail accept"), "{b}");
        }
        assert_eq!(s.issue_comments.len(), 1);
        let summary = s.issue_comments[0]["body"].as_str().unwrap();
        assert!(
            summary.starts_with("<!-- guardrail:summary -->"),
            "{summary}"
        );
        assert!(summary.contains("review pending"), "{summary}");
        assert_eq!(s.statuses.len(), 1);
        assert_eq!(s.statuses[0]["state"], "pending");
        assert_eq!(s.statuses[0]["context"], "guardrail");
        assert_eq!(s.check_runs.len(), 1);
        assert_eq!(s.check_runs[0]["conclusion"], "action_required");
        assert_eq!(s.check_runs[0]["output"]["annotations_count"], 2);
    }
    env.state().log.clear();
    let (code2, report2, stderr2) = env.run();
    assert_eq!(code2, 3, "{stderr2}");
    assert_eq!(env.fingerprints(&report2), fps);
    let s = env.state();
    assert!(
        s.writes().is_empty(),
        "second run must post nothing: {:?}",
        s.writes()
    );
    assert_eq!(s.roots().len(), 2);
}

#[test]
fn accept_from_a_writer_flips_the_verdict_to_pass_and_lands_in_the_ledger() {
    let env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = env.fingerprints(&report);
    {
        let mut s = env.state();
        s.reply(
            &fps[0],
            "maint-bob",
            "User",
            "/guardrail accept expr comes from our own DSL compiler",
        );
        s.reply(
            &fps[1],
            "admin-dana",
            "User",
            "/guardrail accept ctx is a constant table",
        );
        s.log.clear();
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["verdict"], "pass");
    let accepted: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["review"]["state"] == "accepted")
        .collect();
    assert_eq!(accepted.len(), 2, "{report}");
    assert!(accepted.iter().any(|f| f["review"]["by"] == "maint-bob"));
    let s = env.state();
    let acks: Vec<&Value> = s
        .review_comments
        .iter()
        .filter(|c| {
            c["body"]
                .as_str()
                .unwrap()
                .starts_with("<!-- guardrail:ack=")
        })
        .collect();
    assert_eq!(acks.len(), 2);
    assert!(
        acks.iter().any(|c| c["body"]
            .as_str()
            .unwrap()
            .contains("Recorded: **accepted** by maint-bob")),
        "{acks:?}"
    );
    assert_eq!(s.statuses.last().unwrap()["state"], "success");
    assert_eq!(s.check_runs[0]["conclusion"], "success");
    assert_eq!(
        s.issue_comments.len(),
        1,
        "summary edited in place, not re-posted"
    );
    assert!(s.issue_comments[0]["body"]
        .as_str()
        .unwrap()
        .contains("accepted by maint-bob"));
    let patches = s
        .writes()
        .iter()
        .filter(|(m, p, _)| m == "PATCH" && p.contains("/issues/comments/"))
        .count();
    assert_eq!(patches, 1);
    drop(s);
    let ledger = env.ledger_decisions();
    let accepts: Vec<&Value> = ledger
        .iter()
        .filter(|d| d["decision"] == "accept")
        .collect();
    assert_eq!(accepts.len(), 2, "{ledger:?}");
    assert!(accepts
        .iter()
        .all(|d| d["forge"] == "github" && d["comment_id"].is_string()));
    assert!(accepts
        .iter()
        .any(|d| d["fingerprint"] == json!(fps[0]) && d["by"] == "maint-bob"));
    // Running again neither re-answers nor re-logs.
    env.state().log.clear();
    let (code, _, _) = env.run();
    assert_eq!(code, 0);
    assert!(env.state().writes().is_empty());
    assert_eq!(env.ledger_decisions().len(), 2);
}

#[test]
fn accepts_from_the_author_a_bot_an_agent_or_a_reader_are_refused_and_logged() {
    let env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = env.fingerprints(&report);
    {
        let mut s = env.state();
        s.reply(
            &fps[0],
            "dev-alice",
            "User",
            "/guardrail accept I wrote it, trust me",
        );
        s.reply(
            &fps[0],
            "renovate[bot]",
            "Bot",
            "/guardrail accept automated",
        );
        s.reply(
            &fps[0],
            "copilot-swe-agent[bot]",
            "Bot",
            "/guardrail accept looks fine",
        );
        s.reply(
            &fps[1],
            "reader-carol",
            "User",
            "/guardrail accept seems ok",
        );
        s.reply(
            &fps[1],
            "outsider-erin",
            "User",
            "/guardrail accept drive-by",
        );
        s.reply(&fps[1], "maint-bob", "User", "/guardrail accept");
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(report["verdict"], "review");
    let s = env.state();
    let acks: Vec<String> = s
        .review_comments
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_owned())
        .filter(|b| b.starts_with("<!-- guardrail:ack="))
        .collect();
    assert_eq!(acks.len(), 6, "{acks:#?}");
    assert!(acks.iter().all(|a| a.contains("Not counted")), "{acks:#?}");
    assert!(acks.iter().any(|a| a.contains("author of this change")));
    assert!(acks.iter().any(|a| a.contains("is a bot")));
    assert!(acks.iter().any(|a| a.contains("has read access")));
    assert!(acks.iter().any(|a| a.contains("has none access")));
    assert!(acks.iter().any(|a| a.contains("needs a reason")));
    drop(s);
    let ledger = env.ledger_decisions();
    assert_eq!(
        ledger.iter().filter(|d| d["decision"] == "refused").count(),
        6,
        "{ledger:?}"
    );
    assert!(ledger.iter().all(|d| d["refused_because"].is_string()));
}

#[test]
fn a_reject_keeps_the_change_blocked() {
    let env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = env.fingerprints(&report);
    env.state().reply(
        &fps[0],
        "maint-bob",
        "User",
        "/guardrail reject user input reaches eval",
    );
    env.state()
        .reply(&fps[1], "maint-bob", "User", "/guardrail accept constant");
    let (code, report, _) = env.run();
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "block");
    assert_eq!(env.state().statuses.last().unwrap()["state"], "failure");
    assert!(env
        .ledger_decisions()
        .iter()
        .any(|d| d["decision"] == "reject" && d["reason"] == "user input reaches eval"));
}

#[test]
fn red_findings_cannot_be_accepted_by_comment() {
    let env = Env::new(
        "import subprocess\n\ndef run(expr, ctx):\n    subprocess.run(expr, shell=True)\n",
    );
    let (code, report, stderr) = env.run();
    assert_eq!(code, 1, "{stderr}");
    let red: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "red")
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    assert!(!red.is_empty(), "{report}");
    let root = env.state().roots()[0]["body"].as_str().unwrap().to_owned();
    assert!(root.contains("cannot be accepted by a comment"), "{root}");
    let fp = crate::forge_github::marker_fp(&root);
    env.state()
        .reply(&fp, "maint-bob", "User", "/guardrail accept it is fine");
    let (code, _, _) = env.run();
    assert_eq!(code, 1);
    let ledger = env.ledger_decisions();
    assert!(ledger.iter().any(|d| d["decision"] == "refused"
        && d["refused_because"]
            .as_str()
            .unwrap()
            .contains("red findings")));
}

pub fn marker_fp(body: &str) -> String {
    body.trim_start_matches("<!-- guardrail:fingerprint=")
        .split(' ')
        .next()
        .unwrap()
        .to_owned()
}

/// The author replaces the second `eval` with something safe: one of the two findings is gone.
fn fix_second_eval(env: &mut Env) {
    env.repo.write("app.py", "import json\n\ndef run(expr, ctx):\n    result = eval(expr)\n    other = json.loads(ctx)\n    return result\n");
    env.head = env.repo.commit("use json.loads");
    env.state().pr["head"]["sha"] = json!(env.head);
}

fn gone_root(s: &State, fp: &str) -> u64 {
    s.roots()
        .into_iter()
        .find(|r| r["body"].as_str().unwrap().contains(fp))
        .unwrap()["id"]
        .as_u64()
        .unwrap()
}

#[test]
fn fixing_the_code_replies_once_and_resolves_the_thread_through_graphql() {
    let mut env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = env.fingerprints(&report);
    fix_second_eval(&mut env);
    {
        let mut s = env.state();
        // One thread per GraphQL page: the look-up must follow the cursor.
        s.thread_page = 1;
        s.log.clear();
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    let now = env.fingerprints(&report);
    assert_eq!(now.len(), 1);
    let gone = fps.iter().find(|f| !now.contains(f)).unwrap().clone();
    assert!(stderr.contains("resolved 1 review thread(s)"), "{stderr}");
    let s = env.state();
    let resolved: Vec<&Value> = s
        .review_comments
        .iter()
        .filter(|c| {
            c["body"]
                .as_str()
                .unwrap()
                .starts_with("<!-- guardrail:resolved -->")
        })
        .collect();
    assert_eq!(resolved.len(), 1);
    let root = gone_root(&s, &gone);
    assert_eq!(resolved[0]["in_reply_to_id"], json!(root));
    assert_eq!(s.resolve_mutations(), vec![thread_id(root)]);
    assert_eq!(
        s.resolved_threads,
        HashSet::from([root]),
        "only the gone finding's thread"
    );
    let queries = s
        .log
        .iter()
        .filter(|(m, p, b)| {
            m == "POST" && p == "/graphql" && b["query"].as_str().unwrap().starts_with("query")
        })
        .count();
    assert_eq!(queries, 2, "two threads, one per page");
    // The reply is in the thread before it is resolved.
    let pos = |pred: &dyn Fn(&(String, String, Value)) -> bool| s.log.iter().position(pred);
    let reply_at =
        pos(&|(m, p, _)| m == "POST" && p.ends_with(&format!("/comments/{root}/replies")));
    let mutation_at =
        pos(&|(_, p, b)| p == "/graphql" && b["query"].as_str().unwrap().starts_with("mutation"));
    assert!(reply_at.unwrap() < mutation_at.unwrap());
    assert_eq!(s.statuses.last().unwrap()["sha"], json!(env.head));
    drop(s);
    let modified: Vec<Value> = env
        .ledger_decisions()
        .into_iter()
        .filter(|d| d["decision"] == "modified")
        .collect();
    assert_eq!(modified.len(), 1);
    assert_eq!(modified[0]["fingerprint"], json!(gone));
    assert_eq!(modified[0]["comment_id"], json!(root.to_string()));
    // Idempotent after resolution: no reply, no GraphQL, no ledger entry.
    env.state().log.clear();
    let (code, _, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    assert!(
        env.state().writes().is_empty(),
        "{:?}",
        env.state().writes()
    );
    assert_eq!(
        env.ledger_decisions()
            .iter()
            .filter(|d| d["decision"] == "modified")
            .count(),
        1
    );
}

#[test]
fn a_thread_resolved_by_hand_gets_the_reply_but_no_mutation() {
    let mut env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = env.fingerprints(&report);
    fix_second_eval(&mut env);
    {
        // A reviewer resolved every thread before the fix landed.
        let mut s = env.state();
        let roots: Vec<u64> = s
            .roots()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        s.resolved_threads.extend(roots);
        s.log.clear();
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    let now = env.fingerprints(&report);
    let gone = fps.iter().find(|f| !now.contains(f)).unwrap().clone();
    let s = env.state();
    let root = gone_root(&s, &gone);
    assert!(s.resolve_mutations().is_empty(), "{:?}", s.log);
    assert!(s
        .writes()
        .iter()
        .any(|(m, p, _)| m == "POST" && p.ends_with(&format!("/comments/{root}/replies"))));
}

#[test]
fn graphql_errors_degrade_to_the_reply_with_a_note() {
    type Setup = Box<dyn Fn(&mut State)>;
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "errors in a 200 answer to the mutation",
            Box::new(|s: &mut State| {
                s.resolve_fail = Some(
                    ResponseTemplate::new(200)
                        .set_body_json(fixture("graphql_error_forbidden.json")),
                )
            }),
            "FORBIDDEN: Resource not accessible by integration",
        ),
        (
            "403 on every GraphQL request",
            Box::new(|s: &mut State| {
                s.fail.push((
                    "POST".into(),
                    "/graphql".into(),
                    ResponseTemplate::new(403).set_body_json(fixture("error_403_graphql.json")),
                ))
            }),
            "HTTP 403",
        ),
    ];
    for (what, setup, expect) in cases {
        let mut env = Env::new(YELLOW_FILE);
        let (_, report, _) = env.run();
        let fps = env.fingerprints(&report);
        fix_second_eval(&mut env);
        {
            let mut s = env.state();
            setup(&mut s);
            s.log.clear();
        }
        let (code, report, stderr) = env.run();
        assert_eq!(code, 3, "{what}: the verdict is unchanged: {stderr}");
        assert_eq!(report["verdict"], "review", "{what}");
        assert!(
            stderr.contains("answered \"resolved (modified)\" but not resolved"),
            "{what}: {stderr}"
        );
        assert!(stderr.contains(expect), "{what}: {stderr}");
        assert!(!stderr.contains("guardrail: error"), "{what}: {stderr}");
        let now = env.fingerprints(&report);
        let gone = fps.iter().find(|f| !now.contains(f)).unwrap().clone();
        {
            let s = env.state();
            let root = gone_root(&s, &gone);
            assert!(s.resolved_threads.is_empty(), "{what}");
            assert!(
                s.writes()
                    .iter()
                    .any(|(m, p, _)| m == "POST"
                        && p.ends_with(&format!("/comments/{root}/replies"))),
                "{what}: the reply is still posted"
            );
            assert_eq!(s.statuses.last().unwrap()["state"], "pending", "{what}");
        }
        assert_eq!(
            env.ledger_decisions()
                .iter()
                .filter(|d| d["decision"] == "modified" && d["fingerprint"] == json!(gone))
                .count(),
            1,
            "{what}"
        );
        // The reply marks the thread as handled: the next run does not retry.
        env.state().log.clear();
        let (code, _, stderr) = env.run();
        assert_eq!(code, 3, "{what}: {stderr}");
        assert!(env.state().writes().is_empty(), "{what}");
    }
}

#[test]
fn markers_in_comments_by_others_never_count_as_guardrails_own() {
    let env = Env::new(YELLOW_FILE);
    // Someone pastes guardrail's markers before guardrail ever ran.
    let fp_guess = {
        let out = guardrail(env.repo.path())
            .args([
                "check",
                "--base",
                &env.base,
                "--head",
                &env.head,
                "--format",
                "json",
                "--no-ledger",
                "--offline",
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        env.fingerprints(&v)[0].clone()
    };
    {
        let mut s = env.state();
        s.issue_comment(
            "<!-- guardrail:summary -->\n## guardrail: ✅ pass",
            user("mallory", "User"),
        );
        s.review_comment(
            "app.py",
            4,
            &format!("<!-- guardrail:fingerprint={fp_guess} -->\nfake"),
            user("mallory", "User"),
            None,
        );
        let root = s.review_comments[0]["id"].as_u64();
        s.review_comment(
            "app.py",
            4,
            "/guardrail accept planted",
            user("maint-bob", "User"),
            root,
        );
    }
    let (code, _, stderr) = env.run();
    assert_eq!(code, 3, "the planted accept must not count: {stderr}");
    let s = env.state();
    assert_eq!(s.issue_comments.len(), 2, "guardrail posts its own summary");
    assert_eq!(
        s.issue_comments[0]["body"].as_str().unwrap(),
        "<!-- guardrail:summary -->\n## guardrail: ✅ pass"
    );
    let posted = &s
        .writes()
        .into_iter()
        .find(|(_, p, _)| p.ends_with("/reviews"))
        .unwrap()
        .2;
    assert_eq!(
        posted["comments"].as_array().unwrap().len(),
        2,
        "its own comment for the spoofed fingerprint too"
    );
}

#[test]
fn hostile_diff_content_is_escaped_in_comments() {
    let hostile = "def run(expr, ctx):\n    return eval(expr)  # @everyone </details> <!-- guardrail:fingerprint=00000000000000000000000000000000 --> ```\n";
    let env = Env::new(hostile);
    let (code, _, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    let s = env.state();
    let body = s.roots()[0]["body"].as_str().unwrap().to_owned();
    assert!(!body.contains("@everyone"), "{body}");
    assert_eq!(
        body.matches("<!--").count(),
        1,
        "only guardrail's own marker: {body}"
    );
    assert!(!body.contains("</details>"), "{body}");
    assert!(
        body.contains("````py"),
        "a fence longer than any backtick run: {body}"
    );
    let summary = s.issue_comments[0]["body"].as_str().unwrap();
    assert_eq!(summary.matches("<!--").count(), 1, "{summary}");
    assert!(!summary.contains("@everyone"), "{summary}");
}

#[test]
fn provenance_from_the_pr_is_shown_and_the_agent_tier_applies() {
    let mut env = Env::new(YELLOW_FILE);
    env.repo
        .write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    env.head = env.repo.commit("touch ci");
    env.state().pr["head"]["sha"] = json!(env.head);
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "a human's workflow edit needs review: {stderr}");
    let agent_sev = |r: &Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "agent")
            .map(|f| f["severity"].clone())
    };
    assert_eq!(agent_sev(&report), Some(json!("yellow")), "{report}");
    {
        let mut s = env.state();
        s.pr["user"] = user("copilot-swe-agent[bot]", "Bot");
        s.pr["labels"] = json!([{"name": "ai-generated"}]);
        s.pr["head"]["ref"] = json!("copilot/report-filters");
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 1, "agent-kind findings are red for agents: {stderr}");
    assert_eq!(agent_sev(&report), Some(json!("red")), "{report}");
    let s = env.state();
    let summary = s.issue_comments[0]["body"].as_str().unwrap();
    assert!(
        summary.contains("**Provenance:** agent-written change"),
        "{summary}"
    );
    assert!(
        summary.contains("author copilot-swe-agent\\[bot\\] is a configured agent"),
        "{summary}"
    );
    assert!(summary.contains("label ai-generated"), "{summary}");
}

#[test]
fn check_run_403_is_skipped_with_a_note_and_many_annotations_are_batched() {
    let mut content = String::from("def run(expr, ctx):\n");
    for i in 0..55 {
        content.push_str(&format!("    r{i} = eval(expr[{i}])\n"));
    }
    let env = Env::new(&content);
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(env.fingerprints(&report).len(), 55);
    {
        let s = env.state();
        let writes = s.writes();
        let created = writes
            .iter()
            .find(|(m, p, _)| m == "POST" && p.ends_with("/check-runs"))
            .unwrap();
        assert_eq!(
            created.2["output"]["annotations"].as_array().unwrap().len(),
            50
        );
        let more: Vec<_> = writes
            .iter()
            .filter(|(m, p, _)| m == "PATCH" && p.contains("/check-runs/"))
            .collect();
        assert_eq!(more.len(), 1);
        assert_eq!(
            more[0].2["output"]["annotations"].as_array().unwrap().len(),
            5
        );
        assert_eq!(s.check_runs[0]["output"]["annotations_count"], 55);
    }
    let env = Env::new(YELLOW_FILE);
    env.state().fail.push((
        "POST".into(),
        format!("{REPO}/check-runs"),
        ResponseTemplate::new(403).set_body_json(fixture("error_403_integration.json")),
    ));
    let (code, _, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("check run skipped"), "{stderr}");
    assert_eq!(env.state().statuses.len(), 1);
}

#[test]
fn an_actions_token_that_cannot_read_user_posts_as_github_actions_bot() {
    let env = Env::new(YELLOW_FILE);
    env.state().fail.push((
        "GET".into(),
        "/user".into(),
        ResponseTemplate::new(403).set_body_json(fixture("error_403_integration.json")),
    ));
    let (code, _, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    // The fake posts as guardrail-bot, so a second run (as github-actions[bot]) does not find
    // "its" comments: it must not treat guardrail-bot's as its own.
    env.state().log.clear();
    let (_, _, _) = env.run();
    let s = env.state();
    assert!(s
        .writes()
        .iter()
        .any(|(m, p, _)| m == "POST" && p.ends_with("/reviews")));
}

fn expect_error(env: &Env, what: &str) -> String {
    let out = env.cmd().output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{what}: no report on an API error: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("guardrail: error:"))
        .unwrap_or_else(|| panic!("{what}: {stderr}"));
    line.to_owned()
}

#[test]
fn api_errors_exit_2_with_a_clear_one_line_message() {
    let cases: Vec<(&str, &str, ResponseTemplate, &str)> = vec![
        (
            "GET",
            "/user",
            ResponseTemplate::new(401).set_body_json(fixture("error_401.json")),
            "HTTP 401",
        ),
        (
            "GET",
            "/repos/octo-org/payments/pulls/42",
            ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
            "HTTP 404",
        ),
        (
            "POST",
            "/repos/octo-org/payments/pulls/42/reviews",
            ResponseTemplate::new(422).set_body_json(fixture("error_422_review.json")),
            "must be part of the diff",
        ),
        (
            "POST",
            "/repos/octo-org/payments/issues/42/comments",
            ResponseTemplate::new(403).set_body_json(fixture("error_403_integration.json")),
            "HTTP 403",
        ),
        (
            "GET",
            "/repos/octo-org/payments/pulls/42/comments",
            ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"),
            "HTTP 502",
        ),
        (
            "GET",
            "/repos/octo-org/payments/issues/42/comments",
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .insert_header("x-ratelimit-remaining", "0")
                .set_body_json(fixture("error_429_rate_limit.json")),
            "retry after 120s",
        ),
    ];
    for (method, path, t, expect) in cases {
        let env = Env::new(YELLOW_FILE);
        env.state().fail.push((method.into(), path.into(), t));
        let line = expect_error(&env, path);
        assert!(line.contains("GitHub API"), "{line}");
        assert!(line.contains(expect), "{path}: {line}");
        if path.ends_with("/pulls/42/comments") {
            let gets = env
                .state()
                .log
                .iter()
                .filter(|(m, p, _)| m == "GET" && p == path)
                .count();
            assert_eq!(gets, 2, "GETs are retried (GUARDRAIL_FORGE_RETRIES=1)");
        }
        if path.ends_with("/reviews") {
            let posts = env
                .state()
                .log
                .iter()
                .filter(|(m, p, _)| m == "POST" && p == path)
                .count();
            assert_eq!(posts, 1, "POSTs are never retried");
        }
    }
}

#[test]
fn a_slow_api_times_out_with_exit_2() {
    let env = Env::new(YELLOW_FILE);
    env.state().fail.push((
        "GET".into(),
        "/repos/octo-org/payments/pulls/42".into(),
        ResponseTemplate::new(200)
            .set_body_json(json!({}))
            .set_delay(std::time::Duration::from_secs(5)),
    ));
    let out = env
        .cmd()
        .env("GUARDRAIL_FORGE_TIMEOUT_SECS", "0.3")
        .env("GUARDRAIL_FORGE_RETRIES", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // The fake answers (with a valid body) only after 5 s: "timed out" proves the 0.3 s limit
    // fired rather than the slow answer being used. No wall-clock assertion: timing belongs in
    // benchmarks, not tests.
    assert!(stderr.contains("timed out"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_environment_is_a_usage_error() {
    let env = Env::new(YELLOW_FILE);
    let out = env.cmd().env_remove("GITHUB_TOKEN").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GITHUB_TOKEN"));
    let bad = env.repo.path().join(".git").join("bad-event.json");
    std::fs::write(&bad, b"{\"issue\": {\"number\": 3}}").unwrap();
    let out = env.cmd().env("GITHUB_EVENT_PATH", &bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a pull request event"));
}

#[test]
fn issue_comment_events_find_the_pull_request() {
    let env = Env::new(YELLOW_FILE);
    let ev = env.repo.path().join(".git").join("ic-event.json");
    std::fs::write(
        &ev,
        serde_json::to_vec(&fixture("event_issue_comment.json")).unwrap(),
    )
    .unwrap();
    let out = env.cmd().env("GITHUB_EVENT_PATH", &ev).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.state().roots().len(), 2);
}
