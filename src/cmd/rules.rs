//! `guardrail rules …`: fixture tests, the rule list (and `docs/rules.md`), one rule's docs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use guardrail::cli::rules::{
    ExplainArgs, ListArgs, ListFormat, RuleSelection, RulesCommand, TestArgs, TestFormat,
};
use guardrail::config::{self, Config};
use guardrail::rules::test::{self as ruletest, TestReport};
use guardrail::rules::{Rule, RuleSet};

use super::{emit_stdout, Ui};

pub(crate) fn run(cmd: &RulesCommand, cwd: PathBuf, _ui: &Ui) -> anyhow::Result<i32> {
    match cmd {
        RulesCommand::Test(a) => test(a, &cwd),
        RulesCommand::List(a) => list(a, &cwd),
        RulesCommand::Explain(a) => explain(a, &cwd),
    }
}

fn test(args: &TestArgs, cwd: &Path) -> anyhow::Result<i32> {
    let files = match &args.dir {
        Some(d) => {
            let d = if d.is_absolute() {
                d.clone()
            } else {
                cwd.join(d)
            };
            let files = ruletest::dir_files(&d)?;
            if files.is_empty() {
                anyhow::bail!("{}: no rule files (*.yaml, *.yml) found", d.display());
            }
            files
        }
        None => ruletest::builtin_files(),
    };
    // Show paths relative to where the user ran the command.
    let files: Vec<_> = files
        .into_iter()
        .map(|mut f| {
            f.source.path = relative(&f.source.path, cwd);
            for fx in &mut f.fixtures {
                fx.path = relative(&fx.path, cwd);
            }
            f
        })
        .collect();
    let report = ruletest::run(&files);
    let out = match args.format {
        TestFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        TestFormat::Text => render_test(&report),
    };
    emit_stdout(out.as_bytes())?;
    Ok(if report.passed() { 0 } else { 1 })
}

fn relative(p: &Path, cwd: &Path) -> PathBuf {
    p.strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

fn render_test(r: &TestReport) -> String {
    let mut s = String::new();
    for f in &r.files {
        let fx: Vec<&str> = f
            .fixtures
            .iter()
            .map(|p| p.rsplit('/').next().unwrap_or(p))
            .collect();
        let _ = writeln!(
            s,
            "{}  (fixtures: {})",
            f.path,
            if fx.is_empty() {
                "none".to_owned()
            } else {
                fx.join(", ")
            }
        );
        if let Some(e) = &f.error {
            let _ = writeln!(s, "  ERROR {e}\n");
            continue;
        }
        let w = f.rules.iter().map(|x| x.id.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            s,
            "  {:<w$}  {:>8} {:>7} {:>6} {:>4} {:>4}  result",
            "rule", "expected", "matched", "missed", "fp", "todo"
        );
        for x in &f.rules {
            let _ = writeln!(
                s,
                "  {:<w$}  {:>8} {:>7} {:>6} {:>4} {:>4}  {}",
                x.id,
                x.expected,
                x.matched,
                x.missed.len(),
                x.false_positives.len(),
                x.todo,
                if x.passed() { "ok" } else { "FAIL" }
            );
            for m in &x.missed {
                let _ = writeln!(
                    s,
                    "      missed: {}:{} (ruleid: expected a match)",
                    m.path, m.line
                );
            }
            for m in &x.false_positives {
                let _ = writeln!(
                    s,
                    "      false positive: {}:{} (matched without ruleid)",
                    m.path, m.line
                );
            }
            for m in &x.todo_fixed {
                let _ = writeln!(
                    s,
                    "      todo now holds: {}:{} (turn it into ruleid/ok)",
                    m.path, m.line
                );
            }
        }
        s.push('\n');
    }
    if !r.problems.is_empty() {
        let _ = writeln!(s, "problems:");
        for p in &r.problems {
            let at = p.line.map(|l| format!(":{l}")).unwrap_or_default();
            let rule = p
                .rule
                .as_deref()
                .map(|x| format!(" rule `{x}`:"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {}{at}:{rule} {}", p.path, p.message);
        }
        s.push('\n');
    }
    let langs: Vec<String> = r
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let _ = writeln!(
        s,
        "{} rule files, {} rules ({}); {} failing, {} problems: {}",
        r.files.len(),
        r.rule_count,
        langs.join(", "),
        r.mismatches(),
        r.problems.len(),
        if r.passed() { "PASS" } else { "FAIL" }
    );
    s
}

/// The rules in force for `rules list` / `explain`: built-in packs, the config's extra
/// directories (read from disk here), `--rules`, minus `rules.disable`.
fn rules_in_force(sel: &RuleSelection, cwd: &Path) -> anyhow::Result<RuleSet> {
    let cfg_path = match &sel.config {
        Some(p) => Some(if p.is_absolute() {
            p.clone()
        } else {
            cwd.join(p)
        }),
        None => Some(cwd.join(config::FILE_NAME)).filter(|p| p.is_file()),
    };
    let mut cfg = match cfg_path {
        Some(p) => {
            let bytes = std::fs::read(&p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            Config::parse(&bytes, &p)?
        }
        None => Config::default(),
    };
    if sel.no_builtin {
        cfg.rules.builtin = false;
    }
    let extra: Vec<PathBuf> = sel
        .rules
        .iter()
        .map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            }
        })
        .collect();
    Ok(guardrail::pipeline::load_rules(
        &cfg, &extra, None, None, cwd,
    )?)
}

fn list(args: &ListArgs, cwd: &Path) -> anyhow::Result<i32> {
    let set = rules_in_force(&args.select, cwd)?;
    let out = match args.format {
        ListFormat::Markdown => markdown(&set),
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = set
                .rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "languages": r.languages,
                        "severity": r.severity.as_str(),
                        "kind": r.kind.as_str(),
                        "cwe": r.cwe,
                        "owasp": r.owasp,
                        "source": r.source.display().to_string(),
                        "line": r.line,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&rows)?;
            s.push('\n');
            s
        }
        ListFormat::Text => text_table(&set),
    };
    emit_stdout(out.as_bytes())?;
    Ok(0)
}

fn row(r: &Rule) -> [String; 6] {
    [
        r.id.clone(),
        r.languages.join(", "),
        r.severity.as_str().to_owned(),
        r.kind.as_str().to_owned(),
        r.cwe.join(", "),
        r.owasp.join(", "),
    ]
}

const HEADER: [&str; 6] = ["id", "languages", "severity", "kind", "CWE", "OWASP"];

fn text_table(set: &RuleSet) -> String {
    let rows: Vec<[String; 6]> = set.rules().iter().map(row).collect();
    let mut w = HEADER.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let mut s = String::new();
    let line = |cells: [&str; 6], s: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let _ = write!(l, "{:<width$}  ", c, width = w[i]);
        }
        let _ = writeln!(s, "{}", l.trim_end());
    };
    line(HEADER, &mut s);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]], &mut s);
    }
    let _ = writeln!(s, "\n{} rules", rows.len());
    s
}

/// `docs/rules.md`: generated, so a test can keep it in sync.
pub(crate) fn markdown(set: &RuleSet) -> String {
    let mut s = String::new();
    s.push_str("# Rules\n\n");
    s.push_str(
        "<!-- Generated by `guardrail rules list --format markdown`; do not edit by hand. -->\n\n",
    );
    let _ = writeln!(
        s,
        "{} built-in rules. `guardrail rules explain ID` shows a rule's message, references and an example.\n",
        set.rules().len()
    );
    s.push_str("| id | languages | severity | kind | CWE | OWASP |\n");
    s.push_str("|---|---|---|---|---|---|\n");
    for r in set.rules() {
        let cells = row(r).map(|c| c.replace('|', "\\|"));
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} |",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
        );
    }
    s
}

fn explain(args: &ExplainArgs, cwd: &Path) -> anyhow::Result<i32> {
    let set = rules_in_force(&args.select, cwd)?;
    let Some(r) = set.get(&args.id) else {
        let close: Vec<&str> = set
            .rules()
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| id.contains(args.id.as_str()) || args.id.contains(*id))
            .take(5)
            .collect();
        let hint = if close.is_empty() {
            " (see `guardrail rules list`)".to_owned()
        } else {
            format!(" (did you mean: {}?)", close.join(", "))
        };
        anyhow::bail!("no rule with id `{}`{hint}", args.id);
    };
    let mut s = String::new();
    let _ = writeln!(s, "{}", r.id);
    let _ = writeln!(
        s,
        "  severity: {}   kind: {}   languages: {}",
        r.severity.as_str(),
        r.kind.as_str(),
        r.languages.join(", ")
    );
    if !r.cwe.is_empty() {
        let _ = writeln!(s, "  CWE: {}", r.cwe.join(", "));
    }
    if !r.owasp.is_empty() {
        let _ = writeln!(s, "  OWASP: {}", r.owasp.join(", "));
    }
    if let Some(c) = &r.confidence {
        let _ = writeln!(s, "  confidence: {c}");
    }
    let _ = writeln!(s, "  defined at: {}:{}", r.source.display(), r.line);
    let _ = writeln!(s, "\n{}\n", wrap(&r.message, 96));
    if !r.references.is_empty() {
        let _ = writeln!(s, "References:");
        for u in &r.references {
            let _ = writeln!(s, "  - {u}");
        }
        s.push('\n');
    }
    match ruletest::example(r) {
        Some((path, line, text)) => {
            let _ = writeln!(s, "Example ({}:{line}):\n    {text}", path.display());
        }
        None => {
            let _ = writeln!(
                s,
                "Example: none (no fixture with a `ruleid: {}` line)",
                r.id
            );
        }
    }
    emit_stdout(s.as_bytes())?;
    Ok(0)
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for w in text.split_whitespace() {
        if len > 0 && len + 1 + w.len() > width {
            out.push('\n');
            len = 0;
        } else if len > 0 {
            out.push(' ');
            len += 1;
        }
        out.push_str(w);
        len += w.len();
    }
    out
}
