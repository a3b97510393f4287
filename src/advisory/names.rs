//! Every package name a registry publishes, as a compact set stored beside the advisories, so
//! that `check --offline` can tell a name the registry has never heard of ("slopsquatting": an
//! invented dependency name) without a network call.
//!
//! Only PyPI publishes its whole name list (the simple index, PEP 503 HTML or PEP 691 JSON);
//! npm and crates.io have no bulk list of names, so their existence stays an online look-up.
//!
//! The set is a binary fuse filter (`xorf::BinaryFuse8`) over 64-bit hashes of the
//! PEP 503-normalized names: about 1.13 bytes per name (≈ 0.8 MB for 700,000 names), O(1)
//! look-up, **no false negatives** (a name that was in the index is always found, so an
//! existing package is never called invented), and a false-positive rate of about 1/256
//! (0.39%; an invented name is then taken for a real one and not flagged). Names published
//! after the index was fetched are not in it: the finding says as of when.
//!
//! File `names/pypi.bin` in the database directory: magic `GRN1`, format version, then the
//! filter's descriptor, its fingerprints, the number of names, the fetch time (Unix seconds)
//! and the source, and a SHA-256 of everything before it. A damaged file is an error naming
//! it, never a wrong answer.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse8, Filter as _};

use crate::ecosystem::Ecosystem;
use crate::error::{Error, Result};

const MAGIC: &[u8; 4] = b"GRN1";
const VERSION: u32 = 1;
/// Sub-directory of the database holding the name sets (kept across advisory re-imports).
pub(crate) const DIR: &str = "names";
/// The PyPI name set, relative to the database directory.
pub(crate) const PYPI_FILE: &str = "names/pypi.bin";
/// PyPI's simple index (every project name).
pub(crate) const PYPI_SIMPLE_URL: &str = "https://pypi.org/simple/";

/// A registry's full set of package names.
#[derive(Debug, Clone)]
pub struct NameSet {
    filter: BinaryFuse8,
    /// How many distinct (normalized) names went in.
    pub count: u64,
    /// When the list was fetched or imported (Unix seconds).
    pub(crate) fetched: i64,
    /// Where it came from (URL or file).
    pub source: String,
}

fn err(path: &Path, message: impl Into<String>) -> Error {
    Error::Db {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn key(name: &str) -> u64 {
    let n = super::normalize_name(Ecosystem::PyPI, name);
    // FNV-1a then splitmix64: keys must be well spread for the filter.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in n.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl NameSet {
    /// Builds the set from names (any spelling; normalized here). `path` names the input in
    /// errors.
    pub(crate) fn build<'a>(
        names: impl IntoIterator<Item = &'a str>,
        fetched: i64,
        source: &str,
        path: &Path,
    ) -> Result<NameSet> {
        let mut keys: Vec<u64> = names
            .into_iter()
            .filter(|n| !n.trim().is_empty())
            .map(key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() {
            return Err(err(path, "no package names in the index"));
        }
        let filter = BinaryFuse8::try_from(&keys)
            .map_err(|e| err(path, format!("cannot build the name filter: {e}")))?;
        Ok(NameSet {
            filter,
            count: keys.len() as u64,
            fetched,
            source: source.to_owned(),
        })
    }

    /// Whether the registry (probably) has a project of this name: false is certain (as of
    /// [`NameSet::fetched`]), true is wrong for about 1 name in 256 that does not exist.
    pub fn contains(&self, name: &str) -> bool {
        self.filter.contains(&key(name))
    }

    /// The file image.
    pub fn to_bytes(&self) -> Vec<u8> {
        let d = &self.filter.descriptor;
        let mut out = Vec::with_capacity(64 + self.filter.fingerprints.len() + self.source.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&d.seed.to_le_bytes());
        out.extend_from_slice(&d.segment_length.to_le_bytes());
        out.extend_from_slice(&d.segment_length_mask.to_le_bytes());
        out.extend_from_slice(&d.segment_count_length.to_le_bytes());
        out.extend_from_slice(&(self.filter.fingerprints.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.filter.fingerprints);
        out.extend_from_slice(&self.count.to_le_bytes());
        out.extend_from_slice(&self.fetched.to_le_bytes());
        out.extend_from_slice(&(self.source.len() as u32).to_le_bytes());
        out.extend_from_slice(self.source.as_bytes());
        let sum = Sha256::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Reads a file image; `path` names it in errors.
    pub(crate) fn from_bytes(bytes: &[u8], path: &Path) -> Result<NameSet> {
        let bad = |what: &str| {
            err(
                path,
                format!("damaged package-name set ({what}); run `guardrail db update` again"),
            )
        };
        if bytes.len() < 32 + 4 {
            return Err(bad("too short"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(body).as_slice() != sum {
            return Err(bad("checksum mismatch"));
        }
        let mut r = Reader { b: body, at: 0 };
        if r.take(4) != Some(MAGIC.as_slice()) {
            return Err(bad("not a guardrail name set"));
        }
        if r.u32() != Some(VERSION) {
            return Err(bad("unknown format version"));
        }
        let (Some(seed), Some(len), Some(mask), Some(count_len), Some(n)) =
            (r.u64(), r.u32(), r.u32(), r.u32(), r.u64())
        else {
            return Err(bad("truncated header"));
        };
        // What `contains` relies on to stay in bounds: a power-of-two segment length, its
        // mask, and fingerprints for every segment plus the two the arity-3 graph spills into.
        let expected = u64::from(count_len) + 2 * u64::from(len);
        if len == 0
            || !len.is_power_of_two()
            || mask != len - 1
            || count_len % len != 0
            || n != expected
            || expected > u64::from(u32::MAX)
        {
            return Err(bad("inconsistent filter header"));
        }
        let Some(fp) = usize::try_from(n).ok().and_then(|n| r.take(n)) else {
            return Err(bad("truncated fingerprints"));
        };
        let fingerprints: Box<[u8]> = fp.into();
        let (Some(count), Some(fetched), Some(src_len)) = (r.u64(), r.u64(), r.u32()) else {
            return Err(bad("truncated trailer"));
        };
        let Some(src) = r.take(src_len as usize) else {
            return Err(bad("truncated source"));
        };
        if r.at != body.len() {
            return Err(bad("trailing bytes"));
        }
        let filter = BinaryFuse8 {
            descriptor: xorf::Descriptor {
                seed,
                segment_length: len,
                segment_length_mask: mask,
                segment_count_length: count_len,
            },
            fingerprints,
        };
        Ok(NameSet {
            filter,
            count,
            fetched: fetched as i64,
            source: String::from_utf8_lossy(src).into_owned(),
        })
    }

    /// Writes the set into the database directory (atomically: a temporary file, then a
    /// rename).
    pub(crate) fn write(&self, db: &Path) -> Result<PathBuf> {
        let dir = db.join(DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = db.join(PYPI_FILE);
        let tmp = dir.join(format!(".pypi.bin.tmp-{}", std::process::id()));
        std::fs::write(&tmp, self.to_bytes()).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&path, e)
        })?;
        Ok(path)
    }

    /// The PyPI name set of a database directory, if one was stored.
    pub fn open(db: &Path) -> Result<Option<NameSet>> {
        let path = db.join(PYPI_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => NameSet::from_bytes(&bytes, &path).map(Some),
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::NotADirectory =>
            {
                Ok(None)
            }
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Whether `bytes` (the start of a file) look like a PyPI simple index: PEP 691 JSON with a
/// `projects` array, or the PEP 503 HTML page of project links.
pub fn looks_like_simple_index(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let t = head.trim_start();
    (t.starts_with('{') && head.contains("\"projects\""))
        || (t.to_ascii_lowercase().starts_with("<!doctype html")
            || t.to_ascii_lowercase().starts_with("<html"))
            && head.contains("<a ")
            && head.to_ascii_lowercase().contains("simple")
}

/// The project names of a simple index (`path` names it in errors): PEP 691 JSON
/// (`{"meta": …, "projects": [{"name": …}, …]}`) or PEP 503 HTML (`<a href="/simple/x/">x</a>`).
pub(crate) fn parse_simple_index(bytes: &[u8], path: &Path) -> Result<Vec<String>> {
    let t = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]);
    if t.trim_start().starts_with('{') {
        #[derive(serde::Deserialize)]
        struct Project {
            name: String,
        }
        #[derive(serde::Deserialize)]
        struct Index {
            projects: Vec<Project>,
        }
        let ix: Index = serde_json::from_slice(bytes).map_err(|e| {
            Error::parse(
                path,
                Some(e.line()),
                format!("not a PyPI simple index (PEP 691 JSON): {e}"),
            )
        })?;
        return Ok(ix.projects.into_iter().map(|p| p.name).collect());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::parse(
            path,
            None,
            format!("not a PyPI simple index (not UTF-8 HTML): {e}"),
        )
    })?;
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i..];
        let Some(gt) = rest.find('>') else { break };
        let Some(end) = rest[gt..].find("</a>") else {
            break;
        };
        let name = rest[gt + 1..gt + end].trim();
        if !name.is_empty() && !name.contains('<') {
            names.push(name.to_owned());
        }
        rest = &rest[gt + end..];
    }
    if names.is_empty() {
        return Err(Error::parse(
            path,
            None,
            "not a PyPI simple index: no project links",
        ));
    }
    Ok(names)
}

/// `db import` of a simple-index file: builds the set and stores it in `db`; returns how many
/// names it holds.
pub fn import_file(db: &Path, file: &Path) -> Result<u64> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let names = parse_simple_index(&bytes, file)?;
    let fetched = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp());
    let set = NameSet::build(
        names.iter().map(String::as_str),
        fetched,
        &file.display().to_string(),
        file,
    )?;
    set.write(db)?;
    Ok(set.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("project-{i}")).collect()
    }

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let all = names(50_000);
        let set =
            NameSet::build(all.iter().map(String::as_str), 7, "test", Path::new("t")).unwrap();
        assert_eq!(set.count, 50_000);
        assert!(all.iter().all(|n| set.contains(n)));
        // Other spellings of the same project (PEP 503) are the same name.
        assert!(set.contains("Project_17"));
        assert!(set.contains("PROJECT.17"));
        let fp = (0..50_000)
            .filter(|i| set.contains(&format!("invented-{i}")))
            .count();
        // 1/256 expected (≈ 195); far above would mean a broken filter.
        assert!(fp < 400, "{fp} false positives of 50,000");
        assert!(fp > 0, "an 8-bit filter cannot be exact");
    }

    #[test]
    fn round_trips_and_rejects_damage() {
        let all = names(1_000);
        let set = NameSet::build(
            all.iter().map(String::as_str),
            1_700_000_000,
            "https://x/simple/",
            Path::new("t"),
        )
        .unwrap();
        let bytes = set.to_bytes();
        // ~1.13 bytes a name plus a small header.
        assert!(bytes.len() < 1_000 * 2 + 200, "{}", bytes.len());
        let back = NameSet::from_bytes(&bytes, Path::new("f")).unwrap();
        assert_eq!((back.count, back.fetched), (1_000, 1_700_000_000));
        assert_eq!(back.source, "https://x/simple/");
        assert!(all.iter().all(|n| back.contains(n)));
        for cut in [0, 10, 40, bytes.len() - 1] {
            let e = NameSet::from_bytes(&bytes[..cut], Path::new("f")).unwrap_err();
            assert!(e.to_string().contains("damaged"), "{e}");
        }
        let mut flipped = bytes.clone();
        flipped[30] ^= 1;
        assert!(NameSet::from_bytes(&flipped, Path::new("f")).is_err());
    }

    #[test]
    fn a_checksummed_but_inconsistent_header_is_rejected() {
        // A header that would make `contains` index out of bounds, with a valid checksum.
        let set = NameSet::build(["a", "b", "c"], 0, "s", Path::new("t")).unwrap();
        let mut body = set.to_bytes();
        body.truncate(body.len() - 32);
        body[16..20].copy_from_slice(&(1u32 << 20).to_le_bytes());
        body[20..24].copy_from_slice(&((1u32 << 20) - 1).to_le_bytes());
        let sum = Sha256::digest(&body);
        body.extend_from_slice(&sum);
        let e = NameSet::from_bytes(&body, Path::new("f")).unwrap_err();
        assert!(e.to_string().contains("inconsistent"), "{e}");
    }

    #[test]
    fn parses_both_index_formats() {
        let json = br#"{"meta":{"api-version":"1.1"},"projects":[{"name":"requests"},{"name":"Flask_Login"}]}"#;
        assert!(looks_like_simple_index(json));
        assert_eq!(
            parse_simple_index(json, Path::new("i.json")).unwrap(),
            vec!["requests", "Flask_Login"]
        );
        let html = b"<!DOCTYPE html>\n<html><head><title>Simple index</title></head><body>\n<a href=\"/simple/requests/\">requests</a>\n<a href=\"/simple/flask-login/\">Flask-Login</a>\n</body></html>";
        assert!(looks_like_simple_index(html));
        assert_eq!(
            parse_simple_index(html, Path::new("i.html")).unwrap(),
            vec!["requests", "Flask-Login"]
        );
        assert!(!looks_like_simple_index(b"{\"id\": \"GHSA-1\"}"));
        let e = parse_simple_index(b"{\"projects\": 3}", Path::new("bad.json")).unwrap_err();
        assert!(e.to_string().contains("bad.json"), "{e}");
    }

    #[test]
    fn stored_in_and_read_from_the_database_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(NameSet::open(dir.path()).unwrap().is_none());
        let idx = dir.path().join("simple.json");
        std::fs::write(
            &idx,
            br#"{"meta":{"api-version":"1.1"},"projects":[{"name":"requests"},{"name":"numpy"}]}"#,
        )
        .unwrap();
        let db = dir.path().join("db");
        assert_eq!(import_file(&db, &idx).unwrap(), 2);
        let set = NameSet::open(&db).unwrap().unwrap();
        assert!(set.contains("Requests") && set.contains("numpy"));
        std::fs::write(db.join(PYPI_FILE), b"garbage").unwrap();
        let e = NameSet::open(&db).unwrap_err();
        assert!(e.to_string().contains("pypi.bin"), "{e}");
    }
}
