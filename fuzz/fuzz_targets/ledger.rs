#![no_main]
//! Ledger reader: the JSONL hash chain, checkpoints (after the first 0xFF byte) and proof JSON.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ledger, checkpoints) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let snap = guardrail::ledger::store::Snapshot {
        ledger: ledger.to_vec(),
        checkpoints: checkpoints.to_vec(),
    };
    let _ = guardrail::ledger::verify::verify(&snap, &[]);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = guardrail::ledger::proof::check(&v);
    }
});
