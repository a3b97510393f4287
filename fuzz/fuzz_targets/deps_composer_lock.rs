#![no_main]
//! Dependency file parser `ComposerLock`, on a whole file and as a diff fragment (every other line).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    use guardrail::deps::{parse, Format, Text};
    let _ = parse(Format::ComposerLock, &Text::whole(text), "f");
    let frag: Vec<(u32, &str)> = text.lines().enumerate().step_by(2).map(|(i, l)| (i as u32 + 1, l)).collect();
    let _ = parse(Format::ComposerLock, &Text::fragment(frag), "f");
});
