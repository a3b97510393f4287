//! The GraphQL side of the GitHub backend: the review-thread query and resolve mutation, the
//! GraphQL root for a REST base, and parsing of thread pages and `errors` lists.

use std::collections::HashMap;

use serde_json::Value;

/// The PR's review threads with the REST id of each thread's first comment (our marker
/// comment), which is how a thread is matched to a finding.
pub(super) const THREADS_QUERY: &str = "query($owner: String!, $name: String!, $number: Int!, $cursor: String) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { reviewThreads(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { id isResolved comments(first: 1) { nodes { databaseId } } } } } } }";

pub(super) const RESOLVE_MUTATION: &str = "mutation($threadId: ID!) { resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } } }";

/// A review thread as GraphQL reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Thread {
    pub(super) id: String,
    pub(super) resolved: bool,
}

/// The GraphQL root for a REST base: GitHub Enterprise serves REST at `/api/v3` and GraphQL
/// at `/api/graphql`; github.com (and a test server) serve both from the same root.
pub(super) fn graphql_base(api: &str) -> &str {
    let api = api.trim_end_matches('/');
    api.strip_suffix("/v3")
        .filter(|b| b.ends_with("/api"))
        .unwrap_or(api)
}

/// One page of `reviewThreads`: root comment id → thread, and the cursor of the next page.
pub(super) fn parse_threads(data: &Value) -> Option<(HashMap<u64, Thread>, Option<String>)> {
    let rt = data.pointer("/repository/pullRequest/reviewThreads")?;
    let mut out = HashMap::new();
    for n in rt.get("nodes").and_then(Value::as_array)? {
        let (Some(id), Some(root)) = (
            n.get("id").and_then(Value::as_str),
            n.pointer("/comments/nodes/0/databaseId")
                .and_then(Value::as_u64),
        ) else {
            continue;
        };
        let resolved = n.get("isResolved").and_then(Value::as_bool) == Some(true);
        out.insert(
            root,
            Thread {
                id: id.to_owned(),
                resolved,
            },
        );
    }
    let has_next = rt.pointer("/pageInfo/hasNextPage").and_then(Value::as_bool) == Some(true);
    let next = rt
        .pointer("/pageInfo/endCursor")
        .and_then(Value::as_str)
        .filter(|_| has_next)
        .map(str::to_owned);
    Some((out, next))
}

/// The messages of a GraphQL `errors` list, one line.
pub(super) fn graphql_errors(v: &Value) -> Option<String> {
    let errs = v.get("errors")?.as_array().filter(|e| !e.is_empty())?;
    let msgs: Vec<String> = errs
        .iter()
        .map(|e| {
            let msg = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error");
            match e.get("type").and_then(Value::as_str) {
                Some(t) => format!("{t}: {msg}"),
                None => msg.to_owned(),
            }
        })
        .collect();
    Some(
        msgs.join("; ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(300)
            .collect(),
    )
}
