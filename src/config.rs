//! `.guardrail.yml`: the project's policy, read from the **base** revision so a change cannot
//! loosen its own gate. Unknown keys are errors with file and line; every ignore needs a reason
//! and an expiry date.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::finding::Severity;

/// The default config file name, at the repository root.
pub const FILE_NAME: &str = ".guardrail.yml";

/// Reads a config file given on the command line: only a regular file (a FIFO, a device or a
/// directory would block or never end), at most 16 MiB.
pub fn read_file(p: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
    if !meta.is_file() {
        return Err(Error::parse(
            p,
            None,
            "not a regular file (a FIFO, device or directory cannot be a config)",
        ));
    }
    const MAX: u64 = 16 * 1024 * 1024;
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(p, e))?;
    if bytes.len() as u64 > MAX {
        return Err(Error::Limit {
            path: p.to_owned(),
            message: format!("a config file over {MAX} bytes"),
        });
    }
    Ok(bytes)
}

/// Parses YAML into `T`, turning serde-saphyr's error into a one-line [`Error::Parse`] with the
/// line number.
pub(crate) fn from_yaml<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    serde_saphyr::from_str::<T>(text).map_err(|e| yaml_error(&e, path))
}

/// One-line error from a serde-saphyr error.
pub(crate) fn yaml_error(e: &serde_saphyr::Error, path: &Path) -> Error {
    let line = e.location().map(|l| l.line() as usize).filter(|&l| l > 0);
    let rendered = e.to_string();
    // The rendered error may carry a snippet; keep the first meaningful line of the message.
    let msg = rendered
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid YAML")
        .trim_start_matches("error: ")
        .to_owned();
    let msg = strip_location_suffix(&msg);
    Error::parse(path, line, msg)
}

fn strip_location_suffix(msg: &str) -> String {
    // "line 3 column 5: …" / "… at line 3 column 5" are redundant once the line is in the prefix.
    static LOC: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    match LOC.get_or_init(|| regex::Regex::new(r"^line \d+ column \d+:\s*").ok()) {
        Some(re) => re.replace(msg, "").into_owned(),
        None => msg.to_owned(),
    }
}

/// Decodes bytes as UTF-8 or fails naming the file and line of the first bad byte.
pub(crate) fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::parse(path, Some(line), "not valid UTF-8")
    })
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Config format version (1).
    pub version: Option<u32>,
    /// Severity overrides: rule id (or `kind:<kind>`) → `red|yellow|info|off`.
    pub severity: BTreeMap<String, SeverityOverride>,
    /// Path globs never checked (vendored code, generated files).
    pub(crate) exclude: Vec<String>,
    /// Findings hidden on purpose, each with a reason and an expiry.
    pub(crate) ignore: Vec<Ignore>,
    /// Rule selection.
    pub rules: RulesConfig,
    /// Input size limits.
    pub(crate) limits: Limits,
    /// Dependency and advisory settings.
    pub dependencies: DependenciesConfig,
    /// Typosquat settings.
    pub(crate) typosquat: TyposquatConfig,
    /// Who may decide on yellow findings, and how agent changes are treated.
    pub(crate) review: ReviewConfig,
    /// Audit ledger settings.
    pub(crate) ledger: LedgerConfig,
    /// Generated and vendored files.
    pub(crate) generated: GeneratedConfig,
}

/// Generated and vendored files (see `checks::generated` for the built-in list).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct GeneratedConfig {
    /// Skip the agent rules (new suppressions, skipped tests) on generated files.
    pub(crate) skip_agent_rules: bool,
    /// Extra path globs of generated or vendored files.
    pub(crate) paths: Vec<String>,
}

impl Default for GeneratedConfig {
    fn default() -> Self {
        GeneratedConfig {
            skip_agent_rules: true,
            paths: Vec::new(),
        }
    }
}

/// A severity override value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityOverride {
    /// Block.
    Red,
    /// Needs review.
    Yellow,
    /// Informational.
    Info,
    /// Rule disabled.
    Off,
}

impl SeverityOverride {
    /// The severity, or None for `off`.
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            SeverityOverride::Red => Some(Severity::Red),
            SeverityOverride::Yellow => Some(Severity::Yellow),
            SeverityOverride::Info => Some(Severity::Info),
            SeverityOverride::Off => None,
        }
    }
}

/// One ignore entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Ignore {
    /// Rule id or advisory id (any alias).
    pub(crate) rule: Option<String>,
    /// Finding fingerprint.
    pub(crate) fingerprint: Option<String>,
    /// Path glob the ignore is limited to.
    pub(crate) path: Option<String>,
    /// `name` or `name@version` the ignore is limited to (dependency findings).
    pub(crate) package: Option<String>,
    /// Why this is acceptable.
    pub(crate) reason: String,
    /// Last day (UTC, `YYYY-MM-DD`) the ignore applies.
    pub(crate) expires: String,
}

/// Rule selection.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesConfig {
    /// Use the built-in packs.
    pub builtin: bool,
    /// Rule ids to disable.
    pub(crate) disable: Vec<String>,
    /// Extra rule directories (relative to the repository root, read at the base revision).
    pub(crate) extra: Vec<String>,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            builtin: true,
            disable: Vec::new(),
            extra: Vec::new(),
        }
    }
}

/// Input limits; over a limit is an error (exit 2), never a silent skip.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Limits {
    /// Largest added content per file, in bytes.
    pub(crate) max_file_bytes: u64,
    /// Largest diff, in bytes.
    pub(crate) max_diff_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_diff_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Dependency and advisory settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DependenciesConfig {
    /// Allowed npm registries (hosts or URL prefixes) for `resolved` URLs.
    pub(crate) npm_registries: Vec<String>,
    /// Allowed Python package indexes.
    pub(crate) pypi_indexes: Vec<String>,
    /// Warn when the advisory database is older than this many days.
    pub max_db_age_days: u32,
}

impl Default for DependenciesConfig {
    fn default() -> Self {
        DependenciesConfig {
            npm_registries: vec![
                "https://registry.npmjs.org/".into(),
                "https://registry.yarnpkg.com/".into(),
            ],
            pypi_indexes: vec![
                "https://pypi.org/simple".into(),
                "https://files.pythonhosted.org/".into(),
            ],
            max_db_age_days: 7,
        }
    }
}

/// Typosquat settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct TyposquatConfig {
    /// Legitimate look-alikes.
    pub(crate) allow: Vec<AllowedPackage>,
    /// Packages younger than this (days) are yellow (online mode).
    pub(crate) min_age_days: u32,
}

impl Default for TyposquatConfig {
    fn default() -> Self {
        TyposquatConfig {
            allow: Vec::new(),
            min_age_days: 30,
        }
    }
}

/// An allow-listed package name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct AllowedPackage {
    /// Ecosystem (`crates.io`, `npm`, `PyPI`, `Go`).
    pub(crate) ecosystem: String,
    /// Name.
    pub(crate) name: String,
    /// Why it is legitimate.
    #[allow(
        dead_code,
        reason = "the config requires the reason for the people who read it; guardrail does not"
    )]
    pub(crate) reason: String,
}

/// Review and provenance settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ReviewConfig {
    /// Coding agents: logins, commit author names or commit emails, each matched whole (see
    /// `review::provenance`). A change authored or co-authored by one gets the `agent` tier;
    /// none of them may decide. Setting the list replaces the defaults.
    pub(crate) agents: Vec<String>,
    /// Branch prefixes that mark an agent's change.
    pub(crate) agent_branch_prefixes: Vec<String>,
    /// PR/MR labels that mark an agent's change.
    pub(crate) agent_labels: Vec<String>,
    /// Minimum GitLab access level to decide (30 = Developer).
    pub(crate) gitlab_min_access_level: u32,
    /// Extra policy for changes detected as agent-written.
    pub(crate) agent: AgentTier,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            // Coding agents as they appear as PR authors, commit authors and
            // `Co-authored-by:` trailers. Dependency and CI bots are deliberately absent.
            agents: [
                "copilot-swe-agent[bot]",
                "Copilot",
                "devin-ai-integration[bot]",
                "codex",
                "chatgpt-codex-connector[bot]",
                "claude[bot]",
                "noreply@anthropic.com",
                "cursoragent@cursor.com",
                "Cursor Agent",
                "google-labs-jules[bot]",
                "sweep-ai[bot]",
                "noreply@aider.chat",
                "amazon-q-developer[bot]",
                "openhands@all-hands.dev",
                "gemini-code-assist[bot]",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            agent_branch_prefixes: vec![
                "codex/".into(),
                "copilot/".into(),
                "claude/".into(),
                "devin/".into(),
                "cursor/".into(),
            ],
            agent_labels: vec!["ai-generated".into(), "agent".into()],
            gitlab_min_access_level: 30,
            agent: AgentTier::default(),
        }
    }
}

/// Policy applied on top of the base policy when a change is agent-written.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct AgentTier {
    /// Every new dependency needs review.
    pub(crate) new_dependencies_yellow: bool,
    /// Agent-kind findings block.
    pub(crate) agent_findings_red: bool,
}

impl Default for AgentTier {
    fn default() -> Self {
        AgentTier {
            new_dependencies_yellow: true,
            agent_findings_red: true,
        }
    }
}

/// Ledger settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LedgerConfig {
    /// Origin line for signed checkpoints (default: derived from the repository).
    pub(crate) origin: Option<String>,
}

impl Config {
    /// Parses config text; `path` is used in errors.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Config> {
        let text = utf8(bytes, path)?;
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = from_yaml(text, path)?;
        cfg.validate(path, text)?;
        Ok(cfg)
    }

    fn validate(&self, path: &Path, text: &str) -> Result<()> {
        if let Some(v) = self.version {
            if v != 1 {
                return Err(Error::Config {
                    path: path.into(),
                    line: find_line(text, "version:"),
                    message: format!(
                        "unsupported config version {v} (this guardrail reads version 1)"
                    ),
                });
            }
        }
        for ig in &self.ignore {
            if ig.rule.is_none() && ig.fingerprint.is_none() {
                return Err(Error::Config {
                    path: path.into(),
                    line: find_line(text, &ig.reason),
                    message: "an ignore needs `rule` or `fingerprint`".into(),
                });
            }
            if ig.reason.trim().is_empty() {
                return Err(Error::Config {
                    path: path.into(),
                    line: find_line(text, "reason:"),
                    message: "an ignore needs a non-empty `reason`".into(),
                });
            }
            if parse_date(&ig.expires).is_none() {
                return Err(Error::Config {
                    path: path.into(),
                    line: find_line(text, &ig.expires),
                    message: format!(
                        "ignore `expires: {}` is not a date (YYYY-MM-DD)",
                        ig.expires
                    ),
                });
            }
        }
        for pat in self
            .exclude
            .iter()
            .chain(self.ignore.iter().filter_map(|i| i.path.as_ref()))
            .chain(self.generated.paths.iter())
        {
            if let Err(e) = globset::Glob::new(pat) {
                return Err(Error::Config {
                    path: path.into(),
                    line: find_line(text, pat),
                    message: format!("bad glob `{pat}`: {e}"),
                });
            }
        }
        Ok(())
    }
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).ok()
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_an_error_with_a_line() {
        let e = Config::parse(
            b"version: 1\nexclude: []\nbogus: true\n",
            Path::new(".guardrail.yml"),
        )
        .unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with(".guardrail.yml:3:"), "{s}");
        assert!(s.contains("bogus"), "{s}");
        assert!(!s.contains('\n'), "{s}");
    }

    #[test]
    fn ignores_need_reason_and_date() {
        let bad = b"ignore:\n  - rule: x\n    reason: because\n    expires: soon\n";
        let e = Config::parse(bad, Path::new("c.yml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a date"), "{e}");
        let missing = b"ignore:\n  - rule: x\n    expires: 2030-01-01\n";
        assert!(Config::parse(missing, Path::new("c.yml")).is_err());
        let ok = b"ignore:\n  - rule: x\n    reason: vendored\n    expires: 2030-01-01\n";
        let c = Config::parse(ok, Path::new("c.yml")).unwrap();
        assert_eq!(c.ignore[0].reason, "vendored");
    }

    #[test]
    fn empty_file_is_defaults_and_invalid_utf8_names_the_line() {
        assert!(
            Config::parse(b"", Path::new("c.yml"))
                .unwrap()
                .rules
                .builtin
        );
        let e = Config::parse(b"version: 1\nexclude: [\xff]\n", Path::new("c.yml")).unwrap_err();
        assert_eq!(e.to_string(), "c.yml:2: not valid UTF-8");
    }
}

/// The process environment as the edge (`cli`/`cmd`) read it. The library reads variables only
/// through this, so a run's inputs are explicit and tests build one instead of isolating the
/// process environment.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<OsString, OsString>,
}

static NO_ENV: Env = Env {
    vars: BTreeMap::new(),
};

impl Env {
    /// The empty environment.
    pub fn empty() -> &'static Env {
        &NO_ENV
    }

    /// An environment holding exactly these variables.
    pub fn from_pairs<K: Into<OsString>, V: Into<OsString>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// A variable's value, raw.
    pub fn var_os(&self, key: &str) -> Option<&OsStr> {
        self.vars.get(OsStr::new(key)).map(OsString::as_os_str)
    }

    /// A variable's value when it is set, valid UTF-8 and not empty.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.var_os(key)
            .and_then(OsStr::to_str)
            .filter(|v| !v.is_empty())
    }

    /// A copy with one more variable (tests and callers that override one value).
    pub fn with(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }
}

/// The config's `exclude` globs: paths no check reads. A glob without `/` also matches in any
/// directory (`*.min.js` is `**/*.min.js`).
#[derive(Debug, Clone)]
pub struct PathFilter {
    excludes: GlobSet,
}

impl PathFilter {
    /// The filter of `globs`; an invalid glob was already refused by [`Config::parse`].
    pub fn new(globs: &[String]) -> Self {
        let mut b = GlobSetBuilder::new();
        for p in globs {
            if let Ok(g) = Glob::new(p) {
                b.add(g);
            }
            if !p.contains('/') {
                if let Ok(g) = Glob::new(&format!("**/{p}")) {
                    b.add(g);
                }
            }
        }
        PathFilter {
            excludes: b.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    /// Whether `path` is excluded.
    pub fn excluded(&self, path: &str) -> bool {
        self.excludes.is_match(path)
    }
}
