//! `guardrail db import`: reads advisory data in every supported layout (RustSec tree or
//! `.tar.gz`, OSV directory / `.zip` / `.tar.gz` / `.jsonl` / `.jsonl.gz` / single `.json` or
//! `.yaml`), merges it into the store and rewrites the store atomically. A corrupt archive is an
//! error naming the file; a corrupt single record is skipped with a warning.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use super::{osv, read_all, rustsec, write_store, Advisory, Meta, SourceInfo};
use crate::error::{Error, Result};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Records read and stored, per input.
    pub per_input: Vec<(PathBuf, usize)>,
    /// Withdrawn records skipped.
    pub withdrawn: usize,
    /// Records skipped because they name no ecosystem guardrail checks.
    pub other_ecosystems: usize,
    /// Records that could not be read (skipped), one line each.
    pub warnings: Vec<String>,
    /// The store's metadata after the import.
    pub meta: Meta,
}

/// Collects records from one input.
#[derive(Default)]
pub struct Collector {
    /// Records by id.
    pub(crate) records: BTreeMap<String, Advisory>,
    /// Withdrawn records seen.
    pub(crate) withdrawn: usize,
    /// Records without a checked ecosystem.
    pub(crate) other: usize,
    /// Skipped records.
    pub(crate) warnings: Vec<String>,
    /// Newest record date seen.
    pub(crate) newest: Option<String>,
}

const MAX_WARNINGS: usize = 50;

impl Collector {
    fn warn(&mut self, msg: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(msg);
        } else if self.warnings.len() == MAX_WARNINGS {
            self.warnings
                .push("… further unreadable records not listed".into());
        }
    }

    fn add(&mut self, parsed: std::result::Result<Advisory, String>, origin: &str) {
        match parsed {
            Ok(a) if a.withdrawn => self.withdrawn += 1,
            Ok(a) if a.affected.is_empty() => self.other += 1,
            Ok(a) => {
                if let Some(p) = &a.published {
                    if self.newest.as_ref().is_none_or(|n| p > n) {
                        self.newest = Some(p.clone());
                    }
                }
                self.records.insert(a.id.clone(), a);
            }
            Err(e) => self.warn(format!("{origin}: skipped unreadable advisory: {e}")),
        }
    }

    /// Dispatches one file's content by its name.
    pub fn file(&mut self, name: &str, bytes: &[u8], origin: &str) -> Result<()> {
        let base = name.rsplit('/').next().unwrap_or(name);
        let lower = base.to_ascii_lowercase();
        if lower.ends_with(".md") && base.starts_with("RUSTSEC-") {
            if base.starts_with("RUSTSEC-0000-0000") {
                return Ok(());
            }
            match std::str::from_utf8(bytes) {
                Ok(t) => self.add(rustsec::parse(t), origin),
                Err(_) => self.warn(format!("{origin}: skipped advisory: not UTF-8")),
            }
        } else if lower.ends_with(".jsonl") {
            self.jsonl(bytes, origin)?;
        } else if lower.ends_with(".jsonl.gz") {
            let mut d = flate2::read::GzDecoder::new(bytes);
            let mut out = Vec::new();
            d.read_to_end(&mut out)
                .map_err(|e| Error::parse(origin, None, format!("corrupt gzip: {e}")))?;
            self.jsonl(&out, origin)?;
        } else if lower.ends_with(".json") {
            if lower == "package.json" || lower.starts_with("schema") {
                return Ok(());
            }
            self.add(osv::from_json(bytes), origin);
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            match std::str::from_utf8(bytes) {
                Ok(t) => self.add(osv::from_yaml(t), origin),
                Err(_) => self.warn(format!("{origin}: skipped advisory: not UTF-8")),
            }
        }
        Ok(())
    }

    fn jsonl(&mut self, bytes: &[u8], origin: &str) -> Result<()> {
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.add(osv::from_json(line), &format!("{origin}:{}", i + 1));
        }
        Ok(())
    }

    /// Reads a file, directory or archive.
    pub(crate) fn input(&mut self, path: &Path) -> Result<()> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return self.dir(path);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let shown = path.display().to_string();
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let mut ar =
                tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(f)));
            let corrupt =
                |e: std::io::Error| Error::parse(path, None, format!("corrupt archive: {e}"));
            let mut entries = 0usize;
            for entry in ar.entries().map_err(corrupt)? {
                let mut entry = entry.map_err(corrupt)?;
                if !entry.header().entry_type().is_file() {
                    continue;
                }
                let ename = entry
                    .path()
                    .map_err(corrupt)?
                    .to_string_lossy()
                    .into_owned();
                if !wanted(&ename) {
                    continue;
                }
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf).map_err(corrupt)?;
                entries += 1;
                self.file(&ename, &buf, &format!("{shown}:{ename}"))?;
            }
            if entries == 0 {
                return Err(Error::parse(
                    path,
                    None,
                    "no advisory records in the archive",
                ));
            }
        } else if name.ends_with(".zip") {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            self.zip(std::io::BufReader::new(f), path)?;
        } else if name.ends_with(".jsonl") {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            self.jsonl_reader(std::io::BufReader::new(f), path)?;
        } else if name.ends_with(".jsonl.gz") || name.ends_with(".json.gz") {
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            self.jsonl_reader(
                std::io::BufReader::new(flate2::read::GzDecoder::new(f)),
                path,
            )?;
        } else if name.ends_with(".json")
            || name.ends_with(".yaml")
            || name.ends_with(".yml")
            || name.ends_with(".md")
        {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let before = self.warnings.len();
            self.file(&name, &bytes, &shown)?;
            // A single-record input that does not parse is the whole input failing.
            if self.warnings.len() > before && self.records.is_empty() {
                return Err(Error::parse(
                    path,
                    None,
                    self.warnings.pop().unwrap_or_default(),
                ));
            }
        } else {
            return Err(Error::parse(
                path,
                None,
                "not an advisory source: expected a directory, .tar.gz, .zip, .jsonl, .jsonl.gz, .json or .yaml",
            ));
        }
        Ok(())
    }

    /// Reads an OSV `.zip` (osv.dev's `all.zip` layout: one JSON record per entry).
    pub(crate) fn zip<R: Read + std::io::Seek>(&mut self, reader: R, path: &Path) -> Result<()> {
        let corrupt = |e: zip::result::ZipError| {
            Error::parse(path, None, format!("corrupt zip archive: {e}"))
        };
        let mut ar = zip::ZipArchive::new(reader).map_err(corrupt)?;
        for i in 0..ar.len() {
            let mut entry = ar.by_index(i).map_err(corrupt)?;
            if !entry.is_file() {
                continue;
            }
            let ename = entry.name().map_err(corrupt)?.into_owned();
            if !wanted(&ename) {
                continue;
            }
            let mut buf = Vec::new();
            entry
                .read_to_end(&mut buf)
                .map_err(|e| Error::parse(path, None, format!("corrupt zip entry {ename}: {e}")))?;
            self.file(&ename, &buf, &format!("{}:{ename}", path.display()))?;
        }
        Ok(())
    }

    fn jsonl_reader<R: BufRead>(&mut self, r: R, path: &Path) -> Result<()> {
        for (i, line) in r.split(b'\n').enumerate() {
            let line =
                line.map_err(|e| Error::parse(path, Some(i + 1), format!("cannot read: {e}")))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.add(
                osv::from_json(&line),
                &format!("{}:{}", path.display(), i + 1),
            );
        }
        Ok(())
    }

    fn dir(&mut self, root: &Path) -> Result<()> {
        let mut stack = vec![root.to_owned()];
        let mut files = Vec::new();
        while let Some(d) = stack.pop() {
            let rd = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
            for e in rd {
                let e = e.map_err(|e| Error::io(&d, e))?;
                let p = e.path();
                let ft = e.file_type().map_err(|e| Error::io(&p, e))?;
                if ft.is_dir() {
                    if e.file_name() != ".git" {
                        stack.push(p);
                    }
                } else if ft.is_file() && wanted(&p.to_string_lossy()) {
                    files.push(p);
                }
            }
        }
        files.sort();
        for p in files {
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            let name = p.to_string_lossy().into_owned();
            self.file(&name, &bytes, &name)?;
        }
        Ok(())
    }
}

/// Whether an archive or tree entry may hold advisories.
fn wanted(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    if base.starts_with('.') {
        return false;
    }
    (lower.ends_with(".md") && base.starts_with("RUSTSEC-"))
        || lower.ends_with(".json")
        || lower.ends_with(".jsonl")
        || lower.ends_with(".jsonl.gz")
        || lower.ends_with(".yaml")
        || lower.ends_with(".yml")
}

/// sha256 of a file, for the source revision of an imported file.
fn file_digest(path: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(format!("sha256:{}", hex::encode(h.finalize())))
}

/// Imports `inputs` into the store at `dir`.
pub fn import(dir: &Path, inputs: &[PathBuf]) -> Result<ImportReport> {
    let (mut records, mut sources) = read_all(dir)?;
    let mut report = ImportReport::default();
    let now = now_rfc3339();
    for input in inputs {
        let mut c = Collector::default();
        c.input(input)?;
        report.withdrawn += c.withdrawn;
        report.other_ecosystems += c.other;
        report.warnings.append(&mut c.warnings);
        let n = c.records.len();
        report.per_input.push((input.clone(), n));
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.display().to_string());
        let revision = if input.is_dir() {
            git_head(input)
        } else {
            file_digest(input)
        };
        sources.retain(|s| s.name != name);
        sources.push(SourceInfo {
            name,
            location: std::fs::canonicalize(input)
                .unwrap_or_else(|_| input.clone())
                .display()
                .to_string(),
            revision,
            date: c.newest.clone(),
            imported: now.clone(),
            records: n,
        });
        records.append(&mut c.records);
    }
    report.meta = write_store(dir, &records, sources)?;
    Ok(report)
}

/// The commit of a git checkout, when `dir` is one.
pub(crate) fn git_head(dir: &Path) -> Option<String> {
    let repo = crate::git::Repo::at(dir);
    if !dir.join(".git").exists() {
        return None;
    }
    repo.resolve("HEAD").ok()
}

/// Now, RFC 3339 UTC.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
