//! crates.io: cargo's own index cache (`$CARGO_HOME/registry/index/*/.cache/`), the source
//! `cargo audit` reads too. Any machine that has built the project has it.

use std::path::{Path, PathBuf};

use crate::config::Env;

use super::{versions_line, Summaries};

/// Cache files larger than this are not read (the biggest crates' files are a few MB).
const MAX_CACHE_FILE: u64 = 32 << 20;

/// Where cargo keeps its home: `CARGO_HOME`, else `~/.cargo`.
pub(crate) fn cargo_home(env: &Env) -> Option<PathBuf> {
    match env.var_os("CARGO_HOME") {
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

/// Every version a cache file lists, with its yanked flag, in file order; None when the bytes
/// are not a cache file this reader knows. Entries whose JSON line is not one (or cut off) are
/// left out: not listed means not judged.
///
/// Layout (cargo's `index_cache`, version 3): one byte cache version, four bytes index format
/// version, then NUL-terminated strings: the index revision, and per published version its
/// number and its index JSON line.
pub fn versions_in_cache(bytes: &[u8]) -> Option<Vec<(&str, bool)>> {
    if bytes.first() != Some(&3) || bytes.len() < 5 {
        return None;
    }
    let body = &bytes[5..];
    let start = memchr::memchr(0, body)? + 1;
    // Field boundaries by SIMD search; what follows the last NUL is a field cut off by
    // truncation (or nothing) and is left out.
    let mut ends = memchr::memchr_iter(0, &body[start..]).map(|i| start + i);
    let mut out = Vec::new();
    let mut at = start;
    while let (Some(v_end), Some(j_end)) = (ends.next(), ends.next()) {
        let (version, json) = (&body[at..v_end], &body[v_end + 1..j_end]);
        at = j_end + 1;
        if let (Ok(version), Some(yanked)) = (std::str::from_utf8(version), yanked_field(json)) {
            if !version.is_empty() {
                out.push((version, yanked));
            }
        }
    }
    Some(out)
}

/// The top-level `"yanked"` boolean of an index JSON line, without parsing the line (its
/// `deps` array is most of it). `"yanked"` followed by a colon and a boolean is that key: a
/// string element is followed by `,` or `]`, and a feature named `yanked` (a key of the
/// `features` map) by a list. A line without the key (old index entries) is not yanked.
fn yanked_field(json: &[u8]) -> Option<bool> {
    if json.first() != Some(&b'{') {
        return None;
    }
    // From the end: cargo writes the key after `deps` and `features`, the bulk of the line.
    let mut rest = json;
    while let Some(i) = memchr::memmem::rfind(rest, b"\"yanked\"") {
        let value = rest[i + 8..].trim_ascii_start();
        if let Some(value) = value.strip_prefix(b":") {
            let value = value.trim_ascii_start();
            if value.starts_with(b"true") {
                return Some(true);
            }
            if value.starts_with(b"false") {
                return Some(false);
            }
        }
        rest = &rest[..i];
    }
    Some(false)
}

/// Cargo's index caches, answered through the run's summaries (see [`Summaries`]).
pub(crate) struct Index<'s> {
    dirs: Vec<PathBuf>,
    summaries: &'s mut Summaries,
}

impl<'s> Index<'s> {
    /// The caches in `dirs`.
    pub(crate) fn new(dirs: Vec<PathBuf>, summaries: &'s mut Summaries) -> Self {
        Index { dirs, summaries }
    }

    /// Looks `name` `version` up in the caches, first that lists it wins.
    pub(crate) fn lookup(&mut self, name: &str, version: &str) -> Option<bool> {
        let rel = index_path(name)?;
        self.dirs.iter().find_map(|d| {
            self.summaries
                .lookup(&d.join(&rel), version, MAX_CACHE_FILE, |bytes| {
                    Some(versions_line(versions_in_cache(bytes)?))
                })
        })
    }
}

/// Looks `name` `version` up in the caches, with summaries kept for this call only.
pub fn lookup(dirs: &[PathBuf], name: &str, version: &str) -> Option<bool> {
    Index::new(dirs.to_vec(), &mut Summaries::open(None)).lookup(name, version)
}

#[cfg(test)]
mod tests {
    use super::super::{SUMMARY_FILE, SUMMARY_HEADER};
    use super::*;

    /// One version's flag in a whole cache file, as the summaries answer it.
    fn yanked_in_cache(bytes: &[u8], version: &str) -> Option<bool> {
        super::super::in_line(&versions_line(versions_in_cache(bytes)?), version)
    }

    /// A cache file as cargo writes it.
    pub(crate) fn cache_file(name: &str, versions: &[(&str, bool)]) -> Vec<u8> {
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
        // A crate with thousands of versions: each one is found with its own flag.
        let versions: Vec<String> = (0..3000).map(|i| format!("0.{i}.0")).collect();
        let listed: Vec<(&str, bool)> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| (v.as_str(), i % 7 == 0))
            .collect();
        let big = cache_file("bigcrate", &listed);
        std::fs::create_dir_all(sparse.join("bi/gc")).unwrap();
        std::fs::write(sparse.join("bi/gc/bigcrate"), &big).unwrap();
        let mut summaries = Summaries::open(None);
        let mut index = Index::new(dirs.clone(), &mut summaries);
        for (i, v) in versions.iter().enumerate() {
            assert_eq!(index.lookup("bigcrate", v), Some(i % 7 == 0), "{v}");
        }
        assert_eq!(lookup(&dirs, "bigcrate", "9.9.9"), None);
    }

    #[test]
    fn every_listed_version_is_read_in_order_and_truncation_drops_only_the_cut_entry() {
        let f = cache_file(
            "foo",
            &[("1.0.0", false), ("1.0.1", true), ("2.0.0-rc.1", false)],
        );
        assert_eq!(
            versions_in_cache(&f),
            Some(vec![
                ("1.0.0", false),
                ("1.0.1", true),
                ("2.0.0-rc.1", false)
            ])
        );
        // Cut inside the last JSON line (even right after an inner `}`): that entry is not
        // listed, the others are.
        let cut = f.len() - 20;
        assert_eq!(
            versions_in_cache(&f[..cut]),
            Some(vec![("1.0.0", false), ("1.0.1", true)])
        );
        let inner = cache_file("foo", &[("1.0.0", false)]);
        let at = memchr::memmem::find(&inner, b"{}").unwrap() + 2;
        assert_eq!(versions_in_cache(&inner[..at]), Some(vec![]));
        for cut in 0..f.len() {
            let listed = versions_in_cache(&f[..cut]).unwrap_or_default();
            assert!(listed.len() <= 3);
        }
    }

    /// Sets a file's modification time (to fake "cargo did not touch it" or "cargo rewrote it").
    fn set_mtime(path: &Path, secs: u64) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    }

    #[test]
    fn summaries_answer_while_the_cache_file_is_unchanged_and_are_rebuilt_when_it_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let store = tmp.path().join("store");
        std::fs::create_dir_all(cache.join("se/rd")).unwrap();
        let file = cache.join("se/rd/serde");
        let v1 = cache_file("serde", &[("1.0.0", false), ("1.0.1", true)]);
        std::fs::write(&file, &v1).unwrap();
        set_mtime(&file, 1_000_000);
        let dirs = vec![cache.clone()];

        let mut first = Summaries::open(Some(store.clone()));
        let mut idx = Index::new(dirs.clone(), &mut first);
        assert_eq!(idx.lookup("serde", "1.0.1"), Some(true));
        assert_eq!(idx.lookup("serde", "1.0.0"), Some(false));
        assert_eq!(idx.lookup("serde", "9.0.0"), None);
        assert_eq!(first.reads, 1, "one read, then the run's summary answers");
        first.save();
        let saved = std::fs::read_to_string(store.join(SUMMARY_FILE)).unwrap();
        let mut lines = saved.lines();
        assert_eq!(lines.next(), Some(SUMMARY_HEADER));
        let line = lines.next().unwrap();
        let prefix = format!("{}\t{}.1000000000000000.", file.display(), v1.len());
        assert!(
            line.starts_with(&prefix) && line.ends_with("\t1.0.0 !1.0.1"),
            "{line}"
        );
        assert_eq!(lines.next(), None);

        // The next run answers from the saved summary without reading the file.
        let mut second = Summaries::open(Some(store.clone()));
        assert_eq!(
            Index::new(dirs.clone(), &mut second).lookup("serde", "1.0.1"),
            Some(true)
        );
        assert_eq!(second.reads, 0);
        second.save();
        assert_eq!(
            std::fs::read_to_string(store.join(SUMMARY_FILE)).unwrap(),
            saved
        );

        // Rewritten in place with the same size and the old time (flags swapped): the status
        // change time differs, so the file is read again and the summary never masks it.
        let swapped = cache_file("serde", &[("1.0.0", true), ("1.0.1", false)]);
        assert_eq!(swapped.len(), v1.len());
        std::fs::write(&file, &swapped).unwrap();
        set_mtime(&file, 1_000_000);
        let mut third = Summaries::open(Some(store.clone()));
        let mut idx = Index::new(dirs.clone(), &mut third);
        assert_eq!(idx.lookup("serde", "1.0.1"), Some(false));
        assert_eq!(idx.lookup("serde", "1.0.0"), Some(true));
        assert_eq!(third.reads, 1);
        third.save();
        let resaved = std::fs::read_to_string(store.join(SUMMARY_FILE)).unwrap();
        assert!(resaved.ends_with("\t!1.0.0 1.0.1\n"), "{resaved}");
        assert_ne!(resaved, saved);

        // A file written a moment ago is read, but not summarised (a second write within the
        // same time stamp could go unseen).
        let fresh = cache.join("se/rd/serde_json");
        std::fs::write(&fresh, cache_file("serde_json", &[("1.0.0", true)])).unwrap();
        let mut s = Summaries::open(Some(store.clone()));
        assert_eq!(
            Index::new(dirs.clone(), &mut s).lookup("serde_json", "1.0.0"),
            Some(true)
        );
        let again = Index::new(dirs.clone(), &mut s).lookup("serde_json", "1.0.0");
        assert_eq!((again, s.reads), (Some(true), 1), "kept for this run");
        assert!(!s.dirty, "nothing new to save");
        s.save();
        assert_eq!(
            std::fs::read_to_string(store.join(SUMMARY_FILE)).unwrap(),
            resaved,
            "only serde is saved"
        );

        // A summary file that is garbage, or has broken lines, is a cache miss, not an error.
        for garbage in [
            b"\xff\xfe not a summary".to_vec(),
            format!(
                "{SUMMARY_HEADER}\n{}\tx\t!1.0.1\nno tabs here\n",
                file.display()
            )
            .into_bytes(),
            format!("{SUMMARY_HEADER}\n{}\t1.2.3.4\n", file.display()).into_bytes(),
            format!(
                "guardrail yanked summary 1\n{}\t1\t2\t!1.0.1\n",
                file.display()
            )
            .into_bytes(),
        ] {
            std::fs::write(store.join(SUMMARY_FILE), &garbage).unwrap();
            let mut s = Summaries::open(Some(store.clone()));
            assert_eq!(
                Index::new(dirs.clone(), &mut s).lookup("serde", "1.0.0"),
                Some(true)
            );
            assert_eq!(s.reads, 1);
            s.save();
            assert_eq!(
                std::fs::read_to_string(store.join(SUMMARY_FILE)).unwrap(),
                resaved
            );
        }

        // Without a store the summaries live for one run only.
        let mut mem = Summaries::open(None);
        assert_eq!(
            Index::new(dirs, &mut mem).lookup("serde", "1.0.0"),
            Some(true)
        );
        assert!(mem.dirty && mem.map.len() == 1);
    }
}
