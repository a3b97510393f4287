#![cfg(test)]
//! Unit tests of the parent module.

use super::*;

#[test]
fn event_numbers() {
    assert_eq!(
        event_number(&json!({"pull_request": {"number": 7}})),
        Some(7)
    );
    assert_eq!(
        event_number(&json!({"issue": {"number": 8, "pull_request": {}}})),
        Some(8)
    );
    assert_eq!(event_number(&json!({"issue": {"number": 8}})), None);
    assert_eq!(ack_id("<!-- guardrail:ack=42 -->\nok"), Some("42"));
}

#[test]
fn graphql_lives_beside_rest() {
    assert_eq!(
        graphql_base("https://api.github.com"),
        "https://api.github.com"
    );
    assert_eq!(
        graphql_base("https://ghe.example.net/api/v3/"),
        "https://ghe.example.net/api"
    );
    assert_eq!(
        graphql_base("http://127.0.0.1:4123"),
        "http://127.0.0.1:4123"
    );
    // Only the Enterprise layout is rewritten.
    assert_eq!(
        graphql_base("https://proxy.example.net/v3"),
        "https://proxy.example.net/v3"
    );
}

#[test]
fn review_threads_parse_with_pagination_and_skip_malformed_nodes() {
    let data = json!({"repository": {"pullRequest": {"reviewThreads": {
    "pageInfo": {"hasNextPage": true, "endCursor": "Y3Vyc29yOnYyOpHOBbTl6w=="},
    "nodes": [
        {"id": "PRRT_kwDOKxk5dM5Vx1Aa", "isResolved": false,
         "comments": {"nodes": [{"databaseId": 2498000001u64}]}},
        {"id": "PRRT_kwDOKxk5dM5Vx1Ab", "isResolved": true,
         "comments": {"nodes": [{"databaseId": 2498000002u64}]}},
        {"id": "PRRT_kwDOKxk5dM5Vx1Ac", "isResolved": false,
         "comments": {"nodes": []}},
        {"isResolved": false, "comments": {"nodes": [{"databaseId": 7}]}}
    ]}}}});
    let (threads, next) = parse_threads(&data).unwrap();
    assert_eq!(next.as_deref(), Some("Y3Vyc29yOnYyOpHOBbTl6w=="));
    assert_eq!(threads.len(), 2);
    assert_eq!(
        threads[&2498000001],
        Thread {
            id: "PRRT_kwDOKxk5dM5Vx1Aa".into(),
            resolved: false
        }
    );
    assert!(threads[&2498000002].resolved);
    assert!(parse_threads(&json!({"repository": null})).is_none());
    let last = json!({"repository": {"pullRequest": {"reviewThreads": {
            "pageInfo": {"hasNextPage": false, "endCursor": "x"}, "nodes": []}}}});
    assert_eq!(parse_threads(&last).unwrap().1, None);
}

#[test]
fn graphql_errors_are_one_line() {
    let v = json!({"data": {"resolveReviewThread": null}, "errors": [
            {"type": "FORBIDDEN", "path": ["resolveReviewThread"],
             "message": "Resource not accessible\nby integration"},
            {"message": "second"}]});
    assert_eq!(
        graphql_errors(&v).as_deref(),
        Some("FORBIDDEN: Resource not accessible by integration; second")
    );
    assert_eq!(graphql_errors(&json!({"data": {}, "errors": []})), None);
    assert_eq!(graphql_errors(&json!({"data": {}})), None);
}
