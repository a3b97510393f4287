//! `guardrail check --publish gitlab` against a stateful fake of the GitLab REST API (wiremock
//! on localhost, plain http through the `gitlab` crate's insecure mode), plus the GitLab
//! security reports validated against GitLab's published schemas.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{assert_schema_valid, guardrail, root, TempRepo};
use crate::forge_github::{ledger_decisions, YELLOW_FILE};

const PROJECT: &str = "/api/v4/projects/278964";
const OWN_ID: u64 = 4242;

fn fixture(name: &str) -> Value {
    let p = root().join("fixtures/forge/gitlab").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn author(id: u64, username: &str) -> Value {
    json!({"id": id, "username": username, "name": username, "state": "active", "bot": username.contains("_bot_")})
}

#[derive(Default)]
struct State {
    next: u64,
    discussions: Vec<Value>,
    statuses: Vec<Value>,
    log: Vec<(String, String, Value)>,
    access: HashMap<u64, u64>,
    mr: Value,
    fail: Vec<(String, String, ResponseTemplate)>,
}

impl State {
    fn id(&mut self) -> u64 {
        self.next += 1;
        1_770_000_000 + self.next
    }

    fn note(&mut self, body: &str, who: Value, position: Option<Value>) -> Value {
        let mut n = fixture("diff_note.json");
        n["id"] = json!(self.id());
        n["body"] = json!(body);
        n["author"] = who;
        match position {
            Some(p) => n["position"] = p,
            None => {
                n["type"] = Value::Null;
                n["position"] = Value::Null;
                n["resolvable"] = json!(false);
            }
        }
        n
    }

    fn reply(&mut self, fp: &str, who: Value, body: &str) {
        let marker = format!("<!-- guardrail:fingerprint={fp}");
        let i = self
            .discussions
            .iter()
            .position(|d| d["notes"][0]["body"].as_str().unwrap().starts_with(&marker))
            .unwrap_or_else(|| panic!("no discussion for {fp}"));
        let n = self.note(body, who, None);
        self.discussions[i]["notes"].as_array_mut().unwrap().push(n);
    }

    fn writes(&self) -> Vec<(String, String, Value)> {
        self.log
            .iter()
            .filter(|(m, _, _)| m != "GET")
            .cloned()
            .collect()
    }

    fn threads(&self) -> Vec<Value> {
        self.discussions
            .iter()
            .filter(|d| d["individual_note"] == false)
            .cloned()
            .collect()
    }
}

#[derive(Clone)]
struct Fake(Arc<Mutex<State>>);

impl Respond for Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let method = req.method.to_string();
        let path = req.url.path().to_owned();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        s.log.push((method.clone(), path.clone(), body.clone()));
        if let Some((_, _, t)) = s.fail.iter().find(|(m, p, _)| *m == method && path == *p) {
            return t.clone();
        }
        let ok = |v: Value| ResponseTemplate::new(200).set_body_json(v);
        if method == "GET" && path == "/api/v4/user" {
            return ok(fixture("user.json"));
        }
        let Some(rest) = path.strip_prefix(PROJECT) else {
            return ResponseTemplate::new(404).set_body_json(fixture("error_404.json"));
        };
        let seg: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        let q: HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        match (method.as_str(), seg.as_slice()) {
            ("GET", ["merge_requests", "7"]) => ok(s.mr.clone()),
            ("GET", ["merge_requests", "7", "discussions"]) => {
                let page: usize = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
                let per: usize = q.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(20);
                ok(json!(s
                    .discussions
                    .iter()
                    .skip((page - 1) * per)
                    .take(per)
                    .cloned()
                    .collect::<Vec<_>>()))
            }
            ("POST", ["merge_requests", "7", "discussions"]) => {
                let pos = body["position"].clone();
                for k in [
                    "base_sha",
                    "start_sha",
                    "head_sha",
                    "new_path",
                    "old_path",
                    "new_line",
                    "position_type",
                ] {
                    assert!(!pos[k].is_null(), "position.{k} missing: {pos}");
                }
                let n = s.note(
                    body["body"].as_str().unwrap(),
                    author(OWN_ID, "project_278964_bot_3f1c0e2a"),
                    Some(pos),
                );
                let id = format!("{:040x}", s.id());
                let d = json!({"id": id, "individual_note": false, "notes": [n]});
                s.discussions.push(d.clone());
                ResponseTemplate::new(201).set_body_json(d)
            }
            ("POST", ["merge_requests", "7", "discussions", id, "notes"]) => {
                let n = s.note(
                    body["body"].as_str().unwrap(),
                    author(OWN_ID, "project_278964_bot_3f1c0e2a"),
                    None,
                );
                let d = s
                    .discussions
                    .iter_mut()
                    .find(|d| d["id"] == json!(id))
                    .unwrap();
                d["notes"].as_array_mut().unwrap().push(n.clone());
                ResponseTemplate::new(201).set_body_json(n)
            }
            ("PUT", ["merge_requests", "7", "discussions", id]) => {
                assert_eq!(q.get("resolved").map(String::as_str), Some("true"));
                let d = s
                    .discussions
                    .iter_mut()
                    .find(|d| d["id"] == json!(id))
                    .unwrap();
                for n in d["notes"].as_array_mut().unwrap() {
                    if n["resolvable"] == true {
                        n["resolved"] = json!(true);
                    }
                }
                ok(d.clone())
            }
            ("POST", ["merge_requests", "7", "notes"]) => {
                let n = s.note(
                    body["body"].as_str().unwrap(),
                    author(OWN_ID, "project_278964_bot_3f1c0e2a"),
                    None,
                );
                let id = format!("{:040x}", s.id());
                s.discussions
                    .push(json!({"id": id, "individual_note": true, "notes": [n.clone()]}));
                ResponseTemplate::new(201).set_body_json(n)
            }
            ("PUT", ["merge_requests", "7", "notes", id]) => {
                let id: u64 = id.parse().unwrap();
                for d in s.discussions.iter_mut() {
                    for n in d["notes"].as_array_mut().unwrap() {
                        if n["id"] == json!(id) {
                            n["body"] = body["body"].clone();
                            return ok(n.clone());
                        }
                    }
                }
                ResponseTemplate::new(404).set_body_json(fixture("error_404.json"))
            }
            ("GET", ["members", "all", uid]) => {
                let uid: u64 = uid.parse().unwrap();
                match s.access.get(&uid) {
                    Some(level) => {
                        let mut m = fixture("member_developer.json");
                        m["id"] = json!(uid);
                        m["access_level"] = json!(level);
                        ok(m)
                    }
                    None => ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
                }
            }
            ("GET", ["repository", "commits", _sha, "statuses"]) => ok(json!(s.statuses.clone())),
            ("POST", ["statuses", sha]) => {
                let id = s.id();
                let st = json!({"id": id, "sha": sha, "status": body["state"], "name": body["name"], "description": body["description"], "target_url": body["target_url"]});
                s.statuses.push(st.clone());
                ResponseTemplate::new(201).set_body_json(st)
            }
            _ => ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
        }
    }
}

pub struct Env {
    _rt: tokio::runtime::Runtime,
    server: MockServer,
    fake: Fake,
    repo: TempRepo,
    base: String,
    head: String,
    ledger: std::path::PathBuf,
}

const ALICE: u64 = 1180;
const BOB: u64 = 2207;
const REPORTER: u64 = 3301;

impl Env {
    fn new(content: &str) -> Env {
        Env::with_files(&[("app.py", content)])
    }

    /// An MR whose head commit writes `files` over a base with a harmless `app.py`.
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
        let mut mr = fixture("merge_request.json");
        mr["sha"] = json!(head);
        mr["diff_refs"] = json!({"base_sha": base, "start_sha": base, "head_sha": head});
        let access = HashMap::from([(ALICE, 40), (BOB, 30), (REPORTER, 20)]);
        let fake = Fake(Arc::new(Mutex::new(State {
            mr,
            access,
            ..State::default()
        })));
        rt.block_on(Mock::given(any()).respond_with(fake.clone()).mount(&server));
        let ledger = repo.path().join(".git").join("test-ledger.jsonl");
        Env {
            _rt: rt,
            server,
            fake,
            repo,
            base,
            head,
            ledger,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.fake.0.lock().unwrap()
    }

    fn cmd(&self) -> assert_cmd::Command {
        let mut c = guardrail(self.repo.path());
        c.args([
            "check",
            "--base",
            &self.base,
            "--head",
            &self.head,
            "--publish",
            "gitlab",
            "--format",
            "json",
            "--offline",
        ]);
        c.arg("--ledger").arg(&self.ledger);
        c.env("CI_API_V4_URL", format!("{}/api/v4", self.server.uri()))
            .env("CI_PROJECT_ID", "278964")
            .env("CI_MERGE_REQUEST_IID", "7")
            .env("CI_COMMIT_SHA", &self.head)
            .env("GUARDRAIL_GITLAB_TOKEN", "glpat-Xy3kq9ZtV1mN2bC4dE5f")
            .env_remove("GITLAB_TOKEN")
            .env_remove("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
            .env("GUARDRAIL_FORGE_RETRIES", "1")
            .env("GUARDRAIL_FORGE_RETRY_DELAY_MS", "10")
            .env("GUARDRAIL_FORGE_TIMEOUT_SECS", "3");
        c
    }

    /// Every request the mock server received, as wiremock recorded it.
    pub fn received(&self) -> Vec<Request> {
        self._rt
            .block_on(self.server.received_requests())
            .expect("request recording is on")
    }

    pub fn run(&self) -> (i32, Value, String) {
        let out = self.cmd().output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code().unwrap_or(-1),
            v,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn fps(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn first_run_opens_positioned_discussions_then_second_run_changes_nothing() {
    let env = Env::new(YELLOW_FILE);
    let (code, report, stderr) = env.run();
    assert_eq!(code, 3, "{stderr}");
    let fps = fps(&report);
    assert_eq!(fps.len(), 2);
    {
        let s = env.state();
        let threads = s.threads();
        assert_eq!(threads.len(), 2);
        for t in &threads {
            let n = &t["notes"][0];
            assert_eq!(n["position"]["head_sha"], json!(env.head));
            assert_eq!(n["position"]["base_sha"], json!(env.base));
            assert_eq!(n["position"]["new_path"], "app.py");
            assert!(fps.iter().any(|fp| n["body"]
                .as_str()
                .unwrap()
                .starts_with(&format!("<!-- guardrail:fingerprint={fp} -->"))));
        }
        let summary: Vec<&Value> = s
            .discussions
            .iter()
            .filter(|d| d["individual_note"] == true)
            .collect();
        assert_eq!(summary.len(), 1);
        assert!(summary[0]["notes"][0]["body"]
            .as_str()
            .unwrap()
            .starts_with("<!-- guardrail:summary -->"));
        assert_eq!(s.statuses.len(), 1);
        assert_eq!(s.statuses[0]["status"], "pending");
        assert_eq!(s.statuses[0]["name"], "guardrail");
    }
    env.state().log.clear();
    let (code, _, _) = env.run();
    assert_eq!(code, 3);
    assert!(
        env.state().writes().is_empty(),
        "{:?}",
        env.state().writes()
    );
}

#[test]
fn developer_accepts_count_others_are_refused_and_a_reject_blocks() {
    let env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = fps(&report);
    {
        let mut s = env.state();
        s.reply(
            &fps[0],
            author(ALICE, "dev-alice"),
            "/guardrail accept mine, trust me",
        );
        s.reply(
            &fps[0],
            author(REPORTER, "reporter-carol"),
            "/guardrail accept lgtm",
        );
        s.reply(
            &fps[0],
            author(9001, "project_278964_bot_99aa"),
            "/guardrail accept automated",
        );
        s.reply(
            &fps[0],
            author(BOB, "maint-bob"),
            "/guardrail accept expr is compiled from our DSL",
        );
        s.reply(
            &fps[1],
            author(BOB, "maint-bob"),
            "/guardrail accept constant table",
        );
    }
    let (code, report, stderr) = env.run();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["verdict"], "pass");
    {
        let s = env.state();
        let acks: Vec<String> = s
            .discussions
            .iter()
            .flat_map(|d| d["notes"].as_array().unwrap().clone())
            .map(|n| n["body"].as_str().unwrap().to_owned())
            .filter(|b| b.starts_with("<!-- guardrail:ack="))
            .collect();
        assert_eq!(acks.len(), 5);
        assert_eq!(
            acks.iter().filter(|a| a.contains("Not counted")).count(),
            3,
            "{acks:#?}"
        );
        assert!(acks.iter().any(|a| a.contains("author of this change")));
        assert!(acks.iter().any(|a| a.contains("access level 20")));
        assert!(acks.iter().any(|a| a.contains("is a bot")));
        assert_eq!(s.statuses.last().unwrap()["status"], "success");
    }
    let ledger = ledger_decisions(&env.ledger);
    assert_eq!(
        ledger
            .iter()
            .filter(|d| d["decision"] == "accept" && d["forge"] == "gitlab")
            .count(),
        2
    );
    assert_eq!(
        ledger.iter().filter(|d| d["decision"] == "refused").count(),
        3
    );
    // A later reject by a developer overrides the accept: blocked.
    env.state().reply(
        &fps[1],
        author(BOB, "maint-bob"),
        "/guardrail reject on second look ctx is user input",
    );
    let (code, report, _) = env.run();
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "block");
    assert_eq!(env.state().statuses.last().unwrap()["status"], "failed");
}

#[test]
fn min_access_level_comes_from_the_config() {
    let env = Env::new(YELLOW_FILE);
    let cfg = env.repo.path().join(".git").join("strict.yml");
    std::fs::write(&cfg, "review:\n  gitlab-min-access-level: 40\n").unwrap();
    let (_, report, _) = env.run();
    let fps = fps(&report);
    env.state()
        .reply(&fps[0], author(BOB, "maint-bob"), "/guardrail accept fine");
    let out = env.cmd().arg("--config").arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let s = env.state();
    let refused = s
        .discussions
        .iter()
        .flat_map(|d| d["notes"].as_array().unwrap().clone())
        .any(|n| n["body"].as_str().unwrap().contains("access level 30; 40"));
    assert!(refused);
}

#[test]
fn fixing_the_code_resolves_the_discussion() {
    let mut env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let before = fps(&report);
    env.repo.write("app.py", "import json\n\ndef run(expr, ctx):\n    result = eval(expr)\n    other = json.loads(ctx)\n    return result\n");
    env.head = env.repo.commit("safe");
    {
        let mut s = env.state();
        let head = env.head.clone();
        s.mr["sha"] = json!(head);
        s.mr["diff_refs"]["head_sha"] = json!(head);
    }
    let (code, report, _) = env.run();
    assert_eq!(code, 3);
    let after = fps(&report);
    let gone = before.iter().find(|f| !after.contains(f)).unwrap();
    let s = env.state();
    let t = s
        .threads()
        .into_iter()
        .find(|t| {
            t["notes"][0]["body"]
                .as_str()
                .unwrap()
                .contains(gone.as_str())
        })
        .unwrap();
    assert_eq!(t["notes"][0]["resolved"], true);
    assert!(t["notes"].as_array().unwrap().iter().any(|n| n["body"]
        .as_str()
        .unwrap()
        .starts_with("<!-- guardrail:resolved -->")));
    let still = s
        .threads()
        .into_iter()
        .find(|t| {
            !t["notes"][0]["body"]
                .as_str()
                .unwrap()
                .contains(gone.as_str())
        })
        .unwrap();
    assert_eq!(still["notes"][0]["resolved"], false);
    drop(s);
    let ledger = ledger_decisions(&env.ledger);
    assert!(ledger
        .iter()
        .any(|d| d["decision"] == "modified" && d["fingerprint"] == json!(gone)));
}

#[test]
fn a_refused_resolve_is_a_note_and_the_reply_stays() {
    let mut env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let before = fps(&report);
    env.repo.write("app.py", "import json\n\ndef run(expr, ctx):\n    result = eval(expr)\n    other = json.loads(ctx)\n    return result\n");
    env.head = env.repo.commit("safe");
    {
        let mut s = env.state();
        let head = env.head.clone();
        s.mr["sha"] = json!(head);
        s.mr["diff_refs"]["head_sha"] = json!(head);
        let ids: Vec<String> = s
            .threads()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        for id in ids {
            s.fail.push((
                "PUT".into(),
                format!("{PROJECT}/merge_requests/7/discussions/{id}"),
                ResponseTemplate::new(403).set_body_json(fixture("error_403.json")),
            ));
        }
    }
    let (code, report, stderr) = env.run();
    assert_eq!(
        code, 3,
        "the verdict does not depend on resolving: {stderr}"
    );
    assert!(
        stderr.contains("1 discussion(s) whose finding is gone were not resolved"),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 403"), "{stderr}");
    let after = fps(&report);
    let gone = before.iter().find(|f| !after.contains(f)).unwrap();
    {
        let s = env.state();
        let t = s
            .threads()
            .into_iter()
            .find(|t| {
                t["notes"][0]["body"]
                    .as_str()
                    .unwrap()
                    .contains(gone.as_str())
            })
            .unwrap();
        assert_eq!(t["notes"][0]["resolved"], false);
        assert!(t["notes"].as_array().unwrap().iter().any(|n| n["body"]
            .as_str()
            .unwrap()
            .starts_with("<!-- guardrail:resolved -->")));
    }
    assert_eq!(
        ledger_decisions(&env.ledger)
            .iter()
            .filter(|d| d["decision"] == "modified" && d["fingerprint"] == json!(gone))
            .count(),
        1
    );
}

#[test]
fn gitlab_api_errors_exit_2_with_one_line() {
    let cases: Vec<(&str, String, ResponseTemplate, &str)> = vec![
        (
            "GET",
            "/api/v4/user".into(),
            ResponseTemplate::new(401).set_body_json(fixture("error_401.json")),
            "HTTP 401",
        ),
        (
            "GET",
            format!("{PROJECT}/merge_requests/7"),
            ResponseTemplate::new(404).set_body_json(fixture("error_404.json")),
            "HTTP 404",
        ),
        (
            "POST",
            format!("{PROJECT}/merge_requests/7/discussions"),
            ResponseTemplate::new(400).set_body_json(fixture("error_400_position.json")),
            "line_code",
        ),
        (
            "POST",
            format!("{PROJECT}/statuses/"),
            ResponseTemplate::new(403).set_body_json(fixture("error_403.json")),
            "HTTP 403",
        ),
        (
            "GET",
            format!("{PROJECT}/merge_requests/7/discussions"),
            ResponseTemplate::new(503).set_body_string("<html>503 Service Unavailable</html>"),
            "HTTP 503",
        ),
        (
            "GET",
            format!("{PROJECT}/merge_requests/7/discussions"),
            ResponseTemplate::new(429)
                .insert_header("ratelimit-limit", "600")
                .insert_header("ratelimit-name", "throttle_authenticated_api")
                .insert_header("ratelimit-observed", "601")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", "1795000000")
                .insert_header("retry-after", "60")
                .set_body_string("Retry later\n"),
            "retry after 60s",
        ),
    ];
    for (method, path, t, expect) in cases {
        let env = Env::new(YELLOW_FILE);
        let path = if path.ends_with("/statuses/") {
            format!("{path}{}", env.head)
        } else {
            path
        };
        env.state().fail.push((method.into(), path.clone(), t));
        let out = env.cmd().output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(out.stdout.is_empty(), "{path}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("guardrail: error: GitLab API"))
            .unwrap_or_else(|| panic!("{path}: {stderr}"));
        assert!(line.contains(expect), "{path}: {line}");
    }
}

#[test]
fn gitlab_security_reports_from_the_binary_match_gitlabs_schemas() {
    let r = TempRepo::new();
    r.write("app.py", "x = 1\n");
    r.write("requirements.txt", "requests==2.31.0\n");
    r.commit("base");
    r.write(
        "app.py",
        "import subprocess\nx = eval(input())\nsubprocess.run(cmd, shell=True)\n",
    );
    r.write(
        "requirements.txt",
        "requests==2.31.0\nreqeusts==1.0.0\njinja2==2.10\n",
    );
    r.commit("change");
    for (format, schema) in [
        ("gitlab-sast", "sast-report-format.json"),
        (
            "gitlab-dependency-scanning",
            "dependency-scanning-report-format.json",
        ),
    ] {
        let out = guardrail(r.path())
            .args([
                "check",
                "--base",
                "HEAD~1",
                "--no-ledger",
                "--offline",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_schema_valid(schema, &v);
        if format == "gitlab-sast" {
            assert!(!v["vulnerabilities"].as_array().unwrap().is_empty(), "{v}");
        }
    }
}

/// Item 9 of issue 16 (GitLab): a decision note edited after it was written is refused with
/// a reply, the refusal is logged with the note's body hash, and the edit cannot flip the
/// verdict.
#[test]
fn an_edited_decision_note_is_refused_and_logged() {
    let env = Env::new(YELLOW_FILE);
    let (_, report, _) = env.run();
    let fps = fps(&report);
    env.state().reply(
        &fps[0],
        author(BOB, "maint-bob"),
        "/guardrail reject ctx is user input",
    );
    let (code, _, _) = env.run();
    assert_eq!(code, 1);
    let note_id = {
        let mut s = env.state();
        let note = s
            .discussions
            .iter_mut()
            .flat_map(|d| d["notes"].as_array_mut().unwrap().iter_mut())
            .find(|n| n["body"] == "/guardrail reject ctx is user input")
            .unwrap();
        note["body"] = json!("/guardrail accept fine after all");
        note["updated_at"] = json!("2026-11-21T11:30:00.000Z");
        note["id"].as_u64().unwrap()
    };
    let (code, report, stderr) = env.run();
    assert_ne!(code, 0, "{stderr}");
    assert_ne!(report["verdict"], "pass");
    assert!(env
        .state()
        .statuses
        .iter()
        .all(|st| st["status"] != "success"));
    let refused: Vec<Value> = ledger_decisions(&env.ledger)
        .into_iter()
        .filter(|d| {
            d["decision"] == "refused"
                && d["comment_id"].as_str().and_then(|c| c.parse::<u64>().ok()) == Some(note_id)
        })
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0]["refused_because"]
        .as_str()
        .unwrap()
        .contains("edited"));
    assert_eq!(
        refused[0]["comment_sha256"].as_str().unwrap(),
        guardrail::finding::sha256_hex(b"/guardrail accept fine after all")
    );
    let answered = env
        .state()
        .discussions
        .iter()
        .flat_map(|d| d["notes"].as_array().unwrap().clone())
        .any(|n| {
            n["body"]
                .as_str()
                .unwrap()
                .contains(&format!("guardrail:ack={note_id}-edited"))
        });
    assert!(answered);
}
