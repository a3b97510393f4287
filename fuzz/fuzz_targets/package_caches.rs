#![no_main]
//! Readers of the package managers' caches (withdrawn-version check): the first byte picks
//! cargo's index cache file or an npm `_cacache` index bucket.
use libfuzzer_sys::fuzz_target;

use guardrail::checks::yanked::{npm, versions_in_cache};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    if sel % 2 == 0 {
        let _ = versions_in_cache(rest);
    } else {
        let key = npm::packument_key("https://registry.npmjs.org", "left-pad");
        if let Some(i) = npm::newest_integrity(rest, &key) {
            let _ = npm::content_path(std::path::Path::new("/c"), &i);
        }
    }
});
