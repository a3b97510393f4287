#![no_main]
//! Readers of the package managers' caches and registry answers (withdrawn-version check): the
//! first byte picks cargo's index cache file, an npm `_cacache` index bucket, or Go's files (a
//! go.mod's `retract` directives, a version list, a proxy `@latest` answer).
use libfuzzer_sys::fuzz_target;

use guardrail::checks::yanked::{go, npm, versions_in_cache};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    match sel % 3 {
        0 => {
            let _ = versions_in_cache(rest);
        }
        1 => {
            let key = npm::packument_key("https://registry.npmjs.org", "left-pad");
            if let Some(i) = npm::newest_integrity(rest, &key) {
                let _ = npm::content_path(std::path::Path::new("/c"), &i);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let rs = go::retractions(&text);
            let _ = go::retracted(&rs, "v1.0.0");
            let _ = go::latest(&text);
            let _ = go::latest_from_info(rest);
            let _ = go::escape(&text);
        }
    }
});
