#![no_main]
//! RustSec advisory (`RUSTSEC-*.md`, TOML front matter) loader (`db import`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = guardrail::advisory::rustsec::parse(text);
});
