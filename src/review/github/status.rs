//! The commit status and the check run of the GitHub backend: state and description from the
//! verdict, findings as check-run annotations, the check run created or updated in batches.

use serde_json::{json, Value};

use super::{publishable, GitHub, Publication, FORGE};
use crate::error::Result;
use crate::finding::{Finding, Severity};
use crate::policy::Verdict;

/// GitHub accepts at most 50 annotations per check-run request.
pub(super) const ANNOTATIONS_PER_REQUEST: usize = 50;

pub(super) fn status_for(p: &Publication<'_>) -> (&'static str, String) {
    let (r, y, _) = crate::report::counts(p.findings);
    let pending = crate::review::pending(p.findings).len();
    if let Some(why) = &p.failed {
        return ("error", format!("error: {why}"));
    }
    match p.verdict {
        Verdict::Pass => (
            "success",
            format!("pass: {r} red, {y} yellow (all decided)"),
        ),
        Verdict::Review => (
            "pending",
            format!("review: {pending} yellow finding(s) await a decision"),
        ),
        Verdict::Block => (
            "failure",
            format!("block: {r} red finding(s) or a rejected one"),
        ),
    }
}

pub(super) fn annotation(f: &Finding) -> Option<Value> {
    let line = f.line?;
    let level = match f.severity {
        Severity::Red => "failure",
        Severity::Yellow => "warning",
        Severity::Info => "notice",
    };
    Some(json!({
        "path": f.path,
        "start_line": line,
        "end_line": line,
        "annotation_level": level,
        "title": format!("guardrail {}", f.rule),
        "message": f.message,
    }))
}

impl GitHub {
    pub(super) fn check_run(&mut self, p: &Publication<'_>, head: &str) -> Result<()> {
        let (status_state, description) = status_for(p);
        let conclusion = match (p.verdict, &p.failed) {
            (_, Some(_)) => "failure",
            (Verdict::Pass, None) => "success",
            (Verdict::Block, None) => "failure",
            (Verdict::Review, None) => "action_required",
        };
        let _ = status_state;
        let title = match &p.failed {
            Some(_) => "guardrail: error".to_owned(),
            None => format!("guardrail: {}", p.verdict.as_str()),
        };
        let annotations: Vec<Value> = p
            .findings
            .iter()
            .filter(|f| publishable(f))
            .filter_map(annotation)
            .collect();
        let route = format!("{}/commits/{head}/check-runs", self.repo);
        let runs = self.get_value(
            &format!("{route}?check_name=guardrail&per_page=100"),
            &format!("GET {route}"),
        )?;
        let existing = runs
            .get("check_runs")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|r| r.get("name").and_then(Value::as_str) == Some("guardrail"))
            });
        if let Some(r) = existing {
            let same = r.get("conclusion").and_then(Value::as_str) == Some(conclusion)
                && r.pointer("/output/title").and_then(Value::as_str) == Some(title.as_str())
                && r.pointer("/output/summary").and_then(Value::as_str)
                    == Some(description.as_str())
                && r.pointer("/output/annotations_count")
                    .and_then(Value::as_u64)
                    == Some(annotations.len() as u64);
            if same {
                return Ok(());
            }
        }
        let mut chunks = annotations.chunks(ANNOTATIONS_PER_REQUEST);
        let first: Vec<Value> = chunks.next().map(<[Value]>::to_vec).unwrap_or_default();
        let mut body = json!({
            "name": "guardrail",
            "head_sha": head,
            "status": "completed",
            "conclusion": conclusion,
            "output": {"title": title, "summary": description, "annotations": first},
        });
        if let Some(u) = &self.pr.url {
            body["details_url"] = json!(u);
        }
        let id = match existing.and_then(|r| r.get("id")).and_then(Value::as_u64) {
            Some(id) => {
                self.send("PATCH", &format!("{}/check-runs/{id}", self.repo), &body)?;
                id
            }
            None => {
                let created = self.send("POST", &format!("{}/check-runs", self.repo), &body)?;
                created.get("id").and_then(Value::as_u64).ok_or_else(|| {
                    crate::review::forge_error(FORGE, "POST check-runs: no id in the response")
                })?
            }
        };
        for chunk in chunks {
            let more =
                json!({"output": {"title": title, "summary": description, "annotations": chunk}});
            self.send("PATCH", &format!("{}/check-runs/{id}", self.repo), &more)?;
        }
        Ok(())
    }
}
