//! Shared plumbing of the forge backends: environment access, the tokio runtime they run on,
//! time limits and the retry policy. Only reads (GET) are retried: a retried POST could post a
//! comment twice, and the marker look-up of the next run is what makes writes idempotent.
//!
//! Tunables (environment): `GUARDRAIL_FORGE_TIMEOUT_SECS` (per request, default 30),
//! `GUARDRAIL_FORGE_RETRIES` (GET retries on 5xx / transport errors, default 2),
//! `GUARDRAIL_FORGE_RETRY_DELAY_MS` (first back-off, default 500),
//! `GUARDRAIL_FORGE_MAX_WAIT_SECS` (longest `Retry-After` worth waiting for, default 10).

use std::future::Future;
use std::time::Duration;

use crate::error::{Error, Result};

/// Time and retry limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Per request.
    pub(crate) timeout: Duration,
    /// GET retries.
    pub(crate) retries: u32,
    /// First back-off.
    pub(crate) delay: Duration,
    /// Longest server-requested wait honoured before giving up.
    pub(crate) max_wait: Duration,
}

impl Limits {
    /// From the environment, with defaults.
    pub(crate) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Limits {
        let num = |k: &str, d: u64| {
            env(k)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(d)
        };
        Limits {
            timeout: Duration::from_millis(
                env("GUARDRAIL_FORGE_TIMEOUT_SECS")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .map_or(30_000, |v| (v * 1000.0) as u64),
            ),
            retries: num("GUARDRAIL_FORGE_RETRIES", 2).min(10) as u32,
            delay: Duration::from_millis(num("GUARDRAIL_FORGE_RETRY_DELAY_MS", 500)),
            max_wait: Duration::from_secs(num("GUARDRAIL_FORGE_MAX_WAIT_SECS", 10)),
        }
    }
}

/// A current-thread runtime for one backend.
pub(crate) fn runtime(forge: &'static str) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Forge {
            forge,
            message: format!("cannot start the async runtime: {e}"),
        })
}

/// A failed call, classified for retrying and for the message.
#[derive(Debug, Clone)]
pub(crate) struct CallError {
    /// HTTP status, when a response came back.
    pub(crate) status: Option<u16>,
    /// Seconds the server asked to wait (`Retry-After`, or the rate-limit reset).
    pub(crate) retry_after: Option<u64>,
    /// The server's or transport's message.
    pub(crate) message: String,
    /// The request timed out.
    pub(crate) timeout: bool,
}

impl CallError {
    fn retryable(&self) -> bool {
        self.timeout || self.status.is_none_or(|s| s >= 500)
    }

    fn rate_limited(&self) -> bool {
        self.status == Some(429) || (self.status == Some(403) && self.retry_after.is_some())
    }
}

/// Human hint for a status code.
fn hint(forge: &'static str, status: u16, token_var: &str) -> &'static str {
    match (forge, status) {
        (_, 401) => "the token is missing, invalid or expired",
        ("GitHub", 403) => "the token lacks a permission (needs pull-requests: write, statuses: write, issues: write)",
        (_, 403) => "the token lacks a permission (needs the api scope and Developer access)",
        (_, 404) => "not found: check the repository / project and PR / MR number, and that the token can see them",
        (_, 422) | (_, 400) => "the forge rejected the request",
        (_, s) if s >= 500 => "the forge had a server error; try again later",
        _ => {
            let _ = token_var;
            ""
        }
    }
}

/// Renders a final error as one line.
pub(crate) fn to_error(forge: &'static str, what: &str, e: &CallError, token_var: &str) -> Error {
    let message = if e.timeout {
        format!("{what}: timed out (GUARDRAIL_FORGE_TIMEOUT_SECS)")
    } else if e.rate_limited() {
        format!(
            "{what}: rate limited{}: {}",
            e.retry_after
                .map(|s| format!("; retry after {s}s"))
                .unwrap_or_default(),
            e.message
        )
    } else if let Some(s) = e.status {
        let h = hint(forge, s, token_var);
        if h.is_empty() {
            format!("{what}: HTTP {s}: {}", e.message)
        } else {
            format!("{what}: HTTP {s} ({h}): {}", e.message)
        }
    } else {
        format!("{what}: {}", e.message)
    };
    Error::Forge {
        forge,
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Runs `call` under the time limit; reads (`idempotent`) are retried on server errors,
/// transport errors and short rate-limit waits.
pub(crate) async fn call<T, F, Fut>(
    forge: &'static str,
    what: &str,
    limits: &Limits,
    idempotent: bool,
    token_var: &str,
    mut call: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, CallError>>,
{
    let mut attempt = 0u32;
    loop {
        let res = match tokio::time::timeout(limits.timeout, call()).await {
            Ok(r) => r,
            Err(_) => Err(CallError {
                status: None,
                retry_after: None,
                message: "timed out".into(),
                timeout: true,
            }),
        };
        let e = match res {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let can_retry = idempotent && attempt < limits.retries;
        if can_retry && e.rate_limited() {
            match e.retry_after {
                Some(s) if Duration::from_secs(s) <= limits.max_wait => {
                    tokio::time::sleep(Duration::from_secs(s)).await;
                    attempt += 1;
                    continue;
                }
                _ => return Err(to_error(forge, what, &e, token_var)),
            }
        }
        if can_retry && e.retryable() {
            tokio::time::sleep(limits.delay.saturating_mul(1 << attempt.min(6))).await;
            attempt += 1;
            continue;
        }
        return Err(to_error(forge, what, &e, token_var));
    }
}

/// `Retry-After` (seconds) or the seconds until an epoch `reset`, from header values.
pub(crate) fn retry_after(
    retry_after: Option<&str>,
    remaining: Option<&str>,
    reset: Option<&str>,
) -> Option<u64> {
    if let Some(s) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(s);
    }
    if remaining.map(str::trim) == Some("0") {
        let reset = reset.and_then(|v| v.trim().parse::<i64>().ok())?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        return Some(reset.saturating_sub(now).max(0) as u64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_env() {
        let env = |k: &str| match k {
            "GUARDRAIL_FORGE_TIMEOUT_SECS" => Some("0.5".to_owned()),
            "GUARDRAIL_FORGE_RETRIES" => Some("0".to_owned()),
            _ => None,
        };
        let l = Limits::from_env(&env);
        assert_eq!(l.timeout, Duration::from_millis(500));
        assert_eq!(l.retries, 0);
        assert_eq!(l.max_wait, Duration::from_secs(10));
    }

    #[test]
    fn errors_are_one_line_with_hints() {
        let e = CallError {
            status: Some(429),
            retry_after: Some(120),
            message: "API rate limit\nexceeded".into(),
            timeout: false,
        };
        let s = to_error("GitHub", "GET /x", &e, "GITHUB_TOKEN").to_string();
        assert_eq!(
            s,
            "GitHub API: GET /x: rate limited; retry after 120s: API rate limit exceeded"
        );
        assert_eq!(retry_after(Some("7"), None, None), Some(7));
        assert_eq!(retry_after(None, Some("5"), Some("1")), None);
    }
}
