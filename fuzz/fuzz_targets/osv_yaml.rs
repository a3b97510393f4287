#![no_main]
//! OSV YAML record loader (`db import`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = guardrail::advisory::osv::from_yaml(text);
});
