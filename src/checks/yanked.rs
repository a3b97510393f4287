//! Yanked crate versions (kind `dependency`): a change that adds, or moves a `Cargo.lock` to, a
//! crates.io version its maintainers yanked. Read offline from cargo's own index cache
//! (`$CARGO_HOME/registry/index/*/.cache/`), the source `cargo audit` reads too: any machine
//! that has built the project has it. A version the cache does not list is not judged, and one
//! note says how many were skipped; nothing is fetched.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::checks::{Check, Context};
use crate::deps::{ChangeKind, DepSource, Ecosystem};
use crate::error::Result;
use crate::finding::{Finding, Kind, Severity};

/// The yanked-version check.
pub struct Yanked;

/// Cache files larger than this are not read (the biggest crates' files are a few MB).
const MAX_CACHE_FILE: u64 = 32 << 20;

/// Where cargo keeps its home: `CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    match std::env::var_os("CARGO_HOME") {
        Some(h) if !h.is_empty() => Some(PathBuf::from(h)),
        _ => dirs::home_dir().map(|h| h.join(".cargo")),
    }
}

/// The crates.io index caches under a cargo home: the sparse index (`index.crates.io-*`) and
/// the older git index (`github.com-*`), sparse first.
pub fn cache_dirs(cargo_home: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(cargo_home.join("registry").join("index")) else {
        return Vec::new();
    };
    let mut dirs: Vec<(u8, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rank = if name.starts_with("index.crates.io-") {
                0
            } else if name.starts_with("github.com-") {
                1
            } else {
                return None;
            };
            Some((rank, e.path().join(".cache")))
        })
        .filter(|(_, p)| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|(_, p)| p).collect()
}

/// A crate's file in cargo's index layout (`se/rd/serde`, `3/s/syn`, `2/cc`, `1/a`); None for
/// names crates.io could not have (which also keeps the path inside the cache).
pub fn index_path(name: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    if n.is_empty()
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    Some(match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    })
}

/// Whether the cache file `bytes` lists `version` as yanked: Some(yanked) when the file has
/// the version, None when it does not (or is not a cache file this reader knows).
///
/// Layout (cargo's `index_cache`, version 3): one byte cache version, four bytes index format
/// version, then NUL-terminated strings: the index revision, and per published version its
/// number and its index JSON line.
pub fn yanked_in_cache(bytes: &[u8], version: &str) -> Option<bool> {
    if bytes.first() != Some(&3) || bytes.len() < 5 {
        return None;
    }
    let body = &bytes[5..];
    entry_in(&body[memchr::memchr(0, body)?..], version)
}

/// The yanked flag of `version`'s entry in `fields`, a run of NUL-separated fields that
/// alternate version / JSON line and starts with a NUL. A JSON line starts with `{`, so
/// `NUL version NUL` can only be a version field: one SIMD search instead of walking every
/// field (popular crates list thousands of versions).
fn entry_in(fields: &[u8], version: &str) -> Option<bool> {
    if version.is_empty() {
        return None;
    }
    let needle = format!("\0{version}\0");
    let at = memchr::memmem::find(fields, needle.as_bytes())? + needle.len();
    let json = &fields[at..];
    // A JSON line cut off by the end of the window is not read.
    let json = &json[..memchr::memchr(0, json)?];
    yanked_field(json)
}

/// The top-level `"yanked"` boolean of an index JSON line, without parsing the line (its
/// `deps` array is most of it). `"yanked"` followed by a colon and a boolean is that key: a
/// string element is followed by `,` or `]`, and a feature named `yanked` (a key of the
/// `features` map) by a list. A line without the key (old index entries) is not yanked.
fn yanked_field(json: &[u8]) -> Option<bool> {
    if json.first() != Some(&b'{') {
        return None;
    }
    let mut rest = json;
    while let Some(i) = memchr::memmem::find(rest, b"\"yanked\"") {
        rest = &rest[i + 8..];
        if let Some(value) = rest.trim_ascii_start().strip_prefix(b":") {
            let value = value.trim_ascii_start();
            if value.starts_with(b"true") {
                return Some(true);
            }
            if value.starts_with(b"false") {
                return Some(false);
            }
        }
    }
    Some(false)
}

/// The first window read from a cache file's end; it grows fourfold until the entry is in
/// it. The index appends, so the versions a lockfile pins sit near the end of files that list
/// thousands: a whole-lockfile rewrite reads a few MB instead of every file whole.
const TAIL: u64 = 16 << 10;

fn lookup_file(path: &Path, version: &str) -> Option<bool> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    if len > MAX_CACHE_FILE {
        return None;
    }
    let mut window = TAIL;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start)).ok()?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        (&mut f).take(len - start).read_to_end(&mut buf).ok()?;
        if start == 0 {
            return yanked_in_cache(&buf, version);
        }
        // A window starting mid-field cannot fake a match: the needle starts at a NUL.
        if let Some(y) = entry_in(&buf, version) {
            return Some(y);
        }
        window = window.saturating_mul(4);
    }
}

/// Looks `name` `version` up in the caches, first that lists it wins.
pub fn lookup(dirs: &[PathBuf], name: &str, version: &str) -> Option<bool> {
    let rel = index_path(name)?;
    dirs.iter()
        .find_map(|d| lookup_file(&d.join(&rel), version))
}

impl Check for Yanked {
    fn name(&self) -> &'static str {
        "yanked"
    }

    fn run(&self, ctx: &Context<'_>) -> Result<Vec<Finding>> {
        let crates: Vec<_> = ctx
            .dependency_changes()?
            .iter()
            .filter(|c| !matches!(c.kind, ChangeKind::Removed))
            .filter(|c| {
                c.dep.ecosystem == Ecosystem::CratesIo
                    && c.dep.exact
                    && c.dep.source == DepSource::Registry
            })
            .filter_map(|c| Some((&c.dep, c.dep.version.as_deref()?)))
            .collect();
        if crates.is_empty() {
            return Ok(Vec::new());
        }
        let home = cargo_home();
        let dirs = home.as_deref().map(cache_dirs).unwrap_or_default();
        // Sequential on purpose: the engine runs this check on a thread of its own, beside the
        // code rules, whose rayon pool would otherwise queue these reads behind rule matching.
        let verdicts: Vec<Option<bool>> = crates
            .iter()
            .map(|(dep, version)| lookup(&dirs, &dep.name, version))
            .collect();
        let mut out = Vec::new();
        let mut unknown = 0;
        for ((dep, version), verdict) in crates.into_iter().zip(verdicts) {
            match verdict {
                Some(true) => {
                    let msg = format!(
                        "{} {version} is yanked on crates.io: its maintainers withdrew it (usually for a bug or a security problem) and cargo will not pick it for new lockfiles. Run `cargo update -p {}` to move to a version that is not yanked.",
                        dep.name, dep.name
                    );
                    let mut f = Finding::new(
                        "yanked-crate-version",
                        Kind::Dependency,
                        Severity::Yellow,
                        &dep.path,
                        dep.line,
                        msg,
                    );
                    f.package = Some(super::deps::package(dep));
                    out.push(f.with_fingerprint(&format!("{}@{version}", dep.name), 0));
                }
                Some(false) => {}
                None => unknown += 1,
            }
        }
        if unknown > 0 {
            let place = home.map_or_else(
                || "no cargo home".to_owned(),
                |h| h.join("registry/index").display().to_string(),
            );
            ctx.note(format!(
                "yanked: {unknown} crate version(s) not in cargo's index cache ({place}) were not checked for yanks (`cargo fetch` fills it)"
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache file as cargo writes it.
    pub fn cache_file(name: &str, versions: &[(&str, bool)]) -> Vec<u8> {
        let mut b = vec![3u8, 2, 0, 0, 0];
        b.extend_from_slice(b"etag: \"abc\"\0");
        for (v, yanked) in versions {
            b.extend_from_slice(v.as_bytes());
            b.push(0);
            b.extend_from_slice(
                format!(
                    r#"{{"name":"{name}","vers":"{v}","deps":[],"cksum":"00","features":{{}},"yanked":{yanked}}}"#
                )
                .as_bytes(),
            );
            b.push(0);
        }
        b
    }

    #[test]
    fn index_paths_follow_cargos_layout_and_refuse_odd_names() {
        assert_eq!(index_path("a").as_deref(), Some("1/a"));
        assert_eq!(index_path("cc").as_deref(), Some("2/cc"));
        assert_eq!(index_path("syn").as_deref(), Some("3/s/syn"));
        assert_eq!(index_path("Serde").as_deref(), Some("se/rd/serde"));
        assert_eq!(
            index_path("serde_json").as_deref(),
            Some("se/rd/serde_json")
        );
        for bad in ["", "../etc", "a/b", "x.y", "é", &"a".repeat(65)] {
            assert_eq!(index_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn cache_files_say_yanked_not_yanked_or_nothing() {
        let f = cache_file(
            "foo",
            &[("1.0.0", false), ("1.0.1", true), ("1.1.0", false)],
        );
        assert_eq!(yanked_in_cache(&f, "1.0.1"), Some(true));
        assert_eq!(yanked_in_cache(&f, "1.0.0"), Some(false));
        assert_eq!(yanked_in_cache(&f, "1.1.0"), Some(false));
        assert_eq!(yanked_in_cache(&f, "2.0.0"), None);
        assert_eq!(yanked_in_cache(&f, "1.0"), None);
        // Unknown cache versions, truncation and garbage are "not listed", never a panic.
        let mut other = f.clone();
        other[0] = 2;
        assert_eq!(yanked_in_cache(&other, "1.0.1"), None);
        for cut in 0..f.len() {
            let _ = yanked_in_cache(&f[..cut], "1.0.1");
        }
        assert_eq!(yanked_in_cache(&[3, 2, 0], "1.0.1"), None);
        assert_eq!(
            yanked_in_cache(b"\x03\x02\0\0\0rev\x001.0.1\0not json\0", "1.0.1"),
            None
        );
        // The flag is read without parsing the line: spacing, a feature named "yanked", and
        // old lines without the key.
        for (line, want) in [
            (r#"{"vers":"1.0.1","yanked":true}"#, Some(true)),
            (
                r#"{"vers": "1.0.1", "yanked" : false, "x": 1}"#,
                Some(false),
            ),
            (
                r#"{"vers":"1.0.1","features":{"f":["yanked"]},"yanked": true}"#,
                Some(true),
            ),
            (r#"{"vers":"1.0.1","deps":[]}"#, Some(false)),
            (
                r#"{"vers":"1.0.1","features":{"yanked":["std"]},"yanked":true}"#,
                Some(true),
            ),
            (r#"not json"#, None),
        ] {
            let mut f = b"\x03\x02\0\0\0rev\x001.0.1\0".to_vec();
            f.extend_from_slice(line.as_bytes());
            f.push(0);
            assert_eq!(yanked_in_cache(&f, "1.0.1"), want, "{line}");
        }
    }

    #[test]
    fn reads_the_real_cache_layout_from_a_cargo_home() {
        let home = tempfile::tempdir().unwrap();
        let sparse = home
            .path()
            .join("registry/index/index.crates.io-1949cf8c6b5b557f/.cache");
        std::fs::create_dir_all(sparse.join("se/rd")).unwrap();
        std::fs::write(
            sparse.join("se/rd/serde"),
            cache_file("serde", &[("1.0.0", false), ("1.0.1", true)]),
        )
        .unwrap();
        let git = home
            .path()
            .join("registry/index/github.com-1ecc6299db9ec823/.cache");
        std::fs::create_dir_all(git.join("3/s")).unwrap();
        std::fs::write(git.join("3/s/syn"), cache_file("syn", &[("0.1.0", true)])).unwrap();
        std::fs::create_dir_all(home.path().join("registry/index/other-registry/.cache")).unwrap();
        let dirs = cache_dirs(home.path());
        assert_eq!(dirs, vec![sparse.clone(), git.clone()]);
        assert_eq!(lookup(&dirs, "serde", "1.0.1"), Some(true));
        assert_eq!(lookup(&dirs, "Serde", "1.0.0"), Some(false));
        assert_eq!(lookup(&dirs, "syn", "0.1.0"), Some(true));
        assert_eq!(lookup(&dirs, "tokio", "1.0.0"), None);
        assert!(cache_dirs(&home.path().join("nope")).is_empty());
        // A file larger than the tail window: entries at the start, the end, and across the
        // window's edge are all found.
        let versions: Vec<String> = (0..3000).map(|i| format!("0.{i}.0")).collect();
        let listed: Vec<(&str, bool)> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| (v.as_str(), i % 7 == 0))
            .collect();
        let big = cache_file("bigcrate", &listed);
        assert!(big.len() as u64 > 16 * TAIL);
        std::fs::create_dir_all(sparse.join("bi/gc")).unwrap();
        std::fs::write(sparse.join("bi/gc/bigcrate"), &big).unwrap();
        for (i, v) in versions.iter().enumerate() {
            assert_eq!(lookup(&dirs, "bigcrate", v), Some(i % 7 == 0), "{v}");
        }
        assert_eq!(lookup(&dirs, "bigcrate", "9.9.9"), None);
    }
}
