//! The atomic cache-file writer the other caches use (yanked versions, registry look-ups).
//! There is no rules cache: parsed rules used to be kept in the user cache directory and
//! trusted when read back, so a change's code that wrote there could switch rules off while the
//! ledger's `rules_sha256` still named the real rules (issue 16, item 5). The built-in packs come
//! parsed from the binary ([`super::builtin`]) and other rule files are parsed each run.

use std::path::Path;

/// Writes a cache file atomically (temporary file, then rename), so a concurrent run reads the
/// old file or the new one whole. Failures are ignored: a cache only saves time.
pub fn write_atomic(dir: &Path, file: &Path, bytes: &[u8]) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".cache-{}-{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
