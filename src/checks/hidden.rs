//! Text that reads one way to a reviewer or a pattern and another way to the machine that runs
//! it, in added lines of every language:
//!
//! - **Bidirectional control characters** (Trojan Source, CVE-2021-42574): U+202A–U+202E and
//!   U+2066–U+2069 reorder how a line is displayed, so code can look commented out or inside a
//!   string while it runs. Red: no legitimate source line needs them raw (an escape such as
//!   `\u202e` is plain ASCII and is not flagged).
//! - **Identifiers that NFKC-fold to ASCII** in languages that normalise identifiers (Python
//!   applies NFKC: `ｅｖａｌ(x)` and `𝐞𝐯𝐚𝐥(x)` call `eval`). The code rules already match the
//!   folded text ([`nfkc_applies`]); this names the disguise itself. Yellow.
//! - **NUL bytes in a file of a text kind** ([`crate::diff::is_text_kind`]): git calls such a
//!   file binary and many tools skip it, while node, pip or the shell still read it. The file is
//!   read as text anyway; the NUL is reported. Yellow.

use unicode_normalization::UnicodeNormalization;

use crate::checks::{Check, Context, Lane};
use crate::diff::{is_text_kind, FileStatus};
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// Reports bidi controls, folding identifiers and NUL bytes in added lines.
pub(crate) struct HiddenText;

/// Files no interpreter runs: data and prose, where bidi controls are legitimate content (URL
/// test vectors, right-to-left translations).
fn is_data_or_prose(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [
        ".json", ".jsonl", ".csv", ".tsv", ".txt", ".md", ".rst", ".po", ".pot", ".xliff",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// Whether `c` is a bidirectional embedding, override or isolate control.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the language of `path` applies NFKC to identifiers before running the code (so the
/// code rules must see the folded text). Python does (PEP 3131), also in notebooks.
pub(crate) fn nfkc_applies(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".py", ".pyi", ".pyw", ".ipynb"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// `line` folded the way Python folds identifiers (NFKC), when that changes it; None when the
/// line is unchanged by it (every ASCII line).
pub(crate) fn nfkc_line(line: &str) -> Option<String> {
    if line.is_ascii() {
        return None;
    }
    let folded: String = line.nfkc().collect();
    (folded != line).then_some(folded)
}

/// The first identifier of `line` written with non-ASCII characters that NFKC folds to an
/// ASCII identifier, with its folded spelling; identifiers inside a `#` comment or a quoted
/// string are left alone (full-width text in prose is ordinary).
fn folding_identifier(line: &str) -> Option<(String, String)> {
    if line.is_ascii() {
        return None;
    }
    let mut quote: Option<char> = None;
    let mut token = String::new();
    let mut found = None;
    let flush = |token: &mut String, found: &mut Option<(String, String)>| {
        if found.is_none() && !token.is_ascii() {
            let folded: String = token.nfkc().collect();
            if folded.is_ascii()
                && folded
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            {
                *found = Some((token.clone(), folded));
            }
        }
        token.clear();
    };
    for c in line.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            token.push(c);
            continue;
        }
        if !c.is_ascii() && !c.is_whitespace() {
            let folded: String = c.to_string().nfkc().collect();
            if folded.chars().all(|f| f.is_alphanumeric() || f == '_') {
                token.push(c);
                continue;
            }
        }
        flush(&mut token, &mut found);
        match c {
            '#' => break,
            '"' | '\'' => quote = Some(c),
            _ => {}
        }
    }
    flush(&mut token, &mut found);
    found
}

/// Shows invisible characters as code points, so the message itself hides nothing.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi_control(c) || c == '\0' {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

impl Check for HiddenText {
    fn name(&self) -> &'static str {
        "hidden-text"
    }

    fn lane(&self) -> Lane {
        Lane::Change
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for f in &ctx.changes.files {
            if f.binary || f.status == FileStatus::Deleted {
                continue;
            }
            let path = f.path();
            let mut nul_seen = false;
            let nfkc = nfkc_applies(path);
            for l in &f.added {
                if let Some(c) = l.text.chars().find(|c| is_bidi_control(*c)) {
                    let msg = format!(
                        "Bidirectional control character U+{:04X} in an added line (Trojan Source, CVE-2021-42574): it reorders how the line is displayed, so what a reviewer reads is not what runs. Remove it, or write it as an escape (`\\u{:04x}`) inside a string.",
                        u32::from(c),
                        u32::from(c)
                    );
                    // In code, what the reviewer reads is not what runs: red. In data and prose
                    // (test vectors, translations) the controls are content; a human still looks.
                    let severity = if is_data_or_prose(path) {
                        Severity::Yellow
                    } else {
                        Severity::Red
                    };
                    let mut fd = Finding::new(
                        "bidi-control-character",
                        Kind::Code,
                        severity,
                        path,
                        Some(l.no),
                        msg,
                    );
                    fd.cwe = vec!["CWE-94".into(), "CWE-451".into()];
                    fd.snippet = Some(visible(&l.text));
                    out.push(fd.with_fingerprint(&visible(l.text.trim()), 0));
                }
                if nfkc {
                    if let Some((written, folded)) = folding_identifier(&l.text) {
                        let msg = format!(
                            "The identifier `{written}` is written in look-alike letters that Python folds (NFKC) to `{folded}`: it runs as `{folded}` while reading as something else, and plain-text search misses it. Write it as `{folded}`."
                        );
                        let mut fd = Finding::new(
                            "identifier-folds-to-ascii",
                            Kind::Agent,
                            Severity::Yellow,
                            path,
                            Some(l.no),
                            msg,
                        );
                        fd.cwe = vec!["CWE-1007".into()];
                        fd.snippet = Some(l.text.clone());
                        out.push(fd.with_fingerprint(l.text.trim(), 0));
                    }
                }
                if !nul_seen && l.text.contains('\0') && is_text_kind(path) {
                    nul_seen = true;
                    let msg = format!(
                        "This change puts a NUL byte into `{path}`, a file its tools read as text: git and many scanners then call it binary and skip it, while the interpreter or package manager still reads it. It was read as text here; remove the NUL byte."
                    );
                    let mut fd = Finding::new(
                        "nul-byte-in-source",
                        Kind::Agent,
                        Severity::Yellow,
                        path,
                        Some(l.no),
                        msg,
                    );
                    fd.cwe = vec!["CWE-693".into()];
                    fd.snippet = Some(visible(&l.text));
                    out.push(fd.with_fingerprint(&format!("nul:{path}"), 0));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_and_folding_identifiers_are_recognised() {
        assert!(is_data_or_prose("tests/models/whatwg.json"));
        assert!(is_data_or_prose("locale/ar.po"));
        assert!(!is_data_or_prose("src/main.rs"));
        assert!(!is_data_or_prose("app.py"));
        assert!(is_bidi_control('\u{202E}'));
        assert!(is_bidi_control('\u{2067}'));
        assert!(!is_bidi_control('a'));
        let (w, f) = folding_identifier("ｓｕｂｐｒｏｃｅｓｓ.run(c, ｓｈｅｌｌ=True)").unwrap();
        assert_eq!(
            (w.as_str(), f.as_str()),
            ("ｓｕｂｐｒｏｃｅｓｓ", "subprocess")
        );
        assert_eq!(folding_identifier("𝐞𝐯𝐚𝐥(x)").unwrap().1, "eval");
        // Prose in comments and strings, and real non-Latin identifiers, are left alone.
        assert!(folding_identifier("x = 1  # ＡＢＣ").is_none());
        assert!(folding_identifier("msg = \"ＡＢＣ\"").is_none());
        assert!(folding_identifier("größe = 3").is_none());
        assert!(folding_identifier("plain = ascii").is_none());
        assert_eq!(nfkc_line("ｅｖａｌ(x)").as_deref(), Some("eval(x)"));
        assert!(nfkc_line("eval(x)").is_none());
    }
}
