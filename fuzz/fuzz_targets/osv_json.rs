#![no_main]
//! OSV JSON record loader (`db import`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = guardrail::advisory::osv::from_json(data);
});
