//! The dependency stage: before any check that reads dependency data runs, every manifest and
//! lockfile the change touches is parsed at base and head (with the files requirements files
//! include, whatever their names), and the dependency diff is computed once. Checks get the
//! result as plain data ([`Dependencies`]).

use std::collections::HashSet;
use std::path::PathBuf;

use super::{
    base_fragment, diff_entries, head_fragment, install, parse, requirements, utf8, DepChange,
    Entry, FileDeps, Format, Text,
};
use crate::config::PathFilter;
use crate::diff::{ChangeSet, FileChange, Revisions};
use crate::error::{Error, Result};

/// What the dependency stage reads: the change, the files at both revisions, the path filter.
#[derive(Clone, Copy)]
pub(crate) struct StageInput<'a> {
    /// The change.
    pub(crate) changes: &'a ChangeSet,
    /// File access at base and head; None for a plain diff (then only the diff's lines count).
    pub(crate) revs: Option<&'a dyn Revisions>,
    /// Paths no check reads (the config's `exclude`).
    pub(crate) filter: &'a PathFilter,
    /// `limits.max-file-bytes`.
    pub(crate) max_file_bytes: u64,
}

/// The dependency data of a change, computed once before any check that needs it runs and
/// handed to the checks as plain data.
#[derive(Debug, Default)]
pub(crate) struct Dependencies {
    /// Every dependency file the change touches, parsed at base and head.
    pub(crate) files: Vec<FileDeps>,
    /// What the change does to its dependencies (manifests, lockfiles, install commands).
    pub(crate) changes: Vec<DepChange>,
    /// Things to tell the user (an include that names a missing file, …).
    pub(crate) notes: Vec<String>,
}

/// The dependency stage: parses the change's dependency files and diffs them.
pub(crate) fn stage(input: StageInput<'_>) -> Result<Dependencies> {
    let _t = tracing::debug_span!("deps::stage").entered();
    let mut notes = Vec::new();
    let included = included_requirements(input)?;
    let files = file_deps(input, &included, &mut notes)?;
    let changes = collect(input.changes, &files);
    Ok(Dependencies {
        files,
        changes,
        notes,
    })
}

/// Parses every manifest and lockfile the change touches, at base and head.
fn file_deps(
    input: StageInput<'_>,
    included: &HashSet<String>,
    notes: &mut Vec<String>,
) -> Result<Vec<FileDeps>> {
    let mut out = Vec::new();
    // Excluded paths (vendored code, test fixtures of broken lockfiles) are not read at all.
    let policy = input.filter;
    for f in &input.changes.files {
        let path = f.path();
        let Some(format) =
            Format::of(path).or_else(|| included.contains(path).then_some(Format::Requirements))
        else {
            continue;
        };
        if f.binary || policy.excluded(path) {
            continue;
        }
        let head_path = f.new_path.as_deref();
        let base_path = f.old_path.as_deref();
        match input.revs {
            Some(revs) => {
                let head_bytes = match head_path {
                    Some(p) => revs.head(p)?,
                    None => None,
                };
                let base_bytes = match base_path {
                    Some(p) => revs.base(p)?,
                    None => None,
                };
                let limit = input.max_file_bytes;
                for (bytes, p) in [(&head_bytes, head_path), (&base_bytes, base_path)] {
                    if let (Some(b), Some(p)) = (bytes, p) {
                        within_limit(b, p, limit)?;
                    }
                }
                if head_bytes.is_none() && base_bytes.is_none() && head_path.is_some() {
                    // Nothing readable (e.g. a scan without base): fall back to the diff.
                    out.push(from_fragments(f, format));
                    continue;
                }
                let mut head = match (&head_bytes, head_path) {
                    (Some(b), Some(p)) => parse(format, &Text::whole(utf8(b, p)?), p)?,
                    _ => Vec::new(),
                };
                let mut base = match (&base_bytes, base_path) {
                    (Some(b), Some(p)) => {
                        let shown = format!("{p} (base)");
                        let text = utf8(b, &shown)?;
                        let mut entries = parse(format, &Text::whole(text), &shown)?;
                        for e in &mut entries {
                            e.dep.path = p.to_owned();
                        }
                        entries
                    }
                    _ => Vec::new(),
                };
                if format == Format::Requirements {
                    let touched: HashSet<&str> =
                        input.changes.files.iter().map(|f| f.path()).collect();
                    let skip = |p: &str| touched.contains(p) || policy.excluded(p);
                    let at_head = |p: &str| revs.head(p);
                    let at_base = |p: &str| revs.base(p);
                    for (bytes, p, read, entries, side) in [
                        (
                            &head_bytes,
                            head_path,
                            &at_head as &Reader<'_>,
                            &mut head,
                            "",
                        ),
                        (
                            &base_bytes,
                            base_path,
                            &at_base as &Reader<'_>,
                            &mut base,
                            " (base)",
                        ),
                    ] {
                        if let (Some(b), Some(p)) = (bytes, p) {
                            let text = String::from_utf8_lossy(b);
                            let missing =
                                follow_includes(&text, p, read, side, &skip, limit, entries)?;
                            for m in missing {
                                notes.push(format!("{p}{side}: `-r {m}` names a file that is not in the repository; its requirements were not checked"));
                            }
                        }
                    }
                }
                out.push(FileDeps {
                    path: path.to_owned(),
                    format,
                    base,
                    head,
                });
            }
            None => out.push(from_fragments(f, format)),
        }
    }
    Ok(out)
}

/// How many requirements files are read, per revision, to find what they include.
const MAX_INCLUDE_SEARCH: usize = 256;

/// Changed files that requirements files include (`-r common.txt`, `-c constraints.txt`)
/// although their names do not say so: an edit there changes what pip installs, so they are
/// parsed as requirements files. Asked only when the change touches such a candidate (a
/// `.txt` or `.in` file no format claims); then every requirements file of both revisions
/// is followed.
fn included_requirements(input: StageInput<'_>) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    let Some(revs) = input.revs else {
        return Ok(found);
    };
    let candidate = |p: &str| {
        Format::of(p).is_none()
            && !input.filter.excluded(p)
            && (p.ends_with(".txt") || p.ends_with(".in"))
    };
    let wanted: HashSet<&str> = input
        .changes
        .files
        .iter()
        .filter(|f| !f.binary)
        .flat_map(|f| [f.new_path.as_deref(), f.old_path.as_deref()])
        .flatten()
        .filter(|p| candidate(p))
        .collect();
    if wanted.is_empty() {
        return Ok(found);
    }
    let mut roots: Vec<String> = revs
        .list()?
        .into_iter()
        .chain(input.changes.files.iter().map(|f| f.path().to_owned()))
        .filter(|p| Format::of(p) == Some(Format::Requirements) && !input.filter.excluded(p))
        .collect();
    roots.sort();
    roots.dedup();
    let at_head = |p: &str| revs.head(p);
    let at_base = |p: &str| revs.base(p);
    for read in [&at_head as &Reader<'_>, &at_base as &Reader<'_>] {
        let mut seen: HashSet<String> = HashSet::new();
        let mut queue: Vec<(String, usize)> = roots.iter().map(|r| (r.clone(), 0)).collect();
        while let Some((path, depth)) = queue.pop() {
            if depth > MAX_INCLUDE_DEPTH
                || seen.len() >= MAX_INCLUDE_SEARCH
                || !seen.insert(path.clone())
            {
                continue;
            }
            let Some(bytes) = read(&path)? else {
                continue;
            };
            if bytes.len() as u64 > input.max_file_bytes {
                continue;
            }
            for target in requirements::includes(&String::from_utf8_lossy(&bytes)) {
                if let Some(inc) = resolve_include(&path, &target) {
                    if wanted.contains(inc.as_str()) {
                        found.insert(inc.clone());
                    }
                    queue.push((inc, depth + 1));
                }
            }
        }
    }
    Ok(found)
}

/// A dependency file over `limits.max-file-bytes` is an error naming it: parsers need about 40×
/// a lockfile's size in memory.
fn within_limit(bytes: &[u8], shown: &str, limit: u64) -> Result<()> {
    if bytes.len() as u64 > limit {
        return Err(Error::Limit {
            path: PathBuf::from(shown),
            message: format!(
                "{} bytes, over the {limit} byte limit for dependency files (raise limits.max-file-bytes or exclude the path)",
                bytes.len()
            ),
        });
    }
    Ok(())
}

/// Reads a file at one revision (None: absent).
type Reader<'r> = dyn Fn(&str) -> Result<Option<Vec<u8>>> + 'r;

/// How deep `-r` chains are followed, and how many files at most: pip has no limit, but a
/// repository with more is hostile or broken, and each file costs a `git show`.
const MAX_INCLUDE_DEPTH: usize = 8;
const MAX_INCLUDED_FILES: usize = 64;

/// Resolves a `-r` target written in the requirements file `from` (both repository-relative, pip
/// resolves against the including file's directory); None when it is absolute or climbs out of
/// the repository.
fn resolve_include(from: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Appends the entries of the files a requirements file `-r`-includes, transitively, read at the
/// same revision with `read`: a new `-r common.txt` line adds everything `common.txt` pins.
/// `skip` says which files not to read: those the change itself touches (they are parsed as
/// changed files of their own, and counting them twice would double their findings) and
/// excluded paths. Returns the includes that do not exist.
fn follow_includes(
    text: &str,
    path: &str,
    read: &Reader<'_>,
    side: &str,
    skip: &dyn Fn(&str) -> bool,
    limit: u64,
    out: &mut Vec<Entry>,
) -> Result<Vec<String>> {
    let mut seen: HashSet<String> = HashSet::from([path.to_owned()]);
    let mut missing = Vec::new();
    let mut queue: Vec<(String, String, usize)> = requirements::includes(text)
        .into_iter()
        .map(|t| (path.to_owned(), t, 1))
        .collect();
    while let Some((from, target, depth)) = queue.pop() {
        let Some(inc) = resolve_include(&from, &target) else {
            continue;
        };
        if depth > MAX_INCLUDE_DEPTH
            || seen.len() > MAX_INCLUDED_FILES
            || !seen.insert(inc.clone())
            || skip(&inc)
        {
            continue;
        }
        let Some(bytes) = read(&inc)? else {
            missing.push(target);
            continue;
        };
        let shown = format!("{inc}{side}");
        within_limit(&bytes, &shown, limit)?;
        let text = utf8(&bytes, &shown)?;
        let mut entries = parse(Format::Requirements, &Text::whole(text), &shown)?;
        for e in &mut entries {
            e.dep.path = inc.clone();
        }
        out.extend(entries);
        queue.extend(
            requirements::includes(text)
                .into_iter()
                .map(|t| (inc.clone(), t, depth + 1)),
        );
    }
    Ok(missing)
}

fn from_fragments(f: &FileChange, format: Format) -> FileDeps {
    let path = f.path();
    let head = parse(format, &Text::fragment(head_fragment(f)), path).unwrap_or_default();
    let base = parse(format, &Text::fragment(base_fragment(f)), path).unwrap_or_default();
    FileDeps {
        path: path.to_owned(),
        format,
        base,
        head,
    }
}

/// Every dependency change in the change set: manifests and lockfiles anywhere in the tree, plus
/// install commands (`pip install x`, `npm i x`, …) in added lines.
fn collect(changes: &ChangeSet, files: &[FileDeps]) -> Vec<DepChange> {
    let mut out = Vec::new();
    for fd in files {
        if fd.format == Format::GoSum {
            continue;
        }
        out.extend(diff_entries(&fd.base, &fd.head));
    }
    for f in &changes.files {
        // Workflows are dependency files (their `uses:`) and install surfaces (`run:`).
        if Format::of(f.path()).is_some_and(|x| x != Format::GitHubActions) || f.binary {
            continue;
        }
        out.extend(install::scan_file(f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_paths_resolve_against_the_including_file() {
        assert_eq!(
            resolve_include("py/requirements.txt", "base.txt").as_deref(),
            Some("py/base.txt")
        );
        assert_eq!(
            resolve_include("py/req/dev.txt", "../common/./base.txt").as_deref(),
            Some("py/common/base.txt")
        );
        assert_eq!(resolve_include("requirements.txt", "../outside.txt"), None);
        assert_eq!(resolve_include("requirements.txt", "/etc/passwd"), None);
    }

    #[test]
    fn includes_are_followed_transitively_once_and_skip_touched_files() {
        let files: std::collections::HashMap<&str, &str> = [
            ("a.txt", "-r b.txt\nflask==2.0.0\n"),
            ("b.txt", "-r a.txt\n-r c.txt\ndjango==4.0\n"),
            ("c.txt", "numpy==1.0\n"),
        ]
        .into_iter()
        .collect();
        let read = |p: &str| Ok(files.get(p).map(|t| t.as_bytes().to_vec()));
        let mut out = Vec::new();
        let skip_c = |p: &str| p == "c.txt";
        let missing = follow_includes(
            "-r a.txt\n-r gone.txt\n",
            "requirements.txt",
            &read,
            "",
            &skip_c,
            1 << 20,
            &mut out,
        )
        .expect("follow");
        let got: Vec<(String, String, Option<u32>)> = out
            .iter()
            .map(|e| (e.dep.name.clone(), e.dep.path.clone(), e.dep.line))
            .collect();
        assert_eq!(
            got,
            [
                ("flask".to_owned(), "a.txt".to_owned(), Some(2)),
                ("django".to_owned(), "b.txt".to_owned(), Some(3)),
            ]
        );
        assert_eq!(missing, ["gone.txt"]);
    }
}
