//! Pure unified-diff parser: git diff text (bytes) in, [`ChangeSet`] out. No I/O.
//!
//! Handles multi-file git diffs with added, deleted, renamed and copied files, mode changes,
//! binary files (kept, flagged `binary`), `\ No newline at end of file`, CRLF, quoted and
//! non-UTF-8 paths, plain `diff -u` output, and empty input. Hunk counts are trusted to find the
//! end of a hunk, and checked: a hunk that ends early or overflows is an error with a line number.

use std::fmt;

use crate::error::Result;

/// One line of a file with its 1-based number (head numbering for added lines, base numbering
/// for removed lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// 1-based line number.
    pub(crate) no: u32,
    /// Text without the line terminator (a trailing `\r` is removed too).
    pub(crate) text: String,
}

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileStatus {
    /// New file.
    Added,
    /// Deleted file.
    Deleted,
    /// Content or mode changed.
    Modified,
    /// Renamed (possibly with changes).
    Renamed,
    /// Copied (possibly with changes).
    Copied,
}

/// A hunk header's ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hunk {
    /// First base line.
    pub(crate) old_start: u32,
    /// Base line count.
    pub(crate) old_len: u32,
    /// First head line.
    pub(crate) new_start: u32,
    /// Head line count.
    pub(crate) new_len: u32,
}

/// One file of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileChange {
    /// Path at the base (None for added files).
    pub(crate) old_path: Option<String>,
    /// Path at the head (None for deleted files).
    pub(crate) new_path: Option<String>,
    /// How it changed.
    pub(crate) status: FileStatus,
    /// Binary content: no lines.
    pub(crate) binary: bool,
    /// Old mode, when the diff shows it.
    pub(crate) old_mode: Option<String>,
    /// New mode, when the diff shows it.
    pub(crate) new_mode: Option<String>,
    /// Added lines, head numbering.
    pub(crate) added: Vec<Line>,
    /// Removed lines, base numbering.
    pub(crate) removed: Vec<Line>,
    /// Unchanged context lines the diff shows, head numbering (rules may look at them).
    pub(crate) context: Vec<Line>,
    /// The hunks, in order.
    pub(crate) hunks: Vec<Hunk>,
    /// Some content was not valid UTF-8 and was decoded lossily.
    pub(crate) lossy: bool,
    /// Bytes of added content (for size limits).
    pub(crate) added_bytes: u64,
}

impl FileChange {
    /// The head path, or the base path for deleted files.
    pub(crate) fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }

    fn empty() -> Self {
        FileChange {
            old_path: None,
            new_path: None,
            status: FileStatus::Modified,
            binary: false,
            old_mode: None,
            new_mode: None,
            added: Vec::new(),
            removed: Vec::new(),
            context: Vec::new(),
            hunks: Vec::new(),
            lossy: false,
            added_bytes: 0,
        }
    }
}

/// Read access to files at the base and head revisions.
pub(crate) trait Revisions: Sync {
    /// A file at the base revision (None: absent there, or no base known).
    fn base(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// A file at the head revision (None: absent there, or not available).
    fn head(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Every file path at the head and at the base revision (asked only when a change touches
    /// a file that might be included by a dependency file); empty when unknown.
    fn list(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// All files of a change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The files, in diff order.
    pub(crate) files: Vec<FileChange>,
}

impl ChangeSet {
    /// The file whose head path is `path`.
    pub(crate) fn file(&self, path: &str) -> Option<&FileChange> {
        self.files.iter().find(|f| f.path() == path)
    }
}

/// Whether a path is of a kind that is always text to the tools that use it (source code,
/// scripts, manifests, lockfiles, CI workflows, configuration): such a file is read as text even
/// when it holds a NUL byte or the repository's `.gitattributes` calls it binary, because the
/// interpreter, package manager or CI runner still reads it. Only other files may be skipped
/// as binary.
pub(crate) fn is_text_kind(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    const NAMES: &[&str] = &[
        "makefile",
        "gnumakefile",
        "dockerfile",
        "containerfile",
        "gemfile",
        "rakefile",
        "pipfile",
        "procfile",
        "jenkinsfile",
        "vagrantfile",
        "justfile",
        "build",
        "workspace",
        "go.mod",
        "go.sum",
        ".gitattributes",
        ".gitignore",
        ".gitmodules",
        ".npmrc",
        ".yarnrc",
        ".pypirc",
        ".bashrc",
        ".profile",
        ".envrc",
        ".env",
    ];
    const EXTS: &[&str] = &[
        "py",
        "pyi",
        "pyw",
        "pth",
        "ipynb",
        "js",
        "jsx",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "mts",
        "cts",
        "java",
        "kt",
        "kts",
        "go",
        "rs",
        "rb",
        "erb",
        "rake",
        "gemspec",
        "php",
        "phtml",
        "cs",
        "swift",
        "scala",
        "c",
        "h",
        "cc",
        "cpp",
        "cxx",
        "hpp",
        "hh",
        "m",
        "mm",
        "sh",
        "bash",
        "zsh",
        "fish",
        "ksh",
        "ps1",
        "psm1",
        "bat",
        "cmd",
        "pl",
        "pm",
        "lua",
        "r",
        "jl",
        "ex",
        "exs",
        "erl",
        "hs",
        "ml",
        "clj",
        "groovy",
        "gradle",
        "dart",
        "vue",
        "svelte",
        "html",
        "htm",
        "xml",
        "json",
        "jsonc",
        "json5",
        "yml",
        "yaml",
        "toml",
        "ini",
        "cfg",
        "conf",
        "txt",
        "in",
        "lock",
        "mod",
        "sum",
        "tf",
        "tfvars",
        "hcl",
        "sql",
        "mk",
        "dockerfile",
        "nix",
        "cmake",
        "properties",
        "md",
    ];
    if NAMES.contains(&name.as_str()) || name.starts_with("requirements") {
        return true;
    }
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTS.contains(&ext))
}

/// Why a diff could not be parsed; `line` is 1-based in the diff text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffError {
    /// 1-based line of the diff text.
    pub(crate) line: usize,
    /// What is wrong.
    pub(crate) message: String,
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DiffError {}

fn err(line: usize, message: impl Into<String>) -> DiffError {
    DiffError {
        line,
        message: message.into(),
    }
}

/// Splits into lines (without `\n`); a final line without a newline still counts.
fn split_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn decode(bytes: &[u8], lossy: &mut bool) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            *lossy = true;
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// Unquotes a git C-style quoted path (`"a/\303\244.txt"`); returns None when malformed.
fn unquote(s: &[u8]) -> Option<Vec<u8>> {
    let inner = s.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let next = *inner.get(i + 1)?;
        i += 2;
        match next {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'"' => out.push(b'"'),
            b'\\' => out.push(b'\\'),
            b'0'..=b'7' => {
                let digits = inner.get(i - 1..i + 2)?;
                let mut v: u32 = 0;
                for d in digits {
                    if !(b'0'..=b'7').contains(d) {
                        return None;
                    }
                    v = v * 8 + u32::from(d - b'0');
                }
                out.push(u8::try_from(v).ok()?);
                i += 2;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Parses a path token from `---`/`+++`/`rename from` style lines: quoted or plain; plain
/// paths end at a tab (timestamps of `diff -u`).
fn parse_path_token(raw: &[u8]) -> Option<String> {
    let raw = strip_cr(raw);
    let bytes = if raw.starts_with(b"\"") {
        unquote(raw)?
    } else {
        let end = raw.iter().position(|&b| b == b'\t').unwrap_or(raw.len());
        raw[..end].to_vec()
    };
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Strips git's `a/` / `b/` prefix; `/dev/null` becomes None.
fn side_path(p: &str, prefix: &str) -> Option<String> {
    if p == "/dev/null" {
        return None;
    }
    Some(p.strip_prefix(prefix).unwrap_or(p).to_owned())
}

/// Paths from `diff --git a/X b/Y` (used when there are no ---/+++ lines: binary, mode-only,
/// pure renames). Quoted or plain; for plain paths with spaces, split where both halves agree.
fn parse_git_header(rest: &[u8]) -> Option<(String, String)> {
    let rest = strip_cr(rest);
    if rest.starts_with(b"\"") {
        // Find the end of the first quoted token.
        let mut i = 1;
        while i < rest.len() {
            if rest[i] == b'\\' {
                i += 2;
                continue;
            }
            if rest[i] == b'"' {
                break;
            }
            i += 1;
        }
        let a = unquote(rest.get(..=i)?)?;
        let b_raw = rest.get(i + 1..)?.strip_prefix(b" ")?;
        let b = if b_raw.starts_with(b"\"") {
            unquote(b_raw)?
        } else {
            b_raw.to_vec()
        };
        return Some((
            String::from_utf8_lossy(&a).into_owned(),
            String::from_utf8_lossy(&b).into_owned(),
        ));
    }
    let s = String::from_utf8_lossy(rest).into_owned();
    if let Some(idx) = s.find(" \"") {
        let a = s[..idx].to_owned();
        let b = unquote(&s.as_bytes()[idx + 1..])?;
        return Some((a, String::from_utf8_lossy(&b).into_owned()));
    }
    // a/X b/X: try the split where both sides name the same path, else the middle " b/".
    let candidates: Vec<usize> = s.match_indices(" b/").map(|(i, _)| i).collect();
    for &i in &candidates {
        let (a, b) = (&s[..i], &s[i + 1..]);
        if a.strip_prefix("a/") == b.strip_prefix("b/") {
            return Some((a.to_owned(), b.to_owned()));
        }
    }
    let i = *candidates.first()?;
    Some((s[..i].to_owned(), s[i + 1..].to_owned()))
}

fn parse_range(s: &str) -> Option<(u32, u32)> {
    let (start, len) = match s.split_once(',') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => (s.parse().ok()?, 1),
    };
    Some((start, len))
}

/// Parses `@@ -a,b +c,d @@ ...`.
fn parse_hunk_header(line: &[u8]) -> Option<Hunk> {
    let s = std::str::from_utf8(strip_cr(line)).ok()?;
    let rest = s.strip_prefix("@@ -")?;
    let end = rest.find(" @@")?;
    let (old, new) = rest[..end].split_once(" +")?;
    let (old_start, old_len) = parse_range(old)?;
    let (new_start, new_len) = parse_range(new)?;
    Some(Hunk {
        old_start,
        old_len,
        new_start,
        new_len,
    })
}

/// Parses unified diff text into a [`ChangeSet`].
pub fn parse(input: &[u8]) -> Result<ChangeSet, DiffError> {
    if let Some(line) = lone_cr_headers(input) {
        return Err(err(
            line,
            "lines are separated by lone CR characters (classic Mac line endings): convert the diff to LF or CRLF line endings",
        ));
    }
    let lines = split_lines(input);
    let mut set = ChangeSet::default();
    let mut cur: Option<FileChange> = None;
    let mut i = 0;
    let mut saw_any_header = false;

    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i];
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            if let Some(f) = cur.take() {
                set.files.push(f);
            }
            saw_any_header = true;
            let mut f = FileChange::empty();
            if let Some((a, b)) = parse_git_header(rest) {
                f.old_path = side_path(&a, "a/");
                f.new_path = side_path(&b, "b/");
            } else {
                return Err(err(lineno, "malformed `diff --git` header"));
            }
            cur = Some(f);
            i += 1;
            continue;
        }
        if line.starts_with(b"--- ")
            && lines
                .get(i + 1)
                .is_some_and(|next| next.starts_with(b"+++ "))
        {
            saw_any_header = true;
            let old =
                parse_path_token(&line[4..]).ok_or_else(|| err(lineno, "malformed --- path"))?;
            let new = parse_path_token(&lines[i + 1][4..])
                .ok_or_else(|| err(lineno + 1, "malformed +++ path"))?;
            let f = match cur.as_mut() {
                // The ---/+++ pair belongs to the current git file unless it already had hunks.
                Some(f) if f.hunks.is_empty() && !f.binary => f,
                _ => {
                    if let Some(done) = cur.take() {
                        set.files.push(done);
                    }
                    cur.insert(FileChange::empty())
                }
            };
            f.old_path = side_path(&old, "a/");
            f.new_path = side_path(&new, "b/");
            if f.old_path.is_none() {
                f.status = FileStatus::Added;
            }
            if f.new_path.is_none() {
                f.status = FileStatus::Deleted;
            }
            i += 2;
            continue;
        }
        if line.starts_with(b"@@ ") {
            let hunk =
                parse_hunk_header(line).ok_or_else(|| err(lineno, "malformed hunk header"))?;
            let f = cur
                .as_mut()
                .ok_or_else(|| err(lineno, "hunk before any file header"))?;
            i = parse_hunk_body(&lines, i + 1, hunk, f)?;
            f.hunks.push(hunk);
            continue;
        }
        if let Some(f) = cur.as_mut() {
            if f.hunks.is_empty() {
                let l = strip_cr(line);
                if let Some(m) = l.strip_prefix(b"new file mode ") {
                    f.status = FileStatus::Added;
                    f.new_mode = Some(String::from_utf8_lossy(m).into_owned());
                    f.old_path = None;
                } else if let Some(m) = l.strip_prefix(b"deleted file mode ") {
                    f.status = FileStatus::Deleted;
                    f.old_mode = Some(String::from_utf8_lossy(m).into_owned());
                    f.new_path = None;
                } else if let Some(m) = l.strip_prefix(b"old mode ") {
                    f.old_mode = Some(String::from_utf8_lossy(m).into_owned());
                } else if let Some(m) = l.strip_prefix(b"new mode ") {
                    f.new_mode = Some(String::from_utf8_lossy(m).into_owned());
                } else if let Some(p) = l.strip_prefix(b"rename from ") {
                    f.status = FileStatus::Renamed;
                    f.old_path = parse_path_token(p);
                } else if let Some(p) = l.strip_prefix(b"rename to ") {
                    f.status = FileStatus::Renamed;
                    f.new_path = parse_path_token(p);
                } else if let Some(p) = l.strip_prefix(b"copy from ") {
                    f.status = FileStatus::Copied;
                    f.old_path = parse_path_token(p);
                } else if let Some(p) = l.strip_prefix(b"copy to ") {
                    f.status = FileStatus::Copied;
                    f.new_path = parse_path_token(p);
                } else if l.starts_with(b"Binary files ") || l == b"GIT binary patch" {
                    f.binary = true;
                    if l.starts_with(b"Binary files /dev/null and ") {
                        f.status = FileStatus::Added;
                        f.old_path = None;
                    } else if l.starts_with(b"Binary files ")
                        && l.ends_with(b" and /dev/null differ")
                    {
                        f.status = FileStatus::Deleted;
                        f.new_path = None;
                    }
                    if l == b"GIT binary patch" {
                        // Skip the base85 payload up to the next file.
                        i += 1;
                        while i < lines.len() && !lines[i].starts_with(b"diff --git ") {
                            i += 1;
                        }
                        continue;
                    }
                }
                // `index …`, `similarity index …` and other headers carry nothing we need.
                i += 1;
                continue;
            }
            if strip_cr(line).is_empty() {
                i += 1;
                continue;
            }
            return Err(err(
                lineno,
                "unexpected line after a hunk: the hunk's line counts do not match its content",
            ));
        }
        // Preamble (commit message in `git format-patch`, text before the first header).
        i += 1;
    }
    if let Some(f) = cur.take() {
        set.files.push(f);
    }
    if !saw_any_header && lines.iter().any(|l| !strip_cr(l).is_empty()) {
        return Err(err(
            1,
            "not a unified diff: no `diff --git` or `---`/`+++` header found",
        ));
    }
    Ok(set)
}

/// The 1-based line of the first diff header (`diff --git`, `---`/`+++`, `@@`) that follows a
/// lone `\r` instead of a newline: such a diff would otherwise read as one long line, an
/// empty change.
fn lone_cr_headers(input: &[u8]) -> Option<usize> {
    const HEADS: [&[u8]; 4] = [b"\rdiff --git ", b"\r--- ", b"\r+++ ", b"\r@@ -"];
    let at = memchr::memmem::find_iter(input, b"\r").find(|&i| {
        HEADS
            .iter()
            .any(|h| input[i..].starts_with(h) && input.get(i + 1) != Some(&b'\n'))
    })?;
    Some(input[..at].iter().filter(|&&b| b == b'\n').count() + 1)
}

/// Reads the body of one hunk starting at `start`; returns the index after it.
fn parse_hunk_body(
    lines: &[&[u8]],
    start: usize,
    hunk: Hunk,
    f: &mut FileChange,
) -> Result<usize, DiffError> {
    let mut old_left = hunk.old_len;
    let mut new_left = hunk.new_len;
    let mut old_no = hunk.old_start;
    let mut new_no = hunk.new_start;
    let mut i = start;
    while old_left > 0 || new_left > 0 {
        let Some(&raw) = lines.get(i) else {
            return Err(err(
                i,
                format!(
                    "diff ends inside a hunk: {old_left} base and {new_left} head lines missing (truncated or counts lie)"
                ),
            ));
        };
        let lineno = i + 1;
        let line = strip_cr(raw);
        match line.first() {
            Some(b'+') => {
                if new_left == 0 {
                    return Err(err(lineno, "more added lines than the hunk header counts"));
                }
                // The file's bytes: the content and its line ending (the `+` stands in for
                // the `\n`), so many short lines count as much as one long one.
                f.added_bytes += raw.len() as u64;
                f.added.push(Line {
                    no: new_no,
                    text: decode(&line[1..], &mut f.lossy),
                });
                new_no = new_no.saturating_add(1);
                new_left -= 1;
            }
            Some(b'-') => {
                if old_left == 0 {
                    return Err(err(lineno, "more removed lines than the hunk header counts"));
                }
                f.removed.push(Line {
                    no: old_no,
                    text: decode(&line[1..], &mut f.lossy),
                });
                old_no = old_no.saturating_add(1);
                old_left -= 1;
            }
            Some(b' ') | None => {
                if old_left == 0 || new_left == 0 {
                    return Err(err(lineno, "more context lines than the hunk header counts"));
                }
                f.context.push(Line {
                    no: new_no,
                    text: decode(line.get(1..).unwrap_or_default(), &mut f.lossy),
                });
                old_no = old_no.saturating_add(1);
                new_no = new_no.saturating_add(1);
                old_left -= 1;
                new_left -= 1;
            }
            Some(b'\\') => {}
            Some(_) => {
                return Err(err(
                    lineno,
                    format!(
                        "hunk ends early: {old_left} base and {new_left} head lines missing (truncated or counts lie)"
                    ),
                ))
            }
        }
        i += 1;
    }
    // `\ No newline at end of file` after the last line of the hunk.
    while lines.get(i).is_some_and(|l| l.starts_with(b"\\")) {
        i += 1;
    }
    Ok(i)
}

#[cfg(test)]
mod tests;
