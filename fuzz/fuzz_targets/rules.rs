#![no_main]
//! Rule file loader and compiler; a compiled set is also run over its own text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let src = guardrail::rules::Source {
        path: "fuzz.yaml".into(),
        text: text.to_owned(),
    };
    if let Ok(set) = guardrail::rules::RuleSet::compile(&[src]) {
        let hits = set.prefilter(text);
        for rule in set.for_path("a.py") {
            let _ = set.matches(rule, text, &hits);
        }
    }
});
