//! Rule-file discovery: the built-in packs compiled into the binary, rule files under a
//! directory on disk, and the sha256 that names a set of rule files (the ledger's
//! `rules_sha256`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::utf8;
use crate::error::{Error, Result};

/// The built-in packs, compiled into the binary (rule files and their fixtures).
pub static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");

/// A rule source: display path and text.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown in errors.
    pub path: PathBuf,
    /// File content.
    pub text: String,
}

/// Whether `name` is a rule file (and not a YAML fixture `X.test.yaml`).
pub fn is_rule_file(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && !name.ends_with(".test.yaml")
        && !name.ends_with(".test.yml")
}

/// The built-in rule files, sorted by path.
pub fn builtin_sources() -> Vec<Source> {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_builtin(dir: &include_dir::Dir<'static>, out: &mut Vec<Source>) {
    for f in dir.files() {
        let name = f.path().file_name().and_then(|n| n.to_str()).unwrap_or("");
        if is_rule_file(name) {
            if let Some(text) = f.contents_utf8() {
                out.push(Source {
                    path: Path::new("rules").join(f.path()),
                    text: text.to_owned(),
                });
            }
        }
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}

/// Rule files under a directory on disk (recursively), sorted.
pub fn dir_sources(dir: &Path) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if meta.is_file() {
        let bytes = std::fs::read(dir).map_err(|e| Error::io(dir, e))?;
        out.push(Source {
            path: dir.to_path_buf(),
            text: utf8(&bytes, dir)?.to_owned(),
        });
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let path = entry.path();
            let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_rule_file)
            {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                out.push(Source {
                    text: utf8(&bytes, &path)?.to_owned(),
                    path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

pub(super) fn is_builtin(src: &Source) -> bool {
    src.path
        .strip_prefix("rules")
        .ok()
        .and_then(|p| BUILTIN.get_file(p))
        .and_then(|f| f.contents_utf8())
        .is_some_and(|t| t == src.text)
}

pub(super) fn sources_sha256(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    for src in sources {
        h.update(src.path.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(src.text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}
