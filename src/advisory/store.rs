//! The advisory store on disk: writing it (one data file and one sorted name index per
//! ecosystem, `meta.json`) and reading every record back (for re-imports and merges).

#[allow(clippy::wildcard_imports)]
use super::*;

/// Writes a complete store for `records` into `dir`, atomically replacing what is there: the
/// new store is written to a sibling temporary directory and renamed into place.
pub fn write_store(
    dir: &Path,
    records: &BTreeMap<String, Advisory>,
    sources: Vec<SourceInfo>,
) -> Result<Meta> {
    use std::io::Write;
    let db_err = |path: &Path, message: String| Error::Db {
        path: path.to_owned(),
        message,
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| db_err(parent, format!("cannot create directory: {e}")))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into());
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let tmp = parent.join(format!(".{name}.tmp-{}-{stamp}", std::process::id()));
    std::fs::create_dir(&tmp).map_err(|e| db_err(&tmp, format!("cannot create directory: {e}")))?;
    let result = (|| -> Result<Meta> {
        let mut counts = BTreeMap::new();
        for eco in ECOSYSTEMS {
            let data_path = tmp.join(format!("{}.jsonl", eco_file(eco)));
            let mut data = std::io::BufWriter::new(
                File::create(&data_path).map_err(|e| Error::io(&data_path, e))?,
            );
            let mut index: Vec<(String, u64, usize)> = Vec::new();
            let mut off: u64 = 0;
            let mut n = 0;
            for adv in records.values() {
                let mut names: Vec<String> = adv
                    .affected
                    .iter()
                    .filter(|a| a.ecosystem == eco)
                    .map(|a| normalize_name(eco, &a.name))
                    .collect();
                if names.is_empty() {
                    continue;
                }
                names.sort();
                names.dedup();
                let line =
                    serde_json::to_vec(adv).map_err(|e| db_err(&data_path, e.to_string()))?;
                data.write_all(&line)
                    .and_then(|_| data.write_all(b"\n"))
                    .map_err(|e| Error::io(&data_path, e))?;
                for nm in names {
                    if nm.contains(['\t', '\n']) {
                        continue;
                    }
                    index.push((nm, off, line.len()));
                }
                off += line.len() as u64 + 1;
                n += 1;
            }
            data.flush().map_err(|e| Error::io(&data_path, e))?;
            let idx_path = tmp.join(format!("{}.idx", eco_file(eco)));
            // Sorted by name (stable: a name's records stay in file order), so `check` can
            // binary-search the index as it reads it.
            index.sort_by(|a, b| a.0.cmp(&b.0));
            let mut text = String::with_capacity(index.len() * 32);
            for (nm, off, len) in &index {
                text.push_str(&format!("{nm}\t{off}\t{len}\n"));
            }
            std::fs::write(&idx_path, text).map_err(|e| Error::io(&idx_path, e))?;
            counts.insert(eco.as_str().to_owned(), n);
        }
        let meta = Meta {
            format: FORMAT,
            sources,
            counts,
            sorted_index: true,
        };
        let meta_path = tmp.join("meta.json");
        let text =
            serde_json::to_vec_pretty(&meta).map_err(|e| db_err(&meta_path, e.to_string()))?;
        std::fs::write(&meta_path, text).map_err(|e| Error::io(&meta_path, e))?;
        // The registry name sets (`names/`) are not advisories: they stay across re-imports.
        let (old_names, new_names) = (dir.join(names::DIR), tmp.join(names::DIR));
        if let Ok(entries) = std::fs::read_dir(&old_names) {
            std::fs::create_dir_all(&new_names).map_err(|e| Error::io(&new_names, e))?;
            for e in entries.flatten() {
                let to = new_names.join(e.file_name());
                std::fs::copy(e.path(), &to).map_err(|err| Error::io(&to, err))?;
            }
        }
        Ok(meta)
    })();
    let meta = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.old-{}-{stamp}", std::process::id()));
    let had_old = dir.exists();
    if had_old {
        if let Err(e) = std::fs::rename(dir, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(db_err(dir, format!("cannot replace the store: {e}")));
        }
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(db_err(dir, format!("cannot replace the store: {e}")));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(meta)
}

/// Reads every record of a store (for merging a new import into it).
pub fn read_all(dir: &Path) -> Result<(BTreeMap<String, Advisory>, Vec<SourceInfo>)> {
    let db = Db::open(dir)?;
    let mut records = BTreeMap::new();
    for eco in ECOSYSTEMS {
        let path = dir.join(format!("{}.jsonl", eco_file(eco)));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::NotADirectory =>
            {
                continue
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        for (i, line) in text.lines().enumerate() {
            let adv: Advisory = serde_json::from_str(line).map_err(|e| Error::Db {
                path: path.clone(),
                message: format!(
                    "line {}: corrupt record ({e}); delete the store and import again",
                    i + 1
                ),
            })?;
            records.insert(adv.id.clone(), adv);
        }
    }
    Ok((records, db.meta.sources))
}
