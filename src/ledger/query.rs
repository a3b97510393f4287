//! `ledger show` filters and the one-line text form of an entry.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Which entries to show (all conditions must hold).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Head commit (prefix).
    pub head: Option<String>,
    /// A fingerprint: decisions on it, runs that reported it.
    pub fingerprint: Option<String>,
    /// Run verdict.
    pub verdict: Option<String>,
    /// Entry type (`run`, `decision`, …).
    pub kind: Option<String>,
    /// At or after.
    pub since: Option<OffsetDateTime>,
    /// At or before.
    pub until: Option<OffsetDateTime>,
}

/// Parses `YYYY-MM-DD` (start of day, or end of day with `end_of_day`) or RFC 3339.
pub fn parse_date(s: &str, end_of_day: bool) -> Result<OffsetDateTime, String> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &fmt)
        .map_err(|_| format!("invalid date `{s}` (expected YYYY-MM-DD or RFC 3339)"))?;
    let t = if end_of_day {
        d.with_hms(23, 59, 59)
    } else {
        d.with_hms(0, 0, 0)
    }
    .map_err(|e| e.to_string())?;
    Ok(t.assume_utc())
}

fn str_field<'a>(e: &'a Value, k: &str) -> Option<&'a str> {
    e.get(k).and_then(Value::as_str)
}

impl Filter {
    /// Whether `entry` passes.
    pub fn matches(&self, entry: &Value) -> bool {
        if let Some(k) = &self.kind {
            if str_field(entry, "type") != Some(k.as_str()) {
                return false;
            }
        }
        if let Some(h) = &self.head {
            let h = h.to_ascii_lowercase();
            if !str_field(entry, "head").is_some_and(|x| x.starts_with(&h)) {
                return false;
            }
        }
        if let Some(v) = &self.verdict {
            if str_field(entry, "verdict") != Some(v.as_str()) {
                return false;
            }
        }
        if let Some(fp) = &self.fingerprint {
            let direct = str_field(entry, "fingerprint") == Some(fp.as_str());
            let in_run = entry
                .get("findings")
                .and_then(Value::as_array)
                .is_some_and(|fs| {
                    fs.iter()
                        .any(|f| str_field(f, "fingerprint") == Some(fp.as_str()))
                });
            if !direct && !in_run {
                return false;
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(ts) =
                str_field(entry, "ts").and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
            else {
                return false;
            };
            if self.since.is_some_and(|s| ts < s) || self.until.is_some_and(|u| ts > u) {
                return false;
            }
        }
        true
    }
}

fn short(s: &str) -> &str {
    &s[..s.len().min(12)]
}

/// One line describing entry number `n`.
pub fn text_line(n: usize, e: &Value) -> String {
    let ts = str_field(e, "ts").unwrap_or("-");
    let kind = str_field(e, "type").unwrap_or("?");
    let mut s = format!("{n:>6}  {ts}  {kind}");
    match kind {
        "run" => {
            let cmd = str_field(e, "command").unwrap_or("?");
            let verdict = str_field(e, "verdict").unwrap_or("?");
            s.push_str(&format!(" {cmd} verdict={verdict}"));
            if let Some(h) = str_field(e, "head") {
                s.push_str(&format!(" head={}", short(h)));
            }
            if let Some(b) = str_field(e, "base") {
                s.push_str(&format!(" base={}", short(b)));
            }
            let fs = e
                .get("findings")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let count = |sev: &str| {
                fs.iter()
                    .filter(|f| str_field(f, "severity") == Some(sev))
                    .count()
            };
            s.push_str(&format!(
                " findings={} (red {}, yellow {}, info {})",
                fs.len(),
                count("red"),
                count("yellow"),
                count("info")
            ));
        }
        "decision" => {
            let d = str_field(e, "decision").unwrap_or("?");
            let by = str_field(e, "by").unwrap_or("?");
            let fp = str_field(e, "fingerprint").unwrap_or("?");
            s.push_str(&format!(" {d} fingerprint={fp} by={by}"));
            if let Some(r) = str_field(e, "reason") {
                s.push_str(&format!(
                    " reason={}",
                    serde_json::to_string(r).unwrap_or_default()
                ));
            }
            if let Some(c) = str_field(e, "comment_id") {
                s.push_str(&format!(" comment={c}"));
            }
            if let Some(r) = str_field(e, "refused_because") {
                s.push_str(&format!(
                    " refused={}",
                    serde_json::to_string(r).unwrap_or_default()
                ));
            }
        }
        _ => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_combine() {
        let run = json!({"type": "run", "ts": "2026-03-04T10:00:00Z", "head": "abcdef01", "verdict": "block",
            "findings": [{"fingerprint": "fp1"}]});
        let dec = json!({"type": "decision", "ts": "2026-03-05T10:00:00Z", "fingerprint": "fp1"});
        let f = Filter {
            fingerprint: Some("fp1".into()),
            ..Filter::default()
        };
        assert!(f.matches(&run) && f.matches(&dec));
        let f = Filter {
            head: Some("ABCD".into()),
            verdict: Some("block".into()),
            ..Filter::default()
        };
        assert!(f.matches(&run) && !f.matches(&dec));
        let f = Filter {
            since: Some(parse_date("2026-03-05", false).unwrap()),
            ..Filter::default()
        };
        assert!(!f.matches(&run) && f.matches(&dec));
        let f = Filter {
            until: Some(parse_date("2026-03-04", true).unwrap()),
            ..Filter::default()
        };
        assert!(f.matches(&run) && !f.matches(&dec));
        assert!(parse_date("yesterday", false).is_err());
    }
}
