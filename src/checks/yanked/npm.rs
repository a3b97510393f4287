//! npm: deprecated versions from npm's own cache (`$npm_config_cache`, else `~/.npm`; its
//! `_cacache` directory), where `npm install` keeps the registry documents ("packuments") it
//! fetched, each version with its `deprecated` message. `npm ci` installs from the lockfile's
//! tarball URLs and fetches no packuments, so a CI runner's cache often lists nothing: those
//! versions are counted as not checked, never guessed.
//!
//! Layout (npm's `cacache` v5): an index entry for key `make-fetch-happen:request-cache:<url>`
//! lives in `index-v5/<sha256(key) split 2/2/rest>`, a file of lines `<sha1>\t<json>` whose last
//! line for the key wins; its `integrity` (`sha512-<base64>`) names the content file
//! `content-v2/sha512/<hex split 2/2/rest>`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;

use crate::config::Env;

use super::{clean_reason, read_limited, versions_line, Summaries};

/// Content files larger than this are not read (the biggest packuments are tens of MB).
const MAX_PACKUMENT: u64 = 96 << 20;

/// Index buckets larger than this are not read (one line per fetch of one URL).
const MAX_BUCKET: u64 = 4 << 20;

/// npm's cache directory: `$npm_config_cache` (npm's own variable) or `~/.npm`, plus
/// `_cacache`.
pub(crate) fn cache_root(env: &Env) -> Option<PathBuf> {
    let base = ["npm_config_cache", "NPM_CONFIG_CACHE"]
        .iter()
        .find_map(|v| env.var_os(v).filter(|v| !v.is_empty()))
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".npm")))?;
    Some(base.join("_cacache"))
}

/// The registry whose documents are looked up: `$npm_config_registry`, else npm's.
pub(crate) fn registry(env: &Env) -> String {
    ["npm_config_registry", "NPM_CONFIG_REGISTRY"]
        .iter()
        .find_map(|v| env.var(v).filter(|v| !v.trim().is_empty()))
        .unwrap_or("https://registry.npmjs.org")
        .trim_end_matches('/')
        .to_owned()
}

/// The cache key of a package's document, as npm's fetcher writes it (scoped names keep the `@`
/// and encode the slash).
pub fn packument_key(registry: &str, name: &str) -> String {
    format!(
        "make-fetch-happen:request-cache:{registry}/{}",
        name.replace('/', "%2f")
    )
}

/// A hash split the way cacache splits it: `ab/cd/rest`.
fn split_hex(hex: &str) -> Option<PathBuf> {
    (hex.len() > 4 && hex.is_ascii()).then(|| Path::new(&hex[..2]).join(&hex[2..4]).join(&hex[4..]))
}

/// The index bucket of `key` under the cache root.
pub fn bucket_path(root: &Path, key: &str) -> Option<PathBuf> {
    let h = crate::finding::sha256_hex(key.as_bytes());
    Some(root.join("index-v5").join(split_hex(&h)?))
}

/// The content file an integrity string names (the first of its hashes this reader knows).
pub fn content_path(root: &Path, integrity: &str) -> Option<PathBuf> {
    integrity.split_ascii_whitespace().find_map(|sri| {
        let (algo, digest) = sri.split_once('-')?;
        if !matches!(algo, "sha512" | "sha384" | "sha256" | "sha1") {
            return None;
        }
        // Options after `?` are part of the SRI syntax, not the digest.
        let digest = digest.split('?').next()?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(digest)
            .ok()?;
        Some(
            root.join("content-v2")
                .join(algo)
                .join(split_hex(&hex::encode(raw))?),
        )
    })
}

#[derive(Deserialize)]
struct Entry {
    key: String,
    integrity: Option<String>,
}

/// The integrity of the newest index entry for `key` in a bucket; None when there is none or
/// the newest one is a deletion (`integrity: null`). Lines that do not parse are skipped, as
/// cacache does.
pub fn newest_integrity(bucket: &[u8], key: &str) -> Option<String> {
    bucket
        .split(|b| *b == b'\n')
        .rev()
        .filter_map(|line| {
            let tab = memchr::memchr(b'\t', line)?;
            serde_json::from_slice::<Entry>(&line[tab + 1..]).ok()
        })
        .find(|e| e.key == key)?
        .integrity
}

#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    versions: BTreeMap<String, VersionDoc>,
}

#[derive(Deserialize)]
struct VersionDoc {
    #[serde(default)]
    deprecated: Option<serde_json::Value>,
}

/// A version's deprecation message: a non-empty string (npm un-deprecates with `""`).
fn deprecation(doc: &VersionDoc) -> Option<&str> {
    doc.deprecated
        .as_ref()
        .and_then(|d| d.as_str())
        .filter(|m| !m.trim().is_empty())
}

/// Every version a packument lists with its deprecation message; None when the bytes are not
/// a packument.
fn packument(bytes: &[u8]) -> Option<Packument> {
    serde_json::from_slice(bytes).ok()
}

/// npm's cache, answered through the run's summaries (keyed by the package's index bucket,
/// which npm appends to whenever it fetches the document again).
pub(crate) struct Index<'s> {
    root: Option<PathBuf>,
    registry: String,
    /// The first-level bucket directories that exist: most names of a big lockfile are not in
    /// a developer's cache, and this answers them without a system call.
    present: HashSet<String>,
    summaries: &'s mut Summaries,
}

impl<'s> Index<'s> {
    /// The cache at `root` (None: no cache) for documents from `registry`.
    pub(crate) fn new(
        root: Option<PathBuf>,
        registry: String,
        summaries: &'s mut Summaries,
    ) -> Self {
        let present = root
            .as_deref()
            .and_then(|r| std::fs::read_dir(r.join("index-v5")).ok())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Index {
            root,
            registry,
            present,
            summaries,
        }
    }

    fn bucket(&self, name: &str) -> Option<(PathBuf, String)> {
        let root = self.root.as_deref()?;
        let key = packument_key(&self.registry, name);
        let bucket = bucket_path(root, &key)?;
        let first = bucket.parent()?.parent()?.file_name()?.to_str()?;
        self.present.contains(first).then_some((bucket, key))
    }

    /// Some(deprecated) when the cached document of `name` lists `version`.
    pub(crate) fn lookup(&mut self, name: &str, version: &str) -> Option<bool> {
        let (bucket, key) = self.bucket(name)?;
        let root = self.root.clone()?;
        self.summaries.lookup(&bucket, version, MAX_BUCKET, |b| {
            let doc = read_packument(&root, b, &key)?;
            Some(versions_line(
                doc.versions
                    .iter()
                    .map(|(v, d)| (v.as_str(), deprecation(d).is_some())),
            ))
        })
    }

    /// The maintainers' deprecation message of `name` `version` (read again from the cache:
    /// only asked for the rare deprecated hit).
    pub(crate) fn message(&self, name: &str, version: &str) -> Option<String> {
        let (bucket, key) = self.bucket(name)?;
        let root = self.root.as_deref()?;
        let bytes = read_limited(&bucket, MAX_BUCKET)?;
        let doc = read_packument(root, &bytes, &key)?;
        clean_reason(deprecation(doc.versions.get(version)?)?)
    }
}

/// The packument a bucket's newest entry for `key` points at.
fn read_packument(root: &Path, bucket: &[u8], key: &str) -> Option<Packument> {
    let content = content_path(root, &newest_integrity(bucket, key)?)?;
    packument(&read_limited(&content, MAX_PACKUMENT)?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes `doc` into an npm cache at `root` under `name`'s key the way npm does: content by
    /// its sha512, an index line `<sha1>\t<json>` appended to the bucket.
    pub(crate) fn put(root: &Path, registry: &str, name: &str, doc: &[u8]) {
        use sha2::{Digest, Sha512};
        let digest = Sha512::digest(doc);
        let integrity = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        let content = content_path(root, &integrity).unwrap();
        std::fs::create_dir_all(content.parent().unwrap()).unwrap();
        std::fs::write(&content, doc).unwrap();
        let key = packument_key(registry, name);
        let bucket = bucket_path(root, &key).unwrap();
        std::fs::create_dir_all(bucket.parent().unwrap()).unwrap();
        let entry = serde_json::json!({
            "key": key, "integrity": integrity, "time": 1, "size": doc.len(),
            "metadata": {"url": format!("{registry}/{name}")}
        })
        .to_string();
        // cacache's line hash is sha1; this reader does not check it.
        let mut old = std::fs::read(&bucket).unwrap_or_default();
        old.extend_from_slice(format!("\n{}\t{entry}", "0".repeat(40)).as_bytes());
        std::fs::write(&bucket, old).unwrap();
        // Settled, as a bucket written by an earlier `npm install` is (fresh files are not
        // summarised).
        std::fs::File::options()
            .write(true)
            .open(&bucket)
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
    }

    const REG: &str = "https://registry.npmjs.org";

    fn doc(versions: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut vs = serde_json::Map::new();
        for (v, dep) in versions {
            let mut m = serde_json::json!({"name": "x", "version": v, "dist": {"tarball": "t"}});
            if let Some(d) = dep {
                m["deprecated"] = serde_json::json!(d);
            }
            vs.insert((*v).to_owned(), m);
        }
        serde_json::json!({"name": "x", "dist-tags": {}, "versions": vs})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn keys_and_paths_follow_npms_cache_layout() {
        assert_eq!(
            packument_key(REG, "@types/node"),
            "make-fetch-happen:request-cache:https://registry.npmjs.org/@types%2fnode"
        );
        // The real bucket of axios on a machine that ran `npm view axios`.
        let b = bucket_path(
            Path::new("/c"),
            "make-fetch-happen:request-cache:https://registry.npmjs.org/axios",
        )
        .unwrap();
        assert_eq!(
            b,
            Path::new(
                "/c/index-v5/54/ad/2a9923fe219972066d2d7b8d66c171cce48580bc9393935ca538970568bf"
            )
        );
        let c = content_path(Path::new("/c"), "sha512-mvznlC2MvCzbt0oIgaPmpHizJFMgbae0dKh/Z2QZ5x9sgY0gH1IAQwVgderM2yDNU+l3J4sY6tHuM+Rh+bq0+g==").unwrap();
        assert_eq!(c, Path::new("/c/content-v2/sha512/9a/fc/e7942d8cbc2cdbb74a0881a3e6a478b32453206da7b474a87f676419e71f6c818d201f520043056075eaccdb20cd53e977278b18ead1ee33e461f9bab4fa"));
        for bad in ["", "md5-abc", "sha512-!!!", "sha512-", "nodash"] {
            assert_eq!(content_path(Path::new("/c"), bad), None, "{bad}");
        }
    }

    #[test]
    fn the_newest_index_line_wins_and_a_deletion_hides_the_entry() {
        let k = "make-fetch-happen:request-cache:https://registry.npmjs.org/a";
        let line = |key: &str, integ: &str| {
            format!(
                "\n{}\t{{\"key\":\"{key}\",\"integrity\":{integ}}}",
                "0".repeat(40)
            )
        };
        let b = format!(
            "{}{}garbage\n{}",
            line(k, "\"sha512-AAAA\""),
            line("other", "\"sha512-CCCC\""),
            line(k, "\"sha512-BBBB\"")
        );
        assert_eq!(
            newest_integrity(b.as_bytes(), k).as_deref(),
            Some("sha512-BBBB")
        );
        let deleted = format!("{b}{}", line(k, "null"));
        assert_eq!(newest_integrity(deleted.as_bytes(), k), None);
        assert_eq!(newest_integrity(b"\xff\xfe\n\t{", k), None);
        assert_eq!(newest_integrity(b"", k), None);
    }

    #[test]
    fn deprecated_versions_are_read_from_the_cache_and_summarised() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("_cacache");
        // inflight's public facts: every version deprecated with this message (trimmed).
        let msg = "This module is not supported, and leaks memory. Do not use it.";
        put(
            &root,
            REG,
            "inflight",
            &doc(&[("1.0.5", Some(msg)), ("1.0.6", Some(msg))]),
        );
        put(
            &root,
            REG,
            "@scope/pkg",
            &doc(&[
                ("1.0.0", Some("")),
                ("2.0.0", Some("use 3")),
                ("3.0.0", None),
            ]),
        );
        let store = tmp.path().join("store");
        let mut summaries = Summaries::open(Some(store.clone()));
        let mut idx = Index::new(Some(root.clone()), REG.to_owned(), &mut summaries);
        assert_eq!(idx.lookup("inflight", "1.0.6"), Some(true));
        assert_eq!(idx.message("inflight", "1.0.6").as_deref(), Some(msg));
        assert_eq!(
            idx.lookup("@scope/pkg", "1.0.0"),
            Some(false),
            "\"\" un-deprecates"
        );
        assert_eq!(idx.lookup("@scope/pkg", "2.0.0"), Some(true));
        assert_eq!(idx.lookup("@scope/pkg", "3.0.0"), Some(false));
        assert_eq!(idx.message("@scope/pkg", "3.0.0"), None);
        assert_eq!(idx.lookup("@scope/pkg", "4.0.0"), None);
        assert_eq!(idx.lookup("left-pad", "1.0.0"), None);
        summaries.save();
        let saved = std::fs::read_to_string(store.join(super::super::SUMMARY_FILE)).unwrap();
        assert!(
            saved.contains("\t!1.0.5 !1.0.6\n") && saved.contains("\t1.0.0 !2.0.0 3.0.0\n"),
            "{saved}"
        );

        // A newer fetch appended to the bucket (2.0.0 un-deprecated): the summary is rebuilt.
        put(&root, REG, "@scope/pkg", &doc(&[("2.0.0", None)]));
        let mut summaries = Summaries::open(Some(store.clone()));
        let mut idx = Index::new(Some(root.clone()), REG.to_owned(), &mut summaries);
        assert_eq!(idx.lookup("@scope/pkg", "2.0.0"), Some(false));
        assert_eq!(idx.lookup("inflight", "1.0.5"), Some(true));

        // A corrupt packument, a missing content file, no cache at all: not listed.
        put(&root, REG, "broken", b"{\"versions\": [1, 2");
        put(&root, REG, "gone", &doc(&[("1.0.0", Some("x"))]));
        let gone = content_path(
            &root,
            &newest_integrity(
                &std::fs::read(bucket_path(&root, &packument_key(REG, "gone")).unwrap()).unwrap(),
                &packument_key(REG, "gone"),
            )
            .unwrap(),
        )
        .unwrap();
        std::fs::remove_file(gone).unwrap();
        let control = format!("bad\u{1b}[31m{}", "x".repeat(400));
        put(&root, REG, "ctl", &doc(&[("1.0.0", Some(&control))]));
        let mut summaries = Summaries::open(None);
        let mut idx = Index::new(Some(root.clone()), REG.to_owned(), &mut summaries);
        assert_eq!(idx.lookup("broken", "1.0.0"), None);
        assert_eq!(idx.lookup("gone", "1.0.0"), None);
        assert_eq!(idx.lookup("ctl", "1.0.0"), Some(true));
        let mut none = Summaries::open(None);
        assert_eq!(
            Index::new(None, REG.to_owned(), &mut none).lookup("inflight", "1.0.6"),
            None
        );
        let m = idx.message("ctl", "1.0.0").unwrap();
        assert!(!m.contains('\u{1b}') && m.chars().count() <= 300, "{m}");
    }
}
