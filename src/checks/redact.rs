//! Redaction where text leaves a finding: every finding's message and snippet pass through
//! [`scrub`] once, in policy, before any reporter, forge, queue or ledger sees them. A secret
//! reaches a finding's text by more ways than the secret rule that found it: the snippet of
//! *another* finding on the same line (`requests.get(u, verify=False, headers={"Authorization":
//! "token ghp_…"})`), a message quoting a credentialed index URL
//! (`--extra-index-url https://user:TOKEN@host/`), a gate-edit finding quoting the first added
//! line. So the text is searched with every built-in secret rule (the `redact` rules of
//! `rules/secrets/`, whatever the config disables) plus URL credentials, and each secret keeps
//! only a short prefix. The fingerprint was computed from the raw text before and stays as is.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use crate::checks::code::redact;
use crate::finding::Finding;
use crate::rules::{builtin_sources, RuleSet};

/// The built-in secret rules, compiled once per process (None if they fail to load, which the
/// built-in rule tests rule out).
fn secret_rules() -> Option<&'static RuleSet> {
    static SET: OnceLock<Option<RuleSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let sources: Vec<_> = builtin_sources()
            .into_iter()
            .filter(|s| s.path.starts_with("rules/secrets"))
            .collect();
        let mut set = RuleSet::compile(&sources).ok()?;
        let keep: Vec<String> = set
            .rules()
            .iter()
            .filter(|r| !r.redact)
            .map(|r| r.id.clone())
            .collect();
        set.disable(&keep);
        // Redaction applies to every finding's text, whatever file it came from.
        set.ignore_path_filters();
        Some(set)
    })
    .as_ref()
}

/// `scheme://user:password@` and `scheme://token@` in URLs.
#[allow(
    clippy::expect_used,
    reason = "a constant pattern: a test compiles it, no input reaches it"
)]
fn url_credentials() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b[a-z][a-z0-9+.\-]*://(?:([^\s/:@'\x22]*):)?([^\s/@'\x22]+)@")
            .expect("constant URL-credential regex compiles")
    })
}

/// `text` with every secret the built-in secret rules find, and every URL credential, cut
/// down to a short prefix.
pub fn text(text: &str) -> Cow<'_, str> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for c in url_credentials().captures_iter(text) {
        // With `user:password@` the password is the secret; a lone `token@` is the token.
        if let Some(m) = c.get(2) {
            if c.get(1).is_some() || m.as_str().len() >= 8 {
                spans.push((m.start(), m.end()));
            }
        }
    }
    if let Some(set) = secret_rules() {
        let hits = set.prefilter(text);
        if hits.iter().any(|h| *h) {
            for rule in set.rules().iter().filter(|r| r.redact) {
                for m in set.matches(rule, text, &hits) {
                    let (s, e) = m
                        .captures
                        .get("SECRET")
                        .copied()
                        .unwrap_or((m.start, m.end));
                    if s < e && e <= text.len() {
                        spans.push((s, e));
                    }
                }
            }
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e) in merged {
        let (Some(before), Some(secret)) = (text.get(pos..s), text.get(s..e)) else {
            continue;
        };
        if secret.contains("****[redacted]") {
            continue;
        }
        out.push_str(before);
        out.push_str(&redact(secret));
        pos = e;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    Cow::Owned(out)
}

/// Redacts a finding's message, snippet and notes in place.
pub(crate) fn scrub(f: &mut Finding) {
    if let Cow::Owned(m) = text(&f.message) {
        f.message = m;
    }
    if let Some(s) = &f.snippet {
        if let Cow::Owned(r) = text(s) {
            f.snippet = Some(r);
        }
    }
    for n in &mut f.notes {
        if let Cow::Owned(r) = text(n) {
            *n = r;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_on_any_line_and_url_credentials_are_cut_down() {
        let line = r#"requests.get(u, verify=False, headers={"Authorization": "token ghp_16C7e42F292c6912E7710c838347Ae178B4a"})"#;
        let r = text(line);
        assert!(
            !r.contains("ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
            "{r}"
        );
        assert!(r.contains("verify=False"), "{r}");
        let msg = "extra index `https://deploy:s3cr3tPassw0rd99@pypi.internal.example/simple` is not the registry";
        let r = text(msg);
        assert!(!r.contains("s3cr3tPassw0rd99"), "{r}");
        assert!(r.contains("https://deploy:"), "{r}");
        assert!(r.contains("@pypi.internal.example/simple"), "{r}");
        let plain = "nothing secret: https://pypi.org/simple and git@github.com:o/r.git";
        assert!(matches!(text(plain), Cow::Borrowed(_)));
        // Idempotent.
        let once = text(line).into_owned();
        assert_eq!(text(&once), once);
    }
}
