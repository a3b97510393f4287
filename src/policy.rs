//! Policy: turns raw findings into the findings in force (severity overrides, path excludes,
//! config ignores with reason and expiry) and decides the verdict and exit code.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::config::{parse_date, Config, Ignore, PathFilter};
use crate::finding::{Finding, Kind, Review, ReviewState, Severity};

/// The gate's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing unresolved.
    Pass,
    /// Unresolved yellow findings, no red.
    Review,
    /// An unresolved red (or rejected) finding.
    Block,
}

impl Verdict {
    /// The process exit code: 0 pass, 1 block, 3 review.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Pass => 0,
            Verdict::Block => 1,
            Verdict::Review => 3,
        }
    }

    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// Compiled policy from the config.
pub(crate) struct Policy<'a> {
    config: &'a Config,
    agent_written: bool,
    excludes: PathFilter,
    ignore_paths: Vec<Option<GlobSet>>,
    today: time::Date,
}

fn one_glob(p: &str) -> Option<GlobSet> {
    let mut b = GlobSetBuilder::new();
    b.add(Glob::new(p).ok()?);
    if !p.contains('/') {
        b.add(Glob::new(&format!("**/{p}")).ok()?);
    }
    b.build().ok()
}

impl<'a> Policy<'a> {
    /// Policy for `config`, judging ignore expiry against `today` (UTC).
    pub(crate) fn new(config: &'a Config, today: time::Date) -> Self {
        let excludes = PathFilter::new(&config.exclude);
        let ignore_paths = config
            .ignore
            .iter()
            .map(|i| i.path.as_deref().and_then(one_glob))
            .collect();
        Policy {
            config,
            agent_written: false,
            excludes,
            ignore_paths,
            today,
        }
    }

    /// Whether a path is excluded from checking.
    pub(crate) fn excluded(&self, path: &str) -> bool {
        self.excludes.excluded(path)
    }

    fn ignore_matches(&self, ig: &Ignore, path_glob: Option<&GlobSet>, f: &Finding) -> bool {
        if let Some(rule) = &ig.rule {
            if &f.rule != rule && !f.advisories.iter().any(|a| a == rule) {
                return false;
            }
        }
        if let Some(fp) = &ig.fingerprint {
            if &f.fingerprint != fp {
                return false;
            }
        }
        if ig.path.is_some() && !path_glob.is_some_and(|g| g.is_match(&f.path)) {
            return false;
        }
        if let Some(pkg) = &ig.package {
            let Some(p) = &f.package else { return false };
            let (name, version) = match pkg.rsplit_once('@') {
                Some((n, v)) if !n.is_empty() => (n, Some(v)),
                _ => (pkg.as_str(), None),
            };
            if p.name != name || version.is_some_and(|v| p.version.as_deref() != Some(v)) {
                return false;
            }
        }
        true
    }

    /// Applies overrides, excludes and ignores; yellow findings get a pending review.
    /// The same policy for a change written by a coding agent: the config's agent tier
    /// (`review.agent`) applies too.
    pub(crate) fn agent_written(mut self, agent: bool) -> Self {
        self.agent_written = agent;
        self
    }

    /// Applies the policy once: what [`Policy::apply`] does, and the verdict of the result.
    pub(crate) fn decide(&self, findings: Vec<Finding>) -> Decision {
        let mut raised = 0usize;
        let findings = self.apply_counting(findings, &mut raised);
        let notes = if raised > 0 {
            vec![format!(
                "agent-written change: the agent policy tier raised {raised} finding(s)"
            )]
        } else {
            Vec::new()
        };
        Decision {
            verdict: verdict(&findings),
            findings,
            notes,
        }
    }

    #[cfg(test)]
    /// Excludes, severity overrides, ignores, the agent tier when the change is agent-written,
    /// and pending reviews for yellow findings; sorted.
    pub(crate) fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        self.apply_counting(findings, &mut 0)
    }

    fn apply_counting(&self, findings: Vec<Finding>, raised: &mut usize) -> Vec<Finding> {
        let mut out = Vec::with_capacity(findings.len());
        'next: for mut f in findings {
            if self.excluded(&f.path) {
                continue;
            }
            let over = self.config.severity.get(&f.rule).or_else(|| {
                self.config
                    .severity
                    .get(&format!("kind:{}", f.kind.as_str()))
            });
            if let Some(o) = over {
                match o.severity() {
                    Some(s) => f.severity = s,
                    None => continue,
                }
            }
            for (ig, glob) in self.config.ignore.iter().zip(&self.ignore_paths) {
                if !self.ignore_matches(ig, glob.as_ref(), &f) {
                    continue;
                }
                match parse_date(&ig.expires) {
                    Some(d) if d >= self.today => continue 'next,
                    _ => f.notes.push(format!(
                        "an ignore in the config matched but expired on {} (reason was: {})",
                        ig.expires, ig.reason
                    )),
                }
            }
            if f.severity == Severity::Yellow && f.review.is_none() {
                f.review = Some(Review {
                    state: ReviewState::Pending,
                    by: None,
                    reason: None,
                });
            }
            if self.agent_written && self.agent_tier(&mut f) {
                *raised += 1;
            }
            // The one place text leaves a finding: no secret goes further in full.
            crate::checks::redact::scrub(&mut f);
            out.push(f);
        }
        sort(&mut out);
        out
    }

    /// The config's agent tier for one finding: yellow agent-kind findings become red and info
    /// ones yellow (an agent's harmless CI edit still needs a human, it does not block on its
    /// own), dependency and typosquat findings below yellow become yellow (every new dependency
    /// needs a human). Whether it raised the finding.
    fn agent_tier(&self, f: &mut Finding) -> bool {
        let tier = &self.config.review.agent;
        let pending = || {
            Some(Review {
                state: ReviewState::Pending,
                by: None,
                reason: None,
            })
        };
        if tier.agent_findings_red && f.kind == Kind::Agent && f.severity == Severity::Yellow {
            f.severity = Severity::Red;
            f.review = None;
            f.notes.push(
                "raised to red: agent-written change (review.agent.agent-findings-red)".into(),
            );
            true
        } else if tier.agent_findings_red && f.kind == Kind::Agent && f.severity == Severity::Info {
            f.severity = Severity::Yellow;
            f.review = pending();
            f.notes.push(
                "raised to yellow: agent-written change (review.agent.agent-findings-red)".into(),
            );
            true
        } else if tier.new_dependencies_yellow
            && matches!(f.kind, Kind::Dependency | Kind::Typosquat)
            && f.severity == Severity::Info
        {
            f.severity = Severity::Yellow;
            f.review = pending();
            f.notes.push("raised to yellow: new dependency in an agent-written change (review.agent.new-dependencies-yellow)".into());
            true
        } else {
            false
        }
    }
}

/// The policy's result: findings in force, sorted, and the verdict.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    /// The verdict.
    pub(crate) verdict: Verdict,
    /// Findings in force, sorted.
    pub(crate) findings: Vec<Finding>,
    /// Things to tell the user.
    pub(crate) notes: Vec<String>,
}

/// Stable order: severity (red first), path, line, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// The verdict over findings in force: a red or rejected finding blocks (red cannot be accepted
/// by a review, only ignored in the base config); a pending yellow needs review; accepted
/// yellow and info findings do not count.
pub fn verdict(findings: &[Finding]) -> Verdict {
    let mut v = Verdict::Pass;
    for f in findings {
        let state = f.review.as_ref().map(|r| r.state);
        match (f.severity, state) {
            (_, Some(ReviewState::Rejected)) => return Verdict::Block,
            (Severity::Red, _) => return Verdict::Block,
            (Severity::Yellow, Some(ReviewState::Accepted)) => {}
            (Severity::Yellow, _) => v = Verdict::Review,
            (Severity::Info, _) => {}
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;
    use std::path::Path;

    fn f(rule: &str, sev: Severity, path: &str) -> Finding {
        Finding::new(rule, Kind::Code, sev, path, Some(1), "m").with_fingerprint(rule, 0)
    }

    fn day(s: &str) -> time::Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn verdict_order() {
        assert_eq!(verdict(&[]), Verdict::Pass);
        let mut y = f("a", Severity::Yellow, "x");
        y.review = Some(Review {
            state: ReviewState::Pending,
            by: None,
            reason: None,
        });
        assert_eq!(
            verdict(&[y.clone(), f("i", Severity::Info, "x")]),
            Verdict::Review
        );
        assert_eq!(
            verdict(&[y.clone(), f("r", Severity::Red, "x")]),
            Verdict::Block
        );
        y.review = Some(Review {
            state: ReviewState::Accepted,
            by: Some("alice".into()),
            reason: None,
        });
        assert_eq!(verdict(&[y.clone()]), Verdict::Pass);
        y.review = Some(Review {
            state: ReviewState::Rejected,
            by: Some("alice".into()),
            reason: None,
        });
        assert_eq!(verdict(&[y]), Verdict::Block);
        assert_eq!(Verdict::Review.exit_code(), 3);
    }

    #[test]
    fn overrides_excludes_and_ignores_with_expiry() {
        let cfg = Config::parse(
            b"severity:\n  a: info\n  b: off\nexclude: ['vendor/**']\nignore:\n  - rule: c\n    reason: test fixture\n    expires: 2030-01-01\n  - rule: d\n    reason: old\n    expires: 2020-01-01\n",
            Path::new("c.yml"),
        )
        .unwrap();
        let p = Policy::new(&cfg, day("2026-11-21"));
        let out = p.apply(vec![
            f("a", Severity::Red, "src/x.py"),
            f("b", Severity::Red, "src/x.py"),
            f("c", Severity::Red, "src/x.py"),
            f("d", Severity::Red, "src/x.py"),
            f("e", Severity::Red, "vendor/x.py"),
            f("y", Severity::Yellow, "src/x.py"),
        ]);
        let rules: Vec<&str> = out.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["d", "y", "a"]);
        assert!(out[0].notes[0].contains("expired on 2020-01-01"));
        assert_eq!(
            out[1].review.as_ref().map(|r| r.state),
            Some(ReviewState::Pending)
        );
        assert_eq!(out[2].severity, Severity::Info);
    }

    #[test]
    fn agent_tier_raises_agent_and_dependency_findings() {
        let cfg = Config::default();
        let fs = vec![
            Finding::new(
                "test-skipped",
                Kind::Agent,
                Severity::Yellow,
                "t.py",
                Some(1),
                "m",
            )
            .with_fingerprint("a", 0),
            Finding::new(
                "new-dependency",
                Kind::Dependency,
                Severity::Info,
                "Cargo.toml",
                Some(3),
                "m",
            )
            .with_fingerprint("b", 0),
            Finding::new(
                "python-eval",
                Kind::Code,
                Severity::Yellow,
                "a.py",
                Some(2),
                "m",
            )
            .with_fingerprint("c", 0),
            Finding::new(
                "ci-workflow-edited",
                Kind::Agent,
                Severity::Info,
                ".github/workflows/ci.yml",
                Some(3),
                "m",
            )
            .with_fingerprint("d", 0),
        ];
        let d = Policy::new(&cfg, time::macros::date!(2026 - 01 - 01))
            .agent_written(true)
            .decide(fs);
        let by = |rule: &str| d.findings.iter().find(|f| f.rule == rule).unwrap().clone();
        let fs = [
            by("test-skipped"),
            by("new-dependency"),
            by("python-eval"),
            by("ci-workflow-edited"),
        ];
        let notes = d.notes;
        assert_eq!(
            fs[3].severity,
            Severity::Yellow,
            "info agent findings need a look"
        );
        assert_eq!(fs[0].severity, Severity::Red);
        assert_eq!(fs[1].severity, Severity::Yellow);
        assert_eq!(
            fs[1].review.as_ref().map(|r| r.state),
            Some(ReviewState::Pending)
        );
        assert_eq!(fs[2].severity, Severity::Yellow);
        assert!(notes[0].contains("raised 3"));
    }
}
