//! The hash chain: one canonical JSON object per line, `{"entry":{…},"hash":"<hex>"}`, where
//! `hash = SHA-256(prev || canonical(entry))`, `prev` being the previous line's hash as 32 raw
//! bytes (32 zero bytes for the first line) and `canonical(entry)` the entry's canonical JSON
//! bytes ([`super::canon`]). Each line must itself be in canonical form, so the file is a
//! deterministic function of its entries.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canon;

/// A SHA-256 value.
pub type Hash = [u8; 32];

/// What the first entry chains from.
pub const GENESIS: Hash = [0u8; 32];

/// `SHA-256(prev || canonical_entry)`.
pub fn entry_hash(prev: &Hash, canonical_entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical_entry);
    h.finalize().into()
}

/// One verified line.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number (= entry number).
    pub number: usize,
    /// The entry object.
    pub entry: Value,
    /// Its chained hash.
    pub hash: Hash,
}

/// The first thing wrong with a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// 1-based line (entry) number, when one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "entry {l} (line {l}): {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn bad(line: usize, message: impl Into<String>) -> Invalid {
    Invalid {
        line: Some(line),
        message: message.into(),
    }
}

/// The line (with its trailing newline) that appends `entry` after `prev`, and its hash.
pub fn make_line(prev: &Hash, entry: &Value) -> Result<(Vec<u8>, Hash), canon::NotCanonical> {
    if !entry.is_object() {
        return Err(canon::NotCanonical("an entry must be a JSON object".into()));
    }
    let c = canon::to_vec(entry)?;
    let hash = entry_hash(prev, &c);
    let mut obj = Map::new();
    obj.insert("entry".into(), entry.clone());
    obj.insert("hash".into(), Value::String(hex::encode(hash)));
    let mut line = canon::to_vec(&Value::Object(obj))?;
    line.push(b'\n');
    Ok((line, hash))
}

/// Parses one line (without its newline) and checks its hash against `prev`.
pub(crate) fn check_line(bytes: &[u8], number: usize, prev: &Hash) -> Result<Line, Invalid> {
    let (entry, stored) = parse_line(bytes, number)?;
    // The line is canonical, so it is `{"entry":` + canonical(entry) + `,"hash":"<64 hex>"}`.
    let c = &bytes[ENTRY_PREFIX.len()..bytes.len() - HASH_SUFFIX_LEN];
    let want = entry_hash(prev, c);
    if want != stored {
        return Err(bad(
            number,
            format!(
                "hash mismatch: stored {}, computed {} (this entry, or the chain before it, was altered, removed or reordered)",
                hex::encode(stored),
                hex::encode(want)
            ),
        ));
    }
    Ok(Line {
        number,
        entry,
        hash: want,
    })
}

const ENTRY_PREFIX: &[u8] = b"{\"entry\":";
/// `,"hash":"` + 64 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = 9 + 64 + 2;

/// Parses a line's entry and stored hash without checking the chain.
pub(crate) fn parse_line(bytes: &[u8], number: usize) -> Result<(Value, Hash), Invalid> {
    if bytes.is_empty() {
        return Err(bad(number, "empty line"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| bad(number, "not valid UTF-8"))?;
    let v: Value =
        serde_json::from_str(text).map_err(|e| bad(number, format!("not valid JSON: {e}")))?;
    let canonical = canon::to_vec(&v).map_err(|e| bad(number, e.0))?;
    if canonical != bytes {
        return Err(bad(number, "line is not in canonical JSON form"));
    }
    let Value::Object(mut obj) = v else {
        return Err(bad(number, "line is not a JSON object"));
    };
    if obj.len() != 2 {
        return Err(bad(
            number,
            "line must have exactly the keys `entry` and `hash`",
        ));
    }
    let hash = match obj.remove("hash") {
        Some(Value::String(s)) => s,
        _ => return Err(bad(number, "missing or non-string `hash`")),
    };
    let entry = match obj.remove("entry") {
        Some(e @ Value::Object(_)) => e,
        _ => return Err(bad(number, "missing or non-object `entry`")),
    };
    let raw = hex::decode(&hash).map_err(|_| bad(number, "`hash` is not hex"))?;
    let stored: Hash = raw
        .as_slice()
        .try_into()
        .map_err(|_| bad(number, "`hash` is not 32 bytes"))?;
    if hex::encode(stored) != hash {
        return Err(bad(number, "`hash` is not lowercase hex"));
    }
    Ok((entry, stored))
}

/// Verifies a whole ledger file's bytes; the lines in order, or the first bad one.
pub fn verify(bytes: &[u8]) -> Result<Vec<Line>, Invalid> {
    match verify_prefix(bytes) {
        (lines, None) => Ok(lines),
        (_, Some(bad)) => Err(bad),
    }
}

/// The valid lines before the first bad one, and the first bad one (if any).
pub fn verify_prefix(bytes: &[u8]) -> (Vec<Line>, Option<Invalid>) {
    verify_from(bytes, GENESIS, 0)
}

/// [`verify_prefix`] of the lines that follow line `before` (whose hash is `prev`): resumes
/// a verification whose earlier part is known.
pub fn verify_from(bytes: &[u8], prev: Hash, before: usize) -> (Vec<Line>, Option<Invalid>) {
    let mut out = Vec::new();
    let mut prev = prev;
    let mut rest = bytes;
    let mut number = before;
    while !rest.is_empty() {
        number += 1;
        let Some(nl) = memchr::memchr(b'\n', rest) else {
            let torn = bad(
                number,
                format!(
                    "incomplete last line ({} bytes, no newline): a torn write or a truncated file",
                    rest.len()
                ),
            );
            return (out, Some(torn));
        };
        match check_line(&rest[..nl], number, &prev) {
            Ok(line) => {
                prev = line.hash;
                out.push(line);
            }
            Err(e) => return (out, Some(e)),
        }
        rest = &rest[nl + 1..];
    }
    (out, None)
}

/// The hash to chain the next entry from, given the ledger's last complete line (`None`: empty
/// ledger). Does not re-verify older lines.
pub(crate) fn tip_hash(last_line: Option<&[u8]>, number: usize) -> Result<Hash, Invalid> {
    match last_line {
        None => Ok(GENESIS),
        Some(l) => parse_line(l, number).map(|(_, h)| h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ledger(n: usize) -> Vec<u8> {
        let mut prev = GENESIS;
        let mut out = Vec::new();
        for i in 0..n {
            let (line, h) = make_line(&prev, &json!({"type": "note", "i": i})).unwrap();
            out.extend(line);
            prev = h;
        }
        out
    }

    #[test]
    fn first_hash_is_sha256_of_zeros_and_entry() {
        let (line, h) = make_line(&GENESIS, &json!({"type": "note"})).unwrap();
        let mut pre = vec![0u8; 32];
        pre.extend_from_slice(br#"{"type":"note"}"#);
        assert_eq!(h, <[u8; 32]>::from(Sha256::digest(&pre)));
        assert_eq!(
            String::from_utf8(line).unwrap(),
            format!(
                "{{\"entry\":{{\"type\":\"note\"}},\"hash\":\"{}\"}}\n",
                hex::encode(h)
            )
        );
    }

    #[test]
    fn valid_chain_verifies_and_edits_are_caught_at_the_right_line() {
        let l = ledger(5);
        assert_eq!(verify(&l).unwrap().len(), 5);
        let text = String::from_utf8(l.clone()).unwrap();
        let edited = text.replacen("\"i\":2", "\"i\":7", 1);
        assert_eq!(verify(edited.as_bytes()).unwrap_err().line, Some(3));
        let torn = &l[..l.len() - 1];
        let err = verify(torn).unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("incomplete"), "{err}");
    }

    #[test]
    fn non_canonical_line_is_refused() {
        let l = ledger(1);
        let text = String::from_utf8(l)
            .unwrap()
            .replacen("{\"entry\"", "{ \"entry\"", 1);
        let err = verify(text.as_bytes()).unwrap_err();
        assert!(err.message.contains("canonical"), "{err}");
    }
}
