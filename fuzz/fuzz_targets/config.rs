#![no_main]
//! `.guardrail.yml` loader.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = guardrail::config::Config::parse(data, std::path::Path::new(".guardrail.yml"));
});
